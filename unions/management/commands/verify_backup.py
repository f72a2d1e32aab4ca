"""`verify_backup FILE`: restore a pg_dump backup into a scratch database and compare row counts.

Exit status: 0 when every table has as many rows as in the configured database, 1 when some
differ (or are missing on one side), 2 when the backup cannot be checked: the file cannot be
restored, or the configured database is not PostgreSQL. See `unions.backups` and
docs/deploy.md ("Backups").
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from unions.backups import BackupCheck, BackupNotRestorable, NotPostgreSQL, verify_backup

DIFFERENT = 1
NOT_RESTORABLE = 2


class Command(BaseCommand):
    help = (
        "Restore a pg_dump file (custom format, or plain SQL) into a scratch database, "
        "compare every table's row count with the configured database, then drop it. "
        "Exit 0: all match; 1: some differ; 2: the file cannot be restored."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the backup, e.g. congdoan-2025-06-16.dump")

    def handle(self, *args, file: Path, **options):
        try:
            check = verify_backup(file)
        except (BackupNotRestorable, NotPostgreSQL) as error:
            raise CommandError(str(error), returncode=NOT_RESTORABLE) from None
        self.stdout.write(
            _(
                "The backup %(file)s was restored into the scratch database %(name)s, dropped "
                "again after counting."
            )
            % {"file": file, "name": check.scratch_database}
        )
        self.stdout.write(self.table(check))
        differences = check.differences
        if differences:
            raise CommandError(
                _(
                    "The backup does not match the database: %(count)d of %(total)d tables "
                    "differ (marked ≠)."
                )
                % {"count": len(differences), "total": len(check.tables)},
                returncode=DIFFERENT,
            )
        self.stdout.write(
            self.style.SUCCESS(
                _("The backup matches the database: %(total)d tables, %(rows)s rows.")
                % {
                    "total": len(check.tables),
                    "rows": number_format(
                        sum(table.in_database for table in check.tables), force_grouping=True
                    ),
                }
            )
        )

    def table(self, check: BackupCheck) -> str:
        """One line per table: its rows in the backup and in the database, ≠ where they differ."""
        headers = [_("Table"), _("In the backup"), _("In the database"), ""]
        rows = [
            [
                table.table,
                _count(table.in_backup),
                _count(table.in_database),
                "" if table.matches else "≠",
            ]
            for table in check.tables
        ]
        widths = [max(len(row[index]) for row in [headers, *rows]) for index in range(3)]

        def line(cells: list[str]) -> str:
            name, backup, database, mark = cells
            return "  ".join(
                [name.ljust(widths[0]), backup.rjust(widths[1]), database.rjust(widths[2]), mark]
            ).rstrip()

        rule = "-" * len(line(headers[:3] + [""]))
        return "\n".join(["", line(headers), rule, *(line(row) for row in rows), rule])


def _count(value: int | None) -> str:
    return _("missing") if value is None else number_format(value, force_grouping=True)
