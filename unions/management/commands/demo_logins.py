"""Print the demo users: username, role, scope and, while it is unchanged, the demo password."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from unions.demo import demo_logins


class Command(BaseCommand):
    help = "List the demo users, one per role, with the demo password while it is unchanged."

    def handle(self, *args, **options):
        rows = demo_logins()
        if not rows:
            self.stdout.write(_("No demo users: run seed_demo to create them."))
            return
        header = (_("Username"), _("Role"), _("Scope"), _("Password"))
        table = [header, *((row.username, row.role, row.scope, row.password) for row in rows)]
        widths = [max(len(line[column]) for line in table) for column in range(len(header))]
        self.stdout.write(_("Demo logins (for trying the app only; change or delete them):"))
        for index, line in enumerate(table):
            cells = (cell.ljust(width) for cell, width in zip(line, widths, strict=True))
            self.stdout.write("  ".join(cells).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
