"""Imports that are the outermost transaction, as in production, not inside a test's own.

Only then does a rollback really throw away the chunks a run wrote as it went. These tests
commit, so the database is emptied after each: the units are loaded again for each one.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connections, transaction

from tests import factories
from tests.unions.import_files import run
from unions.enterprises.enterprise_import import EnterpriseImport, EnterpriseWriter
from unions.models import Enterprise, GrassrootsUnion, Headcount, ImportBatch
from unions.organisations.loading import load_province

HEADER = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Huyện", "Số lao động"]


@pytest.fixture
def units(transactional_db):
    load_province("24")


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(EnterpriseImport, "chunk_size", 2)


@pytest.fixture
def second_connections(monkeypatch):
    """The extra connections the run opens, to check that each is closed again."""
    opened = []
    create = connections.create_connection

    def spy(alias):
        wrapper = create(alias)
        opened.append(wrapper)
        return wrapper

    monkeypatch.setattr(connections, "create_connection", spy)
    return opened


def stored_and_new_rows():
    """Three stored enterprises (one changed, two as stored) among five new ones."""
    stored = [factories.make_enterprise(district="215", workers=10 + n) for n in range(3)]
    rows = [HEADER]
    for n in range(5):
        rows.append([n, factories.next_tax_code(), f"Công ty Mới {n}", "Huyện Yên Thế", n + 1])
        if n < 3:
            workers = 30 if n == 0 else stored[n].workers
            rows.append([n, stored[n].tax_code, stored[n].name, "Huyện Yên Thế", workers])
    return rows, stored


def counts():
    return (Enterprise.objects.count(), Enterprise.history.count(), Headcount.objects.count())


def test_new_changed_and_unchanged_rows_are_told_apart_over_many_chunks(
    tmp_path, units, small_chunks, second_connections
):
    rows, stored = stored_and_new_rows()
    result = run(tmp_path, rows)
    assert (result.exit_code, result.created, result.updated, result.unchanged) == (0, 5, 1, 2)
    assert Enterprise.objects.get(pk=stored[0].pk).workers == 30
    new = Enterprise.objects.filter(name__startswith="Công ty Mới")
    assert sorted(new.values_list("workers", flat=True)) == [1, 2, 3, 4, 5]
    assert Enterprise.history.filter(history_type="+", name__startswith="Công ty Mới").count() == 5
    assert Enterprise.history.filter(history_type="~").count() == 1
    assert Headcount.objects.filter(batch=result.batch).count() == 6
    # One connection does it all: the child that reads the file opens none.
    assert second_connections == []


def test_a_database_error_in_a_later_chunk_leaves_nothing_written(
    tmp_path, units, small_chunks, monkeypatch
):
    rows, _stored = stored_and_new_rows()
    before = counts()
    write_chunk = EnterpriseWriter.write
    calls = []

    def fail_on_the_third_chunk(self, *args):
        calls.append(1)
        if len(calls) == 3:
            raise IntegrityError("duplicate key value violates unique constraint")
        write_chunk(self, *args)

    monkeypatch.setattr(EnterpriseWriter, "write", fail_on_the_third_chunk)
    result = run(tmp_path, rows)
    assert result.exit_code == 2
    assert result.error.startswith("Cơ sở dữ liệu từ chối việc nhập")
    assert counts() == before
    assert ImportBatch.objects.get().outcome == ImportBatch.Outcome.FILE_ERROR


def test_a_statement_sent_without_waiting_that_fails_leaves_nothing_written(
    tmp_path, units, small_chunks, monkeypatch
):
    # Headcounts follow each chunk's insert without waiting for it (pipeline mode on
    # PostgreSQL): the server's refusal is read at the next wait, and still rolls all back.
    rows, _stored = stored_and_new_rows()
    before = counts()
    after_new = EnterpriseWriter.after_new
    calls = []

    def refuse_the_second_chunk(self, cursor, where, params):
        after_new(self, cursor, where, params)
        calls.append(1)
        if len(calls) == 2:
            cursor.execute("INSERT INTO unions_headcount (id) VALUES (NULL)")

    monkeypatch.setattr(EnterpriseWriter, "after_new", refuse_the_second_chunk)
    result = run(tmp_path, rows)
    assert result.exit_code == 2
    assert result.error.startswith("Cơ sở dữ liệu từ chối việc nhập")
    assert counts() == before


def test_a_row_error_in_a_later_chunk_rolls_back_the_chunks_already_written(
    tmp_path, units, small_chunks
):
    rows, _stored = stored_and_new_rows()
    rows.append([9, "12", "Công ty Lỗi", "Huyện Yên Thế", 5])
    before = counts()
    result = run(tmp_path, rows)
    assert result.exit_code == 1 and result.created == 5
    assert counts() == before


def test_foreign_keys_are_deferred_again_for_the_rest_of_an_enclosing_transaction(tmp_path, units):
    rows, _stored = stored_and_new_rows()
    with transaction.atomic():
        assert run(tmp_path, rows).exit_code == 0
        # Django defers foreign-key checks to the commit: a union may name its enterprise
        # before the enterprise exists, as long as it exists by then.
        later_id = Enterprise.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
        later = Enterprise(pk=later_id, name="Công ty Sau")
        factories.make_union(enterprise=later, upper_union=factories.federation("215"))
        factories.make_enterprise(pk=later_id, district="215")
    assert GrassrootsUnion.objects.filter(enterprise_id=later_id).exists()


def test_a_foreign_key_left_dangling_is_still_refused_at_commit(tmp_path, units):
    with pytest.raises(DatabaseError, match="(?i)foreign key"), transaction.atomic():
        assert run(tmp_path, stored_and_new_rows()[0]).exit_code == 0
        missing = Enterprise(pk=10**9, name="Công ty Không Có")
        factories.make_union(enterprise=missing, upper_union=factories.federation("215"))
