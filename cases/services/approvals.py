"""Maker-checker (SPEC section 14): a request for an action that needs a second person, and the
decision of a different supervisor. The rules are in `cases/approval_rules.py`.

A request is recorded under the case row lock, after the action's own checks (permission, status,
conditions), so a request that could never run is refused at once. Approving locks the request row
(`SELECT ... FOR UPDATE`): when two supervisors press approve together, the second waits, then
finds the request decided; the action runs once, through its own service, in the same transaction
as the decision. When the action is refused by then (the case moved on, a deadline passed), the
approval rolls back with it and the request stays pending, to be declined. Declining leaves the
case as it was. Request, approval and decline are each an `approval` event on the case.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from cases import approval_rules
from cases.actors import Actor
from cases.choices import ApprovalStatus, EventKind
from cases.exceptions import (
    ApprovalDecided,
    ApprovalNotRequired,
    ApprovalPending,
    ApprovalRequestNotFound,
    ApprovalRequired,
    PermissionDenied,
    ValidationFailed,
)
from cases.limits import MAX_NOTE
from cases.models import ApprovalRequest, Case, CaseEvent
from cases.services import provisional_credit
from cases.services.events import event_record, require_perm
from cases.services.transitions import case_transition, check_transition, lock_case
from cases.services.validation import check_note_text

DECIDE_PERMISSION = "cases.decide_approval"


def _reason(text: str) -> str:
    return check_note_text(text, "reason", "Say why: the approver reads it before deciding.", noun="A reason")


def _check_action(case: Case, action: str, actor: Actor) -> None:
    """The refusals the action itself would give now (permission, status, conditions, ledger)."""
    movement = approval_rules.CREDIT_ACTIONS.get(action)
    if movement:
        require_perm(actor, "cases.manage_provisional_credit", "You may not change provisional credit.")
        provisional_credit.check_movement(case, movement)
    else:
        check_transition(case, action, actor)


def _event(case: Case, actor: Actor, request: ApprovalRequest, note: str = "") -> CaseEvent:
    return event_record(case=case, actor=actor, kind=EventKind.APPROVAL, transition=request.action, note=note,
                        changes={"approval_request": request.pk, "action": request.action, "status": request.status,
                                 "requested_by": request.requested_by})


def request_on_locked_case(case: Case, action: str, actor: Actor, reason: str) -> ApprovalRequest:
    """Record a pending request on a case the caller has locked."""
    if action not in approval_rules.ACTIONS:
        raise ValidationFailed.single("action", "invalid_choice", f"Must be one of: {', '.join(approval_rules.ACTIONS)}.")
    if actor.user is None and actor.api_key is None:
        raise PermissionDenied("Only a person or an API key asks for approval.")
    _check_action(case, action, actor)
    if not approval_rules.needs_approval(case, action, actor):
        raise ApprovalNotRequired(f"{approval_rules.label(action)} needs no approval on this program: run it.")
    reason = _reason(reason)
    pending = ApprovalRequest.objects.filter(case=case, action=action, status=ApprovalStatus.PENDING).first()
    if pending is not None:
        raise ApprovalPending(action=action, request_id=pending.pk)
    try:
        with transaction.atomic():
            request = ApprovalRequest.objects.create(
                case=case, action=action, reason=reason, requested_by=actor.label,
                requested_by_user=actor.user, requested_by_api_key=actor.api_key)
    except IntegrityError:  # the partial unique index: another request won (the case lock makes it rare)
        pending = ApprovalRequest.objects.get(case=case, action=action, status=ApprovalStatus.PENDING)
        raise ApprovalPending(action=action, request_id=pending.pk) from None
    _event(case, actor, request, note=reason)
    return request


@transaction.atomic
def approval_request(*, case: Case, action: str, actor: Actor, reason: str,
                     expected_version: int | None = None) -> ApprovalRequest:
    """Ask a second person to approve `action` on the case; returns the pending request."""
    return request_on_locked_case(lock_case(case, expected_version), action, actor, reason)


@transaction.atomic
def case_transition_or_request(*, case: Case, transition: str, actor: Actor, note: str = "",
                               expected_version: int | None = None) -> CaseEvent | ApprovalRequest:
    """Run the transition, or, when the program holds it to maker-checker, record the request for it
    with the note as its reason: the transition event, or the pending ApprovalRequest."""
    locked = lock_case(case, expected_version)
    try:
        return case_transition(case=locked, transition=transition, actor=actor, note=note)
    except ApprovalRequired:
        return request_on_locked_case(locked, transition, actor, note)


@transaction.atomic
def case_provisional_credit_or_request(*, case: Case, actor: Actor, action: str, amount: int | None = None,
                                       note: str = "", expected_version: int | None = None) -> Case | ApprovalRequest:
    """Run the ledger movement, or record the request for it: the case, or the pending ApprovalRequest."""
    locked = lock_case(case, expected_version)
    try:
        return provisional_credit.case_provisional_credit(case=locked, actor=actor, action=action, amount=amount,
                                                          note=note)
    except ApprovalRequired as exc:
        return request_on_locked_case(locked, exc.action, actor, note)


def _lock_pending(request: ApprovalRequest, actor: Actor) -> ApprovalRequest:
    require_perm(actor, DECIDE_PERMISSION, "Only a supervisor may approve or decline a request.")
    if actor.user is None:
        raise PermissionDenied("A person approves or declines a request.")
    try:
        locked = ApprovalRequest.objects.select_for_update(of=("self",)).select_related("case").get(pk=request.pk)
    except ApprovalRequest.DoesNotExist:
        raise ApprovalRequestNotFound() from None
    if not locked.is_pending:
        raise ApprovalDecided(f"This request was already {locked.status} by {locked.decided_by}.")
    if locked.requested_by_user_id is not None and locked.requested_by_user_id == actor.user.pk:
        raise PermissionDenied("A different supervisor decides: you cannot approve or decline your own request.")
    return locked


def _decide(request: ApprovalRequest, actor: Actor, status: str, note: str) -> None:
    request.status = status
    request.decided_by = actor.label
    request.decided_by_user = actor.user
    request.decided_at = timezone.now()
    request.decision_note = note
    request.save(update_fields=["status", "decided_by", "decided_by_user", "decided_at", "decision_note"])


@transaction.atomic
def approval_approve(*, request: ApprovalRequest, actor: Actor, note: str = "") -> ApprovalRequest:
    """A different supervisor approves: the action runs now, as theirs, through its own service, with
    the requester's reason as its note. Returns the approved request."""
    locked = _lock_pending(request, actor)
    note = (note or "").strip()[:MAX_NOTE]
    movement = approval_rules.CREDIT_ACTIONS.get(locked.action)
    if movement:
        case = provisional_credit.case_provisional_credit(case=locked.case, actor=actor, action=movement,
                                                          note=locked.reason, approval=locked)
    else:
        case = case_transition(case=locked.case, transition=locked.action, actor=actor, note=locked.reason,
                               approval=locked).case
    _decide(locked, actor, ApprovalStatus.APPROVED, note)
    _event(case, actor, locked, note=note)
    return locked


@transaction.atomic
def approval_decline(*, request: ApprovalRequest, actor: Actor, note: str = "") -> ApprovalRequest:
    """A different supervisor declines: the case stays as it was. Returns the declined request."""
    locked = _lock_pending(request, actor)
    note = (note or "").strip()[:MAX_NOTE]
    _decide(locked, actor, ApprovalStatus.DECLINED, note)
    _event(lock_case(locked.case), actor, locked, note=note)
    return locked
