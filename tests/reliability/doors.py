"""The four doors that create cases, as SPEC sections 5-6 define them: request bodies for one stored
transaction, each door's authentication form, and how each door names its errors."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

DOORS = ("native", "mastercard", "decisionly", "tutelar")
CREATE_PATHS = {
    "native": "/api/v1/cases",
    "mastercard": "/global-processing/dispute/cases",
    "decisionly": "/v2/issuer/cases",
    "tutelar": "/api/v1/dispute/create",
}


def major(amount_minor: int) -> str:
    return f"{amount_minor // 100}.{amount_minor % 100:02d}"


def create_body(door: str, txn) -> dict:
    """A create request on the stored transaction `txn`, for its whole amount."""
    if door == "native":
        return {"reason": "product_not_received", "financial_document_id": txn.financial_document_id}
    if door == "mastercard":
        return {"financialDocumentId": txn.financial_document_id, "reasonCode": "4855",
                "caseComments": "channel=mobile;"}
    if door == "decisionly":
        return {
            "reason": "product_not_received",
            "cardholder": {"name": "Susie Chargeback", "email": "susie@example.com", "type": "individual"},
            "merchant": {"name": "FoodHub", "category_code": "5734"},
            "transaction": {"arn": txn.arn, "date": txn.date.isoformat(), "amount": txn.amount,
                            "currency": txn.currency, "card": {"network": txn.card_network, "last4": txn.card_last4}},
            "dispute": {"amount": txn.amount, "currency": txn.currency, "raised_by": "cardholder"},
            "issuer_evidence": {"cardholder_explanation": "I never received this order"},
        }
    if door == "tutelar":
        day = txn.date.date()
        return {
            "transactionDetails": {"id": txn.external_id, "customerName": "Susie Chargeback",
                                   "customerEmail": "susie@example.com", "customerMobile": "4155550100",
                                   "amount": major(txn.amount), "transactionDate": day.isoformat()},
            "merchantDetails": {"id": "TUT778t78yt", "name": "FoodHub", "businessName": "FoodHub Delivery Inc",
                                "chargebackEmail": "disputes@foodhub.example", "mobile": "4155550199"},
            "disputeAmount": major(txn.amount),
            "disputeType": "dispute",
            "internalDueDate": (timezone.now().date() + timedelta(days=10)).isoformat(),
            "level": "level_1",
            "paymentType": "cc",
            "acquirerBankCode": "HDFC",
            "reasonCode": "4855",
            "gatewayOrderId": "ORD_90045",
            "paymentInstrumentId": "PI_8909",
            "comments": "Item never arrived",
        }
    raise ValueError(door)


@dataclass(frozen=True)
class Outcome:
    door: str
    status: int
    body: dict | None
    headers: dict

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def replayed(self) -> bool:
        return self.headers.get("Idempotent-Replayed") == "true"


def is_envelope(door: str, status: int, body) -> bool:
    """Whether an error body is in the door's own error envelope (SPEC sections 5-6)."""
    if not isinstance(body, dict):
        return False
    if door == "native":
        return body.get("status") == status and isinstance(body.get("code"), str) and "title" in body
    if door == "mastercard":
        errors = (body.get("Errors") or {}).get("Error")
        return bool(errors) and all({"Source", "ReasonCode", "Description"} <= set(e) for e in errors)
    if door == "decisionly":
        error = body.get("error")
        return isinstance(error, dict) and {"type", "code", "message"} <= set(error)
    if door == "tutelar":
        return body.get("success") is False and body.get("code") == 300 and body.get("data") == {} and bool(
            body.get("message"))
    raise ValueError(door)


def names_duplicate(outcome: Outcome, case) -> bool:
    """The door's duplicate-case error naming the existing case (SPEC sections 6 and 9)."""
    body = outcome.body or {}
    if outcome.door == "native":
        return outcome.status == 409 and body.get("code") == "open_case_exists" and body.get("case_id") == case.case_id
    if outcome.door == "mastercard":
        error = body["Errors"]["Error"][0]
        return (outcome.status == 400 and error["ReasonCode"] == "ANOTHER_OPEN_CASE_ALREADY_EXISTS"
                and f"Another open case with id {case.number} " in error["Description"])
    if outcome.door == "decisionly":
        return outcome.status == 409 and case.case_id in body["error"]["message"]
    if outcome.door == "tutelar":
        return outcome.status == 422 and body["message"] == "Dispute details already in submitted"
    raise ValueError(outcome.door)
