"""Bulk actions on a selection of cases (SPEC section 14): assign, run a transition, add a note.

Each case goes through its own service call (`case_assign`, `case_transition`, `case_add_note`),
each in its own transaction with its own audit event: a refusal is that case's outcome and never
undoes the others. The selection is read once, through the actor's scope (an API key sees its own
program only), so an id the actor cannot see, of another program or of no case at all, is refused
for that case alone with the same words (no hint that another program's case exists).
"""

from dataclasses import dataclass

from cases import lifecycle, selectors
from cases.actors import Actor
from cases.exceptions import DisputeError, ValidationFailed
from cases.models import Case, CaseEvent
from cases.services import outbox
from cases.services.assignment import case_assign
from cases.services.edits import case_add_note
from cases.services.transitions import case_transition

MAX_SELECTION = 500
ASSIGN, TRANSITION, NOTE = "assign", "transition", "note"
ACTIONS = (ASSIGN, TRANSITION, NOTE)


@dataclass
class BulkOutcome:
    """One selected id's outcome: `done` (with the event written, None when nothing needed to
    change) or the refusal's message (and its machine code)."""

    selected: str
    case: Case | None = None
    done: bool = False
    message: str = ""
    code: str = ""
    event: CaseEvent | None = None

    @property
    def label(self) -> str:
        return "done" if self.done else self.message


def parse_selection(values) -> list[str]:
    """The selected ids as given, stripped, duplicates dropped, in order; refuses an empty selection
    and one larger than MAX_SELECTION."""
    selection = list(dict.fromkeys(str(v).strip()[:40] for v in values if str(v).strip()))
    if not selection:
        raise ValidationFailed.single("case", "required", "Select at least one case.")
    if len(selection) > MAX_SELECTION:
        raise ValidationFailed.single("case", "too_many",
                                      f"Select at most {MAX_SELECTION} cases at once ({len(selection)} selected).")
    return selection


def selected_cases(actor: Actor, selection: list[str]) -> dict[str, Case]:
    """{selected id: case} for the ids that name a case number the actor may see (one query)."""
    numbers = {value: int(value) for value in selection if value.isdigit() and 0 < int(value) < 2**63}
    found = selectors.case_queryset(actor).filter(number__in=set(numbers.values())).order_by().in_bulk()
    return {value: found[number] for value, number in numbers.items() if number in found}


def _check_action(action: str, transition: str, note: str) -> None:
    if action not in ACTIONS:
        raise ValidationFailed.single("action", "invalid", "Choose assign, a transition or a note.")
    if action == TRANSITION and transition not in lifecycle.TRANSITIONS:
        raise ValidationFailed.single("transition", "invalid", "Choose a transition.")
    if action == NOTE and not (note or "").strip():
        raise ValidationFailed.single("note", "required", "The note is empty.")


def bulk_run(*, actor: Actor, selection, action: str, transition: str = "", note: str = "",
             assignee=None) -> list[BulkOutcome]:
    """Run one action on each selected case, one service call each; returns every id's outcome in
    the order selected. Raises ValidationFailed only for the request as a whole (no action, no
    selection, more than MAX_SELECTION ids)."""
    selection = parse_selection(selection)
    _check_action(action, transition, note)
    cases = selected_cases(actor, selection)
    outcomes = []
    with outbox.batched_enqueue():  # the network submissions of many filings go out in chunks
        _run_all(actor, selection, cases, outcomes, action, transition, note, assignee)
    return outcomes


def _run_all(actor, selection, cases, outcomes, action, transition, note, assignee) -> None:
    for value in selection:
        case = cases.get(value)
        outcome = BulkOutcome(selected=value, case=case)
        if case is None:
            outcome.message, outcome.code = f"No case {value} that you may see.", "not_found"
        else:
            try:
                outcome.event = _run_one(actor, case, action, transition, note, assignee)
            except DisputeError as exc:
                outcome.message, outcome.code = exc.message, exc.code
            else:
                outcome.done = True
        outcomes.append(outcome)


def _run_one(actor: Actor, case: Case, action: str, transition: str, note: str, assignee) -> CaseEvent | None:
    if action == ASSIGN:
        return case_assign(case=case, actor=actor, assignee=assignee)
    if action == TRANSITION:
        return case_transition(case=case, transition=transition, actor=actor, note=note)
    return case_add_note(case=case, actor=actor, text=note)
