"""Presentation helpers for the back-office templates. All output is escaped (format_html)."""

from django import template
from django.utils.html import format_html, format_html_join

from cases.backoffice import display, times
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


@register.filter
def moment(value):
    """A datetime in the viewer's time zone, the zone named: 2026-12-01 09:30 EST."""
    return times.moment(value)


@register.filter
def moment_seconds(value):
    return times.moment(value, times.SECONDS_FORMAT)


@register.simple_tag
def deadline(value):
    """The deadline's words (overdue / today / in N days), titled with the moment it ends."""
    if not value:
        return format_html('<span class="muted">{}</span>', "—")
    text, urgency = times.relative_deadline(value)
    return format_html('<time class="deadline deadline-{}" datetime="{}" title="{} (UTC day), {}">{}</time>',
                       urgency, value.isoformat(), value.isoformat(), times.deadline_end_text(value), text)


@register.simple_tag
def deadline_day(value):
    """A deadline day and when it ends in the viewer's zone: 2026-12-04 ends 18:59 EST (the page's
    stylesheet puts a dot between them, or the end on a line of its own in the queue)."""
    if not value:
        return format_html('<span class="muted">{}</span>', "—")
    return format_html('<time datetime="{}">{}</time> <span class="deadline-end">{}</span>',
                       value.isoformat(), value.isoformat(), times.deadline_end_text(value))


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
