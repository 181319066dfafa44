"""Letters to the cardholder (SPEC section 13): queued as outbox rows with their cause, sent once.

`letter_queue` writes the `Letter` row inside the caller's transaction (the change that owes the
letter) and asks for it to be sent after commit; `letter_send` renders it to PDF, stores the PDF on
the row, e-mails it through Django's e-mail backend and marks it sent, all under the row's lock,
so a task that runs twice (a redelivered message, the relay) stores and sends it once.
"""

import logging
from datetime import date

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import strip_tags

from cases.actors import Actor
from cases.choices import EventKind
from cases.letters import render as letters
from cases.models import Case, Letter
from cases.services.events import event_record

log = logging.getLogger(__name__)
MAX_ATTEMPTS_SHOWN = 500


def letter_queue(case: Case, kind: str, due: date | None, context: dict | None = None) -> Letter:
    """Owe the cardholder a letter; the caller holds the transaction of its cause."""
    cardholder = case.transaction.cardholder
    letter = Letter.objects.create(case=case, kind=kind, due=due, context=context or {},
                                   recipient=(cardholder.email if cardholder else "") or "")
    transaction.on_commit(lambda: enqueue_letter(letter.pk))
    return letter


def enqueue_letter(letter_id: int) -> None:
    """After commit: hand the letter to a worker. The scheduled relay sends any row this misses."""
    try:
        from cases.tasks.letters import send_letter
    except ImportError:  # the task engine is not installed in this deployment: the relay sends it
        return
    try:
        send_letter.delay(letter_id)
    except Exception:  # noqa: BLE001 - a broker that is down delays the letter, the relay sends it
        log.warning("letter %s not enqueued; the relay will send it", letter_id)


def _locked_unsent(letter_id: int) -> Letter | None:
    rows = Letter.objects.filter(pk=letter_id, sent_at__isnull=True).select_related(
        "case", "case__program", "case__transaction", "case__transaction__cardholder",
        "case__transaction__merchant")
    if connection.features.has_select_for_update_skip_locked:
        rows = rows.select_for_update(skip_locked=True, of=("self",))
    return rows.first()


def letter_send(letter_id: int) -> Letter | None:
    """Render, store and e-mail one letter; None when it was sent already (or another worker has it)."""
    from cases.services.regulation import regulation_save
    from cases.services.transitions import lock_case

    with transaction.atomic():
        letter = _locked_unsent(letter_id)
        if letter is None:
            return None
        case = letter.case
        letter.attempts += 1
        rendered = letters.render(case, letter)
        if not letter.recipient:
            letter.last_error = "The cardholder has no e-mail address: print and post this letter."
            letter.save(update_fields=["attempts", "last_error"])
            return letter
        pdf = letters.to_pdf(rendered.html)
        message = EmailMessage(subject=rendered.subject, body=strip_tags(rendered.html).strip(),
                               from_email=settings.DEFAULT_FROM_EMAIL, to=[letter.recipient])
        message.attach(f"{case.case_id}-{letter.kind}.pdf", pdf, "application/pdf")
        try:
            message.send()
        except Exception as exc:  # noqa: BLE001 - an SMTP failure is kept on the row and retried
            letter.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ATTEMPTS_SHOWN]
            letter.save(update_fields=["attempts", "last_error"])
            return letter
        letter.pdf, letter.subject, letter.sent_at, letter.last_error = pdf, rendered.subject, timezone.now(), ""
        letter.save(update_fields=["pdf", "subject", "sent_at", "attempts", "last_error"])
        locked = lock_case(case)
        regulation_save(locked)
        event_record(case=locked, actor=Actor.for_system(), kind=EventKind.LETTER, transition=letter.kind,
                     changes={"letter_id": letter.pk, "kind": letter.kind, "due": letter.due.isoformat()
                              if letter.due else None, "recipient_domain": letter.recipient.rpartition("@")[2]})
        return letter


def letters_unsent(limit: int = 100) -> list[int]:
    """Letters still to send, oldest first (the relay's batch)."""
    return list(Letter.objects.filter(sent_at__isnull=True, attempts__lt=10).order_by("created")
                .values_list("pk", flat=True)[:limit])
