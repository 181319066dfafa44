"""Webhook deliveries (SPEC section 11) end to end in one process: the outbox rows written with the
change, real HTTP to a local receiver, signatures checked with `standardwebhooks`, the retry schedule."""

from datetime import timedelta

import pytest
import time_machine
from django.test import override_settings
from django.utils import timezone
from standardwebhooks import Webhook

from cases import services
from cases.actors import Actor
from cases.choices import CaseStatus, WebhookDeliveryStatus, WebhookDisabledReason, WebhookFormat
from cases.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from cases.services import webhooks as webhook_services
from cases.services.webhook_delivery import deliveries_send
from tests.factories import make_case
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.usefixtures("allow_private_urls")


@pytest.fixture
def allow_private_urls(settings):
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True


def endpoint_for(program, url, **extra):
    return webhook_services.endpoint_create(program=program, actor=Actor.for_system(), url=url, **extra)


def send_due():
    ids = list(WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING,
                                              next_attempt_at__lte=timezone.now()).values_list("pk", flat=True))
    return deliveries_send(ids)


def test_a_new_case_is_delivered_signed_with_ids_and_state_only(program):
    with Receiver() as receiver:
        endpoint, secret = endpoint_for(program, receiver.url)
        case = make_case(program)
        assert send_due() == {"delivered": 1, "retrying": 0, "failed": 0}
    [request] = receiver.requests
    body = Webhook(secret).verify(request["body"], request["headers"])
    assert body["type"] == "case.created" and body["id"].startswith("evt_")
    assert request["headers"]["webhook-id"] == body["id"]
    assert body["data"] == {"case_id": case.case_id, "program_id": program.program_id, "status": "created",
                            "version": case.version}
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDeliveryStatus.DELIVERED and delivery.next_attempt_at is None
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code == 200 and '"ok"' in attempt.response_excerpt
    assert secret.startswith("whsec_") and secret not in endpoint.secret_encrypted


def test_notes_are_never_sent_and_unsubscribed_types_are_not_written(program, analyst):
    with Receiver() as receiver:
        endpoint_for(program, receiver.url, events=["case.status_changed"])
        case = make_case(program)
        services.case_add_note(case=case, actor=Actor.for_user(analyst), text="internal only")
        assert WebhookDelivery.objects.count() == 0
        endpoint_for(program, receiver.url)  # every type
        services.case_add_note(case=case, actor=Actor.for_user(analyst), text="internal only")
        assert WebhookDelivery.objects.count() == 0


def test_status_change_names_the_previous_status(program, supervisor):
    with Receiver() as receiver:
        _, secret = endpoint_for(program, receiver.url, events=["case.status_changed"])
        case = make_case(program)
        services.case_transition(case=case, actor=Actor.for_user(supervisor), transition="file_chargeback")
        send_due()
    [body] = [Webhook(secret).verify(r["body"], r["headers"]) for r in receiver.requests]
    assert body["type"] == "case.status_changed"
    assert body["data"]["status"] == CaseStatus.CHARGEBACK_FILED and body["data"]["previous_status"] == "created"


def test_decisionly_format_uses_its_names_and_body(program, supervisor):
    with Receiver() as receiver:
        _, secret = endpoint_for(program, receiver.url, format=WebhookFormat.DECISIONLY)
        case = make_case(program)
        services.case_add_note(case=case, actor=Actor.for_user(supervisor), text="x")
        services.case_transition(case=case, actor=Actor.for_user(supervisor), transition="file_chargeback")
        send_due()
    bodies = sorted((Webhook(secret).verify(r["body"], r["headers"]) for r in receiver.requests),
                    key=lambda b: b["type"])
    assert [b["type"] for b in bodies] == ["case.chargeback_filed", "case.created"]
    assert set(bodies[0]) == {"event_id", "created", "type", "data"} and bodies[0]["data"] == {"case_id": case.case_id}
    assert bodies[0]["event_id"].startswith("event_")


def test_receiver_500_then_200_is_delivered_on_the_retry_with_one_webhook_id(program):
    with Receiver([500, 200]) as receiver:
        _, secret = endpoint_for(program, receiver.url)
        make_case(program)
        assert send_due()["retrying"] == 1
        delivery = WebhookDelivery.objects.get()
        assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=3)  # 5 s later, Svix's schedule
        with time_machine.travel(timezone.now() + timedelta(seconds=6)):
            assert send_due()["delivered"] == 1
    ids = {r["headers"]["webhook-id"] for r in receiver.requests}
    assert len(receiver.requests) == 2 and len(ids) == 1
    for request in receiver.requests:
        Webhook(secret).verify(request["body"], request["headers"])
    assert [a.status_code for a in WebhookAttempt.objects.order_by("id")] == [500, 200]


