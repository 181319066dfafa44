"""The sweep's single-statement batch on PostgreSQL writes the same rows as the ORM path elsewhere."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command

from cases import lifecycle, services
from cases.choices import CaseStatus
from cases.models import Case, CaseEvent
from tests.cases.spec_lifecycle import PATHS
from tests.factories import make_case


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_sweep_moves_and_audits_each_overdue_case(program, batch_size):
    overdue = [make_case(program, days_ago=130) for _ in range(3)]
    represented = make_case(program, path=PATHS[CaseStatus.CHARGEBACK_REPRESENTED])
    rebutted = make_case(program, path=PATHS[CaseStatus.PREARB_REBUTTED])
    fresh = make_case(program, days_ago=5)
    filed = make_case(program, path=PATHS[CaseStatus.CHARGEBACK_FILED])
    today = lifecycle.today() + timedelta(days=50)

    counts = services.cases_expire_overdue(today=today, batch_size=batch_size, request_id="sweep-1")

    assert counts == {"expire": 3, "accept": 2}
    expected = {case: ("expire", "created", "expired") for case in overdue}
    expected[represented] = ("accept", "chargeback_represented", "accepted")
    expected[rebutted] = ("accept", "prearb_rebutted", "accepted")
    for case, (transition, source, target) in expected.items():
        row = Case.objects.get(pk=case.pk)
        assert (row.status, row.next_deadline, row.response_due_date, row.version) == (
            target, None, None, case.version + 1)
        assert row.updated > case.updated
        event = CaseEvent.objects.get(case=case, actor="system", transition=transition)
        assert (event.kind, event.from_status, event.to_status, event.changes, event.note, event.request_id,
                event.actor_user_id, event.actor_api_key_id) == (
            "transition", source, target, {"response_due_date": None}, "Deadline passed.", "sweep-1", None, None)
        assert event.created == row.updated
    for case in (fresh, filed):
        assert Case.objects.get(pk=case.pk).version == case.version
        assert not CaseEvent.objects.filter(case=case, actor="system", kind="transition").exists()
    assert services.cases_expire_overdue(today=today, batch_size=batch_size) == {"expire": 0, "accept": 0}
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "offending=0 " in out.getvalue(), out.getvalue()
