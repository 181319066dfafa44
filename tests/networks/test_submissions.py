"""Submissions to the card networks (SPEC section 12): written with their transition, sent once
through the gateway, their outcome recorded on the case."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import services
from cases.actors import Actor
from cases.choices import EventKind, EvidenceCategory
from cases.exceptions import PermissionDenied, SubmissionNotRetryable, TransitionNotAllowed
from cases.models import Case, CaseEvent, NetworkSubmission
from cases.services import network_submissions as subs
from cases.services.outbox import relay_due
from tests.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def send_all() -> dict:
    """What the worker does: send every due submission."""
    ids = list(subs.unsettled_submissions().filter(next_attempt_at__lte=timezone.now()).values_list("pk", flat=True))
    return subs.submissions_send(ids)


def make_due():
    NetworkSubmission.objects.filter(next_attempt_at__isnull=False).update(next_attempt_at=timezone.now())


def filed(program, **kwargs) -> Case:
    return make_case(program, path=("file_chargeback",), **kwargs)


def test_filing_a_chargeback_writes_one_queued_submission_in_its_transaction(program, network):
    case = filed(program, amount=12345)
    [row] = NetworkSubmission.objects.filter(case=case)
    assert (row.kind, row.network, row.state, row.amount, row.currency) == ("chargeback", "mastercard", "queued",
                                                                           12345, "USD")
    assert row.client_reference.startswith("sub_") and row.next_attempt_at is not None
    assert network.submits == []  # nothing leaves before the worker sends


def test_a_refused_transition_writes_no_submission(program, network, supervisor_actor):
    case = make_case(program, days_ago=200)  # past the chargeback due date
    with pytest.raises(Exception):  # noqa: B017 - the filing condition refuses it
        services.case_transition(case=case, transition="file_chargeback", actor=supervisor_actor)
    assert not NetworkSubmission.objects.exists()


def test_networks_without_a_gateway_get_no_submission(program, network):
    filed(program, network="visa")
    filed(program, network="amex")
    assert not NetworkSubmission.objects.exists()


def test_after_commit_the_worker_sends_and_records_the_acknowledgement(program, network, supervisor_actor,
                                                                      django_capture_on_commit_callbacks):
    case = make_case(program)
    with django_capture_on_commit_callbacks(execute=True):
        services.case_transition(case=case, transition="file_chargeback", actor=supervisor_actor, note="Not received")
    row = NetworkSubmission.objects.get(case=case)
    assert row.state == "acknowledged" and row.attempts == 1 and row.network_reference == "CH-1"
    assert row.next_attempt_at is None and row.settled_at is not None
    case.refresh_from_db()
    assert case.network_claim_id == "CLM000001"
    [filing] = network.submits
    assert (filing.kind, filing.case_id, filing.amount_minor, filing.note) == ("chargeback", case.case_id, 20000,
                                                                              "Not received")
    event = CaseEvent.objects.filter(case=case, kind=EventKind.NETWORK_SUBMISSION).get()
    assert event.actor == "network:mastercard"
    assert event.changes["state"] == "acknowledged" and event.changes["network_claim_id"] == "CLM000001"


def test_a_second_copy_of_the_task_sends_nothing(program, network):
    filed(program)
    ids = list(NetworkSubmission.objects.values_list("pk", flat=True))
    subs.submissions_send(ids)
    assert subs.submissions_send(ids) == {}
    assert len(network.submits) == 1


def test_the_relay_hands_due_submissions_to_the_task(program, network):
    filed(program)
    handed = relay_due()
    assert handed["network_submissions"] == 1
    assert NetworkSubmission.objects.get().state == "acknowledged"  # eager task in the unit suite


def test_exactly_once_a_retry_after_a_lost_answer_asks_the_network_first(program, network):
    case = filed(program)
    network.lose_answer_next = 1  # the network files it, the answer is lost (timeout)
    assert send_all() == {"retrying": 1}
    row = NetworkSubmission.objects.get()
    assert (row.state, row.attempts) == ("sent", 1) and "timed out" in row.last_error
    assert row.next_attempt_at > timezone.now()
    make_due()
    assert send_all() == {"acknowledged": 1}
    assert network.lookups == [row.client_reference]
    assert len(network.submits) == 1 and network.sent_kinds(case.case_id) == ["chargeback"]
    row.refresh_from_db()
    assert row.state == "acknowledged" and row.attempts == 2


def test_a_crash_between_sending_and_recording_files_once(program, network, monkeypatch):
    """The worker dies after the network filed it, before the outcome is recorded: the row stays
    `sent`, its lease runs out, the next worker's lookup finds the filing."""
    filed(program)

    def crash(_pairs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(subs, "_record_outcomes", crash)
    with pytest.raises(SystemExit):
        send_all()
    monkeypatch.undo()
    row = NetworkSubmission.objects.get()
    assert row.state == "sent" and row.attempts == 1
    make_due()  # the lease ran out
    assert send_all() == {"acknowledged": 1}
    assert len(network.submits) == 1 and len(network.filings) == 1
    assert NetworkSubmission.objects.get().state == "acknowledged"


def test_an_unreachable_network_is_retried_with_backoff_then_failed(program, network, settings, supervisor_actor):
    settings.NETWORK_SUBMISSION_MAX_ATTEMPTS = 3
    filed(program)
    network.unreachable = True
    delays = []
    for _ in range(3):
        before = timezone.now()
        send_all()
        row = NetworkSubmission.objects.get()
        if row.next_attempt_at:
            delays.append(row.next_attempt_at - before)
        make_due()
    assert delays[0] < delays[1]
    assert (row.state, row.attempts, row.next_attempt_at) == ("failed", 3, None)
    assert "connection refused" in row.last_error
    assert subs.submission_retryable(row)
    # A person retries once the network is back: the same reference, asked about first.
    network.unreachable = False
    event = subs.submission_retry(submission=row, actor=supervisor_actor)
    assert event.changes["state"] == "queued" and event.actor == "user:sue"
    reference = row.client_reference
    row.refresh_from_db()
    assert (row.state, row.client_reference, row.manual_retries) == ("queued", reference, 1)
    assert send_all() == {"acknowledged": 1}
    assert network.lookups[-1] == reference


def test_a_refused_chargeback_sends_the_case_back_for_review(program, network):
    network.refuse["chargeback"] = "Reason code 4853 requires documentation"
    case = filed(program)
    assert send_all() == {"rejected": 1}
    row = NetworkSubmission.objects.get()
    assert row.state == "rejected" and row.last_error == "Reason code 4853 requires documentation"
    case.refresh_from_db()
    assert case.status == "created" and case.review_status == "chargeback_needs_review"
    moved = CaseEvent.objects.get(case=case, transition="record_filing_rejected")
    assert (moved.from_status, moved.to_status, moved.actor) == ("chargeback_filed", "created", "network:mastercard")
    assert moved.note == "Reason code 4853 requires documentation"
    assert not subs.submission_retryable(row)  # filed again once reviewed: a new submission


def test_people_and_api_keys_may_not_record_a_filing_rejection(program, network, admin_user, api_keys):
    case = filed(program)
    for actor in (Actor.for_user(admin_user), Actor.for_api_key(api_keys["manage"][0])):
        with pytest.raises(PermissionDenied):
            services.case_transition(case=case, transition="record_filing_rejected", actor=actor)


def test_a_refused_prearbitration_is_retried_under_a_new_reference(program, network, supervisor_actor):
    case = filed(program)
    send_all()
    case = services.case_transition(case=case, transition="record_representment", actor=supervisor_actor).case
    network.refuse["prearbitration"] = "Missing the cardholder's letter"
    case = services.case_transition(case=case, transition="file_prearbitration", actor=supervisor_actor).case
    assert send_all() == {"rejected": 1}
    row = NetworkSubmission.objects.get(kind="prearbitration")
    assert row.state == "rejected" and subs.submission_retryable(row)
    assert Case.objects.get(pk=case.pk).status == "prearb_filed"  # only a refused chargeback moves the case
    old = row.client_reference
    del network.refuse["prearbitration"]
    subs.submission_retry(submission=row, actor=supervisor_actor)
    row.refresh_from_db()
    assert row.client_reference != old and row.state == "queued"
    assert send_all() == {"acknowledged": 1}
    filing = network.submits[-1]
    assert filing.claim_id == "CLM000001" and filing.kind == "prearbitration"


def test_retry_needs_the_transition_permission_and_a_retryable_row(program, network, analyst_actor, plain_user):
    filed(program)
    send_all()
    row = NetworkSubmission.objects.get()
    with pytest.raises(SubmissionNotRetryable):
        subs.submission_retry(submission=row, actor=analyst_actor)
    with pytest.raises(PermissionDenied):
        subs.submission_retry(submission=row, actor=Actor.for_user(plain_user))


def test_packaging_problems_are_named_at_filing_and_nothing_is_sent(program, network, supervisor_actor):
    case = make_case(program)
    services.case_add_evidence(case=case, actor=supervisor_actor, data=PNG, name="screenshot.png")
    good = services.case_add_evidence(case=case, actor=supervisor_actor, data=PDF,
                                      name="a-very-long-receipt-name.pdf").evidence
    services.case_transition(case=case, transition="file_chargeback", actor=supervisor_actor)
    row = NetworkSubmission.objects.get()
    assert row.state == "rejected" and row.next_attempt_at is None
    assert [p["name"] for p in row.packaging_problems] == ["screenshot.png"]
    assert "screenshot.png" in row.last_error and "nothing was sent" in row.last_error
    assert send_all() == {} and network.submits == []
    # Retry leaves the refused file out; the PDF goes, renamed to 16 characters.
    subs.submission_retry(submission=row, actor=supervisor_actor)
    assert send_all() == {"acknowledged": 1}
    row.refresh_from_db()
    assert [(f["evidence_id"], f["original_name"], len(f["name"]) <= 16) for f in row.files] == [
        (good.pk, "a-very-long-receipt-name.pdf", True)]
    assert [d.name for d in network.submits[0].documents] == [row.files[0]["name"]]


def test_packaging_is_checked_again_before_sending(program, network, supervisor_actor):
    case = filed(program)
    services.case_add_evidence(case=case, actor=supervisor_actor, data=PNG, name="late.png")
    assert send_all() == {"rejected": 1}
    row = NetworkSubmission.objects.get()
    assert row.packaging_problems[0]["name"] == "late.png" and network.submits == []


def test_merchant_documents_are_not_sent_back(program, network, supervisor_actor):
    case = filed(program)
    services.case_add_evidence(case=case, actor=Actor.for_network("mastercard"), data=PNG, name="merchant.png",
                               category=EvidenceCategory.MERCHANT_RESPONSE)
    assert send_all() == {"acknowledged": 1}


def test_accept_and_withdraw_are_submitted_once_the_network_knows_the_case(program, network, supervisor_actor):
    early = make_case(program)
    services.case_transition(case=early, transition="withdraw", actor=supervisor_actor)
    assert not NetworkSubmission.objects.filter(case=early).exists()  # never filed: nothing to tell

    case = filed(program)
    send_all()
    case = services.case_transition(case=case, transition="record_representment", actor=supervisor_actor).case
    services.case_transition(case=case, transition="accept", actor=supervisor_actor)
    assert send_all() == {"acknowledged": 1}
    assert network.sent_kinds(case.case_id) == ["chargeback", "accept"]
    assert network.submits[-1].claim_id == "CLM000001"


def test_a_case_steps_reach_the_network_in_order(program, network, supervisor_actor):
    case = filed(program)
    services.case_transition(case=case, transition="withdraw", actor=supervisor_actor)
    chargeback, withdrawal = NetworkSubmission.objects.order_by("pk")
    assert subs.submissions_send([withdrawal.pk]) == {"waiting": 1}
    assert network.submits == []
    send_all()
    make_due()
    send_all()
    assert network.sent_kinds(case.case_id) == ["chargeback", "withdraw"]


def test_a_gateway_bug_is_kept_on_the_row_and_retried(program, network, monkeypatch):
    filed(program)

    def broken(_filing):
        raise KeyError("claimId")

    monkeypatch.setattr(network, "submit", broken)
    assert send_all() == {"retrying": 1}
    assert "KeyError" in NetworkSubmission.objects.get().last_error


def test_a_lost_broker_message_is_sent_by_the_relay(program, network, settings):
    filed(program)
    NetworkSubmission.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert relay_due().get("network_submissions") == 1
    assert NetworkSubmission.objects.get().state == "acknowledged"


def test_filing_rejected_needs_the_filed_status(program, network):
    case = make_case(program)
    with pytest.raises(TransitionNotAllowed):
        services.case_transition(case=case, transition="record_filing_rejected",
                                 actor=Actor.for_network("mastercard"))
