"""The native API's view of a case's card network (SPEC section 12): its submissions, their retry,
and what the network sent; tenancy by the API key's program, errors as problem+json."""

import pytest
from django.utils import timezone

from cases.api.representations import openapi
from cases.gateways.base import Document
from cases.models import CaseEvent, NetworkSubmission
from cases.services import network_submissions as subs
from cases.services.network_inbound import networks_poll
from tests.api.conftest import assert_problem
from tests.conftest import DoorClient
from tests.factories import make_api_key, make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def send_all() -> dict:
    ids = list(subs.unsettled_submissions().filter(next_attempt_at__lte=timezone.now()).values_list("pk", flat=True))
    return subs.submissions_send(ids)


@pytest.fixture
def keys(program):
    return {scope: DoorClient(make_api_key(program, [scope], scope)[1]) for scope in ("read", "write", "manage")}


@pytest.fixture
def api(keys):
    return keys["manage"]


@pytest.fixture
def other_api(other_program):
    return DoorClient(make_api_key(other_program, ["read", "write", "manage"], "other")[1])


@pytest.fixture
def failed(program, network, settings):
    """A chargeback the network never answered: one attempt, then `failed`."""
    settings.NETWORK_SUBMISSION_MAX_ATTEMPTS = 1
    case = make_case(program, path=("file_chargeback",))
    network.unreachable = True
    assert send_all() == {"failed": 1}
    network.unreachable = False
    return case, NetworkSubmission.objects.get(case=case)


def url(case, suffix="network-submissions"):
    return f"/api/v1/cases/{case.case_id}/{suffix}"


def test_a_failed_submission_is_listed_retried_and_then_acknowledged(api, failed, network):
    case, row = failed
    listing = api.get(url(case))
    assert listing.status_code == 200
    [item] = listing.json()["data"]
    assert set(item) == set(openapi.NetworkSubmission().fields)
    assert (item["id"], item["kind"], item["state"], item["attempts"], item["retryable"]) == (
        row.pk, "chargeback", "failed", 1, True)
    assert "connection refused" in item["last_error"] and item["network_reference"] is None
    assert item["retry_url"] == url(case, f"network-submissions/{row.pk}/retry")

    retried = api.post(item["retry_url"], {"note": "Mastercom is back."})
    assert retried.status_code == 200, retried.content
    body = retried.json()
    assert (body["state"], body["client_reference"], body["retryable"], body["last_error"]) == (
        "queued", row.client_reference, False, None)
    event = CaseEvent.objects.filter(case=case, kind="network_filing").latest("id")
    assert event.note == "Mastercom is back." and event.actor.startswith("api_key:")
    assert event.changes["previous_reference"] == row.client_reference

    assert send_all() == {"acknowledged": 1}
    [done] = api.get(url(case)).json()["data"]
    assert (done["state"], done["network_reference"], done["attempts"]) == ("acknowledged", "CH-1", 2)
    assert network.lookups == [row.client_reference]  # asked before sending again


def test_retrying_what_cannot_be_retried_is_409(api, failed):
    case, row = failed
    assert api.post(url(case, f"network-submissions/{row.pk}/retry")).status_code == 200
    problem = assert_problem(api.post(url(case, f"network-submissions/{row.pk}/retry")), 409,
                             "submission_not_retryable")
    assert "queued" in problem["detail"]
    NetworkSubmission.objects.filter(pk=row.pk).update(state="acknowledged")
    assert_problem(api.post(url(case, f"network-submissions/{row.pk}/retry")), 409, "submission_not_retryable")


def test_a_filing_of_a_case_that_moved_on_is_not_retried(api, failed, supervisor_actor):
    from cases import services

    case, row = failed
    services.case_transition(case=case, transition="withdraw", actor=supervisor_actor)
    listed = api.get(url(case)).json()["data"][0]
    assert listed["retryable"] is False
    problem = assert_problem(api.post(url(case, f"network-submissions/{row.pk}/retry")), 409,
                             "submission_not_retryable")
    assert "withdrawn" in problem["detail"]


