"""The regulatory status update's single-statement batch on PostgreSQL: it moves exactly the cases
whose day has come, writes their events, and a second run (or one racing it) moves nothing more."""

from datetime import UTC, date, datetime

import pytest
import time_machine

from cases.models import Case, CaseEvent
from cases.services import regulation_sweep
from tests.factories import ProgramFactory
from tests.regulation.helpers import regulated_case

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_postgres_batch_moves_and_audits_each_case(monkeypatch):
    monkeypatch.setattr(regulation_sweep, "BATCH", 2)
    program = ProgramFactory(time_zone="America/Los_Angeles")
    with time_machine.travel(datetime(2026, 11, 16, 20, 0, tzinfo=UTC), tick=False):
        cases = [regulated_case(program) for _ in range(3)]  # credit due Tue Dec 1: at risk Fri Nov 27
        later = regulated_case(program, notified_at=datetime(2026, 11, 16, 20, 0, tzinfo=UTC), card_type="credit")
    # 07:00 UTC on Nov 27 is still Thursday Nov 26 in Los Angeles.
    assert regulation_sweep.regulation_update_statuses(datetime(2026, 11, 27, 7, 0, tzinfo=UTC))["at_risk"] == 0
    moved = regulation_sweep.regulation_update_statuses(datetime(2026, 11, 27, 17, 0, tzinfo=UTC))
    assert moved == {"investigation_due": 0, "breached": 0, "at_risk": 3}
    for case in cases:
        assert Case.objects.get(pk=case.pk).regulation_status == "at_risk"
        event = CaseEvent.objects.get(case=case, kind="reg_due_soon")
        assert (event.actor, event.changes) == ("system", {"regulation_status": "at_risk", "due": "2026-12-01"})
    assert Case.objects.get(pk=later.pk).regulation_status == "on_track"
    assert regulation_sweep.regulation_update_statuses(datetime(2026, 11, 27, 18, 0, tzinfo=UTC))["at_risk"] == 0
    moved = regulation_sweep.regulation_update_statuses(datetime(2026, 12, 2, 17, 0, tzinfo=UTC))
    assert moved == {"investigation_due": 3, "breached": 3, "at_risk": 0}
    assert set(Case.objects.filter(pk__in=[c.pk for c in cases]).values_list("investigation_due", flat=True)) == {
        date(2026, 12, 1)}
