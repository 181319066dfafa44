"""`manage.py import_transactions FILE --program P`: upsert the transaction store from a file.

FILE holds transaction objects (SPEC section 5: Decisionly's `transaction` plus
financial_document_id, external_id, status, gateway_order_id, payment_type, merchant, cardholder),
one JSON object per line (.jsonl, .ndjson, .json) or one CSV row each with dotted column names
(.csv). `-` reads JSON lines from stdin. Each row is read by the parser of `POST /api/v1/transactions`
(cases.wire.transaction_objects), so the import refuses what the API refuses; the switch serial
number may also sit under `network_details.mastercard`, as in Decisionly's newer samples.

Bad rows are skipped and reported on stderr with their line number and the fields at fault; the
good rows are imported. A row holding a full card number is refused without echoing it. The
command exits non-zero when any row was refused, so a scheduler notices.
"""

import csv
import gc
import json
import sys
import time
from pathlib import Path

import orjson
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases import pan
from cases.exceptions import ValidationFailed
from cases.ingest.imports import TransactionImport
from cases.ingest.writers import InlineWriter, ThreadedWriter
from cases.limits import unstorable_field
from cases.models import Program
from cases.wire.transaction_objects import lift_switch_serial_number, parse_transaction, unflatten

MAX_LINE = 1_000_000


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


class Command(BaseCommand):
    help = "Upsert transactions from a JSON-lines or CSV file into a program's transaction store."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .jsonl/.ndjson/.json or .csv file, or - for JSON lines on stdin")
        parser.add_argument("--program", required=True, help="program_id the transactions belong to")
        parser.add_argument("--format", choices=("jsonl", "csv"), help="default: from the file's extension")
        parser.add_argument("--batch-size", type=int, default=5000)

    def handle(self, *args, **opts):
        program = Program.objects.filter(program_id=opts["program"]).first()
        if program is None:
            raise CommandError(f"No program {opts['program']!r}.")
        path = opts["file"]
        fmt = opts["format"] or ("csv" if path.lower().endswith(".csv") else "jsonl")
        if path != "-" and not Path(path).is_file():
            raise CommandError(f"No such file: {path}")
        if fmt == "csv":
            stream = sys.stdin if path == "-" else open(path, encoding="utf-8", newline="")  # noqa: SIM115
        else:
            stream = sys.stdin.buffer if path == "-" else open(path, "rb")  # noqa: SIM115
        progress = Progress(self.stderr, None if path == "-" else Path(path).stat().st_size)
        target = TransactionImport(program)
        # Other connections cannot see the rows of a caller's transaction (a test): write inline then.
        threaded = connection.vendor == "postgresql" and not connection.in_atomic_block
        writer = ThreadedWriter(target) if threaded else InlineWriter(target)
        refused, rows, batch = [], 0, []
        # The rows in flight are many small dicts and dataclasses without reference cycles; the cyclic
        # collector would walk them over and over (a fifth or more of the CPU time): it waits until the end.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for line, document in (_csv_rows(stream) if fmt == "csv" else _json_rows(stream)):
                rows += 1
                parsed = _parse(line, document)
                if isinstance(parsed, str):
                    refused.append((line, parsed))
                else:
                    batch.append((line, parsed))
                if len(batch) >= max(1, opts["batch_size"]):
                    writer.submit(target.prepare(batch))
                    batch = []
                    progress.update(rows, _tell(stream))
            if batch:
                writer.submit(target.prepare(batch))
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text (after {rows} rows).") from None
        finally:
            if path != "-":
                stream.close()
            if collecting:
                gc.enable()
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
        return getattr(stream, "buffer", stream).tell()
    except (OSError, ValueError):
        return None


def _json_rows(stream):
    """(line number, (document, text)) for each non-blank line of a binary stream of UTF-8 JSON lines.
    Lines end as in a text file (LF, CRLF or a lone CR); bytes that are not UTF-8 raise
    UnicodeDecodeError. Read as bytes, decoded line by line: cheaper than a text stream."""
    line = 0
    for chunk in stream:
        for raw in chunk.splitlines(keepends=True) if b"\r" in chunk else (chunk,):
            line += 1
            text = raw.decode("utf-8")
            if not text or text.isspace():
                continue
            if len(text) > MAX_LINE:
                yield line, ValueError(f"the line is longer than {MAX_LINE} characters")
                continue
            try:
                yield line, (_loads(raw, text), text)
            except (ValueError, RecursionError):
                yield line, ValueError("not a JSON object")


def _loads(raw: bytes, text: str):
    """The line's JSON value. orjson reads a line in a third of the time json takes; what orjson
    refuses (NaN, a float beyond range, a lone surrogate escape, deep nesting) goes to json, which
    accepts or refuses it as before. orjson reads an integer beyond 64 bits as a float: no field
    takes one, and both are refused with the same message."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(text)


def _csv_rows(stream):
    reader = csv.DictReader(stream)
    if not reader.fieldnames:
        return
    for row in reader:
        if None in row:
            yield reader.line_num, ValueError("more cells than columns")
            continue
        if any("\x00" in cell for cell in (*row, *row.values()) if cell):
            yield reader.line_num, ValueError("a cell holds a NUL character, which no database stores")
            continue
        yield reader.line_num, (unflatten(row), "\x00".join([*row, *row.values()]))


def _parse(line: int, row):
    """The row's TransactionInput, or the message that refuses it."""
    if isinstance(row, Exception):
        return str(row)
    document, text = row
    # One scan of the raw text finds every digit run the document holds, in values and keys alike;
    # only a hit (or an escape sequence, which could hide digits) needs the walk that names the field.
    escaped = "\\" in text
    suspect = escaped or pan.text_holds_pan(text)
    field = pan.find_pan(document) if suspect else None
    if field:
        return f"{field}: holds a full card number; the row is refused (only the last 4 digits may be stored)"
    # In a JSON line a NUL or an unpaired surrogate can only come from an escape sequence (a CSV
    # cell's NUL is refused as the cells are read).
    if escaped:
        field = unstorable_field(document)
        if field:
            return f"{field}: holds a character no database stores (NUL or an unpaired surrogate)"
    if not isinstance(document, dict):
        return "transaction: Each transaction must be a JSON object."
    try:
        return parse_transaction(lift_switch_serial_number(document))
    except ValidationFailed as exc:
        return "; ".join(f"{e.field}: {e.message}" for e in exc.errors)
