"""The Celery app (`python -m celery -A disputes_site worker|beat`), configured from Django settings.

Every setting is a Django setting prefixed `CELERY_` (disputes_site/settings.py); tasks live in
`cases/tasks/` and are found by `autodiscover_tasks`. With `CELERY_BROKER_URL` unset the broker is
kombu's filesystem transport under `var/celery/`, which needs no server (`make run` on a laptop).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "disputes_site.settings")

app = Celery("disputes_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
