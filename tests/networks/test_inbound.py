"""Receiving from the card networks (SPEC section 12): each queue item stored once, acknowledged,
and applied to its case with the actor network:<name>; what does not fit is kept for a supervisor."""

import pytest
from django.utils import timezone

from cases import services
from cases.actors import Actor
from cases.choices import EventKind
from cases.gateways.base import Document
from cases.models import Case, CaseEvent, Evidence, NetworkMessage, NetworkSubmission, WebhookDelivery
from cases.services import network_submissions as subs
from cases.services import webhooks as webhook_services
from cases.services.network_inbound import networks_poll
from tests.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def filed_and_acknowledged(program, **kwargs) -> Case:
    case = make_case(program, path=("file_chargeback",), **kwargs)
    subs.submissions_send(list(NetworkSubmission.objects.filter(case=case).values_list("pk", flat=True)))
    case.refresh_from_db()
    assert case.network_claim_id
    return case


def test_a_representment_moves_the_case_with_the_merchants_documents(program, network):
    case = filed_and_acknowledged(program)
    network.push("representment", case.network_claim_id, message_id="M-1", amount_minor=10000, currency="USD",
                 reason="Goods delivered", documents=(Document("proof-of-delivery.pdf", "application/pdf", PDF),))
    assert networks_poll() == {"mastercard": {"read": 1, "applied": 1, "acknowledged": 1}}
    case.refresh_from_db()
    assert case.status == "chargeback_represented" and case.response_due_date is not None
    message = NetworkMessage.objects.get()
    assert (message.state, message.case_id, message.amount, message.error) == ("applied", case.pk, 10000, "")
    [evidence] = Evidence.objects.filter(case=case)
    assert (evidence.category, evidence.original_name, evidence.uploaded_by) == (
        "merchant_response", "proof-of-delivery.pdf", "network:mastercard")
    assert message.documents[0]["evidence_id"] == evidence.pk
    moved = CaseEvent.objects.get(case=case, transition="record_representment")
    assert moved.actor == "network:mastercard" and moved.note == "Representment: 100.00 USD. Goods delivered"
    response = CaseEvent.objects.get(case=case, kind=EventKind.NETWORK_RESPONSE)
    assert response.changes["message_id"] == "M-1" and response.changes["amount"] == 10000
    assert network.acknowledged == ["M-1"] and network.queue == []


@pytest.mark.parametrize(("kind", "path", "status"), [
    ("merchant_accepted", (), "won"),
    ("ruling_issuer", (), "won"),
    ("ruling_merchant", (), "lost"),
    ("prearb_received", (), "prearb_received"),
    ("prearb_response", ("record_representment", "file_prearbitration"), "prearb_rebutted"),
    ("ruling_issuer", ("record_representment", "file_prearbitration"), "won"),
])
def test_each_kind_runs_its_transition(program, network, supervisor_actor, kind, path, status):
    case = filed_and_acknowledged(program)
    for step in path:
        case = services.case_transition(case=case, transition=step, actor=supervisor_actor).case
    network.push(kind, case.network_claim_id)
    networks_poll()
    assert Case.objects.get(pk=case.pk).status == status
    assert NetworkMessage.objects.get().state == "applied"


@pytest.mark.parametrize(("amount", "currency", "note"), [
    (25000, "JPY", "Pre-arbitration received: 25,000 JPY. Second look"),  # no minor unit
    (123456, "USD", "Pre-arbitration received: 1,234.56 USD. Second look"),
    (500, "", "Pre-arbitration received: 500 (minor units). Second look"),  # the network named no currency
])
def test_the_step_shows_the_acquirers_amount_in_major_units(program, network, amount, currency, note):
    case = filed_and_acknowledged(program)
    network.push("prearb_received", case.network_claim_id, amount_minor=amount, currency=currency, reason="Second look")
    networks_poll()
    assert CaseEvent.objects.get(case=case, transition="record_prearb_received").note == note


