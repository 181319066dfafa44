"""The provisional credit ledger and the liability postings of a case (SPEC section 13).

Movements: `grant` (0 < amount <= disputed amount; once unless reversed), `reverse` (no error
found: the cardholder bears it; under Reg E effective 5 business days after its notice,
12 CFR 1005.11(d)(2)), `make_final` (the cardholder keeps it). Postings split the disputed amount
(Lithic's liability_allocation): `recovered` from the network on a win, `written_off` when the
issuer absorbs it, `denied` when the cardholder bears it; `remaining` is the rest, so the four
always sum to the disputed amount (and a check constraint keeps the three within it).
Each movement writes one `credit` event; a Reg E grant queues its notice letter.
"""

from django.db import transaction
from django.utils import timezone

from cases import approval_rules
from cases.actors import Actor
from cases.choices import (
    CaseStatus,
    EventKind,
    LetterKind,
    ProvisionalCreditStatus,
    Reason,
    RegulationRule,
)
from cases.exceptions import ApprovalRequired, CaseClosed, ProvisionalCreditRefused, ValidationFailed
from cases.models import Case
from cases.regulation import clocks
from cases.services.events import event_record, require_perm
from cases.services.letters import letter_queue
from cases.services.regulation import STORED_FIELDS, program_calendar, program_today, regulation_refresh
from cases.services.transitions import lock_case

PC = ProvisionalCreditStatus
RECOVERED_STATUSES = (CaseStatus.WON, CaseStatus.MERCHANT_CREDITED)
ACTIONS = ("grant", "reverse", "make_final")


def credit_state(case: Case) -> dict:
    return {
        "provisional_credit": {"amount": case.provisional_credit_amount, "status": case.provisional_credit_status},
        "liability": liability(case),
    }


def liability(case: Case) -> dict:
    return {"original": case.disputed_amount, "recovered": case.liability_recovered,
            "written_off": case.liability_written_off, "denied": case.liability_denied,
            "remaining": case.liability_remaining}


def _record(case: Case, actor: Actor, action: str, note: str, before: dict) -> Case:
    regulation_refresh(case)
    case.version += 1
    case.save()
    event_record(case=case, actor=actor, kind=EventKind.CREDIT, transition=action, note=note,
                 changes={"action": action, "before": before, "after": credit_state(case)})
    return case


def _refuse(case: Case, action: str, message: str):
    raise ProvisionalCreditRefused(message, action=action, provisional_credit_status=case.provisional_credit_status)


def check_amount(case: Case, amount) -> int:
    if amount is None:
        return case.disputed_amount
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed.single("amount", "invalid_amount",
                                      "The amount is a whole number of minor units greater than zero.")
    if amount > case.disputed_amount:
        raise ValidationFailed.single("amount", "amount_exceeds_disputed_amount",
                                      f"The provisional credit cannot exceed the disputed amount ({case.disputed_amount}).")
    return amount


def grant(case: Case, actor: Actor, amount: int | None = None, note: str = "") -> Case:
    """Credit the cardholder provisionally (the case is locked by the caller)."""
    if not case.is_active:
        raise CaseClosed("Provisional credit is granted on an open case.")
    if case.provisional_credit_status in (PC.GRANTED, PC.FINAL):
        _refuse(case, "grant", f"Provisional credit is already {case.provisional_credit_status} on this case.")
    amount = check_amount(case, amount)
    before = credit_state(case)
    if case.provisional_credit_status == PC.REVERSED:
        # A new grant revises the earlier decision: the reversed amount is no longer denied.
        case.liability_denied -= min(case.liability_denied, case.provisional_credit_amount)
    if amount > case.liability_remaining:
        _refuse(case, "grant", "The disputed amount is already allocated (recovered, written off or denied).")
    case.provisional_credit_amount = amount
    case.provisional_credit_status = PC.GRANTED
    case.provisional_credit_granted_at = timezone.now()
    case.provisional_credit_reversal_effective_on = None
    _record(case, actor, "grant", note, before)
    if case.regulation_rule == RegulationRule.REG_E:
        letter_queue(case, LetterKind.PROVISIONAL_CREDIT_NOTICE, case.provisional_credit_notice_due,
                     {"amount": amount, "granted_on": program_today(case.program).isoformat()})
    return case


def check_movement(case: Case, action: str) -> None:
    """The ledger's refusal of `reverse` or `make_final` now: only a granted credit moves."""
    if case.provisional_credit_status != PC.GRANTED:
        verb = "reversed" if action == "reverse" else "made final"
        _refuse(case, action, f"Only granted provisional credit can be {verb} (it is {case.provisional_credit_status}).")


def reverse(case: Case, actor: Actor, note: str = "") -> Case:
    """No error found: take the credit back; the cardholder bears it."""
    check_movement(case, "reverse")
    before = credit_state(case)
    today = program_today(case.program)
    effective = (clocks.reversal_effective_on(today, program_calendar(case.program))
                 if case.regulation_rule == RegulationRule.REG_E else today)
    case.provisional_credit_status = PC.REVERSED
    case.provisional_credit_reversal_effective_on = effective
    case.liability_denied += min(case.provisional_credit_amount, case.liability_remaining)
    first_completion = _complete(case)
    _record(case, actor, "reverse", note, before)
    context = {"amount": case.provisional_credit_amount, "effective_on": effective.isoformat()}
    if first_completion:
        letter_queue(case, LetterKind.RESULTS, _results_due(case), context)
    letter_queue(case, LetterKind.PROVISIONAL_CREDIT_REVERSAL, today, context)
    return case


