"""Walk the scenario table (scenarios.py) through a running stack (stack.py): every case created and
filed through the API at once, each further step run through the API once the answer before it is
applied, then everything read back from the processes' database."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from cases.choices import EventKind
from cases.models import Case, CaseEvent, Evidence, NetworkMessage, NetworkSubmission
from cases.money import format_amount
from tests.network_e2e.scenarios import Expected
from tests.network_e2e.stack import Stack

SETTLED = ("acknowledged", "rejected", "failed")


def case_body(amount: int, expected: Expected) -> dict:
    """A native create-case body for one scenario: its network, amount and reason."""
    n = uuid.uuid4().int
    when = (timezone.now() - timedelta(days=10)).isoformat()
    body = {
        "case_id": f"e2e-{amount}-{uuid.uuid4().hex[:8]}",
        "cardholder": {"name": "Susie Chargeback", "email": "susie@example.com", "issuer_id": f"ch-{n % 10**9}",
                       "type": "business"},
        "merchant": {"name": "FoodHub", "category_code": "5734", "issuer_id": f"m-{n % 10**9}"},
        "transaction": {
            "arn": f"{7 if expected.network == 'mastercard' else 2}{n % 10**22:022d}", "issuer_id": f"t-{n % 10**12}",
            "date": when, "amount": amount, "currency": "USD", "system": "dual_message",
            "card": {"network": expected.network, "last4": "4242", "expiry_month": 6, "expiry_year": 2030,
                     "type": "credit"},
        },
        "dispute": {"date": when, "amount": amount, "currency": "USD", "raised_by": "cardholder"},
        "issuer_evidence": {"cardholder_explanation": "I never received this order"},
    }
    if expected.reason_code:
        body["network_reason_code"] = expected.reason_code
    else:
        body["reason"] = "fraud" if expected.reason == "fraud" else "product_not_received"
    if expected.reason == "fraud":
        body["issuer_evidence"].update(card={"is_active": False}, fraud={"was_reported": True})
    return body


@dataclass
class Walk:
    amount: int
    expected: Expected
    case_id: str = ""
    number: int = 0
    steps_done: int = 0
    settled_after: float | None = None  # seconds after every case was filed


def _applied(stack: Stack, number: int) -> int:
    return NetworkMessage.objects.using(stack.db).filter(case_id=number, state="applied").count()


def _done(stack: Stack, walk: Walk) -> bool:
    case = Case.objects.using(stack.db).get(pk=walk.number)
    submissions = list(NetworkSubmission.objects.using(stack.db).filter(case_id=walk.number).values_list("state", flat=True))
    return (walk.steps_done == len(walk.expected.steps) and case.status == walk.expected.status
            and len(submissions) == len(walk.expected.filings) and all(s in SETTLED for s in submissions)
            and _applied(stack, walk.number) == len(walk.expected.answers))


def walk_all(stack: Stack, table: dict[int, Expected], timeout: float = 150) -> dict[int, Walk]:
    """Create and file every case of `table`, run each later step when its answer is in, and wait
    (bounded) until every case has its final status and every submission is settled."""
    walks = {amount: Walk(amount, expected) for amount, expected in table.items()}
    for walk in walks.values():
        walk.case_id = stack.api("POST", "/cases", case_body(walk.amount, walk.expected), expect=201)["case_id"]
        walk.number = Case.objects.using(stack.db).get(case_id=walk.case_id).pk
    for walk in walks.values():
        stack.api("POST", f"/cases/{walk.case_id}/transitions", {"transition": "file_chargeback"})
    deadline = time.monotonic() + timeout
    pending = set(walks)
    started = time.monotonic()
    while pending and time.monotonic() < deadline:
        for amount in sorted(pending):
            walk = walks[amount]
            if walk.steps_done < len(walk.expected.steps) and _applied(stack, walk.number) > walk.steps_done:
                step = walk.expected.steps[walk.steps_done]
                stack.api("POST", f"/cases/{walk.case_id}/transitions", {"transition": step})
                walk.steps_done += 1
            if _done(stack, walk):
                pending.discard(amount)
                walk.settled_after = round(time.monotonic() - started, 1)
        time.sleep(0.3)
    if pending:
        states = {a: (Case.objects.using(stack.db).get(pk=walks[a].number).status,
                      list(NetworkSubmission.objects.using(stack.db).filter(case_id=walks[a].number)
                           .values_list("kind", "state", "last_error")),
                      list(NetworkMessage.objects.using(stack.db).filter(claim_id__in=Case.objects.using(stack.db)
                                                                         .filter(pk=walks[a].number)
                                                                         .values("network_claim_id"))
                           .values_list("kind", "state", "error")))
                  for a in sorted(pending)}
        raise AssertionError(f"not settled after {timeout}s: {states}\n{stack.logs()}")
    return walks


def event_label(event: CaseEvent) -> str:
    """`kind:detail` of an event: the transition, the filing or item's kind and state, the evidence category."""
    changes = event.changes or {}
    if event.kind == EventKind.TRANSITION:
        return f"transition:{event.transition}"
    if event.kind in (EventKind.NETWORK_SUBMISSION, EventKind.NETWORK_RESPONSE):
        return f"{event.kind}:{changes.get('kind')}:{changes.get('state')}"
    if event.kind == EventKind.EVIDENCE:
        return f"evidence:{changes.get('category') or (changes.get('evidence') or {}).get('category')}"
    if event.kind == EventKind.EDIT:
        return "edit:" + ",".join(sorted(changes))
    return str(event.kind)


