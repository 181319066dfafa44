"""Sending letters (SPEC section 13): a thin door over cases.services.letters, safe to run twice."""

from celery import shared_task

from cases.services import letters, outbox


@shared_task(name="cases.send_letters")
def send_letters(ids, token=None) -> int:
    return len(letters.letters_deliver(ids, token))


outbox.register_relay(outbox.Relay("letters", letters.unsent_letters, send_letters, chunk=20, limit=500))
