"""The demo book has Reg E and Reg Z cases in each clock status."""

import pytest
from django.contrib.auth.models import User

from cases.demo_regulation import seed_regulation_cases
from cases.models import Case
from tests.factories import ProgramFactory

pytestmark = pytest.mark.django_db


def test_demo_regulation_cases_cover_every_status(mailoutbox):
    program = ProgramFactory(program_id="demo")
    supervisor = User.objects.create_superuser("demo_sup", "s@example.com", "pw")
    assert seed_regulation_cases(program, supervisor) == 10
    seen = set(Case.objects.filter(program=program).values_list("regulation_rule", "regulation_status"))
    for rule in ("reg_e", "reg_z"):
        for status in ("on_track", "at_risk", "breached", "met"):
            assert (rule, status) in seen, (rule, status, seen)
    assert ("", "not_applicable") in seen
    assert mailoutbox  # the letters of the met cases went out
