"""Making regulated cases for the tests: a consumer card of a given type, a notice time, a calendar."""

import itertools
from datetime import UTC, datetime

from cases import services
from cases.actors import Actor
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput

_SEQ = itertools.count(500_000_000)
NOTICE = datetime(2026, 11, 16, 15, 0, tzinfo=UTC)  # Monday 10:00 in New York
TXN_DATE = datetime(2026, 11, 10, 18, 0, tzinfo=UTC)


def regulated_input(*, card_type: str = "debit", reason: str = "product_not_received", amount: int = 10_000,
                    currency: str = "USD", txn_date: datetime = TXN_DATE, notified_at: datetime | None = NOTICE,
                    cardholder_type: str = "individual", email: str = "susie@example.com",
                    account_opened_on=None, billing_cycle_day=None, **overrides) -> CaseInput:
    seq = next(_SEQ)
    txn = TransactionInput(
        external_id=f"reg_{seq}", arn=f"9{seq:022d}", amount=amount, currency=currency, date=txn_date,
        card_network="visa", card_last4="4242", card_type=card_type,
        merchant=MerchantInput(external_id=f"rm_{seq}", name="FoodHub", mcc="5734"),
        cardholder=CardholderInput(external_id=f"rc_{seq}", name="Susie Chargeback", email=email,
                                   type=cardholder_type, account_opened_on=account_opened_on,
                                   billing_cycle_day=billing_cycle_day),
    )
    return CaseInput(transaction=txn, source="api", reason=reason, cardholder_notified_at=notified_at, **overrides)


def regulated_case(program, actor: Actor | None = None, **kw):
    return services.case_create(program=program, actor=actor or Actor.for_system(), data=regulated_input(**kw))


def liability_sums(case) -> bool:
    parts = (case.liability_recovered, case.liability_written_off, case.liability_denied, case.liability_remaining)
    return all(p >= 0 for p in parts) and sum(parts) == case.disputed_amount
