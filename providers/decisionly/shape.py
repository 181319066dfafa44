"""The Decisionly case object: parse a create request into CaseInput, render a Case back.

Shape from the seed (https://docs.decisionly.com/api-reference/v2-cases/create-a-case) and the
case object notes in REFERENCE.md section 2. Amounts are integers in minor units. Datetimes are
rendered in UTC with milliseconds ("2025-02-01T00:00:00.000Z", the seed's `created` format): a
request's "-08:00" datetime comes back as the same instant written in UTC.
"""

from datetime import UTC, date, datetime

from babel import Locale

from cases.choices import Reason
from cases.exceptions import FieldError, ValidationFailed
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput
from cases.models import Cardholder, Case, Merchant, Transaction
from providers.base import MAX_AMOUNT_MINOR, clean_text, max_length

_COUNTRIES = frozenset(code for code in Locale("en").territories if len(code) == 2 and code.isalpha())


class Reader:
    """Typed access to one object of the request, each error naming its dotted `param`."""

    def __init__(self, data: object, prefix: str, required: bool = True):
        self.prefix = prefix
        if data is None and not required:
            data = {}
        if data is None:
            raise ValidationFailed.single(prefix, "required", f"{prefix} is required.")
        if not isinstance(data, dict):
            raise ValidationFailed.single(prefix, "invalid", f"{prefix} must be an object.")
        self.data = data

    def param(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def object(self, name: str, required: bool = True) -> "Reader":
        return Reader(self.data.get(name), self.param(name), required)

    def text(self, name: str, limit: int, required: bool = False, multiline: bool = False) -> str:
        value = self.data.get(name)
        if value is None or value == "":
            if required:
                raise ValidationFailed.single(self.param(name), "required", f"{self.param(name)} is required.")
            return ""
        return clean_text(value, self.param(name), max_length=limit, multiline=multiline)

    def integer(self, name: str, low: int, high: int) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValidationFailed.single(self.param(name), "invalid",
                                          f"{self.param(name)} must be an integer from {low} to {high}.")
        return value

    def amount(self, name: str) -> int | None:
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= MAX_AMOUNT_MINOR:
            raise ValidationFailed.single(self.param(name), "invalid_amount",
                                          f"{self.param(name)} must be a positive integer in minor units.")
        return value

    def datetime(self, name: str) -> datetime | None:
        value = self.data.get(name)
        if value is None:
            return None
        parsed = None
        if isinstance(value, str) and 10 <= len(value) <= 40:
            try:
                parsed = datetime.fromisoformat(value)
            except ValueError:
                parsed = None
        if parsed is None:
            raise ValidationFailed.single(self.param(name), "invalid_date",
                                          f"{self.param(name)} must be an ISO 8601 date-time.")
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)

    def mapping(self, name: str) -> dict:
        value = self.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValidationFailed.single(self.param(name), "invalid", f"{self.param(name)} must be an object.")
        return value


def _cardholder(body: Reader) -> CardholderInput:
    data = body.object("cardholder")
    address = data.object("billing_address", required=False)
    country = address.text("country", 2).upper()
    if country and country not in _COUNTRIES:
        raise ValidationFailed.single(address.param("country"), "invalid_country",
                                      "country must be an ISO 3166-1 alpha-2 code.")
    limit = max_length(Cardholder, "address_line1")
    return CardholderInput(
        external_id=data.text("issuer_id", max_length(Cardholder, "external_id")),
        name=data.text("name", max_length(Cardholder, "name"), required=True),
        email=data.text("email", max_length(Cardholder, "email")),
        type=data.text("type", max_length(Cardholder, "type")) or "individual",
        address_line1=address.text("line1", limit), address_line2=address.text("line2", limit),
        city=address.text("city", max_length(Cardholder, "city")),
        state=address.text("state", max_length(Cardholder, "state")),
        postal_code=address.text("postal_code", max_length(Cardholder, "postal_code")), country=country,
    )


def _merchant(body: Reader) -> MerchantInput:
    data = body.object("merchant")
    return MerchantInput(
        external_id=data.text("issuer_id", max_length(Merchant, "external_id")),
        name=data.text("name", max_length(Merchant, "name"), required=True),
        mcc=data.text("category_code", 4),
    )


def _transaction(body: Reader, merchant: MerchantInput, cardholder: CardholderInput) -> TransactionInput:
    data = body.object("transaction")
    card = data.object("card", required=False)
    mastercard = data.object("network_details", required=False).object("mastercard", required=False)
    ssn_limit = max_length(Transaction, "switch_serial_number")
    arn = data.text("arn", max_length(Transaction, "arn"))
    # Older samples put switch_serial_number at the top level, newer ones under
    # network_details.mastercard (REFERENCE.md section 2, case object).
    switch_serial_number = data.text("switch_serial_number", ssn_limit) or mastercard.text(
        "switch_serial_number", ssn_limit)
    if not arn and not switch_serial_number:
        raise ValidationFailed.single("transaction.arn", "required",
                                      "Either transaction.arn or transaction.switch_serial_number is required.")
    return TransactionInput(
        arn=arn, switch_serial_number=switch_serial_number,
        issuer_id=data.text("issuer_id", max_length(Transaction, "issuer_id")),
        date=data.datetime("date"), amount=data.amount("amount"),
        currency=data.text("currency", 3).upper(), system=data.text("system", max_length(Transaction, "system")),
        card_network=card.text("network", max_length(Transaction, "card_network")).lower(),
        card_last4=card.text("last4", 4), card_expiry_month=card.integer("expiry_month", 1, 12),
        card_expiry_year=card.integer("expiry_year", 1900, 9999),
        card_type=card.text("type", max_length(Transaction, "card_type")),
        card_issuer_id=card.text("issuer_id", max_length(Transaction, "card_issuer_id")),
        merchant=merchant, cardholder=cardholder,
    )


