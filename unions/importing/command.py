"""The shared body of the import commands (``import_enterprises``, ``import_unions``, …).

Exit codes follow IMPORT.md's outcome table: 0 imported (warnings allowed), 1 row errors, 2 a
file-level error. ``--json`` prints exactly one JSON document on stdout; logs go to stderr.
"""

from __future__ import annotations

import json
import logging
import os
import sys

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from unions.importing.engine import ImportResult, ImportSpec, run_import

__all__ = ["ImportCommand"]

logger = logging.getLogger("unions.importing")

# How many errors and warnings the human summary prints; --json and the batch keep more.
SHOWN_ISSUES = 50


class ImportCommand(BaseCommand):
    spec: type[ImportSpec]

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", help="The file: .xlsx, .xls, .ods or .csv.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what the import would do; write nothing."
        )
        parser.add_argument(
            "--skip-errors",
            action="store_true",
            help="Write the valid rows even when other rows have errors.",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            help="Print one JSON document on stdout instead of a summary.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Import with this user's write scope, recorded on the batch.",
        )
        parser.add_argument(
            "--sheet", metavar="NAME", help="The sheet to read (default: the first with a header)."
        )

    def handle(self, *args, **options) -> None:
        with translation.override(settings.LANGUAGE_CODE):
            result = self._run(options)
            if options["json"]:
                self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            else:
                self._summary(result)
        if result.exit_code:
            sys.exit(result.exit_code)

    def _run(self, options) -> ImportResult:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                result = ImportResult(
                    kind=self.spec.kind,
                    file=os.path.basename(options["path"]),
                    dry_run=options["dry_run"],
                )
                result.fail(_("There is no user named “%(name)s”.") % {"name": options["user"]})
                return result
        logger.info("Importing %s", options["path"])
        return run_import(
            spec=self.spec,
            path=options["path"],
            user=user,
            dry_run=options["dry_run"],
            skip_errors=options["skip_errors"],
            sheet=options["sheet"],
        )

    def _summary(self, result: ImportResult) -> None:
        write = self.stdout.write
        if result.error is not None:
            write(
                _("File %(file)s: not imported. %(error)s")
                % {"file": result.file, "error": result.error}
            )
            return
        where = _("File %(file)s, sheet %(sheet)s, header on row %(row)s.") % {
            "file": result.file,
            "sheet": result.sheet or "-",
            "row": result.header_row,
        }
        write(where)
        counts = _(
            "%(rows)d rows: %(created)d new, %(updated)d updated, %(unchanged)d unchanged, "
            "%(invalid)d with errors; %(skipped)d skipped."
        ) % {
            "rows": result.rows,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "invalid": result.invalid,
            "skipped": result.skipped,
        }
        write(counts)
        if result.ignored_columns:
            write(
                _("Columns ignored: %(columns)s.") % {"columns": ", ".join(result.ignored_columns)}
            )
        for notice in result.notices:
            write(notice)
        for title, issues, total in (
            (_("Errors (%(count)d):"), result.errors, result.error_count),
            (_("Warnings (%(count)d):"), result.warnings, result.warning_count),
        ):
            if not issues:
                continue
            write(title % {"count": total})
            for issue in issues[:SHOWN_ISSUES]:
                write(_("  row %(row)d, %(column)s “%(value)s”: %(message)s") % issue._asdict())
            if total > SHOWN_ISSUES:
                write(_("  … and %(count)d more.") % {"count": total - SHOWN_ISSUES})
        if result.dry_run:
            write(_("Dry run: nothing was written."))
        elif result.error_count and not result.skip_errors:
            write(
                _(
                    "Nothing was written: correct the errors, or import the valid rows with "
                    "--skip-errors."
                )
            )
        elif result.error_count:
            write(_("The valid rows were written; the rows with errors were skipped."))
        else:
            write(_("Imported."))
