"""The batch paths on PostgreSQL: the demo book (cases opened together, steps moved together under
`FOR UPDATE OF` the cases, rows stored with one UPDATE statement) replays to every case's status."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from cases.demo import PLAN, seed_cases
from cases.models import Case, NetworkSubmission
from tests.factories import ProgramFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_demo_book_on_postgresql_replays(supervisor):
    program = ProgramFactory(program_id="demo_eu", default_currency="EUR", approval_actions=[])
    approver = User.objects.create_superuser("checker", "checker@example.com", "pw")

    made = seed_cases(program, supervisor, count_scale=0.3, team=[supervisor], approver=approver)

    assert made == sum(max(1, round(count * 0.3)) for count, _ in PLAN.values()) == Case.objects.count()
    assert set(Case.objects.values_list("status", flat=True)) >= {"chargeback_filed", "won", "lost", "expired"}
    assert NetworkSubmission.objects.exists()
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert "offending=0" in out.getvalue()
