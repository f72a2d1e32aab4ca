"""Fixtures of the import screens' tests: a private upload directory and small files."""

from __future__ import annotations

from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path) -> Path:
    """Each test stores its uploads in its own directory, never in the project's var/."""
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


@pytest.fixture
def sample() -> Path:
    path = SAMPLES / "enterprises_sample.xlsx"
    if not path.is_file():
        pytest.skip(f"sample file not found at {path}")
    return path
