"""Worker memory: resident set size of each gunicorn worker after 20,000 more requests.

Target: every worker under 150 MB RSS.
"""

from bench import dataset
from bench.intake import floor_scenario
from bench.load import Scenario, run_load
from bench.report import Report
from bench.server import HOST, Server

REQUESTS = 20_000
LIMIT_MB = 150


def _mix(key: str, cookie: str) -> list[Scenario]:
    bearer = {"Authorization": f"Bearer {key}"}
    return [
        Scenario("healthz", "GET", ["/healthz"]),
        floor_scenario(),
        Scenario("API list", "GET", ["/api/v1/cases?status=open", "/api/v1/cases?status=closed&ordering=-created"],
                 "", bearer, (200, 404)),
        Scenario("back office", "GET", ["/cases/", "/cases/?status=open"], "", {"Cookie": cookie}, (200, 404)),
    ]


def run(report: Report, server: Server, *, clients: int) -> None:
    before = server.worker_rss_mb()
    mix = _mix(dataset.api_key("bench_01", ("read",)), dataset.session_cookie())
    served = 0
    while served < REQUESTS:
        for scenario in mix:
            share = min(REQUESTS - served, REQUESTS // len(mix))
            if share <= 0:
                break
            served += run_load(scenario, host=HOST, port=server.config.port, clients=clients, duration=600,
                               max_requests=share).requests
    after = server.worker_rss_mb()
    peak = max(after, default=0.0)
    report.add("memory", f"gunicorn worker RSS after {served:,} more requests",
               f"max {peak:.0f} MB (workers: {', '.join(f'{m:.0f}' for m in after)}; before "
               f"{', '.join(f'{m:.0f}' for m in before)})", f"< {LIMIT_MB} MB", peak < LIMIT_MB)
    report.details["memory"] = {"before_mb": before, "after_mb": after, "requests": served}
