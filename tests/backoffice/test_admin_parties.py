"""Django admin: merchant and cardholder edits run their services (events on every case, card-number
screening), and the service's own errors are shown on the fields they name."""

from cases.models import Cardholder, CaseEvent, Merchant
from tests.factories import make_case


def _merchant_form(merchant, **changes):
    data = {"name": merchant.name, "business_name": merchant.business_name, "mcc": merchant.mcc,
            "chargeback_email": merchant.chargeback_email, "mobile": merchant.mobile, "_save": "Save"}
    return {**data, **changes}


def _cardholder_form(cardholder, **changes):
    data = {name: getattr(cardholder, name) for name in (
        "name", "email", "mobile", "type", "address_line1", "address_line2", "city", "state", "postal_code", "country")}
    return {**data, **changes, "_save": "Save"}


def test_a_merchant_edit_writes_an_event_on_its_case(admin_client, program):
    case = make_case(program)
    merchant = case.transaction.merchant
    response = admin_client.post(f"/admin/cases/merchant/{merchant.pk}/change/",
                                 _merchant_form(merchant, name="FoodHub India"))
    assert response.status_code == 302
    assert Merchant.objects.get(pk=merchant.pk).name == "FoodHub India"
    event = CaseEvent.objects.get(case=case, kind="edit")
    assert event.changes == {"merchant.name": {"before": "FoodHub", "after": "FoodHub India"}}
    assert event.actor == "user:root"


def test_a_card_number_in_a_merchant_field_is_refused_on_that_field(admin_client, program):
    case = make_case(program)
    merchant = case.transaction.merchant
    response = admin_client.post(f"/admin/cases/merchant/{merchant.pk}/change/",
                                 _merchant_form(merchant, business_name="4111 1111 1111 1111", mcc="58"))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "full card number" in errors["business_name"][0]
    assert "four digits" in errors["mcc"][0]
    assert Merchant.objects.get(pk=merchant.pk).business_name == ""
    assert not CaseEvent.objects.filter(case=case, kind="edit").exists()


def test_a_bad_cardholder_edit_is_shown_on_its_fields(admin_client, program):
    case = make_case(program)
    cardholder = case.transaction.cardholder
    response = admin_client.post(f"/admin/cases/cardholder/{cardholder.pk}/change/",
                                 _cardholder_form(cardholder, city="Call 5555 5555 5555 4444"))
    assert response.status_code == 200
    assert "full card number" in response.context["adminform"].form.errors["city"][0]
    assert "5555 5555" not in response.content.decode()  # never echoed back
    assert "5555" not in Cardholder.objects.get(pk=cardholder.pk).city
    response = admin_client.post(f"/admin/cases/cardholder/{cardholder.pk}/change/",
                                 _cardholder_form(cardholder, email="susie@example.org", country="IN"))
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, kind="edit")
    assert set(event.changes) == {"cardholder.email", "cardholder.country"}


def test_merchants_and_cardholders_are_not_added_in_the_admin(admin_client, program):
    assert admin_client.get("/admin/cases/merchant/add/").status_code == 403
    assert admin_client.get("/admin/cases/cardholder/add/").status_code == 403