def test_a_queue_read_twice_changes_nothing_twice(program, network):
    case = filed_and_acknowledged(program)
    item = network.push("representment", case.network_claim_id, message_id="M-7")
    network.fail_acknowledge = True
    first = networks_poll()["mastercard"]
    assert first == {"read": 1, "applied": 1}  # stored and applied, the acknowledgement failed
    assert network.queue == [item]  # offered again
    network.fail_acknowledge = False
    second = networks_poll()["mastercard"]
    assert second == {"read": 1, "acknowledged": 1}
    assert NetworkMessage.objects.count() == 1
    assert CaseEvent.objects.filter(case=case, transition="record_representment").count() == 1


def test_an_item_for_an_unknown_claim_is_kept_unmatched(program, network):
    network.push("representment", "CLM-NOBODY", message_id="M-2")
    assert networks_poll()["mastercard"] == {"read": 1, "unmatched": 1, "acknowledged": 1}
    message = NetworkMessage.objects.get()
    assert message.state == "unmatched" and message.case is None
    assert "CLM-NOBODY" in message.error and message.raw == {"kind": "representment", "claim": "CLM-NOBODY"}


def test_an_item_for_a_closed_case_is_kept_unmatched_on_the_case(program, network, supervisor_actor):
    case = filed_and_acknowledged(program)
    services.case_transition(case=case, transition="win", actor=supervisor_actor)
    network.push("representment", case.network_claim_id)
    networks_poll()
    message = NetworkMessage.objects.get()
    assert (message.state, message.case_id) == ("unmatched", case.pk) and "closed" in message.error
    assert Case.objects.get(pk=case.pk).status == "won"
    event = CaseEvent.objects.get(case=case, kind=EventKind.NETWORK_RESPONSE)
    assert event.changes["state"] == "unmatched"


def test_an_item_that_does_not_fit_the_status_is_kept_unmatched(program, network):
    case = filed_and_acknowledged(program)
    network.push("prearb_response", case.network_claim_id)
    networks_poll()
    message = NetworkMessage.objects.get()
    assert message.state == "unmatched" and "does not fit" in message.error
    assert Case.objects.get(pk=case.pk).status == "chargeback_filed"


def test_an_item_is_matched_by_the_submission_it_answers(program, network):
    case = make_case(program, path=("file_chargeback",))
    reference = NetworkSubmission.objects.get().client_reference
    network.push("merchant_accepted", "CLM-NEW", client_reference=reference)
    networks_poll()
    case.refresh_from_db()
    assert case.status == "won" and case.network_claim_id == "CLM-NEW"


def test_bad_documents_are_refused_and_named_the_case_still_moves(program, network, settings):
    case = filed_and_acknowledged(program)
    big = b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024)
    network.push("representment", case.network_claim_id, documents=(
        Document("photo.png", "image/png", PNG), Document("huge.pdf", "application/pdf", big),
        Document("ok.pdf", "application/pdf", PDF)))
    networks_poll()
    message = NetworkMessage.objects.get()
    assert message.state == "applied"
    refused = {d["name"]: d["refused"] for d in message.documents if "refused" in d}
    assert set(refused) == {"photo.png", "huge.pdf"}
    assert "photo.png" in message.error and "huge.pdf" in message.error
    assert "MB" in refused["huge.pdf"]
    assert [e.original_name for e in Evidence.objects.filter(case=case)] == ["ok.pdf"]
    assert Case.objects.get(pk=case.pk).status == "chargeback_represented"
    # Nothing the network sent is lost: every document's bytes are kept.
    from cases.models.evidence import evidence_storage
    assert all(evidence_storage().exists(d["path"]) for d in message.documents)


def test_an_unknown_kind_is_kept_failed(program, network):
    from cases.gateways.base import InboundItem
    network.queue.append(InboundItem(message_id="X-1", queue="q", kind="surprise", claim_id="C"))  # type: ignore[arg-type]
    assert networks_poll()["mastercard"] == {"read": 1, "acknowledged": 1}
    message = NetworkMessage.objects.get()
    assert message.state == "failed" and "surprise" in message.error


