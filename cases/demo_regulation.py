"""Demo data for the regulation clocks (SPEC section 13): Reg E and Reg Z cases in each status.

Called by `seed_demo` after the main demo book. Notice dates are set relative to today on the
program's calendar, so the statuses hold whatever day the demo is loaded.
"""

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from cases import services
from cases.actors import Actor
from cases.demo import draw_case_id, settle_filing_history, take_step
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput
from cases.services.letters import letter_send
from cases.services.regulation import program_calendar, program_today, program_zone

BD, DAYS = "business days", "days"
# (label, card type, cardholder type, how long before today the cardholder told the issuer,
#  what the team did since). Reg E's first clock counts business days, Reg Z's calendar days.
STORIES = [
    ("reg_e_on_track", "debit", "individual", (BD, 0), []),
    ("reg_e_at_risk", "debit", "individual", (BD, 9), []),
    ("reg_e_breached", "debit", "individual", (BD, 12), []),
    ("reg_e_met", "debit", "individual", (BD, 5), ["grant", "send", "make_final", "send"]),
    ("reg_e_credit_granted", "prepaid", "individual", (BD, 3), ["grant", "send"]),
    ("reg_z_on_track", "credit", "individual", (DAYS, 0), ["send"]),
    ("reg_z_at_risk", "credit", "individual", (DAYS, 29), []),
    ("reg_z_breached", "credit", "individual", (DAYS, 35), []),
    ("reg_z_met", "credit", "individual", (DAYS, 6), ["send", "file_chargeback", "win", "send"]),
    ("not_applicable", "credit", "business", (DAYS, 2), []),
]


def _input(program, label: str, card_type: str, holder: str, notified_at, n: int, case_id: str) -> CaseInput:
    when = notified_at - timedelta(days=3)
    return CaseInput(
        case_id=case_id, source="api", reason="product_not_received", cardholder_notified_at=notified_at,
        issuer_evidence={"cardholder_explanation": "I never received this order."},
        custom_fields={"demo": label},
        transaction=TransactionInput(
            external_id=f"demo_reg_{n:03d}", arn=f"6{n:022d}", amount=8_900 + n, currency="USD", date=when,
            system="dual_message", card_network="visa", card_last4=f"{1000 + n:04d}", card_type=card_type,
            merchant=MerchantInput(external_id="demo_reg_m", name="Northwind Electronics", mcc="5732"),
            cardholder=CardholderInput(external_id=f"demo_reg_ch_{n:03d}", name=f"Reg Demo {n}", type=holder,
                                       email=f"reg.demo.{n}@example.com", country="US", billing_cycle_day=20),
        ),
    )


def seed_regulation_cases(program, supervisor, approver=None) -> int:
    """One case per (rule, status) story; returns how many were made. `approver`, a second
    supervisor, approves the steps the program holds to maker-checker."""
    cal, today = program_calendar(program), program_today(program)
    zone, worker, made = program_zone(program), Actor.for_user(supervisor), []
    checker = Actor.for_user(approver) if approver is not None else None
    ids = random.Random(f"7:{program.program_id}:regulation")  # case ids the same on every load
    for n, (label, card_type, holder, (unit, back), steps) in enumerate(STORIES, start=1):
        day = cal.subtract_business_days(today, back) if unit == BD else today - timedelta(days=back)
        notified_at = min(timezone.make_aware(datetime.combine(day, time(10, 0)), zone), timezone.now())
        case = services.case_create(program=program, actor=Actor.for_system(),
                                    data=_input(program, label, card_type, holder, notified_at, n, draw_case_id(ids)))
        for step in steps:
            if step == "send":
                for letter in case.letters.filter(sent_at__isnull=True):
                    letter_send(letter.pk)
            else:
                case = take_step(case, step, worker, checker)
        made.append(case.pk)
    settle_filing_history(made, timezone.now())
    return len(made)
