"""A merchant's verdict on a dispute, recorded as the lifecycle step it means from where the case stands.

Tutelar's merchant-won / merchant-loss (https://docs.tutelar.io/tutelar-api-document/disputes/dispute-won,
…/dispute-loss; SPEC section 6.3). Once filed, the merchant winning is the issuer losing and the
other way round; while the case is still `created` nothing was filed, so a merchant win rejects the
dispute and a merchant loss means the merchant credited the cardholder; while the issuer owes an
answer (representment, pre-arbitration received or rebutted), a merchant win is the issuer
accepting liability and a merchant loss means the merchant credited.
"""

from django.db import transaction

from cases.actors import Actor
from cases.choices import CaseStatus
from cases.exceptions import TransitionNotAllowed, ValidationFailed
from cases.models import Case, CaseEvent
from cases.services.transitions import lock_case, run_transition

MERCHANT_WON = "merchant_won"
MERCHANT_LOST = "merchant_lost"

VERDICT_TRANSITIONS = {
    MERCHANT_WON: {
        CaseStatus.CREATED: "reject", CaseStatus.CHARGEBACK_FILED: "lose", CaseStatus.PREARB_FILED: "lose",
        CaseStatus.ARBITRATION_FILED: "lose", CaseStatus.CHARGEBACK_REPRESENTED: "accept",
        CaseStatus.PREARB_RECEIVED: "accept", CaseStatus.PREARB_REBUTTED: "accept",
    },
    MERCHANT_LOST: {
        CaseStatus.CREATED: "credit_merchant", CaseStatus.CHARGEBACK_FILED: "win", CaseStatus.PREARB_FILED: "win",
        CaseStatus.ARBITRATION_FILED: "win", CaseStatus.CHARGEBACK_REPRESENTED: "credit_merchant",
        CaseStatus.PREARB_RECEIVED: "credit_merchant", CaseStatus.PREARB_REBUTTED: "credit_merchant",
    },
}


@transaction.atomic
def case_record_verdict(*, case: Case, actor: Actor, verdict: str, note: str = "") -> CaseEvent:
    """Run the step the verdict means from the case's current status; returns its `transition` event.

    A closed case has no step left: TransitionNotAllowed (a second verdict, or one after the case
    closed otherwise). The status is read under the row lock, so two verdicts at once close the
    case once.
    """
    if verdict not in VERDICT_TRANSITIONS:
        raise ValidationFailed.single("verdict", "invalid_choice", f"Unknown verdict {verdict!r}.")
    locked = lock_case(case)
    step = VERDICT_TRANSITIONS[verdict].get(locked.status)
    if step is None:
        raise TransitionNotAllowed(transition=verdict, current_status=locked.status, allowed=[])
    return run_transition(locked, step, actor, note=note)
