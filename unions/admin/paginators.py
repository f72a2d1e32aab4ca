"""A changelist paginator that does not count a whole large table on every page view."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property

# Under this many rows an exact COUNT(*) is cheap enough and nobody should see an estimate.
ESTIMATE_ABOVE = 10_000


class EstimatedCountPaginator(Paginator):
    """Exact counts for filtered lists (drill-downs must match the figure clicked); an estimate
    for an unfiltered list of a large table: the planner's on PostgreSQL, the highest id on
    SQLite (both read an index or the catalogue, never the table)."""

    @cached_property
    def count(self) -> int:
        query = getattr(self.object_list, "query", None)
        if query is None or query.where:
            return super().count
        estimate = _table_estimate(self.object_list)
        if estimate is None or estimate < ESTIMATE_ABOVE:
            return super().count
        return estimate


def _table_estimate(queryset) -> int | None:
    connection = connections[queryset.db]
    table = queryset.model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table]
            )
        else:
            cursor.execute(f"SELECT MAX(rowid) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]) if row and row[0] and row[0] > 0 else None
