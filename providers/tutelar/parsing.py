"""Reading a Tutelar dispute body (seed 004 "Post parameters"), field by field in the table's order.

The first failing field answers with its one message; amounts are in the program's default currency.
"""

import re
from dataclasses import dataclass, field
from datetime import date

from cases import money, networks
from cases.choices import DisputeType, FeeAmountType, FeeType
from cases.exceptions import DisputeError, ValidationFailed
from cases.limits import MAX_AMOUNT_MINOR, column_length
from cases.models import Cardholder, Merchant, Program, Transaction
from providers.tutelar import messages as m
from providers.tutelar import values

_COMMENTS = re.compile(r"^[A-Za-z0-9 .,'!&@_]+$")
_MOBILE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")
_PAYMENT_TYPE = re.compile(r"^[A-Za-z0-9 _-]+$")
_BANK_CODE = re.compile(r"^[A-Z0-9_]+$")
_NODAL_ACCOUNT = re.compile(r"^[A-Za-z0-9]+$")
MAX_COMMENTS = 2000
# Tutelar dispute types: "fraud, chargeback, BO, complaint" (…/update-dispute) and "dispute" (the sample).
DISPUTE_TYPES = {t.value: t for t in DisputeType}


@dataclass
class Context:
    """What a field's check depends on: the program, and the transaction read so far or stored.

    `partial` (PATCH /update): every field optional, inside the transaction and merchant objects too.
    A stored dispute's amounts are in its own currency, a new one's in the program's default.
    """

    program: Program
    transaction_amount: int | None = None
    transaction_day: date | None = None
    case_currency: str | None = None
    partial: bool = False
    parsed: dict = field(default_factory=dict)

    @property
    def currency(self) -> str:
        return self.case_currency or self.program.default_currency


def _section(data: dict, checks: dict, ctx: Context) -> dict:
    """Check an object's fields in order; on update only those it holds."""
    return {name: check(data.get(name)) for name, check in checks.items() if not ctx.partial or name in data}


def transaction_details(value, ctx: Context) -> dict:
    data = values.json_object(value, "transactionDetails", m.TRANSACTION_DETAILS)
    details = _section(data, {
        "id": lambda v: values.text(v, "transactionDetails.id", missing=m.TRANSACTION_ID_MISSING,
                                    invalid=m.TRANSACTION_ID_INVALID, limit=column_length(Transaction, "external_id")),
        "customerName": lambda v: values.text(v, "transactionDetails.customerName", missing=m.CUSTOMER_NAME_MISSING,
                                              invalid=m.CUSTOMER_NAME_INVALID, limit=column_length(Cardholder, "name")),
        "customerEmail": lambda v: values.email(v, "transactionDetails.customerEmail", m.CUSTOMER_EMAIL_INVALID),
        "customerMobile": lambda v: values.text(v, "transactionDetails.customerMobile", missing=None,
                                                invalid=m.CUSTOMER_MOBILE_INVALID, limit=32, pattern=_MOBILE),
        "amount": lambda v: values.amount(v, "transactionDetails.amount", ctx.currency,
                                          missing=m.TRANSACTION_AMOUNT_MISSING, invalid=m.TRANSACTION_AMOUNT_INVALID),
        "transactionDate": lambda v: values.transaction_date(v, "transactionDetails.transactionDate"),
    }, ctx)
    if "amount" in details:
        ctx.transaction_amount = details["amount"]
    if "transactionDate" in details:
        ctx.transaction_day = details["transactionDate"].date()
    return details


