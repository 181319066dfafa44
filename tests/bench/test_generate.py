"""Smoke test of the bench data generator: its rows are the rows the services would write."""

from collections import Counter

from bench.generate import generate
from cases import lifecycle
from cases.choices import ACTIVE_STATUSES, RESPONSE_STATUSES, CaseStatus, EventKind
from cases.models import Case, CaseEvent, Transaction
from tests.factories import make_case


def test_generated_cases_replay_to_their_status(db):
    counts = generate(200, programs=2, seed=7)

    assert counts["cases"] == 200 and counts["transactions"] == 200
    assert Case.objects.count() == 200
    events = {}
    for event in CaseEvent.objects.order_by("created", "id"):
        events.setdefault(event.case_id, []).append(event)
    for case in Case.objects.select_related("transaction"):
        trail = events[case.number]
        assert trail[0].kind == EventKind.CREATED and trail[0].to_status == CaseStatus.CREATED
        status = CaseStatus.CREATED
        for event in trail[1:]:
            if event.kind == EventKind.TRANSITION:
                assert event.from_status == status
                status = event.to_status
        assert status == case.status
        assert case.version == len(trail)
        assert case.next_deadline == lifecycle.next_deadline(case)
        assert (case.response_due_date is not None) == (case.status in RESPONSE_STATUSES)
        assert case.chargeback_due_date > case.transaction.date.date()
        assert trail[-1].created == case.updated


def test_generated_statuses_and_deadlines_are_lifelike(db):
    generate(400, programs=2, seed=3)

    statuses = Counter(Case.objects.values_list("status", flat=True))
    open_share = sum(statuses[s] for s in ACTIVE_STATUSES) / 400
    assert 0.15 <= open_share <= 0.40
    assert statuses[CaseStatus.WON] > statuses[CaseStatus.LOST] > 0
    today = lifecycle.today()
    deadlines = list(Case.objects.filter(next_deadline__isnull=False).values_list("next_deadline", flat=True))
    assert any(d < today for d in deadlines) and any(d >= today for d in deadlines)
    assert Transaction.objects.values("arn").distinct().count() == 400


def test_services_keep_working_after_a_load(program, db):
    generate(50, programs=1, seed=1)

    case = make_case(program)

    assert Case.objects.count() == 51
    assert CaseEvent.objects.filter(case=case, kind=EventKind.CREATED).count() == 1
