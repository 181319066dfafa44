"""Rendering a letter: the program's template (or the default one) inside the fixed layout, to PDF.

The editable part is Django template language over `case`, `cardholder`, `program` and `letter`
(amounts and dates already formatted); the layout adds the sender, the date, the facts and the
required sentence (`wording.REQUIRED`).
"""

import io
from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

from django.template import Context, Engine, TemplateSyntaxError
from django.template.loader import render_to_string

from cases.choices import LetterKind
from cases.money import format_amount
from cases.services.regulation import program_today

from . import wording

# Templates from the admin are rendered by their own engine: no loaders, no custom tags.
_ENGINE = Engine(autoescape=True)


@dataclass(frozen=True)
class Rendered:
    subject: str
    html: str


def template_source(program_id: int | None, kind: str) -> tuple[str, str]:
    """(subject, body) of the program's template for the kind, else the default."""
    from cases.models import LetterTemplate

    custom = (LetterTemplate.objects.filter(program_id=program_id, kind=kind).values_list("subject", "body").first()
              if program_id else None)
    if custom:
        return custom
    return wording.DEFAULT_SUBJECTS[kind], render_to_string(f"letters/{kind}.txt")


def check_template(text: str) -> str | None:
    """The syntax error of an admin-edited template, or None."""
    try:
        _ENGINE.from_string(text)
    except TemplateSyntaxError as exc:
        return str(exc)
    return None


def letter_facts(case, letter) -> dict:
    """What a letter may say about its case, formatted for the cardholder."""
    txn = case.transaction
    cardholder = txn.cardholder
    merchant = txn.merchant
    context = letter.context or {}
    amount = context.get("amount", case.disputed_amount)

    def day(name):
        value = context.get(name)
        return date.fromisoformat(value).strftime("%B %-d, %Y") if value else ""

    return {
        "case": SimpleNamespace(case_id=case.case_id, reason=case.get_reason_display(),
                                disputed_amount=format_amount(case.disputed_amount, case.currency),
                                transaction_date=txn.date.strftime("%B %-d, %Y"),
                                merchant=merchant.name if merchant else "the merchant",
                                card_last4=txn.card_last4),
        "cardholder": SimpleNamespace(name=cardholder.name if cardholder else "Cardholder"),
        "program": SimpleNamespace(name=case.program.name),
        "letter": SimpleNamespace(kind=letter.kind, amount=format_amount(amount, case.currency),
                                  granted_on=day("granted_on"), effective_on=day("effective_on"),
                                  due=letter.due.strftime("%B %-d, %Y") if letter.due else ""),
    }


def render(case, letter, source: tuple[str, str] | None = None) -> Rendered:
    subject_text, body_text = source or template_source(case.program_id, letter.kind)
    facts = letter_facts(case, letter)
    subject = _ENGINE.from_string(subject_text).render(Context(facts, autoescape=False)).strip()
    body = _ENGINE.from_string(body_text).render(Context(facts))
    sentence, citation = wording.REQUIRED[letter.kind]
    html = render_to_string("letters/layout.html", {
        **facts, "subject": subject, "body": body, "required_sentence": sentence, "citation": citation,
        # The program's day, as its other dates: not the zone of whoever opens the preview.
        "today": program_today(case.program).strftime("%B %-d, %Y"),
        "show_amount": letter.kind != LetterKind.ACKNOWLEDGEMENT,
    })
    return Rendered(subject[:200], html)


def to_pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported on use: loading Pango takes a moment

    return HTML(string=html).write_pdf()


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF (what a reader sees), for checks and previews."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)


def sample(program, kind: str):
    """An unsaved case and letter for previewing a template in the admin."""
    from datetime import UTC, datetime

    from cases.models import Cardholder, Case, Letter, Merchant, Transaction

    txn = Transaction(program=program, amount=12_999, currency="USD", card_last4="4242",
                      date=datetime(2026, 11, 2, 15, 0, tzinfo=UTC),
                      merchant=Merchant(name="Example Store"), cardholder=Cardholder(name="Alex Example"))
    case = Case(program=program, case_id="case_preview", transaction=txn, reason="product_not_received",
                disputed_amount=12_999, currency="USD")
    letter = Letter(case=case, kind=kind, due=date(2026, 11, 16),
                    context={"amount": 12_999, "granted_on": "2026-11-09", "effective_on": "2026-11-20"})
    return case, letter
