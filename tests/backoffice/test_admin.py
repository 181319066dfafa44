"""Django admin: FSM buttons run services.case_transition with the user's permissions; level and due-date
edits run services.case_update (audited); events are read-only; evidence files are not replaced here."""

from datetime import timedelta

import pytest
from django.urls import reverse

from cases.models import Case, Evidence
from tests.backoffice.conftest import PDF
from tests.conftest import logged_in
from tests.factories import make_case


def _change_url(case):
    return f"/admin/cases/case/{case.pk}/change/"


def _form(case, **extra):
    data = {"level": case.level, "internal_due_date": case.internal_due_date or "", "due_date": case.due_date or "",
            "change_note": ""}
    data.update(extra)
    return data


def test_analyst_staff_cannot_reject_from_the_admin(staff_analyst, program):
    case = make_case(program)
    client = logged_in(staff_analyst)
    page = client.get(_change_url(case)).content.decode()
    assert 'value="file_chargeback"' in page and 'name="_fsm_transition_to"' in page
    assert 'value="reject"' not in page
    response = client.post(_change_url(case), _form(case, _fsm_transition_to="reject"), follow=True)
    assert response.status_code == 200
    assert "You may not reject a case." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "created"
    assert not case.events.filter(kind="transition").exists()


def test_supervisor_staff_runs_a_transition_through_the_service(staff_supervisor, program):
    case = make_case(program)
    client = logged_in(staff_supervisor)
    assert 'value="reject"' in client.get(_change_url(case)).content.decode()
    response = client.post(_change_url(case), _form(case, _fsm_transition_to="reject", change_note="duplicate"),
                           follow=True)
    assert "Reject: done." in response.content.decode()
    case.refresh_from_db()
    assert case.status == "rejected"
    event = case.events.get(kind="transition")
    assert (event.transition, event.actor, event.note) == ("reject", "user:staff_sue", "duplicate")
    assert event.request_id
    assert not case.events.filter(kind="note").exists()


def test_failed_condition_is_a_message_not_a_500(admin_client, program):
    case = make_case(program, reason="fraud")
    response = admin_client.post(_change_url(case), _form(case, _fsm_transition_to="file_chargeback"), follow=True)
    assert response.status_code == 200
    assert "A fraud case needs the card reported inactive" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == "created"


def test_expire_is_not_offered_and_refused(admin_client, program):
    case = make_case(program)
    assert 'value="expire"' not in admin_client.get(_change_url(case)).content.decode()
    admin_client.post(_change_url(case), _form(case, _fsm_transition_to="expire"))
    assert Case.objects.get(pk=case.pk).status == "created"


def test_level_and_due_date_edits_write_an_edit_event(staff_supervisor, program):
    case = make_case(program)
    due = (case.transaction.date + timedelta(days=30)).date()
    client = logged_in(staff_supervisor)
    response = client.post(_change_url(case), _form(case, level="level_2", due_date=due.isoformat(),
                                                    change_note="moved up", _save="Save"))
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.level, case.due_date, case.version) == ("level_2", due, 2)
    event = case.events.get(kind="edit")
    assert event.changes == {"level": {"before": "level_1", "after": "level_2"},
                             "due_date": {"before": None, "after": due.isoformat()}}
    assert (event.note, event.actor) == ("moved up", "user:staff_sue")


def test_bad_level_is_a_form_error(staff_supervisor, program):
    case = make_case(program)
    early = (case.transaction.date - timedelta(days=3)).date().isoformat()
    response = logged_in(staff_supervisor).post(_change_url(case), _form(case, level="level_9",
                                                                         internal_due_date=early, _save="Save"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Unknown level" in body and "cannot be before the transaction date" in body
    assert not case.events.filter(kind="edit").exists()


def test_analyst_staff_cannot_edit_level(staff_analyst, program):
    case = make_case(program)
    client = logged_in(staff_analyst)
    assert 'name="level"' not in client.get(_change_url(case)).content.decode()
    client.post(_change_url(case), _form(case, level="level_3", _save="Save"))
    case.refresh_from_db()
    assert case.level == "level_1"
    assert not case.events.filter(kind="edit").exists()


def test_a_note_alone_is_added_to_the_timeline(admin_client, program):
    case = make_case(program)
    admin_client.post(_change_url(case), _form(case, change_note="checked in admin", _save="Save"))
    assert case.events.get(kind="note").note == "checked in admin"
    response = admin_client.post(_change_url(case), _form(case, change_note="pan 4111111111111111", _save="Save"))
    assert response.status_code == 200 and "looks like a full card number" in response.content.decode()
    assert case.events.filter(kind="note").count() == 1


def test_cases_cannot_be_added_or_deleted_and_events_are_read_only(admin_client, program):
    case = make_case(program)
    event = case.events.first()
    assert admin_client.get("/admin/cases/case/add/").status_code == 403
    assert admin_client.get(f"/admin/cases/case/{case.pk}/delete/").status_code == 403
    assert admin_client.get("/admin/cases/caseevent/add/").status_code == 403
    assert admin_client.get(f"/admin/cases/caseevent/{event.pk}/delete/").status_code == 403
    view = admin_client.get(f"/admin/cases/caseevent/{event.pk}/change/")
    assert view.status_code == 200 and 'type="submit"' not in view.content.decode().split('id="content-main"')[1]
    admin_client.post(f"/admin/cases/caseevent/{event.pk}/change/", {"note": "rewritten"})
    event.refresh_from_db()
    assert event.note == ""


def test_evidence_cannot_be_uploaded_or_replaced_in_admin(admin_client, analyst_actor, program):
    from cases import services

    case = make_case(program)
    evidence, *_ = services.case_add_evidence(case=case, actor=analyst_actor, data=PDF, name="r.pdf")
    assert admin_client.get("/admin/cases/evidence/add/").status_code == 403
    page = admin_client.get(f"/admin/cases/evidence/{evidence.pk}/change/").content.decode()
    assert 'type="file"' not in page
    assert f'href="/cases/{case.number}/evidence/{evidence.pk}/"' in page
    admin_client.post(f"/admin/cases/evidence/{evidence.pk}/change/", {"original_name": "evil.exe"})
    assert Evidence.objects.get(pk=evidence.pk).original_name == "r.pdf"


@pytest.mark.parametrize("model", ["case", "caseevent", "evidence", "program", "apikey", "merchant", "cardholder",
                                   "transaction", "claim", "idempotencykey"])
def test_every_model_is_registered_with_search(admin_client, program, model):
    make_case(program, case_id="ADMIN-1")
    response = admin_client.get(f"/admin/cases/{model}/?q=ADMIN")
    assert response.status_code == 200


def test_case_changelist_filters_and_search(admin_client, program):
    make_case(program, case_id="FIND-ME")
    make_case(program, case_id="OTHER", path=["withdraw"])
    body = admin_client.get("/admin/cases/case/?status__exact=created&q=FIND").content.decode()
    assert "FIND-ME" in body and "OTHER" not in body
    assert "200.00 USD" in body


def test_admin_uses_the_throttled_login_form(db):
    from django.contrib import admin

    from cases.backoffice.forms import AdminLoginForm

    assert admin.site.login_form is AdminLoginForm


def test_the_admin_names_the_zone_its_times_are_in(admin_client, program):
    """The admin keeps the site's TIME_ZONE whoever is signed in, and says so on every page."""
    case = make_case(program)
    for url in (reverse("admin:index"), _change_url(case)):
        assert "times in UTC" in admin_client.get(url).content.decode()
