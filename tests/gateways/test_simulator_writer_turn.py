"""The simulator's writers take turns (network_simulator/state.py): on SQLite a write transaction
waits for the writer's turn, a thread lock and then an flock of a file beside the database, so a
writer is woken when the last one finishes instead of polling in SQLite's busy handler."""

import multiprocessing
import threading
import time
from types import SimpleNamespace

import pytest

from network_simulator import state

HOLD = 0.6


def _database(tmp_path) -> SimpleNamespace:
    return SimpleNamespace(settings_dict={"NAME": str(tmp_path / "simulator.sqlite3")})


def _hold_turn(database, inside, seconds) -> None:
    with state._writer_turn(database):
        inside.set()
        time.sleep(seconds)


def _waited_for_turn(database) -> float:
    started = time.monotonic()
    with state._writer_turn(database):
        return time.monotonic() - started


def _waits_while_held(database, inside, holder) -> None:
    """Start `holder` (a thread or a process holding the turn for HOLD seconds), then take the turn."""
    holder.start()
    try:
        assert inside.wait(timeout=10)
        assert _waited_for_turn(database) >= HOLD / 2
    finally:
        holder.join(timeout=10)


def test_a_writer_in_another_process_waits_for_the_turn(tmp_path):
    database = _database(tmp_path)
    state._lock_file(database.settings_dict["NAME"])  # opened before the fork: the child opens its own
    context = multiprocessing.get_context("fork")
    inside = context.Event()
    holder = context.Process(target=_hold_turn, args=(database, inside, HOLD))
    _waits_while_held(database, inside, holder)
    assert holder.exitcode == 0
    assert (tmp_path / "simulator.sqlite3.writer-lock").exists()


def test_a_writer_in_another_thread_waits_for_the_turn(tmp_path):
    database = _database(tmp_path)
    inside = threading.Event()
    _waits_while_held(database, inside, threading.Thread(target=_hold_turn, args=(database, inside, HOLD)))


def test_the_turn_is_given_back_when_the_transaction_fails(tmp_path):
    database = _database(tmp_path)
    with pytest.raises(RuntimeError), state._writer_turn(database):
        raise RuntimeError("the write failed")
    assert _waited_for_turn(database) < HOLD / 2


@pytest.mark.parametrize("name", [":memory:", "file:memorydb_network_simulator?mode=memory&cache=shared", ""])
def test_an_in_memory_database_has_no_lock_file(name):
    assert state._lock_file(name) is None
