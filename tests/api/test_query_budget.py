"""Query budgets: list and detail endpoints cost a fixed number of queries, whatever the page size."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import make_case

pytestmark = pytest.mark.django_db


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code == 200
    return len(captured)


def test_case_list_cost_does_not_grow_with_the_page(api, program):
    for _ in range(5):
        make_case(program)
    small = _queries(lambda: api.get("/api/v1/cases", {"limit": 100}))
    for _ in range(45):
        make_case(program)
    large = _queries(lambda: api.get("/api/v1/cases", {"limit": 100}))
    assert small == large
    first = api.get("/api/v1/cases", {"limit": 10}).json()["data"][-1]["case_id"]
    assert _queries(lambda: api.get("/api/v1/cases", {"limit": 50, "starting_after": first})) == large + 1


def test_case_list_budget(api, program, django_assert_max_num_queries):
    for _ in range(30):
        make_case(program, path=["file_chargeback"])
    with django_assert_max_num_queries(3):  # API key, page, (cursor)
        assert len(api.get("/api/v1/cases", {"limit": 30, "status": "open", "q": "FoodHub"}).json()["data"]) == 30


def test_case_detail_and_subresources_budget(api, program, django_assert_num_queries):
    case = make_case(program, path=["file_chargeback", "record_representment"])
    with django_assert_num_queries(2):
        api.get(f"/api/v1/cases/{case.case_id}")
    with django_assert_num_queries(3):
        api.get(f"/api/v1/cases/{case.case_id}/events")
    with django_assert_num_queries(3):
        api.get(f"/api/v1/cases/{case.case_id}/evidence")


@pytest.mark.parametrize("path", ["/api/v1/transactions", "/api/v1/merchants", "/api/v1/cardholders",
                                  "/api/v1/claims"])
def test_other_lists_do_not_grow(api, program, path):
    cases = [make_case(program) for _ in range(3)]
    api.post("/api/v1/claims", {"case_ids": [cases[0].case_id]})
    small = _queries(lambda: api.get(path))
    more = [make_case(program) for _ in range(20)]
    api.post("/api/v1/claims", {"case_ids": [c.case_id for c in more[:10]]})
    api.post("/api/v1/claims", {"case_ids": [c.case_id for c in more[10:]]})
    assert _queries(lambda: api.get(path)) == small
