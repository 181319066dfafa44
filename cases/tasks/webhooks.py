"""Webhook tasks (SPEC section 11): send deliveries, write deadline reminders.

`deliver_webhooks` is enqueued after the commit that wrote the deliveries, and by the outbox relay
for every due delivery (retries, a broker that was down, a worker that died); see
cases/services/outbox.py for why running it twice sends nothing twice.
"""

from celery import shared_task

from cases.choices import WebhookDeliveryStatus
from cases.models import WebhookDelivery
from cases.services import outbox
from cases.services.webhook_delivery import deliveries_send
from cases.services.webhook_outbox import deadline_reminders_write


@shared_task(name="cases.deliver_webhooks")
def deliver_webhooks(ids: list[int], token: str | None = None) -> dict[str, int]:
    return deliveries_send(ids, token)


@shared_task(name="cases.send_deadline_reminders")
def send_deadline_reminders() -> int:
    return deadline_reminders_write()


outbox.register_relay(outbox.Relay(
    name="webhooks",
    queryset=lambda: WebhookDelivery.objects.filter(status=WebhookDeliveryStatus.PENDING),
    task=deliver_webhooks,
    chunk=100,  # per task: one take, one send round on the thread pool, a few UPDATEs
))
