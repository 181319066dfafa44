"""network_simulator/process.py: the child processes the suites and the bench start are stopped
with their children, and one that ignores SIGTERM is killed after the bound."""

import os
import subprocess
import sys
import time

from network_simulator.process import stop_groups

# A parent that starts a child of its own and prints the child's pid (a gunicorn master and its workers).
FAMILY = ("import subprocess, sys, time; child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)']);"
          " print(child.pid, flush=True); time.sleep(60)")
# The same family with the parent ignoring SIGTERM.
STUBBORN = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); " + FAMILY


def start(code: str) -> tuple[subprocess.Popen, int]:
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, start_new_session=True)
    return process, int(process.stdout.readline())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with open(f"/proc/{pid}/stat") as stat:  # a child that exited but is not yet reaped (its parent is gone)
        return stat.read().split(") ", 1)[1][0] != "Z"


def wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def test_every_group_stops_with_its_children():
    families = [start(FAMILY), start(FAMILY)]
    stop_groups([process for process, _ in families], timeout=10)
    for process, child in families:
        assert process.returncode == -15  # SIGTERM
        assert wait_gone(child)
        process.stdout.close()


def test_a_group_that_ignores_sigterm_is_killed_after_the_bound():
    process, child = start(STUBBORN)
    time.sleep(0.3)  # the handler is in place before the first line is printed; give the child its start
    started = time.monotonic()
    stop_groups([process], timeout=1)
    assert process.returncode == -9  # SIGKILL, after the bound
    assert 1 <= time.monotonic() - started < 8
    assert wait_gone(child)
    process.stdout.close()


def test_a_process_that_already_ended_is_left_alone():
    process = subprocess.Popen([sys.executable, "-c", "pass"], start_new_session=True)
    process.wait(timeout=10)
    stop_groups([process], timeout=1)
    assert process.returncode == 0
