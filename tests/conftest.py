"""Fixtures and harnesses every test folder shares: the door client, `concurrently()`, the people
and programs."""

import base64
import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client

from cases.actors import Actor
from tests.factories import ProgramFactory, make_api_key, make_user

# The Authorization header form each door's own clients use (SPEC sections 5-6).
DOOR_FORMS = {"native": "bearer", "mastercard": "bearer", "decisionly": "basic_username", "tutelar": "basic_split"}


def authorization(raw_key: str, form: str = "bearer") -> str:
    """An API key as an Authorization header: `bearer`, `basic_username` (Decisionly: the key as the
    Basic username, no password) or `basic_split` (Tutelar: the key split at its dot into "API key"
    and "secret key"); a door's name picks that door's form."""
    form = DOOR_FORMS.get(form, form)
    if form == "bearer":
        return f"Bearer {raw_key}"
    if form == "basic_username":
        return "Basic " + base64.b64encode(f"{raw_key}:".encode()).decode()
    if form == "basic_split":
        prefix, _, secret = raw_key.partition(".")
        return "Basic " + base64.b64encode(f"{prefix}:{secret}".encode()).decode()
    raise ValueError(form)


class DoorClient:
    """A caller of the API doors: Django's test client speaking JSON with one credential (an API key
    in a door's header form, an explicit Authorization `header`, or none; `client=` a logged-in client
    for session calls). Keyword arguments of the calls are request headers."""

    def __init__(self, raw_key: str | None = None, form: str = "bearer", *, header: str | None = None,
                 client: Client | None = None):
        self.client = client or Client()
        self.authorization = header or (authorization(raw_key, form) if raw_key else None)

    def _headers(self, headers: dict) -> dict:
        return {**({"Authorization": self.authorization} if self.authorization else {}), **headers}

    def get(self, path: str, params=None, **headers):
        return self.client.get(path, params or {}, headers=self._headers(headers))

    def generic(self, method: str, path: str, data: bytes | str = "", content_type: str = "application/json",
                **headers):
        return self.client.generic(method, path, data, content_type=content_type, headers=self._headers(headers))

    def send(self, method: str, path: str, body=None, *, raw: bytes | str | None = None,
             content_type: str = "application/json", **headers):
        """`body` as JSON, or `raw` bytes as they are."""
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        return self.generic(method, path, data, content_type, **headers)

    def post(self, path: str, body=None, **kwargs):
        return self.send("POST", path, body, **kwargs)

    def put(self, path: str, body=None, **kwargs):
        return self.send("PUT", path, body, **kwargs)

    def patch(self, path: str, body=None, **kwargs):
        return self.send("PATCH", path, body, **kwargs)

    def delete(self, path: str, body=None, **kwargs):
        return self.send("DELETE", path, body, **kwargs)

    def upload(self, path: str, files: dict, **headers):
        """A multipart POST (files and form fields)."""
        return self.client.post(path, files, headers=self._headers(headers))


def logged_in(user, **kwargs) -> Client:
    """Django's test client with `user` signed in (the back office, or the API by session)."""
    client = Client(**kwargs)
    client.force_login(user)
    return client


def concurrently(calls, timeout: float = 60) -> list:
    """Runs the zero-argument `calls` at once, one thread each, released together by a barrier.

    Returns their results in order; an exception a call raised is returned in its place, for the
    test to inspect. Each thread closes its database connections when done.
    """
    barrier = threading.Barrier(len(calls))

    def run(call):
        try:
            barrier.wait(timeout=timeout)
            return call()
        except Exception as exc:  # noqa: BLE001 - every outcome is inspected by the test
            return exc
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        futures = [pool.submit(run, call) for call in calls]
        return [future.result(timeout=timeout * 2) for future in futures]


@pytest.fixture
def program(db):
    return ProgramFactory(program_id="prog_a", name="Program A")


@pytest.fixture
def other_program(db):
    return ProgramFactory(program_id="prog_b", name="Program B")


@pytest.fixture
def analyst(db):
    return make_user("ana", "analyst")


@pytest.fixture
def supervisor(db):
    return make_user("sue", "supervisor")


@pytest.fixture
def analyst_client(analyst):
    return logged_in(analyst)


@pytest.fixture
def supervisor_client(supervisor):
    return logged_in(supervisor)


@pytest.fixture
def admin_user(db):
    return make_user("root", None, is_staff=True, is_superuser=True)


@pytest.fixture
def plain_user(db):
    return make_user("nobody")


@pytest.fixture
def analyst_actor(analyst):
    return Actor.for_user(analyst)


@pytest.fixture
def supervisor_actor(supervisor):
    return Actor.for_user(supervisor)


@pytest.fixture
def system_actor():
    return Actor.for_system()


@pytest.fixture
def api_keys(program):
    """One key per scope set for `program`: {"read": (obj, raw), "write": ..., "manage": ...}."""
    return {
        "read": make_api_key(program, ["read"], "read"),
        "write": make_api_key(program, ["write"], "write"),
        "manage": make_api_key(program, ["manage"], "manage"),
    }
