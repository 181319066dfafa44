"""The manager view (/team/): per person figures from one aggregate, each linking to its queue."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases import services
from cases.actors import Actor
from cases.models import Case
from tests.conftest import logged_in
from tests.factories import make_user
from tests.team.conftest import case_due


def figure(body: str, person: str, name: str) -> tuple[int, str]:
    row = re.search(rf'<tr data-person="{person}"[^>]*>(.*?)</tr>', body, re.S).group(1)
    link = re.search(rf'<a href="([^"]+)" data-figure="{name}"[^>]*>(\d+)</a>', row)
    return int(link.group(2)), unescape(link.group(1))


@pytest.fixture
def team(program, analyst, supervisor):
    bob = make_user("bob", "analyst")
    sue = Actor.for_user(supervisor)
    for days, who, reg in [(-2, analyst, ""), (3, analyst, "at_risk"), (20, analyst, ""), (1, bob, "breached"),
                           (-1, None, ""), (5, None, "")]:
        case = case_due(program, days)
        if reg:
            Case.objects.filter(pk=case.pk).update(regulation_status=reg)
        if who:
            services.case_assign(case=case, actor=sue, assignee=who)
    closed = case_due(program, -9, path=["withdraw"])
    Case.objects.filter(pk=closed.pk).update(assignee=bob)  # closed cases are not counted
    return bob


def test_the_manager_view_counts_each_persons_open_cases(team, supervisor):
    client = logged_in(supervisor)
    body = client.get("/team/").content.decode()
    assert figure(body, "ana", "open")[0] == 3
    assert figure(body, "ana", "overdue")[0] == 1
    assert figure(body, "ana", "due_7_days")[0] == 1
    assert figure(body, "ana", "reg_at_risk")[0] == 1
    assert figure(body, "bob", "open")[0] == 1 and figure(body, "bob", "reg_breached")[0] == 1
    assert figure(body, "sue", "open")[0] == 0  # a supervisor with nothing shows zeros
    assert figure(body, "", "open")[0] == 2 and figure(body, "", "overdue")[0] == 1
    assert 'data-figure="unassigned">2<' in body and 'data-figure="open">6<' in body
    assert 'data-figure="pending_approvals">0<' in body  # nothing waits for approval (maker-checker)


def test_the_manager_view_counts_requests_waiting_for_approval(program, supervisor):
    from cases.services import approvals

    program.approval_actions = ["accept"]
    program.save()
    asker = Actor.for_user(make_user("asker", "supervisor"))
    for _ in range(2):
        case = case_due(program, 3, path=["file_chargeback", "record_representment"])
        approvals.approval_request(case=case, action="accept", actor=asker, reason="Receipt holds.")
    body = logged_in(supervisor).get("/team/").content.decode()
    assert 'data-figure="pending_approvals">2<' in body and 'href="/approvals/"' in body


def test_each_number_opens_the_queue_it_counts(team, supervisor):
    client = logged_in(supervisor)
    body = client.get("/team/").content.decode()
    for person, name in [("ana", "open"), ("ana", "overdue"), ("ana", "due_7_days"), ("ana", "reg_at_risk"),
                         ("bob", "reg_breached"), ("", "open"), ("", "overdue")]:
        count, url = figure(body, person, name)
        queue = client.get(url).content.decode()
        assert f"{count} case" in queue, (person, name, url)


def test_the_manager_view_is_one_aggregate_whatever_the_team(program, supervisor, django_assert_num_queries):
    client = logged_in(supervisor)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/team/").status_code == 200
    for i in range(6):
        person = make_user(f"p{i}", "analyst")
        for d in range(3):
            services.case_assign(case=case_due(program, d), actor=Actor.for_user(supervisor), assignee=person)
    with django_assert_num_queries(len(few)):
        assert client.get("/team/").status_code == 200


def test_a_person_who_left_still_shows_with_their_cases(program, supervisor):
    gone = make_user("gone", "analyst")
    services.case_assign(case=case_due(program, 4), actor=Actor.for_user(supervisor), assignee=gone)
    gone.is_active = False
    gone.save()
    body = logged_in(supervisor).get("/team/").content.decode()
    assert figure(body, "gone", "open")[0] == 1 and "no longer on the team" in body


def test_only_supervisors_see_the_manager_view(analyst, supervisor):
    assert logged_in(analyst).get("/team/").status_code == 403
    assert 'href="/team/"' not in logged_in(analyst).get("/cases/").content.decode()
    assert 'href="/team/"' in logged_in(supervisor).get("/cases/").content.decode()
