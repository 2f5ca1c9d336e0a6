"""A result typed where its content control was deleted is read as typed, with a note.

In the draft every project's first row has a result control (a combo box) in its Check cell.  A
clerk may remove it (Developer → Remove Content Control keeps the chosen text) or select and delete
it and type the result into the empty cell.  The result is what the cell says, and a note names the
project whose control is gone; a cell left empty is 未評価, and says so too.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.model import ProjectOutcome, Report, TargetCount

from . import markup_variants as mv
from .conftest import EXAMPLE
from .docx_checks import audit_findings
from .filler import expected_measures, fill_draft, hand_results, last_years_fill

UNWRAPPED = "p1-1-1-1-a"
"""1－(1)'s project: its control removed with Remove Content Control (達成 kept as text)."""
TYPED = "p1-3-1-1-b"
"""3－(1)'s only project: its control deleted and 「1/3」 typed in the cell (the grade C needs it)."""
EMPTIED = "p1-1-2-1-a"
"""1－(2)－①'s project: its control deleted and nothing typed."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("result_control")


@pytest.fixture(scope="module")
def last_year() -> Report:
    return api.read(EXAMPLE).value


@pytest.fixture(scope="module")
def filled(folder: Path, last_year: Report) -> Path:
    draft = api.draft(EXAMPLE, folder / "draft.docx").value.path
    return fill_draft(draft, folder / "filled.docx", last_years_fill(last_year, api.read(draft).value))


def _results(report: Report) -> dict[str, ProjectOutcome | None]:
    return {project.id: project.result for _, _, project in report.iter_projects()}


def test_results_typed_where_the_control_was_removed_are_read_with_a_note(filled: Path, folder: Path) -> None:
    assert hand_results()[UNWRAPPED] == "達成" and hand_results()[TYPED] == "1/3"
    variant = mv.without_result_controls(filled, folder / "typed.docx", {UNWRAPPED: None, TYPED: "1/3"})
    result = api.read(variant)
    results = _results(result.value)
    assert results[UNWRAPPED] == "達成"
    typed = results[TYPED]
    assert isinstance(typed, TargetCount) and (typed.achieved, typed.targets) == (1, 3)
    notes = [m for m in result.messages if m.code == "result.control_removed"]
    assert [m.location.project for m in notes] == [UNWRAPPED, TYPED]
    assert "「達成」を結果として読みました" in notes[0].text and "選択欄が削除されています" in notes[0].text
    assert "「1/3」を結果として読みました" in notes[1].text
    assert notes[1].location.column == "Check" and notes[1].location.sheet is not None


def test_a_removed_control_publishes_the_typed_result(filled: Path, folder: Path, last_year: Report) -> None:
    variant = mv.without_result_controls(filled, folder / "typed2.docx", {UNWRAPPED: None, TYPED: "1/3"})
    target = folder / "published.docx"
    finalized = api.finalize(variant, target, number="R7-15", pages="fields")
    assert finalized.value.path == target, [m.describe() for m in finalized.messages]
    published = api.read(target).value
    grades = [m.grade for plan in published.plans for m in plan.iter_measures()]
    assert grades == [m.grade for m in expected_measures()]  # 3－(1) still C from the typed 1/3
    assert audit_findings(target) == []


def test_an_emptied_control_reads_ungraded_and_says_the_control_is_gone(filled: Path, folder: Path) -> None:
    variant = mv.without_result_controls(filled, folder / "emptied.docx", {EMPTIED: ""})
    result = api.read(variant)
    assert _results(result.value)[EMPTIED] is None
    notes = [m for m in result.messages if m.code == "result.control_removed"]
    assert [m.location.project for m in notes] == [EMPTIED]
    assert "未評価" in notes[0].text
    target = folder / "refused.docx"
    refused = api.finalize(variant, target, number="R7-15", pages="fields")
    assert refused.value.path is None and not target.exists()


def test_a_published_report_has_no_controls_and_no_such_note(last_year: Report) -> None:
    assert not [m for m in api.read(EXAMPLE).messages if m.code == "result.control_removed"]
