"""GET /api/v1/cases: every filter alone and combined, the orderings, and keyset cursor pagination."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases import lifecycle
from cases.models import Case
from tests.api.conftest import assert_problem, case_payload
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def ids(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [c["case_id"] for c in response.json()["data"]]


@pytest.fixture
def cases(program, other_program):
    today = lifecycle.today()
    made = {
        "visa_fraud": make_case(program, network="visa", reason="fraud", amount=5000, case_id="c-visa-fraud"),
        "mc_pnr": make_case(program, amount=20000, level="level_2", dispute_type="chargeback", case_id="c-mc-pnr"),
        "filed": make_case(program, path=["file_chargeback"], amount=9000, case_id="c-filed"),
        "won": make_case(program, path=["file_chargeback", "win"], source="backoffice", case_id="c-won"),
        "dup": make_case(program, reason="duplicate_charge", network_reason_code="4834", case_id="c-dup"),
    }
    Case.objects.filter(pk=made["dup"].pk).update(review_status="chargeback_needs_review",
                                                  next_deadline=today - timedelta(days=2),
                                                  created=timezone.now() - timedelta(days=40))
    Case.objects.filter(pk=made["visa_fraud"].pk).update(next_deadline=today + timedelta(days=1))
    make_case(other_program, case_id="c-other")
    return made


@pytest.mark.parametrize("params, expected", [
    ({"status": "created"}, {"c-visa-fraud", "c-mc-pnr", "c-dup"}),
    ({"status": ["won", "chargeback_filed"]}, {"c-won", "c-filed"}),
    ({"status": "open"}, {"c-visa-fraud", "c-mc-pnr", "c-dup", "c-filed"}),
    ({"status": "closed"}, {"c-won"}),
    ({"reason": "fraud"}, {"c-visa-fraud"}),
    ({"reason": ["fraud", "duplicate_charge"]}, {"c-visa-fraud", "c-dup"}),
    ({"network": "visa"}, {"c-visa-fraud"}),
    ({"network_reason_code": "4834"}, {"c-dup"}),
    ({"level": "level_2"}, {"c-mc-pnr"}),
    ({"dispute_type": "chargeback"}, {"c-mc-pnr"}),
    ({"source": "backoffice"}, {"c-won"}),
    ({"review_status": "chargeback_needs_review"}, {"c-dup"}),
    ({"review_status": "none"}, {"c-visa-fraud", "c-mc-pnr", "c-filed", "c-won"}),
    ({"program": "prog_a", "status": "closed"}, {"c-won"}),
    ({"program": "prog_b"}, set()),
    ({"amount_min": 9000}, {"c-mc-pnr", "c-filed", "c-won", "c-dup"}),
    ({"amount_max": 9000}, {"c-visa-fraud", "c-filed"}),
    ({"amount_min": 6000, "amount_max": 10000}, {"c-filed"}),
    ({"created_before": (timezone.now() - timedelta(days=30)).isoformat()}, {"c-dup"}),
    ({"created_after": (timezone.now() - timedelta(days=30)).isoformat()},
     {"c-visa-fraud", "c-mc-pnr", "c-filed", "c-won"}),
    ({"deadline_before": (lifecycle.today() + timedelta(days=1)).isoformat()}, {"c-visa-fraud", "c-dup"}),
    ({"deadline_after": lifecycle.today().isoformat()}, {"c-visa-fraud", "c-mc-pnr"}),
    ({"overdue": "true"}, {"c-dup"}),
    ({"overdue": "false"}, {"c-visa-fraud", "c-mc-pnr", "c-filed", "c-won"}),
    ({"q": "c-filed"}, {"c-filed"}),
    ({"q": "foodhub"}, {"c-visa-fraud", "c-mc-pnr", "c-filed", "c-won", "c-dup"}),
    ({"q": "susie@example.com"}, {"c-visa-fraud", "c-mc-pnr", "c-filed", "c-won", "c-dup"}),
    ({"q": "4242"}, {"c-visa-fraud", "c-mc-pnr", "c-filed", "c-won", "c-dup"}),
    ({"q": "nobody-matches"}, set()),
    ({"status": "open", "reason": "product_not_received", "amount_min": 10000, "level": "level_2"}, {"c-mc-pnr"}),
    ({"status": "created", "overdue": "true", "review_status": "chargeback_needs_review"}, {"c-dup"}),
])
def test_filters(api, cases, params, expected):
    assert set(ids(api.get("/api/v1/cases", params))) == expected


def test_q_matches_the_arn(api, cases):
    arn = cases["filed"].transaction.arn
    assert ids(api.get("/api/v1/cases", {"q": arn})) == ["c-filed"]


@pytest.mark.parametrize("params, field", [
    ({"status": "lost-ish"}, "status"), ({"amount_min": "ten"}, "amount_min"), ({"created_after": "tuesday"},
                                                                                 "created_after"),
    ({"ordering": "random"}, "ordering"), ({"limit": "0"}, "limit"), ({"limit": "101"}, "limit"),
    ({"limit": "²"}, "limit"), ({"starting_after": "a", "ending_before": "b"}, "ending_before"),
    ({"ending_before": "bad cursor!"}, "ending_before"),
    ({"q": "a\x00b"}, "q"), ({"overdue": "true", "deadline_before": "2024-02-30"}, "deadline_before"),
])
def test_bad_query_is_400(api, cases, params, field):
    problem = assert_problem(api.get("/api/v1/cases", params), 400, "invalid_request")
    assert field in [e["field"] for e in problem["errors"]]


def test_cursor_of_another_program_is_not_found(api, cases):
    """A well-formed cursor naming no object of the caller's is a 404, as an unknown id is."""
    problem = assert_problem(api.get("/api/v1/cases", {"starting_after": "c-other"}), 404, "not_found")
    assert problem["errors"][0]["field"] == "starting_after"
    assert_problem(api.get("/api/v1/cases", {"starting_after": "no-such-case"}), 404, "not_found")


