"""The filesystem broker (`make run`, the end-to-end suites) never hands a worker half a message.

kombu's own transport creates the message file before writing it, so a consumer that lists the
folder in between reads an empty message and stops (disputes_site/filesystem_broker.py). Here a
producer and a consumer share a folder as the web process and the worker do."""

import os
import threading
import time
import uuid

from kombu import Connection
from kombu.transport import filesystem

from disputes_site.filesystem_broker import Transport

MESSAGES = 2000


def _queue_name() -> str:
    """A queue no other test declared: kombu keeps what was declared and bound per process, and
    does not bind a queue again in another folder."""
    return f"work-{uuid.uuid4().hex[:8]}"


def _folders(folder) -> dict:
    """The transport's options: everything under the test's own folder."""
    return {"data_folder_in": str(folder), "data_folder_out": str(folder),
            "control_folder": str(folder / "control"), "store_processed": False}


def _race(folder, transport) -> tuple[list[int], list[str]]:
    """Publish MESSAGES while another connection takes them as they come; what was taken, and the
    errors the consumer met (it stops at the first)."""
    options, name = _folders(folder), _queue_name()
    taken, errors, published = [], [], threading.Event()

    def produce():
        with Connection("filesystem://", transport=transport, transport_options=options) as conn:
            queue = conn.SimpleQueue(name)
            for number in range(MESSAGES):
                queue.put({"number": number})
        published.set()

    def consume():
        deadline = time.monotonic() + 60
        with Connection("filesystem://", transport=transport, transport_options=options) as conn:
            queue = conn.SimpleQueue(name)
            while len(taken) < MESSAGES and time.monotonic() < deadline:
                try:
                    message = queue.get(block=False)
                except queue.Empty:
                    time.sleep(0)
                    continue
                except ValueError as exc:  # an unparseable message, which a worker's consumer dies of
                    errors.append(repr(exc))
                    return
                taken.append(message.payload["number"])
                message.ack()

    # Declared before the two start, as a deployment's processes find their queues declared: kombu
    # records a binding for the whole process before it writes the exchange's file, so two threads
    # declaring at once could publish before the file lists the queue, and the message goes nowhere.
    with Connection("filesystem://", transport=transport, transport_options=options) as conn:
        conn.SimpleQueue(name).close()
    threads = [threading.Thread(target=produce), threading.Thread(target=consume)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    assert published.is_set()
    return taken, errors


def test_a_consumer_racing_the_producer_gets_every_message_whole(tmp_path):
    taken, errors = _race(tmp_path, Transport)
    assert errors == []
    assert sorted(taken) == list(range(MESSAGES))  # each once, none lost
    assert not list(tmp_path.glob("*.part"))  # no partial file left behind


def _look_while_writing(monkeypatch, folder, transport, step) -> tuple[str, object]:
    """Publish one message, with a consumer taking from the queue at `step` of the transport's
    write ((module, function name): the call is made after the look); what that consumer got, and
    what is on the queue after."""
    options, name = _folders(folder), _queue_name()
    with (Connection("filesystem://", transport=transport, transport_options=options) as producer,
          Connection("filesystem://", transport=transport, transport_options=options) as consumer):
        outgoing, incoming = producer.SimpleQueue(name), consumer.SimpleQueue(name)
        module, function = step
        during, real = [], getattr(module, function)

        def look_then_call(*args, **kwargs):
            try:
                during.append(incoming.get(block=False).payload)
            except incoming.Empty:
                during.append("nothing yet")
            except ValueError as exc:  # an unparseable message, which a worker's consumer dies of
                during.append(type(exc).__name__)
            return real(*args, **kwargs)

        monkeypatch.setattr(module, function, look_then_call)
        outgoing.put({"number": 1})
        monkeypatch.setattr(module, function, real)
        try:
            after = incoming.get(block=False).payload
        except incoming.Empty:
            after = "lost"
        return during[0], after


def test_a_message_being_written_is_not_on_the_queue_yet(monkeypatch, tmp_path):
    """Looked at with the message written in full under its temporary name, just before the
    link that puts it on the queue."""
    assert _look_while_writing(monkeypatch, tmp_path, Transport, (os, "link")) == ("nothing yet", {"number": 1})
    assert not list(tmp_path.glob("*.part"))


def test_kombus_own_transport_hands_out_the_empty_file(monkeypatch, tmp_path):
    """The failure this transport exists for, so the test above is known to be able to fail: looked
    at as kombu serialises the message into the file it has already created, the consumer parses
    an empty file and the message is gone."""
    assert _look_while_writing(monkeypatch, tmp_path, filesystem.Transport, (filesystem, "dumps")) == (
        "JSONDecodeError", "lost")


def _read_table_while_binding(monkeypatch, folder, transport) -> object:
    """Bind the first queue to an exchange, with another connection reading the exchange's table
    (as every publish does) just before the binder takes its lock; what that reader got."""
    options = _folders(folder)
    with (Connection("filesystem://", transport=transport, transport_options=options) as binder,
          Connection("filesystem://", transport=transport, transport_options=options) as reader):
        exchange = _queue_name()
        seen, real_lock = [], filesystem.lock

        def read_then_lock(f_obj, flags):
            if not seen:  # the binder's first lock (the reader's own lock comes through here too)
                seen.append("reading")
                try:
                    seen[0] = reader.default_channel.get_table(exchange)
                except ValueError as exc:
                    seen[0] = type(exc).__name__
            return real_lock(f_obj, flags)

        binder.default_channel.exchange_declare(exchange, "direct")
        binder.default_channel.queue_declare(f"{exchange}.q")
        monkeypatch.setattr(filesystem, "lock", read_then_lock)
        binder.default_channel.queue_bind(f"{exchange}.q", exchange=exchange, routing_key=f"{exchange}.q")
        monkeypatch.setattr(filesystem, "lock", real_lock)
        assert [q.queue for q in reader.default_channel.get_table(exchange)] == [f"{exchange}.q"]
        return seen[0]


def test_an_exchange_table_being_created_reads_whole(monkeypatch, tmp_path):
    assert _read_table_while_binding(monkeypatch, tmp_path, Transport) == []
    assert not list((tmp_path / "control").glob("*.part"))


def test_kombus_own_transport_hands_out_the_empty_table(monkeypatch, tmp_path):
    assert _read_table_while_binding(monkeypatch, tmp_path, filesystem.Transport) == "JSONDecodeError"
