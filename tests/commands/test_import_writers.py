"""ThreadedWriter's ordering rules, with a stand-in for TransactionImport (no database)."""

import threading

import pytest

from cases.ingest.imports import ImportResult, PreparedBatch, WriteConflict
from cases.ingest.writers import ThreadedWriter

WAIT = 5  # seconds; a test that waits this long has failed


def batch(*keys, complete=True) -> PreparedBatch:
    return PreparedBatch(rows=[], refused=[], keys=frozenset(keys), complete=complete)


class Target:
    """Records what the writer asks for. `hold[n]`: batch n's attempt waits for that event before it
    finishes its work; `conflict`: the numbers of the batches whose attempt meets another."""

    def __init__(self, hold=None, conflict=()):
        self.hold, self.conflict = hold or {}, set(conflict)
        self.lock = threading.Lock()
        self.log: list[tuple[str, int]] = []
        self.active: set[int] = set()
        self.together: list[set[int]] = []
        self.at_commit: dict[int, threading.Event] = {}

    def number(self, prepared: PreparedBatch) -> int:
        return next(key for key in prepared.keys if isinstance(key, int))

    def attempt(self, prepared, before_commit):
        n = self.number(prepared)
        with self.lock:
            self.active.add(n)
            self.together.append(set(self.active))
        try:
            if n in self.hold:
                assert self.hold[n].wait(WAIT)
            if n in self.conflict:
                self.conflict.discard(n)
                raise WriteConflict
            self.at_commit.setdefault(n, threading.Event()).set()
            before_commit()
            with self.lock:
                self.log.append(("commit", n))
            return ImportResult(created=1)
        finally:
            with self.lock:
                self.active.discard(n)

    def write(self, prepared):
        with self.lock:
            self.log.append(("alone", self.number(prepared)))
        return ImportResult(updated=1)


def test_a_batch_commits_only_after_every_earlier_one():
    release = threading.Event()
    target = Target(hold={0: release})
    writer = ThreadedWriter(target)
    writer.submit(batch(0))
    writer.submit(batch(1))
    target.at_commit.setdefault(1, threading.Event()).wait(WAIT)  # batch 1 is ready to commit ...
    release.set()  # ... before batch 0 is

    result = writer.close()

    assert target.log == [("commit", 0), ("commit", 1)]
    assert {0, 1} in target.together
    assert result.created == 2


def test_batches_sharing_a_key_are_never_written_together():
    release = threading.Event()
    target = Target(hold={0: release})
    writer = ThreadedWriter(target)
    writer.submit(batch(0, ("external_id", "shared")))
    submitter = threading.Thread(target=writer.submit, args=(batch(1, ("external_id", "shared")),))
    submitter.start()
    submitter.join(0.3)

    assert submitter.is_alive()  # batch 1 waits for batch 0 to be finished
    release.set()
    submitter.join(WAIT)
    writer.submit(batch(2, ("external_id", "other")))
    writer.close()
    assert target.log == [("commit", 0), ("commit", 1), ("commit", 2)]
    assert not any({0, 1} <= active for active in target.together)


def test_after_a_conflict_that_batch_and_the_later_ones_are_written_alone_in_order():
    release = threading.Event()
    target = Target(hold={1: release}, conflict={1})
    writer = ThreadedWriter(target)
    writer.submit(batch(0))
    writer.submit(batch(1))
    writer.submit(batch(2))
    target.at_commit.setdefault(2, threading.Event()).wait(WAIT)  # batch 2 written, waiting to commit
    release.set()  # batch 1 meets another: batch 2 must not commit what it wrote
    writer.submit(batch(3))

    result = writer.close()

    assert target.log == [("commit", 0), ("alone", 1), ("alone", 2), ("alone", 3)]
    assert (result.created, result.updated) == (1, 3)


def test_a_batch_that_does_not_give_every_id_is_written_alone_and_so_are_the_next():
    target = Target()
    writer = ThreadedWriter(target)
    writer.submit(batch(0))
    writer.submit(batch(1, complete=False))
    writer.submit(batch(2))
    writer.close()

    assert target.log == [("commit", 0), ("alone", 1), ("alone", 2)]


def test_an_error_stops_the_later_batches_and_is_raised():
    class Failing(Target):
        def attempt(self, prepared, before_commit):
            if self.number(prepared) == 1:
                raise RuntimeError("database gone")
            return super().attempt(prepared, before_commit)

    target = Failing()
    writer = ThreadedWriter(target)
    for n in range(4):
        try:
            writer.submit(batch(n))
        except RuntimeError:
            break

    with pytest.raises(RuntimeError, match="database gone"):
        writer.close()
    assert ("commit", 0) in target.log
    assert not {("commit", 2), ("commit", 3)} & set(target.log)
