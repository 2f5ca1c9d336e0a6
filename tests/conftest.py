"""Shared fixtures: the bundled example, its expected facts, and ../shared when present.

The example's year is made ONCE per test run (session fixtures): its draft (``example_draft``, and the
``--carry-text`` one), that draft filled in as departments do in Word (``example_filled``, tests/filler.py)
and the filled draft finalized (``example_finalized``).  A draft takes about 1.5 s, and 21 test files
used to make their own.  The files are read-only: a test that edits one copies it first
(:func:`writable_copy`), so no test can change what the next one reads.
"""

from __future__ import annotations

import json
import shutil
import stat
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


def read_only(path: Path) -> Path:
    """Make a session file read-only, so that a test writing onto it fails instead of changing it."""
    path.chmod(stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
    return path


def writable_copy(source: Path, target: Path) -> Path:
    """A copy of a (read-only) session file that the test may change: ``target``, mode 0644."""
    shutil.copyfile(source, target)
    target.chmod(0o644)
    return target


@pytest.fixture(scope="session")
def example_cycle_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("example_cycle")


@pytest.fixture(scope="session")
def example_drafted(example_cycle_dir: Path):  # type: ignore[no-untyped-def]
    """``api.draft`` of the example (``.path`` is ``r6_draft.docx``, read-only; ``.changes``)."""
    from komae_docx import api

    made = api.draft(EXAMPLE, example_cycle_dir / "r6_draft.docx").value
    read_only(made.path)
    return made


@pytest.fixture(scope="session")
def example_draft(example_drafted) -> Path:  # type: ignore[no-untyped-def]
    """Next year's draft of the example (read-only: copy it with :func:`writable_copy` to edit it)."""
    path: Path = example_drafted.path
    return path


@pytest.fixture(scope="session")
def example_carried_draft(example_cycle_dir: Path) -> Path:
    """The example's draft made with ``carry_text=True`` (last year's Do / Act texts kept; read-only)."""
    from komae_docx import api

    return read_only(api.draft(EXAMPLE, example_cycle_dir / "r6_carried.docx", carry_text=True).value.path)


@pytest.fixture(scope="session")
def example_filled(example_draft: Path, report, example_cycle_dir: Path) -> Path:  # type: ignore[no-untyped-def]
    """``example_draft`` filled in as departments do in Word (tests/filler.py): last year's texts,
    opinions and results (tests/data/r5_results.yaml, 3－(1) as "1/3"); the number left 〇〇."""
    from komae_docx import api

    from .filler import fill_draft, last_years_fill

    fill = last_years_fill(report, api.read(example_draft).value)
    return read_only(fill_draft(example_draft, example_cycle_dir / "r6_filled.docx", fill))


@pytest.fixture(scope="session")
def example_finalized(example_filled: Path, example_cycle_dir: Path) -> Path:
    """``example_filled`` finalized with number R7-15 and page fields: the R6 report as published."""
    from komae_docx import api

    target = example_cycle_dir / "r6_report.docx"
    made = api.finalize(example_filled, target, number="R7-15", pages="fields")
    assert made.value.path == target and not made.value.interim, made.messages
    return read_only(made.value.path)


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
