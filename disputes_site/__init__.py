# The Celery app is loaded with Django so that `@shared_task` tasks bind to it in every process.
from disputes_site.celery import app as celery_app

__all__ = ("celery_app",)
