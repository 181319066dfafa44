"""The sandbox rules (SPEC section 12): the network's answer is chosen by the last two digits of the
filed amount in minor units. Pure functions; state.py applies them.

| ending | first chargeback | after a pre-arbitration or arbitration filing |
|---|---|---|
| 01 | the acquirer accepts: the case is won | issuer wins |
| 02 | full representment | issuer wins |
| 03 | partial representment (half the amount) | issuer wins |
| 04 | the filing is rejected | issuer wins |
| 05 | no answer: the network closes for the issuer when the acquirer's window passes | issuer wins |
| 06 | the acquirer files pre-arbitration (Visa allocation) | issuer wins |
| 07 | representment for fraud reasons, acceptance otherwise | issuer wins |
| 08 | representment for fraud reasons, acceptance otherwise | issuer loses |
| other | representment for fraud reasons, acceptance otherwise | issuer wins |
"""

from __future__ import annotations

from dataclasses import dataclass

from cases import networks
from cases.choices import Reason

ACCEPTED = "accepted"
REPRESENT_FULL = "represent_full"
REPRESENT_HALF = "represent_half"
REJECTED = "rejected"
NO_ANSWER = "no_answer"
ACQUIRER_PREARB = "acquirer_prearbitration"

ISSUER_WINS = "issuer_wins"
ISSUER_LOSES = "issuer_loses"


@dataclass(frozen=True)
class Outcome:
    answer: str
    amount_minor: int | None = None  # the represented / pre-arbitration amount


def is_fraud(network: str, reason_code: str) -> bool:
    entry = networks.lookup(network, reason_code)
    return entry is not None and entry.reason == Reason.FRAUD


def chargeback_outcome(network: str, amount_minor: int, reason_code: str) -> Outcome:
    ending = amount_minor % 100
    if ending == 1:
        return Outcome(ACCEPTED)
    if ending == 2:
        return Outcome(REPRESENT_FULL, amount_minor)
    if ending == 3:
        return Outcome(REPRESENT_HALF, amount_minor // 2)
    if ending == 4:
        return Outcome(REJECTED)
    if ending == 5:
        return Outcome(NO_ANSWER)
    if ending == 6:
        return Outcome(ACQUIRER_PREARB, amount_minor)
    if is_fraud(network, reason_code):
        return Outcome(REPRESENT_FULL, amount_minor)
    return Outcome(ACCEPTED)


def escalation_outcome(amount_minor: int) -> Outcome:
    """After the issuer's pre-arbitration or arbitration filing."""
    return Outcome(ISSUER_LOSES if amount_minor % 100 == 8 else ISSUER_WINS)


REJECT_REASON = "Chargeback rejected by the network: the transaction is not eligible (sandbox amount ending 04)."
