"""Where webhook deliveries are written (SPEC sections 10-11): with each audit event (including the
set-based sweep and claims), once per subscribed endpoint, and the 72 h / 24 h deadline reminders."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from cases import services
from cases.actors import Actor
from cases.choices import WebhookDeliveryStatus
from cases.models import Case, WebhookDelivery
from cases.services import webhooks as webhook_services
from cases.services.webhook_outbox import deadline_reminders_write, reminder_threshold
from tests.factories import make_case


@pytest.fixture
def endpoint(program, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    endpoint, _ = webhook_services.endpoint_create(program=program, actor=Actor.for_system(),
                                                   url="http://127.0.0.1:9/hooks")
    return endpoint


def test_one_delivery_per_event_and_enabled_subscribed_endpoint(program, other_program, endpoint, settings):
    webhook_services.endpoint_create(program=program, actor=Actor.for_system(), url="http://127.0.0.1:9/b",
                                     events=["case.status_changed"])
    disabled, _ = webhook_services.endpoint_create(program=program, actor=Actor.for_system(),
                                                   url="http://127.0.0.1:9/c")
    webhook_services.endpoint_update(endpoint=disabled, actor=Actor.for_system(), status="disabled")
    make_case(other_program)
    make_case(program)
    assert list(WebhookDelivery.objects.values_list("endpoint_id", "event_type")) == [(endpoint.pk, "case.created")]


def test_a_rolled_back_change_writes_no_delivery(program, endpoint, supervisor):
    case = make_case(program)
    before = WebhookDelivery.objects.count()
    with pytest.raises(Exception):  # noqa: B017 - any refusal rolls the whole change back
        services.case_transition(case=case, actor=Actor.for_user(supervisor), transition="win")
    assert WebhookDelivery.objects.count() == before


def test_the_sweep_tells_each_status_change(program, endpoint):
    case = make_case(program, days_ago=130)
    WebhookDelivery.objects.all().delete()
    services.cases_expire_overdue()
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event_type == "case.status_changed"
    assert delivery.payload["data"] == {"case_id": case.case_id, "program_id": program.program_id,
                                        "status": "expired", "previous_status": "created",
                                        "version": Case.objects.get(pk=case.pk).version}


def test_claims_tell_each_case_moved(program, endpoint, supervisor):
    cases = [make_case(program), make_case(program)]
    WebhookDelivery.objects.all().delete()
    services.claim_create(program=program, actor=Actor.for_user(supervisor), case_ids=[c.case_id for c in cases])
    assert sorted(d.payload["data"]["case_id"] for d in WebhookDelivery.objects.all()) == sorted(
        c.case_id for c in cases)
    assert {d.event_type for d in WebhookDelivery.objects.all()} == {"case.updated"}


@pytest.mark.parametrize(("hours_left", "expected"), [(100, None), (71, 72), (25, 72), (23, 24), (0.5, 24), (-1, None)])
def test_reminder_thresholds(hours_left, expected):
    deadline = datetime(2026, 12, 10).date()
    ends = datetime(2026, 12, 11, tzinfo=UTC)
    assert reminder_threshold(deadline, ends - timedelta(hours=hours_left)) == expected


def test_deadline_reminders_are_written_once_each(program, endpoint):
    case = make_case(program)
    deadline = case.next_deadline
    ends = datetime.combine(deadline + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    WebhookDelivery.objects.all().delete()
    with time_machine.travel(ends - timedelta(hours=80)):
        assert deadline_reminders_write() == 0
    with time_machine.travel(ends - timedelta(hours=70)):
        deadline_reminders_write()
        deadline_reminders_write()
    with time_machine.travel(ends - timedelta(hours=20)):
        deadline_reminders_write()
        deadline_reminders_write()
    reminders = list(WebhookDelivery.objects.filter(event_type="case.deadline_approaching")
                     .values_list("payload", flat=True))
    assert sorted(r["data"]["hours_before"] for r in reminders) == [24, 72]
    assert {r["data"]["deadline"] for r in reminders} == {deadline.isoformat()}
    assert all(r["data"]["case_id"] == case.case_id for r in reminders)
    assert WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING).count() == 2


def test_reminders_respect_the_subscription(program, endpoint):
    webhook_services.endpoint_update(endpoint=endpoint, actor=Actor.for_system(), events=["case.created"])
    case = make_case(program)
    ends = datetime.combine(case.next_deadline + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    with time_machine.travel(ends - timedelta(hours=20)):
        deadline_reminders_write()
    assert not WebhookDelivery.objects.filter(event_type="case.deadline_approaching").exists()


def test_a_merchant_correction_tells_every_case_it_shows_on(program, endpoint, admin_user):
    from cases.services.parties import merchant_update

    case = make_case(program)
    WebhookDelivery.objects.all().delete()
    merchant_update(merchant=case.transaction.merchant, actor=Actor.for_user(admin_user), fields={"name": "Renamed"})
    [delivery] = WebhookDelivery.objects.all()
    assert delivery.event_type == "case.updated"
    assert delivery.payload["data"]["case_id"] == case.case_id
    assert delivery.payload["data"]["version"] == Case.objects.get(pk=case.pk).version
