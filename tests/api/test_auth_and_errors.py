"""Authentication header forms, key lifecycle, throttling, and the problem+json mapping of framework errors."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from cases.models import ApiKey
from tests.api.conftest import assert_problem
from tests.conftest import DoorClient, logged_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form", ["bearer", "basic_username", "basic_split"])
def test_all_three_header_forms(api_keys, form):
    response = DoorClient(api_keys["read"][1], form).get("/api/v1/cases")
    assert response.status_code == 200
    assert response.json() == {"has_more": False, "data": []}


@pytest.mark.parametrize("authorization", [
    "Bearer nope.nope", "Bearer nodot", "Basic !!!", "Basic " + "QQ==" * 400, "Bearer ",
])
def test_bad_credentials_are_401(authorization, program):
    problem = assert_problem(DoorClient(header=authorization).get("/api/v1/cases"), 401,
                             "authentication_failed")
    assert problem["title"]


def test_wrong_secret_is_401(api_keys):
    raw = api_keys["read"][1]
    assert_problem(DoorClient(raw[:-2] + "xx").get("/api/v1/cases"), 401)


def test_revoked_and_expired_keys_are_401(api_keys):
    read, raw_read = api_keys["read"]
    write, raw_write = api_keys["write"]
    ApiKey.objects.filter(pk=read.pk).update(revoked=True)
    ApiKey.objects.filter(pk=write.pk).update(expiry_date=timezone.now() - timedelta(minutes=1))
    assert_problem(DoorClient(raw_read).get("/api/v1/cases"), 401, "authentication_failed")
    assert_problem(DoorClient(raw_write).get("/api/v1/cases"), 401, "authentication_failed")


def test_missing_credentials_announce_the_scheme(anon, program):
    response = anon.get("/api/v1/cases")
    assert_problem(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_session_write_needs_csrf(analyst, program):
    client = logged_in(analyst, enforce_csrf_checks=True)
    assert_problem(DoorClient(client=client).post("/api/v1/cases", {"program_id": "prog_a"}), 403, "permission_denied")


def test_method_not_allowed(api):
    response = api.send("DELETE", "/api/v1/cases")
    assert_problem(response, 405, "method_not_allowed")


def test_unsupported_media_type(api):
    assert_problem(api.post("/api/v1/cases", raw="reason=fraud", content_type="text/plain"), 415,
                   "unsupported_media_type")


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_oversized_body_is_413(api):
    assert_problem(api.post("/api/v1/cases", {"reason": "x" * 2000}), 413, "payload_too_large")


def test_malformed_multipart_is_400(api, program):
    response = api.post("/api/v1/cases/some-case/evidence", raw=b"--xx\r\nbroken",
                        content_type="multipart/form-data; boundary=xx")
    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/problem+json"


def test_unknown_api_path_is_a_problem(api):
    assert_problem(api.get("/api/v1/disputes"), 404, "not_found")
    assert_problem(api.get("/api/v1/cases/bad%00id"), 404, "not_found")


def test_throttled_with_retry_after(api, program):
    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "2/min"}}
    with override_settings(REST_FRAMEWORK=rates):
        assert api.get("/api/v1/cases").status_code == 200
        assert api.get("/api/v1/reason-codes").status_code == 200
        response = api.get("/api/v1/cases")
        assert_problem(response, 429, "throttled")
        assert 1 <= int(response["Retry-After"]) <= 60


def test_throttle_counts_per_key(api, api_for, program):
    rates = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"client": "1/min"}}
    with override_settings(REST_FRAMEWORK=rates):
        assert api.get("/api/v1/cases").status_code == 200
        assert api.get("/api/v1/cases").status_code == 429
        assert api_for("read").get("/api/v1/cases").status_code == 200
