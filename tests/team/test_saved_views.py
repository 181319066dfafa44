"""Saved queue views (SPEC section 14): the queue's state in the URL, saved by name, shared."""

import pytest

from cases.exceptions import PermissionDenied, ValidationFailed
from cases.models import SavedView
from cases.services.saved_views import clean_query, saved_view_delete, saved_view_save, saved_views_for
from tests.conftest import logged_in
from tests.factories import make_case, make_user


def test_only_the_queues_parameters_are_kept():
    assert clean_query("?status=open&status=created&page=3&csrfmiddlewaretoken=x&evil=1&ordering=-amount"
                       "&page_size=200&assigned=me&q=") == (
        "status=open&status=created&ordering=-amount&page_size=200&assigned=me")
    assert clean_query("q=4111111111111111&network=visa") == "network=visa"


def test_save_replace_share_and_delete(analyst, supervisor):
    view = saved_view_save(user=analyst, name="  My   overdue ", query="status=open&overdue=true")
    assert view.name == "My overdue" and not view.shared
    again = saved_view_save(user=analyst, name="My overdue", query="status=open&overdue=true&network=visa",
                            shared=True)
    assert again.pk == view.pk and again.query == "status=open&overdue=true&network=visa" and again.shared
    private = saved_view_save(user=supervisor, name="Sue's", query="status=closed")
    assert list(saved_views_for(analyst)) == [again]
    assert set(saved_views_for(supervisor)) == {again, private}
    with pytest.raises(PermissionDenied):
        saved_view_delete(user=supervisor, view_id=again.pk)
    saved_view_delete(user=analyst, view_id=again.pk)
    assert not SavedView.objects.filter(pk=again.pk).exists()


@pytest.mark.parametrize("name", ["", "   ", "x" * 81, "card 4111111111111111"])
def test_bad_names_are_refused(analyst, name):
    with pytest.raises(ValidationFailed):
        saved_view_save(user=analyst, name=name, query="status=open")


def test_save_a_view_from_the_queue_and_open_it_from_the_navigation(analyst, supervisor, program):
    make_case(program)
    client = logged_in(analyst)
    queue = client.get("/cases/?status=open&ordering=-amount&page_size=100&page=2").content.decode()
    assert 'name="query" value="status=open&amp;ordering=-amount&amp;page_size=100"' in queue
    response = client.post("/views/", {"name": "Big open", "query": "status=open&ordering=-amount&page_size=100",
                                       "shared": "on"})
    assert response.status_code == 303
    assert response["Location"] == "/cases/?status=open&ordering=-amount&page_size=100"
    page = client.get(response["Location"]).content.decode()
    assert "View “Big open” saved and shared with the team." in page
    assert 'href="/cases/?status=open&amp;ordering=-amount&amp;page_size=100" data-saved-view="Big open"' in page
    reopened = client.get("/cases/?status=open&ordering=-amount&page_size=100").content.decode()
    assert '<option value="-amount" selected>' in reopened and '<option value="100" selected>' in reopened
    # Shared: the supervisor sees it (without a delete button); a private view stays private.
    client.post("/views/", {"name": "Mine only", "query": "assigned=me"})
    theirs = logged_in(supervisor).get("/cases/").content.decode()
    assert 'data-saved-view="Big open"' in theirs and "by ana" in theirs
    assert "Mine only" not in theirs and "Delete the view Big open" not in theirs


def test_bad_saves_and_deletes_never_500(analyst, supervisor):
    client = logged_in(analyst)
    response = client.post("/views/", {"name": "", "query": "status=open"})
    assert response.status_code == 303
    assert "Name the view." in client.get(response["Location"]).content.decode()
    view = saved_view_save(user=supervisor, name="Sue's", query="status=open", shared=True)
    assert client.post(f"/views/{view.pk}/delete/").status_code == 403
    assert client.post("/views/999999/delete/").status_code == 303
    assert SavedView.objects.filter(pk=view.pk).exists()
    assert logged_in(analyst, enforce_csrf_checks=True).post("/views/", {"name": "x"}).status_code == 403
    assert make_user("nobody").pk


def test_the_navigation_reads_the_views_in_one_query(analyst, program):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = logged_in(analyst)
    saved_view_save(user=analyst, name="v", query="level=level_1")
    with CaptureQueriesContext(connection) as one:
        client.get("/cases/")
    for i in range(5):
        saved_view_save(user=make_user(f"p{i}", "analyst"), name=f"v{i}", query=f"level=level_{i}", shared=True)
    with CaptureQueriesContext(connection) as six:
        body = client.get("/cases/").content.decode()
    assert body.count("data-saved-view=") == 6 and len(six) == len(one)
    assert sum("cases_savedview" in q["sql"] for q in six.captured_queries) == 1
