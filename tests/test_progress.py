"""A draft is checked as a draft: what is left, per department (issue 10 points 4-5, issue 12 item 11).

Drafts are the real output of ``komae_docx.api.draft`` from the example; filled drafts are written by
``tests/filler.py`` the way Word saves typed text and combo-box choices, with last year's own texts
and results.
"""

from __future__ import annotations

import zipfile
from collections import Counter
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import Report, read_report
from komae_docx.api import check, grade, read, status
from komae_docx.model import TargetCount
from komae_docx.progress import describe_status, looks_like_draft

from .conftest import EXAMPLE
from .docx_edit import W, paragraph_with_text, replace_parts, rewrite_part
from .filler import (
    expected_measures,
    expected_summary,
    fill_like_word,
    hand_results,
)

ONE_PROJECT_C = "p1-3-1-1-b"  # 3－(1): one project, published C


@pytest.fixture(scope="module")
def drafts(example_draft: Path, example_carried_draft: Path) -> dict[str, Path]:
    return {"fresh": example_draft, "carried": example_carried_draft}


@pytest.fixture(scope="module")
def example() -> Report:
    return read_report(EXAMPLE)


# ---- check: a draft is not a report full of errors


def test_check_of_a_fresh_draft_lists_what_is_left_and_no_errors(drafts: dict[str, Path]) -> None:
    model = read_report(drafts["fresh"])
    findings = check(drafts["fresh"]).value
    assert [f for f in findings if f.severity == "error"] == []
    assert not [f for f in findings if f.code.startswith(("summary.", "grade.", "cell.empty"))]
    left = Counter(f.code for f in findings if f.code.startswith("incomplete."))
    entries = sum(len(p.entries) for _, _, p in model.iter_projects())
    projects = len({p.id for _, _, p in model.iter_projects()})
    opinion_sheets = sum(len(plan.opinion_sheets) for plan in model.plans)
    assert left == {
        "incomplete.do": entries,
        "incomplete.act": entries,
        "incomplete.result": projects,
        "incomplete.opinion": opinion_sheets,
        "incomplete.number": 1,
    }
    names = {d.name for d in model.intro.departments}
    for finding in findings:
        if finding.code.startswith("incomplete."):
            assert finding.location.department is not None
            assert set(finding.location.department.split("・")) <= names


def test_check_of_the_published_report_still_reports_summary_mismatches(tmp_path: Path) -> None:
    def wrong_count(root: etree._Element) -> None:
        cell = paragraph_with_text(root, "合 計").getparent()
        assert cell is not None
        row = cell.getparent()
        assert row is not None
        count = row.findall(f"{W}tc")[1]  # 合計 | 5 | (empty)
        texts = [t for t in count.iter(f"{W}t") if (t.text or "").strip()]
        texts[0].text = "99"

    edited = rewrite_part(EXAMPLE, tmp_path / "edited.docx", "word/document.xml", wrong_count)
    codes = {f.code for f in check(edited).value if f.severity == "error"}
    assert "summary.total" in codes and not any(code.startswith("incomplete.") for code in codes)


def test_a_draft_or_a_placeholder_number_is_recognised(example: Report, drafts: dict[str, Path]) -> None:
    assert not looks_like_draft(example)
    assert looks_like_draft(read_report(drafts["fresh"]))
    numbered = example.model_copy(deep=True)
    numbered.publication.number = "R6-〇〇"
    assert looks_like_draft(numbered)


# ---- status per department


def test_status_of_a_fresh_draft_per_department(drafts: dict[str, Path]) -> None:
    now = status(drafts["fresh"]).value
    model = read_report(drafts["fresh"])
    assert now.is_draft and not now.complete
    groups = now.by_department()
    assert set(groups) <= {d.name for d in model.intro.departments}
    # a project of two departments (地・福) is on both lists
    shared = next(p for _, _, p in model.iter_projects() if {"地", "福"} <= set(p.departments))
    for name in ("地域活性課", "福祉政策課"):
        assert any(item.location.project == shared.id for item in groups[name])
    assert sum(len(items) for items in groups.values()) >= len(now.items)


def test_carried_text_left_unchanged_is_incomplete(drafts: dict[str, Path]) -> None:
    model = read_report(drafts["carried"])
    items = status(drafts["carried"]).value.items
    carried = [i for i in items if i.code == "incomplete.carried"]
    prefixed = [
        (e.sheet, e.row, column)
        for _, _, p in model.iter_projects()
        for e in p.entries
        for column, texts in (("Do", e.do), ("Act", e.act))
        if any(text.startswith("令和5年度：") for text in texts)
    ]
    assert prefixed and sorted(
        (i.location.sheet, i.location.row, i.location.column) for i in carried
    ) == sorted(prefixed)
    assert not [i for i in items if i.code in ("incomplete.do", "incomplete.act")]


