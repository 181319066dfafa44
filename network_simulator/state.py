"""The simulated network's behaviour, shared by both wires: claims, filings (idempotent by the
issuer's client reference), and the acquirer's answers queued after NETWORK_SIMULATOR_DELAY seconds
by the sandbox rules (rules.py)."""

from __future__ import annotations

import base64
import fcntl
import os
import secrets
import threading
from collections.abc import Callable
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connections, transaction
from django.utils import timezone

from network_simulator import rules
from network_simulator.models import SimAnswer, SimClaim, SimFiling
from network_simulator.router import ALIAS

MASTERCARD = "mastercard"
VISA = "visa"

# Queues. Mastercom: the claim queues the issuer reads (GET /v6/queues/names); VROL: the batch queues.
QUEUES = {
    MASTERCARD: {
        "Unworked": "Second presentments and closed claims not yet acknowledged",
        "CaseFiling": "Pre-arbitration and arbitration case filings: filed against you, answered, ruled",
        "Worked": "Acknowledged claims",
    },
    VISA: {
        "AwaitingAction": "Disputes awaiting the issuer's action: responses, acceptances, closures",
        "IncomingPreArbitration": "Pre-arbitrations filed by the acquirer and answers to the issuer's",
        "IncomingArbitration": "Arbitration rulings",
    },
}
READABLE = {MASTERCARD: ("Unworked", "CaseFiling"),
            VISA: ("AwaitingAction", "IncomingPreArbitration", "IncomingArbitration")}


# SQLite lets one writer in at a time. A writer that finds the database locked waits in SQLite's
# busy handler, which polls with sleeps growing to 100 ms: with a dozen threads in several server
# processes filing at once, writers slept while the database was free (py-spy under the networks
# bench: 60% of a server thread's time in BEGIN IMMEDIATE, a fifth of both cores idle). The
# simulator's write transactions therefore queue for the writer's turn first, on a thread lock and
# then on an flock of a file beside the database (one per process, so the server's processes take
# turns too): the next writer is woken the moment the last one commits.
_writer = threading.Lock()
_lock_files: dict[tuple[int, str], int] = {}


def _lock_file(name: str) -> int | None:
    """This process's descriptor of the database's writer-lock file (None for an in-memory database).
    Opened per process: a descriptor inherited across fork shares its lock with the parent."""
    if not name or name == ":memory:" or name.startswith("file:"):
        return None
    key = (os.getpid(), name)
    if key not in _lock_files:
        _lock_files[key] = os.open(f"{name}.writer-lock", os.O_RDWR | os.O_CREAT, 0o600)
    return _lock_files[key]


@contextmanager
def _writer_turn(connection):
    with _writer:
        descriptor = _lock_file(str(connection.settings_dict["NAME"]))
        if descriptor is None:
            yield
            return
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(descriptor, fcntl.LOCK_UN)


@contextmanager
def atomic():
    """A write transaction on the simulator's database (nested: a savepoint). On SQLite the
    outermost one waits for the writer's turn before BEGIN IMMEDIATE."""
    connection = connections[ALIAS]
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        with transaction.atomic(using=ALIAS):
            yield
        return
    with _writer_turn(connection), transaction.atomic(using=ALIAS):
        yield


# The answer a wire gives to a filing (body, HTTP status), from the filing about to be stored: it is
# stored in the filing's own row, in the same transaction, so a repeated client reference gets it again.
Respond = Callable[[SimFiling], tuple[dict, int]]


def unique_row(queryset):
    """The row a lookup by a unique key finds, or None. `first()` would add an ORDER BY pk, whose
    compilation was an eighth of the simulator's time on a claim read."""
    return next(iter(queryset[:1]), None)


def new_id(digits: int = 12) -> str:
    return str(10 ** (digits - 1) + secrets.randbelow(9 * 10 ** (digits - 1)))


def _delay(seconds: float | None = None) -> timedelta:
    return timedelta(seconds=settings.NETWORK_SIMULATOR_DELAY if seconds is None else seconds)


