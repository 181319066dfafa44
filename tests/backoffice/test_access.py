"""Every back-office page for every role: anonymous -> login, no role -> 403, the team -> the page."""

import pytest
from django.test import Client

from tests.backoffice.conftest import case_url
from tests.conftest import logged_in

PAGES = ["/cases/", "/dashboard/", "{case}", "{case}transitions/file_chargeback/"]
POSTS = ["{case}notes/", "{case}deadlines/", "{case}reviewed/", "{case}amount/", "{case}evidence/",
         "{case}transitions/withdraw/"]


def _url(template, case):
    return template.format(case=case_url(case))


@pytest.mark.django_db
def test_root_redirects_to_the_queue(analyst_client):
    response = analyst_client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/cases/"


@pytest.mark.parametrize("template", PAGES + ["{case}evidence/1/"])
def test_anonymous_get_goes_to_login(template, case):
    response = Client().get(_url(template, case))
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize("template", POSTS)
def test_anonymous_post_goes_to_login_and_changes_nothing(template, case):
    events = case.events.count()
    response = Client().post(_url(template, case), {"text": "hello", "note": "x"})
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
    assert case.events.count() == events


@pytest.mark.parametrize("template", PAGES)
def test_user_without_a_role_is_refused(template, case, plain_user):
    response = logged_in(plain_user).get(_url(template, case))
    assert response.status_code == 403
    assert b"no access to the back office" in response.content


@pytest.mark.parametrize("role_client", ["analyst_client", "supervisor_client", "admin_client"])
@pytest.mark.parametrize("template", PAGES)
def test_team_sees_every_page(role_client, template, case, request):
    client = request.getfixturevalue(role_client)
    response = client.get(_url(template, case))
    assert response.status_code == 200
    assert b"Sign out" in response.content


def test_unknown_case_and_transition_are_404(analyst_client, case):
    assert analyst_client.get("/cases/999999/").status_code == 404
    assert analyst_client.get(case_url(case, "transitions/bogus/")).status_code == 404
    assert analyst_client.get("/cases/99999999999999999999999/").status_code == 404


def test_login_page_and_sign_in_rotates_the_session(analyst):
    client = Client()
    page = client.get("/login/")
    assert page.status_code == 200 and b'name="password"' in page.content
    client.get("/login/")
    before = client.cookies.get("sessionid")
    response = client.post("/login/", {"username": "ana", "password": "pw-ana"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    after = client.cookies["sessionid"].value
    assert after and (before is None or before.value != after)


def test_sign_out_needs_post_and_ends_the_session(analyst_client):
    assert analyst_client.get("/cases/").status_code == 200
    response = analyst_client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert analyst_client.get("/cases/").status_code == 302


def test_csrf_is_enforced_on_every_back_office_form(analyst, case):
    client = logged_in(analyst, enforce_csrf_checks=True)
    for template in POSTS:
        response = client.post(_url(template, case), {"text": "hello", "note": "x"})
        assert response.status_code == 403, template
    assert case.events.filter(kind="note").count() == 0
    case.refresh_from_db()
    assert case.status == "created"


def test_csrf_token_from_the_page_is_accepted(analyst, case):
    client = logged_in(analyst, enforce_csrf_checks=True)
    client.get(case_url(case))
    token = client.cookies["csrftoken"].value
    response = client.post(case_url(case, "notes/"), {"text": "with token", "csrfmiddlewaretoken": token})
    assert response.status_code == 303
    assert case.events.filter(kind="note", note="with token").exists()


def test_login_form_enforces_csrf(analyst):
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "ana", "password": "pw-ana"}).status_code == 403
