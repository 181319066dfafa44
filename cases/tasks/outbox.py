"""The outbox relay (SPEC section 10), scheduled every few seconds: see cases/services/outbox.py."""

from celery import shared_task

from cases.services import outbox


@shared_task(name="cases.relay_outbox")
def relay_outbox() -> dict[str, int]:
    handed = outbox.relay_due()
    # A full claim means a backlog: run again at once rather than wait for the schedule.
    if any(count >= outbox.RELAYS[name].limit for name, count in handed.items()):
        outbox.enqueue(relay_outbox)
    return handed
