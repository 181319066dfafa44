"""The back office's regulation panel, credit buttons, queue filter and badge, and dashboard tiles."""

import pytest

from cases.models import Case
from tests.regulation.helpers import regulated_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(client, analyst):
    client.force_login(analyst)
    return client


def test_panel_shows_rule_steps_credit_and_letters(analyst_client, program):
    case = regulated_case(program, card_type="credit")
    page = analyst_client.get(f"/cases/{case.number}/").content.decode()
    assert 'id="regulation"' in page and "Reg Z" in page
    assert 'data-step="acknowledgement"' in page and 'data-step="resolution"' in page
    assert "Acknowledgement" in page and "not sent yet" in page
    assert 'data-credit-action="grant"' in page


def test_grant_needs_confirmation_and_refuses_bad_amounts(analyst_client, program):
    case = regulated_case(program, amount=10_000)
    url = f"/cases/{case.number}/provisional-credit/grant/"
    confirm = analyst_client.get(url)
    assert confirm.status_code == 200 and b"Grant provisional credit?" in confirm.content
    refused = analyst_client.post(url, {"amount": "100.01"})
    assert refused.status_code == 422 and b"cannot exceed the disputed amount" in refused.content
    assert analyst_client.post(url, {"amount": "-1"}).status_code == 400
    assert analyst_client.post(url, {"amount": "1.001"}).status_code == 422
    done = analyst_client.post(url, {"amount": "25.00", "note": "ok"})
    assert done.status_code == 303
    assert Case.objects.get(pk=case.pk).provisional_credit_amount == 2_500
    again = analyst_client.post(url, {})
    assert again.status_code == 409 and b"already granted" in again.content
    assert analyst_client.get(f"/cases/{case.number}/provisional-credit/steal/").status_code == 404


def test_plain_user_may_not_touch_credit(client, plain_user, program):
    case = regulated_case(program)
    client.force_login(plain_user)
    assert client.post(f"/cases/{case.number}/provisional-credit/grant/", {}).status_code == 403


def test_letter_preview_is_a_pdf(analyst_client, program):
    case = regulated_case(program, card_type="credit")
    letter = case.letters.get()
    response = analyst_client.get(f"/cases/{case.number}/letters/{letter.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert analyst_client.get(f"/cases/{case.number}/letters/999999/").status_code == 404


def test_queue_filters_and_badges_by_regulation_status(analyst_client, program):
    risky = regulated_case(program)
    calm = regulated_case(program, notified_at=None)  # noticed today: weeks to go
    Case.objects.filter(pk=risky.pk).update(regulation_status="at_risk")
    page = analyst_client.get("/cases/", {"regulation_status": "at_risk"}).content.decode()
    assert risky.case_id in page and calm.case_id not in page
    assert "Reg E at risk" in page


def test_dashboard_shows_regulation_tiles(analyst_client, analyst_actor, program):
    from cases.services.provisional_credit import case_provisional_credit

    case = regulated_case(program, notified_at=None)
    Case.objects.filter(pk=case.pk).update(regulation_status="breached")
    credited = regulated_case(program, notified_at=None, amount=4_200)
    case_provisional_credit(case=credited, actor=analyst_actor, action="grant")
    page = analyst_client.get("/dashboard/").content.decode()
    assert 'data-figure="regulation_breached">1<' in page
    assert 'data-figure="regulation_at_risk">1<' in page  # the credit's notice is due in 2 business days
    assert "42.00 USD" in page.split('data-figure="credit_outstanding"')[1][:200]
