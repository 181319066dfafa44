"""Card-network facts as data: the reason-code catalog (SPEC section 4) and deadline rules (section 3).

Every rule cites its public source (see ../shared/REFERENCE.md for the research notes).
Code reads these tables; it never branches on a network name.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from cases.choices import CaseStatus, Network, Reason
from cases.exceptions import InvalidReasonCode


@dataclass(frozen=True)
class ReasonCode:
    network: str
    code: str
    reason: str
    description: str


# Visa reason codes: https://docs.y.uno/docs/providers-reason-codes (10.x fraud, 11.x authorization,
# 12.x processing errors, 13.x consumer disputes).
_VISA = [
    ("10.1", Reason.FRAUD, "EMV liability shift counterfeit fraud"),
    ("10.2", Reason.FRAUD, "EMV liability shift non-counterfeit fraud"),
    ("10.3", Reason.FRAUD, "Other fraud, card-present environment"),
    ("10.4", Reason.FRAUD, "Other fraud, card-absent environment"),
    ("10.5", Reason.FRAUD, "Visa Fraud Monitoring Program"),
    ("11.1", Reason.INVALID_AUTHORIZATION, "Card Recovery Bulletin"),
    ("11.2", Reason.INVALID_AUTHORIZATION, "Declined authorization"),
    ("11.3", Reason.INVALID_AUTHORIZATION, "No authorization"),
    ("12.1", Reason.OTHER, "Late presentment"),
    ("12.2", Reason.OTHER, "Incorrect transaction code"),
    ("12.3", Reason.INCORRECT_AMOUNT, "Incorrect currency"),
    ("12.4", Reason.OTHER, "Incorrect account number"),
    ("12.5", Reason.INCORRECT_AMOUNT, "Incorrect amount"),
    ("12.6", Reason.DUPLICATE_CHARGE, "Duplicate processing or paid by other means"),
    ("12.7", Reason.OTHER, "Invalid data"),
    ("13.1", Reason.PRODUCT_NOT_RECEIVED, "Merchandise or services not received"),
    ("13.2", Reason.SUBSCRIPTION_CANCELED, "Cancelled recurring transaction"),
    ("13.3", Reason.PRODUCT_NOT_AS_DESCRIBED, "Not as described or defective merchandise or services"),
    ("13.4", Reason.PRODUCT_COUNTERFEIT, "Counterfeit merchandise"),
    ("13.5", Reason.PRODUCT_NOT_AS_DESCRIBED, "Misrepresentation"),
    ("13.6", Reason.CREDIT_NOT_PROCESSED, "Credit not processed"),
    ("13.7", Reason.CANCELED_OR_RETURNED, "Cancelled merchandise or services"),
    ("13.8", Reason.OTHER, "Original credit transaction not accepted"),
    ("13.9", Reason.CASH_NOT_RECEIVED, "Non-receipt of cash or load transaction value"),
]
# Mastercard reason codes: https://docs.antom.com/ac/dispute/mastercard.md,
# https://docs.y.uno/docs/providers-reason-codes, https://documentation.lemonway.com/v8.2/reference/chargeback-codes
_MASTERCARD = [
    ("4807", Reason.INVALID_AUTHORIZATION, "Warning bulletin file"),
    ("4808", Reason.INVALID_AUTHORIZATION, "Authorization-related chargeback"),
    ("4834", Reason.DUPLICATE_CHARGE, "Point-of-interaction error"),
    ("4837", Reason.FRAUD, "Fraudulent transaction; no cardholder authorization"),
    ("4840", Reason.FRAUD, "Fraudulent processing of transactions"),
    ("4849", Reason.FRAUD, "Questionable merchant activity"),
    ("4853", Reason.PRODUCT_NOT_AS_DESCRIBED, "Cardholder dispute"),
    ("4855", Reason.PRODUCT_NOT_RECEIVED, "Goods or services not provided"),
    ("4863", Reason.FRAUD, "Cardholder does not recognize; potential fraud"),
    ("4870", Reason.FRAUD, "Chip liability shift"),
    ("4871", Reason.FRAUD, "Chip/PIN liability shift"),
]

CATALOG: dict[str, dict[str, ReasonCode]] = {
    Network.VISA: {c: ReasonCode(Network.VISA, c, r, d) for c, r, d in _VISA},
    Network.MASTERCARD: {c: ReasonCode(Network.MASTERCARD, c, r, d) for c, r, d in _MASTERCARD},
}

# The code a case gets when it is created with a normalized reason only.
DEFAULT_CODE: dict[str, dict[str, str]] = {
    Network.VISA: {
        Reason.FRAUD: "10.4",
        Reason.INVALID_AUTHORIZATION: "11.3",
        Reason.PRODUCT_NOT_RECEIVED: "13.1",
        Reason.PRODUCT_NOT_AS_DESCRIBED: "13.3",
        Reason.PRODUCT_COUNTERFEIT: "13.4",
        Reason.SUBSCRIPTION_CANCELED: "13.2",
        Reason.CREDIT_NOT_PROCESSED: "13.6",
        Reason.DUPLICATE_CHARGE: "12.6",
        Reason.INCORRECT_AMOUNT: "12.5",
        Reason.CASH_NOT_RECEIVED: "13.9",
        Reason.CANCELED_OR_RETURNED: "13.7",
        Reason.OTHER: "12.7",
    },
    Network.MASTERCARD: {
        Reason.FRAUD: "4837",
        Reason.INVALID_AUTHORIZATION: "4808",
        Reason.PRODUCT_NOT_RECEIVED: "4855",
        Reason.PRODUCT_NOT_AS_DESCRIBED: "4853",
        Reason.PRODUCT_COUNTERFEIT: "4853",
        Reason.SUBSCRIPTION_CANCELED: "4853",
        Reason.CREDIT_NOT_PROCESSED: "4853",
        Reason.DUPLICATE_CHARGE: "4834",
        Reason.INCORRECT_AMOUNT: "4834",
        Reason.CASH_NOT_RECEIVED: "4853",
        Reason.CANCELED_OR_RETURNED: "4853",
        Reason.OTHER: "4853",
    },
}

# Adyen: Mastercard cases under 4808, 4870 and 4871 skip pre-arbitration and go straight to
# arbitration. https://docs.adyen.com/risk-management/chargeback-guidelines/mastercard-chargebacks.md
SKIPS_PREARBITRATION: dict[str, frozenset[str]] = {
    Network.MASTERCARD: frozenset({"4808", "4870", "4871"}),
}

# Where the network is unknown (a Tutelar dispute on a transaction with no card details) any
# code of 1-10 letters, digits or dots is accepted (SPEC section 4).
FREE_CODE = re.compile(r"^[A-Za-z0-9.]{1,10}$")


def lookup(network: str, code: str) -> ReasonCode | None:
    """Find a code in the network's catalog, or in any catalog when the network is unknown."""
    if network in CATALOG:
        return CATALOG[network].get(code)
    for table in CATALOG.values():
        if code in table:
            return table[code]
    return None


