"""Who knocks: anonymous, API keys of each scope (and of another program), and back-office people."""

from django.test import Client

from tests.conftest import DoorClient, logged_in
from tests.factories import make_api_key, make_user

KEY_CALLERS = ("key_read", "key_write", "key_manage")
USER_CALLERS = ("analyst", "supervisor", "staff", "superuser", "plain_user")
CALLERS = ("anonymous", *KEY_CALLERS, *USER_CALLERS)


def make_callers(program) -> dict:
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
        clients[f"key_{scope}"] = DoorClient(make_api_key(program, [scope], f"matrix {scope}")[1])
    for name, user in users.items():
        clients[name] = logged_in(user)
    return clients
