"""Maker-checker at the native API (SPEC 14): a gated action answers 202 with the pending request."""

import pytest

from cases.actors import Actor
from cases.api.representations import openapi
from cases.models import ApprovalRequest, Case
from cases.services import approvals
from cases.services.provisional_credit import case_provisional_credit
from tests.api.conftest import assert_problem
from tests.conftest import DoorClient
from tests.factories import ProgramFactory, make_api_key, make_case, make_user
from tests.regulation.helpers import regulated_case

pytestmark = pytest.mark.django_db
REPRESENTED = ("file_chargeback", "record_representment")


@pytest.fixture
def gated(db):
    return ProgramFactory(program_id="prog_gated", approval_actions=["accept", "credit_reverse"])


@pytest.fixture
def gated_api(gated):
    return DoorClient(make_api_key(gated, ["manage"])[1])


def transition(api, case, name="accept", note="Signed delivery receipt.", **headers):
    return api.post(f"/api/v1/cases/{case.case_id}/transitions", {"transition": name, "note": note}, **headers)


def test_a_gated_transition_answers_202_with_the_pending_request(gated_api, gated):
    case = make_case(gated, path=REPRESENTED)
    response = transition(gated_api, case)
    assert response.status_code == 202, response.content
    body = response.json()
    assert set(body) == set(openapi.ApprovalRequest().fields)
    assert (body["object"], body["action"], body["status"], body["reason"], body["case_id"]) == (
        "approval_request", "accept", "pending", "Signed delivery receipt.", case.case_id)
    assert body["requested_by"].startswith("api_key:") and body["decided_by"] is None
    assert response["Location"] == body["url"] == f"/api/v1/cases/{case.case_id}/approval-requests/{body['id']}"
    assert gated_api.get(f"/api/v1/cases/{case.case_id}").json()["status"] == "chargeback_represented"
    assert gated_api.get(body["url"]).json() == body


def test_the_request_is_decided_by_a_supervisor_and_read_back(gated_api, gated):
    case = make_case(gated, path=REPRESENTED)
    body = transition(gated_api, case).json()
    approvals.approval_approve(request=ApprovalRequest.objects.get(pk=body["id"]),
                               actor=Actor.for_user(make_user("bob", "supervisor")), note="Agreed.")
    after = gated_api.get(body["url"]).json()
    assert (after["status"], after["decided_by"], after["decision_note"]) == ("approved", "user:bob", "Agreed.")
    assert after["decided_at"]
    assert gated_api.get(f"/api/v1/cases/{case.case_id}").json()["status"] == "accepted"
    listing = gated_api.get(f"/api/v1/cases/{case.case_id}/approval-requests").json()
    assert [r["id"] for r in listing["data"]] == [body["id"]] and listing["has_more"] is False
    kinds = [e["kind"] for e in gated_api.get(f"/api/v1/cases/{case.case_id}/events").json()["data"]]
    assert kinds[-3:] == ["approval", "transition", "approval"]


def test_a_gated_request_needs_a_note_as_its_reason(gated_api, gated):
    case = make_case(gated, path=REPRESENTED)
    problem = assert_problem(transition(gated_api, case, note=""), 422, "validation_error")
    assert problem["errors"][0]["field"] == "reason"
    assert not ApprovalRequest.objects.exists()


def test_a_second_request_for_the_same_action_is_409(gated_api, gated):
    case = make_case(gated, path=REPRESENTED)
    first = transition(gated_api, case).json()
    problem = assert_problem(transition(gated_api, case, note="Again."), 409, "approval_pending")
    assert problem["approval_request"] == first["id"]


def test_the_action_refusals_come_first(gated_api, gated):
    created = make_case(gated)
    assert_problem(transition(gated_api, created), 409, "transition_not_allowed")
    write_only = DoorClient(make_api_key(gated, ["write"], "w")[1])
    assert_problem(transition(write_only, make_case(gated, path=REPRESENTED)), 403, "permission_denied")
    assert not ApprovalRequest.objects.exists()


def test_an_idempotent_retry_replays_the_202(gated_api, gated):
    case = make_case(gated, path=REPRESENTED)
    first = transition(gated_api, case, **{"Idempotency-Key": "accept-1"})
    again = transition(gated_api, case, **{"Idempotency-Key": "accept-1"})
    assert (first.status_code, again.status_code) == (202, 202)
    assert first.json() == again.json()
    assert ApprovalRequest.objects.count() == 1


def test_an_ungated_program_runs_the_transition(api, program):
    case = make_case(program, path=REPRESENTED)
    response = transition(api, case, note="")
    assert response.status_code == 200 and response.json()["status"] == "accepted"


def test_a_gated_credit_reversal_answers_202(gated_api, gated):
    case = regulated_case(gated)
    case_provisional_credit(case=case, actor=Actor.for_system(), action="grant")
    response = gated_api.post(f"/api/v1/cases/{case.case_id}/provisional-credit",
                              {"action": "reverse", "note": "No error found."})
    assert response.status_code == 202, response.content
    assert response.json()["action"] == "credit_reverse"
    assert Case.objects.get(pk=case.pk).provisional_credit_status == "granted"


def test_another_programs_request_is_404(gated_api, gated, program, api):
    case = make_case(gated, path=REPRESENTED)
    body = transition(gated_api, case).json()
    assert_problem(api.get(body["url"]), 404, "not_found")
    assert_problem(gated_api.get(f"/api/v1/cases/{case.case_id}/approval-requests/999999"), 404, "not_found")
