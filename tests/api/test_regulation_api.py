"""The native API's regulation objects, cardholder_notified_at, provisional credit and letters."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Case, Letter
from cases.services.letters import letter_send
from tests.api.conftest import assert_problem, case_payload

pytestmark = pytest.mark.django_db


def debit_payload(**overrides):
    body = case_payload(**overrides)
    body["transaction"]["card"]["type"] = "debit"
    return body


def test_create_shows_regulation_provisional_credit_and_liability(api):
    notified = (timezone.now() - timedelta(days=1)).replace(microsecond=0)
    response = api.post("/api/v1/cases", debit_payload(cardholder_notified_at=notified.isoformat()))
    assert response.status_code == 201, response.content
    body = response.json()
    regulation = body["regulation"]
    assert regulation["rule"] == "reg_e"
    assert regulation["notice_received_at"].startswith(notified.strftime("%Y-%m-%dT%H:%M:%S"))
    assert regulation["provisional_credit_due"] and regulation["investigation_due"]
    assert regulation["acknowledgement_due"] is None and regulation["status"] in ("on_track", "at_risk")
    assert body["provisional_credit"] == {"amount": 0, "status": "none", "granted_at": None,
                                          "reversal_effective_on": None}
    assert body["liability"] == {"original": 2990, "recovered": 0, "written_off": 0, "denied": 0, "remaining": 2990}
    assert body["next_deadline"] <= regulation["provisional_credit_due"]


def test_credit_card_is_reg_z_with_an_acknowledgement_letter(api):
    body = api.post("/api/v1/cases", case_payload()).json()
    assert body["regulation"]["rule"] == "reg_z"
    letters = api.get(f"/api/v1/cases/{body['case_id']}/letters").json()["data"]
    assert [(x["kind"], x["due"], x["sent_at"], x["download_url"]) for x in letters] == [
        ("acknowledgement", body["regulation"]["acknowledgement_due"], None, None)]


@pytest.mark.parametrize(("value", "code"), [
    ("2999-01-01T00:00:00Z", "notice_in_future"),
    ("2001-01-01T00:00:00Z", "notice_before_transaction"),
    ("yesterday", "invalid_datetime"),
    (12, "invalid_datetime"),
])
def test_bad_cardholder_notified_at_is_a_422(api, value, code):
    body = assert_problem(api.post("/api/v1/cases", debit_payload(cardholder_notified_at=value)), 422)
    assert body["errors"][0]["field"] == "cardholder_notified_at"
    assert body["errors"][0]["code"] == code


def test_patch_cardholder_notified_at_moves_the_clock(api):
    created = api.post("/api/v1/cases", debit_payload()).json()
    earlier = (timezone.now() - timedelta(days=5)).isoformat()
    response = api.patch(f"/api/v1/cases/{created['case_id']}", {"cardholder_notified_at": earlier})
    assert response.status_code == 200, response.content
    assert response.json()["regulation"]["provisional_credit_due"] < created["regulation"]["provisional_credit_due"]
    assert_problem(api.patch(f"/api/v1/cases/{created['case_id']}",
                             {"cardholder_notified_at": "2999-01-01T00:00:00Z"}), 422)


def test_grant_reverse_over_the_api(api, mailoutbox):
    case_id = api.post("/api/v1/cases", debit_payload()).json()["case_id"]
    url = f"/api/v1/cases/{case_id}/provisional-credit"
    granted = api.post(url, {"action": "grant", "amount": 1500, "note": "Card blocked."})
    assert granted.status_code == 200, granted.content
    body = granted.json()
    assert body["provisional_credit"]["status"] == "granted" and body["provisional_credit"]["amount"] == 1500
    assert body["regulation"]["provisional_credit_notice_due"]
    letters = api.get(f"/api/v1/cases/{case_id}/letters").json()["data"]
    assert [x["kind"] for x in letters] == ["provisional_credit_notice"]
    assert letters[0]["due"] == body["regulation"]["provisional_credit_notice_due"]

    letter_send(letters[0]["id"])
    sent = api.get(f"/api/v1/cases/{case_id}/letters").json()["data"][0]
    assert sent["sent_at"] and sent["download_url"]
    pdf = api.get(sent["download_url"])
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content if pdf.streaming else [pdf.content]).startswith(b"%PDF")
    assert len(mailoutbox) == 1 and mailoutbox[0].attachments[0][2] == "application/pdf"

    reversed_ = api.post(url, {"action": "reverse"}).json()
    assert reversed_["provisional_credit"]["status"] == "reversed"
    assert reversed_["provisional_credit"]["reversal_effective_on"]
    assert reversed_["liability"] == {"original": 2990, "recovered": 0, "written_off": 0, "denied": 1500,
                                      "remaining": 1490}


@pytest.mark.parametrize(("body", "status", "code"), [
    ({"action": "grant", "amount": 2991}, 422, "validation_error"),
    ({"action": "grant", "amount": -1}, 422, "validation_error"),
    ({"action": "grant", "amount": 10.5}, 422, "validation_error"),
    ({"action": "grant", "amount": "100"}, 422, "validation_error"),
    ({"action": "grant", "amount": True}, 422, "validation_error"),
    ({"action": "reverse"}, 409, "provisional_credit_not_allowed"),
    ({"action": "make_final"}, 409, "provisional_credit_not_allowed"),
    ({"action": "refund"}, 422, "validation_error"),
    ({}, 422, "validation_error"),
    ([], 422, "validation_error"),
])
def test_refused_actions_are_problem_json(api, body, status, code):
    case_id = api.post("/api/v1/cases", debit_payload()).json()["case_id"]
    assert_problem(api.post(f"/api/v1/cases/{case_id}/provisional-credit", body), status, code)
    assert Case.objects.get(case_id=case_id).provisional_credit_status == "none"


def test_second_grant_is_a_409(api):
    case_id = api.post("/api/v1/cases", debit_payload()).json()["case_id"]
    url = f"/api/v1/cases/{case_id}/provisional-credit"
    assert api.post(url, {"action": "grant"}).status_code == 200
    body = assert_problem(api.post(url, {"action": "grant"}), 409, "provisional_credit_not_allowed")
    assert body["provisional_credit_status"] == "granted"


def test_provisional_credit_needs_the_manage_scope(api, api_for):
    case_id = api.post("/api/v1/cases", debit_payload()).json()["case_id"]
    for scope in ("read", "write"):
        assert_problem(api_for(scope).post(f"/api/v1/cases/{case_id}/provisional-credit", {"action": "grant"}), 403)


def test_other_programs_letters_are_404(api, other_api):
    case_id = api.post("/api/v1/cases", case_payload()).json()["case_id"]
    letter = Letter.objects.get(case__case_id=case_id)
    letter_send(letter.pk)
    assert_problem(other_api.get(f"/api/v1/cases/{case_id}/letters"), 404)
    assert_problem(other_api.get(f"/api/v1/cases/{case_id}/letters/{letter.pk}/download"), 404)
    assert_problem(api.get(f"/api/v1/cases/{case_id}/letters/999999/download"), 404)


def test_queue_filters_by_regulation(api):
    reg_z = api.post("/api/v1/cases", case_payload()).json()["case_id"]
    reg_e = api.post("/api/v1/cases", debit_payload()).json()["case_id"]
    Case.objects.filter(case_id=reg_e).update(regulation_status="at_risk")
    ids = lambda query: {c["case_id"] for c in api.get("/api/v1/cases", query).json()["data"]}  # noqa: E731
    assert ids({"regulation_rule": "reg_z"}) == {reg_z}
    assert ids({"regulation_status": "at_risk"}) == {reg_e}
    assert ids({"regulation_rule": ["reg_e", "reg_z"]}) == {reg_z, reg_e}
    assert_problem(api.get("/api/v1/cases", {"regulation_status": "late"}), 400)
