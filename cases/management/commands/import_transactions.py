"""`manage.py import_transactions FILE --program P`: upsert the transaction store from a file.

FILE holds transaction objects (SPEC section 5: Decisionly's `transaction` plus
financial_document_id, external_id, status, gateway_order_id, payment_type, merchant, cardholder),
one JSON object per line (.jsonl, .ndjson, .json) or one CSV row each with dotted column names
(.csv). `-` reads JSON lines from stdin.

Bad rows are skipped and reported on stderr with their line number and the fields at fault; the
good rows are imported. A row holding a full card number is refused without echoing it. The
command exits non-zero when any row was refused, so a scheduler notices.
"""

import csv
import json
import queue
import re
import sys
import threading
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases import pan
from cases.exceptions import ValidationFailed
from cases.models import Program
from cases.services.imports import ImportResult, transactions_import
from cases.transaction_objects import parse_transaction, unflatten

MAX_LINE = 1_000_000
# A digit run long enough to be a card number (cases.pan decides whether it is one).
_LONG_RUN = re.compile(r"\d(?:[ -]?\d){12,}")


class Progress:
    """A one-line progress counter on stderr (rows, rate, share of the file read)."""

    def __init__(self, stream, total_bytes: int | None):
        self.stream, self.total = stream, total_bytes
        self.started = self.shown = time.monotonic()
        self.live = hasattr(stream, "isatty") and stream.isatty()

    def update(self, rows: int, position: int | None, final: bool = False) -> None:
        now = time.monotonic()
        if not final and (not self.live or now - self.shown < 0.25):
            return
        self.shown = now
        rate = rows / max(now - self.started, 1e-6)
        share = f" {100 * position / self.total:5.1f}%" if self.total and position is not None else ""
        end = "\n" if final else ""
        prefix = "\r" if self.live else ""
        self.stream.write(f"{prefix}{rows:,} rows{share}  {rate:,.0f} rows/s{end}", ending="")
        self.stream.flush()


class BatchWriter:
    """Hands batches to the service. On PostgreSQL a second thread writes them, with its own
    connection, so that parsing the next batch overlaps the database's work on this one."""

    def __init__(self, program: Program):
        self.program = program
        self.result = ImportResult()
        self.error: BaseException | None = None
        # Inside a caller's transaction (a test) another connection could not see its rows.
        self.threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        if self.threaded:
            self.batches: queue.Queue = queue.Queue(maxsize=2)
            self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
            self.thread.start()

    def submit(self, batch: list) -> None:
        if not batch:
            return
        if not self.threaded:
            self.result.add(transactions_import(program=self.program, rows=batch))
            return
        if self.error is not None:
            raise self.error
        self.batches.put(batch)

    def _run(self) -> None:
        try:
            while (batch := self.batches.get()) is not None:
                if self.error is None:
                    try:
                        self.result.add(transactions_import(program=self.program, rows=batch))
                    except Exception as exc:  # noqa: BLE001 - raised again in the main thread
                        self.error = exc
        finally:
            connection.close()

    def close(self) -> ImportResult:
        if self.threaded:
            self.batches.put(None)
            self.thread.join()
        if self.error is not None:
            raise self.error
        return self.result


class Command(BaseCommand):
    help = "Upsert transactions from a JSON-lines or CSV file into a program's transaction store."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .jsonl/.ndjson/.json or .csv file, or - for JSON lines on stdin")
        parser.add_argument("--program", required=True, help="program_id the transactions belong to")
        parser.add_argument("--format", choices=("jsonl", "csv"), help="default: from the file's extension")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, **opts):
        program = Program.objects.filter(program_id=opts["program"]).first()
        if program is None:
            raise CommandError(f"No program {opts['program']!r}.")
        path = opts["file"]
        fmt = opts["format"] or ("csv" if path.lower().endswith(".csv") else "jsonl")
        if path != "-" and not Path(path).is_file():
            raise CommandError(f"No such file: {path}")
        stream = sys.stdin if path == "-" else open(path, encoding="utf-8", newline="")  # noqa: SIM115
        progress = Progress(self.stderr, None if path == "-" else Path(path).stat().st_size)
        writer, refused, rows, batch = BatchWriter(program), [], 0, []
        try:
            for line, document in (_csv_rows(stream) if fmt == "csv" else _json_rows(stream)):
                rows += 1
                parsed = _parse(line, document)
                if isinstance(parsed, str):
                    refused.append((line, parsed))
                else:
                    batch.append((line, parsed))
                if len(batch) >= max(1, opts["batch_size"]):
                    writer.submit(batch)
                    batch = []
                    progress.update(rows, _tell(stream))
            writer.submit(batch)
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text (after {rows} rows).") from None
        finally:
            if stream is not sys.stdin:
                stream.close()
            result = writer.close()
        result.refused += refused
        progress.update(rows, None, final=True)
        for line, message in sorted(result.refused):
            self.stderr.write(f"line {line}: {message}")
        self.stdout.write(f"{rows} rows: {result.created} created, {result.updated} updated, "
                          f"{len(result.refused)} refused")
        if result.refused:
            raise CommandError(f"{len(result.refused)} rows refused (see the lines above); the others were imported.")


def _tell(stream) -> int | None:
    try:
        return stream.buffer.tell() if hasattr(stream, "buffer") else None
    except (OSError, ValueError):
        return None


def _json_rows(stream):
    for line, text in enumerate(stream, start=1):
        if not text.strip():
            continue
        if len(text) > MAX_LINE:
            yield line, ValueError(f"the line is longer than {MAX_LINE} characters")
            continue
        try:
            yield line, (json.loads(text), text)
        except (ValueError, RecursionError):
            yield line, ValueError("not a JSON object")


def _csv_rows(stream):
    reader = csv.DictReader(stream)
    if not reader.fieldnames:
        return
    for row in reader:
        if None in row:
            yield reader.line_num, ValueError("more cells than columns")
            continue
        yield reader.line_num, (unflatten(row), "\x00".join([*row, *row.values()]))


def _parse(line: int, row):
    """The row's TransactionInput, or the message that refuses it."""
    if isinstance(row, Exception):
        return str(row)
    document, text = row
    # One scan of the raw text finds every digit run the document holds, in values and keys alike;
    # only a hit (or an escape sequence, which could hide digits) needs the walk that names the field.
    suspect = "\\" in text or any(pan.contains_pan(run.group()) for run in _LONG_RUN.finditer(text))
    field = pan.find_pan(document) if suspect else None
    if field:
        return f"{field}: holds a full card number; the row is refused (only the last 4 digits may be stored)"
    try:
        return parse_transaction(document)
    except ValidationFailed as exc:
        return "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
