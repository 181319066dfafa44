"""The `default` database from the environment: SQLite unless DATABASE_URL names another.

Every SQLite configuration, the default file or a `sqlite:///path` DATABASE_URL, gets the same
options: IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue (up to `timeout`
seconds) instead of failing with "database is locked" half-way through a transaction (SPEC 15).
Options a DATABASE_URL spells out itself (`?timeout=60`) are kept.

PostgreSQL: psycopg prepares only the statements that ask for it (`prepare_threshold` out of
reach; cases/services/prepared.py); Django's own cursors bind in the client and are never prepared.
"""

import dj_database_url

SQLITE_ENGINE = "django.db.backends.sqlite3"
SQLITE_OPTIONS = {"transaction_mode": "IMMEDIATE", "timeout": 20}
POSTGRES_ENGINE = "django.db.backends.postgresql"
PREPARE_ONLY_ON_REQUEST = 2**31 - 1  # executions before psycopg prepares a statement by itself: never


def database_settings(environ, default_sqlite_path: str) -> dict:
    url = environ.get("DATABASE_URL", "")
    if not url:
        db = {"ENGINE": SQLITE_ENGINE, "NAME": environ.get("SQLITE_PATH", default_sqlite_path)}
    else:
        # Persistent connections by default (a new PostgreSQL connection per request costs more than most queries);
        # DATABASE_POOL=1 switches to psycopg's connection pool instead.
        db = dj_database_url.parse(url, conn_max_age=int(environ.get("DATABASE_CONN_MAX_AGE", "600")),
                                   conn_health_checks=True)
        if db["ENGINE"] == POSTGRES_ENGINE:
            db.setdefault("OPTIONS", {}).setdefault("prepare_threshold", PREPARE_ONLY_ON_REQUEST)
        if db["ENGINE"] == POSTGRES_ENGINE and environ.get("DATABASE_POOL", "").strip().lower() in (
                "1", "true", "yes", "on"):
            db["CONN_MAX_AGE"] = 0
            db.setdefault("OPTIONS", {})["pool"] = {
                "min_size": int(environ.get("DATABASE_POOL_MIN", "2")),
                "max_size": int(environ.get("DATABASE_POOL_MAX", "8")),
            }
    if db["ENGINE"] == SQLITE_ENGINE:
        db["OPTIONS"] = {**SQLITE_OPTIONS, **db.get("OPTIONS", {})}
    return db