def resolve_reason(network: str, *, reason: str | None = None, code: str | None = None,
                   field: str = "network_reason_code") -> tuple[str, str]:
    """Return (normalized reason, network reason code) for a case.

    With a code: the catalog gives the reason; a code outside a known network's catalog is refused.
    With only a reason: the network's default code for it (empty when the network has no catalog).
    """
    if code:
        entry = lookup(network, code)
        if network in CATALOG and entry is None:
            raise InvalidReasonCode(code, field=field, network=network)
        if entry is None and not FREE_CODE.match(code):
            raise InvalidReasonCode(code, field=field)
        # The catalog decides the reason of a known code (SPEC section 4); a free code keeps the given one.
        return (entry.reason if entry else (reason or Reason.OTHER)), code
    reason = reason or Reason.OTHER
    return reason, DEFAULT_CODE.get(network, {}).get(reason, "")


def describe(network: str, code: str) -> str:
    entry = lookup(network, code)
    return f"{code} {entry.description}" if entry else code


def skips_prearbitration(network: str, code: str) -> bool:
    return code in SKIPS_PREARBITRATION.get(network, frozenset())


# --- Deadlines ---------------------------------------------------------------------------------

# Filing windows in days from the transaction date.
# Visa and Mastercard: up to 120 days (https://docs.chargeflow.io/docs/reference/concepts/network-timelines).
FILING_WINDOW_DAYS: dict[str, int] = {Network.VISA: 120, Network.MASTERCARD: 120}
# Reason-specific windows: invalid authorization 90 days (https://docs.decisionly.com/dispute-types);
# Mastercard duplicate 90 days (https://docs.adyen.com/issuing/disputes).
FILING_WINDOW_BY_REASON: dict[tuple[str, str], int] = {
    (Network.VISA, Reason.INVALID_AUTHORIZATION): 90,
    (Network.MASTERCARD, Reason.INVALID_AUTHORIZATION): 90,
    (Network.MASTERCARD, Reason.DUPLICATE_CHARGE): 90,
}
# Product not received counts from the expected delivery date when one is given
# (https://docs.decisionly.com/dispute-types).
COUNTS_FROM_EXPECTED_DELIVERY = frozenset({Reason.PRODUCT_NOT_RECEIVED})

# Issuer response windows in days, by the status that starts the clock
# (https://docs.chargeflow.io/docs/reference/concepts/network-timelines):
#   representment / pre-arbitration received: Visa 30, Mastercard 45;
#   arbitration filing after a pre-arbitration rebuttal: Visa 10, Mastercard 45.
RESPONSE_WINDOW_DAYS: dict[str, dict[str, int]] = {
    Network.VISA: {
        CaseStatus.CHARGEBACK_REPRESENTED: 30,
        CaseStatus.PREARB_RECEIVED: 30,
        CaseStatus.PREARB_REBUTTED: 10,
    },
    Network.MASTERCARD: {
        CaseStatus.CHARGEBACK_REPRESENTED: 45,
        CaseStatus.PREARB_RECEIVED: 45,
        CaseStatus.PREARB_REBUTTED: 45,
    },
}


def _strictest(values) -> int:
    return min(values)


def filing_window_days(network: str, reason: str) -> int:
    """Days the issuer has to file; unknown networks fall back to the strictest known window."""
    if network in FILING_WINDOW_DAYS:
        return FILING_WINDOW_BY_REASON.get((network, reason), FILING_WINDOW_DAYS[network])
    return _strictest(
        FILING_WINDOW_BY_REASON.get((known, reason), FILING_WINDOW_DAYS[known]) for known in FILING_WINDOW_DAYS
    )


def chargeback_due_date(network: str, reason: str, transaction_date: date,
                        expected_delivery_date: date | None = None) -> date:
    start = transaction_date
    if reason in COUNTS_FROM_EXPECTED_DELIVERY and expected_delivery_date and expected_delivery_date > start:
        start = expected_delivery_date
    return start + timedelta(days=filing_window_days(network, reason))


def response_window_days(network: str, status: str) -> int | None:
    if network in RESPONSE_WINDOW_DAYS:
        return RESPONSE_WINDOW_DAYS[network].get(status)
    windows = [table[status] for table in RESPONSE_WINDOW_DAYS.values() if status in table]
    return _strictest(windows) if windows else None


def response_due_date(network: str, status: str, since: date) -> date | None:
    days = response_window_days(network, status)
    return since + timedelta(days=days) if days is not None else None
