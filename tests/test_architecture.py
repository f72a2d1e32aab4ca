"""The layers of docs/architecture.md, enforced: a module never imports from a layer above it.

import-linter reads the contracts from pyproject.toml; this test runs them, so `make test` fails
on the first import that goes the wrong way, and it checks that every package of the two apps
is in a layer, so a new one cannot slip past the contracts unchecked.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter import configuration
from importlinter.application.use_cases import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def _contracts() -> list[dict]:
    with PYPROJECT.open("rb") as source:
        return tomllib.load(source)["tool"]["importlinter"]["contracts"]


def _layered(container: str) -> set[str]:
    contract = next(c for c in _contracts() if c.get("containers") == [container])
    return {name.strip() for layer in contract["layers"] for name in layer.split("|")}


def _top_level(app: str) -> set[str]:
    names = set()
    for path in (ROOT / app).iterdir():
        if path.name.startswith(("_", ".")) or path.name == "__pycache__":
            continue
        if path.suffix == ".py" or (path / "__init__.py").exists():
            names.add(path.stem)
    return names


def test_no_module_imports_from_a_layer_above_it(capsys):
    configuration.configure()
    kept = lint_imports(config_filename=str(PYPROJECT), no_logo=True, cache_dir=None)
    assert kept, capsys.readouterr().out


def test_every_package_of_unions_is_in_a_layer():
    assert _top_level("unions") == _layered("unions")


def test_every_module_of_referrals_is_in_a_layer():
    assert _top_level("referrals") == _layered("referrals")
