"""Letters to the cardholder (SPEC section 13): outbox rows written with their cause, sent once.

`letter_queue` writes the `Letter` row inside the caller's transaction (the change that owes the
letter) and enqueues the send task after commit; the scheduled outbox relay sends any row whose
message was lost (cases/services/outbox.py). `letters_deliver` is the task's side: it takes the
rows still its to send (a copy of the message, or a second relay hand-out, finds nothing), renders
each to PDF, e-mails it through Django's e-mail backend, and stores the PDF with `sent_at` in one
transaction with the case's clock refresh and the `letter` event.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.html import strip_tags

from cases.actors import Actor
from cases.choices import EventKind
from cases.letters import render as letters
from cases.models import Case, Letter
from cases.services import outbox
from cases.services.events import event_record

log = logging.getLogger(__name__)
MAX_ERROR = 500
# After a failed e-mail: try again after 5 minutes, then each hour (the row stays due, never lost).
RETRY_AFTER = (timedelta(minutes=5), timedelta(hours=1))
NO_ADDRESS = "The cardholder has no e-mail address: print and post this letter."


def unsent_letters():
    """Letter rows not settled yet: what the relay and the send task may take."""
    return Letter.objects.filter(next_attempt_at__isnull=False)


def letter_queue(case: Case, kind: str, due: date | None, context: dict | None = None) -> Letter:
    """Owe the cardholder a letter; the caller holds the transaction of its cause."""
    from cases.tasks.letters import send_letters

    cardholder = case.transaction.cardholder
    letter = Letter.objects.create(case=case, kind=kind, due=due, context=context or {},
                                   recipient=(cardholder.email if cardholder else "") or "")
    outbox.enqueue_on_commit(send_letters, [letter.pk])
    return letter


def letters_deliver(ids, token: str | None = None) -> list[Letter]:
    """Send the letters of `ids` that are still this call's to send; returns those it handled."""
    rows = outbox.take(unsent_letters().select_related(
        "case", "case__program", "case__transaction", "case__transaction__cardholder",
        "case__transaction__merchant"), ids, token)
    return [_deliver(letter) for letter in rows]


def letter_send(letter_id: int) -> Letter | None:
    """Send one letter now (demo data, tests, a person's "send again"); None when already settled."""
    handled = letters_deliver([letter_id])
    return handled[0] if handled else None


def _deliver(letter: Letter) -> Letter:
    case = letter.case
    rendered = letters.render(case, letter)
    if not letter.recipient:
        return _record(letter, error=NO_ADDRESS, settle=True)
    pdf = letters.to_pdf(rendered.html)
    message = EmailMessage(subject=rendered.subject, body=strip_tags(rendered.html).strip(),
                           from_email=settings.DEFAULT_FROM_EMAIL, to=[letter.recipient])
    message.attach(f"{case.case_id}-{letter.kind}.pdf", pdf, "application/pdf")
    try:
        message.send()
    except Exception as exc:  # noqa: BLE001 - an SMTP failure is kept on the row and retried
        log.warning("letter %s not sent: %s", letter.pk, type(exc).__name__)
        return _record(letter, error=f"{type(exc).__name__}: {exc}")
    return _record(letter, pdf=pdf, subject=rendered.subject)


@transaction.atomic
def _record(letter: Letter, *, pdf: bytes | None = None, subject: str = "", error: str = "",
            settle: bool = False) -> Letter:
    from cases.services.regulation import regulation_save
    from cases.services.transitions import lock_case

    now = timezone.now()
    letter.attempts += 1
    letter.last_error = error[:MAX_ERROR]
    if pdf is None:
        delay = RETRY_AFTER[min(letter.attempts, len(RETRY_AFTER)) - 1]
        letter.next_attempt_at = None if settle else now + delay
        letter.save(update_fields=["attempts", "last_error", "next_attempt_at", "updated"])
        return letter
    letter.pdf, letter.subject, letter.sent_at, letter.next_attempt_at = pdf, subject[:200], now, None
    letter.save(update_fields=["pdf", "subject", "sent_at", "attempts", "last_error", "next_attempt_at", "updated"])
    case = lock_case(letter.case)
    regulation_save(case)  # the step the letter completes is done
    event_record(case=case, actor=Actor.for_system(), kind=EventKind.LETTER, transition=letter.kind,
                 changes={"letter_id": letter.pk, "kind": letter.kind,
                          "due": letter.due.isoformat() if letter.due else None,
                          "recipient_domain": letter.recipient.rpartition("@")[2]})
    return letter
