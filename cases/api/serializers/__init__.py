"""Request parsing and response shapes of the native API. `case_shape` and `transaction_shape` are
pure functions over dicts, reused by the Decisionly dialect."""
