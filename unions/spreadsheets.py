"""Rules for spreadsheets the application writes: exports, reports and error downloads."""

from __future__ import annotations

from typing import Any

from import_export import resources

# A cell starting with one of these is run as a formula by Excel or LibreOffice (including the
# tab and carriage-return tricks); a leading apostrophe makes it plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value: Any) -> Any:
    """Text that a spreadsheet would execute gets a literal leading `'`; other values pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeModelResource(resources.ModelResource):
    """django-import-export resource whose exports cannot carry formulas.

    The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only strips a leading `=`.
    """

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))
