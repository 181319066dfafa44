import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.models import Cardholder, Merchant, Transaction
from tests.conftest import DoorClient
from tests.factories import TransactionFactory

PAN = "4111 1111 1111 1111"


def row(n: int, **overrides) -> dict:
    base = {
        "financial_document_id": 5000 + n, "external_id": f"ext_{n}", "arn": f"7{n:022d}",
        "date": "2026-10-01T12:00:00Z", "amount": 1299, "currency": "usd", "system": "dual_message",
        "gateway_order_id": f"ord_{n}", "payment_type": "card",
        "card": {"network": "visa", "last4": "4242", "expiry_month": 6, "expiry_year": 2028, "type": "credit"},
        "merchant": {"issuer_id": "m-1", "name": "FoodHub", "category_code": "5812"},
        "cardholder": {"issuer_id": f"c-{n % 3}", "name": "Susie Chargeback", "email": "susie@example.com",
                       "billing_address": {"city": "Austin", "country": "US"}},
    }
    base.update(overrides)
    return base


def run(tmp_path, lines, name="txns.jsonl", program="prog_a"):
    path = tmp_path / name
    path.write_text("".join(line if isinstance(line, str) else json.dumps(line) + "\n" for line in lines))
    out, err = StringIO(), StringIO()
    try:
        call_command("import_transactions", str(path), "--program", program, "--batch-size", "2", stdout=out, stderr=err)
        failed = None
    except CommandError as exc:
        failed = str(exc)
    return out.getvalue(), err.getvalue(), failed


def test_imports_json_lines_with_parties_matched_by_issuer_id(program, tmp_path):
    out, err, failed = run(tmp_path, [row(n) for n in range(5)])

    assert failed is None, err
    assert "5 rows: 5 created, 0 updated, 0 refused" in out
    txn = Transaction.objects.get(program=program, financial_document_id=5003)
    assert (txn.arn, txn.amount, txn.currency, txn.card_network, txn.card_last4, txn.status) == (
        "70000000000000000000003", 1299, "USD", "visa", "4242", "success")
    assert txn.merchant.name == "FoodHub" and txn.cardholder.city == "Austin"
    assert Merchant.objects.filter(program=program).count() == 1
    assert Cardholder.objects.filter(program=program).count() == 3


def test_reimport_updates_by_financial_document_id_or_external_id(program, tmp_path):
    run(tmp_path, [row(1), row(2)])
    changed = row(2, amount=5000, status="refunded")
    by_external = row(1, amount=777)
    del by_external["financial_document_id"]

    out, err, failed = run(tmp_path, [changed, by_external])

    assert failed is None, err
    assert "2 rows: 0 created, 2 updated, 0 refused" in out
    assert Transaction.objects.filter(program=program).count() == 2
    assert Transaction.objects.get(financial_document_id=5002).status == "refunded"
    assert Transaction.objects.get(external_id="ext_1").amount == 777


def test_rows_without_ids_get_a_financial_document_id(program, tmp_path):
    bare = row(9)
    del bare["financial_document_id"], bare["external_id"]

    out, _, failed = run(tmp_path, [bare])

    assert failed is None
    txn = Transaction.objects.get(program=program, arn=bare["arn"])
    assert txn.financial_document_id >= 1_000_000_000


def test_bad_rows_are_reported_with_line_numbers_and_skipped(program, tmp_path):
    lines = [
        row(1),
        "{not json\n",
        row(2, amount=-5),
        row(3, currency="XYZ", card={"network": "visa", "last4": "42"}),
        row(4, date="yesterday"),
        json.dumps([1, 2]) + "\n",
        row(5, amount="12.99"),
        row(6),
    ]
    out, err, failed = run(tmp_path, lines)

    assert failed is not None and "6 rows refused" in failed
    assert "8 rows: 2 created, 0 updated, 6 refused" in out
    assert "line 2: not a JSON object" in err
    assert "line 3: amount:" in err
    assert "line 4: currency: Unknown transaction currency." in err and "card.last4" in err
    assert "line 5: date:" in err
    assert "line 6: transaction: Each transaction must be a JSON object." in err
    assert "line 7: amount:" in err
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {5001, 5006}


def test_a_row_holding_a_card_number_is_refused_without_echoing_it(program, tmp_path):
    out, err, failed = run(tmp_path, [row(1, gateway_order_id=f"order {PAN}"), row(2)])

    assert failed is not None
    assert "line 1: gateway_order_id: holds a full card number" in err
    assert "4111" not in err + out
    assert not Transaction.objects.filter(financial_document_id=5001).exists()
    assert Transaction.objects.filter(financial_document_id=5002).exists()


def test_a_card_number_used_as_a_key_is_refused_without_echoing_it(program, tmp_path):
    out, err, failed = run(tmp_path, [row(1, extra={PAN: "x"}), row(2)])

    assert failed is not None
    assert "line 1: extra.**** **** **** ****: holds a full card number" in err
    assert "4111" not in err + out
    assert not Transaction.objects.filter(financial_document_id=5001).exists()
    assert Transaction.objects.filter(financial_document_id=5002).exists()


