"""Nothing lost on upgrade (TERRITORY.md): a database of the district era keeps its figures.

`upgrade/bac_giang_2024.json.gz` is what `seed_demo --scale tiny --seed 7` wrote at 8820279, the
last commit before the two-level territory, after `load_units` (units of vietnam-provinces
0.6.0), dumped with `dumpdata unions referrals auth.user` (groups left out: their permissions are
ids of that database). `upgrade/figures_before.json` holds that commit's `coverage_report` and
`pipeline_report` documents for dates before 1/7/2025. The test rebuilds that database at the
schema of then (migration 0013), migrates it to today's, runs `load_units` as an upgrade does,
and compares.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from unions.models import AdministrativeUnit, Enterprise

HERE = Path(__file__).resolve().parent / "upgrade"
BEFORE = ("unions", "0013_import_batch_state")
FIGURES = ("province", "districts")


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _schema_of_then() -> list[tuple[str, str]]:
    """Every app at its last migration, but unions at the one before the territory."""
    leaves = MigrationExecutor(connection).loader.graph.leaf_nodes()
    return [BEFORE, *(leaf for leaf in leaves if leaf[0] != BEFORE[0])]


def _load_into_old_schema() -> None:
    """The dump loaded through the models of migration 0013, not today's."""
    old_apps = MigrationExecutor(connection).loader.project_state(_schema_of_then()).apps
    records = json.loads(gzip.decompress((HERE / "bac_giang_2024.json.gz").read_bytes()))
    models = {}
    with transaction.atomic():  # foreign keys are checked at the end, as loaddata does
        for record in records:
            model = old_apps.get_model(record["model"])
            models[model._meta.db_table] = model
            values = {"pk": record["pk"]}
            for name, value in record["fields"].items():
                field = model._meta.get_field(name)
                key = field.attname if field.is_relation else name
                values[key] = value if field.is_relation else field.to_python(value)
            model.objects.create(**values)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), models.values()):
                cursor.execute(statement)


def _document(command: str, *args: str) -> dict:
    out = io.StringIO()
    call_command(command, "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def _figures(document: dict) -> dict:
    """The numbers of a document, by unit: what must not change, whatever keys join them."""
    units = [document["province"], *document["districts"]]
    return {unit["code"]: {k: v for k, v in unit.items() if k not in ("name",)} for unit in units}


@pytest.fixture
def upgraded(transactional_db):
    call_command("flush", interactive=False, verbosity=0)
    _migrate(_schema_of_then())
    _load_into_old_schema()
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    call_command("load_units", stdout=io.StringIO())


@pytest.mark.usefixtures("upgraded")
@pytest.mark.parametrize(
    ("command", "args", "key"),
    [
        ("coverage_report", ("--as-of", "2023-06-30"), "coverage 2023-06-30"),
        ("coverage_report", ("--as-of", "2024-12-31"), "coverage 2024-12-31"),
        ("coverage_report", ("--as-of", "2025-06-30"), "coverage 2025-06-30"),
        ("pipeline_report", ("--year", "2023"), "pipeline 2023"),
        ("pipeline_report", ("--year", "2024"), "pipeline 2024"),
    ],
)
def test_every_figure_dated_before_1_7_2025_is_unchanged(command, args, key):
    before = json.loads((HERE / "figures_before.json").read_text(encoding="utf-8"))[key]
    after = _document(command, *args)
    assert _figures(after) == _figures(before)
    assert after["province"]["name"] == "Tỉnh Bắc Giang"


@pytest.mark.usefixtures("upgraded")
def test_every_enterprise_has_its_commune_of_today_or_is_unplaced():
    enterprises = Enterprise.objects.select_related("commune", "current_commune")
    assert enterprises.count() == 60
    for enterprise in enterprises:
        if enterprise.commune is None:
            assert enterprise.current_commune is None  # unplaced: known by its district only
        else:
            assert enterprise.current_commune is not None, enterprise.commune
            assert enterprise.current_commune.valid_until is None
            assert enterprise.commune in enterprise.current_commune.predecessors.all()
    assert enterprises.filter(current_commune__isnull=False).exists()


@pytest.mark.usefixtures("upgraded")
def test_the_units_of_then_are_ended_and_today_s_are_loaded_beside_them():
    units = AdministrativeUnit.objects
    assert not units.current().filter(level="district").exists()
    assert units.current().filter(level="commune", parent__code="24").count() == 99
    old_bac_giang = units.former().get(level="province", code="24")
    assert old_bac_giang.valid_until.isoformat() == "2025-06-30"
    assert old_bac_giang.successors.get().name == "Tỉnh Bắc Ninh"
    # 0.6.0 listed three communes merged on 1/1/2025 that the package no longer has: kept, and
    # mapped through the commune that took their names.
    tan_an = units.former().get(level="commune", code="07693")
    assert [unit.name for unit in tan_an.successors.all()] == ["Phường Tân An"]
