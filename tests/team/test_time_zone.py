"""Per-person time zone (SPEC section 14): the profile page that stores it, the middleware that
activates it for the back office, and every date and deadline shown in it with the zone named."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from cases.backoffice import times
from cases.models import Case, UserProfile
from cases.services import profiles
from tests.conftest import logged_in
from tests.factories import make_case, make_user

# 03:30 UTC on 1 December 2026 is 22:30 on 30 November in New York (EST, UTC-5) and 12:30 in Tokyo.
NOW = datetime(2026, 12, 1, 3, 30, tzinfo=UTC)
DEADLINE = date(2026, 12, 4)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def case(program):
    case = make_case(program, case_id="TZ-CASE")
    Case.objects.filter(pk=case.pk).update(next_deadline=DEADLINE, chargeback_due_date=DEADLINE)
    return Case.objects.get(pk=case.pk)


def viewer(username: str, zone: str | None, role: str = "analyst") -> Client:
    user = make_user(username, role)
    if zone is not None:
        profiles.profile_set_time_zone(user=user, time_zone=zone)
    return logged_in(user)


def _body(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# The profile page


def test_profile_page_stores_a_zone_and_the_top_bar_names_it(analyst):
    client = logged_in(analyst)
    page = _body(client.get("/profile/"))
    assert '<option value="America/New_York">' in page and "The site&#x27;s zone (UTC)" in page
    assert '<span data-current-zone>UTC</span>' in page
    response = client.post("/profile/", {"time_zone": "America/New_York"})
    assert response.status_code == 303 and response["Location"] == "/profile/"
    assert UserProfile.objects.get(user=analyst).time_zone == "America/New_York"
    page = _body(client.get("/profile/"))
    assert "Dates and deadlines are now shown in America/New_York." in page
    assert '<option value="America/New_York" selected>' in page
    assert '<span data-current-zone>America/New_York</span>' in page
    assert '<b data-now>2026-11-30 22:30 EST</b>' in page
    # today's deadline day ends at midnight UTC: 18:59 EST, the last minute of the same day
    assert '<span data-example-end>ends 18:59 EST</span>' in page
    # an empty choice goes back to the site's zone
    assert client.post("/profile/", {"time_zone": ""}).status_code == 303
    assert UserProfile.objects.get(user=analyst).time_zone == ""
    assert '<span data-current-zone>UTC</span>' in _body(client.get("/cases/"))


@pytest.mark.parametrize("bad", ["Mars/Olympus_Mons", "america/new_york", "localtime", "EST;DROP", "../../etc/passwd",
                                 "Europe/" + "x" * 80, "UTC\x00", " "])
def test_a_zone_that_is_not_one_is_a_form_error_not_a_500(analyst, bad):
    profiles.profile_set_time_zone(user=analyst, time_zone="Asia/Tokyo")
    response = logged_in(analyst).post("/profile/", {"time_zone": bad})
    if bad == " ":  # stripped to nothing: the site's default, a valid choice
        assert response.status_code == 303
        assert UserProfile.objects.get(user=analyst).time_zone == ""
        return
    assert response.status_code == 400
    body = response.content.decode()
    assert 'class="field-error"' in body
    assert ("Not a time zone this system knows" in body) or ("at most 64 characters" in body) or ("Null characters" in body)
    assert UserProfile.objects.get(user=analyst).time_zone == "Asia/Tokyo"  # unchanged


def test_the_service_refuses_what_is_not_a_zone(analyst):
    from cases.exceptions import PermissionDenied, ValidationFailed

    for bad in ("Nowhere/Land", 42, None):
        with pytest.raises(ValidationFailed) as refused:
            profiles.profile_set_time_zone(user=analyst, time_zone=bad)
        assert refused.value.field == "time_zone"
    with pytest.raises(PermissionDenied):
        profiles.profile_set_time_zone(user=None, time_zone="UTC")
    assert not UserProfile.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(db):
    anonymous = Client()
    for response in (anonymous.get("/profile/"), anonymous.post("/profile/", {"time_zone": "UTC"})):
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=/profile/")
    assert not UserProfile.objects.exists()


def test_the_profile_form_needs_its_csrf_token(analyst):
    client = logged_in(analyst, enforce_csrf_checks=True)
    assert client.post("/profile/", {"time_zone": "Asia/Tokyo"}).status_code == 403
    assert not UserProfile.objects.exists()
    client.get("/profile/")
    token = client.cookies["csrftoken"].value
    assert client.post("/profile/", {"time_zone": "Asia/Tokyo", "csrfmiddlewaretoken": token}).status_code == 303
    assert UserProfile.objects.get(user=analyst).time_zone == "Asia/Tokyo"


# The middleware and what each page shows


def test_a_new_york_analyst_sees_times_and_deadline_ends_moved_against_utc(db, case):
    utc = _body(viewer("ana_utc", None).get("/cases/"))
    new_york = _body(viewer("ana_ny", "America/New_York").get("/cases/"))
    tokyo = _body(viewer("ana_tokyo", "Asia/Tokyo").get("/cases/"))
    created = timezone.localtime(case.created, UTC)
    assert created == NOW
    # the case was opened at 03:30 UTC: the previous evening in New York
    assert '2026-12-01<div class="sub">03:30 UTC</div>' in utc
    assert '2026-11-30<div class="sub">22:30 EST</div>' in new_york
    assert '2026-12-01<div class="sub">12:30 JST</div>' in tokyo
    # the deadline day 2026-12-04 ends at midnight UTC: 18:59 EST the same day, 08:59 JST the next
    assert '<time datetime="2026-12-04">2026-12-04</time> <span class="deadline-end">ends 23:59 UTC</span>' in utc
    assert '<time datetime="2026-12-04">2026-12-04</time> <span class="deadline-end">ends 18:59 EST</span>' in new_york
    assert '<span class="deadline-end">ends 2026-12-05 08:59 JST</span>' in tokyo
    # days left are counted on each person's calendar: it is still 30 November in New York
    assert ">in 3 days</time>" in utc and ">in 4 days</time>" in new_york and ">in 4 days</time>" in tokyo
    assert '<span data-current-zone>America/New_York</span>' in new_york


def test_the_case_page_names_the_zone_of_every_time_and_deadline(db, case):
    body = _body(viewer("ana_ny", "America/New_York").get(f"/cases/{case.number}/"))
    assert case.events.order_by("created").first().created == NOW
    assert f'<time datetime="{timezone.localtime(NOW, timezone.get_fixed_timezone(-300)).isoformat()}">' \
           '2026-11-30 22:30 EST</time>' in body
    assert "<dt>Chargeback due</dt><dd><time datetime=\"2026-12-04\">2026-12-04</time> " \
           '<span class="deadline-end">ends 18:59 EST</span></dd>' in body
    assert "<dt>Response due</dt><dd><span class=\"muted\">—</span></dd>" in body
    dispute_date = timezone.localtime(case.dispute_date, timezone.get_fixed_timezone(-300))
    assert f"<dt>Dispute date</dt><dd>{dispute_date:%Y-%m-%d %H:%M} EST</dd>" in body
    assert " UTC<" not in body  # nothing left in UTC for this viewer


def test_summer_times_are_named_by_their_own_abbreviation(db, program):
    with time_machine.travel(datetime(2026, 7, 1, 15, 0, tzinfo=UTC), tick=False):
        case = make_case(program)
        body = _body(viewer("ana_ny", "America/New_York").get(f"/cases/{case.number}/"))
    assert "2026-07-01 11:00 EDT" in body


def test_the_zone_is_the_back_office_s_alone(db, case, program):
    """The API answers the same whoever is signed in; a request's zone does not leak into the next."""
    from tests.factories import make_api_key

    new_york = viewer("ana_ny", "America/New_York")
    plain = viewer("ana_utc", None)
    by_session = new_york.get(f"/api/v1/cases/{case.case_id}")
    _, key = make_api_key(program)
    by_key = Client().get(f"/api/v1/cases/{case.case_id}", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert by_session.status_code == by_key.status_code == 200
    assert by_session.json()["created"] == by_key.json()["created"]
    assert by_key.json()["created"].endswith(("Z", "+00:00"))
    _body(new_york.get("/cases/"))
    assert timezone.get_current_timezone_name() == "UTC"
    assert '2026-12-01<div class="sub">03:30 UTC</div>' in _body(plain.get("/cases/"))


def test_a_zone_that_vanished_from_the_system_falls_back_to_the_site_zone(db, case, analyst):
    UserProfile.objects.create(user=analyst, time_zone="Gone/Away")
    body = _body(logged_in(analyst).get("/cases/"))
    assert '<span data-current-zone>UTC</span>' in body and "03:30 UTC" in body


def test_manager_view_approvals_and_dashboard_name_their_zone(db, case):
    from cases.actors import Actor
    from cases.services.approvals import approval_request
    from tests.factories import ProgramFactory

    gated = ProgramFactory(program_id="prog_gated", approval_actions=["accept"])
    represented = make_case(gated, path=["file_chargeback", "record_representment"])
    approval_request(case=represented, action="accept", actor=Actor.for_user(make_user("bob", "supervisor")),
                     reason="Signed delivery receipt.")
    supervisor = viewer("sue_ny", "America/New_York", role="supervisor")
    approvals = _body(supervisor.get("/approvals/"))
    assert '<td>user:bob<div class="sub">2026-11-30 22:30 EST</div></td>' in approvals
    team = _body(supervisor.get("/team/"))
    assert "on 2026-12-01 (the UTC day" in team
    dashboard = _body(supervisor.get("/dashboard/"))
    assert "weeks from Monday in America/New_York" in dashboard
    assert "deadline days end at midnight UTC" in dashboard


def test_queue_and_case_page_cost_no_more_queries_with_a_zone(db, case, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plain = viewer("ana_utc", None)
    zoned = viewer("ana_ny", "America/New_York")
    for url in ("/cases/", f"/cases/{case.number}/", "/profile/"):
        with CaptureQueriesContext(connection) as without:
            _body(plain.get(url))
        with django_assert_num_queries(len(without)) as zoned_queries:
            _body(zoned.get(url))
        # the profile comes with the person (a join), never by a query of its own
        own = [q["sql"] for q in zoned_queries.captured_queries
               if "cases_userprofile" in q["sql"] and "auth_user" not in q["sql"]]
        assert not own, own
        assert any("cases_userprofile" in q["sql"] for q in zoned_queries.captured_queries)


# The words and ends of a deadline


def test_relative_deadline_counts_on_the_viewer_s_calendar():
    from zoneinfo import ZoneInfo

    new_york, tokyo = ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")
    now = NOW  # 2026-12-01 03:30 UTC = 2026-11-30 22:30 EST
    assert times.relative_deadline(date(2026, 12, 1), now, UTC) == ("today", "urgent")
    assert times.relative_deadline(date(2026, 12, 1), now, new_york) == ("tomorrow", "urgent")
    assert times.relative_deadline(date(2026, 12, 2), now, UTC) == ("tomorrow", "urgent")
    assert times.relative_deadline(date(2026, 12, 8), now, UTC) == ("in 7 days", "soon")
    assert times.relative_deadline(date(2026, 12, 31), now, UTC) == ("in 30 days", "later")
    # overdue once the UTC day has ended, whatever the viewer's zone
    assert times.relative_deadline(date(2026, 11, 30), now, new_york) == ("overdue 1 day", "overdue")
    assert times.relative_deadline(date(2026, 11, 28), now, tokyo) == ("overdue 3 days", "overdue")
    assert times.deadline_end_text(date(2026, 12, 4), new_york) == "ends 18:59 EST"
    assert times.deadline_end_text(date(2026, 12, 4), tokyo) == "ends 2026-12-05 08:59 JST"
    assert times.deadline_ends(date(2026, 12, 4)) == datetime(2026, 12, 5, tzinfo=UTC)
    assert times.deadline_ends(date(2026, 12, 4)) - timedelta(minutes=1) == times.deadline_last_minute(
        date(2026, 12, 4), UTC)


def test_every_time_of_day_in_a_back_office_template_names_its_zone():
    """A template that shows a time of day with Django's `date` filter shows the zone too (T, e or
    O in the format) or uses the `moment` filter; letters are the program's and are not scanned."""
    import re
    from pathlib import Path

    from django.conf import settings

    clock = re.compile(r"\|(?:date|time):\s*(['\"])(.*?)\1")
    templates = Path(settings.BASE_DIR) / "templates"
    unnamed = []
    for path in sorted(templates.rglob("*.html")):
        if "letters" in path.parts:
            continue
        for quote_format in clock.findall(path.read_text()):
            fmt = quote_format[1]
            if fmt != "c" and re.search(r"[HhGgiAaPs]", fmt) and not re.search(r"[TeO]", fmt):
                unnamed.append(f"{path.relative_to(templates)}: {fmt}")
    assert not unnamed, unnamed
    assert len(list(templates.rglob("*.html"))) > 20  # the scan saw the templates
