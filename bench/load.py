"""The load generator: client processes on loopback, each with its own keep-alive connection.

A `Scenario` describes the requests (method, paths to cycle through, a body template with
placeholders filled per request, headers). `run_load` starts `clients` processes that send
requests back to back until the time or request budget is spent, and reports throughput,
latency percentiles and errors. The processes are spawned (not forked) so they carry nothing of
the orchestrator's Django state or database connections.
"""

import http.client
import multiprocessing
import random
import statistics
import time
from dataclasses import dataclass, field

# Placeholders in body templates and paths, each replaced per request.
UNIQ23 = "__UNIQ23__"  # 23 digits: an ARN unique across runs and clients
UNIQ20 = "__UNIQ20__"  # 20 digits (too long to be a card number): a switch serial number or an id
POOL = "__POOL__"  # the next value of the client's share of `pool` (e.g. pre-loaded financial document ids)


@dataclass
class Scenario:
    name: str
    method: str = "GET"
    paths: list[str] = field(default_factory=lambda: ["/"])
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    expect: tuple[int, ...] = (200,)
    pool: list[str] = field(default_factory=list)


@dataclass
class LoadResult:
    name: str
    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: list[float]
    error_samples: list[str]

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    def summary(self) -> dict:
        return {
            "clients": self.clients, "requests": self.requests, "errors": self.errors,
            "seconds": round(self.seconds, 3), "throughput": round(self.throughput, 1),
            "p50_ms": round(self.percentile(50), 2), "p95_ms": round(self.percentile(95), 2),
            "p99_ms": round(self.percentile(99), 2), "max_ms": round(max(self.latencies_ms, default=0), 2),
            "mean_ms": round(statistics.fmean(self.latencies_ms), 2) if self.latencies_ms else 0.0,
            "error_samples": self.error_samples[:5],
        }


class _Client:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.conn: http.client.HTTPConnection | None = None

    def send(self, method: str, path: str, body: bytes | None, headers: dict) -> tuple[int, bytes]:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                if response.will_close:
                    self.conn.close()
                    self.conn = None
                return response.status, data
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # The server closed an idle keep-alive connection: reconnect once.
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def _client_main(args) -> tuple[list[float], int, list[str], float, float]:
    scenario, host, port, index, clients, start_at, duration, max_requests, run_tag = args
    rng = random.Random(index * 7919 + run_tag)
    client = _Client(host, port)
    pool = scenario.pool[index::clients]
    paths = scenario.paths[:]
    rng.shuffle(paths)
    latencies, errors, samples = [], 0, []
    headers = {"Content-Type": "application/json", **scenario.headers} if scenario.body else dict(scenario.headers)
    while time.time() < start_at:
        time.sleep(0.001)
    began = time.perf_counter()
    deadline = began + duration
    sent = 0
    while sent < max_requests and time.perf_counter() < deadline:
        if scenario.pool and sent >= len(pool):
            break
        unique = f"{run_tag % 10**6:06d}{index:03d}{sent:08d}"
        path = paths[sent % len(paths)]
        body = None
        if scenario.body:
            text = scenario.body.replace(UNIQ23, "4" + unique.rjust(22, "0")).replace(UNIQ20, "5" + unique.rjust(19, "0"))
            if scenario.pool:
                text = text.replace(POOL, pool[sent])
            body = text.encode()
        t0 = time.perf_counter()
        try:
            status, data = client.send(scenario.method, path, body, headers)
        except OSError as exc:
            status, data = 0, repr(exc).encode()
        latencies.append((time.perf_counter() - t0) * 1000)
        if status not in scenario.expect:
            errors += 1
            if len(samples) < 3:
                samples.append(f"{status} {path}: {data[:300]!r}")
        sent += 1
    return latencies, errors, samples, began, time.perf_counter()


def run_load(scenario: Scenario, *, host: str, port: int, clients: int, duration: float,
             max_requests: int = 1_000_000) -> LoadResult:
    """Drive `clients` concurrent keep-alive clients for `duration` seconds or `max_requests` requests."""
    ctx = multiprocessing.get_context("spawn")
    run_tag = random.randrange(10**6)
    per_client = max(1, max_requests // clients)
    start_at = time.time() + 1.0 + 0.15 * clients  # spawn time, so every client starts together
    args = [(scenario, host, port, i, clients, start_at, duration, per_client, run_tag) for i in range(clients)]
    with ctx.Pool(clients) as pool:
        parts = pool.map(_client_main, args)
    latencies = [ms for part in parts for ms in part[0]]
    began = min(part[3] for part in parts)
    ended = max(part[4] for part in parts)
    return LoadResult(
        name=scenario.name, clients=clients, requests=len(latencies), errors=sum(p[1] for p in parts),
        seconds=ended - began, latencies_ms=latencies, error_samples=[s for p in parts for s in p[2]],
    )
