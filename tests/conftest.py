"""Shared fixtures: the bundled example, its expected facts, and ../shared when present."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"
EXPECT = ROOT / "tests" / "data" / "r5_report.expect.json"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def example_path() -> Path:
    return EXAMPLE


@pytest.fixture(scope="session")
def expect() -> dict[str, Any]:
    return json.loads(EXPECT.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def example_result():  # type: ignore[no-untyped-def]
    from komae_docx import read_report_result

    return read_report_result(EXAMPLE)


@pytest.fixture(scope="session")
def report(example_result):  # type: ignore[no-untyped-def]
    return example_result.value


def corpus_files() -> list[Path]:
    corpus = SHARED / "corpus"
    return sorted(corpus.glob("*.docx")) if corpus.is_dir() else []


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared is absent (fresh clone)")
    return SHARED


from .compare_years import compare_years  # noqa: E402, F401  (session fixture: three years made from the example)
from .lo_editor import lo_office  # noqa: E402, F401  (session fixture: LibreOffice as the staff's editor)
