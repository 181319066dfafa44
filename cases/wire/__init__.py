"""The case and transaction objects on the wire, shared by the native API, the Decisionly dialect and
`import_transactions`.

Pure functions over dicts (no DRF): `reader` reads untrusted JSON with dotted error paths;
`transaction_objects` is the one parser of the transaction object and its parties (the store, a case
body's transaction, each imported row); `case_shape` parses the case body and renders cases and
claims; `transaction_shape` renders transactions and parties."""
