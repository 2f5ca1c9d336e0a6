"""Issue 24, item 5: ``grade --results FILE`` uses the file alone, as its help says.

A draft whose every result cell is filled (last year's published results, tests/filler.py) is
graded with a results file that holds one project: the other projects are listed as missing and
count as 未評価, so the measures stay 未確定 (exit 4); they are not taken from the draft's cells.
``--with-draft-results`` takes them from the cells, and the heading says how many came from each.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from komae_docx import api

from .conftest import EXAMPLE
from .filler import fill_draft, hand_results, last_years_fill

CLI = [sys.executable, "-m", "komae_docx"]
ONE = "p1-1-1-1-a"
"""The first project of the 地域福祉計画 (1－(1)), in the hand-written results table as 達成."""


@pytest.fixture(scope="module")
def filled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("grade")
    draft = api.draft(EXAMPLE, folder / "r6_draft.docx").value.path
    fill = last_years_fill(api.read(EXAMPLE).value, api.read(draft).value)
    return fill_draft(draft, folder / "r6_filled.docx", fill)


@pytest.fixture(scope="module")
def one_result(filled: Path) -> Path:
    path = filled.parent / "one.yaml"
    path.write_text(f"{ONE}: 未達成\n", encoding="utf-8")
    return path


def project_count() -> int:
    return sum(1 for _ in api.read(EXAMPLE).value.iter_projects())


def test_the_file_alone_leaves_the_other_projects_undetermined(filled: Path, one_result: Path) -> None:
    assert hand_results()[ONE] == "達成"  # the draft's cell says 達成, the file 未達成
    result = api.grade(filled, one_result)
    missing = [m for m in result.messages if m.code == "results.missing_id"]
    assert len(missing) == project_count() - 1
    assert all(m.location.project != ONE for m in missing)
    first = next(g for g in result.value[0].measures if g.ref == "1－(1)")
    assert first.letter == "D"  # its one project is 未達成 in the file
    assert any(not g.determined for plan in result.value for g in plan.measures)


def test_the_command_exits_4_and_says_the_file_is_the_only_source(filled: Path, one_result: Path) -> None:
    done = subprocess.run(
        [*CLI, "grade", str(filled), "--results", str(one_result)], capture_output=True, text=True
    )
    assert done.returncode == 4, done.stderr
    assert f"の評価（事業の結果：{one_result}）" in done.stdout
    assert "結果がありません（未評価として扱います）" in done.stderr
    assert "未確定" in done.stdout


def test_with_draft_results_the_heading_counts_each_source(filled: Path, one_result: Path) -> None:
    done = subprocess.run(
        [*CLI, "grade", str(filled), "--results", str(one_result), "--with-draft-results"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    others = project_count() - 1
    assert f"事業の結果：{one_result} から 1 件、報告書の Check 欄から {others} 件" in done.stdout
    result = api.grade(filled, one_result, with_draft_results=True)
    assert not [m for m in result.messages if m.code == "results.missing_id"]
    first = next(g for g in result.value[0].measures if g.ref == "1－(1)")
    assert first.letter == "D"


def test_help_says_the_file_is_used_alone() -> None:
    done = subprocess.run([*CLI, "grade", "-h"], capture_output=True, text=True)
    assert "そのファイルだけを使います" in done.stdout
    assert "--with-draft-results" in done.stdout