def check(stack: Stack, walk: Walk) -> None:
    """Everything the scenario promises, read from the processes' database and the simulator."""
    expected, db = walk.expected, stack.db
    actor = f"network:{expected.network}"
    case = Case.objects.using(db).get(pk=walk.number)
    assert case.status == expected.status
    labels = [event_label(e) for e in CaseEvent.objects.using(db).filter(case_id=case.pk, actor=actor).order_by("id")]
    wanted = expected.events(walk.amount)
    # A network that answers at once (delay 0) may be polled before the worker has recorded the
    # filing's acknowledgement: the two are recorded in either order; all else in this order.
    assert sorted(labels) == sorted(wanted), labels
    assert [e for e in labels if not e.startswith("network_filing:")] == [
        e for e in wanted if not e.startswith("network_filing:")], labels

    submissions = list(NetworkSubmission.objects.using(db).filter(case_id=case.pk).order_by("id"))
    assert [s.kind for s in submissions] == list(expected.filings)
    messages = list(NetworkMessage.objects.using(db).filter(case_id=case.pk).order_by("id"))
    assert [(m.kind, m.state, m.error) for m in messages] == [(k, "applied", "") for k in expected.answers]
    if expected.rejected:
        [refused] = submissions
        assert (refused.state, refused.attempts) == ("rejected", 1)
        assert "ending 04" in refused.last_error and refused.settled_at
        assert case.review_status == "chargeback_needs_review" and case.network_claim_id == ""
        return
    assert case.network_claim_id, "the case knows its claim id"
    for submission in submissions:
        assert (submission.state, submission.attempts, submission.last_error) == ("acknowledged", 1, "")
        assert submission.network_reference and submission.settled_at
    assert {m.claim_id for m in messages} == {case.network_claim_id}

    evidence = list(Evidence.objects.using(db).filter(case_id=case.pk, category="merchant_response").order_by("id"))
    with_documents = [m for m in messages if m.kind in ("representment", "prearb_received")]
    assert len(evidence) == len(with_documents)
    for item, message in zip(evidence, with_documents, strict=True):
        assert (item.uploaded_by, item.content_type) == (actor, "application/pdf")
        assert message.documents[0]["evidence_id"] == item.pk
        amount = expected.amount_of(message.kind, walk.amount)
        assert (message.amount, message.currency) == (amount, "USD")
        moved = CaseEvent.objects.using(db).get(case_id=case.pk, kind="transition", actor=actor,
                                                transition={"representment": "record_representment",
                                                            "prearb_received": "record_prearb_received"}[message.kind])
        assert f": {format_amount(amount, 'USD')}." in moved.note
