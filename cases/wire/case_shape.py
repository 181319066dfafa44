"""The Decisionly case shape, shared by the native API and the Decisionly dialect (DRF-free, pure).

- `parse_case_payload(data, source=..., native_extensions=...) -> CaseInput`, raising
  `ValidationFailed` whose errors name dotted fields (`transaction.amount`, `dispute.currency`).
- `case_to_decisionly(case) -> dict`: the response of POST/GET /v2/issuer/cases, field for field
  (https://docs.decisionly.com/api-reference/v2-cases/create-a-case), plus `program_id`.

Unknown fields are ignored. Amounts are minor units. Decisionly requires `reason`, `cardholder`,
`merchant`, `transaction` (with `arn` or `switch_serial_number`) and `dispute`. The native API
(`native_extensions=True`) adds optional `dispute_type`, `level`, `internal_due_date`, `due_date`,
`network_reason_code` (enough without `reason`) and `financial_document_id` (a stored transaction
instead of a described one; then `transaction`, `merchant` and `cardholder` are not needed), and
needs `cardholder`, `merchant` and `dispute` only where it describes them.
"""

from cases.choices import DisputeType, RaisedBy, Reason
from cases.inputs import CaseInput, TransactionInput
from cases.models import Case, Claim

from .reader import MISSING, Reader
from .transaction_objects import read_cardholder, read_merchant, read_transaction
from .transaction_shape import (
    cardholder_to_dict,
    format_date_as_datetime,
    format_datetime,
    merchant_to_dict,
    transaction_to_decisionly,
)


def _party(read, r: Reader, key: str, required: bool):
    child = r.child(key, required=required)
    return read(child.data, child.path, child.errors) if child is not None else None


def _read_transaction(r: Reader, native_extensions: bool) -> TransactionInput:
    fdid = r.integer("financial_document_id") if native_extensions else None
    if fdid is not None:
        return TransactionInput(financial_document_id=fdid)
    strict = not native_extensions
    t = r.child("transaction", required=True)
    txn = read_transaction(t.data, t.path, t.errors, extended=native_extensions) if t else TransactionInput()
    if t is not None and not (txn.arn or txn.switch_serial_number):
        t.error("arn", "required", "Either transaction.arn or transaction.switch_serial_number is required.")
    txn.merchant = _party(read_merchant, r, "merchant", strict)
    txn.cardholder = _party(read_cardholder, r, "cardholder", strict)
    return txn


def parse_case_payload(data: object, *, source: str = "api", native_extensions: bool = True) -> CaseInput:
    """Parse a create-case body into the domain's CaseInput; all field errors at once."""
    r = Reader(data)
    reason = r.choice("reason", Reason.values) or None
    code = r.optional_string("network_reason_code", 10) if native_extensions else None
    if reason is None and not code and not r.has("reason"):
        r.error("reason", "required", "This field is required.")
    txn = _read_transaction(r, native_extensions)
    case = CaseInput(transaction=txn, source=source, reason=reason, network_reason_code=code or None,
                     case_id=r.optional_string("case_id", 126))
    r.optional_string("program_id", 126)
    dispute = r.child("dispute", required=not native_extensions)
    if dispute is not None:
        case.dispute_date = dispute.moment("date")
        case.disputed_amount = dispute.amount("amount")
        case.currency = dispute.string("currency", 3).upper() or None
        case.raised_by = dispute.choice("raised_by", RaisedBy.values, default=RaisedBy.CARDHOLDER)
    case.issuer_evidence = r.json_object("issuer_evidence") or {}
    case.custom_fields = r.json_object("custom_fields") or {}
    if native_extensions:
        case.dispute_type = r.choice("dispute_type", DisputeType.values, default=DisputeType.DISPUTE)
        case.level = r.optional_string("level", 32)
        for name in ("internal_due_date", "due_date"):
            value = r.day(name)
            setattr(case, name, None if value is MISSING else value)
        case.cardholder_notified_at = r.moment("cardholder_notified_at")
    r.raise_errors()
    return case


def case_to_decisionly(case: Case) -> dict:
    """A case in Decisionly's response shape. Reads case.program, .claim, .transaction and its parties."""
    txn = case.transaction
    return {
        "case_id": case.case_id,
        "claim_id": case.claim.claim_id if case.claim_id else None,
        "program_id": case.program.program_id,
        "reason": case.reason,
        "cardholder": cardholder_to_dict(txn.cardholder),
        "merchant": merchant_to_dict(txn.merchant),
        "transaction": transaction_to_decisionly(txn),
        "dispute": {"date": format_datetime(case.dispute_date), "amount": case.disputed_amount,
                    "currency": case.currency, "raised_by": case.raised_by},
        "issuer_evidence": case.issuer_evidence,
        "custom_fields": case.custom_fields,
        "status": case.status,
        "review_status": case.review_status,
        "created": format_datetime(case.created),
        "chargeback_due_date": format_date_as_datetime(case.chargeback_due_date),
    }


def claim_to_dict(claim: Claim) -> dict:
    """A claim as the native API and Decisionly's /claims write it."""
    return {"claim_id": claim.claim_id, "program_id": claim.program.program_id, "status": claim.status,
            "cases": [{"case_id": c.case_id} for c in claim.cases.all()],
            "created": format_datetime(claim.created), "updated": format_datetime(claim.updated)}
