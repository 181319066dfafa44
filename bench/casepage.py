"""The case page: a case with 50 events and 10 evidence files, over HTTP, with its query count.

Target: <= 12 queries, p95 <= 40 ms.
"""

from datetime import timedelta

from django.contrib.auth.models import User
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bench import dataset
from bench.load import Scenario, run_load
from bench.report import Report
from bench.server import HOST
from cases import services
from cases.actors import Actor
from cases.inputs import CardholderInput, CaseInput, MerchantInput, TransactionInput
from cases.models import Case, Evidence, Program

CASE_ID = "bench_case_page"
EVENTS = 50
FILES = 10
TARGET = "<= 12 queries, p95 <= 40 ms"


def ensure_case() -> Case:
    """The bench's case page subject, made through the services (so every row and event is real)."""
    program = Program.objects.get(program_id="bench_01")
    actor = Actor.for_user(User.objects.get_or_create(username="bench_admin", defaults={
        "is_staff": True, "is_superuser": True})[0])
    case = Case.objects.filter(program=program, case_id=CASE_ID).first()
    if case is None:
        case = services.case_create(program=program, actor=actor, data=CaseInput(
            transaction=TransactionInput(
                external_id="bench_case_page_txn", arn="70000000000000000000001", amount=29900, currency="USD",
                date=timezone.now() - timedelta(days=12), card_network="visa", card_last4="4242",
                merchant=MerchantInput(external_id="bench_page_m", name="FoodHub", mcc="5812"),
                cardholder=CardholderInput(external_id="bench_page_c", name="Susie Chargeback",
                                           email="susie@example.com")),
            source="api", case_id=CASE_ID, reason="product_not_received",
            issuer_evidence={"cardholder_explanation": "I never received this order."}))
    for index in range(Evidence.objects.filter(case=case).count(), FILES):
        pdf = b"%PDF-1.4\n% bench evidence " + str(index).encode() + b"\n%%EOF\n"
        services.case_add_evidence(case=case, actor=actor, data=pdf, name=f"receipt-{index}.pdf")
    while case.events.count() < EVENTS:
        services.case_add_note(case=case, actor=actor, text=f"Called the cardholder ({case.events.count()}).")
    return case


def run(report: Report, *, port: int, duration: float, clients: int) -> None:
    case = ensure_case()
    key = dataset.api_key("bench_01", ("read",))
    cookie = dataset.session_cookie()
    pages = [
        ("back-office case page", f"/cases/{case.number}/", {"Cookie": cookie}, {"HTTP_COOKIE": cookie}),
        ("API case", f"/api/v1/cases/{case.case_id}", {"Authorization": f"Bearer {key}"},
         {"HTTP_AUTHORIZATION": f"Bearer {key}"}),
        ("API case events", f"/api/v1/cases/{case.case_id}/events", {"Authorization": f"Bearer {key}"},
         {"HTTP_AUTHORIZATION": f"Bearer {key}"}),
    ]
    for name, path, headers, client_headers in pages:
        if not dataset.mounted(path):
            report.missing("case page", name, TARGET, "not on this branch")
            continue
        with CaptureQueriesContext(connection) as captured:
            status = Client(**client_headers).get(path).status_code
        queries = len(captured)
        result = run_load(Scenario(name, "GET", [path], "", headers), host=HOST, port=port, clients=clients,
                          duration=duration)
        p95 = result.percentile(95)
        ok = status == 200 and queries <= 12 and p95 <= 40 and not result.errors
        report.add("case page", f"{name} (50 events, 10 files)", f"{queries} queries, p95 {p95:.1f} ms, "
                   f"{result.throughput:.0f} req/s", TARGET, ok, "; ".join(result.error_samples[:1])[:200])
        report.details.setdefault("casepage", {})[name] = {**result.summary(), "queries": queries, "status": status}
