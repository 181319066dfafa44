"""`manage.py export_cases`: cases as CSV (cases.ingest.export).

Filters use the queue's language: `--program P`, `--status` (repeatable; `open` and `closed` are
groups) and any other filter as a query string with `--filter "network=visa&deadline_before=2026-12-31"`.
"""

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from cases.exceptions import ValidationFailed
from cases.ingest.export import case_rows, write_csv


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
        try:
            rows = case_rows(data)
        except ValidationFailed as exc:
            problems = "; ".join(f"{error.field}: {error.message}" for error in exc.errors)
            raise CommandError(f"Invalid filter: {problems}") from None
        to_stdout = opts["output"] == "-"
        out = self.stdout if to_stdout else open(opts["output"], "w", encoding="utf-8", newline="")  # noqa: SIM115
        try:
            count = write_csv(out, rows, opts["chunk_size"])
        finally:
            if not to_stdout:
                out.close()
        self.stderr.write(f"{count} cases exported.")
