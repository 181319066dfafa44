"""Settings for the Disputes project, read from environment variables.

Defaults are safe for production (DEBUG off); `make run` and the test suite set what they need.
"""

import json
import os
from pathlib import Path

import dj_database_url
from kombu import Exchange, Queue

from disputes_site.database import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if env_bool("DJANGO_HTTPS", False):
        # Production (HTTPS on) never runs on a key it was not given.
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set in production (DJANGO_HTTPS=1).")
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnopqrstuvwxyz"
    else:
        # Management commands (migrations, checks, imports) need no stable key: an unguessable one
        # per process. A server started this way loses sessions between workers, never security.
        import secrets

        SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "django_fsm",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "cases",
    "providers",
    "network_simulator",
]

MIDDLEWARE = [
    "cases.web.middleware.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cases.web.two_factor.TwoFactorMiddleware",
    # The person's time zone for the back office's pages (docs/team.md).
    "cases.web.time_zone.UserTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "disputes_site.urls"
WSGI_APPLICATION = "disputes_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cases.backoffice.context_processors.saved_views",
            ],
            # The back office's tags live with the back office, not in an app's templatetags/.
            "libraries": {"backoffice": "cases.backoffice.templatetags"},
        },
    },
]

# Database: SQLite by default (SQLITE_PATH); DATABASE_URL (postgres://... or sqlite:///path) otherwise.
# Every SQLite configuration queues its writers (disputes_site/database.py).
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASES = {"default": database_settings(os.environ, str(BASE_DIR / "db.sqlite3"))}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))

