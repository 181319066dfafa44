"""Demo data for `manage.py seed_demo`: a plausible issuer book, made through the services.

Programs in three currencies (`PROGRAMS`), cases in every status on four networks, from disputes
raised this morning to outcomes six months old: open cases due from two weeks overdue to months
ahead, waiting ones, a share assigned to the team, partial amounts, trusted-amount corrections,
evidence files and notes. Everything comes from one seeded `random.Random` per program, relative to
the moment the demo is loaded, so a load is the same book every time (case ids included).

Every write goes through `cases.services` as today's work, set-based where a service has a batch
path: the book is drawn first, then the cases are opened together (`cases_open_many`), the team's
work runs in rounds across the book (a round's steps of one name together, `cases_transition_many`;
assignments, files, notes, corrections and maker-checker steps case by case), and `_date_back`
moves each case and its trail to when that work happened (demo only: events are append-only for
the product) and sets the dates that follow from them (response due dates, the next deadline), in
one statement per table. The rows are those the one-at-a-time services write (case ids, statuses,
events in each case's order, files, submissions); only the order of ids across cases differs.
"""

import random
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from cases import approval_rules, lifecycle, networks, services
from cases.actors import Actor
from cases.choices import (
    CaseStatus,
    EventKind,
    EvidenceCategory,
    Network,
    NetworkSubmissionKind,
    NetworkSubmissionState,
    Reason,
)
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput
from cases.models import Case, CaseEvent, Evidence, NetworkSubmission, Transaction
from cases.services import approvals
from cases.services.provisional_credit import case_provisional_credit
from cases.services.rows import update_rows
from cases.services.transitions import failed_conditions

MERCHANTS = [
    ("FoodHub", "FoodHub Delivery Inc.", "5812"), ("Northwind Electronics", "Northwind Retail LLC", "5732"),
    ("Skyline Air", "Skyline Airways", "4511"), ("Urban Threads", "Urban Threads Apparel", "5651"),
    ("StreamMax", "StreamMax Media", "4899"), ("GreenLeaf Grocers", "GreenLeaf Markets", "5411"),
    ("Peak Fitness", "Peak Fitness Clubs", "7997"), ("CityRide", "CityRide Mobility", "4121"),
    ("Harbor Hotels", "Harbor Hospitality Group", "7011"), ("PixelPlay Games", "PixelPlay Studios", "5816"),
    ("Bookworm & Co", "Bookworm Company", "5942"), ("QuickFuel", "QuickFuel Stations", "5541"),
]
FIRST = ["Susie", "Arjun", "Maria", "Kenji", "Fatima", "Liam", "Chloe", "Mateo", "Aisha", "Noah", "Elena", "Omar",
         "Grace", "Lucas", "Priya", "Jonas", "Amara", "Diego", "Hannah", "Wei"]
LAST = ["Chargeback", "Patel", "Garcia", "Tanaka", "Haddad", "O'Brien", "Martin", "Rossi", "Okafor", "Schmidt",
        "Novak", "Kowalski", "Silva", "Nguyen", "Johansson", "Dubois", "Mensah", "Kim", "Cohen", "Larsen"]
EXPLANATIONS = {
    Reason.PRODUCT_NOT_RECEIVED: "I never received this order.",
    Reason.FRAUD: "I do not recognise this charge; my card was in my wallet.",
    Reason.DUPLICATE_CHARGE: "I was billed twice for the same purchase.",
    Reason.PRODUCT_NOT_AS_DESCRIBED: "The item arrived damaged and does not match the listing.",
    Reason.SUBSCRIPTION_CANCELED: "I cancelled this subscription last month and was charged again.",
    Reason.CREDIT_NOT_PROCESSED: "I returned the goods but the refund never arrived.",
    Reason.INCORRECT_AMOUNT: "The amount charged is higher than the receipt.",
}
NOTES = [
    "Called the cardholder; they confirmed the details.", "Merchant contacted by email, no answer yet.",
    "Checked the authorization log: chip read, PIN not verified.", "Cardholder sent the order confirmation.",
    "Compared with the statement: the amount matches the receipt.", "Asked the cardholder for the return receipt.",
    "Second presentment reviewed; the merchant's evidence does not address the claim.",
    "Escalated to the supervisor for the amount.",
]
FOLLOW_UPS = [
    "Waiting for the cardholder's signed statement; follow up then.",
    "Merchant promised a refund; check the statement before filing.",
    "Police report requested; the cardholder expects it within weeks.",
]


