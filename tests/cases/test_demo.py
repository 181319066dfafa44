"""The demo book (`manage.py seed_demo`, cases/demo.py): a plausible issuer book, the same on every
load, loaded once."""

import io
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Group, Permission, User
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from cases.choices import ACTIVE_STATUSES, CaseStatus, EventKind
from cases.demo import PLAN, PROGRAMS, seed_cases
from cases.demo_regulation import STORIES
from cases.management.commands.seed_demo import DEMO_PASSWORD_HASHES, DEMO_USERS, demo_password_hash
from cases.models import Case, CaseEvent, Evidence, NetworkSubmission, Program
from cases.roles import ensure_roles

pytestmark = pytest.mark.django_db
TERMINAL = {CaseStatus.WON, CaseStatus.LOST, CaseStatus.ACCEPTED, CaseStatus.REJECTED, CaseStatus.EXPIRED,
            CaseStatus.WITHDRAWN, CaseStatus.MERCHANT_CREDITED}


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def footprint() -> dict:
    return {"cases": Case.objects.count(), "events": CaseEvent.objects.count(), "evidence": Evidence.objects.count(),
            "users": User.objects.count(), "programs": Program.objects.count(),
            "latest_event": CaseEvent.objects.order_by("-id").values_list("id", flat=True).first()}


def test_seed_demo_loads_a_plausible_book_once():
    first = run("seed_demo")
    loaded = footprint()
    second = run("seed_demo")

    # Idempotent: the second load changes nothing.
    assert footprint() == loaded
    assert second.count("nothing added") == len(PROGRAMS) and "Created" not in second
    expected = sum(max(1, round(count * spec.size)) for spec in PROGRAMS for count, _ in PLAN.values())
    assert loaded["cases"] == expected + len(STORIES)
    assert re.search(rf"Seeded {loaded['cases']} cases in [\d.]+ s", first)

    # Several programs, currencies and networks; every status in the main program.
    book = Case.objects.select_related("transaction", "program")
    assert {c.program.program_id for c in book} == {p.program_id for p in PROGRAMS}
    assert {c.currency for c in book} == {"USD", "EUR", "GBP"}
    assert {c.network for c in book} >= {"visa", "mastercard", "amex", "discover"}
    assert set(book.filter(program__program_id="demo").values_list("status", flat=True)) == set(CaseStatus.values)
    assert not Case.objects.exclude(events__kind=EventKind.CREATED).exists()

    # Deadlines from overdue to months ahead, not one date.
    today = datetime.now(UTC).date()
    open_cases = book.filter(status__in=ACTIVE_STATUSES, next_deadline__isnull=False)
    offsets = [(c.next_deadline - today).days for c in open_cases]
    assert sum(o < 0 for o in offsets) >= 5, "overdue"
    assert sum(0 <= o <= 7 for o in offsets) >= 10, "due in 7 days"
    assert sum(8 <= o <= 30 for o in offsets) >= 10
    assert sum(o > 60 for o in offsets) >= 2, "months ahead"
    assert Counter(offsets).most_common(1)[0][1] < len(offsets) / 5
    # Waiting cases (filed, the other side to answer) have no deadline of their own.
    assert book.filter(status=CaseStatus.CHARGEBACK_FILED, next_deadline__isnull=True).exists()

    # Outcomes over the last six months.
    closed = CaseEvent.objects.filter(kind=EventKind.TRANSITION, to_status__in=TERMINAL)
    months = {(e.year, e.month) for e in closed.values_list("created", flat=True)}
    assert len(months) >= 6
    assert min(closed.values_list("created", flat=True)) >= datetime.now(UTC) - timedelta(days=190)
    # Every trail runs forward in time and ends by now.
    for case in book.filter(program__program_id="demo_uk").prefetch_related("events"):
        moments = [e.created for e in sorted(case.events.all(), key=lambda e: e.id)]
        assert moments == sorted(moments) and moments[-1] <= datetime.now(UTC), case.case_id
        assert case.created <= moments[0] + timedelta(seconds=1)

    # The team's work: assignments, partial amounts, evidence, notes.
    open_book = book.filter(status__in=ACTIVE_STATUSES)
    assigned = Counter(open_book.exclude(assignee=None).values_list("assignee__username", flat=True))
    assert set(assigned) == {"analyst", "analyst2", "supervisor"}
    assert 0.3 < sum(assigned.values()) / open_book.count() < 0.9
    assert sum(c.disputed_amount < c.transaction.amount for c in book) >= 20
    assert CaseEvent.objects.filter(kind=EventKind.TRANSITION, note="").exists()
    assert Evidence.objects.count() >= 30 and CaseEvent.objects.filter(kind=EventKind.NOTE).count() >= 30
    assert Evidence.objects.first().file.read(5) == b"%PDF-"
    # Only the chargeback of a case still waiting on it is left to send (make run's simulator
    # answers it); the book's other filings are history, acknowledged.
    due = NetworkSubmission.objects.filter(next_attempt_at__isnull=False).select_related("case")
    assert due.exists() and NetworkSubmission.objects.filter(state="acknowledged").count() > due.count()
    for row in due:
        assert (row.kind, row.case.status) == ("chargeback", CaseStatus.CHARGEBACK_FILED), row.case.case_id
        assert row.pk == row.case.network_submissions.order_by("-id").values_list("pk", flat=True)[0]
    # The regulation stories are there too.
    assert book.filter(program__program_id="demo").exclude(regulation_rule="").count() >= 9

    logins = re.findall(r"^\s+(\w+)\s+(\S+)\s+\((\w+)\)$", second, re.MULTILINE)
    assert [name for name, _, _ in logins] == ["analyst", "analyst2", "supervisor", "admin"]
    for username, password, role in logins:
        user = authenticate(username=username, password=password)
        assert user is not None and user.groups.filter(name=role).exists()


