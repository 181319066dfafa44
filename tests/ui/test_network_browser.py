"""The card network in a real browser (SPEC section 12): the case page's Network panel, pressing
Retry on a failed submission, and the supervisors' exceptions page; with screenshots."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cases import services
from cases.actors import Actor
from cases.gateways.base import Document
from cases.models import NetworkSubmission
from cases.services import network_submissions as subs
from cases.services.network_inbound import networks_poll
from tests.factories import make_case
from tests.networks.gateway import MemoryGateway, registered
from tests.ui.conftest import login, screenshot

pytestmark = pytest.mark.browser

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def network():
    """Mastercard in memory, for the live server's thread too (the registry is the process's)."""
    with registered(MemoryGateway("mastercard")) as gateway:
        yield gateway


def send_all() -> None:
    """What the worker does. With the test settings' eager tasks the commit has sent them already."""
    ids = list(subs.unsettled_submissions().filter(next_attempt_at__lte=timezone.now()).values_list("pk", flat=True))
    subs.submissions_send(ids)


@pytest.fixture
def worked_case(team, program, network, settings):
    """Chargeback acknowledged, representment applied, pre-arbitration failed (the network was
    down), and a late item that fits no step of the case any more."""
    actor = Actor.for_user(team["supervisor"])
    case = make_case(program, amount=25000)
    services.case_add_evidence(case=case, actor=actor, data=PDF, name="Cardholder letter 2026.pdf",
                               category="cardholder_statement")
    services.case_transition(case=case, transition="file_chargeback", actor=actor, note="Goods never arrived.")
    send_all()
    assert NetworkSubmission.objects.get(case=case).state == "acknowledged"
    case.refresh_from_db()
    network.push("representment", case.network_claim_id, message_id="MC-REP-0001", amount_minor=25000,
                 currency="USD", reason="Proof of delivery attached",
                 documents=(Document("proof-of-delivery.pdf", "application/pdf", PDF),))
    networks_poll()
    settings.NETWORK_SUBMISSION_MAX_ATTEMPTS = 1
    network.unreachable = True
    services.case_transition(case=case, transition="file_prearbitration", actor=actor)
    send_all()
    assert NetworkSubmission.objects.get(case=case, kind="prearbitration").state == "failed"
    network.unreachable = False
    network.push("prearb_received", case.network_claim_id, message_id="MC-PRE-0002")
    networks_poll()
    return case


def test_analyst_presses_retry_on_a_failed_submission(page, worked_case, browser, live_server, program, team,
                                                      network):
    failed = NetworkSubmission.objects.get(case=worked_case, kind="prearbitration")
    login(page, "ana")
    page.goto(f"/cases/{worked_case.number}/")
    panel = page.locator("#network")
    expect(panel.locator("[data-claim-id]")).to_have_text(worked_case.network_claim_id)
    expect(panel.locator('#network-submissions tr[data-state="acknowledged"]')).to_contain_text("Chargeback")
    expect(panel.locator(f'tr[data-submission="{failed.pk}"]')).to_contain_text("Failed")
    expect(panel.locator(f'tr[data-submission-detail="{failed.pk}"]')).to_contain_text("connection refused")
    expect(panel.locator('#network-messages tr[data-state="unmatched"]')).to_contain_text("MC-PRE-0002")
    screenshot(page, "network_01_case_panel")

    panel.locator(f'button[data-retry="{failed.pk}"]').click()
    expect(page.locator(".msg-success")).to_contain_text("queued for Mastercard again")
    # Queued again; with eager tasks (the test settings) already sent and acknowledged.
    expect(page.locator(f'#network tr[data-submission="{failed.pk}"]')).to_have_attribute(
        "data-state", re.compile("^(queued|acknowledged)$"))
    expect(page.locator(f'button[data-retry="{failed.pk}"]')).to_have_count(0)
    expect(page.locator("#timeline .event").first).to_contain_text("Network submission")
    screenshot(page, "network_02_after_retry")
    failed.refresh_from_db()
    assert failed.state in ("queued", "acknowledged") and failed.manual_retries == 1
    assert network.lookups == [failed.client_reference] or failed.state == "queued"  # asked before re-sending

    # A second case whose evidence Mastercard would refuse: named before anything is sent.
    refused = make_case(program)
    services.case_add_evidence(case=refused, actor=Actor.for_user(team["analyst"]), data=PNG,
                               name="screenshot of the order.png")
    page.goto(f"/cases/{refused.number}/")
    expect(page.locator("#packaging-problems")).to_contain_text("screenshot of the order.png")
    screenshot(page, "network_03_packaging_problems")
    services.case_transition(case=refused, transition="file_chargeback", actor=Actor.for_user(team["analyst"]))
    rejected = NetworkSubmission.objects.get(case=refused)
    assert rejected.state == "rejected" and network.sent_kinds(refused.case_id) == []

    sup_context = browser.new_context(base_url=live_server.url, viewport={"width": 1440, "height": 900})
    sup = sup_context.new_page()
    try:
        login(sup, "sue")
        sup.click("nav.mainnav >> text=Network exceptions")
        expect(sup.locator("#exception-messages")).to_contain_text("MC-PRE-0002")
        expect(sup.locator(f'#exception-submissions tr[data-submission="{rejected.pk}"]')).to_contain_text("Rejected")
        expect(sup.locator(f'button[data-retry="{rejected.pk}"]')).to_be_visible()
        screenshot(sup, "network_04_exceptions")
    finally:
        sup_context.close()
