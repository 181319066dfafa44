"""Settings for the test suite: the real settings with a throwaway key, fast hashing, temp storage."""

import os
import tempfile

os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789abcdef")
os.environ.setdefault("EVIDENCE_ROOT", tempfile.mkdtemp(prefix="disputes-evidence-"))

from disputes_site.settings import *  # noqa: E402,F403
from disputes_site.settings import STORAGES, env_bool, network_settings  # noqa: E402

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# WhiteNoise serves from STATIC_ROOT; give the suite an empty one instead of warning on every request.
STATIC_ROOT = tempfile.mkdtemp(prefix="disputes-static-")
WHITENOISE_USE_FINDERS = True

# Unit tests run tasks in-process, at once. The processes the PostgreSQL/RabbitMQ suite starts
# (gunicorn, workers; tests/webhooks/processes.py) are given a broker and send real messages.
if os.environ.get("CELERY_BROKER_URL"):
    CELERY_TASK_ALWAYS_EAGER = False
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
    CELERY_BROKER_URL = "memory://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {}
    CELERY_WORKER_PREFETCH_MULTIPLIER = int(os.environ.get("CELERY_WORKER_PREFETCH_MULTIPLIER", "1"))

# The gateways talk to the network simulator, which answers at once unless told otherwise (a test
# starts the simulator process itself: tests/gateways/simulator.py).
globals().update(network_settings(env_bool("NETWORK_SIMULATOR", True), delay_default="0"))
