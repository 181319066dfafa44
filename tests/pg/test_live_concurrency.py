"""SPEC section 9 under real concurrency: gunicorn on loopback, PostgreSQL, 50 requests at once."""

import json
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command

from cases.lifecycle import today
from cases.models import Case, CaseEvent, IdempotencyKey
from tests.conftest import authorization, concurrently
from tests.factories import TransactionFactory, make_api_key, make_case
from tests.reliability.doors import CREATE_PATHS, DOORS, Outcome, create_body, is_envelope, names_duplicate

pytestmark = [pytest.mark.postgres]
N = 50


@pytest.fixture
def world(committed, program):
    return {"program": program, "key": make_api_key(program, ["read", "write", "manage"], "live")[1]}


def call(live, door: str, method: str, path: str, body, key: str, **headers):
    def run():
        response = live.request(method, path, json_body=body,
                                headers={"Authorization": authorization(key, door), **headers})
        try:
            parsed = response.json() if response.body else None
        except ValueError:
            parsed = None
        return Outcome(door, response.status, parsed, response.headers)

    return run


def tally(outcomes) -> dict:
    transport = [o for o in outcomes if isinstance(o, Exception)]
    answered = [o for o in outcomes if isinstance(o, Outcome)]
    return {
        "requests": len(outcomes),
        "successes": sum(o.ok and not o.replayed for o in answered),
        "replays": sum(o.ok and o.replayed for o in answered),
        "conflicts": sum(400 <= o.status < 500 for o in answered),
        "errors": sum(o.status >= 500 for o in answered) + len(transport),
    }


