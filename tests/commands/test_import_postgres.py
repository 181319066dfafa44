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
    if connection.vendor != "postgresql":
        pytest.fail("run with scripts/test-postgres.sh (DATABASE_URL=postgres://...)")
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
