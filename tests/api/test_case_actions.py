"""Transitions, events, notes and the trusted amount of a case."""

import pytest

from cases.models import Case, CaseEvent
from tests.api.conftest import assert_problem
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_available_transitions_list_unmet_conditions(api, program):
    case = make_case(program, reason="fraud")
    response = api.get(f"/api/v1/cases/{case.case_id}/transitions")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "created"
    by_name = {t["transition"]: t for t in body["data"]}
    assert set(by_name) == {"file_chargeback", "reject", "withdraw", "credit_merchant"}
    filing = by_name["file_chargeback"]
    assert filing["available"] is False
    assert [c["condition"] for c in filing["unmet_conditions"]] == ["fraud_card_blocked_and_reported"]


def test_write_key_sees_only_withdraw(api_for, program):
    case = make_case(program)
    body = api_for("write").get(f"/api/v1/cases/{case.case_id}/transitions").json()
    assert [t["transition"] for t in body["data"]] == ["withdraw"]


def test_run_a_transition_returns_the_case_and_records_the_event(api, program):
    case = make_case(program)
    response = api.post(f"/api/v1/cases/{case.case_id}/transitions", {"transition": "file_chargeback", "note": "filed"})
    assert response.status_code == 200
    assert response.json()["status"] == "chargeback_filed"
    event = CaseEvent.objects.get(case=case, kind="transition")
    assert (event.transition, event.from_status, event.to_status, event.note) == (
        "file_chargeback", "created", "chargeback_filed", "filed")


def test_transition_not_allowed_carries_status_and_allowed(api, program):
    case = make_case(program)
    problem = assert_problem(api.post(f"/api/v1/cases/{case.case_id}/transitions", {"transition": "win"}), 409,
                             "transition_not_allowed")
    assert problem["current_status"] == "created"
    assert "file_chargeback" in problem["allowed_transitions"]


def test_transition_condition_failed_is_422(api, program):
    case = make_case(program, reason="fraud")
    problem = assert_problem(api.post(f"/api/v1/cases/{case.case_id}/transitions", {"transition": "file_chargeback"}),
                             422, "transition_condition_failed")
    assert problem["errors"][0]["code"] == "fraud_card_blocked_and_reported"
    assert Case.objects.get(pk=case.pk).status == "created"


def test_transition_scopes(api_for, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/transitions"
    assert_problem(api_for("read").post(url, {"transition": "withdraw"}), 403)
    assert_problem(api_for("write").post(url, {"transition": "file_chargeback"}), 403, "permission_denied")
    assert api_for("write").post(url, {"transition": "withdraw"}).json()["status"] == "withdrawn"


def test_expire_is_the_systems_alone(api, program):
    case = make_case(program)
    assert_problem(api.post(f"/api/v1/cases/{case.case_id}/transitions", {"transition": "expire"}), 403)


@pytest.mark.parametrize("body", [{}, {"transition": "fly"}, {"transition": 3}, {"transition": "withdraw", "note": 5},
                                  ["withdraw"]])
def test_transition_bad_input(api, program, body):
    case = make_case(program)
    assert_problem(api.post(f"/api/v1/cases/{case.case_id}/transitions", body), 422, "validation_error")


def test_transition_if_match(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/transitions"
    assert_problem(api.post(url, {"transition": "withdraw"}, **{"If-Match": '"1-99"'}), 412)
    assert api.post(url, {"transition": "withdraw"}, **{"If-Match": case.etag}).status_code == 200


def test_events_are_oldest_first(api, program):
    case = make_case(program, path=["file_chargeback", "record_representment"])
    response = api.get(f"/api/v1/cases/{case.case_id}/events")
    assert response.status_code == 200
    kinds = [(e["kind"], e["transition"]) for e in response.json()["data"]]
    assert kinds == [("created", None), ("transition", "file_chargeback"), ("transition", "record_representment")]
    first = api.get(f"/api/v1/cases/{case.case_id}/events", {"limit": 1}).json()
    assert first["has_more"] is True
    rest = api.get(f"/api/v1/cases/{case.case_id}/events", {"starting_after": first["data"][0]["id"]}).json()
    assert len(rest["data"]) == 2


def test_notes(api, program):
    case = make_case(program)
    url = f"/api/v1/cases/{case.case_id}/notes"
    created = api.post(url, {"note": "Called the merchant.\nNo answer."})
    assert created.status_code == 201
    assert created.json()["note"] == "Called the merchant.\nNo answer."
    listed = api.get(url).json()
    assert [n["note"] for n in listed["data"]] == ["Called the merchant.\nNo answer."]
    for bad in ({}, {"note": ""}, {"note": "x" * 5001}, {"note": ["a"]}):
        assert_problem(api.post(url, bad), 422)


def test_trusted_amount(api, program):
    case = make_case(program, amount=20000)
    url = f"/api/v1/cases/{case.case_id}/trusted-amount"
    response = api.post(url, {"amount": 15000, "currency": "USD", "note": "partial"})
    assert response.status_code == 200 and response.json()["dispute"]["amount"] == 15000
    event = CaseEvent.objects.get(case=case, kind="amount")
    assert event.changes["disputed_amount"] == {"before": 20000, "after": 15000}
    for bad, field in (({"amount": 30000, "currency": "USD"}, "amount"), ({"amount": 100, "currency": "EUR"}, "currency"),
                       ({"amount": 0, "currency": "USD"}, "amount"), ({"amount": "10", "currency": "USD"}, "amount"),
                       ({"currency": "USD"}, "amount")):
        problem = assert_problem(api.post(url, bad), 422)
        assert problem["errors"][0]["field"] == field


def test_trusted_amount_on_a_closed_case_is_409(api, program):
    case = make_case(program, path=["withdraw"])
    assert_problem(api.post(f"/api/v1/cases/{case.case_id}/trusted-amount", {"amount": 1, "currency": "USD"}), 409,
                   "case_closed")