@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.PBKDF2PasswordHasher"])
def test_demo_password_hashes_are_the_demo_passwords():
    # The load stores these instead of hashing each password again (PBKDF2: a second for four).
    assert [name for name, *_ in DEMO_USERS] == list(DEMO_PASSWORD_HASHES)
    for username, password, *_ in DEMO_USERS:
        assert demo_password_hash(username, password) == DEMO_PASSWORD_HASHES[username]
        assert check_password(password, DEMO_PASSWORD_HASHES[username]), username
        assert not check_password(password + "x", DEMO_PASSWORD_HASHES[username])
    run("seed_demo")
    assert authenticate(username="admin", password="admin-demo-2026") is not None


def test_seed_demo_audit_trail_replays():
    run("seed_demo")
    out = run("verify_audit")
    assert "offending=0" in out


def _snapshot(program, now) -> list:
    """Everything a load decides, relative to `now`."""
    rows = []
    for case in (Case.objects.filter(program=program).select_related("transaction", "assignee")
                 .prefetch_related("events").order_by("case_id")):
        rows.append((
            case.case_id, case.status, case.network, case.reason, case.disputed_amount, case.transaction.amount,
            case.currency, case.source, case.review_status, case.assignee and case.assignee.username,
            case.next_deadline and (case.next_deadline - now.date()).days, (now - case.dispute_date).total_seconds(),
            (now - case.transaction.date).total_seconds(), case.internal_due_date, case.response_due_date,
            [(e.kind, e.transition, e.note, (now - e.created).total_seconds()) for e in
             sorted(case.events.all(), key=lambda e: e.id)],
            case.evidence.count(),
        ))
    return rows


def test_a_load_is_the_same_book_every_time():
    ensure_roles(Group, Permission)
    supervisor = User.objects.create_user("supervisor")
    supervisor.groups.add(Group.objects.get(name="supervisor"))
    analyst = User.objects.create_user("analyst")
    analyst.groups.add(Group.objects.get(name="analyst"))
    program = Program.objects.create(program_id="demo_eu", name="Demo", default_currency="EUR",
                                     consumer_regulation="none", approval_actions=[])
    now = datetime(2026, 11, 30, 15, 0, tzinfo=UTC)
    snapshots = []
    for _ in range(2):
        with transaction.atomic():
            seed_cases(program, supervisor, count_scale=0.3, team=[analyst, supervisor], now=now)
            snapshots.append(_snapshot(program, now))
            transaction.set_rollback(True)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]) == sum(max(1, round(count * 0.3)) for count, _ in PLAN.values())
    # A different seed is a different book.
    with transaction.atomic():
        seed_cases(program, supervisor, count_scale=0.3, team=[analyst, supervisor], now=now, seed=8)
        assert _snapshot(program, now) != snapshots[0]
        transaction.set_rollback(True)
