"""The back office (SPEC section 7): server-rendered pages, their forms, display helpers, dashboard
figures, template tags and URLs. Every write goes through cases.services."""