def test_a_carried_cell_typed_over_is_no_longer_listed(
    drafts: dict[str, Path], example: Report, tmp_path: Path
) -> None:
    typed = fill_like_word(drafts["carried"], tmp_path / "typed.docx", last_year=example)
    assert not [i for i in status(typed).value.items if i.code == "incomplete.carried"]


# ---- the filler's round trip: last year's texts and results give last year's grades


@pytest.fixture(scope="module")
def filled(drafts: dict[str, Path], example: Report, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("filled")
    return fill_like_word(drafts["fresh"], folder / "filled.docx", last_year=example, number="R7-15")


def test_the_hand_written_results_use_one_k_of_n_for_the_single_project_c() -> None:
    results = hand_results()
    assert results[ONE_PROJECT_C] == "1/3"
    assert [v for v in results.values() if "/" in v] == ["1/3"]


def test_the_hand_written_table_holds_the_reports_own_grades(expect: dict[str, object]) -> None:
    """The table's published set is the report's grades (tests/data/r5_report.expect.json)."""
    published = [(plan["key"], m["ref"], m["grade"]) for plan in expect["plans"] for m in plan["measures"]]  # type: ignore[attr-defined, index]
    assert [(m.plan, m.ref, m.grade) for m in expected_measures()] == published
    assert "".join(m.grade for m in expected_measures()) == "AAAAC" + "AAAAAABA"


@pytest.mark.parametrize("name", ["published", "variant", "fractions"])
def test_a_filled_draft_grades_as_the_hand_written_table_says(
    drafts: dict[str, Path], example: Report, tmp_path: Path, name: str
) -> None:
    filled = fill_like_word(
        drafts["fresh"], tmp_path / f"{name}.docx", last_year=example, results=hand_results(name)
    )
    plans = grade(filled).value
    shown = [(p.plan_key, g.ref, g.letter, g.share_text) for p in plans for g in p.measures]
    assert shown == [(m.plan, m.ref, m.grade, m.share) for m in expected_measures(name)]
    summary = expected_summary(name)
    for graded in plans:
        assert [(g.letter, [(e.ref, e.pages) for e in g.entries]) for g in graded.summary.groups] == list(
            summary[graded.plan_key].items()
        )


def test_a_filled_draft_grades_as_last_year_was_published(filled: Path, example: Report) -> None:
    model = read(filled).value
    project = next(p for _, _, p in model.iter_projects() if p.id == ONE_PROJECT_C)
    assert project.result == TargetCount(achieved=1, targets=3)
    plans = grade(filled).value
    assert [(g.ref, g.letter) for p in plans for g in p.measures] == [
        (m.ref, m.grade) for plan in example.plans for m in plan.iter_measures()
    ], "the grades the rule gives are the ones printed in last year's report"
    # 評価総括表 of the report (p.9 and p.19), as printed
    assert [(g.letter, [e.ref for e in g.entries]) for g in plans[0].summary.groups] == [
        ("A", ["1－(1)", "1－(2)－①", "1－(2)－③", "2－(3)"]),
        ("B", []),
        ("C", ["3－(1)"]),
        ("D", []),
    ]
    assert [(g.letter, g.count) for g in plans[1].summary.groups] == [("A", 7), ("B", 1), ("C", 0), ("D", 0)]
    b_group = plans[1].summary.group("B").entries
    assert [(e.ref, e.pages) for e in b_group] == [("7 アウトリーチ等事業の実施", "29")]


def test_a_filled_draft_has_nothing_left(filled: Path) -> None:
    now = status(filled).value
    assert now.items == [] and now.complete
    assert [f for f in check(filled).value if f.severity == "error" or f.code.startswith("incomplete.")] == []


def test_a_partly_filled_draft_lists_only_the_departments_not_done(
    drafts: dict[str, Path], example: Report, tmp_path: Path
) -> None:
    partly = fill_like_word(drafts["fresh"], tmp_path / "partly.docx", last_year=example, departments={"福"})
    model = read_report(partly)
    codes = {p.id: set(p.departments) for _, _, p in model.iter_projects()}
    left = [i for i in status(partly).value.items if i.location.project is not None]
    assert left and all("福" not in codes[i.location.project or ""] for i in left)
    assert {i.location.department for i in left} >= {"福祉相談課"}


@pytest.mark.parametrize(
    ("typed", "reason"), [("4/3", "超え"), ("0/0", "0 です"), ("a/b", "1/3"), ("達成済", "1/3")]
)
def test_a_bad_typed_result_is_an_error_naming_sheet_row_and_project(
    drafts: dict[str, Path], example: Report, tmp_path: Path, typed: str, reason: str
) -> None:
    results = {**hand_results(), ONE_PROJECT_C: typed}
    bad = fill_like_word(drafts["fresh"], tmp_path / "bad.docx", last_year=example, results=results)
    [error] = [m for m in read(bad).messages if m.code == "result.value"]
    where = error.location
    assert error.severity == "error" and error.found == typed and reason in error.text
    assert (where.plan, where.sheet, where.page, where.row, where.column) == (
        "1 地域福祉計画",
        6,
        17,
        5,
        "Check",
    )
    assert (where.project, where.department) == (ONE_PROJECT_C, "福祉政策課")
    assert "result.value" in {f.code for f in check(bad).value if f.severity == "error"}
    three_one = next(g for p in grade(bad).value for g in p.measures if g.ref == "3－(1)")
    assert three_one.letter is None and three_one.pending == (ONE_PROJECT_C,)


def test_a_full_width_k_of_n_counts(drafts: dict[str, Path], example: Report, tmp_path: Path) -> None:
    results = {**hand_results(), ONE_PROJECT_C: "１／３"}
    typed = fill_like_word(drafts["fresh"], tmp_path / "wide.docx", last_year=example, results=results)
    three_one = next(g for p in grade(typed).value for g in p.measures if g.ref == "3－(1)")
    assert (three_one.letter, three_one.share_text) == ("C", "1/3（33.3%）")


# ---- comments: the tool's own are not a warning, other people's are


def test_own_reference_comments_are_not_warned_about(drafts: dict[str, Path]) -> None:
    with zipfile.ZipFile(drafts["fresh"]) as z:
        authors = {
            c.get(f"{W}author") for c in etree.fromstring(z.read("word/comments.xml")).iter(f"{W}comment")
        }
    assert authors == {"komae-docx"}  # the draft carries last year's texts as comments
    assert not [m for m in read(drafts["fresh"]).messages if m.code == "reader.comments"]


def test_other_peoples_comments_still_are(drafts: dict[str, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(drafts["fresh"]) as z:
        root = etree.fromstring(z.read("word/comments.xml"))
    own = len(root.findall(f"{W}comment"))
    assert own > 0
    theirs = etree.SubElement(root, f"{W}comment")
    theirs.set(f"{W}id", "9999")
    theirs.set(f"{W}author", "山田 花子")
    etree.SubElement(
        etree.SubElement(etree.SubElement(theirs, f"{W}p"), f"{W}r"), f"{W}t"
    ).text = "確認してください"
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    commented = replace_parts(drafts["fresh"], tmp_path / "commented.docx", {"word/comments.xml": data})
    [warning] = [m for m in read(commented).messages if m.code == "reader.comments"]
    assert "1 件" in warning.text


def test_the_reader_knows_the_writers_comment_author() -> None:
    from komae_docx.reading.ooxml import TOOL_COMMENT_AUTHOR
    from komae_docx.writing.context import COMMENT_AUTHOR

    assert TOOL_COMMENT_AUTHOR == COMMENT_AUTHOR


def test_opinions_and_the_number_are_the_editors_work(drafts: dict[str, Path]) -> None:
    model = read_report(drafts["fresh"])
    assert "福祉政策課" in model.publication.editor
    items = status(drafts["fresh"]).value.items
    editors = {i.location.department for i in items if i.code in ("incomplete.opinion", "incomplete.number")}
    assert editors == {"福祉政策課"}


def test_the_status_text_lists_each_department_once_with_its_items(drafts: dict[str, Path]) -> None:
    now = status(drafts["fresh"]).value
    text = describe_status(now, "r6_draft.docx")
    lines = text.splitlines()
    assert lines[0].startswith(f"r6_draft.docx：未記入・未確定 {len(now.items)} 件（複数の課が担当する事業は")
    headings = [line for line in lines if line.startswith("■ ")]
    assert headings == [f"■ {name}（{len(items)} 件）" for name, items in now.by_department().items()]
    # under its own heading an item does not repeat a single department's name
    first_block = lines[lines.index(headings[0]) + 1 : lines.index(headings[1]) - 1]
    assert first_block and all("（福祉政策課）" not in line for line in first_block if "・" not in line)


def test_a_published_report_that_lost_one_grade_is_still_checked_as_published(example: Report) -> None:
    damaged = example.model_copy(deep=True)
    damaged.plans[0].measures_list()[0].grade = None
    assert not looks_like_draft(damaged)


def test_a_published_file_with_a_grade_deleted_gets_errors_not_a_todo_list(tmp_path: Path) -> None:
    def delete_c(root: etree._Element) -> None:  # 3－(1)'s grade cell, the report's only 「C」
        [p] = [p for p in root.iter(f"{W}p") if "".join(p.itertext()).strip() == "C"]
        for t in p.iter(f"{W}t"):
            t.text = ""

    damaged = rewrite_part(EXAMPLE, tmp_path / "damaged.docx", "word/document.xml", delete_c)
    findings = check(damaged).value
    errors = {(f.code, f.location.page) for f in findings if f.severity == "error"}
    assert ("cell.empty", 17) in errors and any(code.startswith("summary.") for code, _ in errors)
    assert not [f for f in findings if f.code.startswith("incomplete.")]
