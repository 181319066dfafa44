"""Every edge of the case lifecycle (SPEC section 3), allowed and forbidden, from every status."""

import pytest

from cases import services
from cases.actors import Actor
from cases.exceptions import TransitionNotAllowed
from cases.models import Case, CaseEvent
from tests.cases.spec_lifecycle import (
    ACTIVE,
    ALL_TRANSITIONS,
    ALLOWED_EDGES,
    ALLOWED_FROM,
    FORBIDDEN_EDGES,
    PATHS,
    S,
)
from tests.factories import make_case


def actor_for_step(name: str, user, request_id: str = "") -> Actor:
    """`expire` is the sweep's, `record_filing_rejected` the network's; a superuser runs the rest."""
    if name == "expire":
        return Actor.for_system()
    if name == "record_filing_rejected":
        return Actor.for_network("mastercard")
    return Actor.for_user(user, request_id=request_id)


def case_in(program, status, **overrides):
    case = make_case(program, path=PATHS[status], **overrides)
    assert case.status == status
    return case


def test_every_status_is_reachable_and_covered():
    assert set(PATHS) == set(S)
    assert len(ALLOWED_EDGES) == 34
    assert len(FORBIDDEN_EDGES) == len(S) * len(ALL_TRANSITIONS) - 34
    # Terminal statuses allow nothing.
    for status in S:
        if status not in ACTIVE:
            assert ALLOWED_FROM[status] == set()


@pytest.mark.parametrize(("name", "source", "target"), ALLOWED_EDGES, ids=[f"{s}-{n}" for n, s, _ in ALLOWED_EDGES])
def test_allowed_transition_reaches_its_target(program, admin_user, name, source, target):
    # file_arbitration straight from a representment needs a code that skips pre-arbitration.
    overrides = {"reason": None, "network_reason_code": "4808"} if source == S.CHARGEBACK_REPRESENTED else {}
    case = case_in(program, source, **overrides)
    actor = actor_for_step(name, admin_user, request_id="req-123")
    events_before = CaseEvent.objects.filter(case=case).count()

    written = services.case_transition(case=case, transition=name, actor=actor, note="by the book")
    result = written.case

    assert result.status == target
    row = Case.objects.get(pk=case.pk)
    assert row.status == target
    assert row.version == case.version + 1
    events = list(CaseEvent.objects.filter(case=case))
    assert len(events) == events_before + 1
    event = events[-1]
    assert written == event
    assert (event.kind, event.transition, event.from_status, event.to_status) == ("transition", name, source, target)
    assert event.note == "by the book"
    assert event.actor == actor.label
    assert event.request_id == actor.request_id


@pytest.mark.parametrize(("status", "name"), FORBIDDEN_EDGES, ids=[f"{s}-{n}" for s, n in FORBIDDEN_EDGES])
def test_forbidden_transition_is_refused(program, admin_user, status, name):
    case = case_in(program, status)
    events_before = CaseEvent.objects.filter(case=case).count()

    # `expire` is the system's alone; everything else is tried by a superuser, who may run it all.
    actor = actor_for_step(name, admin_user)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.case_transition(case=case, transition=name, actor=actor)

    assert excinfo.value.current_status == status
    assert set(excinfo.value.allowed) == ALLOWED_FROM[status]
    assert excinfo.value.extra["allowed_transitions"] == excinfo.value.allowed
    row = Case.objects.get(pk=case.pk)
    assert (row.status, row.version) == (status, case.version)
    assert CaseEvent.objects.filter(case=case).count() == events_before


def test_unknown_transition_name_is_not_allowed(program, admin_user):
    case = case_in(program, S.CREATED)
    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.case_transition(case=case, transition="delete", actor=Actor.for_user(admin_user))
    assert excinfo.value.current_status == S.CREATED
    assert set(excinfo.value.allowed) == ALLOWED_FROM[S.CREATED]


def test_model_transitions_match_the_spec_table():
    edges = {(t.name, t.source, t.target) for t in Case._meta.get_field("status").get_all_transitions(Case)}
    assert edges == {(name, source.value, target.value) for name, source, target in ALLOWED_EDGES}


def test_status_field_is_protected(program):
    case = make_case(program)
    with pytest.raises(AttributeError, match="Direct status modification is not allowed"):
        case.status = S.WON
    assert Case.objects.get(pk=case.pk).status == S.CREATED


def test_stale_instance_is_rechecked_under_lock(program, admin_user):
    """The service re-reads the row: a second caller holding an old copy cannot repeat the move."""
    case = make_case(program)
    stale = Case.objects.get(pk=case.pk)
    actor = Actor.for_user(admin_user)
    services.case_transition(case=case, transition="withdraw", actor=actor)

    with pytest.raises(TransitionNotAllowed) as excinfo:
        services.case_transition(case=stale, transition="withdraw", actor=actor)
    assert excinfo.value.current_status == S.WITHDRAWN
    assert CaseEvent.objects.filter(case=case, kind="transition").count() == 1
