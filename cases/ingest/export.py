"""Cases as CSV, streamed in bounded memory (`manage.py export_cases`).

Filters use the queue's language (cases.filtersets.CaseFilterSet). Rows come from a server-side
cursor on PostgreSQL (`.iterator(chunk_size=...)`), ordered by case number, so memory stays flat at
any size.

Times are written in UTC (ISO 8601 with the offset, `2026-12-01T03:30:00+00:00`) and deadlines as
UTC days, whoever exports: the back office's per-person time zone does not reach the file.
"""

import csv

from django.http import QueryDict

from cases.actors import Actor
from cases.exceptions import FieldError, ValidationFailed
from cases.filtersets import CaseFilterSet
from cases.selectors import case_queryset

COLUMNS = [
    ("case_id", "case_id"), ("number", "number"), ("program", "program__program_id"), ("status", "status"),
    ("review_status", "review_status"), ("reason", "reason"), ("network", "network"),
    ("network_reason_code", "network_reason_code"), ("dispute_type", "dispute_type"), ("level", "level"),
    ("raised_by", "raised_by"), ("source", "source"), ("disputed_amount_minor", "disputed_amount"),
    ("currency", "currency"), ("dispute_date", "dispute_date"), ("chargeback_due_date", "chargeback_due_date"),
    ("response_due_date", "response_due_date"), ("internal_due_date", "internal_due_date"),
    ("due_date", "due_date"), ("next_deadline", "next_deadline"), ("claim_id", "claim__claim_id"),
    ("financial_document_id", "transaction__financial_document_id"), ("arn", "transaction__arn"),
    ("transaction_amount_minor", "transaction__amount"), ("transaction_date", "transaction__date"),
    ("card_network", "transaction__card_network"), ("card_last4", "transaction__card_last4"),
    ("merchant", "transaction__merchant__name"), ("cardholder", "transaction__cardholder__name"),
    ("created", "created"), ("updated", "updated"), ("version", "version"),
]


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    text = str(value)
    # Spreadsheets run cells that start with these as formulas (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def case_rows(data: QueryDict):
    """The exported columns of the cases the filters select, by case number; an invalid filter
    raises ValidationFailed naming each filter at fault."""
    filterset = CaseFilterSet(data, queryset=case_queryset(Actor.for_system()))
    if not filterset.is_valid():
        raise ValidationFailed([FieldError(name, "invalid", " ".join(errors))
                                for name, errors in filterset.errors.items()])
    return filterset.qs.order_by("number").values_list(*[source for _, source in COLUMNS])


def write_csv(out, rows, chunk_size: int = 2000) -> int:
    """Writes the header and every row to `out`; returns how many rows were written."""
    count = 0
    writer = csv.writer(out)
    writer.writerow([name for name, _ in COLUMNS])
    for row in rows.iterator(chunk_size=max(1, chunk_size)):
        writer.writerow([_cell(value) for value in row])
        count += 1
    return count
