"""HTTP plumbing shared by every door: API keys, the guard around each request (size, card-number
screening, idempotency), request ids, API throttling, the login throttle and the health check."""
