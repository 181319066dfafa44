"""How the back office words and formats domain values: labels, sizes, times, an event's changes.

Plain functions returning plain strings (the templates escape them). The case page formats each of
its rows here once, in Python, instead of through template filters per row (cases.backoffice.views.case_page).
"""

from datetime import datetime

from django.utils import timezone

from cases import lifecycle, money
from cases.choices import CaseStatus, EvidenceCategory, Reason, Source

_STATUS_LABELS = dict(CaseStatus.choices)
_CHOICE_LABELS = {**dict(Reason.choices), **dict(Source.choices), **dict(EvidenceCategory.choices)}


def amount(value, currency) -> str:
    if value is None or not currency:
        return ""
    return money.format_amount(value, currency)


def status_label(status) -> str:
    return _STATUS_LABELS.get(status, status)


def choice_label(value) -> str:
    return _CHOICE_LABELS.get(value, str(value).replace("_", " ").capitalize())


def transition_label(name) -> str:
    return lifecycle.TRANSITION_LABELS.get(name, name)


def humanize_key(key) -> str:
    return str(key).replace("_", " ").strip().capitalize() or "—"


def filesize(size) -> str:
    size = int(size or 0)
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"


# Django's `date` filter costs ~40 us a call (it parses the format and looks up localized names);
# the case page shows a hundred timestamps or more. These give the same text for the two formats
# the back office uses.


def local_day(value) -> str:
    """A date, or a timestamp's date in the current time zone, as `{{ value|date:"Y-m-d" }}` shows it."""
    if value is None or value == "":
        return ""
    local = _local(value) if isinstance(value, datetime) else value
    return f"{local.year:04d}-{local.month:02d}-{local.day:02d}"


def local_minute(value) -> str:
    """A timestamp in the current time zone to the minute, as `{{ value|date:"Y-m-d H:i" }}` shows it."""
    return local_stamp(value)[1]


def local_stamp(value) -> tuple[str, str]:
    """A timestamp in the current time zone as (`{{ value|date:"c" }}`, `{{ value|date:"Y-m-d H:i" }}`):
    the <time> element's datetime attribute and its text, converted once."""
    if value is None or value == "":
        return "", ""
    local = _local(value)
    return local.isoformat(), f"{local.year:04d}-{local.month:02d}-{local.day:02d} {local.hour:02d}:{local.minute:02d}"


def _local(value):
    # Like the template engine: aware datetimes in the current time zone, naive ones as they are.
    return timezone.localtime(value) if timezone.is_aware(value) else value


def change_rows(changes) -> list[tuple]:
    """An event's changes as (field, before, after, is_change) rows; plain values get before=None."""
    rows = []
    changes = changes or {}
    currency = changes.get("currency") if isinstance(changes.get("currency"), str) else None
    for key, value in changes.items():
        if key == "disputed_amount" and currency and isinstance(value, dict):
            rows.append(("Disputed amount", amount(value.get("before"), currency), amount(value.get("after"), currency),
                         True))
        elif key == "currency" and currency:
            continue
        elif isinstance(value, dict) and set(value) == {"before", "after"}:
            rows.append((humanize_key(key), value["before"], value["after"], True))
        else:
            rows.append((humanize_key(key), None, value, False))
    return rows