@dataclass(frozen=True)
class DemoProgram:
    program_id: str
    name: str
    currency: str
    time_zone: str
    consumer_regulation: str
    cardholder_type: str  # "business" cards run no consumer-regulation clock
    networks: tuple
    cities: tuple
    size: float  # share of the book
    review_threshold: int | None = None


PROGRAMS = (
    DemoProgram("demo", "Demo card program", "USD", "America/New_York", "us", "business",
                (Network.VISA, Network.MASTERCARD, Network.AMEX, Network.DISCOVER),
                (("San Francisco", "CA", "94102", "US"), ("Austin", "TX", "73301", "US"),
                 ("Chicago", "IL", "60601", "US"), ("Seattle", "WA", "98101", "US"), ("Boston", "MA", "02108", "US")),
                0.7, review_threshold=100_000),
    DemoProgram("demo_eu", "Demo consumer cards (EUR)", "EUR", "Europe/Berlin", "none", "individual",
                (Network.VISA, Network.MASTERCARD),
                (("Berlin", "", "10115", "DE"), ("Lyon", "", "69001", "FR"), ("Milan", "", "20121", "IT"),
                 ("Madrid", "", "28001", "ES")), 0.3),
    DemoProgram("demo_uk", "Demo rewards cards (GBP)", "GBP", "Europe/London", "none", "individual",
                (Network.VISA, Network.MASTERCARD, Network.AMEX),
                (("London", "", "EC1A 1BB", "GB"), ("Leeds", "", "LS1 1UR", "GB"), ("Bristol", "", "BS1 4DJ", "GB")),
                0.2),
)

# status -> (cases in the main program, the transitions that lead there from `created`)
PLAN = {
    CaseStatus.CREATED: (46, []),
    CaseStatus.CHARGEBACK_FILED: (30, ["file_chargeback"]),
    CaseStatus.CHARGEBACK_REPRESENTED: (15, ["file_chargeback", "record_representment"]),
    CaseStatus.PREARB_RECEIVED: (8, ["file_chargeback", "record_prearb_received"]),
    CaseStatus.PREARB_FILED: (8, ["file_chargeback", "record_representment", "file_prearbitration"]),
    CaseStatus.PREARB_REBUTTED: (6, ["file_chargeback", "record_representment", "file_prearbitration",
                                     "record_prearb_rebuttal"]),
    CaseStatus.ARBITRATION_FILED: (5, ["file_chargeback", "record_prearb_received", "file_arbitration"]),
    CaseStatus.WON: (20, ["file_chargeback", "win"]),
    CaseStatus.LOST: (12, ["file_chargeback", "record_representment", "file_prearbitration", "lose"]),
    CaseStatus.ACCEPTED: (8, ["file_chargeback", "record_representment", "accept"]),
    CaseStatus.REJECTED: (8, ["reject"]),
    CaseStatus.EXPIRED: (10, []),
    CaseStatus.WITHDRAWN: (8, ["withdraw"]),
    CaseStatus.MERCHANT_CREDITED: (12, ["credit_merchant"]),
}
RESPONSE_CLOCK = (CaseStatus.CHARGEBACK_REPRESENTED, CaseStatus.PREARB_RECEIVED, CaseStatus.PREARB_REBUTTED)
TERMINAL = (CaseStatus.WON, CaseStatus.LOST, CaseStatus.ACCEPTED, CaseStatus.REJECTED, CaseStatus.WITHDRAWN,
            CaseStatus.MERCHANT_CREDITED)
OPEN_AT_END = (CaseStatus.CREATED, *RESPONSE_CLOCK, CaseStatus.CHARGEBACK_FILED, CaseStatus.PREARB_FILED,
               CaseStatus.ARBITRATION_FILED)
DEFAULT_INTERNAL_DAYS = 10  # the programs' default internal target
_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"
BATCH = 500  # rows per set-based statement


@dataclass
class Story:
    """When one case's work happened, in days before today (dispute raised, then each step)."""

    status: str
    path: list
    dispute_days_ago: int
    transaction_days_ago: int
    step_days_ago: list = field(default_factory=list)
    internal_due_in: int | None = None  # days from today; None: the program's default from the dispute date


