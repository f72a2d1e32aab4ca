"""`manage.py import_members PATH`: import a list of union members (IMPORT.md)."""

from __future__ import annotations

from unions.importing.command import ImportCommand
from unions.members.importing import MemberImport


class Command(ImportCommand):
    help = "Import a union member list (.xlsx, .xls, .ods or .csv); exit 0, 1 or 2."
    spec = MemberImport
