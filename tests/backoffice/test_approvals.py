"""Maker-checker in the back office: asking from the case page, the approvals list, approve and decline."""

import pytest

from cases.models import ApprovalRequest, Case, CaseEvent
from tests.backoffice.conftest import case_url
from tests.conftest import logged_in
from tests.factories import ProgramFactory, make_case, make_user

pytestmark = pytest.mark.django_db
REPRESENTED = ("file_chargeback", "record_representment")


@pytest.fixture
def gated(db):
    return ProgramFactory(program_id="prog_gated", approval_actions=["accept"])


@pytest.fixture
def bob_client(db):
    return logged_in(make_user("bob", "supervisor"))


def ask(client, case, note="Signed delivery receipt."):
    return client.post(case_url(case, "transitions/accept/"), {"note": note})


def test_the_case_page_leads_a_gated_step_to_the_request_form(supervisor_client, gated):
    case = make_case(gated, path=REPRESENTED)
    body = supervisor_client.get(case_url(case)).content.decode()
    assert 'data-transition="accept" data-needs-approval="true">Accept liability: ask approval</a>' in body
    confirm = supervisor_client.get(case_url(case, "transitions/accept/")).content.decode()
    assert "Accept liability: ask approval" in confirm and "Why (the approver reads it)" in confirm


def test_asking_records_a_pending_request_and_leaves_the_case(supervisor_client, gated):
    case = make_case(gated, path=REPRESENTED)
    response = ask(supervisor_client, case)
    assert response.status_code == 303
    request = ApprovalRequest.objects.get()
    assert (request.action, request.status, request.requested_by) == ("accept", "pending", "user:sue")
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"
    page = supervisor_client.get(case_url(case)).content.decode()
    assert "approval requested" in page and "Waiting for approval" in page
    assert "Your request: a different supervisor decides." in page
    assert 'data-decision="approve"' not in page


def test_asking_without_a_reason_is_refused_in_place(supervisor_client, gated):
    case = make_case(gated, path=REPRESENTED)
    response = ask(supervisor_client, case, note="")
    assert response.status_code == 422
    assert "Say why" in response.content.decode()
    assert not ApprovalRequest.objects.exists()


def test_another_supervisor_approves_from_the_list(supervisor_client, bob_client, gated):
    case = make_case(gated, path=REPRESENTED)
    ask(supervisor_client, case)
    request = ApprovalRequest.objects.get()
    listing = bob_client.get("/approvals/").content.decode()
    assert case.case_id in listing and "Signed delivery receipt." in listing and 'data-decision="approve"' in listing
    response = bob_client.post(f"/approvals/{request.pk}/approve/", {"note": "Agreed.", "back": "list"})
    assert (response.status_code, response["Location"]) == (303, "/approvals/")
    assert Case.objects.get(pk=case.pk).status == "accepted"
    assert "approved and done" in bob_client.get("/approvals/").content.decode()
    # Pressing again (a second tab) is refused in plain words, and nothing runs twice.
    bob_client.post(f"/approvals/{request.pk}/approve/", {"back": "case"})
    page = bob_client.get(case_url(case)).content.decode()
    assert "already approved" in page
    assert CaseEvent.objects.filter(case=case, transition="accept", kind="transition").count() == 1


def test_the_requester_cannot_approve_their_own_request(supervisor_client, gated):
    case = make_case(gated, path=REPRESENTED)
    ask(supervisor_client, case)
    request = ApprovalRequest.objects.get()
    response = supervisor_client.post(f"/approvals/{request.pk}/approve/", {"back": "case"})
    assert response.status_code == 403
    assert "own request" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"


def test_decline_from_the_case_page_leaves_the_case(supervisor_client, bob_client, gated):
    case = make_case(gated, path=REPRESENTED)
    ask(supervisor_client, case)
    request = ApprovalRequest.objects.get()
    response = bob_client.post(f"/approvals/{request.pk}/decline/", {"note": "Fight it.", "back": "case"})
    assert (response.status_code, response["Location"]) == (303, case_url(case))
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"
    request.refresh_from_db()
    assert request.status == "declined"
    page = bob_client.get(case_url(case)).content.decode()
    assert "declined; the case is unchanged" in page and "Waiting for approval" not in page


def test_analysts_do_not_see_the_list_nor_decide(analyst_client, supervisor_client, gated):
    case = make_case(gated, path=REPRESENTED)
    ask(supervisor_client, case)
    request = ApprovalRequest.objects.get()
    assert analyst_client.get("/approvals/").status_code == 403
    assert analyst_client.post(f"/approvals/{request.pk}/approve/", {}).status_code == 403
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"


def test_bad_decision_urls_are_404(bob_client, supervisor_client, gated):
    case = make_case(gated, path=REPRESENTED)
    ask(supervisor_client, case)
    request = ApprovalRequest.objects.get()
    assert bob_client.post(f"/approvals/{request.pk}/explode/", {}).status_code == 404
    assert bob_client.post("/approvals/999999/approve/", {}).status_code == 404
    assert bob_client.post(f"/approvals/{request.pk}/approve/", {"back": "elsewhere"}).status_code == 303
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"


def test_an_ungated_program_runs_accept_at_once(supervisor_client, program):
    case = make_case(program, path=REPRESENTED)
    body = supervisor_client.get(case_url(case)).content.decode()
    assert "ask approval" not in body
    ask(supervisor_client, case, note="")
    assert Case.objects.get(pk=case.pk).status == "accepted"
