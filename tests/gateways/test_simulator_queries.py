"""The simulator's hot lookups (a claim read, a chargeback's documents, a filing by its client
reference) find their row by a unique key without an ORDER BY: compiling `first()`'s ORDER BY pk
was an eighth of the simulator's time on a Mastercom claim read (docs/performance.md)."""

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from network_simulator import state, wire
from network_simulator.mastercom import claim_detail_json
from network_simulator.models import SimClaim
from network_simulator.router import ALIAS

pytestmark = pytest.mark.django_db(databases=["default", ALIAS])


def _claim() -> SimClaim:
    return SimClaim.objects.create(network=state.VISA, claim_id="700000000001", transaction_ref="74000000000000000000001",
                                   amount_minor=10_002, currency="USD")


def test_the_hot_lookups_are_not_ordered_by_the_database():
    claim = _claim()
    with CaptureQueriesContext(connections[ALIAS]) as queries:
        assert wire.claim_or_404(state.VISA, claim.claim_id) == claim
        assert state.issuer_chargeback(claim) is None
        assert state.find_filing(state.VISA, "ref-1") is None
        claim_detail_json(claim)
    assert len(queries) == 5
    assert not [q["sql"] for q in queries.captured_queries if "ORDER BY" in q["sql"]]


def test_the_accepted_chargeback_and_the_claims_filings_in_order():
    claim = _claim()
    common = {"claim": claim, "network": claim.network, "amount_minor": 10_002, "currency": "USD"}
    claim.filings.create(reference="1001", client_reference="ref-1", kind="chargeback", accepted=False,
                         reject_reason="no", **common)
    accepted = claim.filings.create(reference="1002", client_reference="ref-2", kind="chargeback", **common)
    claim.filings.create(reference="1003", kind="second_presentment", filed_by="A", **common)
    assert state.issuer_chargeback(claim) == accepted
    assert state.find_filing(state.VISA, "ref-2") == accepted
    assert [c["chargebackId"] for c in claim_detail_json(claim)["chargebackDetails"]] == ["1001", "1002", "1003"]


def test_an_unknown_claim_is_a_404_naming_it():
    with pytest.raises(wire.BadRequest) as refused:
        wire.claim_or_404(state.MASTERCARD, "123", "Claim")
    assert (refused.value.status, refused.value.code) == (404, "CLAIM_NOT_FOUND")


def _file(claim: SimClaim, reference: str, amount_minor: int = 10_002):
    return state.file_chargeback(claim, client_reference=reference, amount_minor=amount_minor, currency="USD",
                                 reason_code="13.1", respond=lambda filing: ({"id": filing.reference}, 201))


def test_a_first_chargeback_is_filed_without_a_lookup_and_a_second_is_refused_by_the_constraint():
    claim = _claim()
    with CaptureQueriesContext(connections[ALIAS]) as queries:
        first = _file(claim, "ref-1")
    assert first.created and first.accepted
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    with pytest.raises(state.ChargebackOnFile):
        _file(claim, "ref-2")
    again = _file(claim, "ref-1")  # the same client reference: the filing already stored
    assert (again.pk, again.created) == (first.pk, False)
    assert list(claim.filings.filter(kind="chargeback").values_list("client_reference", flat=True)) == ["ref-1"]
    assert claim.answers.count() == 1  # the representment scheduled once


def test_a_rejected_chargeback_does_not_count_as_the_claims_chargeback():
    claim = _claim()
    rejected = _file(claim, "ref-1", amount_minor=10_004)  # ending 04: the network rejects it
    assert rejected.created and not rejected.accepted
    refiled = _file(claim, "ref-2")
    assert refiled.created and refiled.accepted and state.issuer_chargeback(claim) == refiled
