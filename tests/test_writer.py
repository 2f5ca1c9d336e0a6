"""The writer: the city's layout filled from the model, read back unchanged, audited clean."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import read_report
from komae_docx.errors import OutputError
from komae_docx.model import Report
from komae_docx.rollover import roll_forward
from komae_docx.writing.writer import DraftOptions, render_report, write_draft, write_report

from .conftest import EXAMPLE
from .docx_checks import audit_findings

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, report: Report) -> Path:
    path = tmp_path_factory.mktemp("render") / "render.docx"
    write_report(report, path)
    return path


@pytest.fixture(scope="session")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("draft") / "draft.docx"
    write_draft(EXAMPLE, path)
    return path


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def test_rendering_the_example_reads_back_as_the_example(rendered: Path, report: Report) -> None:
    assert read_report(rendered) == report


def test_draft_reads_back_as_the_rolled_report(drafted: Path, report: Report) -> None:
    assert read_report(drafted) == roll_forward(report).report


def test_written_files_pass_openxml_audit(rendered: Path, drafted: Path, tmp_path: Path) -> None:
    carried = tmp_path / "carried.docx"
    write_draft(EXAMPLE, carried, carry_text=True)
    for path in (rendered, drafted, carried):
        assert audit_findings(path) == [], path.name


def test_draft_check_cells_hold_a_result_dropdown(drafted: Path, report: Report) -> None:
    root = _document(drafted)
    dropdowns = [sdt for sdt in root.iter(f"{W}sdt") if sdt.find(f"{W}sdtPr/{W}dropDownList") is not None]
    project_rows = sum(
        1
        for plan in report.plans
        for sheet in plan.sheets
        for measure in plan.iter_measures()
        for project in measure.projects
        if any(e.sheet == sheet.index for e in project.entries)
    )
    assert len(dropdowns) == project_rows
    items = [i.get(f"{W}value") for i in dropdowns[0].iter(f"{W}listItem")]
    assert items == ["未評価", "達成", "未達成"]
    assert all(sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None for sdt in dropdowns)


def test_a_chosen_result_reads_back_as_the_projects_result(report: Report, tmp_path: Path) -> None:
    rolled = roll_forward(report).report
    _, _, project = next(iter(rolled.iter_projects()))
    project.result = "達成"
    path = tmp_path / "chosen.docx"
    write_report(rolled, path, draft=DraftOptions(previous=report))
    again = read_report(path)
    assert next(iter(again.iter_projects()))[2].result == "達成"
    assert again == rolled


def test_do_and_act_cells_are_shaded_for_entry(drafted: Path) -> None:
    fills = [shd.get(f"{W}fill") for shd in _document(drafted).iter(f"{W}shd")]
    entry_rows = sum(1 for _ in read_report(drafted).iter_projects() for _ in _[2].entries)
    assert fills.count("DEEAF6") == 2 * entry_rows


def test_last_years_texts_are_comments_on_their_cells(drafted: Path, report: Report) -> None:
    with zipfile.ZipFile(drafted) as package:
        comments = etree.fromstring(package.read("word/comments.xml"))
    texts = ["".join(t.text or "" for t in c.iter(f"{W}t")) for c in comments.iter(f"{W}comment")]
    _, _, project = next(iter(report.iter_projects()))
    assert any(project.entries[0].do[0] in text for text in texts)
    anchors = list(_document(drafted).iter(f"{W}commentReference"))
    assert len(anchors) == len(texts) > 0


def test_carry_text_puts_last_years_text_in_the_cells_highlighted(report: Report, tmp_path: Path) -> None:
    path = tmp_path / "carried.docx"
    write_draft(EXAMPLE, path, carry_text=True)
    draft = read_report(path)
    first = next(iter(draft.iter_projects()))[2].entries[0]
    last = next(iter(report.iter_projects()))[2].entries[0]
    assert first.do == last.do and first.act == last.act
    highlighted = [r for r in _document(path).iter(f"{W}r") if r.find(f"{W}rPr/{W}highlight") is not None]
    assert highlighted
    with zipfile.ZipFile(path) as package:
        assert "word/comments.xml" not in package.namelist()


@pytest.mark.parametrize(
    "text", ["A & B <c> {{ report }} {% if x %}y{% endif %}", "{_{ x }_}", "{#c#} 50% & 〇〇"]
)
def test_report_text_comes_out_literally(report: Report, text: str, tmp_path: Path) -> None:
    changed = report.model_copy(deep=True)
    changed.cover.report_title = "令和5年度報告書" + text
    changed.intro.blocks[1].text = text
    plan = changed.plans[0]
    project = plan.measures_list()[0].projects[0]
    project.entries[0].do = [text, "二段落目"]
    plan.opinion_sheets[0].rows[-1].opinions = [text]
    path = tmp_path / "literal.docx"
    write_report(changed, path)
    assert read_report(path) == changed


def test_refuses_existing_output_and_input_path(report: Report, tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"keep")
    with pytest.raises(OutputError):
        write_report(report, target)
    assert target.read_bytes() == b"keep"
    write_report(report, target, force=True)
    assert read_report(target) == report
    with pytest.raises(OutputError):
        write_draft(target, target, force=True)
    assert read_report(target) == report
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_render_returns_bytes_without_touching_disk(report: Report) -> None:
    data = render_report(report)
    assert data[:2] == b"PK"
