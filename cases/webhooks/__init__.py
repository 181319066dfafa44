"""Webhook plumbing (SPEC section 11): the event catalog, secrets and signatures, payload formats,
the SSRF guard and the HTTP sender. The writes (endpoints, deliveries, outcomes) are in
cases/services/webhooks.py; the tasks in cases/tasks/webhooks.py."""
