"""The case and transaction objects on the wire, shared by the native API and the Decisionly dialect.

Pure functions over dicts (no DRF): `reader` reads untrusted JSON with dotted error paths,
`transaction_shape` and `case_shape` parse and render the objects, `transaction_objects` reads the
transaction object of `POST /api/v1/transactions` and `import_transactions`."""
