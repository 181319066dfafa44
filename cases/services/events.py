from cases.actors import Actor
from cases.models import Case, CaseEvent
from cases.services.webhook_outbox import deliveries_for_events


def event_record(*, case: Case, actor: Actor, kind: str, transition: str = "", from_status: str = "",
                 to_status: str = "", changes: dict | None = None, note: str = "") -> CaseEvent:
    """Append one audit event, and its webhook deliveries (the outbox, SPEC section 10). Callers
    run inside the transaction of the change it records, with `case` as it is after the change."""
    event = CaseEvent.objects.create(
        case=case, kind=kind, transition=transition, from_status=from_status, to_status=to_status,
        changes=changes or {}, note=note, actor=actor.label,
        actor_user=actor.user, actor_api_key=actor.api_key, request_id=actor.request_id,
    )
    deliveries_for_events([(event, case)])
    return event


def events_recorded(pairs) -> None:
    """The webhook side of audit events written in bulk: `pairs` of (CaseEvent, Case after the change)."""
    deliveries_for_events(pairs)


def require_perm(actor: Actor, perm: str, message: str = "You may not do this.") -> None:
    from cases.exceptions import PermissionDenied

    if not actor.has_perm(perm):
        raise PermissionDenied(message)
