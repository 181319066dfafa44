"""Who works a case (SPEC section 14): take next, take this case, assign, reassign, unassign.

Every change is one `assignment` audit event (sent as `case.updated` to webhook endpoints) whose
changes are `{"assignee": {"before": username | None, "after": username | None}}`.

"Take next" hands the open, unassigned case with the earliest `next_deadline` that the person may
see to exactly one person, however many press at once:

- PostgreSQL reads the first candidate with `SELECT ... FOR UPDATE SKIP LOCKED` (a candidate that
  another transaction is taking is passed over, not waited for) from the partial index
  `case_take_next_idx`, which holds the open, unassigned cases and nothing else. The read, the
  claim and the audit event are one statement (`_TAKE_SQL`): twenty people pressing at once on two
  cores queue for the CPU, so each press costs as little of it as it can (docs/performance.md).
- Whatever the database, the claim itself is a conditional `UPDATE ... WHERE assignee IS NULL`:
  when it changes no row (SQLite has no row locks; its transactions are IMMEDIATE, so it
  serializes them anyway) the attempt is repeated with the next candidate.
"""

import json

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.actors import Actor
from cases.choices import ACTIVE_STATUSES, EventKind, WebhookEndpointStatus
from cases.exceptions import CaseClosed, PermissionDenied, ValidationFailed
from cases.models import Case, CaseEvent, WebhookEndpoint
from cases.services.events import event_record, events_recorded, require_perm
from cases.services.prepared import prepared_cursor
from cases.services.transitions import lock_case

ACTIVE = [s.value for s in ACTIVE_STATUSES]
TAKE_ATTEMPTS = 10
ASSIGNEE_ROLES = ("analyst", "supervisor")


def take_next_order():
    """The order "Take next" hands cases out in: earliest next deadline first (none last), then the
    oldest case number. The queue's default sort is the same."""
    return (F("next_deadline").asc(nulls_last=True), "number")


def _changes(before, after) -> dict:
    return {"assignee": {"before": before.get_username() if before else None,
                         "after": after.get_username() if after else None}}


def _person(actor: Actor):
    if actor.user is None:
        raise PermissionDenied("Only a signed-in person takes cases.")
    return actor.user


def take_candidates(actor: Actor):
    """The open, unassigned cases the actor may see, in the order they are handed out."""
    qs = Case.objects.filter(status__in=ACTIVE, assignee__isnull=True)
    if actor.api_key is not None:
        qs = qs.filter(program_id=actor.api_key.program_id)
    return qs.order_by(*take_next_order())


def case_take_next(*, actor: Actor) -> CaseEvent | None:
    """Assign the next case to the acting person; returns its `assignment` event (`event.case` is the
    case), or None when no open case is left unassigned. On PostgreSQL `event.case` holds its
    number, case id, program id, status, version and assignee; any other field is read from the
    database when first used (one query each): a caller that needs more reads the case again."""
    require_perm(actor, "cases.take_case", "You may not take cases.")
    user = _person(actor)
    for _ in range(TAKE_ATTEMPTS):
        taken = _take_one(actor, user)
        if taken is not False:
            return taken
    return None  # every attempt lost its candidate to another person: nothing is free right now


def _take_one(actor: Actor, user) -> CaseEvent | None | bool:
    """One attempt: None when there is no candidate, False when another person claimed it first."""
    if connection.vendor == "postgresql":
        return _take_one_postgresql(actor, user)
    return _take_one_orm(actor, user)


# On PostgreSQL a press is one statement between BEGIN and COMMIT: it picks the first candidate in
# `take_candidates` order (a person's: every program) from case_take_next_idx, with the status list
# written out as in the index's predicate so that the planner matches it; claims it; and appends the
# `assignment` event. `FOR UPDATE` checks the candidate's conditions again on its latest version before
# it locks it, so the claim only checks the assignee again (a status condition there would let the
# planner fetch the row through case_take_next_idx instead of the primary key).
# It also answers whether the case's program has an enabled webhook endpoint: only then are the
# endpoints read (webhook_outbox), so a program without webhooks costs no further round trip. The
# statement is prepared (cases/services/prepared.py): parsing and planning it against the 21
# indexes of the cases table cost as much server CPU as running it.
_ACTIVE_SQL = ", ".join(f"'{status}'" for status in ACTIVE)  # CaseStatus values: letters and underscores
_TAKE_SQL = """
WITH picked AS (
    SELECT number FROM {case} WHERE status IN ({active}) AND assignee_id IS NULL
    ORDER BY next_deadline ASC NULLS LAST, number ASC LIMIT 1 FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE {case} SET assignee_id = %(user)s, version = version + 1, updated = %(now)s::timestamptz
    WHERE number = (SELECT number FROM picked) AND assignee_id IS NULL
    RETURNING number, case_id, program_id, status, version
), recorded AS (
    INSERT INTO {event} (case_id, kind, transition, from_status, to_status, changes, note, actor,
                         actor_user_id, actor_api_key_id, request_id, created)
    SELECT number, %(kind)s, '', '', '', %(changes)s::jsonb, '', %(actor)s, %(user)s, NULL, %(request_id)s,
           %(now)s::timestamptz
    FROM claimed
    RETURNING id
)
SELECT recorded.id, picked.number, claimed.case_id, claimed.program_id, claimed.status, claimed.version,
       EXISTS (SELECT 1 FROM {endpoint} WHERE program_id = claimed.program_id AND status = %(enabled)s)
FROM picked LEFT JOIN claimed ON true LEFT JOIN recorded ON true
"""
_TAKE = _TAKE_SQL.format(case=Case._meta.db_table, event=CaseEvent._meta.db_table,
                         endpoint=WebhookEndpoint._meta.db_table, active=_ACTIVE_SQL)
