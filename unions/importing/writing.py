"""Set-based writing for imports: `BulkWriter`, the one writer of every kind's rows.

An import decides row by row (new, changed or unchanged) and writes a chunk at a time, in its
run's one transaction:
- new rows go straight into their table, in one batch, and are then found again by their ids,
  all above the table's last id before the insert (a short range of the primary key);
- changed rows are staged in a temporary table and written by one ``UPDATE … FROM``;
- each gets the history row django-simple-history's signal would have written, with the batch
  as the reason for the change, by one ``INSERT … SELECT`` per chunk.

What differs between databases sits behind a small backend interface: `PortableBackend`
(SQLite, and any database Django supports) here, `unions.importing.postgresql` for PostgreSQL
(COPY, the id sequence), imported only there.
"""

from __future__ import annotations

import contextlib
import importlib
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

__all__ = [
    "BulkWriter",
    "PortableBackend",
    "RowWrite",
    "Stage",
    "backend_for",
    "history_columns",
    "history_insert_sql",
    "insert_history",
    "quote",
    "select_by_keys",
]

# The columns django-simple-history fills itself; the rest copy the recorded row.
_HISTORY_OWN = frozenset(
    {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
)
# Databases with a backend of their own: vendor -> module exposing `backend`.
_BACKENDS = {"postgresql": "unions.importing.postgresql"}


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


class PortableBackend:
    """How the writer talks to a database, in plain SQL any of Django's databases runs."""

    # Column types of a staging table, by the kinds stages declare.
    types = {"text": "text", "int": "integer", "date": "text", "flag": "integer", "bool": "integer"}
    # SQLite caps the number of parameters of a statement (999 in old builds).
    max_parameters = 900

    def begin(self, connection: BaseDatabaseWrapper) -> None:
        """Session settings for a run's writes, inside its transaction."""

    def end(self, connection: BaseDatabaseWrapper) -> None:
        """Undo `begin`, after a failure too."""

    def send_later(self, connection: BaseDatabaseWrapper) -> contextlib.AbstractContextManager:
        """A context in which statements may be sent without waiting for their results; leaving
        it waits for them all (and raises the first error). Here: statements simply run."""
        return contextlib.nullcontext()

    def insert(
        self,
        connection: BaseDatabaseWrapper,
        table: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[object]],
    ) -> None:
        names = ", ".join(quote(name) for name in columns)
        marks = ", ".join(["%s"] * len(columns))
        with connection.cursor() as cursor:
            cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)

    def empty(self, connection: BaseDatabaseWrapper, table: str) -> None:
        """Empty a stage, so that it is read back in the order it is filled next."""
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {quote(table)}")

    def last_id(self, connection: BaseDatabaseWrapper, table: str) -> int:
        """An id that every row inserted next will exceed (ids are never reused here)."""
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {quote(table)}")
            return cursor.fetchone()[0]

    def select_in(
        self, connection: BaseDatabaseWrapper, base_sql: str, keys: Sequence[object]
    ) -> list[tuple]:
        """Rows of ``base_sql`` (``SELECT … WHERE column``) whose column is one of `keys`."""
        found: list[tuple] = []
        with connection.cursor() as cursor:
            for start in range(0, len(keys), self.max_parameters):
                part = keys[start : start + self.max_parameters]
                cursor.execute(f"{base_sql} IN ({', '.join(['%s'] * len(part))})", list(part))
                found.extend(cursor.fetchall())
        return found


def backend_for(using: BaseDatabaseWrapper) -> PortableBackend:
    module = _BACKENDS.get(using.vendor)
    if module is None:
        return PortableBackend()
    return importlib.import_module(module).backend