def test_the_schedule_ends_in_failed_after_eight_attempts(program):
    with Receiver([500]) as receiver:
        endpoint_for(program, receiver.url)
        make_case(program)
        moment = timezone.now()
        for _ in range(8):
            with time_machine.travel(moment):
                send_due()
            moment += timedelta(hours=11)
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDeliveryStatus.FAILED and delivery.attempts == 8
    assert len(receiver.requests) == 8


def test_410_disables_the_endpoint(program):
    with Receiver([410]) as receiver:
        endpoint, _ = endpoint_for(program, receiver.url)
        make_case(program)
        send_due()
    endpoint.refresh_from_db()
    assert endpoint.status == "disabled" and endpoint.disabled_reason == WebhookDisabledReason.GONE
    assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.FAILED


def test_429_retry_after_is_honoured(program):
    with Receiver([(429, {"Retry-After": "600"})]) as receiver:
        endpoint_for(program, receiver.url)
        make_case(program)
        send_due()
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == WebhookDeliveryStatus.PENDING
    assert delivery.next_attempt_at - timezone.now() > timedelta(seconds=590)


def test_a_closed_connection_is_a_failed_attempt_and_retried(program):
    with Receiver(["close", 200]) as receiver:
        endpoint_for(program, receiver.url)
        make_case(program)
        send_due()
        attempt = WebhookAttempt.objects.get()
        assert attempt.status_code is None and "closed" in attempt.error
        with time_machine.travel(timezone.now() + timedelta(seconds=6)):
            assert send_due()["delivered"] == 1


def test_five_days_of_failures_disable_the_endpoint(program):
    with Receiver([500]) as receiver:
        endpoint, _ = endpoint_for(program, receiver.url)
        make_case(program)
        send_due()
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None and endpoint.enabled
        make_case(program)
        with time_machine.travel(timezone.now() + timedelta(days=5, minutes=1)):
            send_due()
    endpoint.refresh_from_db()
    assert endpoint.status == "disabled" and endpoint.disabled_reason == WebhookDisabledReason.FAILING


def test_a_delivery_after_failures_clears_the_failing_clock(program):
    with Receiver([500, 200]) as receiver:
        endpoint, _ = endpoint_for(program, receiver.url)
        make_case(program)
        send_due()
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None
        with time_machine.travel(timezone.now() + timedelta(seconds=6)):
            assert send_due()["delivered"] == 1
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.enabled


@override_settings(WEBHOOK_ALLOW_PRIVATE_URLS=False)
def test_send_time_guard_refuses_an_endpoint_that_now_resolves_privately(program):
    endpoint = WebhookEndpoint.objects.create(program=program, url="https://localhost:9/hooks",
                                              secret_encrypted=webhook_services.secrets.encrypt("whsec_" + "A" * 32))
    make_case(program)
    send_due()
    attempt = WebhookAttempt.objects.get()
    assert attempt.status_code is None and "refused" in attempt.error and "loopback" in attempt.error
    assert endpoint.deliveries.get().status == WebhookDeliveryStatus.PENDING


def test_rotation_signs_with_both_secrets_for_a_day(program):
    with Receiver() as receiver:
        endpoint, old = endpoint_for(program, receiver.url)
        endpoint, new = webhook_services.endpoint_rotate_secret(endpoint=endpoint, actor=Actor.for_system())
        make_case(program)
        send_due()
        first = receiver.requests[0]
        assert len(first["headers"]["webhook-signature"].split()) == 2
        for secret in (old, new):
            Webhook(secret).verify(first["body"], first["headers"])
        with time_machine.travel(timezone.now() + timedelta(hours=25)):
            make_case(program)
            send_due()
            second = receiver.requests[1]
            assert len(second["headers"]["webhook-signature"].split()) == 1
            Webhook(new).verify(second["body"], second["headers"])


def test_replay_failed_since_sends_them_again(program):
    with Receiver([500]) as receiver:
        endpoint, _ = endpoint_for(program, receiver.url)
        make_case(program)
        WebhookDelivery.objects.update(status=WebhookDeliveryStatus.FAILED, next_attempt_at=None)
        receiver.script = [200]
        count = webhook_services.deliveries_replay_failed(endpoint=endpoint, actor=Actor.for_system(),
                                                          since=timezone.now() - timedelta(hours=1))
        assert count == 1
        send_due()
    assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.DELIVERED
