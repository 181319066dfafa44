"""Letters to the cardholder rendered to PDF (WeasyPrint) from per-program templates (SPEC section 13)."""
