"""Presentation helpers for the back-office templates. All output is escaped (format_html, or `_text`)."""

import html

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from cases import lifecycle
from cases.backoffice import display
from cases.choices import ACTIVE_STATUSES, CaseStatus, EventKind

register = template.Library()

_WON_LIKE = {CaseStatus.WON}
_LOST_LIKE = {CaseStatus.LOST, CaseStatus.ACCEPTED, CaseStatus.EXPIRED}

register.filter("amount", display.amount)
register.filter("day", display.local_day)
register.filter("minute", display.local_minute)


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


@register.simple_tag
def day_and_time(value):
    """A timestamp as a <time> element: its day, and the time of day beneath (the queue's rows)."""
    iso, minute = display.local_stamp(value)
    day, _, clock = minute.partition(" ")
    return format_html('<time datetime="{}">{}<div class="sub">{}</div></time>', iso, day, clock)


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


def _text(value) -> str:
    """`{{ value }}` for markup built in Python: localized like the template engine does, and always escaped."""
    return html.escape(str(formats.localize(value)))


_HEADLINES = {EventKind.CREATED: "Case created", EventKind.NOTE: "Note", EventKind.AMOUNT: "Disputed amount changed",
              EventKind.REGULATION: "Regulatory clock", EventKind.CREDIT: "Provisional credit",
              EventKind.LETTER: "Letter sent", EventKind.REG_DUE_SOON: "Regulatory deadline approaching",
              EventKind.REG_DUE_12H: "Resolution deadline in 12 hours",
              EventKind.ASSIGNMENT: "Assignee changed"}


@register.simple_tag
def timeline_items(entries):
    """The case timeline's items, one <li> per entry of cases.backoffice.views.case_page.timeline_entries.

    Built here rather than by a template loop or format_html: both cost about 20 us an entry, a
    millisecond for a case with fifty events; this costs 2 us. Every value in the markup goes
    through `_text`, which escapes it (tests/backoffice/test_xss.py holds each one to that).
    """
    # Safe: `_timeline_item` puts no value into the markup except through `_text`.
    return mark_safe("\n".join(_timeline_item(entry) for entry in entries))  # noqa: S308


def _timeline_item(entry) -> str:
    kind = entry["kind"]
    if kind == EventKind.TRANSITION:
        headline = (f'<b>{_text(entry["title"])}</b> <span class="muted">{_text(entry["from_label"])} → '
                    f'{_text(entry["to_label"])}</span>')
    elif kind == EventKind.EVIDENCE:
        headline = f'<b>Evidence added</b> {_text(entry["name"])} <span class="muted">({_text(entry["category"])})</span>'
    else:
        headline = f"<b>{_text(_HEADLINES.get(kind, 'Edited'))}</b>"
        if entry.get("detail"):
            headline += f' <span class="muted">{_text(entry["detail"])}</span>'
    changes = ""
    if "changes" in entry:
        changes = f'<ul class="changes">{"".join(_change_item(*row) for row in entry["changes"])}</ul>'
    note = f'<p class="prewrap event-note">{_text(entry["note"])}</p>' if entry["note"] else ""
    return (f'<li class="event event-{_text(kind)}"><div class="when"><time datetime="{_text(entry["iso"])}">'
            f'{_text(entry["when"])}</time></div><div class="what">{headline} '
            f'<span class="actor">by {_text(entry["actor"])}</span>{changes}{note}</div></li>')


def _change_item(field, before, after, is_change) -> str:
    if not is_change:
        return f"<li>{_text(field)}: {_text(after)}</li>"
    return (f'<li>{_text(field)}: <del>{_text("—" if before is None else before)}</del> → '
            f'<ins>{_text("—" if after is None else after)}</ins></li>')


_INPUT_TEMPLATES = frozenset({"django/forms/widgets/text.html", "django/forms/widgets/date.html"})
_TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
_SELECT_TEMPLATES = ("django/forms/widgets/select.html", "django/forms/widgets/select_option.html")


@register.simple_tag
def widget(field):
    """A bound field's widget as `{{ field }}` renders it, for text and date inputs, textareas and
    single selects; any other widget goes through Django's renderer.

    Django renders a widget from templates (attrs.html once for the widget and once per option):
    0.1-0.5 ms a field, and the case page shows up to nine. The markup here is that of Django's
    templates (django/forms/templates/django/forms/widgets/), filled from the widget's own context
    (value formatting, attributes, required, aria-invalid, the selected option);
    tests/backoffice/test_widget_tag.py holds it to `{{ field }}`'s output.
    """
    w = field.field.widget
    name = w.template_name
    is_select = (name, getattr(w, "option_template_name", None)) == _SELECT_TEMPLATES and not w.allow_multiple_selected
    if field.field.localize or not (name in _INPUT_TEMPLATES or name == _TEXTAREA_TEMPLATE or is_select):
        return field.as_widget()
    attrs = field.build_widget_attrs({}, w)
    if field.auto_id and "id" not in w.attrs:
        attrs.setdefault("id", field.auto_id)
    context = w.get_context(field.html_name, field.value(), attrs)["widget"]
    attributes = _attrs_html(context["attrs"])
    if is_select:
        return format_html('<select name="{}"{}>{}\n</select>', context["name"], attributes,
                           _options_html(context["optgroups"]))
    value = context["value"]
    if name == _TEXTAREA_TEMPLATE:
        return format_html('<textarea name="{}"{}>\n{}</textarea>', context["name"], attributes, value or "")
    if value is None:
        return format_html('<input type="{}" name="{}"{}>', context["type"], context["name"], attributes)
    return format_html('<input type="{}" name="{}" value="{}"{}>', context["type"], context["name"], value, attributes)


def _attrs_html(attrs: dict):
    """django/forms/widgets/attrs.html: `True` gives a bare attribute, `False` none."""
    return format_html_join("", "{}", ((format_html(" {}", key) if value is True
                                        else format_html(' {}="{}"', key, value),)
                                       for key, value in attrs.items() if value is not False))


def _options_html(optgroups):
    """The options of django/forms/widgets/select.html (the option template ends with a newline)."""
    groups = []
    for group_name, options, _index in optgroups:
        options_html = format_html_join(
            "", '\n  <option value="{}"{}>{}</option>\n',
            ((option["value"], _attrs_html(option["attrs"]), formats.localize(option["label"])) for option in options))
        groups.append(format_html('\n  <optgroup label="{}">{}\n  </optgroup>', formats.localize(group_name),
                                  options_html) if group_name else options_html)
    return format_html_join("", "{}", ((group,) for group in groups))
