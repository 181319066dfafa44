"""How `manage.py import_transactions` writes its batches: in the reading thread, or on PostgreSQL by
writer threads with their own connections, while the next batches are read. Either way the outcome
is that of writing the batches one after another, in the file's order.
"""

import queue
import threading

from django.db import connection

from cases.ingest.imports import ImportResult, PreparedBatch, TransactionImport, WriteConflict


class InlineWriter:
    """Writes each batch when it is submitted (SQLite, or inside a caller's transaction, where another
    connection could not see the caller's rows)."""

    def __init__(self, target: TransactionImport):
        self.target = target
        self.result = ImportResult()

    def submit(self, batch: PreparedBatch) -> None:
        self.result.add(self.target.write(batch))

    def close(self) -> ImportResult:
        return self.result


class _Overtaken(Exception):
    """An earlier batch met another while this one was being written: roll back, write it again."""


class _Stopped(Exception):
    """An earlier batch failed: the import stops, this batch is not written."""


class ThreadedWriter:
    """Writes batches on `threads` connections at once, with the outcome of writing them in order:

    - two batches that share a key (a financial document id, external id or ARN, or a party not
      known to be stored) are never written at the same time: `submit` waits;
    - commits happen in order: a batch commits once every earlier batch is finished;
    - a batch that meets another batch or transaction (WriteConflict: a row refused, a lock waited
      for) is rolled back, and from it on batches are written one at a time, in order, each as
      `TransactionImport.write` does (refused rows reported by line). Later batches already written
      but not committed are rolled back and written again in turn;
    - a batch with rows that do not give their financial document id (matched by external id or ARN
      against the stored rows, which earlier batches may change) switches to one at a time too.
    """

    def __init__(self, target: TransactionImport, threads: int = 3):
        self.target = target
        self.result = ImportResult()
        self.error: BaseException | None = None
        self.changed = threading.Condition()
        self.submitted = 0  # sequence number of the next batch
        self.finished = 0  # every batch before this one is finished
        self.finished_ahead: set[int] = set()  # finished batches after a gap
        self.in_flight: dict[int, frozenset] = {}  # keys of the batches submitted and not finished
        self.alone_from: int | None = None  # from this batch on, one at a time
        self.batches: queue.Queue = queue.Queue(maxsize=threads)
        self.threads = [threading.Thread(target=self._run, name=f"import-writer-{n}", daemon=True)
                        for n in range(threads)]
        for thread in self.threads:
            thread.start()

    def submit(self, batch: PreparedBatch) -> None:
        with self.changed:
            if self.error is not None:
                raise self.error
            number = self.submitted
            if not batch.complete:
                self._alone_from(number)
            if self.alone_from is None:
                self.changed.wait_for(lambda: self.error is not None or all(
                    batch.keys.isdisjoint(keys) for keys in self.in_flight.values()))
            self.in_flight[number] = batch.keys
            self.submitted += 1
        self.batches.put((number, batch))

    def close(self) -> ImportResult:
        for _ in self.threads:
            self.batches.put(None)
        for thread in self.threads:
            thread.join()
        if self.error is not None:
            raise self.error
        return self.result

    def _run(self) -> None:
        try:
            while (item := self.batches.get()) is not None:
                number, batch = item
                result = None
                try:
                    if self.error is None:
                        result = self._write(number, batch)
                except _Stopped:
                    pass
                except Exception as exc:  # noqa: BLE001 - raised again in the main thread
                    self.error = self.error or exc
                with self.changed:
                    if result is not None:
                        self.result.add(result)
                    self._finish(number)
        finally:
            connection.close()

    def _write(self, number: int, batch: PreparedBatch) -> ImportResult:
        if not self._alone(number):
            try:
                return self.target.attempt(batch, lambda: self._await_turn(number, overtaken=True))
            except WriteConflict:
                with self.changed:
                    self._alone_from(number)
            except _Overtaken:
                pass
        self._await_turn(number)
        return self.target.write(batch)

    def _alone(self, number: int) -> bool:
        with self.changed:
            return self.alone_from is not None and number >= self.alone_from

    def _alone_from(self, number: int) -> None:
        self.alone_from = number if self.alone_from is None else min(self.alone_from, number)
        self.changed.notify_all()

    def _await_turn(self, number: int, overtaken: bool = False) -> None:
        """Wait until every earlier batch is finished; raise _Stopped if one failed. With `overtaken`,
        raise _Overtaken as soon as an earlier batch has switched to one at a time (this one may have
        read rows that it changes)."""
        def overtaking() -> bool:
            return overtaken and self.alone_from is not None and self.alone_from < number

        with self.changed:
            self.changed.wait_for(lambda: self.finished == number or overtaking())
            if overtaking():
                raise _Overtaken
            if self.error is not None:
                raise _Stopped

    def _finish(self, number: int) -> None:
        self.in_flight.pop(number, None)
        self.finished_ahead.add(number)
        while self.finished in self.finished_ahead:
            self.finished_ahead.remove(self.finished)
            self.finished += 1
        self.changed.notify_all()
