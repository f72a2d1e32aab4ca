"""Checking a backup: restore a pg_dump file into a scratch database and compare row counts.

A backup is only known to be good once it has been restored. `verify_backup` restores the file
into a database of its own, created for the check and dropped after it (never the configured
one), then counts the rows of every table there and in the configured database. The counts are
compared with the live database, not with figures written at dump time, so the check belongs
right after the dump (docs/deploy.md runs both from one cron job at night): anything written in
between, a sign-in or an import, shows as a difference.

Custom-format archives (`pg_dump -Fc`, what docs/deploy.md makes), tar and directory archives
go through pg_restore. A plain SQL file goes through psql, but only in the form pg_dump 15.14
and later write it, which switches off psql's backslash commands for the whole script: psql
would otherwise run any `\\!` shell command a file contains.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _
from psycopg import sql

ARCHIVE_MAGIC = b"PGDMP"  # the first bytes of a custom-format archive
TAR_MAGIC = b"ustar"  # at offset 257 of a tar archive (pg_dump -Ft)
MAX_DATABASE_NAME = 63  # PostgreSQL's NAMEDATALEN - 1
USER_TABLES = """
    SELECT schemaname, tablename FROM pg_catalog.pg_tables
    WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
    ORDER BY schemaname, tablename
"""


class BackupNotRestorable(Exception):
    """The file is not a pg_dump backup, or restoring it failed."""


class NotPostgreSQL(Exception):
    """The configured database is not PostgreSQL: there is no pg_dump backup to check."""


@dataclass(frozen=True)
class TableCount:
    table: str
    in_backup: int | None  # None: the table is not in the backup
    in_database: int | None  # None: the table is not in the configured database

    @property
    def matches(self) -> bool:
        return self.in_backup == self.in_database


@dataclass(frozen=True)
class BackupCheck:
    scratch_database: str
    tables: list[TableCount]

    @property
    def differences(self) -> list[TableCount]:
        return [table for table in self.tables if not table.matches]


def verify_backup(path: Path, *, using: str = DEFAULT_DB_ALIAS) -> BackupCheck:
    """Restore the backup into a scratch database and count every table there and here."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        raise NotPostgreSQL(
            _(
                "The configured database is %(vendor)s: backups are checked on PostgreSQL only "
                "(set DATABASE_URL to the production database)."
            )
            % {"vendor": connection.display_name}
        )
    restore = _restorer(Path(path))
    settings_dict = connection.settings_dict
    with _scratch_database(settings_dict) as scratch:
        restore(scratch, _client_environment(settings_dict))
        with _connect(settings_dict, scratch) as restored, restored.cursor() as cursor:
            in_backup = table_counts(cursor)
    with connection.cursor() as cursor:
        in_database = table_counts(cursor)
    tables = [
        TableCount(name, in_backup.get(name), in_database.get(name))
        for name in sorted(in_backup.keys() | in_database.keys())
    ]
    return BackupCheck(scratch_database=scratch, tables=tables)


def table_counts(cursor) -> dict[str, int]:
    """Rows of every user table the cursor's database holds, by (schema-qualified) name."""
    cursor.execute(USER_TABLES)
    counts = {}
    for schema, table in cursor.fetchall():
        cursor.execute(
            sql.SQL("SELECT count(*) FROM {}.{}")
            .format(sql.Identifier(schema), sql.Identifier(table))
            .as_string(cursor.connection)
        )
        name = table if schema == "public" else f"{schema}.{table}"
        counts[name] = cursor.fetchone()[0]
    return counts


# --- Restoring -----------------------------------------------------------------------------------


def _restorer(path: Path):
    """How to restore this file, decided from its first bytes; refuses what is not a backup."""
    if path.is_dir():
        return _archive_restorer(path)  # pg_dump -Fd
    try:
        with path.open("rb") as file:
            head = file.read(512)
    except OSError as error:
        raise BackupNotRestorable(
            _("The file %(path)s cannot be read: %(error)s") % {"path": path, "error": error}
        ) from None
    if head.startswith(ARCHIVE_MAGIC) or head[257:262] == TAR_MAGIC:
        return _archive_restorer(path)
    if head.startswith(b"--"):
        _require_restricted_script(path)
        return _plain_restorer(path)
    raise BackupNotRestorable(
        _("%(path)s is not a pg_dump backup (custom format, or plain SQL).") % {"path": path}
    )


