"""The bench's networks phase at a tiny scale: its own code (set-based cases, filing through the
service, the real simulator process, exactly-once count, poll rate) runs in this process with
eager tasks, so it cannot rot between benchmark runs."""

import os

import pytest

from bench import networks
from bench.report import Report
from cases.models import Case, CaseEvent, NetworkMessage, NetworkSubmission

pytestmark = pytest.mark.django_db(transaction=True)


def test_setup_writes_created_cases_set_based():
    numbers = networks.setup_cases(5, "visa")

    cases = Case.objects.filter(number__in=numbers)
    assert cases.count() == 5
    assert set(cases.values_list("status", flat=True)) == {"created"}
    assert {c.disputed_amount % 100 for c in cases} == {networks.ENDING}
    assert len(set(cases.values_list("transaction__arn", flat=True))) == 5
    assert CaseEvent.objects.filter(case__in=numbers, kind="created").count() == 5


def test_phase_files_and_polls_against_the_simulator(tmp_path):
    report = Report()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "disputes_site.test_settings"}

    networks.run(report, env, cases=4, items=3, networks=("mastercard", "visa"), simulator_workers=1,
                 inline=True, folder=tmp_path, timeout=90)

    rows = {row.measure: row for row in report.rows}
    for network in ("mastercard", "visa"):
        once = rows[f"{network}: no filing sent twice"]
        assert once.ok is True, once
        assert once.figure.startswith("4 chargebacks at the simulator for 4 submissions")
        details = report.details["networks"]
        assert details[f"{network}_end_to_end"]["state"]["final"] == 4
        assert details[f"{network}_end_to_end"]["simulator"]["claims_filed_twice"] == 0
        assert details[f"{network}_poll"]["state"]["applied"] == 3
        assert "items/s" in rows[f"{network}: poll a queue of 3 items"].figure
    assert NetworkSubmission.objects.filter(state="acknowledged").count() == 14
    assert NetworkMessage.objects.filter(state="applied").count() == 14
    assert Case.objects.filter(status=networks.FINAL_STATUS).count() == 14