def _story(rng: random.Random, status: str, path: list) -> Story:
    if status == CaseStatus.CREATED:
        # From raised this morning to two weeks past the team's ten-day target.
        age = rng.choice([0, 0, 1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8, 9, 9, 10, 12, 15, 21])
        story = Story(status, path, age, age + rng.randint(2, 25))
        if rng.random() < 0.15:
            story.internal_due_in = rng.randint(35, 110)  # a supervisor moved it: waiting for documents
        return story
    if status == CaseStatus.EXPIRED:
        # Never filed: the filing window closed between a week and six months ago.
        txn_age = rng.randint(5, 175) + 120
        return Story(status, path, txn_age - rng.randint(20, 90), txn_age)
    if status in TERMINAL:
        last = rng.randint(1, 180)  # outcomes over the last six months
        span = {CaseStatus.REJECTED: 6, CaseStatus.WITHDRAWN: 15, CaseStatus.MERCHANT_CREDITED: 20}.get(status, 75)
        age = last + rng.randint(len(path) + 1, span + len(path))
    elif status in RESPONSE_CLOCK:
        last = rng.randint(0, 9 if status == CaseStatus.PREARB_REBUTTED else 28)  # answer due in days to weeks
        age = last + rng.randint(12 * len(path), 20 * len(path))
    else:  # waiting on the other side
        last = rng.randint(0, 40)
        age = last + rng.randint(3 * len(path), 15 * len(path))
    # The steps, in order, between the dispute and the last one.
    inner = sorted((rng.randint(last, age - 1) for _ in path[:-1]), reverse=True)
    return Story(status, path, age, age + rng.randint(1, 8), [*inner, last])


def draw_case_id(rng: random.Random) -> str:
    return "case_" + "".join(rng.choice(_ID_ALPHABET) for _ in range(20))


def _pdf(title: str, line: str) -> bytes:
    """A one-page PDF holding two lines of text: a demo receipt or letter."""
    text = f"BT /F1 14 Tf 72 720 Td ({title}) Tj 0 -24 Td /F1 11 Tf ({line}) Tj ET".encode("latin-1", "replace")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _planned(story: Story) -> bool:
    """Whether the case can be opened today with its planned dates. The others are opened as if
    raised yesterday (the services check filing windows against today) and dated back afterwards."""
    return story.status in (CaseStatus.CREATED, CaseStatus.EXPIRED)


def _case_input(rng, spec: DemoProgram, n: int, story: Story, now: datetime) -> CaseInput:
    network = rng.choice(spec.networks)
    reason = rng.choice(list(EXPLANATIONS))
    merchant = rng.choice(MERCHANTS)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, state, postal, country = rng.choice(spec.cities)
    amount = rng.choice([499, 1299, 2599, 4999, 8900, 12000, 15999, 34950, 79900, 129900, 264000])
    txn_days, dispute_days = (story.transaction_days_ago, story.dispute_days_ago) if _planned(story) else (3, 1)
    when = now - timedelta(days=txn_days, hours=rng.randint(0, 12), minutes=rng.randint(0, 59))
    disputed_at = _at(now, dispute_days, rng)
    partial = rng.random() < 0.25
    disputed = max(100, round(amount * rng.choice([0.25, 0.4, 0.5, 0.6, 0.75]))) if partial else amount
    evidence = {"cardholder_explanation": EXPLANATIONS[reason]}
    if reason == Reason.FRAUD:
        evidence.update(card={"is_active": False}, fraud={"was_reported": True})
    prefix = spec.program_id
    return CaseInput(
        case_id=draw_case_id(rng),
        source=rng.choice(["api", "api", "backoffice", "decisionly", "tutelar", "mastercard"]),
        reason=reason, disputed_amount=disputed, dispute_date=disputed_at,
        internal_due_date=disputed_at.date() + timedelta(days=DEFAULT_INTERNAL_DAYS),
        issuer_evidence=evidence,
        custom_fields={"channel": rng.choice(["mobile", "web", "phone", "branch"])},
        transaction=TransactionInput(
            external_id=f"{prefix}_txn_{n:05d}", arn=f"7{rng.randint(10**21, 10**22 - 1)}", amount=amount,
            currency=spec.currency, date=when, system="dual_message", card_network=network,
            card_last4=f"{rng.randint(0, 9999):04d}", card_expiry_month=rng.randint(1, 12),
            card_expiry_year=rng.randint(2027, 2031), card_type=rng.choice(["credit", "debit"]),
            merchant=MerchantInput(external_id=f"{prefix}_m_{MERCHANTS.index(merchant)}", name=merchant[0],
                                   business_name=merchant[1], mcc=merchant[2],
                                   chargeback_email=f"disputes@{merchant[0].split()[0].lower()}.example"),
            cardholder=CardholderInput(external_id=f"{prefix}_ch_{n:05d}", name=f"{first} {last}",
                                       type=spec.cardholder_type,
                                       email=f"{first.lower()}.{last.lower().replace(chr(39), '')}@example.com",
                                       address_line1=f"{rng.randint(1, 999)} Market Street", city=city, state=state,
                                       postal_code=postal, country=country),
        ),
    )