def parse_case(body: dict) -> CaseInput:
    """A Decisionly create-case body as the domain's CaseInput (program_id is the door's concern)."""
    root = Reader(body, "")
    dispute = root.object("dispute", required=False)
    # `reason` is top-level in older samples and `dispute.reason` in newer ones (REFERENCE.md section 2).
    reason = root.text("reason", 32) or dispute.text("reason", 32)
    if not reason:
        raise ValidationFailed.single("reason", "required", "reason is required.")
    if reason not in Reason.values:
        raise ValidationFailed([FieldError("reason", "invalid_choice",
                                           f"reason must be one of: {', '.join(Reason.values)}.")])
    cardholder = _cardholder(root)
    merchant = _merchant(root)
    transaction = _transaction(root, merchant, cardholder)
    dispute = root.object("dispute")
    case_id = body.get("case_id")
    if case_id is not None and not isinstance(case_id, str):
        raise ValidationFailed.single("case_id", "invalid", "case_id must be a string.")
    return CaseInput(
        transaction=transaction, source="decisionly", reason=reason, case_id=case_id or None,
        raised_by=dispute.text("raised_by", 16) or "cardholder", dispute_date=dispute.datetime("date"),
        disputed_amount=dispute.amount("amount"), currency=dispute.text("currency", 3).upper() or None,
        issuer_evidence=root.mapping("issuer_evidence"), custom_fields=root.mapping("custom_fields"),
    )


# --- rendering -------------------------------------------------------------------------------------

def iso(value: datetime | date | None) -> str | None:
    if value is None:
        return None
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _or_none(value):
    return value if value not in ("", None) else None


def _cardholder_shape(cardholder: Cardholder | None) -> dict | None:
    if cardholder is None:
        return None
    return {
        "name": cardholder.name, "email": _or_none(cardholder.email), "issuer_id": _or_none(cardholder.external_id),
        "type": cardholder.type,
        "billing_address": {
            "line1": _or_none(cardholder.address_line1), "line2": _or_none(cardholder.address_line2),
            "city": _or_none(cardholder.city), "state": _or_none(cardholder.state),
            "postal_code": _or_none(cardholder.postal_code), "country": _or_none(cardholder.country),
        },
    }


def _merchant_shape(merchant: Merchant | None) -> dict | None:
    if merchant is None:
        return None
    return {"name": merchant.name, "category_code": _or_none(merchant.mcc), "issuer_id": _or_none(merchant.external_id)}


def _transaction_shape(txn: Transaction) -> dict:
    shape = {
        "arn": _or_none(txn.arn), "switch_serial_number": _or_none(txn.switch_serial_number),
        "issuer_id": _or_none(txn.issuer_id), "date": iso(txn.date), "amount": txn.amount, "currency": txn.currency,
        "system": _or_none(txn.system),
        "card": {
            "network": _or_none(txn.card_network), "last4": _or_none(txn.card_last4),
            "expiry_month": txn.card_expiry_month, "expiry_year": txn.card_expiry_year,
            "type": _or_none(txn.card_type), "issuer_id": _or_none(txn.card_issuer_id),
        },
    }
    if txn.switch_serial_number:
        shape["network_details"] = {"mastercard": {"switch_serial_number": txn.switch_serial_number}}
    return shape


def render_case(case: Case) -> dict:
    """A case as Decisionly returns it; `dispute.reason` repeats `reason` for newer clients."""
    return {
        "case_id": case.case_id,
        "claim_id": case.claim.claim_id if case.claim_id else None,
        "program_id": case.program.program_id,
        "reason": case.reason,
        "cardholder": _cardholder_shape(case.transaction.cardholder),
        "merchant": _merchant_shape(case.transaction.merchant),
        "transaction": _transaction_shape(case.transaction),
        "dispute": {"date": iso(case.dispute_date), "amount": case.disputed_amount, "currency": case.currency,
                    "raised_by": case.raised_by, "reason": case.reason},
        "issuer_evidence": case.issuer_evidence,
        "custom_fields": case.custom_fields,
        "status": case.status,
        "review_status": case.review_status,
        "created": iso(case.created),
        "updated": iso(case.updated),
        "chargeback_due_date": iso(case.chargeback_due_date),
    }


def render_claim(claim) -> dict:
    return {
        "claim_id": claim.claim_id, "status": claim.status,
        "cases": [{"case_id": c.case_id} for c in sorted(claim.cases.all(), key=lambda c: c.number)],
        "created": iso(claim.created), "updated": iso(claim.updated),
    }
