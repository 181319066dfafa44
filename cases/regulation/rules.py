"""The Reg E and Reg Z clocks as data, each with its source (see ../shared/REFERENCE.md section 6).

Code reads these tables; `cases.regulation.clocks` turns them into due dates.
"""

from dataclasses import dataclass

from cases.choices import CardholderType, CardType, ConsumerRegulation, Reason, RegulationRule

CALENDAR_DAYS, BUSINESS_DAYS, BILLING_CYCLES = "calendar_days", "business_days", "billing_cycles"


@dataclass(frozen=True)
class Clock:
    rule: str
    step: str  # the due-date column it fills (provisional_credit_due -> "provisional_credit")
    counts_from: str  # notice | grant | completion | reversal_notice
    amount: int
    unit: str
    citation: str
    # The longer window and when it applies (a condition name in clocks.CONDITIONS).
    extended_amount: int | None = None
    extended_when: str = ""
    cap_days: int | None = None


REG_E_CITATION = "12 CFR 1005.11(c)"
REG_Z_CITATION = "12 CFR 1026.13"

CLOCKS: tuple[Clock, ...] = (
    # Reg E: determine within 10 business days, or provisionally credit within 10 business days
    # and take up to 45 days (12 CFR 1005.11(c)(1)-(2); http://edocket.access.gpo.gov/cfr_2002/janqtr/12cfr205.11.htm).
    # 20 business days when the transfer came within 30 days after the first deposit (1005.11(c)(3)(i);
    # https://americascreditunions.org/compliance/provisional-credit-under-regulation-e).
    Clock(RegulationRule.REG_E, "provisional_credit", "notice", 10, BUSINESS_DAYS, "12 CFR 1005.11(c)(1), (c)(3)(i)",
          extended_amount=20, extended_when="new_account"),
    # Tell the consumer the amount and date of the provisional credit within 2 business days (1005.11(c)(2)(ii)).
    Clock(RegulationRule.REG_E, "provisional_credit_notice", "grant", 2, BUSINESS_DAYS, "12 CFR 1005.11(c)(2)(ii)"),
    # 45 calendar days; 90 for a transfer not initiated within a state, a point-of-sale debit card
    # transaction (every debit card purchase, not ATM) or a new account (1005.11(c)(3)(ii);
    # https://www.shazam.net/magnify/past-articles/regulation-e-length-of-investigation--45-or-90-days).
    Clock(RegulationRule.REG_E, "investigation", "notice", 45, CALENDAR_DAYS, "12 CFR 1005.11(c)(2), (c)(3)(ii)",
          extended_amount=90, extended_when="extended_investigation"),
    # Report the results within 3 business days after completing the investigation (1005.11(c)(2)(iv)).
    Clock(RegulationRule.REG_E, "results_notice", "completion", 3, BUSINESS_DAYS, "12 CFR 1005.11(c)(2)(iv)"),
    # A reversal of provisional credit takes effect 5 business days after its notice (1005.11(d)(2);
    # https://blog.bankerscompliance.com/en/regulation-e-reversing-provisional-credit).
    Clock(RegulationRule.REG_E, "reversal_effective", "reversal_notice", 5, BUSINESS_DAYS, "12 CFR 1005.11(d)(2)"),
    # Reg Z: acknowledge in writing within 30 days of receiving the notice, unless resolved
    # before; resolve within two complete billing cycles and never later than 90 days (1026.13(c);
    # http://edocket.access.gpo.gov/cfr_2003/12cfr226.13.htm).
    Clock(RegulationRule.REG_Z, "acknowledgement", "notice", 30, CALENDAR_DAYS, "12 CFR 1026.13(c)(1)"),
    Clock(RegulationRule.REG_Z, "resolution", "notice", 2, BILLING_CYCLES, "12 CFR 1026.13(c)(2)", cap_days=90),
)

CLOCK = {(c.rule, c.step): c for c in CLOCKS}

# How close to an open due date a case is "at risk" (SPEC 13): business days left, inclusive.
AT_RISK_BUSINESS_DAYS = 2
# A new account: a transfer within this many days after the account's first deposit (1005.11(c)(3)).
NEW_ACCOUNT_DAYS = 30
# Reasons that are not a point-of-sale purchase: an ATM withdrawal (`cash_not_received`).
NOT_POINT_OF_SALE = frozenset({Reason.CASH_NOT_RECEIVED})
# The currency of a transfer initiated within a state; another currency marks a foreign-initiated one.
DOMESTIC_CURRENCY = "USD"

# Which rule a card falls under (SPEC 13): consumer debit and prepaid -> Reg E (12 CFR 1005.2(b),
# prepaid accounts since 2019), consumer credit -> Reg Z (12 CFR 1026.13); business cards -> none.
RULE_BY_CARD_TYPE = {CardType.DEBIT: RegulationRule.REG_E, CardType.PREPAID: RegulationRule.REG_E,
                     CardType.CREDIT: RegulationRule.REG_Z}


def rule_for(consumer_regulation: str, cardholder_type: str | None, card_type: str) -> str:
    """`reg_e`, `reg_z` or "" (no clock)."""
    if consumer_regulation != ConsumerRegulation.US or cardholder_type == CardholderType.BUSINESS:
        return ""
    return RULE_BY_CARD_TYPE.get(card_type, "")
