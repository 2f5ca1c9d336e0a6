"""The writer: the city's file filled from the model, read back unchanged, audited clean."""

from __future__ import annotations

import os
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from komae_docx import api, read_report
from komae_docx.errors import OutputError
from komae_docx.model import Report, TargetCount
from komae_docx.rollover import roll_forward
from komae_docx.writing.compare import without_layout
from komae_docx.writing.context import DraftOptions
from komae_docx.writing.writer import render_report, write_report

from .conftest import EXAMPLE
from .docx_checks import audit_findings
from .draft_facts import assert_fresh_draft_of

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory, report: Report) -> Path:
    return api.render(report, tmp_path_factory.mktemp("render") / "render.docx").value


@pytest.fixture(scope="session")
def drafted(example_draft: Path) -> Path:
    return example_draft


@pytest.fixture(scope="session")
def carried(example_carried_draft: Path) -> Path:
    return example_carried_draft


def _document(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as package:
        return etree.fromstring(package.read("word/document.xml"))


def _controls(root: etree._Element, tag: str) -> list[etree._Element]:
    return [sdt for sdt in root.iter(f"{W}sdt") if sdt.find(f"{W}sdtPr/{W}tag[@{W}val='{tag}']") is not None]


def _alias(sdt: etree._Element) -> str | None:
    alias = sdt.find(f"{W}sdtPr/{W}alias")
    return alias.get(f"{W}val") if alias is not None else None


def _shown(sdt: etree._Element) -> str:
    return "".join(t.text or "" for t in sdt.iter(f"{W}t"))


def test_rendering_the_example_reads_back_as_the_example(rendered: Path, report: Report) -> None:
    assert read_report(rendered) == report


def test_draft_reads_back_as_the_rolled_report(drafted: Path, report: Report) -> None:
    """Places in the file aside (the draft's 評価総括表 has one empty row per group), equal."""
    again = read_report(drafted)
    assert without_layout(again) == without_layout(roll_forward(report).report)
    assert_fresh_draft_of(report, again)
    for plan in again.plans:
        assert plan.summary is not None
        assert all(not group.rows and group.count == "" for group in plan.summary.groups)


def test_written_files_pass_openxml_audit(rendered: Path, drafted: Path, carried: Path) -> None:
    for path in (rendered, drafted, carried):
        assert audit_findings(path) == [], path.name


def test_one_result_combo_box_per_project(drafted: Path, report: Report) -> None:
    root = _document(drafted)
    combos = _controls(root, "komae-docx:result")
    projects = sum(1 for _ in report.iter_projects())
    assert len(combos) == projects
    assert all(sdt.find(f"{W}sdtPr/{W}comboBox") is not None for sdt in combos)
    assert all(sdt.find(f"{W}sdtPr/{W}dropDownList") is None for sdt in combos)
    items = [i.get(f"{W}value") for i in combos[0].iter(f"{W}listItem")]
    assert items == ["未評価", "達成", "未達成"]
    assert {_alias(sdt) for sdt in combos} == {"事業の結果"}
    assert all(sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None for sdt in combos)


def test_a_project_continued_on_another_sheet_says_where_its_result_is(drafted: Path, report: Report) -> None:
    """1－(2)－① stands on two 再掲 sheets: the second sheet's Check cell points to the first."""
    continued = [
        (plan, project)
        for plan, _, project in report.iter_projects()
        if len({entry.sheet for entry in project.entries}) > 1
    ]
    assert continued, "the example has projects on two sheets"
    pointers = [_shown(sdt) for sdt in _controls(_document(drafted), "komae-docx:result-elsewhere")]
    plan, project = continued[0]
    first_page = plan.sheets[project.entries[0].sheet].page
    assert f"結果は{first_page}頁の欄に記入" in pointers
    assert all(p.startswith("結果は") for p in pointers)


def test_grade_cells_say_they_are_computed(drafted: Path, report: Report) -> None:
    grades = _controls(_document(drafted), "komae-docx:grade")
    printed = sum(len(sheet.measures) for plan in report.plans for sheet in plan.sheets)
    assert len(grades) == printed
    for sdt in grades:
        assert _alias(sdt) == "施策の評価" and _shown(sdt) == "自動計算"
        assert sdt.find(f"{W}sdtPr/{W}lock").get(f"{W}val") == "sdtContentLocked"
        assert sdt.find(f".//{W}color").get(f"{W}val") == "808080"
    again = read_report(drafted)
    assert all(m.grade is None for plan in again.plans for m in plan.iter_measures())


def test_do_act_and_opinion_cells_are_shaded_for_entry(drafted: Path) -> None:
    fills = [shd.get(f"{W}fill") for shd in _document(drafted).iter(f"{W}shd")]
    again = read_report(drafted)
    entry_rows = sum(len(project.entries) for _, _, project in again.iter_projects())
    opinion_cells = sum(
        1 for plan in again.plans for sheet in plan.opinion_sheets for row in sheet.rows if row.kind != "goal"
    )
    assert fills.count("DEEAF6") >= 2 * entry_rows + 1
    assert fills.count("DEEAF6") <= 2 * entry_rows + opinion_cells


def test_last_years_texts_are_comments_by_komae_docx(drafted: Path, report: Report) -> None:
    with zipfile.ZipFile(drafted) as package:
        comments = etree.fromstring(package.read("word/comments.xml"))
    texts = ["".join(t.text or "" for t in c.iter(f"{W}t")) for c in comments.iter(f"{W}comment")]
    _, _, project = next(iter(report.iter_projects()))
    assert any(project.entries[0].do[0] in text for text in texts)
    assert {c.get(f"{W}author") for c in comments.iter(f"{W}comment")} == {"komae-docx"}
    anchors = list(_document(drafted).iter(f"{W}commentReference"))
    assert len(anchors) == len(texts) > 0


def test_carry_text_is_labelled_with_last_year_and_highlighted(carried: Path, report: Report) -> None:
    draft = read_report(carried)
    first = next(iter(draft.iter_projects()))[2].entries[0]
    last = next(iter(report.iter_projects()))[2].entries[0]
    last_do = [last.heading, *last.do] if last.heading else last.do
    assert first.do[0] == f"令和5年度：{last_do[0]}" and first.do[1:] == last_do[1:]
    assert first.act[0] == f"令和5年度：{last.act[0]}"
    highlights = {h.get(f"{W}val") for h in _document(carried).iter(f"{W}highlight")}
    assert "yellow" in highlights
    with zipfile.ZipFile(carried) as package:
        assert "word/comments.xml" not in package.namelist() or b"komae-docx" not in package.read(
            "word/comments.xml"
        )


@pytest.mark.parametrize("result", ["達成", TargetCount(achieved=1, targets=3)])
def test_a_chosen_result_reads_back_as_the_projects_result(
    report: Report, tmp_path: Path, result: object
) -> None:
    rolled = roll_forward(report).report
    _, _, project = next(iter(rolled.iter_projects()))
    project.result = result  # type: ignore[assignment]
    path = tmp_path / "chosen.docx"
    write_report(rolled, path, draft=DraftOptions(previous=report))
    again = read_report(path)
    assert str(next(iter(again.iter_projects()))[2].result) == str(result)


@pytest.mark.parametrize(
    "text", ["A & B <c> {{ report }} {% if x %}y{% endif %}", "{_{ x }_}", "{#c#} 50% & 〇〇"]
)
def test_report_text_comes_out_literally(report: Report, text: str, tmp_path: Path) -> None:
    changed = report.model_copy(deep=True)
    plan = changed.plans[0]
    project = plan.measures_list()[0].projects[0]
    project.entries[0].do = [text, "二段落目"]
    plan.opinion_sheets[0].rows[-1].opinions = [text]
    done = api.render(changed, tmp_path / "literal.docx")
    assert read_report(done.value) == changed
    assert done.messages == []


def test_city_text_with_braces_is_not_read_as_a_tag(report: Report, tmp_path: Path) -> None:
    """A brace the city typed stays a brace (the derived template escapes it)."""
    from .docx_edit import paragraph_with_text, rewrite_part

    def edit(root: etree._Element) -> None:
        t = next(paragraph_with_text(root, "具体的な施策の評価方法").iter(f"{W}t"))
        t.text = "{{ x }} {% if %} " + (t.text or "")

    source = rewrite_part(EXAMPLE, tmp_path / "braces.docx", "word/document.xml", edit)
    out = api.draft(source, tmp_path / "draft.docx").value.path
    texts = [b.text for b in read_report(out).intro.blocks]
    assert any(t.startswith("{{ x }} {% if %} 具体的な施策の評価方法") for t in texts)


def test_render_reports_text_the_template_words_otherwise(report: Report, tmp_path: Path) -> None:
    changed = report.model_copy(deep=True)
    changed.cover.report_title = "別の題"
    done = api.render(changed, tmp_path / "other.docx")
    assert [(m.code, m.expected) for m in done.messages] == [("render.not_in_template", "別の題")]


def test_refuses_existing_output_and_input_path(report: Report, tmp_path: Path) -> None:
    target = tmp_path / "out.docx"
    target.write_bytes(b"keep")
    with pytest.raises(OutputError):
        api.render(report, target)
    assert target.read_bytes() == b"keep"
    api.render(report, target, force=True)
    assert read_report(target) == report
    with pytest.raises(OutputError):
        api.draft(target, target, force=True)
    assert read_report(target) == report
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


_WATCHING: list[list[str]] = []
"""While a test appends a list here, the audit hook records every file opened for writing into it."""


def _record_writes(event: str, args: tuple[Any, ...]) -> None:
    if not _WATCHING:
        return
    if event == "open" and len(args) >= 3:
        path, mode, flags = args[0], args[1], args[2]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        )
        if writing:
            _WATCHING[-1].append(f"open {path!r} {mode!r}")
    elif event in {"os.mkdir", "os.rename", "os.remove", "shutil.copyfile", "tempfile.mkstemp"}:
        _WATCHING[-1].append(f"{event} {args[0]!r}")


