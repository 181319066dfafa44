"""The browser side (SPEC section 9): CSRF on every back-office POST, the session key rotating at
login, hardened cookies under production settings, and login throttling."""

import json
import os
import subprocess
import sys

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.urls import URLPattern, reverse

from cases import services
from cases.actors import Actor
from cases.backoffice.urls import urlpatterns as back_office_urls
from cases.models import Case, CaseEvent
from tests.conftest import logged_in
from tests.factories import make_case
from tests.security.test_evidence_serving import PDF

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HARDENING = ("DEBUG", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
             "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
             "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF",
             "X_FRAME_OPTIONS", "SESSION_COOKIE_AGE")


def production_settings() -> dict:
    """The hardening settings as production loads them (DJANGO_DEBUG=0, DJANGO_HTTPS=1), read in a
    fresh interpreter so this process's test settings do not leak in."""
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env = {**inherited, "DJANGO_SETTINGS_MODULE": "disputes_site.settings", "DJANGO_DEBUG": "0", "DJANGO_HTTPS": "1",
           "DJANGO_SECRET_KEY": "p" * 64}
    code = ("import json; from disputes_site import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {HARDENING!r}}}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    values = json.loads(out.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_settings_are_hardened():
    prod = production_settings()
    assert prod["DEBUG"] is False
    assert prod["SESSION_COOKIE_SECURE"] and prod["SESSION_COOKIE_HTTPONLY"] and prod["CSRF_COOKIE_SECURE"]
    assert prod["SESSION_COOKIE_SAMESITE"] == "Lax" and prod["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert prod["SECURE_SSL_REDIRECT"] and prod["SECURE_HSTS_SECONDS"] >= 31536000
    assert prod["SECURE_CONTENT_TYPE_NOSNIFF"] and prod["X_FRAME_OPTIONS"] == "DENY"


def test_login_under_production_settings_sets_hardened_cookies(supervisor):
    prod = {k: v for k, v in production_settings().items() if k != "DEBUG"}
    with override_settings(**prod):
        client = Client()
        assert client.get("/login/").status_code == 301  # plain HTTP is sent to HTTPS
        page = client.get("/login/", secure=True)
        response = client.post("/login/", {"username": "sue", "password": "pw-sue",
                                           "csrfmiddlewaretoken": page.cookies["csrftoken"].value}, secure=True)
    assert response.status_code == 302
    session, csrf = response.cookies["sessionid"], client.cookies["csrftoken"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert response["X-Content-Type-Options"] == "nosniff" and response["X-Frame-Options"] == "DENY"


def test_session_key_rotates_on_login(supervisor):
    """Session fixation: a key planted before login is not the key after it, and is gone."""
    planted = SessionStore()
    planted["planted"] = True
    planted.create()
    client = Client()
    client.cookies["sessionid"] = planted.session_key
    response = client.post("/login/", {"username": "sue", "password": "pw-sue"})
    assert response.status_code == 302
    new_key = response.cookies["sessionid"].value
    assert new_key != planted.session_key
    assert not Session.objects.filter(session_key=planted.session_key).exists()
    assert SessionStore(session_key=new_key)[SESSION_KEY] == str(supervisor.pk)


def test_login_is_throttled(supervisor):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(10):
        assert SESSION_KEY not in client.post("/login/", {"username": "sue", "password": "wrong"}).wsgi_request.session
    refused = client.post("/login/", {"username": "sue", "password": "pw-sue"})
    assert refused.status_code != 302 and "Too many failed sign-in attempts" in refused.content.decode()
    assert SESSION_KEY not in client.session
    elsewhere = Client(REMOTE_ADDR="198.51.100.9").post("/login/", {"username": "sue", "password": "pw-sue"})
    assert elsewhere.status_code == 302  # the lock is per (username, address), not a lockout of the user


def test_admin_login_is_throttled(admin_user):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(10):
        client.post("/admin/login/", {"username": "root", "password": "wrong"})
    refused = client.post("/admin/login/", {"username": "root", "password": "pw-root"})
    assert refused.status_code == 200 and SESSION_KEY not in client.session


def _post_urls(case, evidence):
    """Every back-office URL that accepts POST, filled in with a real case."""
    for pattern in back_office_urls:
        assert isinstance(pattern, URLPattern)
        view = getattr(pattern.callback, "view_class", None)
        if view is None or not hasattr(view, "post"):
            continue
        if pattern.name == "webhook_demo_receiver":
            continue  # a machine-to-machine receiver checked by signature, off outside development
        kwargs = {"number": case.number, "name": "withdraw", "evidence_id": evidence.pk, "endpoint_id": "we_0",
                  "delivery_id": 1, "action": "grant", "request_id": 1, "decision": "approve", "view_id": 1,
                  "submission_id": 1}
        yield pattern.name, reverse(f"cases:{pattern.name}",
                                    kwargs={k: v for k, v in kwargs.items() if k in pattern.pattern.converters})


@pytest.fixture
def posted(program, supervisor):
    case = make_case(program)
    evidence, *_ = services.case_add_evidence(case=case, actor=Actor.for_user(supervisor), data=PDF, name="r.pdf",
                                             category="other")
    return case, evidence


def test_every_back_office_post_needs_a_csrf_token(posted, supervisor):
    case, evidence = posted
    client = logged_in(supervisor, enforce_csrf_checks=True)
    urls = dict(_post_urls(case, evidence))
    assert {"login", "logout", "case_note", "case_deadlines", "case_reviewed", "case_amount", "case_transition",
            "case_evidence", "case_provisional_credit", "profile",
            "case_submission_retry"} <= set(urls)
    events = CaseEvent.objects.count()
    for name, url in urls.items():
        response = client.post(url, {"text": "x", "note": "x", "amount": "1.00", "level": "level_2"})
        assert response.status_code == 403, f"{name} {url}: {response.status_code}"
    assert CaseEvent.objects.count() == events
    assert Case.objects.get(pk=case.pk).status == "created"
    client.get(f"/cases/{case.number}/")
    token = client.cookies["csrftoken"].value
    accepted = client.post(urls["case_note"], {"text": "With a token.", "csrfmiddlewaretoken": token})
    assert accepted.status_code in (302, 303)
    assert CaseEvent.objects.filter(kind="note", note="With a token.").count() == 1


def test_admin_post_needs_a_csrf_token(posted, admin_user):
    case, _ = posted
    client = logged_in(admin_user, enforce_csrf_checks=True)
    response = client.post(f"/admin/cases/case/{case.pk}/change/", {"level": "level_3"})
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).level == case.level


def test_native_api_with_a_session_needs_a_csrf_token(posted, supervisor):
    """A logged-in browser reaching the API: DRF's session authentication enforces CSRF."""
    case, _ = posted
    client = logged_in(supervisor, enforce_csrf_checks=True)
    response = client.post(f"/api/v1/cases/{case.case_id}/notes", {"note": "forged"}, content_type="application/json")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    assert not CaseEvent.objects.filter(kind="note").exists()
