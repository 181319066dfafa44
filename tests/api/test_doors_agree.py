"""Every door gives the same answer where the service decides: the note of an edit that changes
nothing is kept as a note, and what a door answers with is what the service wrote."""

import pytest

from cases.choices import EventKind
from cases.models import Case, CaseEvent
from tests.conftest import DoorClient, logged_in
from tests.factories import make_api_key, make_case, make_user


def notes(case):
    return list(CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).values_list("note", flat=True))


def native_patch(case, program):
    raw = make_api_key(program, ["manage"])[1]
    return DoorClient(raw).patch(f"/api/v1/cases/{case.case_id}", {"level": case.level, "note": "Checked"})


def back_office(case, program):
    client = logged_in(make_user("sue", "supervisor"))
    return client.post(f"/cases/{case.number}/deadlines/", {
        "level": case.level, "internal_due_date": case.internal_due_date.isoformat(), "due_date": "",
        "note": "Checked"})


def admin(case, program):
    client = logged_in(make_user("root", None, is_staff=True, is_superuser=True))
    return client.post(f"/admin/cases/case/{case.pk}/change/", {
        "level": case.level, "internal_due_date": case.internal_due_date.isoformat(), "due_date": "",
        "change_note": "Checked", "_save": "Save"})


def tutelar(case, program):
    raw = make_api_key(program, ["manage"])[1]
    return DoorClient(raw).put(f"/api/v1/dispute/move-level/{case.case_id}",
                                  {"level": case.level, "dueDate": "2030-01-01", "comments": "Checked"})


@pytest.mark.parametrize("door", [native_patch, back_office, admin, tutelar])
def test_an_edit_that_changes_nothing_keeps_its_note_in_every_door(program, door):
    case = make_case(program)
    if door is tutelar:  # move-level always names a due date: give the case that one already
        Case.objects.filter(pk=case.pk).update(due_date="2030-01-01")
    response = door(case, program)
    assert response.status_code in (200, 302, 303), response.content[:500]
    assert notes(case) == ["Checked"]
    assert not CaseEvent.objects.filter(case=case, kind=EventKind.EDIT).exists()


def test_the_back_office_says_the_note_was_kept(program):
    case = make_case(program)
    client = logged_in(make_user("sue", "supervisor"))
    client.post(f"/cases/{case.number}/deadlines/", {
        "level": case.level, "internal_due_date": case.internal_due_date.isoformat(), "due_date": "", "note": "Seen"})
    assert "Nothing changed; your note was added." in client.get(f"/cases/{case.number}/").content.decode()


def test_the_native_note_answer_is_the_note_written(program):
    case = make_case(program)
    api = DoorClient(make_api_key(program, ["write"])[1])
    first = api.post(f"/api/v1/cases/{case.case_id}/notes", {"note": "One"}).json()
    second = api.post(f"/api/v1/cases/{case.case_id}/notes", {"note": "Two"}).json()
    stored = list(CaseEvent.objects.filter(case=case, kind=EventKind.NOTE).order_by("id"))
    assert [first["id"], second["id"]] == [e.pk for e in stored]
    assert [first["note"], second["note"]] == ["One", "Two"]


def test_mastercard_action_ids_are_the_events_written_even_under_one_request_id(program):
    case = make_case(program, network="mastercard", amount=20000)
    api = DoorClient(make_api_key(program, ["manage"])[1])
    path = f"/global-processing/dispute/cases/{case.number}/trusted-amounts"
    # The same X-Request-ID twice: the answer is still each call's own event, not "the latest".
    same = {"X-Request-ID": "req-same-id"}
    first = api.post(path, {"currency": "USD", "newAmount": 150}, **same).json()
    second = api.post(path, {"currency": "USD", "newAmount": 120}, **same).json()
    amounts = list(CaseEvent.objects.filter(case=case, kind=EventKind.AMOUNT).order_by("id"))
    assert {e.request_id for e in amounts} == {"req-same-id"}
    assert [first["caseActionId"], second["caseActionId"]] == [e.pk for e in amounts]
    assert [e.changes["disputed_amount"]["after"] for e in amounts] == [15000, 12000]


def test_decisionly_auto_files_or_flags_through_one_service(program):
    api = DoorClient(make_api_key(program, ["manage"])[1], form="basic_username")
    ready, fraud = make_case(program), make_case(program, reason="fraud")
    assert api.post(f"/v2/issuer/cases/{ready.case_id}/file", {"file_mode": "auto"}).status_code == 202
    assert api.post(f"/v2/issuer/cases/{fraud.case_id}/file", {"file_mode": "auto"}).status_code == 202
    assert Case.objects.get(pk=ready.pk).status == "chargeback_filed"
    flagged = Case.objects.get(pk=fraud.pk)
    assert (flagged.status, flagged.review_status) == ("created", "chargeback_needs_review")
