"""Assignment (SPEC section 14): take next, take, assign, reassign, unassign; events and webhooks."""

import pytest

from cases import services
from cases.actors import Actor
from cases.choices import EventKind
from cases.exceptions import CaseClosed, PermissionDenied, ValidationFailed
from cases.models import Case, CaseEvent
from cases.services.assignment import take_candidates
from tests.factories import make_api_key, make_case, make_user
from tests.team.conftest import case_due


def deadline_order(cases):
    return sorted(cases, key=lambda c: (c.next_deadline is None, c.next_deadline, c.number))


@pytest.fixture
def book(program):
    # Transactions of different ages: different chargeback deadlines, so a different next deadline each.
    return [case_due(program, d) for d in (5, None, 20, -3, 11, 5)]


def test_take_next_hands_out_cases_by_deadline(book, analyst_actor):
    expected = deadline_order(book)
    taken = [services.case_take_next(actor=analyst_actor) for _ in book]
    assert [e.case.number for e in taken] == [c.number for c in expected]
    assert services.case_take_next(actor=analyst_actor) is None  # nothing left
    for event in taken:
        assert event.kind == EventKind.ASSIGNMENT
        assert event.changes == {"assignee": {"before": None, "after": "ana"}}
        assert event.actor == "user:ana"
    assert set(Case.objects.values_list("assignee__username", flat=True)) == {"ana"}


def test_a_press_stays_within_its_statement_budget(book, analyst_actor, django_assert_max_num_queries):
    analyst_actor.has_perm("cases.take_case")  # a person's permissions are read once per request
    # SQLite: the read, the claim, the event, the webhook endpoints, inside the transaction's two
    # statements. PostgreSQL does the first three in one statement and skips the endpoints when the
    # program has none (tests/pg/test_take_next.py).
    with django_assert_max_num_queries(6):
        event = services.case_take_next(actor=analyst_actor)
    assert event.case.number == deadline_order(book)[0].number


def test_take_next_skips_closed_and_assigned_cases(program, analyst_actor, supervisor_actor, supervisor):
    closed = case_due(program, -10, path=["withdraw"])
    held = case_due(program, -5)
    services.case_assign(case=held, actor=supervisor_actor, assignee=supervisor)
    free = case_due(program, 10)
    event = services.case_take_next(actor=analyst_actor)
    assert event.case.number == free.number
    assert Case.objects.get(pk=closed.pk).assignee is None


def test_take_next_moves_the_version_and_sends_case_updated(book, analyst_actor):
    from cases.models import WebhookDelivery, WebhookEndpoint

    endpoint = WebhookEndpoint.objects.create(endpoint_id="we_team", program=book[0].program,
                                              url="https://hooks.example.com/x", events=[])
    before = deadline_order(book)[0]
    event = services.case_take_next(actor=analyst_actor)
    assert event.case.version == before.version + 1
    delivery = WebhookDelivery.objects.get(endpoint=endpoint, case=event.case)
    assert delivery.event_type == "case.updated"


def test_people_without_the_permission_cannot_take(book, plain_user, program):
    with pytest.raises(PermissionDenied):
        services.case_take_next(actor=Actor.for_user(plain_user))
    key, _ = make_api_key(program, ["manage"])
    with pytest.raises(PermissionDenied):
        services.case_take_next(actor=Actor.for_api_key(key))
    assert not CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT).exists()


def test_an_api_keys_candidates_are_its_programs(program, other_program):
    mine = case_due(program, 10)
    case_due(other_program, 1)
    key, _ = make_api_key(program, ["read"])
    assert list(take_candidates(Actor.for_api_key(key))) == [mine]


def test_take_a_case_and_refuse_one_held_by_someone_else(program, analyst, analyst_actor, supervisor_actor, supervisor):
    case = make_case(program)
    event = services.case_take(case=case, actor=analyst_actor)
    assert event.case.assignee == analyst
    assert services.case_take(case=case, actor=analyst_actor) is None  # already yours: nothing written
    other = make_user("bob", "analyst")
    with pytest.raises(ValidationFailed) as refused:
        services.case_take(case=case, actor=Actor.for_user(other))
    assert "ana already works this case" in refused.value.message
    closed = make_case(program, path=["withdraw"])
    with pytest.raises(CaseClosed):
        services.case_take(case=closed, actor=analyst_actor)


def test_supervisors_assign_reassign_and_unassign(program, analyst, supervisor, supervisor_actor, analyst_actor):
    case = make_case(program)
    bob = make_user("bob", "analyst")
    first = services.case_assign(case=case, actor=supervisor_actor, assignee=analyst)
    second = services.case_assign(case=case, actor=supervisor_actor, assignee=bob)
    assert services.case_assign(case=case, actor=supervisor_actor, assignee=bob) is None
    third = services.case_assign(case=case, actor=supervisor_actor, assignee=None)
    assert [e.changes["assignee"] for e in (first, second, third)] == [
        {"before": None, "after": "ana"}, {"before": "ana", "after": "bob"}, {"before": "bob", "after": None}]
    assert Case.objects.get(pk=case.pk).assignee is None
    with pytest.raises(PermissionDenied):
        services.case_assign(case=case, actor=analyst_actor, assignee=analyst)


def test_only_active_team_members_are_assignees(program, supervisor_actor, plain_user):
    case = make_case(program)
    gone = make_user("gone", "analyst", is_active=False)
    for person in (plain_user, gone):
        with pytest.raises(ValidationFailed) as refused:
            services.case_assign(case=case, actor=supervisor_actor, assignee=person)
        assert refused.value.field == "assignee"
    closed = make_case(program, path=["withdraw"])
    with pytest.raises(CaseClosed):
        services.case_assign(case=closed, actor=supervisor_actor, assignee=make_user("al", "analyst"))


def test_a_candidate_claimed_by_someone_else_first_is_passed_over(book, analyst_actor, monkeypatch):
    """Without row locks (SQLite) two people may read the same candidate; the conditional UPDATE
    lets one of them have it and the other tries again with the next case. (On PostgreSQL the
    statement that reads the candidate locks it: tests/pg/test_take_next.py.)"""
    from cases.services import assignment

    monkeypatch.setattr(assignment, "_take_one", assignment._take_one_orm)
    real = assignment.take_candidates
    bob = make_user("bob", "analyst")
    raced = []

    def racing(actor):
        qs = real(actor)
        if not raced:
            first = qs.first()
            Case.objects.filter(pk=first.pk).update(assignee=bob)  # bob's commit lands in between
            raced.append(first.number)
            return Case.objects.filter(pk=first.pk)  # the stale read still names it
        return qs

    monkeypatch.setattr(assignment, "take_candidates", racing)
    event = services.case_take_next(actor=analyst_actor)
    order = [c.number for c in deadline_order(book)]
    assert raced == [order[0]] and event.case.number == order[1]
    assert Case.objects.get(pk=order[0]).assignee == bob
    assert CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT).count() == 1


def test_take_next_gives_up_quietly_when_every_attempt_loses(book, analyst_actor, monkeypatch):
    from cases.services import assignment

    monkeypatch.setattr(assignment, "_take_one", assignment._take_one_orm)  # the ORM path, as above
    monkeypatch.setattr(assignment, "take_candidates", lambda actor: Case.objects.filter(pk=book[0].pk))
    Case.objects.filter(pk=book[0].pk).update(assignee=make_user("bob", "analyst"))
    assert services.case_take_next(actor=analyst_actor) is None
