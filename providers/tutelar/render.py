"""A case as Tutelar's dispute: the create body's field names (seed 004) plus disputeId, status
(open/closed), verdict (pending/won/loss), level and history.

Amounts are major units; dates are `YYYY-MM-DD` as the create body sends them. The verdict is the
merchant's, as in Tutelar's merchant-won / merchant-loss endpoints: "won" when the merchant keeps
the money (the cardholder lost, withdrew, or the issuer rejected, accepted or let the case expire),
"loss" when it goes back to the cardholder (won, merchant credited).
"""

from decimal import Decimal

from cases import lifecycle, money, selectors
from cases.choices import CaseStatus, DisputeType, EventKind, FeeAmountType

MERCHANT_WON = {CaseStatus.LOST, CaseStatus.REJECTED, CaseStatus.ACCEPTED, CaseStatus.EXPIRED, CaseStatus.WITHDRAWN}
MERCHANT_LOST = {CaseStatus.WON, CaseStatus.MERCHANT_CREDITED}
# Tutelar writes "BO" in capitals (…/update-dispute: "fraud, chargeback, BO, complaint").
_DISPUTE_TYPES = {DisputeType.BO: "BO"}


def verdict(case) -> str:
    if case.status in MERCHANT_WON:
        return "won"
    if case.status in MERCHANT_LOST:
        return "loss"
    return "pending"


def _number(amount: Decimal) -> int | float:
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _major(amount_minor: int | None, currency: str):
    return None if amount_minor is None else _number(money.to_major(amount_minor, currency))


def _fee(details: dict | None, currency: str) -> dict | None:
    if not details:
        return None
    amount = details.get("amount")
    if details.get("amount_type") == FeeAmountType.PERCENTAGE:
        amount = _number(Decimal(amount))
    else:
        amount = _major(amount, currency)
    return {"type": details.get("type"), "amountType": details.get("amount_type"), "amount": amount}


def _day(value) -> str | None:
    return value.isoformat() if value else None


def _action(event) -> str:
    # Tutelar calls the opening comment's action "Raised" (REFERENCE.md section 3, comments[]).
    if event.kind == EventKind.CREATED:
        return "Raised"
    return lifecycle.TRANSITION_LABELS.get(event.transition) or event.get_kind_display()


def _history(case) -> list[dict]:
    return [{"created_by": event.actor, "action": _action(event), "comment": event.note,
             "date": event.created.isoformat()}
            for event in selectors.case_events(case) if event.note]


def render_dispute(case) -> dict:
    txn, merchant, customer = case.transaction, case.transaction.merchant, case.transaction.cardholder
    return {
        "disputeId": case.case_id,
        "transactionDetails": {
            "id": txn.external_id or None, "customerName": customer.name if customer else None,
            "customerEmail": (customer.email or None) if customer else None,
            "customerMobile": (customer.mobile or None) if customer else None,
            "amount": _major(txn.amount, txn.currency), "transactionDate": txn.date.isoformat(),
        },
        "merchantDetails": {
            "id": (merchant.external_id or None) if merchant else None, "name": merchant.name if merchant else None,
            "businessName": (merchant.business_name or None) if merchant else None,
            "chargebackEmail": (merchant.chargeback_email or None) if merchant else None,
            "mobile": (merchant.mobile or None) if merchant else None,
        },
        "disputeAmount": _major(case.disputed_amount, case.currency),
        "currency": case.currency,
        "disputeAmountTdrDetails": _fee(case.tdr_details, case.currency),
        "disputeAmountTaxDetails": _fee(case.tax_details, case.currency),
        "disputeType": _DISPUTE_TYPES.get(case.dispute_type, case.dispute_type),
        "internalDueDate": _day(case.internal_due_date),
        "dueDate": _day(case.due_date),
        "level": case.level,
        "paymentType": txn.payment_type or None,
        "acquirerBankCode": txn.acquirer_bank_code or None,
        "remitterBank": txn.remitter_bank or None,
        "reasonCode": case.network_reason_code or None,
        "reasonCategory": case.get_reason_display(),
        "nodalAccountNo": txn.nodal_account_number or None,
        "gatewayOrderId": txn.gateway_order_id or None,
        "paymentInstrumentId": txn.payment_instrument_id or None,
        "comments": case.comments,
        "status": "open" if case.is_active else "closed",
        "verdict": verdict(case),
        "history": _history(case),
        "createdAt": case.created.isoformat(),
        "updatedAt": case.updated.isoformat(),
    }
