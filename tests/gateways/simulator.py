"""A real network simulator process for tests (network_simulator/process.py) on a random loopback
port, with its own database and signing key in a temporary folder, stopped (its whole process group)
when the test is done. Other suites reuse it:

    with running_simulator(tmp_path, delay=0) as sim:
        with sim.settings():          # the gateways of this process point at it
            ...
        sim.env()                     # the variables a worker process needs to point at it
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from network_simulator.process import CONSUMER_KEY, ROOT, SimulatorProcess

__all__ = ["CONSUMER_KEY", "ROOT", "Simulator", "running_simulator", "start"]


class Simulator(SimulatorProcess):
    def settings(self, **extra):
        return super().settings(**{"NETWORK_HTTP_TIMEOUT": 20, **extra})


def start(tmp_dir: Path, *, delay: float = 0, window: float | None = None, timeout: float = 90,
          workers: int = 1) -> Simulator:
    sim = Simulator(tmp_dir, delay=delay, window=delay * 3 if window is None else window, workers=workers)
    return sim.start({**os.environ, "DJANGO_SETTINGS_MODULE": "disputes_site.test_settings"}, timeout=timeout)


@contextlib.contextmanager
def running_simulator(tmp_dir: Path, **options):
    sim = start(tmp_dir, **options)
    try:
        yield sim
    finally:
        sim.stop()
