"""Deadlines and reason codes (SPEC sections 3 and 4): filing windows, response windows, next_deadline."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from cases import lifecycle, networks, services
from cases.actors import Actor
from cases.choices import CaseStatus, Reason
from cases.exceptions import InvalidReasonCode
from cases.models import Case
from tests.cases.spec_lifecycle import PATHS
from tests.factories import case_input, make_case

TODAY = date(2026, 6, 15)
TXN_DAY = TODAY - timedelta(days=10)  # make_case's transaction is 10 days old


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime(2026, 6, 15, 12, 0, tzinfo=UTC), tick=False):
        yield


# --- chargeback due date -------------------------------------------------------------------------

@pytest.mark.parametrize(("network", "reason", "days"), [
    ("visa", "product_not_as_described", 120),
    ("mastercard", "product_not_as_described", 120),
    ("visa", "invalid_authorization", 90),
    ("mastercard", "invalid_authorization", 90),
    ("mastercard", "duplicate_charge", 90),
    ("visa", "duplicate_charge", 120),
    # Unknown networks fall back to the strictest known window for the reason.
    ("", "product_not_as_described", 120),
    ("", "duplicate_charge", 90),
    ("", "invalid_authorization", 90),
    ("amex", "duplicate_charge", 90),
])
def test_chargeback_due_date_per_network_and_reason(program, network, reason, days):
    case = make_case(program, network=network, reason=reason)
    assert networks.filing_window_days(network, reason) == days
    assert Case.objects.get(pk=case.pk).chargeback_due_date == TXN_DAY + timedelta(days=days)


@pytest.mark.parametrize(("expected", "start"), [
    ("2026-06-20", date(2026, 6, 20)),
    ("2026-06-20T18:30:00Z", date(2026, 6, 20)),
    ("2026-05-01", TXN_DAY),  # before the transaction: counts from the transaction
    ("next week", TXN_DAY),
    (None, TXN_DAY),
])
def test_product_not_received_counts_from_expected_delivery(program, expected, start):
    evidence = {"delivery": {"expected_date": expected}} if expected else {}
    case = make_case(program, network="visa", reason="product_not_received", issuer_evidence=evidence)
    assert case.chargeback_due_date == start + timedelta(days=120)


def test_expected_delivery_only_moves_product_not_received(program):
    case = make_case(program, network="visa", reason="product_not_as_described",
                     issuer_evidence={"delivery": {"expected_date": "2026-06-20"}})
    assert case.chargeback_due_date == TXN_DAY + timedelta(days=120)


# --- response windows ----------------------------------------------------------------------------

RESPONSE = [
    ("visa", CaseStatus.CHARGEBACK_REPRESENTED, 30),
    ("visa", CaseStatus.PREARB_RECEIVED, 30),
    ("visa", CaseStatus.PREARB_REBUTTED, 10),
    ("mastercard", CaseStatus.CHARGEBACK_REPRESENTED, 45),
    ("mastercard", CaseStatus.PREARB_RECEIVED, 45),
    ("mastercard", CaseStatus.PREARB_REBUTTED, 45),
    ("", CaseStatus.CHARGEBACK_REPRESENTED, 30),
    ("", CaseStatus.PREARB_RECEIVED, 30),
    ("", CaseStatus.PREARB_REBUTTED, 10),
]


@pytest.mark.parametrize(("network", "status", "days"), RESPONSE)
def test_response_window_starts_when_the_status_is_entered(program, admin_user, network, status, days):
    path = PATHS[status]
    case = make_case(program, network=network, path=path[:-1])
    with time_machine.travel(datetime(2026, 6, 18, 9, 0, tzinfo=UTC), tick=False):
        case = services.case_transition(case=case, transition=path[-1], actor=Actor.for_user(admin_user)).case
    row = Case.objects.get(pk=case.pk)
    assert row.status == status
    assert row.response_due_date == date(2026, 6, 18) + timedelta(days=days)
    assert row.next_deadline == row.response_due_date
    event = row.events.last()
    assert event.changes == {"response_due_date": row.response_due_date.isoformat()}


@pytest.mark.parametrize("status", [CaseStatus.PREARB_FILED, CaseStatus.ARBITRATION_FILED, CaseStatus.ACCEPTED])
def test_leaving_a_response_status_clears_the_response_deadline(program, status):
    row = Case.objects.get(pk=make_case(program, path=PATHS[status]).pk)
    assert (row.response_due_date, row.next_deadline) == (None, None)


# --- next deadline -------------------------------------------------------------------------------

@pytest.mark.parametrize("status", list(CaseStatus))
def test_next_deadline_per_status(program, status):
    row = Case.objects.get(pk=make_case(program, network="mastercard", path=PATHS[status]).pk)
    if status == CaseStatus.CREATED:
        assert row.next_deadline == min(row.chargeback_due_date, row.internal_due_date) == TODAY + timedelta(days=10)
    elif status in (CaseStatus.CHARGEBACK_REPRESENTED, CaseStatus.PREARB_RECEIVED, CaseStatus.PREARB_REBUTTED):
        assert row.next_deadline == row.response_due_date == TODAY + timedelta(days=45)
    else:
        assert row.next_deadline is None


def test_created_case_next_deadline_is_the_chargeback_date_when_earlier(program):
    case = make_case(program, internal_due_date=TODAY + timedelta(days=200))
    assert case.next_deadline == case.chargeback_due_date == TXN_DAY + timedelta(days=120)


def test_internal_due_date_defaults_from_the_program(program):
    program.default_internal_due_days = 3
    program.save()
    case = make_case(program)
    assert (case.internal_due_date, case.next_deadline) == (TODAY + timedelta(days=3), TODAY + timedelta(days=3))


def test_next_deadline_rule_on_plain_values():
    class Plain:
        chargeback_due_date = date(2026, 9, 1)
        internal_due_date = None
        response_due_date = date(2026, 7, 1)

    case = Plain()
    case.status = CaseStatus.CREATED
    assert lifecycle.next_deadline(case) == date(2026, 9, 1)
    case.chargeback_due_date = None
    assert lifecycle.next_deadline(case) is None
    case.status = CaseStatus.PREARB_REBUTTED
    assert lifecycle.next_deadline(case) == date(2026, 7, 1)
    case.status = CaseStatus.ARBITRATION_FILED
    assert lifecycle.next_deadline(case) is None


# --- reason catalog ------------------------------------------------------------------------------

VISA_CODES = ([f"10.{i}" for i in range(1, 6)] + [f"11.{i}" for i in range(1, 4)] + [f"12.{i}" for i in range(1, 8)]
              + [f"13.{i}" for i in range(1, 10)])
MASTERCARD_CODES = ["4807", "4808", "4834", "4837", "4840", "4849", "4853", "4855", "4863", "4870", "4871"]


def test_catalog_holds_the_contract_codes():
    assert set(networks.CATALOG["visa"]) == set(VISA_CODES)
    assert set(networks.CATALOG["mastercard"]) == set(MASTERCARD_CODES)
    for network in ("visa", "mastercard"):
        assert set(networks.DEFAULT_CODE[network]) == set(Reason.values)
        assert set(networks.DEFAULT_CODE[network].values()) <= set(networks.CATALOG[network])


@pytest.mark.parametrize(("network", "code", "reason"), [
    ("visa", "10.4", "fraud"), ("visa", "11.3", "invalid_authorization"), ("visa", "13.1", "product_not_received"),
    ("visa", "12.6", "duplicate_charge"), ("mastercard", "4837", "fraud"), ("mastercard", "4855", "product_not_received"),
    ("mastercard", "4834", "duplicate_charge"),
])
def test_code_gives_the_reason(program, network, code, reason):
    assert networks.resolve_reason(network, code=code) == (reason, code)
    case = make_case(program, network=network, reason=None, network_reason_code=code,
                     issuer_evidence={"card": {"is_active": False}, "fraud": {"was_reported": True}})
    assert (case.reason, case.network_reason_code) == (reason, code)


@pytest.mark.parametrize(("network", "reason", "code"), [
    ("visa", "fraud", "10.4"), ("visa", "duplicate_charge", "12.6"), ("mastercard", "invalid_authorization", "4808"),
    ("mastercard", "product_not_received", "4855"), ("", "fraud", ""),
])
def test_reason_gives_the_default_code(program, network, reason, code):
    assert networks.resolve_reason(network, reason=reason) == (reason, code)
    assert make_case(program, network=network, reason=reason).network_reason_code == code


def test_no_reason_and_no_code_is_other():
    assert networks.resolve_reason("visa") == ("other", "12.7")


@pytest.mark.parametrize(("network", "code"), [("visa", "4837"), ("mastercard", "10.4"), ("visa", "99.9"),
                                               ("mastercard", "1234")])
def test_code_outside_a_known_catalog_is_invalid(program, system_actor, network, code):
    with pytest.raises(InvalidReasonCode) as excinfo:
        services.case_create(program=program, actor=system_actor,
                             data=case_input(network=network, reason=None, network_reason_code=code))
    assert excinfo.value.reason_code == code
    assert excinfo.value.first.code == "invalid_reason_code"
    assert Case.objects.count() == 0


@pytest.mark.parametrize(("code", "reason"), [("AB.12", "other"), ("1", "other"), ("ABCDEFGHIJ", "other"),
                                              ("4837", "fraud"), ("13.1", "product_not_received")])
def test_unknown_network_accepts_free_codes(code, reason):
    assert networks.resolve_reason("", code=code) == (reason, code)


@pytest.mark.parametrize("code", ["ABCDEFGHIJK", "AB-1", "A B", "12/3"])
def test_unknown_network_refuses_malformed_codes(code):
    with pytest.raises(InvalidReasonCode):
        networks.resolve_reason("", code=code)


def test_arbitration_shortcut_codes():
    assert [networks.skips_prearbitration("mastercard", c) for c in ("4808", "4870", "4871", "4853")] == [
        True, True, True, False]
    assert networks.skips_prearbitration("visa", "4808") is False


def test_a_known_code_decides_the_reason_over_the_given_one(program):
    case = make_case(program, network="visa", reason="product_not_received", network_reason_code="10.4",
                     issuer_evidence={"card": {"is_active": False}, "fraud": {"was_reported": True}})
    assert (case.reason, case.network_reason_code) == ("fraud", "10.4")


def test_a_free_code_on_an_unknown_network_keeps_the_given_reason(program):
    case = make_case(program, network="", reason="duplicate_charge", network_reason_code="109")
    assert (case.reason, case.network_reason_code) == ("duplicate_charge", "109")
