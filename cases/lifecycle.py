"""Lifecycle rules used by the transitions on `Case` (SPEC section 3).

Conditions are pure, named functions of the case: the API reports the names of those that fail.
`CONDITION_MESSAGES` gives each the plain words a person reads.
"""

from django.utils import timezone

from cases import networks
from cases.choices import CaseStatus, Reason, TransactionStatus


def today():
    return timezone.localdate(timezone.now(), timezone.get_fixed_timezone(0))


def before_chargeback_due_date(case) -> bool:
    return case.chargeback_due_date is None or today() <= case.chargeback_due_date


def not_under_review(case) -> bool:
    return case.review_status is None


def disputed_amount_positive(case) -> bool:
    return case.disputed_amount > 0


def transaction_succeeded(case) -> bool:
    return case.transaction.status == TransactionStatus.SUCCESS


def fraud_card_blocked_and_reported(case) -> bool:
    """Decisionly: a fraud case needs card.is_active=false and fraud.was_reported or submit_report.

    https://docs.decisionly.com/dispute-types
    """
    if case.reason != Reason.FRAUD:
        return True
    evidence = case.issuer_evidence or {}
    card = evidence.get("card") or {}
    fraud = evidence.get("fraud") or {}
    return card.get("is_active") is False and (fraud.get("was_reported") is True or fraud.get("submit_report") is True)


def before_stage_deadline(case) -> bool:
    """A person acts only before the stage's response deadline; the system sweep acts after it."""
    actor = getattr(case, "_transition_actor", None)
    if actor is not None and actor.system:
        return True
    return case.response_due_date is None or today() <= case.response_due_date


def arbitration_path_allowed(case) -> bool:
    """From chargeback_represented only codes that skip pre-arbitration go straight to arbitration.

    Adyen: Mastercard 4808, 4870, 4871 skip pre-arbitration.
    https://docs.adyen.com/risk-management/chargeback-guidelines/mastercard-chargebacks.md
    """
    if case.status != CaseStatus.CHARGEBACK_REPRESENTED:
        return True
    return networks.skips_prearbitration(case.network, case.network_reason_code)


CONDITION_MESSAGES = {
    "before_chargeback_due_date": "The chargeback due date has passed.",
    "not_under_review": "The case is waiting for a supervisor's review.",
    "disputed_amount_positive": "The disputed amount must be greater than zero.",
    "transaction_succeeded": "The transaction did not succeed, so there is nothing to charge back.",
    "fraud_card_blocked_and_reported": (
        "A fraud case needs the card reported inactive (issuer_evidence.card.is_active = false) "
        "and the fraud reported (issuer_evidence.fraud.was_reported or submit_report = true)."
    ),
    "before_stage_deadline": "The response deadline for this stage has passed.",
    "arbitration_path_allowed": (
        "Only reason codes that skip pre-arbitration (Mastercard 4808, 4870, 4871) go to arbitration "
        "straight from a representment."
    ),
}

# Transition name -> (label, permission codename). Permission strings are "cases.<codename>".
TRANSITION_LABELS = {
    "file_chargeback": "File chargeback",
    "reject": "Reject",
    "expire": "Expire",
    "withdraw": "Withdraw",
    "credit_merchant": "Merchant credited",
    "record_representment": "Record representment",
    "record_prearb_received": "Record pre-arbitration received",
    "file_prearbitration": "File pre-arbitration",
    "record_prearb_rebuttal": "Record pre-arbitration rebuttal",
    "file_arbitration": "File arbitration",
    "accept": "Accept liability",
    "win": "Won",
    "lose": "Lost",
    "record_filing_rejected": "Record filing rejected by the network",
}
TRANSITIONS = tuple(TRANSITION_LABELS)

# Who may run what (SPEC section 3). Supervisors hold every analyst permission too.
ANALYST_TRANSITIONS = (
    "file_chargeback", "withdraw", "credit_merchant", "record_representment", "record_prearb_received",
    "file_prearbitration", "record_prearb_rebuttal", "win", "lose",
)
SUPERVISOR_TRANSITIONS = ANALYST_TRANSITIONS + ("reject", "file_arbitration", "accept")
SYSTEM_TRANSITIONS = ("expire", "accept", "reject", "credit_merchant")
# What a card network's answers run (SPEC 12), with the actor `network:<name>`.
NETWORK_TRANSITIONS = ("record_representment", "record_prearb_received", "record_prearb_rebuttal", "win", "lose",
                       "record_filing_rejected")
# `expire` is the deadline sweep's alone; `record_filing_rejected` the network gateway's alone: no
# person (not even a superuser) and no API key runs them.
SYSTEM_ONLY_TRANSITIONS = ("expire", "record_filing_rejected")
# What a person may ever run, from any door (back office, admin); their permissions narrow it further.
PERSON_TRANSITIONS = tuple(t for t in TRANSITIONS if t not in SYSTEM_ONLY_TRANSITIONS)
API_WRITE_TRANSITIONS = ("withdraw",)
API_MANAGE_TRANSITIONS = tuple(t for t in TRANSITIONS if t not in SYSTEM_ONLY_TRANSITIONS)

# Other case permissions (codename -> description).
CASE_PERMISSIONS = {
    "edit_case_deadlines": "Can edit the level and due dates of a case",
    "mark_case_reviewed": "Can clear a case's review status",
    "change_case_amount": "Can change a case's disputed (trusted) amount",
    "add_case_note": "Can add a note to a case",
    "manage_provisional_credit": "Can grant, reverse or make final a case's provisional credit",
    "take_case": "Can take an unassigned case to work on",
    "assign_case": "Can assign, reassign or unassign a case",
}


def permission_for(transition_name: str) -> str:
    return f"cases.{transition_name}"


def next_deadline(case):
    """The earliest deadline the issuer must act on: the network's in the current status (None
    while waiting) or the earliest open regulatory due date (SPEC section 13)."""
    dates = [getattr(case, "regulation_next_due", None)]
    if case.status == CaseStatus.CREATED:
        dates += [case.chargeback_due_date, case.internal_due_date]
    elif case.status in (CaseStatus.CHARGEBACK_REPRESENTED, CaseStatus.PREARB_RECEIVED, CaseStatus.PREARB_REBUTTED):
        dates.append(case.response_due_date)
    dates = [d for d in dates if d]
    return min(dates) if dates else None
