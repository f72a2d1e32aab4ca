"""`coverage_report [--as-of YYYY-MM-DD] [--json]`: the province's union coverage by district."""

from __future__ import annotations

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from unions.enterprises.coverage import coverage_figures


def iso_date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(value)s is not a date in the form YYYY-MM-DD.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = "Union coverage of enterprises with 20+ workers, by district (IMPORT.md)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=str, default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--json", action="store_true", help="print the JSON document")

    def handle(self, *args, as_of=None, json=False, **options):
        document = coverage_figures(as_of=iso_date(as_of) if as_of else None)
        if json:
            self.stdout.write(_dumps(document))
        else:
            self.stdout.write(self.table(document))

    def table(self, document: dict) -> str:
        """A plain table for a terminal, in the active language (Vietnamese by default)."""
        headers = [
            _("District"),
            _("Eligible"),
            _("With union"),
            _("Coverage %"),
            _("Gap"),
            _("Unions"),
        ]
        rows = [
            [
                row["name"],
                number_format(row["eligible"], force_grouping=True),
                number_format(row["with_union"], force_grouping=True),
                "—" if row["coverage_pct"] is None else number_format(row["coverage_pct"], 1),
                number_format(row["gap"], force_grouping=True),
                number_format(row["unions_total"], force_grouping=True),
            ]
            for row in [*document["districts"], document["province"]]
        ]
        widths = [
            max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)
        ]

        def line(cells: list[str]) -> str:
            first, *rest = cells
            return "  ".join(
                [first.ljust(widths[0])]
                + [cell.rjust(width) for cell, width in zip(rest, widths[1:], strict=True)]
            )

        title = _("Union coverage of enterprises with %(threshold)d+ workers, as of %(date)s") % {
            "threshold": document["threshold"],
            "date": datetime.date.fromisoformat(document["as_of"]).strftime("%d/%m/%Y"),
        }
        rule = "-" * len(line(headers))
        body = [line(row) for row in rows[:-1]]
        return "\n".join([title, "", line(headers), rule, *body, rule, line(rows[-1])])


def _dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2)
