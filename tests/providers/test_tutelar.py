"""Tutelar disputes dialect: create outcomes, the view, update, move level and verdicts."""

import copy
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from cases import services
from cases.actors import Actor
from cases.choices import CaseStatus, EventKind, Source
from cases.models import Case, CaseEvent, Transaction
from tests.factories import TransactionFactory, _superuser
from tests.providers.conftest import load_payload

pytestmark = pytest.mark.django_db
BASE = "/api/v1/dispute"
DISPUTE_ID = re.compile(r"^dispute_[A-Za-z]{8}$")
SAMPLE_DATE = datetime(2023, 10, 11, tzinfo=UTC)  # the sample's transactionDate


def filled() -> dict:
    return load_payload("tutelar", "create_request.json")


def documented(outcome: str) -> dict:
    return load_payload("tutelar", "create_responses.json")[outcome]


def create(api, body=None, **changes):
    body = copy.deepcopy(body or filled())
    body.update(changes)
    return api.post(f"{BASE}/create", body)


def assert_outcome(response, outcome: str) -> Case:
    """The response is the seed's for this outcome, field by field (the id is generated)."""
    assert response.status_code == 201, response.content
    body, expected = response.json(), documented(outcome)
    assert set(body) == set(expected)
    for field in ("success", "code", "message"):
        assert body[field] == expected[field], field
    assert set(body["data"]) == {"disputeId"}
    assert DISPUTE_ID.match(body["data"]["disputeId"])
    return Case.objects.get(case_id=body["data"]["disputeId"])


@pytest.fixture
def dispute(api) -> Case:
    return assert_outcome(create(api), "success")


def test_filled_seed_sample_raises_a_dispute(api, program):
    case = assert_outcome(create(api), "success")

    txn = case.transaction
    assert (case.source, case.status, case.level, case.dispute_type) == (Source.TUTELAR, "created", "level_1", "dispute")
    assert (txn.external_id, txn.amount, txn.currency, txn.status) == ("trans_53146", 100100, "USD", "success")
    assert (case.disputed_amount, case.network, case.network_reason_code, case.reason) == (10000, "", "109", "other")
    assert (txn.gateway_order_id, txn.payment_instrument_id, txn.acquirer_bank_code) == ("ORD_90045", "89 09 78", "HDFC")
    assert (txn.merchant.external_id, txn.cardholder.name) == ("TUT778t78yt", "Priya Raman")
    assert case.tdr_details == {"type": "include", "amount_type": "price", "amount": 5000}
    assert case.tax_details == {"type": "exclude", "amount_type": "percentage", "amount": "50"}
    assert (str(case.internal_due_date), str(case.due_date)) == ("2023-12-31", "2023-12-25")
    assert case.comments == "your comments"
    assert CaseEvent.objects.get(case=case, kind=EventKind.CREATED).note == "your comments"


def test_the_seed_sample_as_published_is_refused(api):
    response = api.post(f"{BASE}/create", load_payload("tutelar", "seed_sample_request.json"))
    assert response.status_code == 422
    assert response.json()["success"] is False
    assert not Case.objects.exists()


def test_amounts_are_major_units_in_the_program_currency(api, program):
    program.default_currency = "KWD"
    program.save()
    body = filled()
    body["transactionDetails"]["amount"] = 12.345
    case = assert_outcome(create(api, body, disputeAmount="1.5"), "success")
    assert (case.transaction.amount, case.disputed_amount, case.currency) == (12345, 1500, "KWD")


def test_failed_transaction_closes_the_dispute(api, program):
    TransactionFactory(program=program, external_id="trans_53146", status="failed", amount=100100, card_network="",
                       date=SAMPLE_DATE)
    case = assert_outcome(create(api), "failed")
    assert case.status == CaseStatus.REJECTED
    assert CaseEvent.objects.filter(case=case, transition="reject", actor="system").exists()


def test_refunded_transaction_closes_the_dispute(api, program):
    TransactionFactory(program=program, external_id="trans_53146", status="refunded", amount=100100, card_network="",
                       date=SAMPLE_DATE)
    case = assert_outcome(create(api), "refunded")
    assert case.status == CaseStatus.MERCHANT_CREDITED


def test_transaction_is_matched_by_its_id(api, program):
    stored = TransactionFactory(program=program, external_id="trans_53146", amount=100100, card_network="",
                       date=SAMPLE_DATE)
    case = assert_outcome(create(api), "success")
    assert case.transaction == stored
    assert Transaction.objects.count() == 1


@pytest.mark.parametrize(("given", "stored"), [("BO", "bo"), ("Fraud", "fraud"), ("COMPLAINT", "complaint"),
                                               ("chargeback", "chargeback"), ("dispute", "dispute")])
def test_dispute_types(api, given, stored):
    assert assert_outcome(create(api, disputeType=given), "success").dispute_type == stored


