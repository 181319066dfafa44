"""Assignment in the back office and the API: Take next, the case page's assignee panel, the filters."""

import pytest
from django.contrib.messages import get_messages

from cases import services
from cases.actors import Actor
from cases.choices import EventKind
from cases.models import Case, CaseEvent
from tests.conftest import DoorClient, logged_in
from tests.factories import make_api_key, make_case, make_user
from tests.team.conftest import case_due


def case_url(case, suffix=""):
    return f"/cases/{case.number}/{suffix}"


def flashed(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_take_next_redirects_to_the_case_taken(analyst_client, analyst, program):
    late = case_due(program, 9)
    soon = case_due(program, 2)
    response = analyst_client.post("/cases/take-next/")
    assert response.status_code == 303 and response["Location"] == case_url(soon)
    assert f"Case {soon.case_id} is yours." in flashed(response)
    assert Case.objects.get(pk=soon.pk).assignee == analyst and Case.objects.get(pk=late.pk).assignee is None
    page = analyst_client.get(case_url(soon)).content.decode()
    assert 'data-assignee="ana"' in page and "Assignee changed" in page


def test_take_next_with_nothing_left_goes_back_to_the_queue(analyst_client):
    response = analyst_client.post("/cases/take-next/")
    assert response.status_code == 303 and response["Location"] == "/cases/"
    assert "No open, unassigned case is left to take." in flashed(response)


def test_take_next_is_a_post_with_csrf_and_a_permission(analyst, program, plain_user):
    make_case(program)
    assert logged_in(analyst).get("/cases/take-next/").status_code == 405
    strict = logged_in(analyst, enforce_csrf_checks=True)
    assert strict.post("/cases/take-next/").status_code == 403
    assert logged_in(plain_user).post("/cases/take-next/").status_code == 403
    assert not CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT).exists()


def test_queue_shows_take_next_and_the_assignee_column(analyst_client, supervisor_client, program, analyst):
    case = make_case(program)
    services.case_take(case=case, actor=Actor.for_user(analyst))
    body = analyst_client.get("/cases/").content.decode()
    assert 'action="/cases/take-next/"' in body and ">Take next</button>" in body
    assert "<th scope=\"col\">Assignee</th>" in body and ">ana</td>" in body


def test_case_page_take_button_for_an_unassigned_case(analyst_client, analyst, program):
    case = make_case(program)
    body = analyst_client.get(case_url(case)).content.decode()
    assert "Take this case" in body and "Reassign" not in body and "Unassigned" in body
    response = analyst_client.post(case_url(case, "take/"))
    assert response.status_code == 303 and Case.objects.get(pk=case.pk).assignee == analyst
    body = analyst_client.get(case_url(case)).content.decode()
    assert "Take this case" not in body and "(you)" in body


def test_an_analyst_cannot_take_a_case_someone_holds_nor_assign(analyst_client, program, supervisor):
    case = make_case(program)
    services.case_assign(case=case, actor=Actor.for_user(supervisor), assignee=supervisor)
    response = analyst_client.post(case_url(case, "take/"))
    assert response.status_code == 303
    assert "sue already works this case; a supervisor may reassign it." in flashed(response)
    assert analyst_client.post(case_url(case, "assignee/"), {"assignee": "ana"}).status_code == 403
    assert Case.objects.get(pk=case.pk).assignee == supervisor


def test_supervisor_reassigns_and_unassigns_from_the_case_page(supervisor_client, program, analyst):
    case = make_case(program)
    bob = make_user("bob", "analyst")
    body = supervisor_client.get(case_url(case)).content.decode()
    assert '<option value="ana"' in body and '<option value="bob"' in body and ">Assign</button>" in body
    assert supervisor_client.post(case_url(case, "assignee/"), {"assignee": "ana"}).status_code == 303
    response = supervisor_client.post(case_url(case, "assignee/"), {"assignee": "bob"})
    assert "Assigned to bob." in flashed(response)
    assert ">Reassign</button>" in supervisor_client.get(case_url(case)).content.decode()
    response = supervisor_client.post(case_url(case, "assignee/"), {"assignee": ""})
    assert "The case is unassigned." in flashed(response)
    assert Case.objects.get(pk=case.pk).assignee is None
    kinds = CaseEvent.objects.filter(case=case, kind=EventKind.ASSIGNMENT).values_list("changes", flat=True)
    assert [c["assignee"]["after"] for c in kinds.order_by("id")] == ["ana", "bob", None]
    assert bob.pk


@pytest.mark.parametrize("value", ["nobody-here", "x" * 400, "\x00"])
def test_an_unknown_assignee_is_refused_without_a_500(supervisor_client, program, value):
    case = make_case(program)
    response = supervisor_client.post(case_url(case, "assignee/"), {"assignee": value})
    assert response.status_code == 303
    assert flashed(response) and Case.objects.get(pk=case.pk).assignee is None


def test_queue_filters_mine_unassigned_and_by_assignee(analyst_client, analyst, supervisor, program):
    mine = make_case(program)
    sues = make_case(program)
    free = make_case(program)
    services.case_take(case=mine, actor=Actor.for_user(analyst))
    services.case_take(case=sues, actor=Actor.for_user(supervisor))

    def listed(query):
        body = analyst_client.get("/cases/?" + query).content.decode()
        return {c.case_id for c in (mine, sues, free) if f">{c.case_id}</a>" in body}

    assert listed("assigned=me") == {mine.case_id}
    assert listed("assigned=none") == {free.case_id}
    assert listed("assigned=any") == {mine.case_id, sues.case_id}
    assert listed("assignee=sue") == {sues.case_id}
    assert listed("assignee=nobody") == set()
    assert "not understood" in analyst_client.get("/cases/?assigned=bogus").content.decode()


def test_api_shows_the_assignee_and_filters_by_it(program, analyst):
    mine = make_case(program)
    free = make_case(program)
    services.case_take(case=mine, actor=Actor.for_user(analyst))
    _, raw = make_api_key(program, ["read"])
    api = DoorClient(raw)
    body = api.get(f"/api/v1/cases/{mine.case_id}").json()
    assert body["assignee"] == "ana"
    assert api.get(f"/api/v1/cases/{free.case_id}").json()["assignee"] is None
    ids = lambda query: [c["case_id"] for c in api.get("/api/v1/cases?" + query).json()["data"]]  # noqa: E731
    assert ids("assignee=ana") == [mine.case_id]
    assert ids("assigned=none") == [free.case_id]
    assert ids("assigned=me") == []  # an API key is nobody
    assert api.get("/api/v1/cases?assigned=bogus").status_code == 400
    # A session user's "me" is that person.
    session = DoorClient(client=logged_in(analyst))
    assert [c["case_id"] for c in session.get("/api/v1/cases?assigned=me").json()["data"]] == [mine.case_id]
