"""Presentation helpers for the back-office templates. All output is escaped (format_html)."""

from django import template
from django.utils.html import format_html, format_html_join

from cases import lifecycle
from cases.backoffice import display
from cases.choices import ACTIVE_STATUSES, CaseStatus

register = template.Library()

_WON_LIKE = {CaseStatus.WON}
_LOST_LIKE = {CaseStatus.LOST, CaseStatus.ACCEPTED, CaseStatus.EXPIRED}

register.filter("amount", display.amount)


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
    return format_html('<span class="badge badge-{}">{}</span>', status_tone(status), display.status_label(status))


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
                            ((display.humanize_key(k) if humanize else str(k), _value_html(v, humanize))
                             for k, v in data.items()))
    return format_html('<dl class="facts">{}</dl>', rows)
