"""Intake: creating a case through each door, against the floor measured in the same run.

Target (per door): >= 50% of the floor's throughput, p99 <= 30 ms at 4 concurrent clients, no errors.
Runs alternate floor and doors so that noise on the machine hits both alike; each door's ratio is
the median of its per-run ratios to that run's floor.
"""

import base64
import json
from dataclasses import replace
from pathlib import Path

from bench import dataset
from bench.load import Scenario, run_load
from bench.report import Report, median
from bench.server import HOST

PAYLOADS = Path(__file__).resolve().parent / "payloads"
RATIO_TARGET = 0.5
P99_TARGET_MS = 30.0


def _payload(name: str) -> str:
    return (PAYLOADS / name).read_text()


def scenarios(key: str, pool: list[str]) -> list[Scenario]:
    basic = base64.b64encode(f"{key}:".encode()).decode()
    bearer = {"Authorization": f"Bearer {key}"}
    decisionly = _payload("decisionly_case.json")
    return [
        Scenario("native API POST /api/v1/cases", "POST", ["/api/v1/cases"], decisionly, bearer, (201,)),
        Scenario("Decisionly POST /v2/issuer/cases", "POST", ["/v2/issuer/cases"], decisionly,
                 {"Authorization": f"Basic {basic}"}, (201,)),
        Scenario("Tutelar POST /api/v1/dispute/create", "POST", ["/api/v1/dispute/create"],
                 _payload("tutelar_dispute.json"), bearer, (201,)),
        Scenario("Mastercard POST /global-processing/dispute/cases", "POST", ["/global-processing/dispute/cases"],
                 _payload("mastercard_case.json"), bearer, (201,), pool=pool),
    ]


def floor_scenario() -> Scenario:
    body = json.dumps({"arn": "__UNIQ23__", "amount": 299, "currency": "USD", "reason": "product_not_received"})
    return Scenario("floor POST /bench/floor", "POST", ["/bench/floor"], body, {}, (201,))


def _probe(scenario: Scenario, port: int) -> bool:
    """False when the door has not landed yet (404 on its path)."""
    probe = replace(scenario, pool=scenario.pool[-1:])
    result = run_load(probe, host=HOST, port=port, clients=1, duration=5, max_requests=1)
    return not (result.errors and result.error_samples and result.error_samples[0].startswith("404"))


def run(report: Report, *, port: int, runs: int, duration: float, clients: int) -> None:
    key = dataset.api_key(dataset.INTAKE_PROGRAM)
    pool = dataset.intake_pool(int(runs * duration * 800) + 10)
    doors = scenarios(key, pool)
    floor = floor_scenario()
    available = [door for door in doors if _probe(door, port)]
    floors, per_door = [], {door.name: [] for door in available}
    share = (len(pool) - 1) // runs  # the last id went to the probe
    for index in range(runs):
        floors.append(run_load(floor, host=HOST, port=port, clients=clients, duration=duration))
        for door in available:
            if door.pool:  # each run opens cases on transactions no earlier run touched
                door = replace(door, pool=pool[index * share:(index + 1) * share])
            per_door[door.name].append(run_load(door, host=HOST, port=port, clients=clients, duration=duration))
    floor_rps = median([f.throughput for f in floors])
    report.add("intake", f"floor ({clients} clients)", f"{floor_rps:.0f} req/s, p99 "
               f"{median([f.percentile(99) for f in floors]):.1f} ms", note=f"median of {runs} runs")
    report.details["intake"] = {"floor": [f.summary() for f in floors]}
    for door in doors:
        if door.name not in per_door:
            report.missing("intake", door.name, ">= 50% floor, p99 <= 30 ms, 0 errors", "endpoint not on this branch")
            continue
        results = per_door[door.name]
        ratio = median([r.throughput / f.throughput for r, f in zip(results, floors, strict=True) if f.throughput])
        p99 = median([r.percentile(99) for r in results])
        errors = sum(r.errors for r in results)
        ok = ratio >= RATIO_TARGET and p99 <= P99_TARGET_MS and errors == 0
        report.add("intake", door.name, f"{median([r.throughput for r in results]):.0f} req/s = {ratio:.0%} of floor, "
                   f"p99 {p99:.1f} ms, {errors} errors", ">= 50% floor, p99 <= 30 ms, 0 errors", ok,
                   "; ".join(s for r in results for s in r.error_samples[:1])[:200])
        report.details["intake"][door.name] = [r.summary() for r in results]
