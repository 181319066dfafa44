"""The queue's `q` search (CaseFilterSet): each kind of match, scoping, and one query whatever the shape."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from cases.actors import Actor
from cases.filtersets import CaseFilterSet
from cases.selectors import case_queryset
from tests.factories import CardholderFactory, MerchantFactory, TransactionFactory, make_api_key, make_case


def search(actor, query: str) -> list[str]:
    filterset = CaseFilterSet(QueryDict(query), queryset=case_queryset(actor))
    assert filterset.is_valid(), filterset.errors
    return sorted(filterset.qs.values_list("case_id", flat=True))


@pytest.fixture
def cases(program, other_program):
    def on(prog, case_id, **txn):
        merchant = MerchantFactory(program=prog, name=txn.pop("merchant", "Northwind Electronics"))
        cardholder = CardholderFactory(program=prog, name=txn.pop("holder", "Kenji Tanaka"),
                                       email=txn.pop("email", "kenji@example.com"))
        transaction = TransactionFactory(program=prog, merchant=merchant, cardholder=cardholder, **txn)
        return make_case(prog, transaction=transaction, case_id=case_id)

    return {
        "arn": on(program, "case_arn", arn="12345678901234567890123", card_last4="1111"),
        "last4": on(program, "case_last4", card_last4="4242", merchant="FoodHub", holder="Susie Chargeback",
                    email="Susie@Example.com"),
        "digits": on(program, "4242", card_last4="9999"),
        "other": on(other_program, "case_other", arn="99999999999999999999999", card_last4="4242"),
    }


def test_exact_matches_by_shape(cases, system_actor):
    assert search(system_actor, "q=12345678901234567890123") == ["case_arn"]
    assert search(system_actor, "q=case_last4") == ["case_last4"]
    # Four digits: a card's last4, or a case id made of digits.
    assert search(system_actor, "q=4242") == ["4242", "case_last4", "case_other"]
    assert search(system_actor, "q=123") == []


def test_names_contain_and_emails_match_ignoring_case(cases, system_actor):
    assert search(system_actor, "q=foodhub") == ["case_last4"]
    assert search(system_actor, "q=chargeback") == ["case_last4"]
    assert search(system_actor, "q=susie@example.COM") == ["case_last4"]
    assert search(system_actor, "q=tanaka") == ["4242", "case_arn", "case_other"]


def test_an_api_key_searches_its_own_program_only(cases, program):
    actor = Actor.for_api_key(make_api_key(program, ["read"])[0])

    assert search(actor, "q=4242") == ["4242", "case_last4"]
    assert search(actor, "q=99999999999999999999999") == []


def test_search_combines_with_other_filters(cases, system_actor):
    assert search(system_actor, "q=4242&status=closed") == []
    assert search(system_actor, "q=4242&status=open&program=prog_b") == ["case_other"]


def test_one_query_whatever_the_shape(cases, system_actor):
    for query in ("q=4242", "q=foodhub", "q=12345678901234567890123", "status=open&q=x"):
        with CaptureQueriesContext(connection) as captured:
            list(CaseFilterSet(QueryDict(query), queryset=case_queryset(system_actor)).qs[:26])
        assert len(captured) == 1, query