def test_unknown_and_foreign_submissions_are_404(api, other_api, failed, program, network):
    case, row = failed
    other_case = make_case(program)
    before = CaseEvent.objects.count()
    for path in (url(case, "network-submissions/999999/retry"),
                 url(other_case, f"network-submissions/{row.pk}/retry"),  # another case's submission
                 url(case, "network-submissions/abc/retry"),
                 url(case, "network-submissions/99999999999999999999/retry"),
                 "/api/v1/cases/NO-SUCH-CASE/network-submissions/1/retry"):
        assert_problem(api.post(path), 404, "not_found")
    for path in (url(case), url(case, "network-messages"), url(case, f"network-submissions/{row.pk}/retry")):
        call = other_api.get if "retry" not in path else other_api.post
        assert_problem(call(path), 404, "not_found")  # another program's case
    assert CaseEvent.objects.count() == before
    assert NetworkSubmission.objects.get(pk=row.pk).state == "failed"


def test_who_may_retry(keys, failed):
    case, row = failed
    path = url(case, f"network-submissions/{row.pk}/retry")
    assert_problem(keys["read"].post(path), 403, "permission_denied")  # scope
    problem = assert_problem(keys["write"].post(path), 403, "permission_denied")  # a chargeback needs manage
    assert "chargeback" in problem["detail"]
    assert NetworkSubmission.objects.get(pk=row.pk).state == "failed"
    assert keys["read"].get(url(case)).status_code == 200


def test_bad_inputs_are_problems(api, failed):
    case, row = failed
    path = url(case, f"network-submissions/{row.pk}/retry")
    assert_problem(api.get(path), 405, "method_not_allowed")
    assert_problem(api.post(url(case)), 405, "method_not_allowed")
    assert_problem(api.post(path, {"note": 5}), 422, "validation_error")
    assert assert_problem(api.post(path, {"force": True}), 422, "validation_error")["errors"][0]["code"] == \
        "unknown_field"
    assert_problem(api.post(path, ["note"]), 422, "validation_error")
    assert_problem(api.get(url(case), {"limit": "0"}), 400, "invalid_request")
    assert NetworkSubmission.objects.get(pk=row.pk).state == "failed"


def test_messages_show_state_reason_and_downloadable_documents(api, program, network, supervisor_actor):
    from cases import services

    case = make_case(program, path=("file_chargeback",))
    send_all()
    case.refresh_from_db()
    network.push("representment", case.network_claim_id, message_id="M-1", amount_minor=10000, currency="USD",
                 reason="Goods delivered", documents=(Document("proof.pdf", "application/pdf", PDF),))
    networks_poll()
    services.case_transition(case=case, transition="accept", actor=supervisor_actor)
    network.push("ruling_issuer", case.network_claim_id, message_id="M-2")
    networks_poll()
    response = api.get(url(case, "network-messages"))
    assert response.status_code == 200
    first, second = response.json()["data"]
    assert set(first) == set(openapi.NetworkMessage().fields)
    assert (first["message_id"], first["kind"], first["state"], first["amount"], first["reason"]) == (
        "M-1", "representment", "applied", 10000, "Goods delivered")
    [document] = first["documents"]
    assert document["name"] == "proof.pdf" and document["refused"] is None
    download = api.get(document["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert (second["message_id"], second["state"]) == ("M-2", "unmatched")
    assert "closed" in second["error"]


def test_lists_page_by_id_within_a_query_budget(api, program, network, django_assert_max_num_queries):
    case = make_case(program, path=("file_chargeback",))
    for _ in range(4):
        NetworkSubmission.objects.create(case=case, kind="withdraw", network="mastercard", amount=1, currency="USD",
                                         state="failed", last_error="timeout")
    with django_assert_max_num_queries(6):
        page = api.get(url(case), {"limit": 2}).json()
    assert page["has_more"] is True and len(page["data"]) == 2
    rest = api.get(url(case), {"limit": 10, "starting_after": page["data"][-1]["id"]}).json()
    assert [r["id"] for r in page["data"] + rest["data"]] == sorted(
        NetworkSubmission.objects.filter(case=case).values_list("pk", flat=True))
    assert_problem(api.get(url(case), {"starting_after": "999999"}), 404, "not_found")