# Evidence files live outside the web root and are served only by the authorized download views.
EVIDENCE_ROOT = Path(os.environ.get("EVIDENCE_ROOT", BASE_DIR / "var" / "evidence"))
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(BASE_DIR / "var" / "media")},
    },
    "evidence": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(EVIDENCE_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# Request bodies: 10 MiB in memory at most; larger bodies are refused with 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", 10 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_MAX_FILES = 20

CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

LOGIN_URL = "cases:login"
# Django's ModelBackend, reading the person's profile (their time zone) in the same query.
AUTHENTICATION_BACKENDS = ["cases.web.time_zone.ProfileModelBackend"]
LOGIN_REDIRECT_URL = "/cases/"
# Two-factor sign-in (SPEC section 14, django-otp TOTP; docs/team.md): supervisors and staff must
# verify a code after their password; on by default in production (DJANGO_HTTPS=1), off in development.
REQUIRE_2FA = env_bool("REQUIRE_2FA", env_bool("DJANGO_HTTPS", False))
OTP_TOTP_ISSUER = "Disputes"
OTP_TOTP_THROTTLE_FACTOR = 1  # each failed code doubles the wait before the next try (1 s, 2 s, 4 s...)
LOGOUT_REDIRECT_URL = "cases:login"

# Hardening: on whenever DEBUG is off; DJANGO_HTTPS=1 adds the HTTPS-only settings.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# A CSRF refusal under /api/ answers problem+json like every other API error (SPEC section 15).
CSRF_FAILURE_VIEW = "cases.api.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if env_bool("DJANGO_HTTPS", False):
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_AGE = 8 * 3600

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cases.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cases.api.errors.problem_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["cases.web.throttling.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"client": os.environ.get("API_THROTTLE_RATE", "6000/min")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Disputes API",
    "DESCRIPTION": "Card-dispute case management: the native API (/api/v1/).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the vendored drf-spectacular-sidecar static files: /api/docs works offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["cases.api.schema.native_endpoints_only"],
    # Enum components first (drf-spectacular's default), then the document-wide rules that make the
    # document exact: problem+json errors, strict request objects, parameter patterns (SPEC 15).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "cases.api.openapi_exact.exact_document"],
    "ENUM_NAME_OVERRIDES": {
        "CaseStatusEnum": "cases.choices.CaseStatus",
        "TransactionStatusEnum": "cases.choices.TransactionStatus",
        "CardholderTypeEnum": "cases.choices.CardholderType",
        "CardTypeEnum": "cases.choices.CardType",
        "WebhookEndpointStatusEnum": "cases.choices.WebhookEndpointStatus",
        "WebhookDeliveryStatusEnum": "cases.choices.WebhookDeliveryStatus",
        "WebhookFormatEnum": "cases.choices.WebhookFormat",
    },
}

API_KEY_CUSTOM_HEADER = "HTTP_X_API_KEY"
IDEMPOTENCY_KEY_TTL_HOURS = int(os.environ.get("IDEMPOTENCY_KEY_TTL_HOURS", "48"))
LOGIN_THROTTLE = os.environ.get("LOGIN_THROTTLE", "10/15m")

# Background work (SPEC section 10): Celery, read by disputes_site/celery.py from the CELERY_ names.
# RabbitMQ (amqp://guest:guest@127.0.0.1:5672//) in production and CI; unset, kombu's filesystem
# transport under var/celery/ needs no server. docs/operations.md describes the processes.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "filesystem://"
CELERY_BROKER_TRANSPORT = None  # a server broker's transport follows from its URL
if CELERY_BROKER_URL.startswith("filesystem://"):
    # kombu's transport with each message written whole before a worker can list it.
    CELERY_BROKER_TRANSPORT = "disputes_site.filesystem_broker:Transport"
    _celery_dir = Path(os.environ.get("CELERY_FILESYSTEM_DIR", BASE_DIR / "var" / "celery"))
    for _sub in ("queue", "processed", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
        # How often an idle (or busy: prefetch 1) worker looks for a message. kombu's default, 1 s,
        # costs up to a second per task, so a burst of tasks queued up behind the beat schedules.
        "polling_interval": float(os.environ.get("CELERY_FILESYSTEM_POLL_SECONDS", "0.1")),
    }


def celery_queues(default: str) -> dict:
    """The queues and routes of a deployment whose default queue is `default`.

    - Letters render a PDF each (a few hundred milliseconds) and wait on a mail server: they go to
      `<default>.letters`, so a burst of letters (or a mail server that is down) never holds
      webhooks, network filings or the relay behind it.
    - What the networks send back (the queue poll, and the apply of what it stored) goes to
      `<default>.inbound`: a bulk filing puts hundreds of send tasks in the default queue, and the
      networks' answers (representments, with the issuer's response clock running) do not wait
      behind all of them; a worker consuming several queues takes from each in turn.

    A worker started without -Q consumes every queue; production runs a worker per queue or set of
    queues (docs/operations.md)."""
    letters, inbound = f"{default}.letters", f"{default}.inbound"
    return {
        "CELERY_TASK_DEFAULT_QUEUE": default, "CELERY_LETTERS_QUEUE": letters, "CELERY_NETWORK_INBOUND_QUEUE": inbound,
        "CELERY_TASK_QUEUES": tuple(Queue(name, Exchange(name), routing_key=name) for name in (default, letters, inbound)),
        "CELERY_TASK_ROUTES": {
            "cases.send_letters": {"queue": letters, "routing_key": letters},
            "cases.poll_networks": {"queue": inbound, "routing_key": inbound},
            "cases.apply_network_messages": {"queue": inbound, "routing_key": inbound},
        },
    }


# One queue name per deployment; a test run sets its own so it never takes another run's messages.
globals().update(celery_queues(os.environ.get("CELERY_QUEUE", "disputes")))
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # tasks report through the database, never through results
# A task is acknowledged after it ran, so a worker killed mid-task leaves its message to another
# worker; every task is idempotent (it re-reads its row and skips what is already handled).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# With late acknowledgement a worker holds only the message it runs (plus one) instead of a
# prefetched batch that would wait behind a slow task.
# The filesystem broker (no server: `make run`) runs Celery's synchronous worker loop, which takes
# new messages only every 2 s once its prefetch is in use: one task a second with a prefetch of 1,
# so a burst (the demo book's filings) held every later task for minutes. There it is 8.
CELERY_WORKER_PREFETCH_MULTIPLIER = int(os.environ.get(
    "CELERY_WORKER_PREFETCH_MULTIPLIER", "8" if CELERY_BROKER_URL.startswith("filesystem://") else "1"))
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "300000"))  # KiB
# Celery's Django fixup closes every database connection before and after each task unless this is
# set: a worker then opened a PostgreSQL connection per task, and the backends' start-up cost the
# networks bench 5.5 ms of PostgreSQL CPU a Visa case, as much as the worker itself. Connections
# now live as in a web request: CONN_MAX_AGE and the health check decide, checked around every task
# (disputes_site/celery.py); the fixup still closes them after this many tasks.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TIMEZONE = TIME_ZONE
CELERY_ENABLE_UTC = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that enqueues after commit must not hang on a broker that is down: a short connect
# timeout and one quick retry, after which the outbox relay sends the row instead.
CELERY_BROKER_CONNECTION_TIMEOUT = float(os.environ.get("CELERY_BROKER_CONNECTION_TIMEOUT", "2"))
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.2}
CELERY_TASK_ALWAYS_EAGER = False
# Remote control (celery inspect/control) uses broadcast exchanges shared by every worker on the
# broker; a test run turns it off to stay within its own queue.
CELERY_WORKER_ENABLE_REMOTE_CONTROL = env_bool("CELERY_WORKER_ENABLE_REMOTE_CONTROL", True)
# Seconds a row handed to a task stays claimed before the relay may hand it out again (a worker
# killed mid-task): longer than any task takes (a webhook batch: two rounds of 15 s sends at most).
OUTBOX_LEASE_SECONDS = int(os.environ.get("OUTBOX_LEASE_SECONDS", "120"))
# The outbox publisher (cases/services/outbox.py) sends at most once per this many seconds while
# committed ids keep coming (at once after a quiet spell); 0 sends each transaction's ids from its
# on-commit callback, in the request.
OUTBOX_PUBLISH_WINDOW = float(os.environ.get("OUTBOX_PUBLISH_WINDOW", "0.5"))

