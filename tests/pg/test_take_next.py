""""Take next" on PostgreSQL (SPEC section 14): the locking read, the claim and the `assignment`
event are one statement, and the webhook endpoints are read only for a program that has one.
Twenty people at once against gunicorn: tests/pg/test_take_next_live.py."""

import threading

import pytest
from django.db import connection, connections

from cases import services
from cases.actors import Actor
from cases.choices import EventKind, WebhookEndpointStatus
from cases.models import Case, CaseEvent, WebhookDelivery, WebhookEndpoint
from tests.factories import make_user
from tests.team.conftest import case_due

pytestmark = [pytest.mark.postgres]
# Inside a test's transaction the press's own transaction is a savepoint: SAVEPOINT, the statement,
# RELEASE (in production: BEGIN, the statement, COMMIT).
ONE_STATEMENT = 3


def earliest_first(cases):
    return sorted(cases, key=lambda c: (c.next_deadline is None, c.next_deadline, c.number))


@pytest.fixture
def pressing(analyst_actor):
    analyst_actor.has_perm("cases.take_case")  # a person's permissions are read once per request
    return analyst_actor


@pytest.mark.django_db
def test_a_press_is_one_statement_and_writes_what_it_returns(program, analyst, pressing, django_assert_num_queries):
    book = [case_due(program, d) for d in (9, None, 2, 5)]
    first = earliest_first(book)[0]
    with django_assert_num_queries(ONE_STATEMENT):
        event = services.case_take_next(actor=pressing)

    case = Case.objects.get(pk=first.pk)
    assert (case.assignee, case.version) == (analyst, first.version + 1)
    assert (event.case.pk, event.case.case_id, event.case.version, event.case.assignee) == (
        case.pk, case.case_id, case.version, analyst)
    stored = CaseEvent.objects.get(pk=event.pk)
    assert (stored.case_id, stored.kind, stored.changes, stored.actor, stored.actor_user, stored.created) == (
        case.pk, EventKind.ASSIGNMENT, {"assignee": {"before": None, "after": "ana"}}, "user:ana", analyst,
        event.created)
    assert event.case.next_deadline == case.next_deadline  # the fields the press did not return load when read
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_presses_follow_the_deadlines_then_find_nothing(program, other_program, pressing):
    book = [case_due(program, d) for d in (5, None, 20, -3)] + [case_due(other_program, 11)]
    closed = case_due(program, -10, path=["withdraw"])
    held = case_due(program, -5)
    Case.objects.filter(pk=held.pk).update(assignee=make_user("bob", "analyst"))

    taken = [services.case_take_next(actor=pressing).case.number for _ in book]

    assert taken == [c.number for c in earliest_first(book)]
    assert services.case_take_next(actor=pressing) is None
    assert Case.objects.get(pk=closed.pk).assignee is None
    assert Case.objects.get(pk=held.pk).assignee.username == "bob"
    assert CaseEvent.objects.filter(kind=EventKind.ASSIGNMENT).count() == len(book)


@pytest.mark.django_db
def test_only_a_program_with_an_enabled_endpoint_reads_endpoints_and_writes_a_delivery(
        program, other_program, pressing, django_assert_num_queries):
    WebhookEndpoint.objects.create(endpoint_id="we_other", program=other_program, url="https://hooks.example.com/o",
                                   events=[])
    WebhookEndpoint.objects.create(endpoint_id="we_off", program=program, url="https://hooks.example.com/off",
                                   events=[], status=WebhookEndpointStatus.DISABLED)
    case_due(program, 1)
    with django_assert_num_queries(ONE_STATEMENT):
        services.case_take_next(actor=pressing)
    assert not WebhookDelivery.objects.exists()

    endpoint = WebhookEndpoint.objects.create(endpoint_id="we_on", program=program, url="https://hooks.example.com/on",
                                              events=[])
    case_due(program, 2)
    with django_assert_num_queries(ONE_STATEMENT + 2):  # the program's endpoints, the delivery rows
        event = services.case_take_next(actor=pressing)
    delivery = WebhookDelivery.objects.get(event_type="case.updated")  # (the case's opening sent case.created)
    assert (delivery.endpoint, delivery.case_id) == (endpoint, event.case.pk)
    assert delivery.payload["data"]["version"] == event.case.version


@pytest.mark.django_db(transaction=True)
def test_a_case_another_person_is_taking_is_passed_over_not_waited_for(program, committed):
    first, second = earliest_first([case_due(program, 3), case_due(program, 8)])
    locked, release = threading.Event(), threading.Event()

    def other_transaction():
        from django.db import transaction

        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=first.pk)
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    holder = threading.Thread(target=other_transaction)
    holder.start()
    try:
        assert locked.wait(30)
        event = services.case_take_next(actor=Actor.for_user(make_user("ana", "analyst")))
    finally:
        release.set()
        holder.join(30)
    assert event.case.number == second.number
    assert Case.objects.get(pk=first.pk).assignee is None
    assert connection.vendor == "postgresql"


@pytest.mark.django_db
def test_the_press_is_prepared_and_its_generic_plan_reads_the_take_next_index_then_the_primary_key(program, pressing):
    book = [case_due(program, d) for d in range(10)]
    for _ in book:
        services.case_take_next(actor=pressing)
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, generic_plans, statement FROM pg_prepared_statements")
        # The press's statement, and nothing else, though every ORM query above ran more than five times.
        [(name, generic_plans, statement)] = cursor.fetchall()
        assert "WITH picked AS" in statement
        # After five custom plans PostgreSQL keeps the generic one: no planning per press.
        assert generic_plans >= len(book) - 5
        cursor.execute(f"EXPLAIN (COSTS OFF) EXECUTE {name}(1, now(), 'assignment', '{{}}', 'user:x', '', 'enabled')")
        plan = "\n".join(line for (line,) in cursor.fetchall())
    picking, claiming = plan.split("CTE claimed")
    assert "Index Scan using case_take_next_idx" in picking, plan
    assert "Index Scan using cases_case_pkey" in claiming.split("CTE recorded")[0], plan
