"""The kinds of import: each spec registers itself here when its module is imported.

The engine knows no kind by name. A concern that imports files (enterprises, unions, members,
referrals) declares its spec and decorates it with `register`; its AppConfig imports the module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from unions.importing.engine import ImportSpec

_SPECS: dict[str, type[ImportSpec]] = {}


def register(spec: type[ImportSpec]) -> type[ImportSpec]:
    """Class decorator: make an import kind available by name (``get_spec("enterprises")``)."""
    _SPECS[spec.kind] = spec
    return spec


def specs() -> dict[str, type[ImportSpec]]:
    """Every registered kind of import, in the order the apps registered them."""
    return dict(_SPECS)


def get_spec(kind: str) -> type[ImportSpec]:
    return _SPECS[kind]


def label_of(kind: str) -> str:
    """How users call a kind of import ("danh sách doanh nghiệp"); the kind itself if unknown."""
    spec = _SPECS.get(kind)
    return str(spec.label) if spec is not None else kind
