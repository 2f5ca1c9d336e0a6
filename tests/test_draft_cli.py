"""``komae-docx draft`` and ``render``, and the drafts' pages under LibreOffice."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from komae_docx import read_report
from komae_docx.frontends.cli import main
from komae_docx.model import Report

from .conftest import EXAMPLE
from .docx_checks import audit_findings, pdf_pages


@pytest.fixture(scope="session")
def example_pages(tmp_path_factory: pytest.TempPathFactory) -> int:
    return pdf_pages(EXAMPLE, tmp_path_factory.mktemp("example_pdf"))


def test_draft_command_writes_the_next_years_draft(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], expect: dict[str, Any]
) -> None:
    out, changes = tmp_path / "r6.docx", tmp_path / "changes.json"
    assert main(["draft", str(EXAMPLE), "-o", str(out), "--changes", str(changes), "-v"]) == 0
    printed = capsys.readouterr().out
    assert "令和5年度報告書" in printed and "令和6年度報告書" in printed
    logged = json.loads(changes.read_text(encoding="utf-8"))
    assert {"where", "field", "old", "new"} <= set(logged[0])
    # the log names what the report (expect.json, written from it) says changes, not what roll_forward says
    changed = {(c["where"], c["field"]): (c["old"], c["new"]) for c in logged}
    assert changed[("報告書", "fiscal_year")] == ("令和5年度（2023年度）", "令和6年度（2024年度）")
    assert changed[("奥付", "publication.number")] == ("R6-22", "R7-〇〇")
    assert changed[("奥付", "publication.month")] == ("令和6年9月", "令和7年9月")
    grades = [(c["where"], c["old"]) for c in logged if c["field"] == "grade" and c["new"] == ""]
    measures = [(plan["heading"], m) for plan in expect["plans"] for m in plan["measures"]]
    assert grades == [(f"第1章 {heading} {m['ref']}", m["grade"]) for heading, m in measures]
    assert sum(c["field"] == "grade_cell" for c in logged) == sum(
        len(m["grade_cells"]) for plan in expect["plans"] for m in plan["measures"]
    )  # 18 sheets, each with its grade cell
    entries = sum(p["entries"] for plan in expect["plans"] for m in plan["measures"] for p in m["projects"])
    assert sum(c["field"] == "do" for c in logged) == entries == 35
    assert sum(c["field"] == "act" for c in logged) == entries
    draft = read_report(out)
    assert draft.fiscal_year.text == "令和6年度"
    assert audit_findings(out) == []


def test_draft_refuses_an_existing_output_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r6.docx"
    out.write_bytes(b"old")
    assert main(["draft", str(EXAMPLE), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"old"
    assert main(["draft", str(EXAMPLE), "-o", str(out), "--force", "--carry-text"]) == 0
    assert read_report(out).plans


def test_draft_never_writes_onto_its_input(tmp_path: Path) -> None:
    copy = tmp_path / "r5.docx"
    copy.write_bytes(EXAMPLE.read_bytes())
    assert main(["draft", str(copy), "-o", str(copy), "--force"]) == 2
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_render_command_renders_a_model_as_it_is(tmp_path: Path, report: Report) -> None:
    model = tmp_path / "r5.json"
    assert main(["parse", str(EXAMPLE), "-o", str(model)]) == 0
    out = tmp_path / "r5.docx"
    assert main(["render", str(model), "-o", str(out)]) == 0
    assert read_report(out) == report
    assert main(["render", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.docx")]) == 2


def test_draft_pdf_has_the_examples_page_count(tmp_path: Path, example_pages: int, expect: dict) -> None:  # type: ignore[type-arg]
    assert example_pages == expect["pages"]["pdf_pages"]
    out = tmp_path / "draft.docx"
    assert main(["draft", str(EXAMPLE), "-o", str(out)]) == 0
    assert pdf_pages(out, tmp_path / "pdf") == example_pages


def test_rendered_example_pdf_has_the_examples_page_count(
    tmp_path: Path, example_pages: int, report: Report
) -> None:
    model = tmp_path / "r5.json"
    model.write_text(report.model_dump_json(), encoding="utf-8")
    out = tmp_path / "render.docx"
    assert main(["render", str(model), "-o", str(out)]) == 0
    assert pdf_pages(out, tmp_path / "pdf") == example_pages
