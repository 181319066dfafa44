from datetime import timedelta

from cases.lifecycle import today
from cases.models import Case
from tests.factories import make_case


def case_due(program, days: int | None, **kwargs) -> Case:
    """A case whose next deadline is `days` from today (None: no deadline)."""
    case = make_case(program, **kwargs)
    due = None if days is None else today() + timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(next_deadline=due)
    case.next_deadline = due
    return case