def test_a_known_network_code_gets_its_reason(api):
    assert assert_outcome(create(api, reasonCode="13.1"), "success").reason == "product_not_received"


def test_numbers_are_accepted_for_amounts_and_codes(api):
    body = filled()
    body["transactionDetails"]["amount"] = 1001
    case = assert_outcome(create(api, body, disputeAmount=100.5, reasonCode=109), "success")
    assert (case.disputed_amount, case.network_reason_code) == (10050, "109")


def test_view_returns_the_dispute_in_the_seed_field_names(api, dispute):
    response = api.get(f"{BASE}/view/{dispute.case_id}")

    assert response.status_code == 200
    body = response.json()
    assert (body["success"], body["code"], body["message"]) == (True, 200, "Dispute details are")
    data, sent = body["data"], filled()
    assert data["disputeId"] == dispute.case_id
    assert (data["status"], data["verdict"], data["level"]) == ("open", "pending", "level_1")
    for section in ("transactionDetails", "merchantDetails"):
        for field, value in sent[section].items():
            if field == "amount":
                assert Decimal(str(data[section][field])) == Decimal(value)
            elif field == "transactionDate":
                assert data[section][field].startswith(value)
            else:
                assert data[section][field] == value, f"{section}.{field}"
    assert Decimal(str(data["disputeAmount"])) == Decimal(sent["disputeAmount"])
    for section in ("disputeAmountTdrDetails", "disputeAmountTaxDetails"):
        assert data[section]["type"] == sent[section]["type"]
        assert data[section]["amountType"] == sent[section]["amountType"]
        assert Decimal(str(data[section]["amount"])) == Decimal(sent[section]["amount"])
    for field in ("disputeType", "internalDueDate", "dueDate", "paymentType", "acquirerBankCode", "remitterBank",
                  "reasonCode", "nodalAccountNo", "gatewayOrderId", "paymentInstrumentId"):
        assert data[field] == sent[field], field
    assert data["comments"] == sent["comments"].strip()
    assert data["history"][0]["action"] == "Raised"


def test_update_changes_dispute_fields_with_events(api, dispute):
    body = {"disputeAmount": "90.50", "disputeType": "fraud", "reasonCode": "10.4", "level": "level_2",
            "internalDueDate": "2024-01-15", "dueDate": "2024-01-20", "comments": "Customer sent receipt",
            "disputeAmountTdrDetails": {"type": "exclude", "amountType": "percentage", "amount": 2.5}}
    response = api.patch(f"{BASE}/update/{dispute.case_id}", body)

    assert response.status_code == 200, response.content
    assert response.json() == {"success": True, "code": 200, "message": "Dispute Details updated successfully",
                               "data": {"disputeId": dispute.case_id}}
    case = Case.objects.get(pk=dispute.pk)
    assert (case.disputed_amount, case.dispute_type, case.network_reason_code, case.reason, case.level) == (
        9050, "fraud", "10.4", "fraud", "level_2")
    assert (str(case.internal_due_date), str(case.due_date)) == ("2024-01-15", "2024-01-20")
    assert case.tdr_details == {"type": "exclude", "amount_type": "percentage", "amount": "2.5"}
    kinds = list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True))
    assert kinds == ["created", "amount", "edit", "edit", "note"]
    assert CaseEvent.objects.get(case=case, kind="note").note == "Customer sent receipt"


def test_update_checks_fields_like_create(api, dispute):
    response = api.patch(f"{BASE}/update/{dispute.case_id}", {"disputeAmount": 5000})
    assert (response.status_code, response.json()["message"]) == (
        422, "Dispute amount cannot be higher than transaction amount")
    response = api.patch(f"{BASE}/update/{dispute.case_id}", {"internalDueDate": "2023-01-01"})
    assert response.json()["message"] == "Invalid Internal Due date"
    assert Case.objects.get(pk=dispute.pk).disputed_amount == 10000


def test_update_is_atomic(api, dispute):
    response = api.patch(f"{BASE}/update/{dispute.case_id}", {"disputeAmount": 50, "reasonCode": "4837"})
    assert response.status_code == 200
    body = {"disputeAmount": 60, "level": "level_7"}
    assert api.patch(f"{BASE}/update/{dispute.case_id}", body).json()["message"] == "Please Update general configuration"
    assert Case.objects.get(pk=dispute.pk).disputed_amount == 5000


def test_update_of_a_closed_dispute(api, dispute):
    api.put(f"{BASE}/merchant-won/{dispute.case_id}")
    response = api.patch(f"{BASE}/update/{dispute.case_id}", {"level": "level_2"})
    assert (response.status_code, response.json()["message"]) == (422, "Dispute is closed and cannot be updated")


def test_update_with_no_dispute_field(api, dispute):
    response = api.patch(f"{BASE}/update/{dispute.case_id}", {"unknown": 1})
    assert (response.status_code, response.json()["message"]) == (422, "Invalid data received")


