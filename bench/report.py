"""The results: one table on stdout, everything measured in bench/results.json."""

import json
import os
import platform
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results.json"


def cpu_reference() -> float:
    """CPU seconds of a pure-Python loop of ten million additions: how fast this machine's cores
    are in the hour of the run. The same code measured in two hours can differ by a factor of
    three on a shared host (docs/performance.md, "The machine"), so figures from different runs
    are compared with this beside them."""
    started = time.process_time()
    total = 0
    for i in range(10_000_000):
        total += i
    return round(time.process_time() - started, 2)


@dataclass
class Row:
    phase: str
    measure: str
    figure: str
    target: str = ""
    ok: bool | None = None  # None: no target, or not measured
    note: str = ""


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    details: dict = field(default_factory=dict)
    started: float = field(default_factory=time.time)
    cpu_reference_s: float | None = None

    def add(self, phase: str, measure: str, figure: str, target: str = "", ok: bool | None = None, note: str = ""):
        self.rows.append(Row(phase, measure, figure, target, ok, note))

    def missing(self, phase: str, measure: str, target: str, why: str):
        self.add(phase, measure, "not measured", target, None, why)

    def print_table(self) -> None:
        headers = ("phase", "measure", "figure", "target", "met", "note")
        cells = [(r.phase, r.measure, r.figure, r.target, {True: "yes", False: "NO", None: "-"}[r.ok], r.note)
                 for r in self.rows]
        widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
        widths[-1] = min(widths[-1], 70)
        line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
        print(line)
        print("-" * len(line))
        for c in cells:
            print("  ".join(str(v)[:w].ljust(w) for v, w in zip(c, widths, strict=True)).rstrip())

    def write(self, settings: dict) -> None:
        load = os.getloadavg()
        RESULTS.write_text(json.dumps({
            "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self.started)),
            "seconds": round(time.time() - self.started, 1),
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                        "load_average_at_end": [round(x, 2) for x in load],
                        "cpu_reference_s": self.cpu_reference_s},
            "settings": settings, "table": [asdict(r) for r in self.rows], "details": self.details,
        }, indent=2, default=str))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0
