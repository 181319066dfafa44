"""Webhook screens for supervisors (SPEC section 11): list, create (secret shown once), edit,
rotate, delivery log with attempts, replay one and replay failed since; the dashboard notice;
the demo receiver that checks signatures."""

import json
import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from cases.actors import Actor
from cases.choices import WebhookDisabledReason
from cases.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from cases.services import webhooks as services
from cases.services.webhook_delivery import endpoints_disable
from cases.webhooks import secrets
from tests.factories import make_case

URL = "https://93.184.215.14/hooks"


@pytest.fixture
def endpoint(program):
    endpoint, _ = services.endpoint_create(program=program, actor=Actor.for_system(), url=URL)
    return endpoint


def test_analysts_may_not_see_webhooks(analyst_client, endpoint):
    assert analyst_client.get("/webhooks/").status_code == 403
    assert analyst_client.post("/webhooks/", {"program": "prog_a", "url": URL}).status_code == 403
    assert analyst_client.get(f"/webhooks/{endpoint.endpoint_id}/").status_code == 403


def test_create_shows_the_secret_once(supervisor_client, program):
    response = supervisor_client.post("/webhooks/", {"program": program.program_id, "url": URL,
                                                     "events": ["case.created", "case.status_changed"]})
    assert response.status_code == 200
    secret = re.search(r"whsec_[A-Za-z0-9+/=]+", response.content.decode()).group(0)
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["case.created", "case.status_changed"]
    assert secrets.decrypt(endpoint.secret_encrypted) == secret
    for page in ("/webhooks/", f"/webhooks/{endpoint.endpoint_id}/"):
        assert secret not in supervisor_client.get(page).content.decode()


@pytest.mark.parametrize(("data", "field"), [
    ({"url": "http://93.184.215.14/x"}, "url"),
    ({"url": "https://10.1.2.3/x"}, "url"),
    ({"url": URL, "events": ["nope"]}, "events"),
    ({"url": URL, "description": "x" * 600}, "description"),
    ({"url": URL, "program": "missing"}, "program"),
])
def test_bad_input_is_refused_on_the_form(supervisor_client, program, data, field):
    response = supervisor_client.post("/webhooks/", {"program": program.program_id, **data})
    assert response.status_code == 422
    assert f"<b>{field}</b>" in response.content.decode()
    assert WebhookEndpoint.objects.count() == 0


def test_edit_rotate_and_log(supervisor_client, endpoint, program):
    make_case(program)
    delivery = WebhookDelivery.objects.get()
    WebhookAttempt.objects.create(delivery=delivery, created=timezone.now(), status_code=500, latency_ms=12,
                                  response_excerpt="boom <script>")
    page = supervisor_client.get(f"/webhooks/{endpoint.endpoint_id}/").content.decode()
    assert delivery.event_id in page and "boom &lt;script&gt;" in page and "12 ms" in page
    response = supervisor_client.post(f"/webhooks/{endpoint.endpoint_id}/",
                                      {"url": URL, "events": ["case.created"], "format": "decisionly",
                                       "description": "app", "status": "enabled"})
    assert response.status_code == 303
    endpoint.refresh_from_db()
    assert endpoint.events == ["case.created"] and endpoint.format == "decisionly"
    rotated = supervisor_client.post(f"/webhooks/{endpoint.endpoint_id}/rotate-secret/").content.decode()
    assert "24 hours" in rotated and re.search(r"whsec_", rotated)


def test_replay_one_and_failed_since(supervisor_client, endpoint, program):
    make_case(program)
    make_case(program)
    WebhookDelivery.objects.update(status="failed", next_attempt_at=None)
    first = WebhookDelivery.objects.order_by("pk").first()
    supervisor_client.post(f"/webhooks/{endpoint.endpoint_id}/deliveries/{first.pk}/replay/")
    assert WebhookDelivery.objects.filter(status="pending").count() == 1
    since = (timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    supervisor_client.post(f"/webhooks/{endpoint.endpoint_id}/replay/", {"since": since})
    assert WebhookDelivery.objects.filter(status="pending").count() == 2
    bad = supervisor_client.post(f"/webhooks/{endpoint.endpoint_id}/replay/", {"since": "soon"}, follow=True)
    assert "Give a date and time" in bad.content.decode()


def test_dashboard_tells_supervisors_about_disabled_endpoints(supervisor_client, analyst_client, endpoint):
    endpoints_disable([endpoint.pk], WebhookDisabledReason.FAILING)
    page = supervisor_client.get("/dashboard/").content.decode()
    assert "data-webhook-notice" in page and endpoint.url in page
    assert "data-webhook-notice" not in analyst_client.get("/dashboard/").content.decode()


def test_demo_receiver_checks_signatures(supervisor_client, client, program, settings):
    settings.WEBHOOK_DEMO_RECEIVER = True
    settings.WEBHOOK_ALLOW_PRIVATE_URLS = True
    cache.delete("webhook-demo-received")
    endpoint, secret = services.endpoint_create(program=program, actor=Actor.for_system(),
                                                url="http://127.0.0.1:8000/webhooks/demo-receiver/")
    from standardwebhooks import Webhook

    body = json.dumps({"id": "evt_1", "type": "case.created", "data": {}})
    now = timezone.now()
    headers = {"webhook-id": "evt_1", "webhook-timestamp": str(int(now.timestamp())),
               "webhook-signature": Webhook(secret).sign("evt_1", now, body)}
    assert client.post("/webhooks/demo-receiver/", body, content_type="application/json",
                       headers=headers).status_code == 204
    headers["webhook-signature"] = "v1,bm9wZQ=="
    client.post("/webhooks/demo-receiver/", body, content_type="application/json", headers=headers)
    page = supervisor_client.get("/webhooks/demo/").content.decode()
    assert f"valid ({endpoint.endpoint_id})" in page and "not verified" in page


def test_demo_receiver_is_off_in_production(client, settings):
    settings.WEBHOOK_DEMO_RECEIVER = False
    assert client.post("/webhooks/demo-receiver/", "{}", content_type="application/json").status_code == 404
