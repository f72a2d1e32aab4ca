"""`manage.py import_enterprises PATH`: import an enterprise list (IMPORT.md)."""

from __future__ import annotations

from unions.enterprises.enterprise_import import EnterpriseImport
from unions.importing.command import ImportCommand


class Command(ImportCommand):
    help = "Import an enterprise list (.xlsx, .xls, .ods or .csv); exit 0, 1 or 2."
    spec = EnterpriseImport
