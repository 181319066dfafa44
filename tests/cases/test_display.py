"""The back office's formatting helpers give the text Django's `date` filter gives, in the current time zone."""

from datetime import UTC, date, datetime

import pytest
from django.template import Context, Template
from django.template.defaultfilters import date as date_filter
from django.utils import timezone

from cases.backoffice import display

MOMENTS = [datetime(2026, 3, 1, 0, 5, 9, tzinfo=UTC), datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
           datetime(999, 1, 2, 3, 4, tzinfo=UTC), datetime(2026, 7, 4, 12, 0)]


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_timestamps_match_the_date_filter(zone, moment):
    with timezone.override(zone):
        local = timezone.localtime(moment) if timezone.is_aware(moment) else moment  # as the template engine does
        assert display.local_minute(moment) == date_filter(local, "Y-m-d H:i")
        assert display.local_stamp(moment) == (date_filter(local, "c"), date_filter(local, "Y-m-d H:i"))
        assert display.local_day(moment) == date_filter(local, "Y-m-d")


def test_a_late_evening_utc_timestamp_is_the_next_day_in_kolkata():
    with timezone.override("Asia/Kolkata"):
        assert display.local_minute(datetime(2026, 3, 1, 22, 0, tzinfo=UTC)) == "2026-03-02 03:30"
        assert display.local_stamp(datetime(2026, 3, 1, 22, 0, tzinfo=UTC))[0] == "2026-03-02T03:30:00+05:30"


@pytest.mark.parametrize("day", [date(2026, 1, 5), date(999, 12, 31)])
def test_dates(day):
    assert display.local_day(day) == date_filter(day, "Y-m-d")


@pytest.mark.parametrize("empty", [None, ""])
def test_missing_values_are_empty(empty):
    assert display.local_day(empty) == display.local_minute(empty) == ""
    assert display.local_stamp(empty) == ("", "")


def test_change_rows():
    rows = display.change_rows({"currency": "USD", "disputed_amount": {"before": 20000, "after": 15025},
                                "internal_due_date": {"before": None, "after": "2030-01-02"}, "source": "api"})
    assert rows == [("Disputed amount", "200.00 USD", "150.25 USD", True),
                    ("Internal due date", None, "2030-01-02", True), ("Source", None, "api", False)]


@pytest.mark.parametrize(("size", "text"), [(0, "0 B"), (1023, "1023 B"), (2048, "2 KiB"), (5 * 1024 * 1024, "5.0 MiB")])
def test_filesize(size, text):
    assert display.filesize(size) == text


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
@pytest.mark.parametrize("moment", MOMENTS)
def test_the_queue_time_cell_matches_the_date_filters(zone, moment):
    with timezone.override(zone):
        tag = Template("{% load backoffice %}{% day_and_time v %}").render(Context({"v": moment}))
        filters = Template("""<time datetime="{{ v|date:'c' }}">{{ v|date:"Y-m-d" }}<div class="sub">"""
                           """{{ v|date:"H:i" }}</div></time>""").render(Context({"v": moment}))
    assert tag == filters