def make_final(case: Case, actor: Actor, note: str = "") -> Case:
    """The cardholder keeps the credit; on a case already closed without recovery the issuer absorbs it."""
    check_movement(case, "make_final")
    before = credit_state(case)
    case.provisional_credit_status = PC.FINAL
    if not case.is_active:
        case.liability_written_off += min(case.provisional_credit_amount, case.liability_remaining)
    first_completion = _complete(case)
    _record(case, actor, "make_final", note, before)
    if first_completion:
        letter_queue(case, LetterKind.RESOLUTION, _results_due(case), {"amount": case.provisional_credit_amount})
    return case


def _complete(case: Case) -> bool:
    """Mark the investigation finished (the first decision); True when this call finished it."""
    if case.investigation_completed_at is not None:
        return False
    case.investigation_completed_at = timezone.now()
    return True


def _results_due(case: Case):
    return case.results_notice_due or case.resolution_due


_MOVEMENTS = {"grant": grant, "reverse": reverse, "make_final": make_final}


@transaction.atomic
def case_provisional_credit(*, case: Case, actor: Actor, action: str, amount: int | None = None, note: str = "",
                            expected_version: int | None = None, approval=None) -> Case:
    """Run one ledger movement under the case row lock (API, back office).

    A movement the program holds to maker-checker (SPEC section 14: `credit_reverse`,
    `credit_make_final`) raises ApprovalRequired unless it runs for `approval`, the approved request."""
    require_perm(actor, "cases.manage_provisional_credit", "You may not change provisional credit.")
    if action not in _MOVEMENTS:
        raise ValidationFailed.single("action", "invalid_choice", f"Must be one of: {', '.join(ACTIONS)}.")
    if action != "grant" and amount is not None:
        raise ValidationFailed.single("amount", "not_allowed", f"{action} takes no amount: it moves the whole credit.")
    case = lock_case(case, expected_version)
    gated = approval_rules.action_for_credit(action)
    if gated and not approval_rules.approved(case, gated, actor, approval):
        check_movement(case, action)  # the ledger's own refusal comes first
        raise ApprovalRequired(action=gated)
    if action == "grant":
        return grant(case, actor, amount, note)
    return _MOVEMENTS[action](case, actor, note)


def auto_grant_applies(case: Case) -> bool:
    """Program rule: credit at once below a threshold, fraud and other reasons apart (Quavo)."""
    program = case.program
    threshold = program.auto_grant_fraud_below if case.reason == Reason.FRAUD else program.auto_grant_other_below
    return bool(case.regulation_rule) and threshold is not None and case.disputed_amount < threshold


OUTCOME_FIELDS = ("liability_recovered", "liability_written_off", "liability_denied", "provisional_credit_status",
                  "investigation_completed_at", *STORED_FIELDS)


def settle_outcome(case: Case) -> tuple[dict, tuple | None]:
    """A case is closing (its transition ran in memory): post who bears the disputed amount.

    Won or credited by the merchant: the rest is recovered and a granted credit becomes final.
    Otherwise a final credit is written off, the part never credited is denied, and a credit still
    undecided stays in `remaining` until it is reversed or made final. Returns the changes for the
    transition's event and the letter the closing owes (kind, due, context), if any; the caller
    saves the case with its transition and queues the letter.
    """
    before = credit_state(case)
    if case.status in RECOVERED_STATUSES:
        case.liability_recovered += case.liability_remaining
        if case.provisional_credit_status == PC.GRANTED:
            case.provisional_credit_status = PC.FINAL
        kind = LetterKind.RESOLUTION
    else:
        if case.provisional_credit_status == PC.FINAL:
            case.liability_written_off += min(case.provisional_credit_amount, case.liability_remaining)
        undecided = case.provisional_credit_amount if case.provisional_credit_status == PC.GRANTED else 0
        case.liability_denied += max(case.liability_remaining - undecided, 0)
        kind = LetterKind.RESULTS
    first_completion = case.provisional_credit_status != PC.GRANTED and _complete(case)
    regulation_refresh(case)
    after = credit_state(case)
    changes = {"liability": after["liability"]} if after != before else {}
    if after["provisional_credit"] != before["provisional_credit"]:
        changes["provisional_credit"] = after["provisional_credit"]
    letter = None
    if first_completion and case.regulation_rule:
        letter = (kind, _results_due(case), {"amount": case.disputed_amount, "status": case.status})
    return changes, letter


def provisional_credit_auto_final(now=None) -> int:
    """Program rule (Marqeta's): at the Reg E investigation due date, an unfinished case's granted
    credit becomes final; the issuer bears it (REFERENCE section 6). Returns how many moved."""
    from cases.models import Program

    system, moved = Actor.for_system(), 0
    for program in Program.objects.all():
        today = program_today(program, now)
        due = Case.objects.filter(program=program, regulation_rule=RegulationRule.REG_E,
                                  provisional_credit_status=PC.GRANTED, investigation_completed_at__isnull=True,
                                  investigation_due__lte=today).values_list("pk", flat=True)
        for pk in list(due):
            with transaction.atomic():
                case = lock_case(Case(pk=pk))
                if case.provisional_credit_status == PC.GRANTED and case.investigation_completed_at is None:
                    make_final(case, system, note="Made final automatically at the investigation due date.")
                    moved += 1
    return moved