def take_step(case: Case, step: str, worker: Actor, approver: Actor | None, note: str = "") -> Case:
    """A lifecycle step or a credit movement (`grant`, `reverse`, `make_final`) as the team takes it:
    when the program needs a second person (maker-checker), the worker asks and the approver, a
    different supervisor, approves."""
    credit = step in ("grant", "reverse", "make_final")
    action = approval_rules.action_for_credit(step) if credit else step
    if action and approval_rules.needs_approval(case, action, worker):
        if approver is None:
            raise ValueError(f"{step} needs a second supervisor's approval on program {case.program.program_id}.")
        request = approvals.approval_request(case=case, action=action, actor=worker,
                                             reason=note or "The evidence supports it; please check.")
        approvals.approval_approve(request=request, actor=approver, note="Checked.")
        return Case.objects.get(pk=case.pk)
    if credit:
        return case_provisional_credit(case=case, actor=worker, action=step, note=note)
    return services.case_transition(case=case, transition=step, actor=worker, note=note).case


def seed_pending_approvals(program, requester, count: int = 2) -> int:
    """Requests left waiting, so a supervisor finds something to approve: accepting liability on
    represented cases, asked by `requester` (another supervisor decides)."""
    actor, made = Actor.for_user(requester), 0
    for case in Case.objects.filter(program=program, status=CaseStatus.CHARGEBACK_REPRESENTED).order_by("number"):
        if made == count:
            break
        if approval_rules.needs_approval(case, "accept", actor) and not failed_conditions(case, "accept", actor):
            approvals.approval_request(case=case, action="accept", actor=actor,
                                       reason="The merchant's representment holds: signed delivery receipt.")
            made += 1
    return made


def seed_cases(program, supervisor, count_scale: float = 1.0, seed: int = 7, team=(),
               now: datetime | None = None, approver=None) -> int:
    """Seed one program's book (`count_scale` of PLAN); `team` are the people open cases are
    assigned to (none when empty); `approver`, a second supervisor, approves the steps the program
    holds to maker-checker (needed when the program has approval actions). Returns the number of
    cases made.

    Drawn first (the stories, the cases' inputs and the team's work, from one `rng` in a fixed
    order), then written: the cases opened together (`cases_open_many`: transactions, parties,
    cases and their `created` events in a few INSERTs), each case's work through its services, the
    deadline sweep, and one set-based pass that dates it all back."""
    spec = next((p for p in PROGRAMS if p.program_id == program.program_id), PROGRAMS[0])
    rng = random.Random(f"{seed}:{program.program_id}")
    now = now or timezone.now()
    worker, team = Actor.for_user(supervisor), list(team)
    checker = Actor.for_user(approver) if approver is not None else None
    drawn = []
    for status, (count, path) in PLAN.items():
        for _ in range(max(1, round(count * count_scale))):
            story = _story(rng, status, list(path))
            data = _case_input(rng, spec, len(drawn) + 1, story, now)
            drawn.append((story, data, _plan(rng, data, story, team, now)))
    with transaction.atomic():
        cases = services.cases_open_many(program=program, actor=Actor.for_system(),
                                         inputs=[data for _, data, _ in drawn])
        _work([(case, work) for case, (_, _, work) in zip(cases, drawn, strict=True)], worker, checker)
        services.cases_expire_overdue()
        _date_back(rng, {case.pk: story for case, (story, _, _) in zip(cases, drawn, strict=True)}, now)
        settle_filing_history([case.pk for case in cases], now)
    return len(cases)


