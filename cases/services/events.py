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


def require_perm(actor: Actor, perm: str, message: str = "You may not do this.") -> None:
    from cases.exceptions import PermissionDenied

    if not actor.has_perm(perm):
        raise PermissionDenied(message)
