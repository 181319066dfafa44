"""Celery tasks: thin doors that load rows, call a service and are safe to run twice.

`autodiscover_tasks` imports this package, so every task module is imported here. Their beat
schedules are declared in `cases/tasks/schedules.py`.
"""

from cases.tasks import letters, maintenance, networks, outbox, regulation, webhooks  # noqa: F401
