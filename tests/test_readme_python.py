"""The README's Python section runs as written (in a folder holding the example)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from komae_docx import read_report

from .conftest import EXAMPLE, ROOT


def _python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python から", 1)[1].split("\n---", 1)[0]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_the_python_section_has_the_api_examples() -> None:
    blocks = _python_blocks()
    assert len(blocks) >= 2
    assert any("api.draft(" in block and "api.make_template(" in block for block in blocks)


@pytest.mark.parametrize("index", range(len(_python_blocks())))
def test_readme_python_block_runs(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "examples").mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / "examples" / "r5_report.docx")
    monkeypatch.chdir(tmp_path)
    exec(compile(_python_blocks()[index], f"README.md python block {index + 1}", "exec"), {})
    if os.path.exists("r6_draft.docx"):
        assert read_report("r6_draft.docx").fiscal_year.text == "令和6年度"
        assert read_report("r6_from_template.docx").fiscal_year.text == "令和6年度"
        assert read_report("r5_again.docx") == read_report(tmp_path / "examples" / "r5_report.docx")
