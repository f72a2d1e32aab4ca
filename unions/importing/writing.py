"""Set-based writing for imports: a staging table, and history rows written in bulk.

The valid rows of a run are copied into a temporary table as they are classified: with COPY on
PostgreSQL (psycopg 3 ``cursor.copy``), with ``executemany`` on SQLite. Once the whole file has
been read and it is known that the run may write, a few statements move them into place:
``INSERT … SELECT`` for new rows, ``UPDATE … FROM`` for changed ones, then history and headcount
rows selected from what was written. Both backends run the same SQL; only the copy differs.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from django.db import connection
from django.db.models import Model

__all__ = ["Stage", "history_columns", "insert_history", "quote", "select_by_keys"]

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

    def __init__(self, columns: Sequence[tuple[str, str]]) -> None:
        self.columns = tuple(columns)
        self.name = f"import_stage_{uuid.uuid4().hex[:16]}"
        self.table = quote(self.name)
        self.count = 0
        self._names = ", ".join(quote(name) for name, _kind in self.columns)

    def create(self) -> None:
        types = _TYPES.get(connection.vendor, _TYPES["sqlite"])
        definition = ", ".join(f"{quote(name)} {types[kind]}" for name, kind in self.columns)
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TEMPORARY TABLE {self.table} ({definition})")

    def append(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                sql = f"COPY {self.table} ({self._names}) FROM STDIN"
                with cursor.cursor.copy(sql) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} VALUES ({marks})", rows)
        self.count += len(rows)

    def drop(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.table}")


def select_by_keys(
    table: str, columns: Sequence[str], key: str, keys: Sequence[object]
) -> list[tuple]:
    """Rows of ``table`` whose ``key`` is one of ``keys``: one query per chunk of rows.

    Raw SQL, because the ORM's per-row overhead is most of the cost at this volume; on
    PostgreSQL an array parameter (``= ANY``) plans far faster than thousands of ``IN`` ones.
    """
    if not keys:
        return []
    selected = ", ".join(quote(column) for column in columns)
    base = f"SELECT {selected} FROM {quote(table)} WHERE {quote(key)}"
    found: list[tuple] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
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
    source = ", ".join(f"t.{quote(column)}" for column in columns)
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({target}) "
        f"SELECT {source}, %s, %s, {type_sql}, %s {from_sql}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, reason[:100], user_id, *params])
        return cursor.rowcount
