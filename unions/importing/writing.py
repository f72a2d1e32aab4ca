"""Set-based writing for imports: staging tables, COPY, and history rows written in bulk.

The enterprise import on PostgreSQL copies each chunk's new rows straight into their table
(psycopg 3 ``cursor.copy``), formatted beforehand by ``CopyFormatter``, and stages only changed
rows for an ``UPDATE … FROM``; a ``BackgroundWriter`` does this while the next chunk is read.
Other imports, and every import on SQLite (``executemany``), stage the valid rows in a temporary
table and move them into place once the whole file has been read: ``INSERT … SELECT`` for new
rows, ``UPDATE … FROM`` for changed ones, then history and headcount rows selected from what was
written.
"""

from __future__ import annotations

import io
import sys
import threading
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from psycopg.copy import Copy, FileWriter

__all__ = [
    "BackgroundWriter",
    "CopyFormatter",
    "Stage",
    "history_columns",
    "history_insert_sql",
    "insert_history",
    "quote",
    "select_by_keys",
]

_TYPES = {
    "postgresql": {"text": "text", "int": "bigint", "date": "date", "flag": "smallint"},
    "sqlite": {"text": "text", "int": "integer", "date": "text", "flag": "integer"},
}
# The columns django-simple-history fills itself; the rest copy the recorded row.
_HISTORY_OWN = frozenset(
    {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
)


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


class Stage:
    """A temporary table holding one run's rows until they are written set-based.

    ``columns`` are ``(name, kind)`` pairs, kind being ``text``, ``int``, ``date`` or ``flag``
    (0/1). Create it inside the run's transaction: rolling back drops it with everything else.
    """

    def __init__(
        self, columns: Sequence[tuple[str, str]], using: BaseDatabaseWrapper | None = None
    ) -> None:
        self.columns = tuple(columns)
        self.name = f"import_stage_{uuid.uuid4().hex[:16]}"
        self.table = quote(self.name)
        self.count = 0
        self._names = ", ".join(quote(name) for name, _kind in self.columns)
        # The connection object itself, not the thread-local proxy: a BackgroundWriter's
        # thread must reach the run's own connection and transaction.
        self.connection = using if using is not None else connections[DEFAULT_DB_ALIAS]

    def create(self) -> None:
        types = _TYPES.get(self.connection.vendor, _TYPES["sqlite"])
        definition = ", ".join(f"{quote(name)} {types[kind]}" for name, kind in self.columns)
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({definition})")

    def clear(self) -> None:
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                cursor.execute(f"TRUNCATE {self.table}")
            else:
                cursor.execute(f"DELETE FROM {self.table}")
        self.count = 0

    def append(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                sql = f"COPY {self.table} ({self._names}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} VALUES ({marks})", rows)
        self.count += len(rows)

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


class CopyFormatter:
    """Rows in COPY's text format, as bytes that a later ``copy.write()`` sends as they are.

    Formatting is the client's part of a COPY; done apart, it can run in another thread than
    the one that waits on the server. The formatter borrows a cursor of the run's connection for
    its type adapters only: it never sends anything.
    """

    def __init__(self, using: BaseDatabaseWrapper) -> None:
        using.ensure_connection()
        self.cursor = using.connection.cursor()

    def __call__(self, rows: Sequence[tuple]) -> bytes:
        if not rows:
            return b""
        buffer = io.BytesIO()
        with Copy(self.cursor, writer=FileWriter(buffer)) as copy:
            for row in rows:
                copy.write_row(row)
        return buffer.getvalue()


class BackgroundWriter:
    """Writes one chunk of rows while the engine reads the next.

    On PostgreSQL most of a new import's time is the server's: index entries, constraint
    checks, history rows. Run in a thread, that work overlaps the Python work of parsing the
    following rows. The thread uses the run's own connection object (Django's thread sharing),
    so everything stays in the run's one transaction; the reading thread calls ``wait()`` before
    it queries that connection, so the two never use it at once.

    While it runs, the interpreter hands the GIL over more often (``_QuickHandover``): the
    writer needs it back after every wait on the server, a dozen times a chunk, and the
    reading thread, busy in Python, would otherwise keep it for up to 5 ms each time.
    """

    def __init__(self, using: BaseDatabaseWrapper) -> None:
        self.connection = using
        self._executor: ThreadPoolExecutor | None = None
        self._pending: Future | None = None

    def submit(self, write: Callable[..., None], *args: object) -> None:
        self.wait()
        if self._executor is None:
            self.connection.inc_thread_sharing()
            _quick_handover.enter()
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import")
        self._pending = self._executor.submit(write, *args)

    def wait(self) -> None:
        """Block until the last chunk is written; its exception, if any, is raised here."""
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._executor is not None:
                self._executor.shutdown(wait=True)
                self._executor = None
                self.connection.dec_thread_sharing()
                _quick_handover.leave()


class _QuickHandover:
    """A shorter thread switch interval while any import writes in the background.

    Counted, because runs in other threads of the same process may overlap: the interval
    comes back to what it was when the last of them ends.
    """

    interval = 0.0005  # seconds; Python's default is 0.005

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._users = 0
        self._saved = sys.getswitchinterval()

    def enter(self) -> None:
        with self._lock:
            if self._users == 0:
                self._saved = sys.getswitchinterval()
                sys.setswitchinterval(min(self._saved, self.interval))
            self._users += 1

    def leave(self) -> None:
        with self._lock:
            self._users -= 1
            if self._users == 0:
                sys.setswitchinterval(self._saved)


_quick_handover = _QuickHandover()


def select_by_keys(
    table: str,
    columns: Sequence[str],
    key: str,
    keys: Sequence[object],
    using: BaseDatabaseWrapper | None = None,
) -> list[tuple]:
    """Rows of ``table`` whose ``key`` is one of ``keys``: one query per chunk of rows.

    Raw SQL, because the ORM's per-row overhead is most of the cost at this volume; on
    PostgreSQL an array parameter (``= ANY``) plans far faster than thousands of ``IN`` ones.
    """
    if not keys:
        return []
    connection = using if using is not None else connections[DEFAULT_DB_ALIAS]
    selected = ", ".join(quote(column) for column in columns)
    base = f"SELECT {selected} FROM {quote(table)} WHERE {quote(key)}"
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if all(isinstance(key, int) for key in keys):
                # One text parameter is far cheaper to send than an array of thousands.
                cursor.execute(
                    f"{base} = ANY(string_to_array(%s, ',')::bigint[])",
                    [",".join(map(str, keys))],
                )
            elif all(isinstance(key, str) and "," not in key for key in keys):
                cursor.execute(f"{base} = ANY(string_to_array(%s, ','))", [",".join(keys)])
            else:
                cursor.execute(f"{base} = ANY(%s)", [list(keys)])
            return cursor.fetchall()
        # SQLite caps the number of parameters (999 in old builds).
        for start in range(0, len(keys), 900):
            part = keys[start : start + 900]
            cursor.execute(f"{base} IN ({', '.join(['%s'] * len(part))})", list(part))
            found.extend(cursor.fetchall())
    return found


def history_columns(model: type[Model]) -> list[str]:
    """The columns a historical record copies from its model's table."""
    history = model.history.model
    return [
        field.column for field in history._meta.concrete_fields if field.name not in _HISTORY_OWN
    ]


def history_insert_sql(model: type[Model], *, alias: str, type_sql: str) -> str:
    """``INSERT INTO <history> (…) SELECT <alias>.…, %s, %s, <type>, %s`` without its FROM.

    The three parameters are the history date, the change reason and the user's id.
    """
    history = model.history.model
    columns = history_columns(model)
    meta = history._meta
    own = [
        meta.get_field("history_date").column,
        meta.get_field("history_change_reason").column,
        meta.get_field("history_type").column,
        meta.get_field("history_user").column,
    ]
    target = ", ".join(quote(column) for column in [*columns, *own])
    source = ", ".join(f"{alias}.{quote(column)}" for column in columns)
    return f"INSERT INTO {quote(meta.db_table)} ({target}) SELECT {source}, %s, %s, {type_sql}, %s"


def insert_history(
    model: type[Model],
    *,
    from_sql: str,
    type_sql: str,
    params: Sequence[object],
    when: object,
    reason: str,
    user_id: int | None,
) -> int:
    """Write one history row per row of ``model`` that ``from_sql`` selects (aliased ``t``).

    ``from_sql`` is the statement's ``FROM … WHERE …`` part and ``type_sql`` an expression
    giving ``'+'`` or ``'~'``. This is what django-simple-history's post-save signal writes,
    done for a whole import in one statement.
    """
    sql = f"{history_insert_sql(model, alias='t', type_sql=type_sql)} {from_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, reason[:100], user_id, *params])
        return cursor.rowcount
