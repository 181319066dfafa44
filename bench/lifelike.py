"""Lifelike rows for the bench data set: what the services would have written, built directly.

`CaseStory.build` draws one case (status, reason, network, amounts, dates) and walks the same
transitions the services walk to reach its status, computing every stored field the way the
services do: `next_deadline` from `cases.lifecycle`, deadlines from `cases.networks`, `version`
one per change, one `CaseEvent` per change with the service's `changes` and notes. The audit
trail therefore replays to the status (`manage.py verify_audit`).
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace

from cases import lifecycle, networks
from cases.choices import RESPONSE_STATUSES, CaseStatus, EventKind, Network, Reason, ReviewStatus, Source

S = CaseStatus
FC, RR, RPR, FP, RB, FA = ("file_chargeback", "record_representment", "record_prearb_received",
                           "file_prearbitration", "record_prearb_rebuttal", "file_arbitration")

# status -> (share of all cases, the paths of transitions that lead there from `created`).
# About a quarter open, as in a working dispute team's book; most closed cases were won.
STATUS_PLAN = {
    S.CREATED: (0.110, [[]]),
    S.CHARGEBACK_FILED: (0.070, [[FC]]),
    S.CHARGEBACK_REPRESENTED: (0.025, [[FC, RR]]),
    S.PREARB_RECEIVED: (0.010, [[FC, RPR]]),
    S.PREARB_FILED: (0.015, [[FC, RR, FP]]),
    S.PREARB_REBUTTED: (0.010, [[FC, RR, FP, RB]]),
    S.ARBITRATION_FILED: (0.010, [[FC, RPR, FA], [FC, RR, FP, RB, FA]]),
    S.WON: (0.300, [[FC, "win"], [FC, RR, FP, "win"]]),
    S.LOST: (0.120, [[FC, "lose"], [FC, RR, FP, "lose"], [FC, RPR, FA, "lose"]]),
    S.ACCEPTED: (0.060, [[FC, RR, "accept"], [FC, RPR, "accept"]]),
    S.REJECTED: (0.060, [["reject"]]),
    S.EXPIRED: (0.050, [["expire"]]),
    S.WITHDRAWN: (0.070, [["withdraw"], [FC, "withdraw"]]),
    S.MERCHANT_CREDITED: (0.090, [["credit_merchant"], [FC, "credit_merchant"]]),
}
STATUSES = list(STATUS_PLAN)
STATUS_WEIGHTS = [share for share, _ in STATUS_PLAN.values()]
SUPERVISOR_STEPS = {"reject", "file_arbitration", "accept"}
REASONS = [
    (Reason.FRAUD, 30), (Reason.PRODUCT_NOT_RECEIVED, 20), (Reason.PRODUCT_NOT_AS_DESCRIBED, 12),
    (Reason.DUPLICATE_CHARGE, 8), (Reason.SUBSCRIPTION_CANCELED, 7), (Reason.CREDIT_NOT_PROCESSED, 7),
    (Reason.INCORRECT_AMOUNT, 5), (Reason.INVALID_AUTHORIZATION, 4), (Reason.CANCELED_OR_RETURNED, 3),
    (Reason.OTHER, 2), (Reason.CASH_NOT_RECEIVED, 1), (Reason.PRODUCT_COUNTERFEIT, 1),
]
NETWORKS = [(Network.VISA, 55), (Network.MASTERCARD, 40), (Network.AMEX, 3), (Network.DISCOVER, 2)]
SOURCES = [(Source.API, 40), (Source.DECISIONLY, 20), (Source.MASTERCARD, 15), (Source.TUTELAR, 15),
           (Source.BACKOFFICE, 10)]
LEVELS = [("level_1", 70), ("level_2", 20), ("level_3", 10)]
FIRST = ["Susie", "Arjun", "Maria", "Kenji", "Fatima", "Liam", "Chloe", "Mateo", "Aisha", "Noah", "Elena", "Omar",
         "Grace", "Lucas", "Priya", "Jonas", "Amara", "Diego", "Hannah", "Wei", "Sofia", "Ibrahim", "Zoe", "Ravi"]
LAST = ["Chargeback", "Patel", "Garcia", "Tanaka", "Haddad", "O'Brien", "Martin", "Rossi", "Okafor", "Schmidt",
        "Novak", "Kowalski", "Silva", "Nguyen", "Johansson", "Dubois", "Mensah", "Kim", "Cohen", "Larsen"]
MERCHANT_WORDS = ["Food", "Hub", "North", "Wind", "Sky", "Line", "Urban", "Thread", "Stream", "Max", "Green", "Leaf",
                  "Peak", "City", "Ride", "Harbor", "Pixel", "Play", "Book", "Quick", "Fuel", "Blue", "Stone", "Bright"]
MCCS = ["5812", "5732", "4511", "5651", "4899", "5411", "7997", "4121", "7011", "5816", "5942", "5541", "5999"]
CITIES = [("San Francisco", "CA", "94102"), ("Austin", "TX", "73301"), ("Chicago", "IL", "60601"),
          ("Seattle", "WA", "98101"), ("Boston", "MA", "02108"), ("Denver", "CO", "80202")]


def weighted(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def random_id(rng: random.Random, prefix: str, length: int = 20) -> str:
    """Like `cases.services.generate_case_id`: a prefix and random base-36 characters."""
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    value = rng.getrandbits(5 * length + 4)
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 36)
        chars.append(alphabet[digit])
    return prefix + "".join(chars)


def arn_for(number: int, program_index: int) -> str:
    """23 digits (never a 13-19 digit card-number run), unique per transaction."""
    return f"7{program_index:02d}4{number:019d}"


@dataclass
class Event:
    kind: str
    created: datetime
    actor: str
    transition: str = ""
    from_status: str = ""
    to_status: str = ""
    changes: dict = field(default_factory=dict)
    note: str = ""


@dataclass
class CaseStory:
    """One case: its stored fields and its audit trail."""

    fields: dict
    events: list[Event]
    transaction_status: str

    @classmethod
    def build(cls, rng: random.Random, *, now: datetime, currency: str, amount: int, api_actor: str,
              internal_due_days: int = 10) -> "CaseStory":
        status = rng.choices(STATUSES, weights=STATUS_WEIGHTS)[0]
        path = list(rng.choice(STATUS_PLAN[status][1]))
        reason = weighted(rng, REASONS)
        network = weighted(rng, NETWORKS)
        txn_status = "success"
        if status == S.REJECTED and rng.random() < 0.3:
            txn_status = "failed"  # created on a failed transaction: rejected at once by the system
        elif status == S.MERCHANT_CREDITED and path == ["credit_merchant"] and rng.random() < 0.3:
            txn_status = "refunded"
        created = _created_at(rng, now, status)
        txn_date = created - timedelta(days=rng.uniform(0.2, 25))
        window = networks.filing_window_days(network, reason)
        if status == S.EXPIRED or (status == S.CREATED and rng.random() < 0.03):
            # Opened near the end of the filing window and never filed: the deadline sweep's work.
            txn_date = created - timedelta(days=window - rng.uniform(0.5, 10))
        _, code = networks.resolve_reason(network, reason=reason)
        disputed = amount if rng.random() < 0.85 else max(1, int(amount * rng.uniform(0.3, 0.9)))
        source = weighted(rng, SOURCES)
        actor = "user:analyst" if source == Source.BACKOFFICE else api_actor
        case = SimpleNamespace(
            status=S.CREATED, reason=reason, network=network, network_reason_code=code,
            chargeback_due_date=networks.chargeback_due_date(network, reason, txn_date.date()),
            internal_due_date=created.date() + timedelta(days=internal_due_days), response_due_date=None,
            review_status=None, version=1,
        )
        evidence = {"cardholder_explanation": "I do not recognise this charge."} if rng.random() < 0.5 else {}
        if reason == Reason.FRAUD and FC in path:
            # Decisionly: a fraud case is filed only with the card blocked and the fraud reported.
            evidence = {"card": {"is_active": False}, "fraud": {"was_reported": True}}
        events = [Event(EventKind.CREATED, created, actor, to_status=S.CREATED, changes={
            "source": source, "disputed_amount": disputed, "currency": currency, "review_status": None})]
        when = created
        if status == S.CREATED and rng.random() < 0.05:
            when = _later(rng, when, now, 1)
            case.review_status = ReviewStatus.CHARGEBACK_NEEDS_REVIEW
            case.version += 1
            events.append(Event(EventKind.EDIT, when, "user:analyst", changes={
                "review_status": {"before": None, "after": ReviewStatus.CHARGEBACK_NEEDS_REVIEW}}))
        for step in path:
            when, actor, note = _step_time_and_actor(rng, step, case, when, now, txn_status)
            _apply(case, step, when, events, actor, note)
        updated = events[-1].created
        case.next_deadline = lifecycle.next_deadline(case)
        fields = {
            "case_id": random_id(rng, "case_"), "reason": reason, "network": network, "network_reason_code": code,
            "dispute_type": "fraud" if reason == Reason.FRAUD else rng.choice(["chargeback", "dispute", "dispute"]),
            "level": weighted(rng, LEVELS), "status": case.status, "review_status": case.review_status,
            "raised_by": "cardholder" if rng.random() < 0.9 else "issuer",
            "dispute_date": min(txn_date + timedelta(days=rng.uniform(0, 3)), created),
            "disputed_amount": disputed, "currency": currency, "tdr_details": None, "tax_details": None,
            "chargeback_due_date": case.chargeback_due_date, "response_due_date": case.response_due_date,
            "internal_due_date": case.internal_due_date, "due_date": None, "next_deadline": case.next_deadline,
            "issuer_evidence": evidence, "custom_fields": {"card_program": "CardHub"} if rng.random() < 0.3 else {},
            "comments": "", "source": source, "version": case.version, "created": created, "updated": updated,
            "txn_date": txn_date,
        }
        return cls(fields=fields, events=events, transaction_status=txn_status)


def _created_at(rng: random.Random, now: datetime, status: str) -> datetime:
    """Open cases are recent (deadlines around today); closed ones spread over two years."""
    if status == S.CREATED:
        days = min(rng.expovariate(1 / 6), 60)
    elif status in (S.CHARGEBACK_FILED, S.PREARB_FILED, S.ARBITRATION_FILED):
        days = rng.uniform(5, 90)
    elif status in RESPONSE_STATUSES:
        days = rng.uniform(15, 70)
    else:
        days = rng.uniform(20, 730)
    return now - timedelta(days=days, seconds=rng.uniform(0, 86400))


_TICK = timedelta(milliseconds=5)


def _later(rng: random.Random, when: datetime, now: datetime, mean_days: float) -> datetime:
    """A moment after `when`, no later than now when there is room (the trail stays in order)."""
    step = timedelta(days=rng.expovariate(1 / mean_days), seconds=rng.uniform(60, 3600))
    return max(when + _TICK, min(when + step, now - timedelta(seconds=rng.uniform(1, 600))))


def _step_time_and_actor(rng, step: str, case, when: datetime, now: datetime, txn_status: str):
    if txn_status == "failed":
        return when + _TICK, "system", "The transaction failed."
    if txn_status == "refunded":
        return when + _TICK, "system", "The transaction was refunded."
    if step == "expire":
        # The sweep runs daily: the day after the chargeback due date.
        at = datetime.combine(case.chargeback_due_date + timedelta(days=1), datetime.min.time(), tzinfo=when.tzinfo)
        return max(min(at, now), when + _TICK), "system", "Deadline passed."
    if case.status in RESPONSE_STATUSES and step == "accept" and rng.random() < 0.5 and case.response_due_date:
        at = datetime.combine(case.response_due_date + timedelta(days=1), datetime.min.time(), tzinfo=when.tzinfo)
        if at < now:
            return max(at, when + _TICK), "system", "Deadline passed."
    # The other side answers within weeks; the team acts within days.
    mean = 12 if step in (RR, RPR, RB, "win", "lose") else 3
    later = _later(rng, when, now, mean)
    if case.response_due_date and step in (FP, FA, "accept"):
        limit = datetime.combine(case.response_due_date, datetime.min.time(), tzinfo=when.tzinfo)
        later = max(when + _TICK, min(later, limit))
    actor = "user:supervisor" if step in SUPERVISOR_STEPS else "user:analyst"
    return later, actor, ""


def _apply(case, step: str, when: datetime, events: list[Event], actor: str, note: str) -> None:
    """What `cases.services.transitions.run_transition` stores for one step."""
    from cases.models import Case

    before = case.status
    spec = getattr(Case, step)._django_fsm.get_transition(before)
    assert spec is not None, f"{step} is not allowed from {before}"
    case.status = spec.target
    if case.status in RESPONSE_STATUSES:
        case.response_due_date = networks.response_due_date(case.network, case.status, when.date())
    else:
        case.response_due_date = None
    case.version += 1
    events.append(Event(EventKind.TRANSITION, when, actor, transition=step, from_status=before,
                        to_status=case.status, note=note, changes={
                            "response_due_date": case.response_due_date.isoformat() if case.response_due_date else None}))


def merchant_row(rng: random.Random, program_index: int, index: int) -> dict:
    name = f"{rng.choice(MERCHANT_WORDS)}{rng.choice(MERCHANT_WORDS).lower()} {rng.choice(['Store', 'Market', 'Online', 'Co'])}"
    return {"external_id": f"m{program_index:02d}_{index:06d}", "name": name, "business_name": f"{name} LLC",
            "mcc": rng.choice(MCCS), "chargeback_email": f"disputes{index}@merchant{program_index}.example",
            "mobile": ""}


def cardholder_row(rng: random.Random, program_index: int, index: int) -> dict:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, state, postal = rng.choice(CITIES)
    return {"external_id": f"c{program_index:02d}_{index:07d}", "name": f"{first} {last}",
            "email": f"{first.lower()}.{last.lower().replace(chr(39), '')}{index}@example.com", "mobile": "",
            "type": "individual" if rng.random() < 0.93 else "business", "address_line1": f"{rng.randint(1, 999)} Main St",
            "address_line2": "", "city": city, "state": state, "postal_code": postal, "country": "US"}


def amount_minor(rng: random.Random) -> int:
    return max(100, int(rng.lognormvariate(8.5, 1.1)))  # median ~50.00, long tail


def today() -> date:
    return lifecycle.today()