def _archive_restorer(path: Path):
    def restore(scratch: str, environment: dict[str, str]) -> None:
        _run(
            [
                _tool("pg_restore"),
                "--no-owner",
                "--no-privileges",
                "--exit-on-error",
                "--dbname",
                scratch,
                str(path),
            ],
            environment,
        )

    return restore


def _plain_restorer(path: Path):
    def restore(scratch: str, environment: dict[str, str]) -> None:
        _run(
            [
                _tool("psql"),
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set",
                "ON_ERROR_STOP=1",
                "--dbname",
                scratch,
                "--file",
                str(path),
            ],
            environment,
        )

    return restore


def _require_restricted_script(path: Path) -> None:
    r"""A plain dump must open with \restrict and close with \unrestrict, as pg_dump writes it.

    Between the two psql refuses every backslash command, so the script can only be SQL.
    """
    key = None
    after_unrestrict = False
    with path.open("r", encoding="utf-8", errors="replace") as file:
        for line in file:
            text = line.strip()
            if not text or text.startswith("--"):
                continue
            if after_unrestrict:
                key = None  # something after the end: refuse
                break
            if key is None:
                if not text.startswith("\\restrict "):
                    break
                key = text.split(maxsplit=1)[1]
            elif text == f"\\unrestrict {key}":
                after_unrestrict = True
    if key is None or not after_unrestrict:
        raise BackupNotRestorable(
            _(
                "%(path)s is a plain SQL file, but not as pg_dump 15.14 or later writes it "
                "(between \\restrict and \\unrestrict). Make backups with pg_dump -Fc."
            )
            % {"path": path}
        )


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupNotRestorable(
            _("%(tool)s is not installed: apt-get install postgresql-client-15") % {"tool": name}
        )
    return found


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()[-3:]
        raise BackupNotRestorable(
            _("Restoring the backup failed: %(detail)s") % {"detail": " / ".join(detail)}
        )


# --- The scratch database ------------------------------------------------------------------------


@contextmanager
def _scratch_database(settings_dict: dict) -> Iterator[str]:
    """A new, empty database beside the configured one, dropped again whatever happens."""
    live = settings_dict["NAME"]
    suffix = f"_verify_{secrets.token_hex(4)}"
    name = live[: MAX_DATABASE_NAME - len(suffix)] + suffix
    assert name != live  # never the configured database
    # CREATE and DROP DATABASE cannot run in a transaction: a connection of their own.
    with _connect(settings_dict, live, autocommit=True) as server:
        server.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8'").format(
                sql.Identifier(name)
            )
        )
    try:
        yield name
    finally:
        with _connect(settings_dict, live, autocommit=True) as server:
            server.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def _connect(settings_dict: dict, dbname: str, *, autocommit: bool = False) -> psycopg.Connection:
    parameters = {
        "dbname": dbname,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "sslmode": settings_dict.get("OPTIONS", {}).get("sslmode"),
    }
    return psycopg.connect(
        autocommit=autocommit, **{key: value for key, value in parameters.items() if value}
    )


def _client_environment(settings_dict: dict) -> dict[str, str]:
    """pg_restore's and psql's connection, as libpq variables: no password on a command line."""
    environment = dict(os.environ)
    for variable, value in [
        ("PGHOST", settings_dict.get("HOST")),
        ("PGPORT", settings_dict.get("PORT")),
        ("PGUSER", settings_dict.get("USER")),
        ("PGPASSWORD", settings_dict.get("PASSWORD")),
        ("PGSSLMODE", settings_dict.get("OPTIONS", {}).get("sslmode")),
    ]:
        if value:
            environment[variable] = str(value)
    return environment
