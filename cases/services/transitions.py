"""Running lifecycle transitions: lock, re-check, transition, deadlines, audit event."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone

from cases import approval_rules, lifecycle, networks
from cases.actors import Actor
from cases.choices import RESPONSE_STATUSES, EventKind
from cases.exceptions import (
    ApprovalRequired,
    CaseNotFound,
    PermissionDenied,
    PreconditionFailed,
    TransitionConditionFailed,
    TransitionNotAllowed,
)
from cases.models import Case, CaseEvent
from cases.services.events import event_record, events_recorded
from cases.services.network_submissions import submission_for_transition, submissions_for_transition
from cases.services.rows import update_rows

BATCH = 500  # rows per statement when moving many cases


def _meta(name: str):
    if name not in lifecycle.TRANSITIONS:
        return None
    return getattr(Case, name)._django_fsm


def allowed_transitions(case: Case) -> list[str]:
    """Transitions whose source includes the case's current status (conditions and permissions aside)."""
    return [name for name in lifecycle.TRANSITIONS if _meta(name).has_transition(case.status)]


def failed_conditions(case: Case, name: str, actor: Actor | None = None) -> dict[str, str]:
    meta = _meta(name)
    spec = meta.get_transition(case.status) if meta else None
    if spec is None:
        return {}
    case._transition_actor = actor
    try:
        return {c.__name__: lifecycle.CONDITION_MESSAGES.get(c.__name__, c.__name__)
                for c in spec.conditions if not c(case)}
    finally:
        case._transition_actor = None


def case_may_run(*, actor: Actor, transition: str) -> bool:
    """Whether the actor may ever run this transition (its permission; `expire` is the system's alone),
    whatever the case's status and conditions."""
    return actor.has_perm(lifecycle.permission_for(transition))


def check_transition(case: Case, name: str, actor: Actor) -> None:
    """The refusals of running `name` on the case now: unknown, not permitted, not from this status,
    a condition unmet. Raises domain errors."""
    meta = _meta(name)
    if meta is None:
        raise TransitionNotAllowed(transition=name, current_status=case.status, allowed=allowed_transitions(case))
    if not case_may_run(actor=actor, transition=name):
        raise PermissionDenied(f"You may not {lifecycle.TRANSITION_LABELS[name].lower()} a case.")
    if not meta.has_transition(case.status):
        raise TransitionNotAllowed(transition=name, current_status=case.status, allowed=allowed_transitions(case))
    failed = failed_conditions(case, name, actor)
    if failed:
        raise TransitionConditionFailed(transition=name, failed=failed)


def run_transition(case: Case, name: str, actor: Actor, note: str = "") -> CaseEvent:
    """Apply a transition to a case the caller has locked; returns the `transition` event it wrote
    (its `case` is the moved case). Raises domain errors."""
    before, fields, changes, letter = _apply(case, name, actor)
    case.save(update_fields=fields)
    event = event_record(case=case, actor=actor, kind=EventKind.TRANSITION, transition=name, from_status=before,
                         to_status=case.status, note=note, changes=changes)
    _owed(case, name, actor, note, letter)
    return event


def _apply(case: Case, name: str, actor: Actor) -> tuple[str, list[str], dict, tuple | None]:
    """Move the locked case in memory: (the status it left, the fields to save, the event's
    changes, the letter the move owes the cardholder or None)."""
    check_transition(case, name, actor)
    before = case.status
    case._transition_actor = actor
    try:
        getattr(case, name)()
    finally:
        case._transition_actor = None
    if case.status in RESPONSE_STATUSES:
        case.response_due_date = networks.response_due_date(case.network, case.status, lifecycle.today())
    else:
        case.response_due_date = None
    case.next_deadline = lifecycle.next_deadline(case)
    fields = ["status", "response_due_date", "next_deadline", "version", "updated"]
    changes = {"response_due_date": case.response_due_date.isoformat() if case.response_due_date else None}
    letter = None
    if not case.is_active:
        # Closing settles the liability and may finish the regulatory investigation (SPEC 13).
        from cases.services import provisional_credit  # the ledger builds on transitions

        outcome, letter = provisional_credit.settle_outcome(case)
        changes.update(outcome)
        fields = sorted(set(fields) | set(provisional_credit.OUTCOME_FIELDS))
    case.version += 1
    return before, fields, changes, letter


