"""`manage.py verify_backup`, following docs/deploy.md's backup steps on PostgreSQL.

`pg_dump -Fc` of the test database (what the nightly job runs), then `verify_backup` on the
file: 0 when it matches, 1 once the database has changed, 2 for a file that cannot be restored.
Those tests skip on SQLite, and where pg_dump is not installed unless REQUIRE_PG_TOOLS is set
(as in CI), where its absence fails them; the refusal to run on SQLite is tested on both.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tests.factories import make_enterprise
from unions.models import Enterprise

pytestmark = pytest.mark.django_db


@pytest.fixture
def postgresql_tools():
    if connection.vendor != "postgresql":
        pytest.skip("verify_backup checks PostgreSQL backups; this run is on SQLite")
    missing = [tool for tool in ("pg_dump", "pg_restore", "psql") if shutil.which(tool) is None]
    if missing:
        reason = f"{', '.join(missing)} not installed (apt-get install postgresql-client-15)"
        if os.environ.get("REQUIRE_PG_TOOLS"):
            pytest.fail(reason + "; REQUIRE_PG_TOOLS is set", pytrace=False)
        pytest.skip(reason)


def pg_dump(target: Path, *options: str) -> Path:
    """docs/deploy.md's backup command, run against the test database."""
    settings_dict = connection.settings_dict
    environment = dict(os.environ)
    for variable, key in [
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
    ]:
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    subprocess.run(
        ["pg_dump", *options, "--file", str(target), settings_dict["NAME"]],
        env=environment,
        check=True,
    )
    return target


@pytest.fixture
def backup(postgresql_tools, tmp_path) -> Path:
    return pg_dump(tmp_path / "congdoan.dump", "-Fc")


def verify(path: Path) -> tuple[int, str]:
    """The command's exit status and what it printed, as cron would see them."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_backup", str(path), stdout=out, stderr=err)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


def scratch_databases() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            [connection.settings_dict["NAME"][:40] + "%_verify_%"],
        )
        return [name for (name,) in cursor.fetchall()]


def test_a_fresh_dump_matches_the_database(backup):
    status, output = verify(backup)
    assert status == 0, output
    # A table in Vietnamese: every table, its rows in the backup and in the database.
    assert "Bảng" in output and "khớp" in output
    assert "unions_administrativeunit" in output and "≠" not in output
    assert scratch_databases() == []  # created for the check, dropped after it


def test_a_database_changed_since_the_dump_differs(backup):
    make_enterprise(district="213")
    status, output = verify(backup)
    assert status == 1
    (line,) = [line for line in output.splitlines() if line.startswith("unions_enterprise ")]
    assert line.split()[1:] == ["0", "1", "≠"]
    assert Enterprise.objects.count() == 1  # the configured database is only read
    assert scratch_databases() == []


def test_a_truncated_file_cannot_be_restored(backup, tmp_path):
    truncated = tmp_path / "cut.dump"
    truncated.write_bytes(backup.read_bytes()[: backup.stat().st_size // 2])
    status, output = verify(truncated)
    assert status == 2
    assert "pg_restore" in output
    assert scratch_databases() == []


def test_a_file_that_is_no_backup_is_refused(postgresql_tools, tmp_path):
    other = tmp_path / "notes.xlsx"
    other.write_bytes(b"PK\x03\x04 not a dump")
    assert verify(other)[0] == 2
    assert verify(tmp_path / "missing.dump")[0] == 2


def test_a_plain_sql_dump_is_checked_too(postgresql_tools, tmp_path):
    status, output = verify(pg_dump(tmp_path / "congdoan.sql"))
    assert status == 0, output


def test_a_plain_script_that_is_not_a_pg_dump_never_runs(postgresql_tools, tmp_path):
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sql"
    script.write_text(f"-- looks like a dump\n\\! touch {marker}\nSELECT 1;\n")
    assert verify(script)[0] == 2
    assert not marker.exists()


def test_it_refuses_to_run_on_sqlite(monkeypatch, tmp_path):
    if connection.vendor != "sqlite":  # on PostgreSQL, as if the settings named SQLite
        monkeypatch.setattr(connection, "vendor", "sqlite")
        monkeypatch.setattr(connection, "display_name", "SQLite")
    status, output = verify(tmp_path / "any.dump")
    assert status == 2
    assert "PostgreSQL" in output and "SQLite" in output
