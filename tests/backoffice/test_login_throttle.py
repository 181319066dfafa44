"""Login throttling: per username and address, settings.LOGIN_THROTTLE failures per window."""

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client

from cases.web import login_throttle


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.LOGIN_THROTTLE = "3/15m"
    cache.clear()
    yield
    cache.clear()


def _try(client, password, username="ana", path="/login/"):
    return client.post(path, {"username": username, "password": password})


def test_parse_rate():
    assert login_throttle.parse_rate("10/15m") == (10, 900)
    assert login_throttle.parse_rate("5/h") == (5, 3600)
    assert login_throttle.parse_rate("2/30s") == (2, 30)
    with pytest.raises(ValueError):
        login_throttle.parse_rate("ten per minute")
    with pytest.raises(ValueError):
        login_throttle.parse_rate("0/1m")


def test_after_the_limit_even_the_right_password_is_refused(analyst):
    client = Client()
    for _ in range(3):
        response = _try(client, "wrong")
        assert response.status_code == 200
        assert b"Please enter a correct username and password" in response.content
    response = _try(client, "pw-ana")
    assert response.status_code == 429
    assert b"Too many failed sign-in attempts. Try again in 15 minute(s)." in response.content
    assert "_auth_user_id" not in client.session


def test_the_window_ends(analyst):
    client = Client()
    with time_machine.travel("2026-03-01 10:00:00Z", tick=False) as traveller:
        for _ in range(3):
            _try(client, "wrong")
        assert _try(client, "pw-ana").status_code == 429
        traveller.shift(16 * 60)
        response = _try(client, "pw-ana")
    assert response.status_code == 302


def test_other_users_and_addresses_are_not_locked(analyst, supervisor):
    client = Client()
    for _ in range(3):
        _try(client, "wrong")
    assert _try(client, "pw-sue", username="sue").status_code == 302
    other_address = Client(REMOTE_ADDR="10.0.0.9")
    assert _try(other_address, "pw-ana").status_code == 302


def test_a_success_resets_the_count(analyst):
    client = Client()
    for _ in range(2):
        _try(client, "wrong")
    assert _try(client, "pw-ana").status_code == 302
    client.post("/logout/")
    for _ in range(2):
        assert _try(client, "wrong").status_code == 200
    assert _try(client, "pw-ana").status_code == 302


def test_username_case_does_not_dodge_the_limit(analyst):
    client = Client()
    for name in ("ana", "ANA", "Ana"):
        _try(client, "wrong", username=name)
    assert _try(client, "pw-ana").status_code == 429


def test_admin_login_is_throttled_too(staff_supervisor):
    client = Client()
    for _ in range(3):
        assert _try(client, "wrong", username="staff_sue", path="/admin/login/").status_code == 200
    response = _try(client, "pw-staff_sue", username="staff_sue", path="/admin/login/")
    assert b"Too many failed sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session
