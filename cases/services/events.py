from cases.actors import Actor
from cases.models import Case, CaseEvent


def event_record(*, case: Case, actor: Actor, kind: str, transition: str = "", from_status: str = "",
                 to_status: str = "", changes: dict | None = None, note: str = "") -> CaseEvent:
    """Append one audit event. Callers run inside the transaction of the change it records."""
    return CaseEvent.objects.create(
        case=case, kind=kind, transition=transition, from_status=from_status, to_status=to_status,
        changes=changes or {}, note=note, actor=actor.label,
        actor_user=actor.user, actor_api_key=actor.api_key, request_id=actor.request_id,
    )


def event_record_many(*, case_ids, actor: Actor, kind: str, changes, note: str = "") -> list[CaseEvent]:
    """Append one audit event per case in set-based INSERTs (a claim move, a merchant correction);
    `changes` is one dict for all, or a function of the case id. Same transaction rule as event_record."""
    changes_for = changes if callable(changes) else (lambda _: changes)
    return CaseEvent.objects.bulk_create([
        CaseEvent(case_id=case_id, kind=kind, changes=changes_for(case_id), note=note, actor=actor.label,
                  actor_user=actor.user, actor_api_key=actor.api_key, request_id=actor.request_id)
        for case_id in case_ids
    ], batch_size=1000)


def require_perm(actor: Actor, perm: str, message: str = "You may not do this.") -> None:
    from cases.exceptions import PermissionDenied

    if not actor.has_perm(perm):
        raise PermissionDenied(message)
