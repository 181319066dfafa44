"""Import and export: `import_transactions` (bulk, set-based writes) and `export_cases` (streamed CSV)."""
