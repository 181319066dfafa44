from cases.choices import CaseStatus
from cases.models import CaseEvent
from tests.factories import make_case


def test_case_created_with_event(program, system_actor):
    case = make_case(program)
    assert case.status == CaseStatus.CREATED
    assert list(CaseEvent.objects.filter(case=case).values_list("kind", flat=True)) == ["created"]
