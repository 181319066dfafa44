"""No request bodies, emails or card digits beyond last4 in the logs (SPEC sections 8-9), on the
success and error paths of every door: checked on the log records (caplog) and on the real JSON
output of the configured handler."""

import io
import logging
from unittest import mock

import pytest
from django.conf import settings
from django.db import OperationalError
from django.test import Client
from django.utils.module_loading import import_string

from tests.conftest import authorization, logged_in
from tests.factories import TransactionFactory, make_case
from tests.reliability.doors import CREATE_PATHS, DOORS, create_body
from tests.reliability.test_server_errors import SERVICE

EMAIL = "leak.sentinel@example.org"
MARKER = "BODYMARKER7731"
PAN = "4111 1111 1111 1111"  # a test Visa number: passes Luhn
PAN_DIGITS = "4111111111111111"
SECRETS = (EMAIL, MARKER, PAN, PAN_DIGITS, "411111")


@pytest.fixture
def json_log():
    """The project's own JSON handler (settings.LOGGING) writing to a buffer, on every logger."""
    config = settings.LOGGING
    formatter = import_string(config["formatters"]["json"]["()"])(config["formatters"]["json"]["format"])
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(formatter)
    handler.addFilter(import_string(config["filters"]["request_id"]["()"])())
    loggers = [logging.getLogger(), *(logging.getLogger(name) for name in config.get("loggers", {}))]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.addHandler(handler)
        lg.setLevel(logging.DEBUG)
    yield buffer
    for lg, level in zip(loggers, levels, strict=True):
        lg.removeHandler(handler)
        lg.setLevel(level)


def marked(door: str, body: dict) -> dict:
    """The door's create body carrying the sentinel email and marker text where the door takes them."""
    if door == "decisionly":
        body["cardholder"]["email"] = EMAIL
        body["issuer_evidence"]["cardholder_explanation"] = MARKER
    elif door == "tutelar":
        body["transactionDetails"]["customerEmail"] = EMAIL
        body["comments"] = MARKER
    elif door == "mastercard":
        body["caseComments"] = f"email={EMAIL};note={MARKER};"
    else:
        body["issuer_evidence"] = {"cardholder_explanation": MARKER, "contact": EMAIL}
    return body


def assert_clean(caplog, buffer):
    texts = [buffer.getvalue()]
    for record in caplog.records:
        texts.append(record.getMessage())
        texts.extend(repr(value) for value in vars(record).values())
        if record.exc_info:
            texts.append(logging.Formatter().formatException(record.exc_info))
    everything = "\n".join(texts)
    assert caplog.records, "nothing was logged: the check would prove nothing"
    for secret in SECRETS:
        assert secret not in everything, f"{secret!r} reached the logs"


@pytest.mark.parametrize("door", DOORS)
def test_create_paths_log_no_personal_or_card_data(door, program, api_keys, caplog, json_log):
    key = api_keys["manage"][1]
    client = Client(raise_request_exception=False, headers={"Authorization": authorization(key, door)})
    txn = TransactionFactory(program=program, card_network="mastercard")
    path = CREATE_PATHS[door]
    with caplog.at_level(logging.DEBUG):
        created = client.post(path, marked(door, create_body(door, txn)), content_type="application/json")
        duplicate = client.post(path, marked(door, create_body(door, txn)), content_type="application/json")
        with_pan = marked(door, create_body(door, TransactionFactory(program=program, card_network="mastercard")))
        with_pan["note"] = f"my card is {PAN}"
        refused_pan = client.post(path, with_pan, content_type="application/json")
        invalid = client.post(path, {**marked(door, create_body(door, txn)), "financialDocumentId": EMAIL,
                                     "financial_document_id": EMAIL, "transaction": EMAIL,
                                     "transactionDetails": EMAIL}, content_type="application/json")
        with mock.patch(SERVICE[door], side_effect=OperationalError("server closed the connection")):
            failed = client.post(path, marked(door, create_body(door, TransactionFactory(program=program))),
                                 content_type="application/json")
    assert created.status_code == 201, created.content[:300]
    assert 400 <= duplicate.status_code < 500 and 400 <= refused_pan.status_code < 500
    assert 400 <= invalid.status_code < 500 and failed.status_code == 500
    assert PAN not in refused_pan.content.decode() and PAN_DIGITS not in refused_pan.content.decode()
    assert_clean(caplog, json_log)
    assert f'"path": "{path}"' in json_log.getvalue() and '"status": 201' in json_log.getvalue()


def test_back_office_paths_log_no_personal_or_card_data(program, supervisor, caplog, json_log):
    case = make_case(program)
    client = logged_in(supervisor)
    with caplog.at_level(logging.DEBUG):
        client.post(f"/cases/{case.number}/notes/", {"text": f"{MARKER} {EMAIL}"})
        client.post(f"/cases/{case.number}/notes/", {"text": f"card {PAN}"})
        client.post(f"/cases/{case.number}/amount/", {"amount": EMAIL, "note": MARKER})
        Client().post("/login/", {"username": EMAIL, "password": MARKER})
    assert_clean(caplog, json_log)
