"""Webhook bodies (SPEC section 11): ids and state only, never cardholder data.

Standard: `{"id": "evt_...", "type", "created", "data": {"case_id", "program_id", "status",
"previous_status" (status changes), "version", ...}}`. Decisionly (REFERENCE section 2):
`{"event_id": "event_...", "created", "type" (Decisionly's name), "data": {"case_id"}}`.
The event id is derived from what caused the event (an audit event, a reminder), so it is the
same for every endpoint, every attempt and every re-run of the writer.
"""

import uuid
from datetime import datetime

from cases.choices import WebhookFormat
from cases.webhooks import catalog

_NAMESPACE = uuid.UUID("6f1d3c52-5b7e-4a51-9d0e-6a1f4b2c9e11")


def event_id(key: str, fmt: str) -> str:
    digest = uuid.uuid5(_NAMESPACE, key).hex
    return ("event_" if fmt == WebhookFormat.DECISIONLY else "evt_") + digest


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build(fmt: str, *, key: str, event_type: str, created: datetime, data: dict,
          changes: dict | None = None) -> tuple[str, str, dict] | None:
    """(event id, type on the wire, body) for an endpoint of format `fmt`, or None if not sent."""
    if fmt == WebhookFormat.DECISIONLY:
        wire_type = catalog.decisionly_type(event_type, data, changes)
        if wire_type is None:
            return None
        eid = event_id(key, fmt)
        return eid, wire_type, {"event_id": eid, "created": iso(created), "type": wire_type,
                                "data": {"case_id": data["case_id"]}}
    eid = event_id(key, fmt)
    return eid, event_type, {"id": eid, "type": event_type, "created": iso(created), "data": data}