sys.addaudithook(_record_writes)  # hooks cannot be removed; it does nothing unless a test watches


def test_render_returns_bytes_without_touching_disk(report: Report, tmp_path: Path) -> None:
    """Render reads the bundled template and writes nothing: no file opened for writing, none made."""
    writes: list[str] = []
    _WATCHING.append(writes)
    try:
        data = render_report(report)
    finally:
        _WATCHING.pop()
    assert writes == []
    copy = tmp_path / "rendered.docx"  # written by the test, after the watch: the bytes are the report
    copy.write_bytes(data)
    assert read_report(copy) == report


def test_the_write_watch_sees_a_write() -> None:
    """The audit hook above is live: a file opened for writing while watched is recorded."""
    writes: list[str] = []
    _WATCHING.append(writes)
    try:
        with tempfile.TemporaryFile():
            pass
    finally:
        _WATCHING.pop()
    assert writes


def test_templates_are_compiled_in_pieces_cut_only_between_blocks() -> None:
    from komae_docx.writing.render import jinja_environment, segments

    source = "".join(f"<a>{{{{ x }}}}{i}</a>{{% if y %}}<b>{{{{ x }}}}</b>{{% endif %}}" for i in range(40))
    pieces = segments(source, size=5)
    assert len(pieces) > 1 and "".join(pieces) == source
    assert all(piece.count("{% if") == piece.count("{% endif") for piece in pieces)
    env = jinja_environment()
    whole = env.from_string(source).render(x="&", y=True)
    assert "".join(env.from_string(piece).render(x="&", y=True) for piece in pieces) == whole
    assert segments("{% set a = 1 %}" + source, size=5) == ["{% set a = 1 %}" + source]