# Column order of the models (Model.from_db reads values in that order).
_CASE_FIELDS = ("number", "case_id", "program_id", "status", "version")
_EVENT_FIELDS = ("id", "case_id", "kind", "transition", "from_status", "to_status", "changes", "note", "actor",
                 "actor_user_id", "actor_api_key_id", "request_id", "created")


@transaction.atomic
def _take_one_postgresql(actor: Actor, user) -> CaseEvent | None | bool:
    now = timezone.now()
    changes = _changes(None, user)
    with prepared_cursor() as cursor:
        cursor.execute(_TAKE, {"user": user.pk, "now": now, "kind": EventKind.ASSIGNMENT.value,
                               "changes": json.dumps(changes), "actor": actor.label, "request_id": actor.request_id,
                               "enabled": WebhookEndpointStatus.ENABLED.value})
        row = cursor.fetchone()
    if row is None:
        return None
    event_id, *case_values, has_endpoints = row
    if event_id is None:
        return False
    # The case as the press left it; its other fields load when first read (a deferred model).
    case = Case.from_db(connection.alias, _CASE_FIELDS, case_values)
    case.assignee, case.updated = user, now
    event = CaseEvent.from_db(connection.alias, _EVENT_FIELDS, [
        event_id, case.pk, EventKind.ASSIGNMENT.value, "", "", "", changes, "", actor.label, user.pk, None,
        actor.request_id, now])
    event.case, event.actor_user = case, user
    if has_endpoints:
        events_recorded([(event, case)])
    return event


@transaction.atomic
def _take_one_orm(actor: Actor, user) -> CaseEvent | None | bool:
    case = take_candidates(actor).select_for_update(skip_locked=True, of=("self",)).first()
    if case is None:
        return None
    now = timezone.now()
    claimed = Case.objects.filter(number=case.number, status__in=ACTIVE, assignee__isnull=True).update(
        assignee=user, version=F("version") + 1, updated=now)
    if not claimed:
        return False
    # The write lock is held (SQLite IMMEDIATE; or the row is locked): what was read is current.
    case.assignee, case.version, case.updated = user, case.version + 1, now
    return event_record(case=case, actor=actor, kind=EventKind.ASSIGNMENT, changes=_changes(None, user))


def assignable_users():
    """The people a case may be assigned to: active members of the analyst or supervisor group."""
    return (get_user_model().objects.filter(is_active=True, groups__name__in=ASSIGNEE_ROLES)
            .distinct().order_by("username"))


def _check_assignee(assignee):
    if assignee is None:
        return None
    if not assignable_users().filter(pk=assignee.pk).exists():
        raise ValidationFailed.single("assignee", "not_assignable",
                                      f"{assignee.get_username()} is not an active analyst or supervisor.")
    return assignee


@transaction.atomic
def case_take(*, case: Case, actor: Actor) -> CaseEvent | None:
    """The acting person takes this case (the case page's button). Only an unassigned case may be
    taken; a case someone else holds is reassigned by a supervisor. Returns the event, or None when
    the person already holds it."""
    require_perm(actor, "cases.take_case", "You may not take cases.")
    user = _person(actor)
    case = lock_case(case)
    if case.assignee_id == user.pk:
        return None
    if not case.is_active:
        raise CaseClosed("A closed case is not assigned.")
    if case.assignee_id is not None:
        raise ValidationFailed.single("assignee", "already_assigned",
                                      f"{case.assignee.get_username()} already works this case; "
                                      "a supervisor may reassign it.")
    return _save(case, actor, user)


@transaction.atomic
def case_assign(*, case: Case, actor: Actor, assignee=None) -> CaseEvent | None:
    """Assign, reassign (`assignee` a user) or unassign (`assignee` None) a case: supervisors.
    Returns the `assignment` event, or None when the case already has that assignee."""
    require_perm(actor, "cases.assign_case", "Only a supervisor may assign cases.")
    assignee = _check_assignee(assignee)
    case = lock_case(case)
    if case.assignee_id == (assignee.pk if assignee else None):
        return None
    if not case.is_active and assignee is not None:
        raise CaseClosed("A closed case is not assigned.")
    return _save(case, actor, assignee)


def _save(case: Case, actor: Actor, assignee) -> CaseEvent:
    """Save the locked case's new assignee and append the event of the change."""
    changes = _changes(case.assignee, assignee)
    case.assignee = assignee
    case.version += 1
    case.save(update_fields=["assignee", "version", "updated"])
    return event_record(case=case, actor=actor, kind=EventKind.ASSIGNMENT, changes=changes)

