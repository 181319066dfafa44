"""The back office (SPEC section 7): server-rendered pages that call cases.services for every write."""