def test_move_level(api, dispute):
    body = {"level": "level_2", "dueDate": "2024-02-01", "comments": "Escalated to level 2"}
    response = api.put(f"{BASE}/move-level/{dispute.case_id}", body)

    assert response.status_code == 200, response.content
    assert response.json()["message"] == "Dispute moved to level_2"
    case = Case.objects.get(pk=dispute.pk)
    assert (case.level, str(case.due_date)) == ("level_2", "2024-02-01")
    event = CaseEvent.objects.filter(case=case, kind=EventKind.EDIT).get()
    assert event.changes["level"] == {"before": "level_1", "after": "level_2"}
    assert event.note == "Escalated to level 2"


def test_move_level_to_the_same_level_keeps_the_comment(api, dispute):
    body = {"level": "level_1", "dueDate": "2023-12-25", "comments": "Reviewed again"}
    assert api.put(f"{BASE}/move-level/{dispute.case_id}", body).status_code == 200
    assert CaseEvent.objects.get(case=dispute, kind=EventKind.NOTE).note == "Reviewed again"


@pytest.mark.parametrize(("body", "message"), [
    ({"dueDate": "2024-02-01", "comments": "x"}, "Please select dispute level"),
    ({"level": "level_5", "dueDate": "2024-02-01", "comments": "x"}, "Please Update general configuration"),
    ({"level": "level_2", "comments": "x"}, "Please enter Due date"),
    ({"level": "level_2", "dueDate": "soon", "comments": "x"}, "Invalid Due date"),
    ({"level": "level_2", "dueDate": "2024-02-01"}, "Please enter Comments"),
    ({"level": "level_2", "dueDate": "2024-02-01", "comments": "<b>"}, "Only allowed A-Za-z0-9 .,'!&@_ in Comments"),
])
def test_move_level_errors(api, dispute, body, message):
    response = api.put(f"{BASE}/move-level/{dispute.case_id}", body)
    assert (response.status_code, response.json()["message"]) == (422, message)


def walk(case, *steps):
    actor = Actor.for_user(_superuser())
    for step in steps:
        case = services.case_transition(case=case, transition=step, actor=actor).case
    return case


@pytest.mark.parametrize(("path", "verdict", "status", "tutelar_verdict"), [
    ((), "merchant-won", CaseStatus.REJECTED, "won"),
    ((), "merchant-loss", CaseStatus.MERCHANT_CREDITED, "loss"),
    (("file_chargeback",), "merchant-won", CaseStatus.LOST, "won"),
    (("file_chargeback",), "merchant-loss", CaseStatus.WON, "loss"),
    (("file_chargeback", "record_representment", "file_prearbitration"), "merchant-won", CaseStatus.LOST, "won"),
    (("file_chargeback", "record_representment"), "merchant-won", CaseStatus.ACCEPTED, "won"),
    (("file_chargeback", "record_representment"), "merchant-loss", CaseStatus.MERCHANT_CREDITED, "loss"),
])
def test_verdicts_run_the_lifecycle(api, program, path, verdict, status, tutelar_verdict):
    recent = filled()
    recent["transactionDetails"]["transactionDate"] = "2026-01-01"
    recent["internalDueDate"] = "2026-02-01"
    case = assert_outcome(create(api, recent), "success")
    Case.objects.filter(pk=case.pk).update(chargeback_due_date=None)  # file whatever today's date
    walk(Case.objects.get(pk=case.pk), *path)

    response = api.put(f"{BASE}/{verdict}/{case.case_id}")

    assert response.status_code == 200, response.content
    expected = "Merchant Won this dispute" if verdict == "merchant-won" else "Merchant Loss this dispute"
    assert response.json()["message"] == expected
    assert Case.objects.get(pk=case.pk).status == status
    view = api.get(f"{BASE}/view/{case.case_id}").json()["data"]
    assert (view["status"], view["verdict"]) == ("closed", tutelar_verdict)


@pytest.mark.parametrize("second", ["merchant-won", "merchant-loss"])
def test_a_second_verdict_is_refused(api, dispute, second):
    assert api.put(f"{BASE}/merchant-won/{dispute.case_id}").status_code == 200
    response = api.put(f"{BASE}/{second}/{dispute.case_id}")
    assert response.status_code == 422
    assert response.json() == {"success": False, "code": 300, "message": "Already reacted to this dispute", "data": {}}


@pytest.mark.parametrize("path", ["view/dispute_Nothere1", "merchant-won/dispute_Nothere1",
                                  "merchant-loss/dispute_Nothere1", "move-level/dispute_Nothere1",
                                  "update/dispute_Nothere1"])
def test_unknown_dispute_is_no_data_found(api, path):
    method = {"view": "get", "update": "patch"}.get(path.split("/")[0], "put")
    response = getattr(api, method)(f"{BASE}/{path}")
    assert response.status_code == 422
    assert response.json() == {"success": False, "code": 300, "message": "No data found", "data": {}}
