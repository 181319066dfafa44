"""`make run`'s demo load: `seed_demo` on a fresh SQLite file, as a new user runs it.

Target: the whole load (four users, ~250 cases with their trails, the Reg E / Reg Z examples and
their letters) in under 10 s. Migrations are not counted. A second load must add nothing.
"""

import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import env
from bench.report import Report

TARGET_S = 10.0


def _manage(environ: dict, *args: str) -> tuple[float, float, str]:
    """Run `manage.py ...`: (wall seconds, CPU seconds, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(env.ROOT / "manage.py"), *args], env=environ, cwd=env.ROOT,
                            capture_output=True, text=True, check=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime), result.stdout


def run(report: Report) -> None:
    with tempfile.TemporaryDirectory(prefix="disputes-demo-") as tmp:
        environ = {name: value for name, value in os.environ.items() if name != "DATABASE_URL"}
        environ.update(SQLITE_PATH=str(Path(tmp) / "demo.sqlite3"), EVIDENCE_ROOT=str(Path(tmp) / "evidence"),
                       CELERY_FILESYSTEM_DIR=str(Path(tmp) / "celery"),  # the load's task messages stay here
                       DJANGO_DEBUG="1", WEBHOOK_ALLOW_PRIVATE_URLS="1", LOG_LEVEL="WARNING")
        _manage(environ, "migrate", "--noinput")
        wall, cpu, out = _manage(environ, "seed_demo")
        cases = next((line.split()[1] for line in out.splitlines() if line.startswith("Seeded ")), "?")
        report.add("demo", f"seed_demo, {cases} cases", f"{wall:.1f} s (CPU {cpu:.1f} s)", f"< {TARGET_S:.0f} s",
                   wall < TARGET_S, note="fresh SQLite file, as make run")
        wall, _, out = _manage(environ, "seed_demo")
        report.add("demo", "seed_demo again", f"{wall:.1f} s", "adds nothing", "Created" not in out)
