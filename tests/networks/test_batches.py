"""The throughput paths of the network engine (SPEC section 12; docs/performance.md `networks`):
send tasks carrying many ids, a poll that drains a queue longer than one page, items applied
set-based with the same rows as one by one, and the order of a case's items kept."""

import pytest
from django.db import transaction

from cases.choices import EventKind
from cases.gateways.base import Document
from cases.models import Case, CaseEvent, Evidence, NetworkMessage, NetworkSubmission
from cases.services import bulk, outbox
from cases.services import network_inbound as inbound
from cases.services import network_submissions as subs
from cases.services.network_inbound import networks_poll
from cases.tasks.networks import send_network_submissions
from tests.factories import make_case

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def filed_and_acknowledged(program, **kwargs) -> Case:
    case = make_case(program, path=("file_chargeback",), **kwargs)
    subs.submissions_send(list(NetworkSubmission.objects.filter(case=case).values_list("pk", flat=True)))
    case.refresh_from_db()
    assert case.network_claim_id
    return case


class Sent:
    def __init__(self):
        self.calls = []

    def __call__(self, task, *args):
        self.calls.append((task.name, args))
        return True


@pytest.fixture
def sent(monkeypatch):
    recorder = Sent()
    monkeypatch.setattr(outbox, "enqueue", recorder)
    return recorder


def commit(ids, *, roll_back=False):
    """One transaction of its own that enqueues `ids` on commit."""
    try:
        with transaction.atomic():
            outbox.enqueue_on_commit(send_network_submissions, ids)
            if roll_back:
                raise RuntimeError("rolled back")
    except RuntimeError:
        pass


@pytest.mark.django_db(transaction=True)
def test_batched_enqueue_sends_one_task_per_chunk_of_ids(sent):
    with outbox.batched_enqueue(chunk=3):
        for ids in ([1], [2], [3], [4], [5]):
            commit(ids)
        assert sent.calls == [("cases.send_network_submissions", ([1, 2, 3],))]  # sent as the chunk filled
    assert sent.calls == [("cases.send_network_submissions", ([1, 2, 3],)),
                          ("cases.send_network_submissions", ([4, 5],))]


@pytest.mark.django_db(transaction=True)
def test_without_a_batch_each_commit_sends_its_own_task(sent):
    commit([1])
    commit([2])
    assert [args for _, args in sent.calls] == [([1],), ([2],)]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transaction_adds_nothing_to_the_batch(sent):
    with outbox.batched_enqueue(chunk=2):
        commit([1], roll_back=True)
        commit([2])
    assert sent.calls == [("cases.send_network_submissions", ([2],))]


