"""The back office in a real browser: the analyst's and the supervisor's daily work, with screenshots."""

import re

import pytest
from playwright.sync_api import expect

from cases.choices import ACTIVE_STATUSES
from cases.models import Case, Evidence
from tests.backoffice.conftest import PDF
from tests.factories import make_case
from tests.ui.conftest import login, screenshot

pytestmark = pytest.mark.browser


def _open_case(page, case):
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("h1")).to_contain_text(case.case_id)


def test_analyst_filters_the_queue_and_files_a_chargeback(page, demo_cases):
    page.goto("/cases/")
    expect(page).to_have_url(re.compile(r"/login/"))
    screenshot(page, "01_login")
    login(page, "ana")
    expect(page.locator("table.queue-table tbody tr").first).to_be_visible()
    screenshot(page, "02_queue")

    page.check("input[name=status][value=created]")  # htmx swaps the results and pushes the URL
    page.wait_for_url(re.compile(r"status=created"))
    badges = page.locator("table.queue-table tbody .badge")
    expect(badges.first).to_have_text("Created")
    assert set(badges.all_inner_texts()) == {"Created"}
    screenshot(page, "03_queue_filtered")

    filable = Case.objects.filter(program=demo_cases, status="created", review_status__isnull=True,
                                  reason__in=["product_not_received", "duplicate_charge"]).first()
    page.fill("#id_q", filable.case_id)
    page.wait_for_url(re.compile(rf"q={filable.case_id}"))
    expect(page.locator("a.case-link")).to_have_count(1)
    page.click("a.case-link")
    expect(page.locator("h1")).to_contain_text(filable.case_id)
    screenshot(page, "04_case_page")

    page.fill("#transition-note", "Filed with the network after calling the cardholder")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("[data-transition=file_chargeback]")
    expect(page.locator(".msg-success")).to_have_text("File chargeback: done.")
    expect(page.locator("h1 .badge")).to_have_text("Chargeback filed")
    first_event = page.locator("#timeline .event").first
    expect(first_event).to_contain_text("File chargeback")
    expect(first_event).to_contain_text("Filed with the network after calling the cardholder")
    screenshot(page, "05_case_after_chargeback")
    assert Case.objects.get(pk=filable.pk).status == "chargeback_filed"


def test_confirm_step_works_without_javascript(page_without_js, program):
    case = make_case(program)
    login(page_without_js, "ana")
    _open_case(page_without_js, case)
    page_without_js.click("[data-transition=withdraw]")
    expect(page_without_js.locator("h1")).to_have_text("Withdraw?")
    page_without_js.fill("#id_note", "Cardholder called to withdraw")
    screenshot(page_without_js, "06_confirm_without_js")
    page_without_js.click("button:has-text('Confirm: Withdraw')")
    expect(page_without_js.locator(".msg-success")).to_have_text("Withdraw: done.")
    assert Case.objects.get(pk=case.pk).status == "withdrawn"


def test_analyst_sees_no_supervisor_buttons(page, program):
    case = make_case(program)
    login(page, "ana")
    _open_case(page, case)
    expect(page.locator("[data-transition=file_chargeback]")).to_be_visible()
    expect(page.locator("[data-transition=reject]")).to_have_count(0)
    expect(page.locator("#deadlines")).to_have_count(0)
    screenshot(page, "07_case_as_analyst")


def test_supervisor_edits_level_and_due_date(page, program):
    case = make_case(program)
    login(page, "sue")
    _open_case(page, case)
    expect(page.locator("[data-transition=reject]")).to_be_visible()
    page.select_option("#deadlines select[name=level]", "level_3")
    page.fill("#deadlines input[name=due_date]", "2031-01-15")
    page.fill("#deadlines textarea[name=note]", "Escalated: high value")
    page.click("#deadlines button[type=submit]")
    expect(page.locator(".msg-success")).to_have_text("Level and due dates saved.")
    expect(page.locator(".figures")).to_contain_text("2031-01-15")
    expect(page.locator("#timeline .event").first).to_contain_text("level_1 → level_3")
    screenshot(page, "08_supervisor_edit")
    case.refresh_from_db()
    assert (case.level, case.due_date.isoformat()) == ("level_3", "2031-01-15")


def test_upload_and_download_evidence(page, program, tmp_path):
    case = make_case(program)
    login(page, "ana")
    _open_case(page, case)
    page.set_input_files("#id_file", files=[{"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.select_option("#id_category", "transaction_receipt")
    page.fill("#id_description", "Till receipt")
    page.click("#evidence button[type=submit]")
    expect(page.locator(".msg-success")).to_have_text("Uploaded receipt.pdf.")
    link = page.locator("#evidence a:has-text('receipt.pdf')")
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "receipt.pdf"
    saved = tmp_path / "receipt.pdf"
    download.save_as(saved)
    assert saved.read_bytes() == PDF
    screenshot(page, "09_evidence")
    assert Evidence.objects.filter(case=case).count() == 1


def test_dashboard_renders_its_charts(page, demo_cases):
    login(page, "sue")
    page.click("nav.mainnav a:has-text('Dashboard')")
    expect(page.locator("h1")).to_have_text("Dashboard")
    for chart in ("#chart-status", "#chart-weeks", "#chart-outcomes"):
        expect(page.locator(chart)).to_be_visible()
        assert page.locator(f"{chart} rect").count() > 0
    open_cases = Case.objects.filter(status__in=[s.value for s in ACTIVE_STATUSES]).count()
    assert open_cases > 0
    expect(page.locator("[data-figure=open]")).to_have_text(str(open_cases))
    screenshot(page, "10_dashboard")
