"""Demo data for `manage.py seed_demo`: realistic cases in every status, made through the services."""

import random
from datetime import timedelta

from django.db import connection
from django.utils import timezone

from cases import approval_rules, services
from cases.actors import Actor
from cases.choices import CaseStatus, Network, Reason
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput
from cases.models import Case, CaseEvent
from cases.services import approvals
from cases.services.provisional_credit import case_provisional_credit
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
CITIES = [("San Francisco", "CA", "94102"), ("Austin", "TX", "73301"), ("Chicago", "IL", "60601"),
          ("Seattle", "WA", "98101"), ("Boston", "MA", "02108"), ("Denver", "CO", "80202")]
EXPLANATIONS = {
    Reason.PRODUCT_NOT_RECEIVED: "I never received this order.",
    Reason.FRAUD: "I do not recognise this charge; my card was in my wallet.",
    Reason.DUPLICATE_CHARGE: "I was billed twice for the same purchase.",
    Reason.PRODUCT_NOT_AS_DESCRIBED: "The item arrived damaged and does not match the listing.",
    Reason.SUBSCRIPTION_CANCELED: "I cancelled this subscription last month and was charged again.",
    Reason.CREDIT_NOT_PROCESSED: "I returned the goods but the refund never arrived.",
    Reason.INCORRECT_AMOUNT: "The amount charged is higher than the receipt.",
}

# status -> (count, the transitions that lead there from `created`)
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


def _case_input(rng: random.Random, n: int, days_ago: int) -> CaseInput:
    network = rng.choice([Network.VISA, Network.MASTERCARD])
    reason = rng.choice(list(EXPLANATIONS))
    merchant = rng.choice(MERCHANTS)
    first, last = rng.choice(FIRST), rng.choice(LAST)
    city, state, postal = rng.choice(CITIES)
    amount = rng.choice([499, 1299, 2599, 4999, 8900, 12000, 15999, 34950, 79900, 129900])
    when = timezone.now() - timedelta(days=days_ago, hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
    evidence = {"cardholder_explanation": EXPLANATIONS[reason]}
    if reason == Reason.FRAUD:
        evidence.update(card={"is_active": False}, fraud={"was_reported": True})
    return CaseInput(
        source=rng.choice(["api", "api", "decisionly", "tutelar", "mastercard"]),
        reason=reason,
        disputed_amount=amount if rng.random() > 0.2 else amount // 2,
        dispute_date=min(when + timedelta(days=rng.randint(1, 5)), timezone.now()),
        issuer_evidence=evidence,
        custom_fields={"channel": rng.choice(["mobile", "web", "phone"])},
        transaction=TransactionInput(
            external_id=f"demo_txn_{n:05d}", arn=f"7{rng.randint(10**21, 10**22 - 1)}", amount=amount,
            currency="USD", date=when, system="dual_message", card_network=network,
            card_last4=f"{rng.randint(0, 9999):04d}", card_expiry_month=rng.randint(1, 12),
            card_expiry_year=rng.randint(2027, 2031), card_type=rng.choice(["credit", "debit"]),
            merchant=MerchantInput(external_id=f"demo_m_{MERCHANTS.index(merchant)}", name=merchant[0],
                                   business_name=merchant[1], mcc=merchant[2],
                                   chargeback_email=f"disputes@{merchant[0].split()[0].lower()}.example"),
            cardholder=CardholderInput(external_id=f"demo_ch_{n:05d}", name=f"{first} {last}",
                                       email=f"{first.lower()}.{last.lower().replace(chr(39), '')}@example.com",
                                       address_line1=f"{rng.randint(1, 999)} Market Street", city=city, state=state,
                                       postal_code=postal, country="US"),
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


def seed_cases(program, supervisor, count_scale: float = 1.0, seed: int = 7, approver=None) -> int:
    """The demo book; `approver`, a second supervisor, approves the steps the program holds to
    maker-checker (needed when the program has approval actions)."""
    rng = random.Random(seed)
    creator = Actor.for_system()
    worker = Actor.for_user(supervisor)
    checker = Actor.for_user(approver) if approver is not None else None
    made = 0
    n = 0
    for status, (count, path) in PLAN.items():
        for _ in range(max(1, round(count * count_scale))):
            n += 1
            days_ago = rng.randint(125, 170) if status == CaseStatus.EXPIRED else rng.randint(1, 80)
            case = services.case_create(program=program, actor=creator, data=_case_input(rng, n, days_ago))
            if case.review_status and path:
                case = services.case_mark_reviewed(case=case, actor=worker, note="Amount checked against statement.").case
            for step in path:
                note = rng.choice(["", "Called the cardholder.", "Merchant response attached.", ""])
                case = take_step(case, step, worker, checker, note)
            if rng.random() < 0.3:
                services.case_add_note(case=case, actor=worker, text="Reviewed the transaction history.")
            made += 1
    services.cases_expire_overdue()
    _spread_over_time(program)
    return made


def _spread_over_time(program) -> None:
    """Demo only: date each case and its trail back to when the dispute was raised, so the queue and
    the dashboard's weekly and monthly charts look like months of work rather than one afternoon.

    Events are append-only for the product; this rewrites fresh demo rows with plain SQL, once.
    """
    now = timezone.now()
    shifts = [((now - dispute_date), number) for number, dispute_date in
              Case.objects.filter(program=program).values_list("number", "dispute_date")]
    case_table, event_table = Case._meta.db_table, CaseEvent._meta.db_table
    with connection.cursor() as cursor:
        for shift, number in shifts:
            if shift.total_seconds() <= 0:
                continue
            cursor.execute(f"UPDATE {case_table} SET created = %s WHERE number = %s",  # noqa: S608
                           [now - shift, number])
            # The sweep's events stay where they are: it ran after the deadline, today.
            events = (CaseEvent.objects.filter(case_id=number).exclude(actor="system", transition__in=["expire", "accept"])
                      .order_by("created", "id"))
            step = shift / 3
            for index, (pk, created) in enumerate(events.values_list("id", "created")):
                cursor.execute(f"UPDATE {event_table} SET created = %s WHERE id = %s",  # noqa: S608
                               [created - shift + step * min(index, 2), pk])
