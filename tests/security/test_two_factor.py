"""Two-factor sign-in (SPEC section 14): who must verify, enrolment, wrong / reused / recovery codes,
and the admin behind the same sign-in."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("required")]


@pytest.fixture
def required():
    with override_settings(REQUIRE_2FA=True):
        yield


def signed_in(user) -> Client:
    client = Client()
    response = client.post("/login/", {"username": user.username, "password": f"pw-{user.username}"})
    assert response.status_code == 302
    return client


def code(device: TOTPDevice, at=None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():0{device.digits}d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_a_supervisor_without_a_device_is_sent_to_enrolment(supervisor):
    client = signed_in(supervisor)
    response = client.get("/cases/")
    assert response.status_code == 302
    assert response["Location"] == "/two-factor/setup/?next=%2Fcases%2F"
    page = client.get(response["Location"]).content.decode()
    assert "<svg" in page and "Your role needs it" in page and 'id="totp-secret"' in page
    assert client.post("/cases/bulk/", {}).status_code == 302  # posts too


def test_enrolment_with_the_apps_code_verifies_and_shows_recovery_codes_once(supervisor):
    client = signed_in(supervisor)
    client.get("/two-factor/setup/")
    device = TOTPDevice.objects.get(user=supervisor, confirmed=False)
    refused = client.post("/two-factor/setup/", {"token": "000000" if code(device) != "000000" else "111111"})
    assert refused.status_code == 400 and "not the one your app shows" in refused.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=40), tick=False):  # past the throttle's wait
        response = client.post("/two-factor/setup/", {"token": code(device), "next": "/approvals/"})
        assert response.status_code == 302 and response["Location"].startswith("/two-factor/recovery-codes/")
        codes_page = client.get(response["Location"]).content.decode()
        assert codes_page.count("<li><code>") == 10 and 'href="/approvals/"' in codes_page
        assert "<li><code>" not in client.get("/two-factor/recovery-codes/").content.decode()  # shown once
        assert client.get("/cases/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed


def test_an_analyst_is_not_required_but_may_enrol(analyst):
    client = signed_in(analyst)
    assert client.get("/cases/").status_code == 200
    assert "Your role needs it" not in client.get("/two-factor/setup/").content.decode()


def test_off_in_development_nobody_is_asked(supervisor):
    with override_settings(REQUIRE_2FA=False):
        assert signed_in(supervisor).get("/cases/").status_code == 200


def test_a_wrong_code_is_refused(supervisor):
    device = enrolled(supervisor)
    client = signed_in(supervisor)
    assert client.get("/cases/")["Location"] == "/two-factor/verify/?next=%2Fcases%2F"
    wrong = "123456" if code(device) != "123456" else "654321"
    response = client.post("/two-factor/verify/", {"token": wrong})
    assert response.status_code == 400 and "not accepted" in response.content.decode()
    assert client.get("/cases/").status_code == 302


def test_a_code_is_accepted_once(supervisor):
    device = enrolled(supervisor)
    now = timezone.now()
    with time_machine.travel(now, tick=False):
        first = signed_in(supervisor)
        token = code(device)
        assert first.post("/two-factor/verify/", {"token": token, "next": "/cases/"})["Location"] == "/cases/"
        assert first.get("/cases/").status_code == 200
    with time_machine.travel(now + timedelta(seconds=5), tick=False):
        second = signed_in(supervisor)  # the same code, replayed in another session
        assert second.post("/two-factor/verify/", {"token": token}).status_code == 400
        assert second.get("/cases/").status_code == 302


def test_a_recovery_code_works_once(supervisor):
    enrolled(supervisor)
    static = supervisor.staticdevice_set.create(name="recovery", confirmed=True)
    StaticToken.objects.create(device=static, token="abcde12345")
    client = signed_in(supervisor)
    assert client.post("/two-factor/verify/", {"token": "abcde 12345"}).status_code == 302
    assert client.get("/cases/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(seconds=5), tick=False):
        again = signed_in(supervisor)
        assert again.post("/two-factor/verify/", {"token": "abcde12345"}).status_code == 400
        assert again.get("/cases/").status_code == 302


def test_the_admin_is_not_reachable_around_two_factor(admin_user):
    client = Client()
    response = client.post("/admin/login/", {"username": "root", "password": "pw-root", "next": "/admin/"})
    assert response.status_code == 302
    for path in ("/admin/", "/admin/cases/case/", "/admin/auth/user/"):
        refused = client.get(path)
        assert refused.status_code == 302 and refused["Location"].startswith("/two-factor/setup/"), path
    device = enrolled(admin_user)
    client.post("/two-factor/verify/", {"token": code(device)})
    assert client.get("/admin/").status_code == 200


def test_the_api_by_session_is_behind_two_factor_too(supervisor, program):
    client = signed_in(supervisor)
    assert client.get("/api/v1/cases").status_code == 302


def test_password_throttling_still_applies(supervisor):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(10):
        client.post("/login/", {"username": "sue", "password": "wrong"})
    refused = client.post("/login/", {"username": "sue", "password": "pw-sue"})
    assert refused.status_code == 429