def _owed(case: Case, name: str, actor: Actor, note: str, letter: tuple | None) -> None:
    """What the moved case owes the outside, written beside its event: the card network's submission
    (whatever the door, SPEC 12) and the cardholder's letter."""
    submission_for_transition(case, name, actor, note)
    if letter:
        from cases.services.letters import letter_queue

        letter_queue(case, *letter)


def lock_case(case: Case, expected_version: int | None = None) -> Case:
    """Re-read the case holding its row lock; callers are inside transaction.atomic."""
    try:
        locked = (Case.objects.select_for_update(of=("self",))
                  .select_related("transaction", "program").get(pk=case.pk))
    except Case.DoesNotExist:
        raise CaseNotFound() from None
    if expected_version is not None and locked.version != expected_version:
        raise PreconditionFailed("The case changed since you read it; reload it and try again.")
    return locked


@transaction.atomic
def case_transition(*, case: Case, transition: str, actor: Actor, note: str = "",
                    expected_version: int | None = None, approval=None) -> CaseEvent:
    """Run one lifecycle transition under the case row lock (SPEC section 9: transitions are serialized).
    Returns the `transition` event; `event.case` is the case as it now stands.

    A transition the program holds to maker-checker (SPEC section 14) raises ApprovalRequired unless
    it runs for `approval`, the approved request (cases.services.approvals, which locked it)."""
    locked = lock_case(case, expected_version)
    if not approval_rules.approved(locked, transition, actor, approval):
        check_transition(locked, transition, actor)  # the action's own refusals come first
        raise ApprovalRequired(action=transition)
    return run_transition(locked, transition, actor, note=note)


@transaction.atomic
def cases_transition_many(*, cases: list[Case], transition: str, actor: Actor,
                          notes: list[str] | None = None) -> list[CaseEvent]:
    """Run one lifecycle transition on many cases, each exactly as `case_transition` runs it (same
    checks, same row, same event, network submission and letter), under the cases' row locks and
    written set-based: one UPDATE statement per set of changed fields and one INSERT of the events. All or
    nothing: the first refusal raises (ApprovalRequired where the program holds the transition to
    maker-checker). Returns the events in `cases` order; `event.case` is the moved case."""
    notes = notes if notes is not None else [""] * len(cases)
    locked = (Case.objects.select_for_update(of=("self",))
              .select_related("transaction", "transaction__cardholder", "program").in_bulk([case.pk for case in cases]))
    moved = []
    for given, note in zip(cases, notes, strict=True):
        case = locked.get(given.pk)
        if case is None:
            raise CaseNotFound()
        if not approval_rules.approved(case, transition, actor, None):
            check_transition(case, transition, actor)
            raise ApprovalRequired(action=transition)
        moved.append((case, note, *_apply(case, transition, actor)))
    now, by_fields = timezone.now(), defaultdict(list)
    for case, _, _, fields, _, _ in moved:
        case.updated = now
        by_fields[tuple(fields)].append(case)
    for fields, group in by_fields.items():
        update_rows(Case, group, fields)
    events = CaseEvent.objects.bulk_create([
        CaseEvent(case=case, kind=EventKind.TRANSITION, transition=transition, from_status=before,
                  to_status=case.status, changes=changes, note=note, actor=actor.label, actor_user=actor.user,
                  actor_api_key=actor.api_key, request_id=actor.request_id)
        for case, note, before, _, changes, _ in moved], batch_size=BATCH)
    events_recorded([(event, event.case) for event in events])
    # What the moved cases owe the outside: their network submissions set-based, their letters.
    submissions_for_transition([(case, note) for case, note, *_ in moved], transition, actor)
    for case, _, _, _, _, letter in moved:
        if letter:
            from cases.services.letters import letter_queue

            letter_queue(case, *letter)
    return events


def case_available_transitions(*, case: Case, actor: Actor) -> list[dict]:
    """The transitions the actor may run from the current status, each with its unmet conditions."""
    result = []
    for name in allowed_transitions(case):
        if not case_may_run(actor=actor, transition=name):
            continue
        failed = failed_conditions(case, name, actor)
        result.append({"transition": name, "label": lifecycle.TRANSITION_LABELS[name],
                       "available": not failed, "unmet_conditions": [
                           {"condition": k, "message": v} for k, v in failed.items()]})
    return result
