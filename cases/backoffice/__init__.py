"""The back office: server-rendered views for the dispute team (SPEC section 7)."""