def settle_filing_history(numbers: list[int], now: datetime) -> int:
    """Demo only: the book's filings happened before today, so they are recorded as acknowledged
    and never sent, except the chargeback of a case still `chargeback_filed`: it goes out when
    `make run` starts and the simulator's answer moves that case on its own. A filing sent for a
    case that had already moved on would come back as an unmatched message, and a pre-arbitration
    or arbitration filing would be refused (the simulator never saw the chargeback it follows).
    Returns the filings kept to send."""
    latest = {}
    for pk, case_pk, kind, status in (NetworkSubmission.objects.filter(case_id__in=numbers).order_by("case_id", "id")
                                      .values_list("pk", "case_id", "kind", "case__status")):
        latest[case_pk] = (pk, kind == NetworkSubmissionKind.CHARGEBACK and status == CaseStatus.CHARGEBACK_FILED)
    live = [pk for pk, waiting in latest.values() if waiting]
    NetworkSubmission.objects.filter(case_id__in=numbers).exclude(pk__in=live).update(
        state=NetworkSubmissionState.ACKNOWLEDGED, next_attempt_at=None, sent_at=now, settled_at=now, updated=now)
    return len(live)


def _plan(rng, data: CaseInput, story: Story, team, now: datetime) -> list[tuple]:
    """The team's work on one case, in the order it happens, as (what, argument) pairs: the
    random choices are drawn here, the services run later (`_work`)."""
    work = []
    if team and story.status in OPEN_AT_END and rng.random() < 0.6:
        work.append(("assign", rng.choice(team)))
    if story.path:
        work.append(("review", None))  # a new one above the threshold waits for its review
    if story.path and rng.random() < 0.45:
        work.append(("receipt", None))
        if rng.random() < 0.4:
            work.append(("statement", None))
    if story.internal_due_in is not None:
        work.append(("follow_up", (rng.choice(FOLLOW_UPS), now.date() + timedelta(days=story.internal_due_in))))
    amount = data.disputed_amount
    for index, step in enumerate(story.path):
        if step == "file_chargeback" and amount < data.transaction.amount and rng.random() < 0.3:
            amount = max(100, round(amount * 0.8))
            work.append(("amount", amount))
        work.append(("step", (step, rng.choice(["", "", "Merchant response attached.",
                                                 "Cardholder confirmed by phone."]))))
        if index == 0 and rng.random() < 0.35:
            work.append(("note", rng.choice(NOTES)))
    if story.status == CaseStatus.CREATED and rng.random() < 0.4:
        work.append(("note", rng.choice(NOTES)))
    return work


def _work(planned: list[tuple[Case, list[tuple]]], worker: Actor, checker: Actor | None) -> None:
    """Today's service calls for every case's story, each case's work in the order it happened.

    In rounds across the book: each case's work up to its next lifecycle step, case by case, then
    the round's steps of one name that need no second person together (`cases_transition_many`:
    every case filed in one go, then every represented one, ...); a step that does is taken on its
    own, as the team takes it (`take_step`)."""
    current = {case.pk: case for case, _ in planned}
    queues = [(case.pk, deque(work)) for case, work in planned]
    while queues:
        together = defaultdict(list)
        for pk, queue in queues:
            while queue:
                what, argument = queue.popleft()
                case = current[pk]
                if what == "step" and argument[0] in lifecycle.TRANSITIONS and not approval_rules.needs_approval(
                        case, argument[0], worker):
                    together[argument[0]].append((case, argument[1]))
                    break
                current[pk] = _do(case, what, argument, worker, checker)
        for name, items in together.items():
            events = services.cases_transition_many(cases=[case for case, _ in items], transition=name, actor=worker,
                                                    notes=[note for _, note in items])
            current.update((event.case.pk, event.case) for event in events)
        queues = [(pk, queue) for pk, queue in queues if queue]


def _do(case: Case, what: str, argument, worker: Actor, checker: Actor | None) -> Case:
    """One piece of a case's work through its service; returns the case as the next piece sees it."""
    if what == "assign":
        services.case_assign(case=case, actor=worker, assignee=argument)
    elif what == "review" and case.review_status:
        case = services.case_mark_reviewed(case=case, actor=worker, note="Amount checked against the statement.").case
    elif what == "receipt":
        txn = case.transaction
        services.case_add_evidence(
            case=case, actor=worker, name=f"receipt-{case.number}.pdf", category=EvidenceCategory.TRANSACTION_RECEIPT,
            description="Receipt the cardholder sent",
            data=_pdf(f"Receipt {txn.external_id}", f"{txn.merchant.name}: {txn.amount / 100:.2f} {case.currency}"))
    elif what == "statement":
        services.case_add_evidence(
            case=case, actor=worker, name=f"statement-{case.number}.pdf",
            category=EvidenceCategory.CARDHOLDER_STATEMENT, description="Signed cardholder statement",
            data=_pdf(f"Cardholder statement {case.case_id}", EXPLANATIONS[case.reason]))
    elif what == "follow_up":
        note, internal_due_date = argument
        services.case_update(case=case, actor=worker, note=note, internal_due_date=internal_due_date)
    elif what == "amount":
        case = services.case_change_amount(case=case, actor=worker, amount=argument, currency=case.currency,
                                           note="The merchant refunded part of the amount.").case
    elif what == "step":
        step, note = argument
        case = take_step(case, step, worker, checker, note)
    elif what == "note":
        services.case_add_note(case=case, actor=worker, text=argument)
    return case