def merchant_document() -> dict:
    """The merchant's answer as a small PDF (a representment's evidence)."""
    text = b"Merchant response: the transaction was authorised and the goods were delivered."
    stream = b"BT /F1 12 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return {"name": "merchresp.pdf", "content_type": "application/pdf",
            "content": base64.b64encode(bytes(out)).decode("ascii")}


# --- claims --------------------------------------------------------------------------------------

def claim_or_existing(network: str, transaction_ref: str, amount_minor: int, currency: str) -> tuple[SimClaim, bool]:
    """(claim, created): one claim per transaction, as Mastercom refuses a duplicate claim. Most
    calls open a new claim: the INSERT is tried first, and the unique constraint finds the other."""
    try:
        with atomic():
            claim = SimClaim.objects.create(network=network, transaction_ref=transaction_ref, claim_id=new_id(),
                                            amount_minor=amount_minor, currency=currency)
            claim.created = True
            return claim, True
    except IntegrityError:
        return SimClaim.objects.get(network=network, transaction_ref=transaction_ref), False


def is_open(claim: SimClaim, now=None, *, filed: bool = True) -> bool:
    """Whether the claim is open. `filed=False`: only whether the issuer closed it. That is the
    whole answer for a claim without the issuer's accepted chargeback, as the network closes a
    claim only by answering a filing (a case filing needs the chargeback); a first chargeback's
    filing checks no more, since the INSERT refuses it on a claim that holds one (file_chargeback)."""
    now = now or timezone.now()
    if claim.closed_by:
        return False
    if not filed or getattr(claim, "created", False):  # opened by this request: nothing can have closed it
        return True
    return not claim.answers.filter(closes_claim=True, available_at__lte=now).exists()


def visible_filings(claim: SimClaim, now=None):
    now = now or timezone.now()
    return [f for f in claim.filings.order_by("created_at", "pk") if f.visible_at is None or f.visible_at <= now]


def issuer_chargeback(claim: SimClaim) -> SimFiling | None:
    """The issuer's accepted first chargeback: one a claim at most (a constraint of SimFiling)."""
    return unique_row(claim.filings.filter(kind="chargeback", filed_by="I", accepted=True))


def open_case(claim: SimClaim, now=None) -> SimFiling | None:
    """The latest visible pre-arbitration or arbitration case on the claim."""
    cases = [f for f in visible_filings(claim, now) if f.kind in ("prearbitration", "arbitration") and f.accepted]
    return cases[-1] if cases else None


def find_filing(network: str, client_reference: str) -> SimFiling | None:
    if not client_reference:
        return None
    # The unique index on (network, client_reference) is partial (references not empty): naming its
    # condition lets SQLite use it, instead of scanning every filing on each lookup.
    return unique_row(SimFiling.objects.filter(network=network, client_reference=client_reference)
                      .exclude(client_reference="").select_related("claim"))


def stored_answer(network: str, client_reference: str) -> tuple[dict, int] | None:
    """The answer given to the filing already stored under this client reference (a retry), if any."""
    if not client_reference:
        return None
    rows = (SimFiling.objects.filter(network=network, client_reference=client_reference).exclude(client_reference="")
            .values_list("response", "status_code")[:1])
    for response, status in rows:
        if response:
            return response, status
    return None


def _create_filing(respond: Respond | None = None, **fields) -> SimFiling:
    """A filing with the answer `respond` gives it, or the one already stored under the same client
    reference (a concurrent retry; `created` is False on it)."""
    try:
        with atomic():
            filing = SimFiling(reference=new_id(), **fields)
            if respond is not None:
                filing.response, filing.status_code = respond(filing)
            filing.save(force_insert=True)
            filing.created = True
            return filing
    except IntegrityError:
        found = find_filing(fields["network"], fields.get("client_reference", ""))
        if found is None:
            raise
        found.created = False
        return found


