"""Regulation events become webhooks (SPEC 11 and 13): provisional credit changes, letters sent, the
regulatory deadline warnings, and Decisionly's 12-hour `case.resolution_deadline_approaching`."""

from datetime import UTC, datetime

import pytest
import time_machine

from cases.actors import Actor
from cases.models import WebhookDelivery
from cases.services import webhooks as webhook_services
from cases.services.letters import letter_send
from cases.services.provisional_credit import case_provisional_credit
from cases.services.regulation_sweep import regulation_update_statuses, regulation_warn_final_hours
from tests.regulation.helpers import regulated_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoints(program, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    standard, _ = webhook_services.endpoint_create(program=program, actor=Actor.for_system(),
                                                   url="http://127.0.0.1:9/standard")
    decisionly, _ = webhook_services.endpoint_create(program=program, actor=Actor.for_system(),
                                                     url="http://127.0.0.1:9/decisionly", format="decisionly")
    return standard, decisionly


def _types(endpoint):
    return list(WebhookDelivery.objects.filter(endpoint=endpoint).order_by("id").values_list("event_type", flat=True))


def test_credit_letter_and_deadline_events_are_sent(program, endpoints, mailoutbox):
    standard, decisionly = endpoints
    with time_machine.travel(datetime(2026, 11, 16, 20, 0, tzinfo=UTC), tick=False):
        case = regulated_case(program)
        case_provisional_credit(case=case, actor=Actor.for_system(), action="grant")
        letter_send(case.letters.get().pk)
    assert regulation_update_statuses(datetime(2026, 12, 28, 15, 0, tzinfo=UTC))["at_risk"] == 0  # notice sent
    with time_machine.travel(datetime(2026, 11, 16, 20, 0, tzinfo=UTC), tick=False):
        other = regulated_case(program)  # credit due Tue Dec 1: at risk from Fri Nov 27
    regulation_update_statuses(datetime(2026, 11, 27, 15, 0, tzinfo=UTC))
    assert _types(standard) == ["case.created", "case.provisional_credit_changed", "case.letter_sent",
                                "case.created", "case.regulatory_deadline_approaching"]
    assert WebhookDelivery.objects.filter(endpoint=standard, case=other,
                                          event_type="case.regulatory_deadline_approaching").count() == 1


def test_decisionly_gets_the_twelve_hour_resolution_warning(program, endpoints):
    standard, decisionly = endpoints
    with time_machine.travel(datetime(2026, 11, 16, 20, 0, tzinfo=UTC), tick=False):
        regulated_case(program, card_type="credit")  # Reg Z: resolution due 2027-02-14
    assert regulation_warn_final_hours(datetime(2027, 2, 14, 17, 0, tzinfo=UTC)) == 1
    warned = WebhookDelivery.objects.get(endpoint=decisionly, event_type="case.resolution_deadline_approaching")
    assert warned.payload["type"] == "case.resolution_deadline_approaching" and set(warned.payload) == {
        "event_id", "created", "type", "data"}
    assert WebhookDelivery.objects.filter(endpoint=standard, event_type="case.regulatory_deadline_approaching").exists()