def _at(now: datetime, days_ago: int, rng: random.Random) -> datetime:
    """A moment in the team's working day (UTC afternoon: US morning, European afternoon), not after now."""
    day = (now - timedelta(days=days_ago)).date()
    return min(datetime.combine(day, time(rng.randint(13, 21), rng.randint(0, 59)), tzinfo=UTC), now)


def _date_back(rng: random.Random, stories: dict[int, Story], now: datetime) -> None:
    """Demo only: move each case and its trail to when its story happened, and set the dates that
    follow from those moments (filing window, internal target, response due date, next deadline).

    Set-based: the program's cases, events and files are read in three queries and written back
    in one statement per table; `rng` is drawn case by case, in the order the cases were opened."""
    cases = Case.objects.select_related("transaction").in_bulk(list(stories))
    trails, files = defaultdict(list), defaultdict(list)
    for pk, case_pk, kind, name in (CaseEvent.objects.filter(case_id__in=list(stories)).order_by("case_id", "id")
                                    .values_list("id", "case_id", "kind", "transition")):
        trails[case_pk].append((pk, kind, name))
    for pk, case_pk in Evidence.objects.filter(case_id__in=list(stories)).order_by("case_id", "id").values_list(
            "id", "case_id"):
        files[case_pk].append(pk)
    moved_events, moved_files, moved_transactions = [], [], []
    stamp = CaseEvent._meta.get_field("created")
    for number, story in stories.items():
        case = cases[number]
        txn = case.transaction
        if not _planned(story):
            txn.date = now - timedelta(days=story.transaction_days_ago, hours=rng.randint(0, 12))
            case.dispute_date = _at(now, story.dispute_days_ago, rng)
            case.internal_due_date = case.dispute_date.date() + timedelta(days=DEFAULT_INTERNAL_DAYS)
            case.chargeback_due_date = networks.chargeback_due_date(case.network, case.reason, txn.date.date())
            moved_transactions.append(txn)
        created_at = min(case.dispute_date + timedelta(minutes=rng.randint(5, 90)), now)
        pinned = iter([_at(now, days, rng) for days in story.step_days_ago])
        moment, moments, evidence_moments = created_at, [], []
        for pk, kind, name in trails[number]:
            if kind == EventKind.CREATED:
                moment = created_at
            elif kind == EventKind.TRANSITION and name == "expire":
                # The deadline sweep ran the night after the filing window closed.
                moment = max(datetime.combine(case.chargeback_due_date + timedelta(days=1), time(5, 0), tzinfo=UTC),
                             moment)
            elif kind == EventKind.TRANSITION:
                moment = max(next(pinned, moment), moment)
            else:
                moment = moment + timedelta(minutes=rng.randint(3, 120))
            moment = min(moment, now)
            moments.append(moment)
            moved_events.append((moment, pk))
            if kind == EventKind.EVIDENCE:
                evidence_moments.append(moment)
        last = max(moments)
        if case.status in RESPONSE_CLOCK:
            case.response_due_date = networks.response_due_date(case.network, case.status, last.date())
        case.next_deadline = lifecycle.next_deadline(case)
        case.created, case.updated, case.notice_received_at = created_at, last, created_at
        for pk, at in zip(files[number], evidence_moments, strict=False):
            moved_files.append(Evidence(pk=pk, created=at))
    with connection.cursor() as cursor:  # the model refuses updates: events are append-only
        cursor.executemany(f"UPDATE {CaseEvent._meta.db_table} SET created = %s WHERE id = %s",  # noqa: S608
                           [(stamp.get_db_prep_save(at, connection), pk) for at, pk in moved_events])
    update_rows(Case, cases.values(), ["created", "updated", "notice_received_at", "dispute_date", "internal_due_date",
                                       "chargeback_due_date", "response_due_date", "next_deadline"])
    Transaction.objects.bulk_update(moved_transactions, ["date"], batch_size=BATCH)
    Evidence.objects.bulk_update(moved_files, ["created"], batch_size=BATCH)
