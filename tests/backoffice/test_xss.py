"""Stored XSS: every free-text field holding markup is shown escaped on every page that shows it."""

from datetime import UTC, datetime

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from cases import services
from cases.actors import Actor
from cases.models import Evidence
from tests.backoffice.conftest import PDF, case_url
from tests.factories import TransactionFactory, make_case

SCRIPT = "<script>alert(1)</script>"
ATTR = '"><img src=x onerror=alert(1)>'
SCRIPT_ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
ATTR_ESCAPED = "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture(params=[SCRIPT, ATTR], ids=["script", "attribute"])
def payload(request):
    return request.param


@pytest.fixture
def hostile_case(program, analyst, payload):
    txn = TransactionFactory(program=program, merchant__name=f"M {payload}", merchant__business_name=payload,
                             cardholder__name=f"C {payload}", cardholder__address_line1=payload)
    case = make_case(program, transaction=txn, comments=f"comment {payload}",
                     issuer_evidence={"cardholder_explanation": f"explain {payload}", payload: {"nested": payload}},
                     custom_fields={f"k{payload}"[:50]: f"v {payload}"})
    actor = Actor.for_user(analyst)
    services.case_add_note(case=case, actor=actor, text=f"note {payload}")
    services.case_update(case=case, actor=Actor.for_system(), custom_fields={"kx": f"cf {payload}"},
                         note=f"edit {payload}")
    services.case_add_evidence(case=case, actor=actor, data=PDF, name=f"{payload}.pdf",
                               description=f"desc {payload}")
    services.case_transition(case=case, transition="withdraw", actor=actor, note=f"step {payload}")
    return case


def _assert_safe(body: str, payload: str, min_escaped: int = 1):
    dangerous = SCRIPT if payload == SCRIPT else "<img src=x onerror=alert(1)>"
    assert dangerous not in body
    escaped = SCRIPT_ESCAPED if payload == SCRIPT else ATTR_ESCAPED
    assert body.count(escaped) >= min_escaped, (escaped, body.count(escaped))


def test_timeline_item_escapes_every_value(payload):
    hostile = {"kind": payload, "created": datetime(2026, 3, 1, tzinfo=UTC), "actor": payload, "note": payload,
               "title": payload, "from_label": payload, "to_label": payload, "name": payload, "category": payload,
               "headline": payload, "detail": payload,
               "changes": [(payload, payload, payload, True), (payload, None, payload, False), (payload, None, None, True)]}
    for kind in ("transition", "evidence", "note", "edit", payload):
        body = render_to_string("cases/_timeline_item.html", {"entry": {**hostile, "kind": kind}})
        assert ("<script" if payload == SCRIPT else "<img") not in body, kind
        assert body.count(SCRIPT_ESCAPED if payload == SCRIPT else ATTR_ESCAPED) >= 6, kind


def test_queue_escapes_party_names(analyst_client, hostile_case, payload):
    body = analyst_client.get("/cases/").content.decode()
    _assert_safe(body, payload, min_escaped=2)
    assert f"M {SCRIPT_ESCAPED if payload == SCRIPT else ATTR_ESCAPED}" in body


def test_case_page_escapes_every_free_text_field(analyst_client, hostile_case, payload):
    body = analyst_client.get(case_url(hostile_case)).content.decode()
    escaped = SCRIPT_ESCAPED if payload == SCRIPT else ATTR_ESCAPED
    for text in (f"M {escaped}", f"C {escaped}", f"comment {escaped}", f"explain {escaped}", f"note {escaped}",
                 f"desc {escaped}", f"step {escaped}", f"v {escaped}"):
        assert text in body, text
    timeline = body[body.index('<ol class="timeline">'):body.index("</ol>", body.index('<ol class="timeline">'))]
    stored_name = escape(Evidence.objects.get(case=hostile_case).original_name)  # a path's last part only
    assert "&lt;" in stored_name or "&gt;" in stored_name
    for text in (f"<b>Evidence added</b> {stored_name}", f'<p class="prewrap event-note">step {escaped}</p>',
                 f'<p class="prewrap event-note">edit {escaped}</p>', f'<p class="prewrap event-note">note {escaped}</p>',
                 f"cf {escaped}"):
        assert text in timeline, text
    _assert_safe(body, payload, min_escaped=10)


def test_confirm_page_and_dashboard_are_safe(analyst_client, program, payload):
    case = make_case(program, case_id="SAFE-1", comments=payload)
    assert payload not in analyst_client.get(case_url(case, "transitions/withdraw/")).content.decode()
    body = analyst_client.get("/dashboard/").content.decode()
    assert "alert(1)" not in body


def test_admin_pages_escape_free_text(admin_client, hostile_case, payload):
    evidence = Evidence.objects.get(case=hostile_case)
    txn = hostile_case.transaction
    pages = {
        f"/admin/cases/case/{hostile_case.pk}/change/": 3,
        "/admin/cases/case/": 0,
        f"/admin/cases/merchant/{txn.merchant_id}/change/": 1,
        f"/admin/cases/cardholder/{txn.cardholder_id}/change/": 1,
        f"/admin/cases/evidence/{evidence.pk}/change/": 1,
        "/admin/cases/evidence/": 0,
        "/admin/cases/caseevent/": 0,
        "/admin/cases/transaction/": 1,
    }
    for url, min_escaped in pages.items():
        response = admin_client.get(url)
        assert response.status_code == 200, url
        _assert_safe(response.content.decode(), payload, min_escaped=min_escaped)
