"""Who knocks: anonymous, API keys of each scope (and of another program), and back-office people."""

import base64

from django.contrib.auth.models import User
from django.test import Client

from tests.factories import make_api_key, make_user

KEY_CALLERS = ("key_read", "key_write", "key_manage")
USER_CALLERS = ("analyst", "supervisor", "staff", "superuser", "plain_user")
CALLERS = ("anonymous", *KEY_CALLERS, *USER_CALLERS)


def api_client(raw_key: str | None = None, form: str = "bearer") -> Client:
    headers = {}
    if raw_key and form == "bearer":
        headers["Authorization"] = f"Bearer {raw_key}"
    elif raw_key and form == "basic_username":
        headers["Authorization"] = "Basic " + base64.b64encode(f"{raw_key}:".encode()).decode()
    elif raw_key:
        prefix, _, secret = raw_key.partition(".")
        headers["Authorization"] = "Basic " + base64.b64encode(f"{prefix}:{secret}".encode()).decode()
    return Client(headers=headers)


def user_client(user: User, enforce_csrf_checks: bool = False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf_checks)
    client.force_login(user)
    return client


def make_callers(program) -> dict[str, Client]:
    """One client per caller of CALLERS for `program` (users see every program: the issuer's team)."""
    users = {
        "analyst": make_user("m_analyst", "analyst"),
        "supervisor": make_user("m_supervisor", "supervisor"),
        "staff": make_user("m_staff", None, is_staff=True),
        "superuser": make_user("m_root", None, is_staff=True, is_superuser=True),
        "plain_user": make_user("m_plain"),
    }
    clients = {"anonymous": Client()}
    for scope in ("read", "write", "manage"):
        clients[f"key_{scope}"] = api_client(make_api_key(program, [scope], f"matrix {scope}")[1])
    for name, user in users.items():
        clients[name] = user_client(user)
    return clients
