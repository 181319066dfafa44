"""import_transactions on PostgreSQL: the COPY + INSERT ... ON CONFLICT path, written by its second thread."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from cases.models import Merchant, Transaction
from tests.commands.test_import_transactions import row
from tests.factories import ProgramFactory, TransactionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def pg_program():
    return ProgramFactory(program_id="prog_pg")


def run(tmp_path, documents, batch_size="3"):
    path = tmp_path / "txns.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in documents))
    out, err = StringIO(), StringIO()
    call_command("import_transactions", str(path), "--program", "prog_pg", "--batch-size", batch_size,
                 stdout=out, stderr=err)
    return out.getvalue()


def test_inserts_then_upserts_with_exact_counts(pg_program, tmp_path):
    documents = [row(n) for n in range(10)]
    assert "10 rows: 10 created, 0 updated, 0 refused" in run(tmp_path, documents)

    documents[4]["amount"] = 4444
    out = run(tmp_path, documents + [dict(row(3), financial_document_id=None, amount=3333)])

    assert "11 rows: 0 created, 11 updated, 0 refused" in out
    assert Transaction.objects.filter(program=pg_program).count() == 10
    assert Transaction.objects.get(financial_document_id=5004).amount == 4444
    assert Transaction.objects.get(financial_document_id=5003).amount == 3333
    assert Merchant.objects.filter(program=pg_program).count() == 1


def test_a_collision_refuses_only_its_row(pg_program, tmp_path):
    TransactionFactory(program=pg_program, financial_document_id=42, external_id="taken", arn="")

    with pytest.raises(CommandError, match="1 rows refused"):
        run(tmp_path, [row(1), row(2, external_id="taken"), row(3), row(4)])

    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {42, 5001, 5003, 5004}


def test_a_batch_of_stored_and_new_rows_after_new_ones_is_upserted(pg_program, tmp_path):
    run(tmp_path, [row(n) for n in range(4)])
    # The first batch of the second file is first tried as new rows (the import has only created so far).
    documents = [row(10), row(11), row(2, amount=222), row(12), row(3, amount=333), row(13)]

    out = run(tmp_path, documents)

    assert "6 rows: 4 created, 2 updated, 0 refused" in out
    assert Transaction.objects.filter(program=pg_program).count() == 8
    assert Transaction.objects.get(financial_document_id=5002).amount == 222
    assert Transaction.objects.get(financial_document_id=5003).amount == 333


def _row_versions() -> dict[int, int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT financial_document_id, xmin::text::bigint FROM cases_transaction")
        return dict(cursor.fetchall())


def test_a_reimported_row_is_rewritten_only_when_it_changed(pg_program, tmp_path):
    documents = [row(n) for n in range(6)]
    run(tmp_path, documents)
    before = _row_versions()
    documents[1]["amount"] = 1111
    documents[4]["cardholder"] = {"issuer_id": "c-new", "name": "Wei Kim"}

    out = run(tmp_path, documents)

    assert "6 rows: 0 created, 6 updated, 0 refused" in out
    after = _row_versions()
    assert {fdid for fdid in after if after[fdid] != before[fdid]} == {5001, 5004}
    assert Transaction.objects.get(financial_document_id=5004).cardholder.external_id == "c-new"


def test_batches_written_together_end_as_if_written_in_order(pg_program, tmp_path):
    TransactionFactory(program=pg_program, financial_document_id=42, external_id="old-42", arn="")
    TransactionFactory(program=pg_program, financial_document_id=43, external_id="old-43", arn="")
    documents = [
        row(1), row(2, amount=200), row(3), row(4),
        dict(row(42), financial_document_id=42, external_id="new-42"),  # frees old-42 ...
        row(5, external_id="old-42"),  # ... which a later line takes
        row(6, external_id="old-43"),  # refused: 43 gives old-43 up only on a later line
        dict(row(43), financial_document_id=43, external_id="new-43"),
        row(2, amount=202),  # a later line for the same transaction wins
        dict(row(7), financial_document_id=None, external_id="ext_3", amount=303),  # matched by its external id
    ]
    path = tmp_path / "txns.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in documents))
    err = StringIO()

    with pytest.raises(CommandError, match="1 rows refused"):
        call_command("import_transactions", str(path), "--program", "prog_pg", "--batch-size", "1",
                     stdout=StringIO(), stderr=err)

    assert "line 7: conflicts with a stored transaction" in err.getvalue()
    stored = {t.financial_document_id: (t.external_id, t.amount) for t in Transaction.objects.filter(program=pg_program)}
    assert stored == {5001: ("ext_1", 1299), 5002: ("ext_2", 202), 5003: ("ext_3", 303), 5004: ("ext_4", 1299),
                      42: ("new-42", 1299), 5005: ("old-42", 1299), 43: ("new-43", 1299)}


def test_rows_no_database_stores_are_refused_alone(pg_program, tmp_path):
    from tests.commands.test_import_transactions import UNSTORABLE_LINES

    path = tmp_path / "txns.jsonl"
    path.write_text("".join(UNSTORABLE_LINES))
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match="2 rows refused"):
        call_command("import_transactions", str(path), "--program", "prog_pg", stdout=out, stderr=err)

    assert "3 rows: 1 created, 0 updated, 2 refused" in out.getvalue(), out.getvalue() + err.getvalue()
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {5003}
