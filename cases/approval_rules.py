"""Maker-checker rules (SPEC section 14): which actions need a second person, per program.

A program lists its actions in `Program.approval_actions`: lifecycle transitions by name (`accept`,
`reject`, `file_arbitration`, ...) and the provisional-credit movements `credit_reverse` and
`credit_make_final`. A listed action needs approval when the amount it moves is above the program's
`approval_amount` (minor units, program currency); with no approval amount, at every amount.
The amount a transition moves is the disputed amount; a credit movement moves the credit.

The default is SPEC 14's: accepting liability, making a provisional credit final (the issuer
writes it off) and reversing one. Only people and API keys are held to it: the system's own steps
(the deadline sweep accepting after the response deadline, credit made final at the Reg E
investigation due date) and a merchant's verdict recorded from a dialect are facts, not decisions.
"""

from django.core.exceptions import ValidationError

from cases import lifecycle

CREDIT_ACTIONS = {"credit_reverse": "reverse", "credit_make_final": "make_final"}  # action -> ledger movement
CREDIT_MOVEMENTS = {movement: action for action, movement in CREDIT_ACTIONS.items()}
TRANSITION_ACTIONS = lifecycle.PERSON_TRANSITIONS
ACTIONS = (*TRANSITION_ACTIONS, *CREDIT_ACTIONS)
DEFAULT_ACTIONS = ("accept", "credit_make_final", "credit_reverse")
ACTION_LABELS = {**lifecycle.TRANSITION_LABELS, "credit_reverse": "Reverse provisional credit",
                 "credit_make_final": "Make provisional credit final"}


def default_approval_actions() -> list[str]:
    return list(DEFAULT_ACTIONS)


def validate_approval_actions(value) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError("A list of action names.")
    unknown = sorted(set(value) - set(ACTIONS))
    if unknown:
        raise ValidationError(f"Unknown actions {unknown}; choose from: {', '.join(ACTIONS)}.")


def action_for_credit(movement: str) -> str | None:
    """The approval action of a ledger movement (`grant` has none)."""
    return CREDIT_MOVEMENTS.get(movement)


def amount_moved(case, action: str) -> int:
    return case.provisional_credit_amount if action in CREDIT_ACTIONS else case.disputed_amount


def needs_approval(case, action: str, actor=None) -> bool:
    """Whether running `action` on `case` now needs a second person's approval."""
    if actor is not None and actor.system:
        return False
    program = case.program
    if action not in (program.approval_actions or ()):
        return False
    threshold = program.approval_amount
    return threshold is None or amount_moved(case, action) > threshold


def label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " "))


def approved(case, action: str, actor, approval) -> bool:
    """Whether the action may run now: it needs no approval, or it runs for `approval`, the locked,
    pending request for this very action on this case."""
    if approval is not None:
        return approval.case_id == case.pk and approval.action == action and approval.is_pending
    return not needs_approval(case, action, actor)
