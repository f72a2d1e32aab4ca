"""The benchmark starts each new-file run from an empty enterprise table and what hangs on it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from benchmarks.bench_import import _truncate_enterprises
from tests import factories
from unions.models import Enterprise, GrassrootsUnion, Headcount

pytestmark = pytest.mark.django_db


def test_truncating_enterprises_empties_their_history_headcounts_and_unions():
    if connection.vendor != "postgresql":
        pytest.skip("the benchmark runs on PostgreSQL: TRUNCATE")
    union = factories.make_union()
    Headcount.objects.create(enterprise=union.enterprise, on=datetime.date(2024, 1, 1), workers=9)
    with connection.cursor() as cursor:
        # The test's own transaction still holds the deferred checks of the rows above;
        # the benchmark truncates outside any.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    _truncate_enterprises()
    assert not Enterprise.objects.exists()
    assert not Enterprise.history.exists()
    assert not Headcount.objects.exists()
    assert not GrassrootsUnion.objects.exists()
