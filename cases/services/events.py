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


def event_record_many(*, case_ids, actor: Actor, kind: str, changes, note: str = "") -> list[CaseEvent]:
    """Append one audit event per case in set-based INSERTs (a claim move, a merchant correction);
    `changes` is one dict for all, or a function of the case id. Same transaction rule as event_record."""
    changes_for = changes if callable(changes) else (lambda _: changes)
    events = CaseEvent.objects.bulk_create([
        CaseEvent(case_id=case_id, kind=kind, changes=changes_for(case_id), note=note, actor=actor.label,
                  actor_user=actor.user, actor_api_key=actor.api_key, request_id=actor.request_id)
        for case_id in case_ids
    ], batch_size=1000)
    events_recorded_for(events)
    return events


def events_recorded_for(events: list[CaseEvent]) -> None:
    """The webhook side of events written in bulk, the cases read as they are now (after the change).
    Skipped without a query for the cases when no endpoint is enabled anywhere."""
    from cases.choices import WebhookEndpointStatus
    from cases.models import WebhookEndpoint

    if not events or not WebhookEndpoint.objects.filter(status=WebhookEndpointStatus.ENABLED).exists():
        return
    cases = Case.objects.only("number", "case_id", "program_id", "status", "version").in_bulk(
        {event.case_id for event in events})
    deliveries_for_events([(event, cases[event.case_id]) for event in events])


def require_perm(actor: Actor, perm: str, message: str = "You may not do this.") -> None:
    from cases.exceptions import PermissionDenied

    if not actor.has_perm(perm):
        raise PermissionDenied(message)