def merchant_details(value, ctx: Context) -> dict:
    data = values.json_object(value, "merchantDetails", m.MERCHANT_DETAILS)
    return _section(data, {
        "id": lambda v: values.text(v, "merchantDetails.id", missing=m.MERCHANT_ID_MISSING,
                                    invalid=m.MERCHANT_ID_INVALID, limit=column_length(Merchant, "external_id")),
        "name": lambda v: values.text(v, "merchantDetails.name", missing=m.MERCHANT_NAME_MISSING,
                                      invalid=m.MERCHANT_NAME_INVALID, limit=column_length(Merchant, "name")),
        "businessName": lambda v: values.text(v, "merchantDetails.businessName", missing=None,
                                              invalid=m.MERCHANT_BUSINESS_NAME_INVALID,
                                              limit=column_length(Merchant, "business_name")),
        "chargebackEmail": lambda v: values.email(v, "merchantDetails.chargebackEmail", m.MERCHANT_EMAIL_INVALID),
        "mobile": lambda v: values.text(v, "merchantDetails.mobile", missing=None, invalid=m.MERCHANT_MOBILE_INVALID,
                                        limit=column_length(Merchant, "mobile"), pattern=_MOBILE),
    }, ctx)


def dispute_amount(value, ctx: Context) -> int:
    amount = values.amount(value, "disputeAmount", ctx.currency, missing=m.DISPUTE_AMOUNT_MISSING,
                     invalid=m.DISPUTE_AMOUNT_INVALID)
    if ctx.transaction_amount is not None and amount > ctx.transaction_amount:
        raise values.fail("disputeAmount", m.DISPUTE_AMOUNT_TOO_HIGH)
    return amount


