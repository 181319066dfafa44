"""The case page: what each role sees and may do; every action through the services, errors in plain words."""

from datetime import timedelta

import pytest
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases import services
from cases.actors import Actor
from cases.models import Case
from tests.backoffice.conftest import PNG, case_url
from tests.factories import make_case

SUPERVISOR_ONLY = ("reject", "file_arbitration", "accept")


def _body(response) -> str:
    return response.content.decode()


def test_page_shows_every_panel(analyst_client, program):
    case = make_case(program, case_id="PANELS", issuer_evidence={"cardholder_explanation": "Never arrived",
                                                                  "card": {"is_active": True}},
                     custom_fields={"channel": "mobile"})
    body = _body(analyst_client.get(case_url(case)))
    for text in ("PANELS", "200.00 USD", "Chargeback due", "Cardholder", "Susie Chargeback", "Merchant", "FoodHub",
                 "Transaction", "•••• 4242", "Issuer evidence", "Cardholder explanation", "Never arrived",
                 "Is active", "Yes", "Custom fields", "channel", "mobile", "Evidence files", "Notes", "Timeline",
                 "Case created"):
        assert text in body, text


def test_analyst_sees_analyst_steps_and_no_supervisor_controls(analyst_client, program):
    case = make_case(program)
    body = _body(analyst_client.get(case_url(case)))
    assert 'data-transition="file_chargeback"' in body
    assert 'data-transition="withdraw"' in body
    assert 'data-transition="reject"' not in body
    assert 'data-transition="expire"' not in body
    assert "Save level and dates" not in body
    assert "Mark reviewed" not in body
    assert "Change amount" in body  # analysts may change the trusted amount


def test_supervisor_sees_supervisor_controls(supervisor_client, program):
    case = make_case(program)
    body = _body(supervisor_client.get(case_url(case)))
    assert 'data-transition="reject"' in body
    assert 'data-transition="expire"' not in body
    assert "Save level and dates" in body


@pytest.mark.parametrize("name", SUPERVISOR_ONLY)
def test_analyst_post_of_a_supervisor_transition_is_refused(analyst_client, program, name):
    case = make_case(program, path=["file_chargeback", "record_representment"] if name != "reject" else [])
    before = case.events.count()
    assert analyst_client.get(case_url(case, f"transitions/{name}/")).status_code == 403
    response = analyst_client.post(case_url(case, f"transitions/{name}/"), {"note": "try"})
    assert response.status_code == 403
    assert case.events.count() == before
    assert Case.objects.get(pk=case.pk).status == case.status


def test_analyst_post_of_supervisor_edits_is_refused(analyst_client, program):
    case = make_case(program, amount=500000)
    program.review_threshold = 1
    program.save()
    case = make_case(program)
    assert case.review_status == "chargeback_needs_review"
    before = case.events.count()
    assert analyst_client.post(case_url(case, "deadlines/"), {"level": "level_2"}).status_code == 403
    assert analyst_client.post(case_url(case, "reviewed/"), {}).status_code == 403
    assert analyst_client.post(case_url(case, "transitions/expire/"), {}).status_code == 403
    case.refresh_from_db()
    assert case.level == "level_1" and case.review_status == "chargeback_needs_review"
    assert case.events.count() == before


def test_file_chargeback_with_a_note_writes_the_event(analyst_client, analyst, program):
    case = make_case(program)
    confirm = analyst_client.get(case_url(case, "transitions/file_chargeback/"))
    assert confirm.status_code == 200 and "File chargeback?" in _body(confirm)
    response = analyst_client.post(case_url(case, "transitions/file_chargeback/"), {"note": "Sent to network"})
    assert response.status_code == 303 and response["Location"] == case_url(case)
    event = case.events.get(kind="transition")
    assert (event.transition, event.from_status, event.to_status, event.note) == (
        "file_chargeback", "created", "chargeback_filed", "Sent to network")
    assert event.actor == "user:ana" and event.actor_user == analyst and event.request_id
    page = _body(analyst_client.get(case_url(case)))
    assert "File chargeback: done." in page and "Sent to network" in page


