"""`manage.py export_cases`: cases as CSV, streamed in bounded memory.

Filters use the queue's language (cases.filtersets.CaseFilterSet): `--program P`, `--status`
(repeatable; `open` and `closed` are groups) and any other filter as a query string with
`--filter "network=visa&deadline_before=2026-12-31"`. Rows come from a server-side cursor on
PostgreSQL (`.iterator(chunk_size=...)`), ordered by case number, so memory stays flat at any size.
"""

import csv

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from cases.actors import Actor
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


class Command(BaseCommand):
    help = "Export cases as CSV (streamed; filters as in the queue)."

    def add_arguments(self, parser):
        parser.add_argument("--program", help="program_id")
        parser.add_argument("--status", action="append", default=[], help="a status, or open / closed; repeatable")
        parser.add_argument("--filter", default="", help="more queue filters as a query string")
        parser.add_argument("--output", "-o", default="-", help="a file path, or - for stdout (default)")
        parser.add_argument("--chunk-size", type=int, default=2000)

    def handle(self, *args, **opts):
        data = QueryDict(opts["filter"], mutable=True)
        if opts["program"]:
            data["program"] = opts["program"]
        for status in opts["status"]:
            data.appendlist("status", status)
        data.pop("ordering", None)
        filterset = CaseFilterSet(data, queryset=case_queryset(Actor.for_system()))
        if not filterset.is_valid():
            problems = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in filterset.errors.items())
            raise CommandError(f"Invalid filter: {problems}")
        rows = filterset.qs.order_by("number").values_list(*[source for _, source in COLUMNS])
        to_stdout = opts["output"] == "-"
        out = self.stdout if to_stdout else open(opts["output"], "w", encoding="utf-8", newline="")  # noqa: SIM115
        count = 0
        try:
            writer = csv.writer(out)
            writer.writerow([name for name, _ in COLUMNS])
            for row in rows.iterator(chunk_size=max(1, opts["chunk_size"])):
                writer.writerow([_cell(value) for value in row])
                count += 1
        finally:
            if not to_stdout:
                out.close()
        self.stderr.write(f"{count} cases exported.")
