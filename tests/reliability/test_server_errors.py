"""An unexpected failure (a dropped database connection) answers a 5xx in the caller's envelope,
is logged with its traceback, and keeps no idempotency record (SPEC section 9)."""

import logging
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client

from cases.models import Case, IdempotencyKey
from tests.conftest import authorization
from tests.factories import TransactionFactory
from tests.reliability.doors import CREATE_PATHS, DOORS, create_body, is_envelope

SERVICE = {
    "native": "cases.api.views.cases.services.case_create",
    "mastercard": "providers.mastercard.views.services.case_create",
    "decisionly": "providers.decisionly.views.services.case_create",
    "tutelar": "providers.tutelar.views.services.case_create",
}


@pytest.mark.parametrize("door", DOORS)
def test_database_failure_is_a_5xx_in_the_doors_envelope(door, program, api_keys, caplog):
    txn = TransactionFactory(program=program, card_network="mastercard")
    client = Client(raise_request_exception=False, headers={
        "Authorization": authorization(api_keys["manage"][1], door), "Idempotency-Key": f"boom-{door}"})
    with mock.patch(SERVICE[door], side_effect=OperationalError("terminating connection due to administrator command")):
        with caplog.at_level(logging.ERROR):
            response = client.post(CREATE_PATHS[door], create_body(door, txn), content_type="application/json")
    assert response.status_code == 500
    assert is_envelope(door, 500, response.json()), response.content[:300]
    if door == "native":
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["code"] == "server_error"
    assert "administrator command" not in response.content.decode()  # no internals to the caller
    assert any(r.exc_info and "administrator command" in str(r.exc_info[1]) for r in caplog.records)
    assert not IdempotencyKey.objects.exists() and not Case.objects.exists()