def test_htmx_transition_answers_with_hx_redirect(analyst_client, program):
    case = make_case(program)
    response = analyst_client.post(case_url(case, "transitions/withdraw/"), {"note": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == case_url(case)
    assert Case.objects.get(pk=case.pk).status == "withdrawn"


def test_failed_condition_is_explained_in_plain_words(analyst_client, program):
    case = make_case(program, reason="fraud", issuer_evidence={"card": {"is_active": True}})
    body = _body(analyst_client.get(case_url(case)))
    assert "File chargeback</b> is not possible yet" in body
    assert f'href="/cases/{case.number}/transitions/file_chargeback/"' not in body
    response = analyst_client.post(case_url(case, "transitions/file_chargeback/"), {"note": ""})
    assert response.status_code == 422
    assert "A fraud case needs the card reported inactive" in _body(response)
    htmx = analyst_client.post(case_url(case, "transitions/file_chargeback/"), {}, HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == case_url(case)
    assert "A fraud case needs the card reported inactive" in _body(analyst_client.get(case_url(case)))


def test_transition_from_the_wrong_status_is_a_409_message(analyst_client, program):
    case = make_case(program, path=["withdraw"])
    response = analyst_client.post(case_url(case, "transitions/file_chargeback/"), {"note": ""})
    assert response.status_code == 409
    assert "is not allowed from status" in _body(response)


def test_supervisor_edits_level_and_due_dates(supervisor_client, program):
    case = make_case(program)
    due = (case.transaction.date + timedelta(days=20)).date()
    response = supervisor_client.post(case_url(case, "deadlines/"), {
        "level": "level_3", "internal_due_date": due.isoformat(), "due_date": "", "note": "escalated"})
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.level == "level_3" and case.internal_due_date == due
    event = case.events.get(kind="edit")
    assert event.changes["level"] == {"before": "level_1", "after": "level_3"}
    assert event.note == "escalated" and event.actor == "user:sue"
    assert "Level and due dates saved." in _body(supervisor_client.get(case_url(case)))


def test_deadline_edit_errors_are_inline(supervisor_client, program):
    case = make_case(program)
    early = (case.transaction.date - timedelta(days=5)).date().isoformat()
    response = supervisor_client.post(case_url(case, "deadlines/"), {"level": "level_9", "internal_due_date": early})
    assert response.status_code == 400
    assert "Select a valid choice" in _body(response)
    response = supervisor_client.post(case_url(case, "deadlines/"), {"level": "level_1", "internal_due_date": early})
    assert response.status_code == 422
    assert "The internal due date cannot be before the transaction date." in _body(response)
    assert not case.events.filter(kind="edit").exists()


def test_supervisor_marks_reviewed(supervisor_client, program):
    program.review_threshold = 100
    program.save()
    case = make_case(program)
    assert "Mark reviewed" in _body(supervisor_client.get(case_url(case)))
    assert supervisor_client.post(case_url(case, "reviewed/"), {"note": "ok"}).status_code == 303
    case.refresh_from_db()
    assert case.review_status is None
    assert case.events.filter(kind="edit", changes__review_status__after=None).exists()
    again = supervisor_client.post(case_url(case, "reviewed/"), {"note": ""})
    assert again.status_code == 403 or "not waiting for review" in _body(again)


def test_change_amount_in_major_units(analyst_client, program):
    case = make_case(program)
    assert analyst_client.post(case_url(case, "amount/"), {"amount": "150.25", "note": "partial"}).status_code == 303
    case.refresh_from_db()
    assert case.disputed_amount == 15025
    event = case.events.get(kind="amount")
    assert event.changes["disputed_amount"] == {"before": 20000, "after": 15025}
    assert "200.00 USD" in _body(analyst_client.get(case_url(case)))  # the timeline shows before/after
    for bad, message in (("1.234", "at most 2 decimal places"), ("abc", "must be a number"),
                         ("900", "cannot be higher than the transaction amount"), ("0", "greater than zero")):
        response = analyst_client.post(case_url(case, "amount/"), {"amount": bad})
        assert response.status_code in (400, 422), bad
        assert message in _body(response), bad
    assert case.events.filter(kind="amount").count() == 1


def test_notes_are_added_and_screened_for_card_numbers(analyst_client, program):
    case = make_case(program)
    assert analyst_client.post(case_url(case, "notes/"), {"text": "Called the merchant"}).status_code == 303
    assert case.events.get(kind="note").note == "Called the merchant"
    response = analyst_client.post(case_url(case, "notes/"), {"text": "card 4111 1111 1111 1111 seen"})
    assert response.status_code == 400
    body = _body(response)
    assert "looks like a full card number" in body and "4111 1111 1111 1111" not in body
    empty = analyst_client.post(case_url(case, "notes/"), {"text": "   "})
    assert empty.status_code == 400 and "This field is required." in _body(empty)
    response = analyst_client.post(case_url(case, "transitions/withdraw/"), {"note": "pan 4111111111111111"})
    assert response.status_code == 400 and "4111111111111111" not in _body(response)
    assert case.events.filter(kind="note").count() == 1
    assert Case.objects.get(pk=case.pk).status == "created"


def test_closed_case_offers_no_edits(supervisor_client, program):
    case = make_case(program, path=["withdraw"])
    body = _body(supervisor_client.get(case_url(case)))
    assert "Save level and dates" not in body and "Change amount" not in body and "Next steps" not in body
    response = supervisor_client.post(case_url(case, "deadlines/"), {"level": "level_2"})
    assert response.status_code == 409 and "A closed case cannot be edited." in _body(response)


def test_case_page_query_budget_is_constant(analyst_client, analyst, program, django_assert_num_queries):
    quiet = make_case(program)
    with CaptureQueriesContext(connection) as few:
        assert analyst_client.get(case_url(quiet)).status_code == 200
    # session, user, permissions (2), the case, its events, files, letters, approvals, saved views, its network
    # submissions (a Mastercard case; its network messages too once it has a submission or a claim id)
    assert len(few) <= 11
    busy = make_case(program)
    actor = Actor.for_user(analyst)
    for i in range(29):
        services.case_add_note(case=busy, actor=actor, text=f"note {i}")
    for i in range(8):
        services.case_add_evidence(case=busy, actor=actor, data=PNG + bytes([i]), name=f"f{i}.png")
    assert busy.events.count() >= 30
    with django_assert_num_queries(len(few)):
        response = analyst_client.get(case_url(busy))
    assert response.status_code == 200 and _body(response).count('class="event event-') >= 30


def _local(moment, fmt):
    return date_filter(timezone.localtime(moment), fmt)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Kolkata"])
def test_timeline_notes_and_files_show_labels_changes_and_local_times(supervisor_client, supervisor, program, zone):
    case = make_case(program)
    actor = Actor.for_user(supervisor)
    case = services.case_transition(case=case, transition="file_chargeback", actor=actor, note="Sent").case
    services.case_add_evidence(case=case, actor=actor, data=PNG, name="receipt.png", category="transaction_receipt",
                               description="The receipt")
    case = services.case_change_amount(case=Case.objects.get(pk=case.pk), actor=actor, amount=15025,
                                       currency="USD").case
    services.case_update(case=case, actor=actor, level="level_3")
    services.case_add_note(case=case, actor=actor, text="Called the merchant")
    with timezone.override(zone):
        body = _body(supervisor_client.get(case_url(case)))
        events = list(case.events.order_by("-created", "-id"))
        stamps = [f'<time datetime="{_local(e.created, "c")}">{_local(e.created, "Y-m-d H:i T")}</time>' for e in events]
        positions = [body.index(stamp) for stamp in stamps]
        assert positions == sorted(positions)  # newest first
        note = events[0]
        assert f'<p class="sub">user:sue · {_local(note.created, "Y-m-d H:i T")}</p>' in body
        evidence = case.evidence.get()
        assert f'<td>{_local(evidence.created, "Y-m-d H:i T")}<div class="sub">user:sue</div></td>' in body
        assert f'<td><a href="/cases/{case.number}/evidence/{evidence.pk}/" download>receipt.png</a>' in body
        assert f'<dt>Dispute date</dt><dd>{_local(case.dispute_date, "Y-m-d H:i T")}</dd>' in body
    assert '<td>Transaction receipt</td>' in body and f'<td class="num">{len(PNG)} B</td>' in body
    assert '<b>File chargeback</b> <span class="muted">Created → Chargeback filed</span>' in body
    assert '<b>Evidence added</b> receipt.png <span class="muted">(Transaction receipt)</span>' in body
    assert "<li>Disputed amount: <del>200.00 USD</del> → <ins>150.25 USD</ins></li>" in body
    assert "<li>Level: <del>level_1</del> → <ins>level_3</ins></li>" in body
    assert '<p class="prewrap event-note">Sent</p>' in body
    assert body.count('class="event event-') == 6


def test_transition_buttons_post_to_the_transition(analyst_client, program):
    case = make_case(program)
    body = _body(analyst_client.get(case_url(case)))
    url = f"/cases/{case.number}/transitions/file_chargeback/"
    assert f'href="{url}"\n             hx-post="{url}"' in body


def test_header_names_the_role_from_permissions(analyst_client, supervisor_client, program):
    case = make_case(program)
    assert " · analyst</span>" in _body(analyst_client.get(case_url(case)))
    supervisor_page = _body(supervisor_client.get(case_url(case)))
    assert " · supervisor</span>" in supervisor_page and " · analyst</span>" not in supervisor_page
