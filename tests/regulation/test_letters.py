"""Letters: every kind renders to a real PDF for every program template and holds its required
sentence; a letter is stored and sent once even when its task runs twice; an unsent letter that is
due turns the case at risk."""

from datetime import UTC, datetime

import pytest
import time_machine

from cases.choices import LetterKind, RegulationStatus
from cases.letters import render as letters
from cases.letters.wording import required_sentence
from cases.models import Case, CaseEvent, Letter, LetterTemplate
from cases.services.letters import letter_send
from cases.services.regulation_sweep import regulation_update_statuses
from tests.factories import ProgramFactory
from tests.regulation.helpers import regulated_case

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 17, 15, 0, tzinfo=UTC)
CUSTOM_BODY = "Hello {{ cardholder.name }}, about {{ case.case_id }} for {{ letter.amount }}: custom wording."


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(NOW, tick=False):
        yield


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def programs(db):
    """The default templates, and a program whose every template was edited in the admin."""
    plain = ProgramFactory(program_id="plain")
    custom = ProgramFactory(program_id="custom")
    for kind in LetterKind.values:
        LetterTemplate.objects.create(program=custom, kind=kind, subject="Custom {{ case.case_id }}", body=CUSTOM_BODY)
    return [plain, custom]


@pytest.mark.parametrize("kind", LetterKind.values)
def test_each_kind_renders_for_every_program_template(programs, kind):
    for program in programs:
        case = regulated_case(program)
        letter = Letter(case=case, kind=kind, due=None, context={"amount": 2_500, "effective_on": "2026-11-24"})
        rendered = letters.render(case, letter)
        pdf = letters.to_pdf(rendered.html)
        assert pdf.startswith(b"%PDF")
        text = _flat(letters.pdf_text(pdf))
        assert _flat(required_sentence(kind)) in text
        assert case.case_id in text and "Susie Chargeback" in text
        if program.program_id == "custom":
            assert "custom wording" in text and rendered.subject == f"Custom {case.case_id}"
        else:
            assert "custom wording" not in text


def test_results_letter_names_the_right_to_request_documents(programs):
    case = regulated_case(programs[1])
    text = _flat(letters.pdf_text(letters.to_pdf(letters.render(case, Letter(case=case, kind="results")).html)))
    assert "right to request copies of the documents that we relied on" in text


def test_template_text_is_escaped():
    program = ProgramFactory()
    case = regulated_case(program)
    case.transaction.cardholder.name = "<script>alert(1)</script>"
    html = letters.render(case, Letter(case=case, kind="resolution")).html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_letter_is_stored_and_sent_once_when_the_task_runs_twice(mailoutbox):
    case = regulated_case(ProgramFactory(), card_type="credit")
    letter = case.letters.get(kind="acknowledgement")
    first = letter_send(letter.pk)
    second = letter_send(letter.pk)
    assert first is not None and second is None
    letter.refresh_from_db()
    assert letter.sent_at is not None and bytes(letter.pdf).startswith(b"%PDF")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["susie@example.com"]
    assert CaseEvent.objects.filter(case=case, kind="letter").count() == 1


def test_letter_without_an_email_address_stays_unsent_and_says_why(mailoutbox):
    case = regulated_case(ProgramFactory(), card_type="credit", email="")
    letter = letter_send(case.letters.get().pk)
    assert letter.sent_at is None and "no e-mail address" in letter.last_error
    assert mailoutbox == []


def test_due_but_unsent_letter_turns_the_case_at_risk(mailoutbox):
    from cases.actors import Actor
    from cases.services.provisional_credit import case_provisional_credit
    from tests.factories import _superuser

    case = regulated_case(ProgramFactory())
    # Credit on Tue Nov 17: its notice is due Thu Nov 19 (2 business days).
    case = case_provisional_credit(case=case, actor=Actor.for_user(_superuser()), action="grant")
    notice = case.letters.get(kind="provisional_credit_notice")
    assert notice.due.isoformat() == "2026-11-19"
    assert Case.objects.get(pk=case.pk).regulation_status == RegulationStatus.AT_RISK
    # Sending it clears the risk (the credit was in time, the investigation is months away).
    letter_send(notice.pk)
    assert Case.objects.get(pk=case.pk).regulation_status == RegulationStatus.ON_TRACK


def test_unsent_letter_past_due_is_a_breach():
    from cases.actors import Actor
    from cases.services.provisional_credit import case_provisional_credit
    from tests.factories import _superuser

    case = regulated_case(ProgramFactory())
    case_provisional_credit(case=case, actor=Actor.for_user(_superuser()), action="grant")
    # The notice was due Thu Nov 19; on Fri Nov 20 the scheduled update finds it unsent.
    assert regulation_update_statuses(datetime(2026, 11, 19, 20, 0, tzinfo=UTC))["breached"] == 0
    assert regulation_update_statuses(datetime(2026, 11, 20, 15, 0, tzinfo=UTC))["breached"] == 1
    assert Case.objects.get(pk=case.pk).regulation_status == RegulationStatus.BREACHED


def test_admin_template_syntax_error_is_reported():
    assert letters.check_template("{% if %}") is not None
    assert letters.check_template(CUSTOM_BODY) is None


def test_send_task_and_relay_send_a_letter_once(mailoutbox):
    from cases.services import outbox
    from cases.tasks.letters import send_letters

    case = regulated_case(ProgramFactory(), card_type="credit")
    letter = case.letters.get()
    assert "letters" in outbox.RELAYS
    ids, token = outbox.claim_due(outbox.RELAYS["letters"].queryset())
    assert ids == [letter.pk]
    assert send_letters(ids, token) == 1
    assert send_letters(ids, token) == 0  # a copy of the message finds nothing to send
    assert send_letters([letter.pk]) == 0
    assert len(mailoutbox) == 1
    assert outbox.claim_due(outbox.RELAYS["letters"].queryset())[0] == []


def test_failed_email_stays_due_for_the_relay(monkeypatch):
    from django.core.mail import EmailMessage

    def refuse(self, fail_silently=False):
        raise OSError("SMTP down")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    case = regulated_case(ProgramFactory(), card_type="credit")
    letter = letter_send(case.letters.get().pk)
    assert letter.sent_at is None and letter.next_attempt_at is not None and "SMTP down" in letter.last_error
    assert letter.pdf is None