def _answer(claim: SimClaim, filing: SimFiling | None, *, queue: str, kind: str, delay: timedelta,
            progress_state: str = "", ack_reference: str = "", case_reference: str = "",
            amount_minor: int | None = None, reason: str = "", documents=(), closes_claim: bool = False,
            item_id: str = "") -> SimAnswer:
    return SimAnswer.objects.create(
        claim=claim, filing=filing, network=claim.network, queue=queue, item_id=item_id or new_id(), kind=kind,
        progress_state=progress_state, ack_reference=ack_reference, case_reference=case_reference,
        amount_minor=amount_minor, currency=claim.currency if amount_minor is not None else "", reason=reason,
        documents=list(documents), closes_claim=closes_claim, available_at=timezone.now() + delay)


# --- the issuer's filings ------------------------------------------------------------------------

class ChargebackOnFile(Exception):
    """The claim already holds the issuer's first chargeback."""


def file_chargeback(claim: SimClaim, *, client_reference: str, amount_minor: int, currency: str, reason_code: str,
                    message_text: str = "", documents=(), respond: Respond | None = None) -> SimFiling:
    """Record the issuer's first chargeback and schedule the acquirer's answer (the caller has
    looked the client reference up; a concurrent twin is caught by the unique constraint).
    ChargebackOnFile when the claim holds one already: the constraint of one a claim refuses the
    INSERT, so the common case, a claim's first chargeback, costs no lookup."""
    outcome = rules.chargeback_outcome(claim.network, amount_minor, reason_code)
    try:
        with atomic():
            filing = _create_filing(
                respond, claim=claim, network=claim.network, kind="chargeback", client_reference=client_reference,
                ref_num=new_id(10), amount_minor=amount_minor, currency=currency, reason_code=reason_code,
                accepted=outcome.answer != rules.REJECTED, message_text=message_text[:100], documents=list(documents),
                reject_reason=rules.REJECT_REASON if outcome.answer == rules.REJECTED else "",
                status="REJECTED" if outcome.answer == rules.REJECTED else "OPEN")
            # A concurrent twin stored first has its answer scheduled by its own request.
            if filing.created and filing.accepted:
                _schedule_chargeback_answer(claim, filing, outcome)
    except IntegrityError:
        if issuer_chargeback(claim) is not None:
            raise ChargebackOnFile(claim.claim_id) from None
        raise
    return filing


def _schedule_chargeback_answer(claim: SimClaim, filing: SimFiling, outcome: rules.Outcome) -> None:
    mastercard = claim.network == MASTERCARD
    first_queue = "Unworked" if mastercard else "AwaitingAction"
    prearb_queue = "CaseFiling" if mastercard else "IncomingPreArbitration"
    delay = _delay()
    if outcome.answer == rules.ACCEPTED:
        _answer(claim, filing, queue=first_queue, kind="merchant_accepted", delay=delay,
                progress_state="CLOSED-ACQUIRER-ACCEPTED", ack_reference=filing.reference, closes_claim=True,
                reason="The acquirer accepted the chargeback.")
    elif outcome.answer in (rules.REPRESENT_FULL, rules.REPRESENT_HALF):
        second = SimFiling.objects.create(
            claim=claim, network=claim.network, kind="second_presentment", filed_by="A", reference=new_id(),
            amount_minor=outcome.amount_minor, currency=claim.currency, reason_code="2700",
            message_text="Merchant response attached", visible_at=timezone.now() + delay,
            documents=[{"name": "merchresp.pdf", "content_type": "application/pdf"}])
        _answer(claim, filing, queue=first_queue, kind="representment", delay=delay, item_id=second.reference,
                progress_state="CB1-SECOND-PRESENTMENT", ack_reference=second.reference,
                amount_minor=outcome.amount_minor, documents=[merchant_document()],
                reason="Partial representment: the merchant credited half." if outcome.answer == rules.REPRESENT_HALF
                else "Representment: the merchant disputes the chargeback.")
    elif outcome.answer == rules.NO_ANSWER:
        _answer(claim, filing, queue=first_queue, kind="ruling_issuer",
                delay=_delay(settings.NETWORK_SIMULATOR_WINDOW), progress_state="CLOSED-ACQUIRER-WINDOW-EXPIRED",
                ack_reference=filing.reference, closes_claim=True,
                reason="The acquirer did not answer within its window; the network closed the claim for the issuer.")
    elif outcome.answer == rules.ACQUIRER_PREARB:
        case = SimFiling.objects.create(
            claim=claim, network=claim.network, kind="prearbitration", filed_by="A", reference=new_id(9),
            amount_minor=outcome.amount_minor, currency=claim.currency, reason_code=filing.reason_code,
            visible_at=timezone.now() + delay, message_text="Acquirer pre-arbitration")
        _answer(claim, filing, queue=prearb_queue, kind="prearb_received", delay=delay,
                progress_state="CASE-PREARB-FILED-AGAINST-YOU", ack_reference=filing.reference,
                case_reference=case.reference, amount_minor=outcome.amount_minor, documents=[merchant_document()],
                reason="The acquirer filed pre-arbitration with new evidence.")


