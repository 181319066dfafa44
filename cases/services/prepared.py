"""Prepared statements for the hottest writes on PostgreSQL.

Django's cursors bind parameters in the client (psycopg's `ClientCursor`), so PostgreSQL parses
and plans every statement anew. For a statement that runs many times a second on a table with many
indexes (a "Take next" press reads, claims and records in one statement against the 21 indexes of
the cases table) parsing and planning cost as much server CPU as running it. `prepared_cursor()`
gives a Django cursor (query log, execute wrappers, Django's exceptions) on the same connection
and transaction whose statements are bound on the server and prepared on their first run: after
five runs PostgreSQL keeps a generic plan and no longer plans the statement at all.

Only statements run through this cursor are prepared: the connection's `prepare_threshold` is set
so high (disputes_site/database.py) that psycopg never prepares a statement on its own. A statement
meant for it writes every constant a partial index's predicate needs as a literal (a parameter
there would keep the generic plan off that index) and casts parameters whose type PostgreSQL cannot
infer. Prepared statements live in the session: a pooler that hands a session's statements to
another session (PgBouncer in transaction mode before 1.21) cannot be put between the application
and PostgreSQL.
"""

from django.db import connection
from django.db.backends.postgresql.base import ServerBindingCursor


class _PreparingCursor(ServerBindingCursor):
    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


def prepared_cursor():
    """A cursor on the default connection (PostgreSQL) whose statements are prepared; use as a
    context manager, as `connection.cursor()`."""
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _PreparingCursor(connection.connection)
    return connection.make_debug_cursor(cursor) if connection.queries_logged else connection.make_cursor(cursor)
