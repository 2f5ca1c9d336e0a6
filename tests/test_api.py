"""The public API: one module, every job, each docstring's example runs as written."""

from __future__ import annotations

import doctest
import inspect
import shutil
from pathlib import Path

import pytest

import komae_docx
from komae_docx import api

from .conftest import EXAMPLE

JOBS = (
    "read",
    "check",
    "grade",
    "status",
    "draft",
    "make_template",
    "render",
    "finalize",
    "results_template",
    "identify",
)


def test_every_job_is_exported_from_the_package() -> None:
    for name in JOBS:
        assert name in komae_docx.__all__
        assert getattr(komae_docx, name) is getattr(api, name)


@pytest.mark.parametrize("name", JOBS)
def test_every_job_has_an_example_in_its_docstring(name: str) -> None:
    assert ">>>" in (inspect.getdoc(getattr(api, name)) or "")


def test_the_examples_in_the_api_docstrings_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "examples").mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / "examples" / "r5_report.docx")
    monkeypatch.chdir(tmp_path)
    failures, tried = doctest.testmod(api, optionflags=doctest.ELLIPSIS, report=True)
    assert tried >= len(JOBS) * 2
    assert failures == 0
