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


def test_the_latest_accepted_chargeback_and_the_claims_filings_in_order():
    claim = _claim()
    common = {"claim": claim, "network": claim.network, "kind": "chargeback", "amount_minor": 10_002, "currency": "USD"}
    first = claim.filings.create(reference="1001", client_reference="ref-1", **common)
    claim.filings.create(reference="1002", client_reference="ref-2", accepted=False, reject_reason="no", **common)
    latest = claim.filings.create(reference="1003", client_reference="ref-3", **common)
    assert state.issuer_chargeback(claim) == latest
    assert state.find_filing(state.VISA, "ref-1") == first
    assert [c["chargebackId"] for c in claim_detail_json(claim)["chargebackDetails"]] == ["1001", "1002", "1003"]


def test_an_unknown_claim_is_a_404_naming_it():
    with pytest.raises(wire.BadRequest) as refused:
        wire.claim_or_404(state.MASTERCARD, "123", "Claim")
    assert (refused.value.status, refused.value.code) == (404, "CLAIM_NOT_FOUND")