def test_an_error_while_applying_keeps_the_item_failed_and_the_poll_goes_on(program, network, monkeypatch):
    from cases.services import network_inbound

    first = filed_and_acknowledged(program)
    second = filed_and_acknowledged(program)
    network.push("representment", first.network_claim_id, message_id="A")
    network.push("representment", second.network_claim_id, message_id="B")
    real = network_inbound._add_documents

    def flaky(case, message, actor):
        if message.message_id == "A":
            raise RuntimeError("disk full")
        return real(case, message, actor)

    monkeypatch.setattr(network_inbound, "_add_documents", flaky)
    together = network_inbound._add_documents_together

    def flaky_together(fits, actor):  # the set-based path fails for the group, which goes one by one
        if any(message.message_id == "A" for message, _, _ in fits):
            raise RuntimeError("disk full")
        return together(fits, actor)

    monkeypatch.setattr(network_inbound, "_add_documents_together", flaky_together)
    assert networks_poll()["mastercard"] == {"read": 2, "failed": 1, "applied": 1, "acknowledged": 2}
    failed = NetworkMessage.objects.get(message_id="A")
    assert failed.state == "failed" and "disk full" in failed.error
    assert Case.objects.get(pk=first.pk).status == "chargeback_filed"  # rolled back with its savepoint
    assert Case.objects.get(pk=second.pk).status == "chargeback_represented"


def test_an_unreachable_network_is_no_crash(program, network):
    network.unreachable = True
    assert networks_poll() == {"mastercard": {"read": 0, "unreachable": 1}}


def test_each_inbound_item_raises_a_webhook(program, network, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    webhook_services.endpoint_create(program=program, actor=Actor.for_system(), url="http://127.0.0.1:9/h",
                                     events=["case.network_response_received"])
    case = filed_and_acknowledged(program)
    network.push("representment", case.network_claim_id)
    networks_poll()
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event_type == "case.network_response_received"
    assert delivery.payload["data"]["case_id"] == case.case_id
    assert delivery.payload["data"]["status"] == "chargeback_represented"


def test_leftover_received_items_are_applied_by_the_next_poll(program, network):
    case = filed_and_acknowledged(program)
    NetworkMessage.objects.create(network="mastercard", message_id="L-1", kind="representment",
                                  claim_id=case.network_claim_id)
    networks_poll()
    assert NetworkMessage.objects.get().state == "applied"
    assert NetworkMessage.objects.get().applied_at <= timezone.now()


def test_an_answer_read_before_the_case_knew_its_claim_is_applied_once_it_does(program, network):
    """The poll reads the network's answer before the acknowledgement naming the claim is recorded
    (a worker killed after sending, a network that answers at once): the item waits `unmatched`,
    and once the case learns the claim id the next poll applies it, once."""
    case = make_case(program, path=("file_chargeback",))
    network.push("representment", "CLM000001", message_id="EARLY", amount_minor=10000, currency="USD")
    assert networks_poll()["mastercard"] == {"read": 1, "unmatched": 1, "acknowledged": 1}
    assert NetworkMessage.objects.get().state == "unmatched"
    subs.submissions_send(list(NetworkSubmission.objects.filter(case=case).values_list("pk", flat=True)))
    case.refresh_from_db()
    assert case.network_claim_id == "CLM000001"
    message = NetworkMessage.objects.get()
    assert (message.state, message.error) == ("received", "")
    assert networks_poll()["mastercard"] == {"read": 0, "applied": 1}
    case.refresh_from_db()
    assert case.status == "chargeback_represented"
    assert NetworkMessage.objects.get().state == "applied"
    assert CaseEvent.objects.filter(case=case, transition="record_representment").count() == 1
    networks_poll()
    assert CaseEvent.objects.filter(case=case, transition="record_representment").count() == 1


def test_an_unmatched_item_of_another_claim_stays_unmatched(program, network):
    filed_and_acknowledged(program)
    network.push("representment", "CLM-NOBODY", message_id="M-9")
    networks_poll()
    filed_and_acknowledged(program)
    networks_poll()
    assert NetworkMessage.objects.get(message_id="M-9").state == "unmatched"
