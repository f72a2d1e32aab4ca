"""An import batch's states and the one table of moves between them (unions.importing.models)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from unions.importing import run_import
from unions.importing.models import TRANSITIONS, ImportBatch, State
from unions.importing.uploads import purge_expired

pytestmark = pytest.mark.django_db


def batch_in(state: str, **fields) -> ImportBatch:
    return ImportBatch.objects.create(
        kind="enterprises", file_name="ds.xlsx", state=state, **fields
    )


@pytest.mark.parametrize(
    ("start", "to"),
    [(start, to) for start, targets in TRANSITIONS.items() for to in sorted(targets)],
)
def test_every_listed_move_is_made(start, to):
    batch = batch_in(start)
    assert ImportBatch.objects.move(batch.pk, to)
    batch.refresh_from_db()
    assert batch.state == to


@pytest.mark.parametrize(
    ("start", "to"),
    [(start, to) for start in State.values for to in State.values if to not in TRANSITIONS[start]],
)
def test_every_other_move_is_refused(start, to):
    batch = batch_in(start)
    assert not ImportBatch.objects.move(batch.pk, to)
    batch.refresh_from_db()
    assert batch.state == start


def test_of_two_claims_of_one_upload_only_the_first_wins():
    batch = batch_in(State.WAITING)
    assert ImportBatch.objects.move(batch.pk, State.RUNNING)
    assert not ImportBatch.objects.move(batch.pk, State.RUNNING)
    assert not ImportBatch.objects.move(batch.pk, State.PREVIEWING)


def test_a_command_run_that_dies_is_left_failed_not_running(tmp_path, monkeypatch):
    from unions.importing import engine

    path = tmp_path / "ds.csv"
    path.write_text("Mã số thuế,Tên doanh nghiệp,Huyện\n0100109106,Một,Huyện Yên Thế\n")

    def boom(self, *args, **kwargs):
        raise RuntimeError("the process dies")

    monkeypatch.setattr(engine._Runner, "run", boom)
    with pytest.raises(RuntimeError):
        run_import(spec="enterprises", path=path)
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.report) == (State.FAILED, {"failure": "import"})


def test_the_purge_ends_a_command_run_stuck_running_as_failed():
    old = timezone.now() - datetime.timedelta(days=3)
    stuck = batch_in(State.RUNNING, started_at=old)
    recent = batch_in(State.RUNNING)
    purge_expired()
    stuck.refresh_from_db()
    recent.refresh_from_db()
    assert (stuck.state, recent.state) == (State.FAILED, State.RUNNING)
