"""The person's time zone in a real browser (SPEC section 14): an analyst in New York chooses their
zone on the profile page and sees every time and deadline move, each with its zone named; the queue
fits a 1440-pixel screen at its default columns. With screenshots."""

import re
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F
from django.template.defaultfilters import date as date_filter
from playwright.sync_api import expect

from cases.backoffice import times
from cases.choices import ACTIVE_STATUSES
from cases.models import Case, UserProfile
from tests.ui.conftest import login, screenshot

pytestmark = pytest.mark.browser
NEW_YORK = ZoneInfo("America/New_York")


def _first_due(program) -> Case:
    """The queue's first row by default (earliest deadline first)."""
    return (Case.objects.filter(program=program, status__in=ACTIVE_STATUSES, next_deadline__isnull=False)
            .order_by(F("next_deadline").asc(nulls_last=True), "number").first())


def _row(page, case):
    return page.locator("tr", has=page.locator(f'a.case-link[href="/cases/{case.number}/"]'))


def test_an_analyst_in_new_york_chooses_the_zone_and_sees_deadlines_move(page, demo_cases, team):
    case = _first_due(demo_cases)
    day = case.next_deadline.isoformat()
    login(page, "ana")
    page.goto("/cases/?status=open")
    expect(page.locator("[data-current-zone]")).to_have_text("UTC")
    row = _row(page, case)
    expect(row.locator(".deadline-end")).to_have_text(times.deadline_end_text(case.next_deadline, ZoneInfo("UTC")))
    expect(row.locator(".deadline-end")).to_contain_text("23:59 UTC")
    created_utc = date_filter(case.created.astimezone(ZoneInfo("UTC")), "H:i T")
    expect(row.locator("td").last).to_contain_text(created_utc)
    screenshot(page, "tz_01_queue_utc")

    page.click("a.profile-link")
    page.wait_for_url("**/profile/")
    page.select_option("#id_time_zone", "America/New_York")
    page.click(".time-zone-form button[type=submit]")
    page.wait_for_url("**/profile/")
    expect(page.locator(".msg-success")).to_have_text("Dates and deadlines are now shown in America/New_York.")
    expect(page.locator("[data-current-zone]")).to_have_text("America/New_York")
    expect(page.locator("[data-now]")).to_have_text(re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d E[SD]T$"))
    screenshot(page, "tz_02_profile_new_york")
    assert UserProfile.objects.get(user=team["analyst"]).time_zone == "America/New_York"

    page.goto("/cases/?status=open")
    row = _row(page, case)
    ends_here = times.deadline_end_text(case.next_deadline, NEW_YORK)
    assert re.fullmatch(r"ends 1[89]:59 E[SD]T", ends_here)  # the UTC day ends in the evening in New York
    expect(row.locator(".deadline-end")).to_have_text(ends_here)
    expect(row.locator("time").first).to_have_attribute("title", re.compile(rf"^{day} \(UTC day\), {ends_here}$"))
    created_here = case.created.astimezone(NEW_YORK)
    expect(row.locator("td").last).to_contain_text(date_filter(created_here, "Y-m-d"))
    expect(row.locator("td").last).to_contain_text(date_filter(created_here, "H:i T"))
    screenshot(page, "tz_03_queue_new_york")

    row.locator("a.case-link").click()
    page.wait_for_url(f"**/cases/{case.number}/")
    expect(page.locator(".figures")).to_contain_text(f"{day} {ends_here}")
    first_event = case.events.order_by("-created", "-id").first()
    expect(page.locator("#timeline .event .when").first).to_have_text(
        date_filter(first_event.created.astimezone(NEW_YORK), "Y-m-d H:i T"))
    expect(page.locator("#timeline .event .when").first).to_have_text(re.compile(r" E[SD]T$"))
    screenshot(page, "tz_04_case_new_york")

    # Back to the site's zone: the same deadline ends at 23:59 UTC again.
    page.goto("/profile/")
    page.select_option("#id_time_zone", "")
    page.click(".time-zone-form button[type=submit]")
    expect(page.locator("[data-current-zone]")).to_have_text("UTC")
    page.goto("/cases/?status=open")
    expect(_row(page, case).locator(".deadline-end")).to_have_text("ends 23:59 UTC")


def test_a_bad_zone_is_a_form_error_in_the_page(page, team):
    login(page, "ana")
    page.goto("/profile/")
    # A value no option offers (a crafted request): the form answers with its error, nothing is stored.
    page.evaluate("""() => { const o = document.createElement('option'); o.value = 'Mars/Olympus_Mons';
                             o.text = 'Mars'; document.querySelector('#id_time_zone').append(o); }""")
    page.select_option("#id_time_zone", "Mars/Olympus_Mons")
    page.click(".time-zone-form button[type=submit]")
    expect(page.locator(".field-error")).to_contain_text("Not a time zone this system knows")
    assert not UserProfile.objects.filter(time_zone="Mars/Olympus_Mons").exists()


def test_the_queue_fits_a_1440_pixel_screen_at_its_default_columns(page, demo_cases, team):
    login(page, "ana")
    for zone in ("", "Asia/Tokyo"):  # Tokyo: the longest deadline ends (a date and a time)
        if zone:
            page.goto("/profile/")
            page.select_option("#id_time_zone", zone)
            page.click(".time-zone-form button[type=submit]")
            page.wait_for_url("**/profile/")
        page.goto("/cases/")
        expect(page.locator("a.case-link").first).to_be_visible()
        sizes = page.evaluate("""() => {
            const wrap = document.querySelector('.table-wrap');
            const table = document.querySelector('.queue-table');
            return {page: document.documentElement.scrollWidth, wrap: wrap.clientWidth,
                    table: table.scrollWidth, right: table.getBoundingClientRect().right,
                    columns: [...table.querySelectorAll('thead th')].map(
                        th => th.textContent.trim() + ' ' + Math.round(th.getBoundingClientRect().width))};
        }""")
        screenshot(page, f"tz_05_queue_1440{'_' + zone.replace('/', '_') if zone else ''}")
        assert sizes["page"] <= 1440, sizes
        # no sideways scrolling inside the table
        assert sizes["table"] <= sizes["wrap"], f"{sizes['table']} > {sizes['wrap']}: {sizes['columns']}"
        assert sizes["right"] <= 1440, sizes


def test_a_supervisor_in_new_york_reads_team_approvals_and_regulation_in_the_zone(page, demo_cases, team):
    from cases.actors import Actor
    from cases.services import profiles
    from cases.services.approvals import approval_request
    from tests.factories import ProgramFactory, make_case, make_user
    from tests.regulation.helpers import regulated_case

    profiles.profile_set_time_zone(user=team["supervisor"], time_zone="America/New_York")
    gated = ProgramFactory(program_id="prog_gated", approval_actions=["accept"])
    represented = make_case(gated, path=["file_chargeback", "record_representment"])
    asked = approval_request(case=represented, action="accept", actor=Actor.for_user(make_user("bob", "supervisor")),
                             reason="Signed delivery receipt.")
    regulated = regulated_case(demo_cases)
    login(page, "sue")
    page.goto("/team/")
    expect(page.locator("main")).to_contain_text("(the UTC day")
    screenshot(page, "tz_06_team_new_york")
    page.goto("/approvals/")
    expect(page.locator("main")).to_contain_text(date_filter(asked.requested_at.astimezone(NEW_YORK), "Y-m-d H:i T"))
    screenshot(page, "tz_07_approvals_new_york")
    page.goto(f"/cases/{regulated.number}/")
    expect(page.locator("#regulation-steps caption")).to_have_text(
        f"Due dates are business days in {regulated.program.time_zone}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1440  # the side panel holds its table
    screenshot(page, "tz_08_regulated_case_new_york")
