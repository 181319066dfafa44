"""The queue at scale: list, search and filters through CaseFilterSet, over HTTP and in-process.

HTTP figures come from gunicorn (the API list and the back-office queue page); the in-process
figures time the ORM query alone (CaseFilterSet over cases.selectors.case_queryset), which tells
the database's share. Query counts are taken with the test client at two page sizes: they must
not grow with the page.
"""

import random
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench import dataset
from bench.load import Scenario, run_load
from bench.report import Report
from bench.server import HOST
from cases import lifecycle
from cases.actors import Actor
from cases.filtersets import CaseFilterSet
from cases.models import ApiKey, Case, Program
from cases.selectors import case_queryset

QUEUE_PROGRAM = "bench_01"
SAMPLES = 200


def _samples(program: Program) -> dict[str, list[str]]:
    rows = list(Case.objects.filter(program=program).order_by("?")
                .values_list("case_id", "transaction__arn", "transaction__card_last4")[:SAMPLES])
    today = lifecycle.today()
    windows = []
    for _ in range(SAMPLES):
        start = today + timedelta(days=random.randint(-20, 20))
        windows.append(f"deadline_after={start}&deadline_before={start + timedelta(days=random.choice([7, 14, 30]))}")
    return {"case_id": [r[0] for r in rows], "arn": [r[1] for r in rows], "last4": [r[2] for r in rows],
            "window": windows}


def shapes(samples: dict[str, list[str]]) -> dict[str, tuple[list[str], float]]:
    """Query strings per measured shape, with the p95 target in ms."""
    networks = ["visa", "mastercard"]
    return {
        "list, status=open, default order": (["status=open"], 25.0),
        "search by ARN": ([f"q={v}" for v in samples["arn"]], 25.0),
        "search by case id": ([f"q={v}" for v in samples["case_id"]], 25.0),
        "search by last4": ([f"q={v}" for v in samples["last4"]], 25.0),
        "status + network + deadline range": (
            [f"status=open&network={random.choice(networks)}&{w}" for w in samples["window"]], 40.0),
    }


def _orm_p95(actor: Actor, queries: list[str], repeat: int = 60) -> tuple[float, int]:
    from django.http import QueryDict

    timings, counts = [], set()
    for i in range(repeat):
        data = QueryDict(queries[i % len(queries)])
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            list(CaseFilterSet(data, queryset=case_queryset(actor)).qs[:26])
        timings.append((time.perf_counter() - started) * 1000)
        counts.add(len(captured))
    timings.sort()
    return timings[int(0.95 * (len(timings) - 1))], max(counts)


def _query_counts(path: str, variants: tuple[str, str], headers: dict) -> tuple[int, int] | None:
    """Queries for the same list at two page sizes (API) or two pages (back office): must be equal."""
    client = Client(**headers)
    counts = []
    for query in variants:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{path}?{query}")
        if response.status_code != 200:
            return None
        counts.append(len(captured))
    return counts[0], counts[1]


def run(report: Report, *, port: int, duration: float, clients: int) -> None:
    program = Program.objects.get(program_id=QUEUE_PROGRAM)
    raw_key = dataset.api_key(QUEUE_PROGRAM, ("read",))
    # With its program, as authentication loads it: the ORM timing then counts the list query alone.
    key = ApiKey.objects.select_related("program").get(pk=ApiKey.objects.get_from_key(raw_key).pk)
    samples = _samples(program)
    details = report.details.setdefault("queue", {})
    api_actor = Actor.for_api_key(key)
    for name, (queries, target) in shapes(samples).items():
        p95, count = _orm_p95(api_actor, queries)
        report.add("queue ORM", f"{name} (one program)", f"p95 {p95:.1f} ms, {count} queries", note="in-process")
        details[f"orm {name}"] = {"p95_ms": round(p95, 2), "queries": count}
        if not dataset.mounted("/api/v1/cases"):
            report.missing("queue API", name, f"p95 <= {target:.0f} ms", "endpoint not on this branch")
            continue
        scenario = Scenario(name, "GET", [f"/api/v1/cases?{q}" for q in queries], "",
                            {"Authorization": f"Bearer {raw_key}"})
        result = run_load(scenario, host=HOST, port=port, clients=clients, duration=duration)
        counts = _query_counts("/api/v1/cases", (f"{queries[0]}&limit=10", f"{queries[0]}&limit=100"),
                               {"HTTP_AUTHORIZATION": f"Bearer {raw_key}"})
        p95 = result.percentile(95)
        constant = counts is not None and counts[0] == counts[1]
        report.add("queue API", name, f"p95 {p95:.1f} ms, {result.throughput:.0f} req/s, queries {counts}",
                   f"p95 <= {target:.0f} ms, constant queries", p95 <= target and constant and not result.errors,
                   "; ".join(result.error_samples[:1])[:200])
        details[f"api {name}"] = {**result.summary(), "queries_at_10_and_50": counts}
    _back_office(report, port=port, duration=duration, clients=clients, samples=samples)


def _back_office(report: Report, *, port: int, duration: float, clients: int, samples: dict) -> None:
    target = "p95 <= 60 ms, constant queries"
    if not dataset.mounted("/cases/"):
        report.missing("queue back office", "queue page /cases/", target, "page not on this branch")
        return
    cookie = dataset.session_cookie()
    pages = {
        "queue page /cases/ (all programs)": ["/cases/"],
        "queue page, status=open": ["/cases/?status=open"],
        "queue page, search (ARN or case id)": [f"/cases/?q={v}" for v in samples["arn"][:50] + samples["case_id"][:50]],
    }
    client_headers = {"HTTP_COOKIE": cookie}
    for name, paths in pages.items():
        result = run_load(Scenario(name, "GET", paths, "", {"Cookie": cookie}), host=HOST, port=port,
                          clients=clients, duration=duration)
        path, _, query = paths[0].partition("?")
        counts = _query_counts(path, (f"{query}&page=1", f"{query}&page=3"), client_headers)
        p95 = result.percentile(95)
        ok = p95 <= 60 and counts is not None and counts[0] == counts[1] and not result.errors
        report.add("queue back office", name, f"p95 {p95:.1f} ms, {result.throughput:.0f} req/s, queries {counts}",
                   target, ok, "; ".join(result.error_samples[:1])[:200])
        report.details.setdefault("queue", {})[f"back office {name}"] = {**result.summary(), "queries": counts}
