"""In a real browser: an analyst grants provisional credit on a Reg E case, confirms, and sees the
credit, the notice letter it owes and the new due dates on the case page."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases.models import Case
from tests.regulation.helpers import regulated_case
from tests.ui.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_analyst_grants_provisional_credit_and_sees_the_letter(page, program):
    case = regulated_case(program, notified_at=None, txn_date=timezone.now() - timedelta(days=3), amount=12_500)
    login(page, "ana")
    page.goto(f"/cases/{case.number}/")
    panel = page.locator("#regulation")
    expect(panel).to_contain_text("Reg E")
    expect(panel.locator("[data-step=provisional_credit]")).to_contain_text(case.provisional_credit_due.isoformat())
    expect(panel.locator("[data-step=provisional_credit_notice]")).to_have_count(0)
    expect(panel.locator("[data-credit-status]")).to_have_text("None")

    panel.locator("[data-credit-action=grant]").click()
    expect(page.locator("h1")).to_contain_text("Grant provisional credit?")
    page.fill("#id_amount", "100.00")
    page.fill("#id_note", "Cardholder called; card blocked.")
    screenshot(page, "20_grant_confirm")
    # The notice letter is sent after commit; unit tests run the task in-process (Celery eager), so
    # the answer waits for the first PDF rendering: allow it time on a busy machine.
    page.click("button:has-text(\"Confirm: Grant provisional credit\")", timeout=90_000)

    expect(page.locator(".msg-success")).to_have_text("Grant provisional credit: done.", timeout=30_000)
    stored = Case.objects.get(pk=case.pk)
    assert (stored.provisional_credit_status, stored.provisional_credit_amount) == ("granted", 10_000)
    expect(panel.locator("[data-credit-status]")).to_have_text("Granted")
    notice_row = panel.locator("[data-step=provisional_credit_notice]")
    expect(notice_row).to_contain_text(stored.provisional_credit_notice_due.isoformat())
    # The send task ran after commit (in-process here): the notice is sent and its step done.
    expect(notice_row).to_contain_text("done")
    expect(panel.locator("#letters")).to_contain_text("Provisional credit notice")
    expect(panel.locator("#letters")).to_contain_text(f"due {stored.provisional_credit_notice_due.isoformat()}")
    expect(panel.locator("#letters")).to_contain_text("sent")
    expect(panel.locator("[data-credit-action=reverse]")).to_be_visible()
    screenshot(page, "21_case_after_grant")

    # The letter opens as a PDF preview.
    letter = stored.letters.get()
    response = page.request.get(f"/cases/{case.number}/letters/{letter.pk}/")
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
