"""kombu's filesystem transport, with each message written whole before a worker can see it.

The stock transport creates the message file under its final name and then writes the message into
it. A worker that lists the folder in between moves the empty file away, fails to parse it and its
consumer stops (kombu issue #1551): the message is lost and the worker takes nothing more. The
network end-to-end suite met it on a CI run, with the worker, beat and gunicorn sharing one folder.

Here a message is written to a temporary file in the same folder, under a name no queue matches,
and linked to its final name once complete (cases/files.py), so a worker sees either no file or
the whole message. An exchange's table of queues, which every publish reads, has the same gap
when a process binds the first queue to it (kombu creates the file empty, then locks and writes
it): it is placed holding an empty table, whole, before kombu adds the queue under its lock.
Everything else is kombu's.

Used when CELERY_BROKER_URL is `filesystem://` (`make run`, the SQLite end-to-end suites; settings
name it in CELERY_BROKER_TRANSPORT); production and CI's PostgreSQL suite run RabbitMQ.
"""

import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

from cases.files import place_whole


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        # The final name is kombu's own (unique): workers take messages in the order of the names.
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        try:
            place_whole(os.path.join(self.data_folder_out, name), str_to_bytes(dumps(payload)))
        except OSError as exc:
            raise ChannelError(f"Cannot add a message to {self.data_folder_out!r}") from exc

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        self._create_exchange_table(exchange)
        super()._queue_bind(exchange, routing_key, pattern, queue)

    def _create_exchange_table(self, exchange) -> None:
        """The exchange's file holding an empty table, unless it is there already (another process
        placing it at the same moment is fine: the first one's file stays)."""
        table = self._exchange_file(exchange)
        if table.exists():
            return
        self.control_folder.mkdir(exist_ok=True)
        try:
            place_whole(table, str_to_bytes(dumps([])))
        except OSError as exc:
            raise ChannelError(f"Cannot create {table}") from exc


class Transport(filesystem.Transport):
    Channel = Channel