@pytest.mark.parametrize("ordering, key", [
    ("created", lambda c: (c.created, c.number)),
    ("-created", lambda c: (-c.created.timestamp(), -c.number)),
    ("amount", lambda c: (c.disputed_amount, c.number)),
    ("-amount", lambda c: (-c.disputed_amount, -c.number)),
    ("next_deadline", lambda c: (c.next_deadline is None, c.next_deadline or lifecycle.today(), c.number)),
    ("-next_deadline", lambda c: (c.next_deadline is None, -(c.next_deadline or lifecycle.today()).toordinal(),
                                  -c.number)),
])
def test_orderings(api, cases, program, ordering, key):
    expected = [c.case_id for c in sorted(Case.objects.filter(program=program), key=key)]
    assert ids(api.get("/api/v1/cases", {"ordering": ordering})) == expected


def test_default_ordering_is_next_deadline_nulls_last(api, cases):
    listed = api.get("/api/v1/cases").json()["data"]
    deadlines = [c["next_deadline"] for c in listed]
    assert listed[0]["case_id"] == "c-dup"
    assert deadlines[:3] == sorted(deadlines[:3]) and deadlines[3:] == [None, None]


def _walk(api, params, forward=True):
    """All case ids page by page; a new case is opened before every page fetch."""
    seen, cursor, pages = [], None, 0
    while True:
        query = dict(params, limit=4)
        if cursor:
            query["starting_after" if forward else "ending_before"] = cursor
        body = api.get("/api/v1/cases", query).json()
        page = [c["case_id"] for c in body["data"]]
        seen += page if forward else page[::-1]
        pages += 1
        open_case_between_pages(api, pages)
        if not body["has_more"]:
            return seen, pages
        cursor = page[-1] if forward else page[0]


def open_case_between_pages(api, n):
    deadline = (lifecycle.today() + timedelta(days=(n * 7) % 30 - 5)).isoformat()
    created = api.post("/api/v1/cases", case_payload(case_id=f"new-{n}", internal_due_date=None))
    assert created.status_code == 201
    if n % 2:
        Case.objects.filter(case_id=f"new-{n}").update(next_deadline=deadline)


@pytest.mark.parametrize("ordering", ["next_deadline", "-next_deadline", "created", "-created", "amount", "-amount"])
def test_walking_all_pages_while_cases_are_opened(api, program, ordering):
    originals = []
    for i in range(18):
        path = ["file_chargeback"] if i % 5 == 0 else []
        case = make_case(program, amount=1000 + (i % 4) * 500, path=path, case_id=f"orig-{i:02d}")
        originals.append(case.case_id)
    # Ties on every sort column: the case number breaks them.
    Case.objects.filter(case_id__in=originals[::3]).update(next_deadline=lifecycle.today() + timedelta(days=3))
    seen, pages = _walk(api, {"ordering": ordering})
    assert len(seen) == len(set(seen)), "a case came twice"
    assert set(originals) <= set(seen), "a case was skipped"
    assert pages >= 5


def test_walking_backwards_with_ending_before(api, program):
    originals = [make_case(program, amount=1000 + i, case_id=f"back-{i:02d}").case_id for i in range(10)]
    last = api.get("/api/v1/cases", {"ordering": "amount", "limit": 100}).json()["data"][-1]["case_id"]
    seen = [last]
    cursor = last
    while True:
        body = api.get("/api/v1/cases", {"ordering": "amount", "limit": 3, "ending_before": cursor}).json()
        page = [c["case_id"] for c in body["data"]]
        seen = page + seen
        if not body["has_more"]:
            break
        cursor = page[0]
    assert seen == originals


def test_page_shape_and_limit(api, program):
    for i in range(30):
        make_case(program, case_id=f"p-{i:02d}")
    body = api.get("/api/v1/cases").json()
    assert set(body) == {"has_more", "data"} and len(body["data"]) == 25 and body["has_more"] is True
    assert len(api.get("/api/v1/cases", {"limit": 100}).json()["data"]) == 30