def test_a_batch_inside_a_transaction_sends_when_it_commits(db, sent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with outbox.batched_enqueue(chunk=2):
            for ids in ([1], [2], [3]):
                outbox.enqueue_on_commit(send_network_submissions, ids)
        assert sent.calls == []  # nothing before the outer transaction commits
    assert [args for _, args in sent.calls] == [([1, 2],), ([3],)]


def test_a_bulk_filing_sends_its_submissions_in_chunks(program, network, supervisor_actor, sent,
                                                       django_capture_on_commit_callbacks):
    cases = [make_case(program) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        outcomes = bulk.bulk_run(actor=supervisor_actor, selection=[str(c.pk) for c in cases], action="transition",
                                 transition="file_chargeback")
    assert all(o.done for o in outcomes)
    sends = [args for name, args in sent.calls if name == "cases.send_network_submissions"]
    assert sends == [(sorted(NetworkSubmission.objects.values_list("pk", flat=True)),)]


def _representments_two_a_page(program, network, monkeypatch, count: int, prefix: str) -> list:
    """`count` filed cases, each with a representment waiting in a queue the network reads two a page."""
    monkeypatch.setattr(network, "page", 2, raising=False)
    page = network.read_queues
    monkeypatch.setattr(network, "read_queues", lambda: page()[:network.page])
    cases = [filed_and_acknowledged(program) for _ in range(count)]
    for index, case in enumerate(cases):
        network.push("representment", case.network_claim_id, message_id=f"{prefix}-{index}", amount_minor=100,
                     currency="USD")
    return cases


def test_a_poll_drains_a_queue_longer_than_a_page(program, network, monkeypatch):
    cases = _representments_two_a_page(program, network, monkeypatch, 5, "P")

    assert networks_poll() == {"mastercard": {"read": 5, "applied": 5, "acknowledged": 5}}
    assert network.queue == []
    assert {c.status for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {"chargeback_represented"}


def test_set_based_apply_writes_what_one_by_one_writes(program, network, monkeypatch):
    """The same representment applied set-based (two cases in one batch) and alone (a batch of one
    through the one-by-one path): the same case fields, events, evidence and message."""
    together = [filed_and_acknowledged(program) for _ in range(2)]
    alone = filed_and_acknowledged(program)
    for index, case in enumerate(together):
        network.push("representment", case.network_claim_id, message_id=f"T-{index}", amount_minor=5000,
                     currency="USD", reason="Goods delivered",
                     documents=(Document("proof.pdf", "application/pdf", PDF),))
    networks_poll()
    monkeypatch.setattr(inbound, "SET_BASED", frozenset())
    network.push("representment", alone.network_claim_id, message_id="A-0", amount_minor=5000, currency="USD",
                 reason="Goods delivered", documents=(Document("proof.pdf", "application/pdf", PDF),))
    networks_poll()

    def shape(case):
        case.refresh_from_db()
        events = [(e.kind, e.transition, e.from_status, e.to_status, e.actor, e.note,
                   {k: v for k, v in e.changes.items() if k not in ("evidence_id", "message_id", "claim_id",
                                                                     "documents")},
                   [d["name"] for d in e.changes.get("documents", [])])
                  for e in CaseEvent.objects.filter(case=case).order_by("id")][-3:]  # what the item wrote
        [evidence] = Evidence.objects.filter(case=case)
        message = NetworkMessage.objects.get(case=case)
        return (case.status, case.version, case.response_due_date, case.next_deadline, events,
                (evidence.category, evidence.original_name, evidence.uploaded_by, evidence.description,
                 evidence.content_type, evidence.sha256, evidence.file.read()),
                (message.state, message.error, message.documents[0]["evidence_id"] == evidence.pk))

    expected = shape(alone)
    assert expected[0] == "chargeback_represented"
    assert [e[0] for e in expected[4]] == [EventKind.EVIDENCE, EventKind.TRANSITION, EventKind.NETWORK_RESPONSE]
    for case in together:
        assert shape(case) == expected


def test_two_items_of_one_case_in_a_batch_are_applied_in_order(program, network):
    case = filed_and_acknowledged(program)
    network.push("representment", case.network_claim_id, message_id="O-1", amount_minor=100, currency="USD")
    network.push("ruling_merchant", case.network_claim_id, message_id="O-2")  # fits only after the first

    counts = networks_poll()["mastercard"]

    assert counts["applied"] == 1 and counts["unmatched"] == 1
    assert dict(NetworkMessage.objects.values_list("message_id", "state")) == {"O-1": "applied", "O-2": "unmatched"}


def test_a_failing_set_based_group_is_applied_one_by_one(program, network, monkeypatch):
    cases = [filed_and_acknowledged(program) for _ in range(2)]
    for index, case in enumerate(cases):
        network.push("representment", case.network_claim_id, message_id=f"F-{index}", amount_minor=100,
                     currency="USD")

    def broken(*args, **kwargs):
        raise RuntimeError("set-based path broken")

    monkeypatch.setattr(inbound, "_apply_together", broken)

    assert networks_poll()["mastercard"]["applied"] == 2
    assert {c.status for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {"chargeback_represented"}


def test_filing_many_cases_together_writes_their_submissions_and_one_send_task(
        program, network, supervisor_actor, sent, django_capture_on_commit_callbacks):
    from cases.services.transitions import cases_transition_many

    cases = [make_case(program) for _ in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        events = cases_transition_many(cases=cases, transition="file_chargeback", actor=supervisor_actor)

    assert [e.case.status for e in events] == ["chargeback_filed"] * 3
    rows = list(NetworkSubmission.objects.order_by("pk"))
    assert [(r.case_id, r.kind, r.state, r.amount) for r in rows] == [
        (c.pk, "chargeback", "queued", c.disputed_amount) for c in cases]
    assert len({r.client_reference for r in rows}) == 3
    assert [args for name, args in sent.calls if name == "cases.send_network_submissions"] == [
        ([r.pk for r in rows],)]


def test_the_scheduled_poll_hands_what_it_stored_to_the_apply_task(program, network, monkeypatch, sent):
    """Each page stored and acknowledged is handed to `cases.apply_network_messages` (another worker
    process) while the poll reads the next one; the task applies everything waiting."""
    from cases.tasks.networks import apply_network_messages, poll_networks

    cases = _representments_two_a_page(program, network, monkeypatch, 3, "H")

    assert poll_networks() == {"mastercard": {"read": 3, "acknowledged": 3}}
    assert [call for call in sent.calls if call[0] == "cases.apply_network_messages"] == [
        ("cases.apply_network_messages", ("mastercard", 0)),
        ("cases.apply_network_messages", ("mastercard", 1))] * 2  # one per lane for each page read
    assert network.queue == []
    assert set(NetworkMessage.objects.values_list("state", flat=True)) == {"received"}

    assert apply_network_messages("mastercard") == {"applied": 3}
    assert {c.status for c in Case.objects.filter(pk__in=[c.pk for c in cases])} == {"chargeback_represented"}


def test_the_scheduled_poll_applies_itself_when_the_broker_is_down(program, network, monkeypatch):
    from cases.tasks.networks import poll_networks

    monkeypatch.setattr(outbox, "enqueue", lambda task, *args: False)
    case = filed_and_acknowledged(program)
    network.push("representment", case.network_claim_id, message_id="D-1", amount_minor=100, currency="USD")

    assert poll_networks() == {"mastercard": {"read": 1, "applied": 1, "acknowledged": 1}}


def test_a_drain_applies_a_case_s_items_in_order_across_its_batches(program, network, monkeypatch):
    monkeypatch.setattr(inbound, "APPLY_BATCH", 1)
    case = filed_and_acknowledged(program)
    network.push("representment", case.network_claim_id, message_id="B-1", amount_minor=100, currency="USD")
    network.push("ruling_merchant", case.network_claim_id, message_id="B-2")  # fits only before the first

    assert networks_poll()["mastercard"] == {"read": 2, "applied": 1, "unmatched": 1, "acknowledged": 2}
    assert dict(NetworkMessage.objects.values_list("message_id", "state")) == {"B-1": "applied", "B-2": "unmatched"}


def test_a_claim_s_items_share_an_apply_lane_and_each_lane_drains_only_its_own(program, network):
    """Two lanes drain a network's items side by side (one worker process each); a case's items
    carry its claim id, so they share a lane and keep their order."""
    from cases.tasks.networks import apply_network_messages

    cases = [filed_and_acknowledged(program) for _ in range(6)]
    lanes = {case.pk: inbound.lane_for(case.network_claim_id) for case in cases}
    assert set(lanes.values()) == {0, 1}, "six claim ids fall in both lanes"
    for index, case in enumerate(cases):
        network.push("representment", case.network_claim_id, message_id=f"L-{index}", amount_minor=100,
                     currency="USD")
        network.push("ruling_merchant", case.network_claim_id, message_id=f"L-{index}-late")  # fits only first
    inbound.messages_store("mastercard", network.read_queues())
    assert {(m.claim_id, m.lane) for m in NetworkMessage.objects.all()} == {
        (case.network_claim_id, lanes[case.pk]) for case in cases}

    in_lane_1 = list(lanes.values()).count(1)
    assert apply_network_messages("mastercard", 1) == {"applied": in_lane_1, "unmatched": in_lane_1}
    for case in Case.objects.filter(pk__in=lanes):
        assert case.status == ("chargeback_represented" if lanes[case.pk] == 1 else "chargeback_filed")

    assert apply_network_messages("mastercard", 0) == {"applied": 6 - in_lane_1, "unmatched": 6 - in_lane_1}
    assert set(Case.objects.filter(pk__in=lanes).values_list("status", flat=True)) == {"chargeback_represented"}
    assert set(NetworkMessage.objects.filter(message_id__endswith="-late").values_list("state", flat=True)) == {
        "unmatched"}


def test_the_lanes_migration_gives_waiting_items_the_lane_of_their_claim(program):
    from importlib import import_module

    from django.apps import apps

    migration = import_module("cases.migrations.0016_network_message_lanes")
    claim_ids = [str(700000 + n) for n in range(8)]
    NetworkMessage.objects.bulk_create(
        [NetworkMessage(network="visa", message_id=f"M-{c}", kind="representment", claim_id=c) for c in claim_ids]
        + [NetworkMessage(network="visa", message_id="M-done", kind="representment", claim_id=claim_ids[1],
                          state="applied")])

    migration.lanes_of_waiting_items(apps, None)

    lanes = dict(NetworkMessage.objects.exclude(state="applied").values_list("claim_id", "lane"))
    assert lanes == {c: inbound.lane_for(c) for c in claim_ids} and set(lanes.values()) == {0, 1}
    assert NetworkMessage.objects.get(message_id="M-done").lane == 0  # applied: left as it was
