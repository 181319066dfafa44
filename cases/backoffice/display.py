"""How the back office words domain values: labels, amounts, sizes, an event's changes.

Plain functions returning plain strings (the templates escape them). Dates and times are left to
Django's `date` filter in the templates, which shows them in the current time zone.
"""

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
