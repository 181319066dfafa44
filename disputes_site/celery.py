"""The Celery app (`python -m celery -A disputes_site worker|beat`), configured from Django settings.

Every setting is a Django setting prefixed `CELERY_` (disputes_site/settings.py); tasks live in
`cases/tasks/` and are found by `autodiscover_tasks`. With `CELERY_BROKER_URL` unset the broker is
kombu's filesystem transport under `var/celery/`, which needs no server (`make run` on a laptop).
"""

import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disputes_site.settings")

app = Celery("disputes_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def close_old_connections(task=None, **kwargs) -> None:
    """Around each task what Django does around each request: a connection past CONN_MAX_AGE, or
    one whose last query failed and that no longer answers, is closed (the next query opens a new
    one); a healthy one is kept (CELERY_DB_REUSE_MAX keeps Celery from closing it). Not for a
    task run eagerly inside the caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections as close

    close()