# Webhooks (SPEC section 11; docs/operations.md). Production refuses http and private receivers.
WEBHOOK_ALLOW_PRIVATE_URLS = env_bool("WEBHOOK_ALLOW_PRIVATE_URLS", False)
# The key webhook secrets are encrypted with at rest (SECRET_KEY when unset); shared by web and workers.
WEBHOOK_SECRETS_KEY = os.environ.get("WEBHOOK_SECRETS_KEY", "")
# Concurrent sends per worker process: sends wait on receivers, not on the CPU.
WEBHOOK_SEND_THREADS = int(os.environ.get("WEBHOOK_SEND_THREADS", "32"))
# The back office's demo receiver page (/webhooks/demo/), for `make run`: on with DEBUG.
WEBHOOK_DEMO_RECEIVER = env_bool("WEBHOOK_DEMO_RECEIVER", DEBUG)
# Card-network submissions and queues (SPEC section 12; docs/networks.md): the case side. The
# gateways' own settings (wires, URLs, signing keys, the simulator) sit with cases/gateways/.
NETWORK_POLL_SECONDS = int(os.environ.get("NETWORK_POLL_SECONDS", "60"))
# Concurrent sends per worker process: sends wait on the network, not on the CPU.
NETWORK_SEND_THREADS = int(os.environ.get("NETWORK_SEND_THREADS", "16"))
# Attempts with an unknown outcome (timeout, 5xx) before a submission is `failed` for a person.
NETWORK_SUBMISSION_MAX_ATTEMPTS = int(os.environ.get("NETWORK_SUBMISSION_MAX_ATTEMPTS", "6"))
# A merchant document a network forwards is stored up to Mastercard's 18 MB per transaction
# (REFERENCE section 8); a larger one is refused and named on the message for a supervisor.
NETWORK_DOCUMENT_MAX_BYTES = int(os.environ.get("NETWORK_DOCUMENT_MAX_BYTES", str(18 * 1024 * 1024)))
# Letters to cardholders (SPEC section 13) go through Django's e-mail backend: SMTP in production
# (EMAIL_HOST, EMAIL_PORT, ...), files under var/mail/ in development (`make run`), so a demo sends
# nothing out. EMAIL_BACKEND overrides either.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "disputes@localhost")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.filebased.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = os.environ.get("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = 15