def test_a_row_colliding_with_another_transaction_is_refused_alone(program, tmp_path):
    TransactionFactory(program=program, financial_document_id=42, external_id="taken", arn="")

    out, err, failed = run(tmp_path, [row(1), row(2, external_id="taken"), row(3)])

    assert failed is not None
    assert "line 2: conflicts with a stored transaction" in err
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {42, 5001, 5003}


def test_csv_with_dotted_columns(program, tmp_path):
    text = ("financial_document_id,arn,date,amount,currency,card.network,card.last4,card.expiry_month,"
            "merchant.issuer_id,merchant.name,cardholder.issuer_id,cardholder.name,cardholder.billing_address.country\n"
            "7001,70000000000000000007001,2026-10-01,2500,EUR,mastercard,1234,3,m-9,Harbor Hotels,c-9,Wei Kim,DE\n"
            "7002,,2026-10-02,abc,EUR,,,,,,,,\n")
    out, err, failed = run(tmp_path, [text], name="txns.csv")

    assert "2 rows: 1 created, 0 updated, 1 refused" in out
    assert "line 3: amount:" in err
    txn = Transaction.objects.get(financial_document_id=7001)
    assert (txn.currency, txn.card_network, txn.card_expiry_month, txn.merchant.name, txn.cardholder.country) == (
        "EUR", "mastercard", 3, "Harbor Hotels", "DE")


def test_unknown_program_and_missing_file_are_errors(program, tmp_path):
    with pytest.raises(CommandError, match="No program"):
        call_command("import_transactions", str(tmp_path / "x.jsonl"), "--program", "nope")
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_transactions", str(tmp_path / "x.jsonl"), "--program", "prog_a")


def test_a_file_that_is_not_utf8_is_an_error(program, tmp_path):
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b"\xff\xfe\x00garbage\n")
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_transactions", str(path), "--program", "prog_a", stderr=StringIO())


def test_lines_may_end_in_crlf_or_a_lone_cr_and_blank_lines_count(program, tmp_path):
    text = json.dumps(row(1)) + "\r\n\r\n" + json.dumps(row(2, amount=0)) + "\r" + json.dumps(row(3)) + "\n"
    out, err, failed = run(tmp_path, [text])

    assert "3 rows: 2 created, 0 updated, 1 refused" in out
    assert "line 3: amount:" in err  # line 2 is blank
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {5001, 5003}


def test_a_card_number_anywhere_in_the_row_refuses_it(program, tmp_path):
    lines = [
        row(1, notes={"text": f"card {PAN} used"}),  # a field the import does not read
        row(2, amount=4111111111111111),  # a number
        row(3, arn="48162855246353338636162", gateway_order_id="ord 4111  1111 1111 1111"),  # ARN; broken runs
        json.dumps(row(4, gateway_order_id="PANHERE")).replace("PANHERE", "\\u0034111111111111111") + "\n",  # escaped
    ]
    out, err, failed = run(tmp_path, lines)

    assert "4 rows: 1 created, 0 updated, 3 refused" in out
    assert "line 1: notes.text: holds a full card number" in err
    assert "line 2: amount: holds a full card number" in err
    assert "line 4: gateway_order_id: holds a full card number" in err
    assert "4111 1111" not in err + out and "111111111111" not in err + out
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {5003}


def test_bytes_that_are_not_utf8_after_good_lines_stop_the_import(program, tmp_path):
    path = tmp_path / "txns.jsonl"
    path.write_bytes((json.dumps(row(1)) + "\n").encode() + b'{"external_id": "\xff"}\n')

    with pytest.raises(CommandError, match=r"not UTF-8 text \(after 1 rows\)"):
        call_command("import_transactions", str(path), "--program", "prog_a", stderr=StringIO(), stdout=StringIO())


def test_unusual_json_is_read_or_refused_as_json_reads_it(program, tmp_path):
    lines = [
        json.dumps(row(1)).replace('"amount": 1299', '"amount": NaN') + "\n",
        json.dumps(row(2)).replace('"amount": 1299', '"amount": 1e400') + "\n",
        json.dumps(row(3)).replace('"amount": 1299', '"amount": 123456789012345678901234567890') + "\n",
        json.dumps(row(4)).replace('"financial_document_id": 5004', '"financial_document_id": -99999999999999999999') + "\n",
        json.dumps(row(5, remitter_bank="\ud800", amount="x")) + "\n",  # a lone surrogate escape
        "[" * 100_000 + "]" * 100_000 + "\n",
        json.dumps(row(7, amount=12.0)) + "\n",
        row(8),
    ]
    out, err, failed = run(tmp_path, lines)

    not_an_amount = "amount: Must be an integer amount in minor units (299 is 2.99 USD)."
    assert f"line 1: {not_an_amount}" in err  # NaN
    assert f"line 2: {not_an_amount}" in err  # infinity
    # An integer beyond 64 bits: orjson reads it as a float, json as an integer; refused either way.
    assert (f"line 3: {not_an_amount}" in err) or ("line 3: amount: At most 9223372036854775807." in err)
    assert ("line 4: financial_document_id: Must be an integer." in err
            or "line 4: financial_document_id: Must be between 1 and 9223372036854775807." in err)
    assert "line 5: remitter_bank: holds a character no database stores" in err
    assert "line 6: not a JSON object" in err
    assert f"line 7: {not_an_amount}" in err
    assert "8 rows: 1 created, 0 updated, 7 refused" in out
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {5008}


