"""Decisionly issuer API, prefix /v2/issuer (SPEC section 6.2): shape, errors, pagination, views."""
