"""The domain's input shapes. Each door parses its own request into these and calls cases.services.

Amounts are minor units; `None` means "not given".
"""

from dataclasses import dataclass, field
from datetime import date, datetime


@dataclass
class MerchantInput:
    external_id: str = ""
    name: str = ""
    business_name: str = ""
    mcc: str = ""
    chargeback_email: str = ""
    mobile: str = ""


@dataclass
class CardholderInput:
    external_id: str = ""
    name: str = ""
    email: str = ""
    mobile: str = ""
    type: str = "individual"
    address_line1: str = ""
    address_line2: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    account_opened_on: date | None = None
    billing_cycle_day: int | None = None


@dataclass
class TransactionInput:
    financial_document_id: int | None = None
    external_id: str = ""
    arn: str = ""
    switch_serial_number: str = ""
    gateway_order_id: str = ""
    payment_instrument_id: str = ""
    payment_type: str = ""
    amount: int | None = None
    currency: str = ""
    date: datetime | None = None
    system: str = ""
    status: str = "success"
    card_network: str = ""
    card_last4: str = ""
    card_expiry_month: int | None = None
    card_expiry_year: int | None = None
    card_type: str = ""
    card_issuer_id: str = ""
    issuer_id: str = ""
    acquirer_bank_code: str = ""
    remitter_bank: str = ""
    nodal_account_number: str = ""
    merchant: MerchantInput | None = None
    cardholder: CardholderInput | None = None

    @property
    def describes_new(self) -> bool:
        """True when enough is given to record the transaction if the store lacks it."""
        return self.amount is not None


@dataclass
class CaseInput:
    transaction: TransactionInput
    source: str
    reason: str | None = None
    network_reason_code: str | None = None
    case_id: str | None = None
    dispute_type: str = "dispute"
    level: str | None = None
    raised_by: str = "cardholder"
    dispute_date: datetime | None = None
    disputed_amount: int | None = None  # None: the entire transaction amount
    currency: str | None = None
    tdr_details: dict | None = None
    tax_details: dict | None = None
    internal_due_date: date | None = None
    due_date: date | None = None
    issuer_evidence: dict = field(default_factory=dict)
    custom_fields: dict = field(default_factory=dict)
    comments: str = ""
    # When the cardholder told the issuer (SPEC 13); None: the case's creation time.
    cardholder_notified_at: datetime | None = None