UNSTORABLE_LINES = [
    json.dumps(row(1, gateway_order_id="a\u0000b")) + "\n",  # json.dumps writes the NUL as \u0000
    json.dumps(row(2, merchant={"issuer_id": "m-1", "name": "Food\ud800Hub"})) + "\n",  # a lone surrogate
    json.dumps(row(3)) + "\n",
]


def test_a_row_no_database_stores_is_refused_alone(program, tmp_path):
    out, err, failed = run(tmp_path, UNSTORABLE_LINES)

    assert "3 rows: 1 created, 0 updated, 2 refused" in out, out + err
    assert "line 1: gateway_order_id: holds a character no database stores" in err
    assert "line 2: merchant.name: holds a character no database stores" in err
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {5003}


def test_a_csv_cell_holding_a_nul_is_refused_alone(program, tmp_path):
    text = ("financial_document_id,date,amount,currency,card.network,gateway_order_id\n"
            "7001,2026-10-01,2500,EUR,visa,a\x00b\n"
            "7002,2026-10-01,2500,EUR,visa,ok\n")
    out, err, failed = run(tmp_path, [text], name="txns.csv")

    assert "2 rows: 1 created, 0 updated, 1 refused" in out, out + err
    assert "line 2: a cell holds a NUL character" in err
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {7002}


# The import reads each row through the store's own parser: what POST /api/v1/transactions refuses,
# the import refuses too, naming the field on the row's line.
REFUSED_BY_BOTH = [
    (lambda b: b["card"].update(expiry_year=2200), "card.expiry_year"),
    (lambda b: b["card"].update(type="gold"), "card.type"),
    (lambda b: b["card"].update(network="diners"), "card.network"),
    (lambda b: b["cardholder"].update(email="not-an-address"), "cardholder.email"),
    (lambda b: b["merchant"].update(chargeback_email="cb@"), "merchant.chargeback_email"),
    (lambda b: b["cardholder"].update(billing_address={"country": "XX"}), "cardholder.billing_address.country"),
    (lambda b: b["cardholder"].update(name="Susie\x07Chargeback"), "cardholder.name"),
    (lambda b: b.update(gateway_order_id="ord\n1"), "gateway_order_id"),
    (lambda b: b["cardholder"].update(billing_cycle_day=32), "cardholder.billing_cycle_day"),
    (lambda b: b["cardholder"].update(account_opened_on="2026-02-30"), "cardholder.account_opened_on"),
    (lambda b: b.update(date="2026-10-1"), "date"),
]


@pytest.mark.parametrize("mutate, field", REFUSED_BY_BOTH)
def test_the_import_refuses_what_the_api_refuses(program, api_keys, tmp_path, mutate, field):
    body = row(1)
    mutate(body)

    out, err, failed = run(tmp_path, [body, row(2)])
    response = DoorClient(api_keys["manage"][1]).post("/api/v1/transactions", body)

    assert failed is not None and "2 rows: 1 created, 0 updated, 1 refused" in out, out + err
    assert f"line 1: {field}: " in err
    assert response.status_code == 422, response.content
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert set(Transaction.objects.values_list("financial_document_id", flat=True)) == {5002}


def test_a_cardholders_account_opening_and_billing_cycle_are_imported(program, tmp_path):
    opened = row(1)
    opened["cardholder"].update(account_opened_on="2026-09-20", billing_cycle_day=15)
    text = ("financial_document_id,date,amount,currency,cardholder.issuer_id,cardholder.name,"
            "cardholder.account_opened_on,cardholder.billing_cycle_day\n"
            "7001,2026-10-01,2500,EUR,c-csv,Wei Kim,2026-08-01,3\n")

    _, err, failed = run(tmp_path, [opened])
    _, err_csv, failed_csv = run(tmp_path, [text], name="txns.csv")

    assert failed is None and failed_csv is None, err + err_csv
    holder = Transaction.objects.get(financial_document_id=5001).cardholder
    assert (holder.account_opened_on, holder.billing_cycle_day) == (date(2026, 9, 20), 15)
    holder = Transaction.objects.get(financial_document_id=7001).cardholder
    assert (holder.account_opened_on, holder.billing_cycle_day) == (date(2026, 8, 1), 3)
