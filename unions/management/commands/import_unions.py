"""`manage.py import_unions PATH`: import a list of grassroots unions (IMPORT.md)."""

from __future__ import annotations

from unions.enterprises.union_import import GrassrootsUnionImport
from unions.importing.command import ImportCommand


class Command(ImportCommand):
    help = "Import a grassroots-union list (.xlsx, .xls, .ods or .csv); exit 0, 1 or 2."
    spec = GrassrootsUnionImport