def queue_representment(claim: SimClaim, *, amount_minor: int, documents: list[dict], reason: str) -> SimAnswer:
    """An acquirer's second presentment placed in the issuer's queue now, whatever the claim's state
    (the sandbox controls, control_views.py): the same rows a scheduled representment makes."""
    mastercard = claim.network == MASTERCARD
    with atomic():
        second = SimFiling.objects.create(
            claim=claim, network=claim.network, kind="second_presentment", filed_by="A", reference=new_id(),
            amount_minor=amount_minor, currency=claim.currency, reason_code="2700", message_text=reason[:100],
            visible_at=timezone.now(),
            documents=[{"name": d["name"], "content_type": d["content_type"]} for d in documents])
        return _answer(claim, issuer_chargeback(claim), queue="Unworked" if mastercard else "AwaitingAction",
                       kind="representment", delay=timedelta(0), item_id=second.reference,
                       progress_state="CB1-SECOND-PRESENTMENT", ack_reference=second.reference,
                       amount_minor=amount_minor, documents=documents, reason=reason)


def file_case(claim: SimClaim, *, kind: str, client_reference: str, customer_number: str = "", amount_minor: int,
              currency: str, reason_code: str, message_text: str = "", documents=(),
              respond: Respond | None = None) -> SimFiling:
    """The issuer's pre-arbitration or arbitration filing and the acquirer's (or ruling's) answer."""
    existing = find_filing(claim.network, client_reference)
    if existing:
        return existing
    if customer_number:
        same = claim.filings.filter(kind=kind, customer_number=customer_number).first()
        if same:
            return same
    outcome = rules.escalation_outcome(amount_minor)
    mastercard = claim.network == MASTERCARD
    with atomic():
        case = _create_filing(respond, claim=claim, network=claim.network, kind=kind, client_reference=client_reference,
                              customer_number=customer_number, amount_minor=amount_minor, currency=currency,
                              reason_code=reason_code, message_text=message_text[:100], documents=list(documents))
        if not case.created:  # a concurrent twin stored first: its request schedules the answer
            return case
        # The acquirer's own pre-arbitration, if any, is answered by this filing.
        claim.filings.filter(kind="prearbitration", filed_by="A", status="OPEN").update(status="REJECTED")
        wins = outcome.answer == rules.ISSUER_WINS
        if kind == "prearbitration":
            queue = "CaseFiling" if mastercard else "IncomingPreArbitration"
            answer_kind = "merchant_accepted" if wins else "ruling_merchant"
            state = "CASE-PREARB-ACCEPTED" if wins else "CASE-PREARB-DECLINED"
            reason = ("The acquirer accepted the pre-arbitration." if wins
                      else "The acquirer declined the pre-arbitration; liability stays with the issuer.")
        else:
            queue = "CaseFiling" if mastercard else "IncomingArbitration"
            answer_kind = "ruling_issuer" if wins else "ruling_merchant"
            state = "CASE-RULED-FAVOR-SENDER" if wins else "CASE-RULED-FAVOR-RECEIVER"
            reason = "Arbitration ruled in the issuer's favour." if wins else "Arbitration ruled for the merchant."
        chargeback = issuer_chargeback(claim)
        _answer(claim, case, queue=queue, kind=answer_kind, delay=_delay(), progress_state=state,
                ack_reference=chargeback.reference if chargeback else case.reference, case_reference=case.reference,
                closes_claim=True, reason=reason)
    return case


