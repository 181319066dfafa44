import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_case


def export(*args):
    out, err = StringIO(), StringIO()
    call_command("export_cases", *args, stdout=out, stderr=err)
    return list(csv.DictReader(StringIO(out.getvalue()))), err.getvalue()


def test_exports_every_case_with_its_transaction(program, other_program):
    first = make_case(program)
    second = make_case(program, path=["file_chargeback"])
    third = make_case(other_program, reason="fraud")

    rows, err = export()

    assert [r["case_id"] for r in rows] == [first.case_id, second.case_id, third.case_id]
    assert "3 cases exported." in err
    row = rows[1]
    assert (row["program"], row["status"], row["disputed_amount_minor"], row["currency"], row["card_last4"]) == (
        "prog_a", "chargeback_filed", "20000", "USD", "4242")
    assert row["arn"] == second.transaction.arn and row["merchant"] == "FoodHub"
    assert row["next_deadline"] == ""


def test_filters_by_program_status_and_query_string(program, other_program):
    open_case = make_case(program)
    make_case(program, path=["withdraw"])
    make_case(other_program)

    rows, _ = export("--program", "prog_a", "--status", "open")
    assert [r["case_id"] for r in rows] == [open_case.case_id]

    rows, _ = export("--filter", "status=closed")
    assert [r["status"] for r in rows] == ["withdrawn"]


def test_writes_a_file(program, tmp_path):
    case = make_case(program)
    path = tmp_path / "cases.csv"

    call_command("export_cases", "--output", str(path), stderr=StringIO())

    rows = list(csv.DictReader(path.open(newline="")))
    assert [r["case_id"] for r in rows] == [case.case_id]


def test_cells_that_spreadsheets_would_run_are_defused(program):
    make_case(program, case_id="-cmd", custom_fields={})

    rows, _ = export()

    assert rows[0]["case_id"] == "'-cmd"


def test_an_invalid_filter_is_an_error(program):
    with pytest.raises(CommandError, match="status"):
        call_command("export_cases", "--status", "nonsense", stdout=StringIO(), stderr=StringIO())
    with pytest.raises(CommandError, match="deadline_after"):
        call_command("export_cases", "--filter", "deadline_after=tomorrow", stdout=StringIO(), stderr=StringIO())
