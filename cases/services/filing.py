"""Filing a chargeback when the case is ready, and flagging it for review when it is not.

Decisionly's `file_mode=auto` (https://docs.decisionly.com/filing): file when every filing condition
holds, otherwise leave the case `created` and flag it `chargeback_needs_review`, the refusal's
reasons as the note, so a person looks at it. The decision is taken under the case's row lock: the
conditions read are the ones the filing would run on.
"""

from django.db import transaction

from cases.actors import Actor
from cases.exceptions import TransitionConditionFailed
from cases.models import Case, CaseEvent
from cases.services.edits import flag_locked_case
from cases.services.events import require_perm
from cases.services.transitions import lock_case, run_transition


@transaction.atomic
def case_file_or_flag(*, case: Case, actor: Actor, note: str = "") -> CaseEvent | None:
    """File the chargeback, or flag the case for review when a filing condition fails.

    Returns the `transition` event of the filing, or the `edit` event of the flag (None when the
    case was already flagged). Every other refusal (permission, status) is raised as it would be
    by case_transition.
    """
    locked = lock_case(case)
    try:
        return run_transition(locked, "file_chargeback", actor, note=note)
    except TransitionConditionFailed as exc:
        # The conditions are checked before anything is written: nothing to roll back.
        require_perm(actor, "cases.change_case", "You may not edit this case.")
        return flag_locked_case(locked, actor, note=exc.message)