def verify_audit() -> str:
    out = StringIO()
    call_command("verify_audit", stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_concurrent_creates_for_one_transaction_open_one_case(live, world, figures):
    txn = TransactionFactory(program=world["program"], amount=20000, card_network="mastercard")
    doors = [DOORS[i % len(DOORS)] for i in range(N)]
    started = time.monotonic()
    outcomes = concurrently([call(live, d, "POST", CREATE_PATHS[d], create_body(d, txn), world["key"]) for d in doors])
    elapsed = time.monotonic() - started

    counts = tally(outcomes)
    case = Case.objects.get(transaction=txn)
    assert counts["errors"] == 0, [o for o in outcomes if isinstance(o, Exception) or o.status >= 500][:3]
    assert counts["successes"] == 1
    losers = [o for o in outcomes if not o.ok]
    assert len(losers) == N - 1
    assert all(is_envelope(o.door, o.status, o.body) for o in losers)
    wrong = [o for o in losers if not names_duplicate(o, case)]
    assert not wrong, wrong[:3]
    assert CaseEvent.objects.filter(case__transaction=txn, kind="created").count() == 1
    assert "offending=0" in verify_audit()
    per_door = {d: sum(o.door == d for o in losers) for d in DOORS}
    figures("concurrent_creates_one_transaction", **counts, cases=Case.objects.filter(transaction=txn).count(),
            cases_lost=0, winner=next(o.door for o in outcomes if o.ok), duplicates_per_door=json.dumps(per_door),
            elapsed_s=f"{elapsed:.2f}")


def test_concurrent_identical_transitions_run_once(live, world, figures):
    case = make_case(world["program"])
    path = f"/api/v1/cases/{case.case_id}/transitions"
    started = time.monotonic()
    outcomes = concurrently([call(live, "native", "POST", path, {"transition": "file_chargeback"}, world["key"])
                             for _ in range(N)])
    elapsed = time.monotonic() - started

    counts = tally(outcomes)
    assert counts["errors"] == 0
    assert counts["successes"] == 1
    refused = [o for o in outcomes if not o.ok]
    assert len(refused) == N - 1
    assert all(o.status == 409 and o.body["code"] == "transition_not_allowed" for o in refused), refused[:3]
    case.refresh_from_db()
    assert case.status == "chargeback_filed"
    assert CaseEvent.objects.filter(case=case, kind="transition").count() == 1
    assert "offending=0" in verify_audit()
    figures("concurrent_identical_transitions", **counts, events_written=1, elapsed_s=f"{elapsed:.2f}")


@pytest.mark.parametrize("door", DOORS)
def test_concurrent_requests_with_one_idempotency_key_execute_once(live, world, figures, door):
    txn = TransactionFactory(program=world["program"], amount=20000, card_network="mastercard")
    body = create_body(door, txn)
    key = f"idem-{door}-{txn.pk}"
    outcomes = concurrently([call(live, door, "POST", CREATE_PATHS[door], body, world["key"], **{"Idempotency-Key": key})
                             for _ in range(N)])

    counts = tally(outcomes)
    assert counts["errors"] == 0
    assert counts["successes"] == 1
    assert Case.objects.filter(transaction=txn).count() == 1
    original = next(o for o in outcomes if o.ok and not o.replayed)
    replays = [o for o in outcomes if o.replayed]
    assert all(o.status == original.status and o.body == original.body for o in replays)
    in_use = [o for o in outcomes if not o.ok]
    assert len(replays) + len(in_use) == N - 1
    # SPEC section 5: 409 idempotency_key_in_use; each dialect answers in its own envelope and codes.
    assert all(is_envelope(door, o.status, o.body) and 400 <= o.status < 500 for o in in_use), in_use[:3]
    if door == "native":
        assert all(o.status == 409 and o.body["code"] == "idempotency_key_in_use" for o in in_use)
    stored = IdempotencyKey.objects.get(key=key)
    assert not stored.in_flight and stored.response_status == original.status
    figures(f"concurrent_idempotency_key_{door}", requests=N, executions=1, replays=len(replays),
            in_use=len(in_use), errors=0, cases=1, cases_lost=0)


def test_expire_overdue_races_the_api(live, world, figures):
    """The deadline sweep and the API's withdraw on the same cases: each case ends in exactly one
    terminal state, and its trail replays to it."""
    program = world["program"]
    overdue_created = [make_case(program, days_ago=200) for _ in range(30)]
    represented = [make_case(program, path=["file_chargeback", "record_representment"]) for _ in range(30)]
    yesterday = today() - timedelta(days=1)
    Case.objects.filter(pk__in=[c.pk for c in represented]).update(response_due_date=yesterday, next_deadline=yesterday)
    targets = overdue_created + represented

    def sweep():
        out = StringIO()
        call_command("expire_overdue", "--batch-size", "3", stdout=out)
        return out.getvalue()

    withdraws = [call(live, "native", "POST", f"/api/v1/cases/{c.case_id}/transitions", {"transition": "withdraw"},
                      world["key"]) for c in targets]
    started = time.monotonic()
    results = concurrently([sweep, sweep, *withdraws])
    elapsed = time.monotonic() - started
    sweeps, outcomes = results[:2], results[2:]
    assert all(isinstance(s, str) and s.startswith("expired=") for s in sweeps), sweeps
    leftover = sweep()  # safe to run again: picks up what was locked by a request the first time

    counts = tally(outcomes)
    assert counts["errors"] == 0
    assert all(o.ok or (o.status == 409 and o.body["code"] == "transition_not_allowed") for o in outcomes)
    finals = dict(Case.objects.filter(pk__in=[c.pk for c in targets]).values_list("number", "status"))
    for case in overdue_created:
        assert finals[case.number] in ("withdrawn", "expired")
    for case in represented:
        assert finals[case.number] in ("withdrawn", "accepted")
    withdrawn = sum(s == "withdrawn" for s in finals.values())
    assert withdrawn == counts["successes"]
    terminal_events = CaseEvent.objects.filter(case__in=targets, kind="transition",
                                               to_status__in=["withdrawn", "expired", "accepted"])
    assert terminal_events.count() == len(targets)
    assert "offending=0" in verify_audit()
    figures("expire_overdue_vs_api", cases=len(targets), api_requests=len(outcomes), api_won=counts["successes"],
            api_conflicts=counts["conflicts"], errors=counts["errors"], sweep_won=len(targets) - withdrawn,
            second_sweep=leftover.split(" seconds")[0], cases_lost=0, audit="replays", elapsed_s=f"{elapsed:.2f}")

