"""What the import writer does differently on PostgreSQL, behind `unions.importing.writing`'s
small backend interface: COPY instead of `executemany`, pipeline mode for the statements that
follow a chunk's writes, TRUNCATE to empty a stage, one text parameter instead of thousands of
`IN` ones, the id sequence for new rows, and foreign keys checked as each chunk is written.

Imported only when the database is PostgreSQL: nothing else in the app needs psycopg.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

from django.db.backends.base.base import BaseDatabaseWrapper

from unions.importing.writing import PortableBackend, quote

TYPES = {"text": "text", "int": "bigint", "date": "date", "flag": "smallint", "bool": "boolean"}


class PostgreSQLBackend(PortableBackend):
    types = TYPES

    def begin(self, connection: BaseDatabaseWrapper) -> None:
        # Foreign keys are checked as each chunk is written, while the child reads the next,
        # rather than all at once when the transaction commits (Django makes them deferred).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

    def end(self, connection: BaseDatabaseWrapper) -> None:
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def send_later(self, connection: BaseDatabaseWrapper) -> contextlib.AbstractContextManager:
        """psycopg's pipeline mode: statements are sent at once and their results read when
        the pipeline ends. COPY cannot run in it: the writer settles before each COPY."""
        return connection.connection.pipeline()

    def insert(
        self,
        connection: BaseDatabaseWrapper,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
    ) -> None:
        """COPY: the server inserts in batches, far cheaper than one statement per row."""
        names = ", ".join(quote(name) for name in columns)
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {quote(table)} ({names}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)

    def empty(self, connection: BaseDatabaseWrapper, table: str) -> None:
        """TRUNCATE: a DELETE would leave dead rows whose space later rows may take, out of
        their order."""
        with connection.cursor() as cursor:
            cursor.execute(f"TRUNCATE {quote(table)}")

    def last_id(self, connection: BaseDatabaseWrapper, table: str) -> int:
        """The id sequence's last value: every row inserted next has a larger id. Not
        ``max(id)``: a row saved with an explicit id may lie above the sequence."""
        with connection.cursor() as cursor:
            # NULL until the sequence is first used (pg_sequences reads it the same way).
            cursor.execute(
                "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')), 0)",
                [table],
            )
            return cursor.fetchone()[0]

    def select_in(
        self,
        connection: BaseDatabaseWrapper,
        base_sql: str,
        keys: Sequence[object],
    ) -> list[tuple]:
        """``= ANY``, which plans far faster than thousands of ``IN`` parameters; one text
        parameter is cheaper still to send than an array."""
        with connection.cursor() as cursor:
            if all(isinstance(key, int) for key in keys):
                joined = ",".join(map(str, keys))
                cursor.execute(f"{base_sql} = ANY(string_to_array(%s, ',')::bigint[])", [joined])
            elif all(isinstance(key, str) and "," not in key for key in keys):
                cursor.execute(f"{base_sql} = ANY(string_to_array(%s, ','))", [",".join(keys)])
            else:
                cursor.execute(f"{base_sql} = ANY(%s)", [list(keys)])
            return cursor.fetchall()


backend = PostgreSQLBackend()