# Card networks (SPEC section 12; docs/networks.md). The gateways speak Mastercom v6 and the
# VROL-style wire to the embedded simulator (development and tests) or to the networks' sandboxes
# and production hosts. Production (DJANGO_HTTPS=1) refuses to start with the simulator configured.
def network_settings(simulator: bool, delay_default: str = "20") -> dict:
    port = int(os.environ.get("NETWORK_SIMULATOR_PORT", "8001"))
    url = os.environ.get("NETWORK_SIMULATOR_URL", f"http://127.0.0.1:{port}").rstrip("/")
    delay = float(os.environ.get("NETWORK_SIMULATOR_DELAY", delay_default))
    values = {
        "NETWORK_SIMULATOR": simulator,
        "NETWORK_SIMULATOR_PORT": port,
        "NETWORK_SIMULATOR_URL": url,
        # Seconds the simulated acquirer takes to answer; a filing left unanswered (amount ending 05)
        # is closed for the issuer after NETWORK_SIMULATOR_WINDOW seconds (default: three times that).
        "NETWORK_SIMULATOR_DELAY": delay,
        "NETWORK_SIMULATOR_WINDOW": float(os.environ.get("NETWORK_SIMULATOR_WINDOW", str(3 * delay))),
        # The simulator keeps its own state in its own database (network_simulator/router.py).
        "NETWORK_SIMULATOR_DATABASE": os.environ.get("NETWORK_SIMULATOR_DATABASE",
                                                     str(BASE_DIR / "var" / "network_simulator.sqlite3")),
        # Mastercom v6 (https://api.mastercard.com/mastercom; its sandbox host for testing): the OAuth
        # 1.0a consumer key and RSA signing key file (.p12 or PEM; cases/gateways/keys.py).
        "MASTERCOM_BASE_URL": os.environ.get("MASTERCOM_BASE_URL", "").rstrip("/") or (
            f"{url}/mastercom" if simulator else ""),
        "MASTERCOM_CONSUMER_KEY": os.environ.get("MASTERCOM_CONSUMER_KEY", "") or (
            "disputes-sandbox-consumer" if simulator else ""),
        "MASTERCOM_SIGNING_KEY_FILE": os.environ.get("MASTERCOM_SIGNING_KEY_FILE", "") or (
            str(BASE_DIR / "var" / "keys" / "mastercom-sandbox.pem") if simulator else ""),
        "MASTERCOM_SIGNING_KEY_PASSWORD": os.environ.get("MASTERCOM_SIGNING_KEY_PASSWORD", ""),
        # Per program: {"<slug>": {"consumer_key": "...", "key_file": "...", "key_password": "..."}}.
        "MASTERCOM_PROGRAM_KEYS": json.loads(os.environ.get("MASTERCOM_PROGRAM_KEYS", "") or "{}"),
        # The issuer's ICA: the filing ICA of pre-arbitration and arbitration cases.
        "MASTERCOM_ICA": os.environ.get("MASTERCOM_ICA", "1234"),
        # The VROL-style wire (modelled; docs/networks.md): base URL, HTTP Basic user id and password.
        "VROL_BASE_URL": os.environ.get("VROL_BASE_URL", "").rstrip("/") or (f"{url}/vrol" if simulator else ""),
        "VROL_USER_ID": os.environ.get("VROL_USER_ID", "") or ("disputes-sandbox" if simulator else ""),
        "VROL_PASSWORD": os.environ.get("VROL_PASSWORD", "") or ("sandbox-password" if simulator else ""),
        "NETWORK_HTTP_TIMEOUT": float(os.environ.get("NETWORK_HTTP_TIMEOUT", "30")),
    }
    if env_bool("DJANGO_HTTPS", False) and (simulator or any(
            values[name].startswith(url) for name in ("MASTERCOM_BASE_URL", "VROL_BASE_URL") if values[name])):
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            "The network simulator is for development and tests: production (DJANGO_HTTPS=1) needs "
            "NETWORK_SIMULATOR=0 and MASTERCOM_BASE_URL / VROL_BASE_URL pointing at the networks.")
    return values


globals().update(network_settings(env_bool("NETWORK_SIMULATOR", DEBUG)))
DATABASES["network_simulator"] = {
    "ENGINE": "django.db.backends.sqlite3",
    "NAME": NETWORK_SIMULATOR_DATABASE,  # noqa: F821 - set just above
    # WAL with NORMAL sync: a commit survives the process being killed, and costs no fsync.
    "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
    # Kept for the life of the server thread that serves one keep-alive connection.
    "CONN_MAX_AGE": None,
    "TEST": {"NAME": ":memory:"},
}
if os.environ.get("NETWORK_SIMULATOR_DATABASE_URL"):
    # A PostgreSQL database of the simulator's own (benchmarks: several simulator processes write
    # at once, which SQLite serializes behind its busy timeout).
    DATABASES["network_simulator"] = dj_database_url.parse(os.environ["NETWORK_SIMULATOR_DATABASE_URL"],
                                                           conn_max_age=600, conn_health_checks=True)
DATABASE_ROUTERS = ["network_simulator.router.SimulatorRouter"]

LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cases.web.middleware.RequestIdLogFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Django's request logger prints the request object; ours logs method, path and status.
        "django.request": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
