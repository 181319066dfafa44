"""In a real browser: a supervisor signs in where two-factor is required, enrols an authenticator
app with a code computed here from the key the page shows, keeps the recovery codes, and approves
another supervisor's request to accept liability."""

from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from cases.actors import Actor
from cases.models import Case
from cases.services import approvals
from tests.factories import ProgramFactory, make_case, make_user
from tests.ui.conftest import screenshot

pytestmark = pytest.mark.browser


def test_supervisor_enrols_in_two_factor_and_approves_a_request(page, settings, team):
    settings.REQUIRE_2FA = True
    program = ProgramFactory(program_id="prog_gated", approval_actions=["accept"])
    case = make_case(program, path=("file_chargeback", "record_representment"))
    bob = Actor.for_user(make_user("bob", "supervisor"))
    approvals.approval_request(case=case, action="accept", actor=bob, reason="Signed delivery receipt holds.")

    page.goto("/login/")
    page.fill("#id_username", "sue")
    page.fill("#id_password", "pw-sue")
    page.click("button[type=submit]")
    page.wait_for_url("**/two-factor/setup/**")
    expect(page.locator(".qr svg")).to_be_visible()
    expect(page.locator(".flag-note")).to_contain_text("Your role needs it")
    screenshot(page, "40_two_factor_setup")
    secret = page.locator("#totp-secret").get_attribute("data-secret")
    key = b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_token", f"{totp(key):06d}")
    page.click("button:has-text('Turn on two-factor sign-in')")

    page.wait_for_url("**/two-factor/recovery-codes/**")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    screenshot(page, "41_two_factor_recovery_codes")
    page.click("a:has-text('Continue')")
    page.wait_for_url("**/cases/")

    page.click("nav >> text=Approvals")
    row = page.locator(f"tr[data-approval]:has-text('{case.case_id}')")
    expect(row).to_contain_text("Signed delivery receipt holds.")
    expect(row).to_contain_text("user:bob")
    row.locator("input[name=note]").fill("Agreed: the receipt is signed.")
    screenshot(page, "42_approvals_page")
    row.locator("[data-decision=approve]").click()
    expect(page.locator(".msg-success")).to_contain_text("approved and done")
    expect(page.locator("tr[data-approval]")).to_have_count(0)
    assert Case.objects.get(pk=case.pk).status == "accepted"
    page.goto(f"/cases/{case.number}/")
    expect(page.locator("h1")).to_contain_text("Accepted")
    screenshot(page, "43_case_after_approval")
