"""Tutelar disputes API, prefix /api/v1/dispute (SPEC section 6.3): messages, parsing, rendering, views."""
