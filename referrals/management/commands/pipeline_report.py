"""`manage.py pipeline_report [--year YYYY] [--json]`: the year's referral pipeline by district."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.reports import INDICATORS, pipeline_figures


class Command(BaseCommand):
    help = "Print the year's referral pipeline counts and targets for every district."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, help="Calendar year (default: this year).")
        parser.add_argument("--json", action="store_true", help="Print one JSON document.")

    def handle(self, *args, year: int | None = None, json: bool = False, **options) -> None:
        document = pipeline_figures(year=year or timezone.localdate().year)
        if json:
            self.stdout.write(_dumps(document))
            return
        self.stdout.write(self.table(document))

    def table(self, document: dict) -> str:
        headers = {
            "new_unions": _("New unions"),
            "commended": _("Commended"),
            "certified": _("Certified"),
            "introduced": _("Introduced"),
            "admitted": _("Admitted"),
            "recognized": _("Full members"),
        }
        columns = [_("Code"), _("Unit"), *(headers[i] for i in INDICATORS)]

        def cells(block: dict) -> list[str]:
            values = []
            for indicator in INDICATORS:
                target = block["targets"].get(indicator)
                count = f"{block[indicator]:,}".replace(",", ".")
                values.append(f"{count}/{target:,}".replace(",", ".") if target else count)
            return [block["code"], block["name"], *values]

        rows = [cells(block) for block in document["districts"]]
        rows.append(cells(document["province"]))
        widths = [max(len(str(row[i])) for row in [columns, *rows]) for i in range(len(columns))]

        def line(row: list[str]) -> str:
            return "  ".join(
                str(cell).ljust(width) if index < 2 else str(cell).rjust(width)
                for index, (cell, width) in enumerate(zip(row, widths, strict=True))
            )

        title = _("Referral pipeline %(year)d (count/target)") % {"year": document["year"]}
        rule = "-" * len(line(columns))
        return "\n".join([title, line(columns), rule, *map(line, rows[:-1]), rule, line(rows[-1])])


def _dumps(document: dict) -> str:
    return json.dumps(document, ensure_ascii=False)