def _fee_details(value, ctx: Context, name: str, fee: str) -> dict | None:
    """TDR or tax details: type include/exclude, amountType price/percentage, amount (major units
    for a price, 0-100 for a percentage). Stored as {type, amount_type, amount}: a price in minor
    units, a percentage as a decimal string."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise values.fail(name, m.FEE_DETAILS_INVALID.format(fee=fee))
    kind = value.get("type")
    if not isinstance(kind, str) or kind.lower() not in FeeType.values:
        raise values.fail(f"{name}.type", m.FEE_TYPE.format(fee=fee))
    amount_type = value.get("amountType")
    if not isinstance(amount_type, str) or amount_type.lower() not in FeeAmountType.values:
        raise values.fail(f"{name}.amountType", m.FEE_AMOUNT_TYPE.format(fee=fee))
    amount_type = amount_type.lower()
    bad_amount = values.fail(f"{name}.amount", m.FEE_AMOUNT.format(fee=fee))
    if amount_type == FeeAmountType.PERCENTAGE:
        percent = values.decimal(value.get("amount"))
        if percent is None or not 0 <= percent <= 100 or percent.as_tuple().exponent < -4:
            raise bad_amount
        return {"type": kind.lower(), "amount_type": amount_type, "amount": format(percent.normalize(), "f")}
    try:
        amount = money.to_minor(value.get("amount"), ctx.currency, field=name)
    except ValidationFailed:
        raise bad_amount from None
    if not 0 <= amount <= MAX_AMOUNT_MINOR:
        raise bad_amount
    return {"type": kind.lower(), "amount_type": amount_type, "amount": amount}


def tdr_details(value, ctx: Context):
    return _fee_details(value, ctx, "disputeAmountTdrDetails", "tdr")


def tax_details(value, ctx: Context):
    return _fee_details(value, ctx, "disputeAmountTaxDetails", "tax")


def dispute_type(value, ctx: Context) -> str:
    if value is None or value == "":
        raise values.fail("disputeType", m.DISPUTE_TYPE_MISSING)
    if not isinstance(value, str) or value.lower() not in DISPUTE_TYPES:
        raise values.fail("disputeType", m.DISPUTE_TYPE_INVALID)
    return DISPUTE_TYPES[value.lower()].value


def internal_due_date(value, ctx: Context) -> date:
    if value is None or value == "":
        raise values.fail("internalDueDate", m.INTERNAL_DUE_DATE_MISSING)
    day = values.read_date(value)
    # Past dates are accepted (back-dated entry); before the transaction is not (SPEC section 6.3).
    if day is None or (ctx.transaction_day is not None and day < ctx.transaction_day):
        raise values.fail("internalDueDate", m.INTERNAL_DUE_DATE_INVALID)
    return day


def due_date(value, ctx: Context) -> date | None:
    if value is None or value == "":
        return None
    day = values.read_date(value)
    if day is None:
        raise values.fail("dueDate", m.DUE_DATE_INVALID)
    return day


def level(value, ctx: Context) -> str:
    if value is None or value == "":
        raise values.fail("level", m.LEVEL_MISSING)
    if not isinstance(value, str) or value not in ctx.program.levels:
        raise values.fail("level", m.LEVEL_NOT_CONFIGURED)
    return value


def payment_type(value, ctx: Context) -> str:
    return values.text(value, "paymentType", missing=m.PAYMENT_TYPE_MISSING, invalid=m.PAYMENT_TYPE_INVALID,
                 limit=column_length(Transaction, "payment_type"), pattern=_PAYMENT_TYPE)


def acquirer_bank_code(value, ctx: Context) -> str:
    if isinstance(value, str) and value.strip() and value.strip() != value.strip().upper():
        raise values.fail("acquirerBankCode", m.ACQUIRER_BANK_UPPERCASE)
    return values.text(value, "acquirerBankCode", missing=m.ACQUIRER_BANK_MISSING, invalid=m.ACQUIRER_BANK_INVALID,
                 limit=column_length(Transaction, "acquirer_bank_code"), pattern=_BANK_CODE)


def remitter_bank(value, ctx: Context) -> str | None:
    return values.text(value, "remitterBank", missing=None, invalid=m.REMITTER_BANK_INVALID,
                 limit=column_length(Transaction, "remitter_bank"))


def reason_code(value, ctx: Context) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    code = values.text(value, "reasonCode", missing=m.REASON_CODE_MISSING, invalid=m.REASON_CODE_INVALID, limit=10)
    try:
        # The network is not known yet (Tutelar sends no card details): SPEC section 4's rule for an
        # unknown network; the service checks again against the stored transaction's network.
        networks.resolve_reason("", code=code)
    except DisputeError:
        raise values.fail("reasonCode", m.REASON_CODE_INVALID) from None
    return code


def nodal_account_no(value, ctx: Context) -> str | None:
    return values.text(value, "nodalAccountNo", missing=None, invalid=m.NODAL_ACCOUNT_INVALID,
                 limit=column_length(Transaction, "nodal_account_number"), pattern=_NODAL_ACCOUNT)


def gateway_order_id(value, ctx: Context) -> str:
    return values.text(value, "gatewayOrderId", missing=m.GATEWAY_ORDER_ID_MISSING, invalid=m.GATEWAY_ORDER_ID_INVALID,
                 limit=column_length(Transaction, "gateway_order_id"))


def payment_instrument_id(value, ctx: Context) -> str:
    return values.text(value, "paymentInstrumentId", missing=m.PAYMENT_INSTRUMENT_ID_MISSING,
                 invalid=m.PAYMENT_INSTRUMENT_ID_INVALID, limit=column_length(Transaction, "payment_instrument_id"))


def comments(value, ctx: Context) -> str:
    return values.text(value, "comments", missing=m.COMMENTS_MISSING, invalid=m.COMMENTS_INVALID, limit=MAX_COMMENTS,
                 pattern=_COMMENTS)


# The seed's parameter table, in order: the first failing field is the one reported.
FIELDS = [
    ("transactionDetails", transaction_details),
    ("merchantDetails", merchant_details),
    ("disputeAmount", dispute_amount),
    ("disputeAmountTdrDetails", tdr_details),
    ("disputeAmountTaxDetails", tax_details),
    ("disputeType", dispute_type),
    ("internalDueDate", internal_due_date),
    ("dueDate", due_date),
    ("level", level),
    ("paymentType", payment_type),
    ("acquirerBankCode", acquirer_bank_code),
    ("remitterBank", remitter_bank),
    ("reasonCode", reason_code),
    ("nodalAccountNo", nodal_account_no),
    ("gatewayOrderId", gateway_order_id),
    ("paymentInstrumentId", payment_instrument_id),
    ("comments", comments),
]


def parse(body: dict, ctx: Context) -> dict:
    """Check the fields in table order; a partial context (PATCH /update) checks only those present."""
    for name, check in FIELDS:
        if ctx.partial and name not in body:
            continue
        ctx.parsed[name] = check(body.get(name), ctx)
    return ctx.parsed