class Stage:
    """A temporary table holding a chunk's rows until one statement writes them.

    ``columns`` are ``(name, kind)`` pairs, kind being ``text``, ``int``, ``date``, ``flag``
    (0/1) or ``bool``. Create it inside the run's transaction: rolling back drops it too.
    """

    def __init__(
        self, columns: Sequence[tuple[str, str]], using: BaseDatabaseWrapper | None = None
    ) -> None:
        self.columns = tuple(columns)
        self.name = f"import_stage_{uuid.uuid4().hex[:16]}"
        self.table = quote(self.name)
        self.count = 0
        self.connection = using if using is not None else connections[DEFAULT_DB_ALIAS]
        self.backend = backend_for(self.connection)

    def create(self) -> None:
        types = self.backend.types
        definition = ", ".join(f"{quote(name)} {types[kind]}" for name, kind in self.columns)
        with self.connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({definition})")

    def clear(self) -> None:
        if self.count:
            self.backend.empty(self.connection, self.name)
            self.count = 0

    def append(self, rows: Sequence[Sequence[object]]) -> None:
        if rows:
            names = [name for name, _kind in self.columns]
            self.backend.insert(self.connection, self.name, names, rows)
            self.count += len(rows)

    def drop(self) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def select_by_keys(
    table: str,
    columns: Sequence[str],
    key: str,
    keys: Sequence[object],
    using: BaseDatabaseWrapper | None = None,
) -> list[tuple]:
    """Rows of ``table`` whose ``key`` is one of ``keys``: one query per chunk of rows.

    Raw SQL, because the ORM's per-row overhead is most of the cost at this volume.
    """
    if not keys:
        return []
    using = using if using is not None else connections[DEFAULT_DB_ALIAS]
    selected = ", ".join(quote(column) for column in columns)
    base = f"SELECT {selected} FROM {quote(table)} WHERE {quote(key)}"
    return backend_for(using).select_in(using, base, keys)


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
    done for a whole chunk in one statement.
    """
    sql = f"{history_insert_sql(model, alias='t', type_sql=type_sql)} {from_sql}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, reason[:100], user_id, *params])
        return cursor.rowcount


@dataclass(frozen=True, slots=True)
class RowWrite:
    """What one row writes: its values (a named record in the writer's column order), and for
    a stored row its id and the extra staged values (`BulkWriter` ``extras``)."""

    values: tuple
    id: int | None = None
    extras: tuple = ()

    @property
    def is_new(self) -> bool:
        return self.id is None

    def changed_row(self) -> tuple:
        return (self.id, *self.values, *self.extras)


class BulkWriter:
    """Writes one import's new and changed rows of one model, a chunk at a time, set-based.

    - ``columns``: ``(name, kind)`` of the columns an import writes, in the order of the values
      it passes; ``kept`` names those an update leaves as stored (the key, say);
    - ``extras``: ``(name, kind)`` of staged values that are not columns (a flag for what the
      writer's subclass does after the update, such as headcounts);
    - the run's batch, time, reason and user stamp every row and history row.

    Subclasses add what a model writes besides its rows in `after_new` and `after_changed`.
    """

    def __init__(
        self,
        model: type[Model],
        *,
        columns: Sequence[tuple[str, str]],
        run,
        kept: Sequence[str] = (),
        extras: Sequence[tuple[str, str]] = (),
    ) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.columns = tuple(columns)
        self.kept = frozenset(kept)
        self.extras = tuple(extras)
        self.run = run
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.backend = backend_for(self.connection)
        self.stage: Stage | None = None
        # Statements sent and not yet waited for (`send_later`), until `settle`.
        self._sent: contextlib.ExitStack | None = None
        ops = self.connection.ops
        self.now = ops.adapt_datetimefield_value(run.now)
        self.today = ops.adapt_datefield_value(run.today)

    def begin(self) -> None:
        self.backend.begin(self.connection)
        self.stage = Stage((("id", "int"), *self.columns, *self.extras), using=self.connection)
        self.stage.create()

    def end(self) -> None:
        try:
            self.settle()
            self.backend.end(self.connection)
        finally:
            if self.stage is not None:
                self.stage.drop()

    def settle(self) -> None:
        """Wait until the server has run every statement sent; raise the first that failed."""
        sent, self._sent = self._sent, None
        if sent is not None:
            with self.connection.wrap_database_errors:
                sent.close()

    def write(self, rows: Sequence[RowWrite]) -> None:
        """Write a chunk's decisions: new rows inserted, stored ones updated.

        The statements that follow each insert or update (history, headcounts) are sent
        without waiting: the server runs them while the import classifies its next chunk,
        and `settle` waits for them.
        """
        self.settle()
        new = [row.values for row in rows if row.is_new]
        changed = [row.changed_row() for row in rows if not row.is_new]
        if new:
            self._insert(new)
        if changed:
            self._update(changed)

    # Parameters of the history rows: date, reason, user.
    @property
    def _history(self) -> list[object]:
        return [self.now, self.run.reason, self.run.user_id]

    def _insert(self, rows: Sequence[Sequence[object]]) -> None:
        # Staged first: filling the bare stage is quick, and moving the rows into their table
        # (its indexes, its keys) is one more statement that the server runs without the
        # import waiting for it.
        last = self.backend.last_id(self.connection, self.table)
        stage = self.stage
        stage.clear()
        no_extras = (None,) * len(self.extras)
        stage.append([(None, *row, *no_extras) for row in rows])
        names = ", ".join(quote(name) for name, _kind in self.columns)
        staged = ", ".join(f"s.{quote(name)}" for name, _kind in self.columns)
        # This chunk's rows: above the last id, and stamped with the batch.
        where = f"FROM {quote(self.table)} t WHERE t.id > %s AND t.last_import_batch_id = %s"
        params = [last, self.run.batch_id]
        self._send_later()
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {quote(self.table)} "
                f"({names}, last_import_batch_id, created_at, updated_at) "
                f"SELECT {staged}, %s, %s, %s FROM {stage.table} s",
                [self.run.batch_id, self.now, self.now],
            )
            history = history_insert_sql(self.model, alias="t", type_sql="'+'")
            cursor.execute(f"{history} {where}", [*self._history, *params])
            self.after_new(cursor, where, params)

    def _update(self, rows: Sequence[Sequence[object]]) -> None:
        self.settle()  # the stage is filled by COPY, which waits for nothing sent before it
        stage = self.stage
        stage.clear()
        stage.append(rows)
        table, s = quote(self.table), stage.table
        assignments = ", ".join(
            f"{quote(name)} = s.{quote(name)}"
            for name, _kind in self.columns
            if name not in self.kept
        )
        self._send_later()
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET {assignments}, last_import_batch_id = %s, updated_at = %s "
                f"FROM {s} s WHERE {table}.id = s.id",
                [self.run.batch_id, self.now],
            )
            history = history_insert_sql(self.model, alias="t", type_sql="'~'")
            cursor.execute(f"{history} FROM {s} s JOIN {table} t ON t.id = s.id", self._history)
            self.after_changed(cursor, s)

    def _send_later(self) -> None:
        if self._sent is None:
            self._sent = contextlib.ExitStack()
            self._sent.enter_context(self.backend.send_later(self.connection))

    def after_new(self, cursor, where: str, params: list[object]) -> None:
        """Write what new rows bring besides themselves; ``where`` (``FROM … t WHERE …``,
        with ``params``) selects this chunk's new rows as ``t``."""

    def after_changed(self, cursor, stage_table: str) -> None:
        """Write what changed rows bring besides themselves, from the stage (aliased ``s``)."""


class WritesInBulk:
    """The writing steps of a spec whose every chunk goes straight to one `BulkWriter`.

    Mixed in before `ImportSpec`; the spec says which writer in `make_writer`.
    """

    writer: BulkWriter | None = None

    def make_writer(self) -> BulkWriter:
        raise NotImplementedError

    def begin(self) -> None:
        self.writer = self.make_writer()
        self.writer.begin()

    def stage(self, rows: list) -> None:
        """Each chunk is written at once, while the child reads the next."""
        self.writer.write([row.data for row in rows])

    def write(self) -> None:
        """Nothing left: every chunk was written as it came."""

    def settle(self) -> None:
        if self.writer is not None:
            self.writer.settle()

    def end(self) -> None:
        if self.writer is not None:
            self.writer.end()
