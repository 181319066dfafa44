"""Presentation helpers for the back-office templates. All output is escaped (format_html)."""

from django import template
from django.utils.html import format_html, format_html_join

from cases import lifecycle, money
from cases.choices import ACTIVE_STATUSES, CaseStatus, EvidenceCategory, Reason, Source

register = template.Library()

_STATUS_LABELS = dict(CaseStatus.choices)
_WON_LIKE = {CaseStatus.WON}
_LOST_LIKE = {CaseStatus.LOST, CaseStatus.ACCEPTED, CaseStatus.EXPIRED}
_CHOICE_LABELS = {**dict(Reason.choices), **dict(Source.choices), **dict(EvidenceCategory.choices)}


@register.filter
def amount(value, currency):
    if value is None or not currency:
        return ""
    return money.format_amount(value, currency)


@register.filter
def status_label(status):
    return _STATUS_LABELS.get(status, status)


@register.filter
def choice_label(value):
    return _CHOICE_LABELS.get(value, str(value).replace("_", " ").capitalize())


@register.filter
def transition_label(name):
    return lifecycle.TRANSITION_LABELS.get(name, name)


def status_tone(status) -> str:
    """The colour family of a status: new, in progress, won, lost, or closed otherwise."""
    if status in ACTIVE_STATUSES:
        return "open" if status == CaseStatus.CREATED else "progress"
    if status in _WON_LIKE:
        return "won"
    if status in _LOST_LIKE:
        return "lost"
    return "closed"


@register.simple_tag
def status_badge(status):
    return format_html('<span class="badge badge-{}">{}</span>', status_tone(status), status_label(status))


def relative_deadline(deadline, today=None):
    """(text, urgency) for a deadline date: 'overdue 2 days' / 'today' / 'in 3 days'.

    Deadlines are calendar dates judged against the UTC date, as the services judge them.
    """
    today = today or lifecycle.today()
    days = (deadline - today).days
    if days < 0:
        return f"overdue {-days} day{'s' if days != -1 else ''}", "overdue"
    if days == 0:
        return "today", "urgent"
    if days == 1:
        return "tomorrow", "urgent"
    return f"in {days} days", "soon" if days <= 7 else "later"


@register.simple_tag
def deadline(value):
    if not value:
        return format_html('<span class="muted">{}</span>', "—")
    text, urgency = relative_deadline(value)
    return format_html('<time class="deadline deadline-{}" datetime="{}" title="{}">{}</time>',
                       urgency, value.isoformat(), value.isoformat(), text)


def _humanize_key(key) -> str:
    return str(key).replace("_", " ").strip().capitalize() or "—"


def _value_html(value, humanize=True):
    if isinstance(value, dict):
        return definition_list(value, humanize)
    if isinstance(value, list):
        if not value:
            return format_html('<span class="muted">{}</span>', "none")
        return format_html('<ul class="plain">{}</ul>', format_html_join("", "<li>{}</li>",
                                                                          ((_value_html(v, humanize),) for v in value)))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if value is None or value == "":
        return format_html('<span class="muted">{}</span>', "—")
    return format_html("{}", value)


@register.simple_tag
def definition_list(data, humanize=True):
    """Nested JSON (issuer evidence, custom fields) as a readable, escaped definition list.

    `humanize` turns keys like `cardholder_explanation` into words; custom field keys stay as typed.
    """
    if not isinstance(data, dict) or not data:
        return format_html('<p class="muted">{}</p>', "None given.")
    rows = format_html_join("", "<dt>{}</dt><dd>{}</dd>",
                            ((_humanize_key(k) if humanize else str(k), _value_html(v, humanize))
                             for k, v in data.items()))
    return format_html('<dl class="facts">{}</dl>', rows)


@register.filter
def change_rows(changes):
    """An event's changes as (field, before, after) rows; plain values get before=None."""
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
            rows.append((_humanize_key(key), value["before"], value["after"], True))
        else:
            rows.append((_humanize_key(key), None, value, False))
    return rows


@register.filter
def filesize(size):
    size = int(size or 0)
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KiB"
    return f"{size / (1024 * 1024):.1f} MiB"
