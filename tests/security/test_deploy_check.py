"""`manage.py check --deploy` is clean with production settings (SPEC section 8)."""

import os
import secrets
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def manage(*args, **env):
    # A production environment: none of the test run's DJANGO_* variables (the browser tests set
    # DJANGO_ALLOW_ASYNC_UNSAFE, which the deploy check rightly warns about) nor its database.
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "DATABASE_URL"}
    full = {**inherited, "DJANGO_SETTINGS_MODULE": "disputes_site.settings", **env}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full, capture_output=True, text=True)


def test_check_deploy_is_clean_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="0", DJANGO_HTTPS="1",
                    DJANGO_SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0", DJANGO_HTTPS="1")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_without_a_key_outside_production_each_process_draws_an_unguessable_one():
    result = manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", DJANGO_DEBUG="0")
    again = manage("shell", "-c", "from django.conf import settings; print(settings.SECRET_KEY)", DJANGO_DEBUG="0")
    assert result.returncode == 0, result.stderr
    key = result.stdout.strip().splitlines()[-1]
    assert len(key) >= 50 and "dev-only" not in key
    assert key != again.stdout.strip().splitlines()[-1]


def test_a_weak_secret_key_fails_the_deploy_check():
    result = manage("check", "--deploy", "--fail-level", "WARNING", DJANGO_DEBUG="0", DJANGO_HTTPS="1",
                    DJANGO_SECRET_KEY="short")
    assert result.returncode != 0 and "security.W009" in result.stdout + result.stderr