def _close_pending(claim: SimClaim) -> None:
    claim.answers.filter(available_at__gt=timezone.now()).delete()
    claim.filings.filter(visible_at__gt=timezone.now()).delete()


def accept(claim: SimClaim, *, client_reference: str, case: SimFiling | None = None,
           respond: Respond | None = None) -> SimFiling:
    """The issuer accepts liability (closes the claim, or accepts the acquirer's pre-arbitration)."""
    existing = find_filing(claim.network, client_reference)
    if existing:
        return existing
    with atomic():
        filing = _create_filing(respond, claim=claim, network=claim.network, kind="accept", client_reference=client_reference,
                                status="ACCEPTED")
        if case is not None:
            SimFiling.objects.filter(pk=case.pk).update(status="ACCEPTED")
        _close_pending(claim)
        SimClaim.objects.filter(pk=claim.pk).update(closed_by="ISSUER-ACCEPTED", updated_at=timezone.now())
    return filing


def withdraw(claim: SimClaim, *, client_reference: str, respond: Respond | None = None) -> SimFiling:
    """The issuer recalls its latest filing: a chargeback is reversed, a case withdrawn; the claim closes."""
    existing = find_filing(claim.network, client_reference)
    if existing:
        return existing
    with atomic():
        filing = _create_filing(respond, claim=claim, network=claim.network, kind="withdraw",
                                client_reference=client_reference, status="WITHDRAWN")
        case = claim.filings.filter(kind__in=("prearbitration", "arbitration"), filed_by="I").order_by("-pk").first()
        if case is not None:
            SimFiling.objects.filter(pk=case.pk).update(status="WITHDRAWN")
        else:
            claim.filings.filter(kind="chargeback", filed_by="I").update(status="REVERSED")
        _close_pending(claim)
        SimClaim.objects.filter(pk=claim.pk).update(closed_by="ISSUER-WITHDREW", updated_at=timezone.now())
    return filing


# --- queues --------------------------------------------------------------------------------------

def waiting(network: str, queue: str, now=None):
    now = now or timezone.now()
    return (SimAnswer.objects.filter(network=network, queue=queue, acknowledged_at__isnull=True,
                                     available_at__lte=now).select_related("claim", "filing").order_by("available_at", "pk"))


def acknowledge(network: str, *, item_ids=(), claim_and_ack=()) -> dict[str, bool]:
    """Mark answers read. `item_ids` (VROL) or (claim id, ack reference) pairs (Mastercom chargebacks/
    acknowledge); returns, per key, whether something waiting was acknowledged or already was.
    Set-based: one read and one UPDATE for the whole request."""
    now = timezone.now()
    result = {}
    with atomic():
        if item_ids:
            rows = dict(SimAnswer.objects.filter(network=network, item_id__in=list(item_ids), available_at__lte=now)
                        .values_list("item_id", "pk"))
            SimAnswer.objects.filter(pk__in=list(rows.values()), acknowledged_at__isnull=True).update(acknowledged_at=now)
            result.update({item_id: item_id in rows for item_id in item_ids})
        if claim_and_ack:
            pairs = {(str(c), str(r)) for c, r in claim_and_ack}
            found = SimAnswer.objects.filter(
                network=network, claim__claim_id__in={c for c, _ in pairs}, ack_reference__in={r for _, r in pairs},
                available_at__lte=now).values_list("pk", "claim__claim_id", "ack_reference")
            matched = [(pk, (claim_id, reference)) for pk, claim_id, reference in found if (claim_id, reference) in pairs]
            SimAnswer.objects.filter(pk__in=[pk for pk, _ in matched], acknowledged_at__isnull=True).update(
                acknowledged_at=now)
            hit = {pair for _, pair in matched}
            result.update({reference: (claim_id, reference) in hit for claim_id, reference in claim_and_ack})
    return result
