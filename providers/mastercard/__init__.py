"""Mastercard Processing Dispute API, prefix /global-processing/dispute (SPEC section 6.1): views and URLs."""
