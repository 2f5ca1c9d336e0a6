"""The report check on the example (no errors, exactly its real warnings) and on broken copies of it.

Each check is shown on a copy the test breaks itself: the Word XML edited the way staff would edit
it (a typo in a cell, a changed count), or the model edited where the XML route would be contrived.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from komae_docx import Report, read_report, read_report_result
from komae_docx.checks import (
    CANONICAL_HEADERS,
    Finding,
    check_report,
    describe_findings,
    findings_as_json,
    has_errors,
    label_like,
    label_number,
    label_parts,
    page_set,
)
from komae_docx.model import LayeredPlan, Project, SummaryRow, WelfarePlan
from komae_docx.results import Location, Message

from .conftest import EXAMPLE
from .docx_edit import W, rewrite_part

WELFARE = "1 地域福祉計画"
LAYERED = "2 重層的支援体制整備事業実施計画"
ACT_TYPO = "Act(事業を実施するに当たったの課題及び改善点)"
EXPECTED_WARNINGS = [
    # (code, plan, sheet page, row, column, found)
    (
        "title.mismatch",
        WELFARE,
        15,
        4,
        "施策",
        "③ 【拡充】コーディネート人材を確保し、コーディネート機能の強化を図ります。",
    ),
    ("header.cell", LAYERED, 23, 0, "Act", ACT_TYPO),
    ("header.cell", LAYERED, 24, 0, "Act", ACT_TYPO),
    ("numbering.duplicate", LAYERED, 24, 4, "番号", "(1)"),  # 4 包括的相談支援事業: (1) (2) (3) (1)
    ("header.cell", LAYERED, 25, 0, "Act", ACT_TYPO),
    ("cell.check", LAYERED, 25, 3, "Check", "/"),  # 5-(1)'s Check cell
    ("header.cell", LAYERED, 26, 0, "Act", ACT_TYPO),
    ("numbering.gap", LAYERED, 27, 4, "番号", "(8)"),  # 5 地域づくり事業: (6) then (8)
    ("header.cell", LAYERED, 29, 0, "Plan", "重層的支援体制整備事業実施計画:Plan(主な事業内容(令和4年度))"),
    ("header.cell", LAYERED, 29, 0, "Do", "DO(実行)"),
]

Fact = tuple[str, str | None, int | None, int | None, str | None, str | None]


def facts(findings: list[Finding]) -> list[Fact]:
    return [
        (f.code, f.location.plan, f.location.page, f.location.row, f.location.column, f.found)
        for f in findings
    ]


def codes(findings: list[Finding]) -> set[str]:
    return {f.code for f in findings}


def errors(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.severity == "error"]


def new_findings(report: Report, baseline: list[Finding] | None = None) -> list[Finding]:
    """Findings of ``report`` that the unbroken example does not have."""
    found = check_report(report)
    known = {f.describe() for f in (baseline if baseline is not None else check_report(read_report(EXAMPLE)))}
    return [f for f in found if f.describe() not in known]


@pytest.fixture
def broken(report: Report) -> Report:
    """A deep copy of the example's model for a test to break."""
    return report.model_copy(deep=True)


@pytest.fixture(scope="module")
def baseline(report: Report) -> list[Finding]:
    return check_report(report)


# ---- the example


def test_example_has_no_errors_and_exactly_its_real_warnings(example_result) -> None:  # type: ignore[no-untyped-def]
    findings = check_report(example_result.value, example_result.messages)
    assert errors(findings) == []
    assert facts(findings) == EXPECTED_WARNINGS
    assert not has_errors(findings)


def test_example_numbering_gaps_of_the_welfare_plan_are_not_reported(baseline: list[Finding]) -> None:
    # Goal 2 starts at policy (3), 1-(2) has ① and ③, 3-(1) has project b only: the 地域福祉計画's sheets
    # are an excerpt (新規・拡充 projects of the 重点施策), so these gaps are by design.
    assert [
        f for f in baseline if f.location.plan == "1 地域福祉計画" and f.code.startswith("numbering")
    ] == []


def test_example_findings_describe_themselves_in_japanese(baseline: list[Finding]) -> None:
    text = describe_findings(baseline, "r5_report.docx")
    lines = text.splitlines()
    assert lines[0] == "r5_report.docx の検査結果：エラー 0 件・警告 10 件"
    assert lines[4] == (
        "  警告：第1章 2 重層的支援体制整備事業実施計画 シート4(24頁) 5行 番号欄："
        "施策「4 包括的相談支援事業の実施」の事業の番号 (1) が重複しています"
        "（正しくは：「(4)」、文書では：「(1)」）"
    )
    data = findings_as_json(baseline, "r5_report.docx")
    assert (data["errors"], data["warnings"]) == (0, 10)
    assert data["findings"][7]["expected"] == "(7)"


# ---- XML-edited copies


def edited(tmp_path: Path, edit: Callable[[etree._Element], None]) -> Report:
    path = rewrite_part(EXAMPLE, tmp_path / "broken.docx", "word/document.xml", edit)
    return read_report(path)


def text_of(p: etree._Element) -> str:
    return "".join(t.text or "" for t in p.iter(f"{W}t"))


def set_text(p: etree._Element, text: str) -> None:
    ts = list(p.iter(f"{W}t"))
    ts[0].text = text
    for t in ts[1:]:
        t.text = ""


def paragraphs_saying(root: etree._Element, text: str) -> list[etree._Element]:
    return [p for p in root.iter(f"{W}p") if text_of(p).strip() == text]


def table_saying(root: etree._Element, text: str, nth: int = 0) -> etree._Element:
    return [tbl for tbl in root.iter(f"{W}tbl") if text in text_of(tbl)][nth]


def replace_in_table(table: etree._Element, old: str, new: str) -> None:
    first = next(p for p in table.iter(f"{W}p") if text_of(p).strip() == old)
    set_text(first, new)


def test_summary_count_differing_from_the_sheets_is_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def count_five(root: etree._Element) -> None:
        replace_in_table(table_saying(root, "施策の進捗状況"), "4", "5")

    found = new_findings(edited(tmp_path, count_five), baseline)
    assert facts(found) == [("summary.count", "1 地域福祉計画", None, None, "評価総括表 Aの件数", "5")]
    assert found[0].expected == "4" and found[0].severity == "error"


def test_summary_total_differing_is_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def total_nine(root: etree._Element) -> None:
        table = table_saying(root, "施策の進捗状況", nth=1)
        total_row = [tr for tr in table.iter(f"{W}tr") if "合" in text_of(tr)][-1]
        replace_in_table(total_row, "8", "9")

    found = new_findings(edited(tmp_path, total_nine), baseline)
    assert [(f.code, f.location.plan, f.expected, f.found) for f in found] == [
        ("summary.total", "2 重層的支援体制整備事業実施計画", "8", "9")
    ]


def test_summary_pages_differing_are_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def pages(root: etree._Element) -> None:
        set_text(paragraphs_saying(root, "12～13")[0], "12")

    found = new_findings(edited(tmp_path, pages), baseline)
    assert [(f.code, f.expected, f.found) for f in found] == [("summary.pages", "12～13", "12")]


def test_summary_listing_a_measure_under_another_grade_is_an_error(
    broken: Report, baseline: list[Finding]
) -> None:
    summary = broken.plans[1].summary
    assert summary is not None
    row = summary.groups[1].rows.pop()  # 7 アウトリーチ等事業の実施 moved from B to C
    summary.groups[2].rows.append(row)
    found = new_findings(broken, baseline)
    assert [(f.code, f.expected, f.found) for f in found] == [("summary.measure", "B", "C")]
    assert "7 アウトリーチ等事業の実施" in found[0].text


def test_summary_missing_or_unknown_measures_are_errors(broken: Report, baseline: list[Finding]) -> None:
    summary = broken.plans[0].summary
    assert summary is not None
    summary.groups[0].rows.pop(0)  # 1－(1) left out
    summary.groups[0].rows.append(SummaryRow(page="18", measure="3－(2)"))  # not on any sheet
    found = new_findings(broken, baseline)
    assert [(f.code, f.expected, f.found) for f in found] == [
        ("summary.measure", "A：11 1－(1)", None),
        ("summary.measure", None, "18 3－(2)"),
    ]


def test_summary_table_missing_is_an_error(broken: Report, baseline: list[Finding]) -> None:
    broken.plans[0].summary = None
    assert codes(new_findings(broken, baseline)) == {"summary.missing"}


def test_summary_group_letters_against_the_criteria(broken: Report, baseline: list[Finding]) -> None:
    summary = broken.plans[0].summary
    assert summary is not None
    summary.groups[3].grade = "E"
    found = new_findings(broken, baseline)
    assert [(f.code, f.text) for f in found] == [
        ("summary.letter", "評価総括表に評価「D」の行がありません"),
        ("summary.letter", "評価総括表の評価「E」は評価基準の表にありません"),
    ]


def test_grade_not_in_the_criteria_table_is_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def grade_e(root: etree._Element) -> None:
        set_text(paragraphs_saying(root, "C")[0], "E")  # 3－(1)'s grade cell, the first lone "C"

    found = new_findings(edited(tmp_path, grade_e), baseline)
    assert ("grade.letter", 17, "E") in [(f.code, f.location.page, f.found) for f in found]
    assert "summary.count" in codes(found)  # the printed C now has no measure behind it


def test_reprint_sheet_without_its_mark_is_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def unmark(root: etree._Element) -> None:
        set_text(paragraphs_saying(root, "A(再掲)")[0], "A")  # sheet 13, 1－(2)－①

    found = new_findings(edited(tmp_path, unmark), baseline)
    assert [(f.code, f.location.page, f.expected, f.found) for f in found] == [
        ("grade.reprint", 13, "A(再掲)", "A")
    ]


def test_reprint_sheet_with_another_grade_is_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def regrade(root: etree._Element) -> None:
        set_text(paragraphs_saying(root, "A(再掲)")[0], "B(再掲)")

    found = new_findings(edited(tmp_path, regrade), baseline)
    assert [(f.code, f.location.page, f.found) for f in found] == [("grade.reprint", 13, "B(再掲)")]


def test_first_sheet_marked_as_reprint_is_an_error(broken: Report, baseline: list[Finding]) -> None:
    broken.plans[0].sheets[1].measures[0].grade_cell = "A(再掲)"
    found = new_findings(broken, baseline)
    assert [(f.code, f.location.page) for f in found] == [("grade.reprint", 12)]


def test_measure_sheets_not_consecutive_is_an_error(broken: Report, baseline: list[Finding]) -> None:
    # as if sheet 15 carried 1－(2)－① again: that measure then stands on pages 12, 13 and 15
    sheet = broken.plans[0].sheets[4]
    sheet.measures[0].measure_id = "p1-1-2-1"
    found = new_findings(broken, baseline)
    assert ("grade.sheets", 15, "12、13、15頁") in [(f.code, f.location.page, f.found) for f in found]


def test_empty_grade_cell_is_an_error(broken: Report, baseline: list[Finding]) -> None:
    broken.plans[1].sheets[8].measures[0].grade_cell = ""
    found = new_findings(broken, baseline)
    assert [(f.code, f.location.page, f.location.column) for f in found] == [("cell.empty", 29, "Check")]


# ---- the criteria table and its worked example


def test_criteria_gap_is_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def gap(root: etree._Element) -> None:
        p = next(p for p in root.iter(f"{W}p") if text_of(p).endswith("40%以上70%未満を達成できた"))
        set_text(p, text_of(p).replace("40%以上", "45%以上"))  # the criteria table's B row, 序章

    found = new_findings(edited(tmp_path, gap), baseline)
    criteria = [f for f in found if f.code == "criteria.range"]
    assert [f.text for f in criteria] == ["達成率 40%～45%未満 に当たる評価が評価基準の表にありません"]
    # both 評価総括表 still print 40 %: their B labels no longer match the criteria
    assert [f.code for f in found if f.severity == "warning"] == ["summary.label", "summary.label"]


@pytest.mark.parametrize(
    ("letter", "update", "message"),
    [
        ("A", {"lower_percent": 60}, "達成率 60%～70%未満 に評価が2つ以上当たります（A・B）"),
        ("D", {"lower_percent": 5}, "達成率 0%～5%未満 に当たる評価が評価基準の表にありません"),
        ("A", {"upper_percent": 100}, "達成率 100%ちょうど に当たる評価が評価基準の表にありません"),
        (
            "B",
            {"upper_percent": 70, "upper_inclusive": True},
            "達成率 70%ちょうど に評価が2つ以上当たります（A・B）",
        ),
        ("C", {"letter": "B"}, "評価基準の表で評価「B」が2回以上使われています"),
    ],
)
def test_criteria_table_defects(broken: Report, letter: str, update: dict[str, object], message: str) -> None:
    criteria = broken.intro.criteria
    index = next(i for i, c in enumerate(criteria) if c.letter == letter)
    criteria[index] = criteria[index].model_copy(update=update)
    found = [f for f in check_report(broken) if f.code.startswith("criteria")]
    assert message in [f.text for f in found]
    assert all(f.severity == "error" and f.location.section == "序章" for f in found)


def test_worked_example_contradicting_the_criteria_is_an_error(
    tmp_path: Path, baseline: list[Finding]
) -> None:
    def says_a(root: etree._Element) -> None:
        p = next(p for p in root.iter(f"{W}p") if "評価はBとします" in text_of(p))
        set_text(p, text_of(p).replace("評価はB", "評価はA"))

    found = new_findings(edited(tmp_path, says_a), baseline)
    assert [(f.code, f.expected, f.found) for f in found] == [("criteria.example", "B", "A")]


# ---- 担当課


def project(report: Report, project_id: str) -> Project:
    return next(p for _, _, p in report.iter_projects() if p.id == project_id)


def test_unknown_department_code_is_an_error(broken: Report, baseline: list[Finding]) -> None:
    project(broken, "p1-2-3-1-a").departments = ["地", "福祉政策課"]
    found = new_findings(broken, baseline)
    assert [(f.code, f.severity, f.location.page, f.location.row, f.found) for f in found] == [
        ("department.code", "error", 16, 5, "福祉政策課")
    ]
    assert found[0].expected == "地・福・相・高・健・子・発・児"


def test_department_codes_out_of_the_tables_order_is_a_warning(
    broken: Report, baseline: list[Finding]
) -> None:
    project(broken, "p2-4-(3)").departments = ["子", "健", "発"]
    found = new_findings(broken, baseline)
    assert [(f.code, f.severity, f.expected, f.found) for f in found] == [
        ("department.order", "warning", "健 子 発", "子 健 発")
    ]


def test_missing_department_table_is_one_error(broken: Report, baseline: list[Finding]) -> None:
    broken.intro.departments = []
    found = new_findings(broken, baseline)
    assert [f.code for f in found] == ["department.table"]


# ---- headers


def test_header_cell_differing_from_the_canonical_header(tmp_path: Path, baseline: list[Finding]) -> None:
    def rename(root: etree._Element) -> None:
        first_sheet = table_saying(root, "Check")
        replace_in_table(first_sheet, "担当課", "担当課名")

    found = new_findings(edited(tmp_path, rename), baseline)
    assert [(f.code, f.location.page, f.location.column, f.expected, f.found) for f in found] == [
        ("header.cell", 11, "担当課", "担当課", "担当課名")
    ]


def test_header_cells_missing_or_extra(broken: Report, baseline: list[Finding]) -> None:
    header = broken.plans[0].sheets[0].header
    header.remove("頁")
    header.append("備考")
    found = new_findings(broken, baseline)
    assert [(f.code, f.location.column, f.expected, f.found) for f in found] == [
        ("header.cell", "頁", "頁", None),
        ("header.cell", "備考", None, "備考"),
    ]


def test_a_changed_template_is_passed_as_canonical_headers(report: Report) -> None:
    layered = list(CANONICAL_HEADERS["layered"])
    layered[6] = "Act(事業を実施するに当たったの課題及び改善点)"
    found = check_report(report, canonical_headers={**CANONICAL_HEADERS, "layered": layered})
    act = [f.location.page for f in found if f.code == "header.cell" and f.location.column == "Act"]
    assert act == [21, 22, 27, 28, 29, 30]  # now the sheets that say 「当たっての」 differ


# ---- titles


def test_measure_title_made_identical_removes_the_warning(broken: Report, baseline: list[Finding]) -> None:
    cell = broken.plans[0].sheets[4].measures[0]
    cell.title = cell.title.replace("コーディネート", "コーディネーター")
    assert "title.mismatch" not in codes(check_report(broken))


def test_goal_title_differing_between_sheets_is_a_warning(broken: Report, baseline: list[Finding]) -> None:
    context = broken.plans[0].sheets[2].context
    assert context is not None
    context.goal_title = "多様な地域生活課題に応える支援の仕組みづくり"
    found = new_findings(broken, baseline)
    assert [(f.code, f.location.page, f.location.column) for f in found] == [
        ("title.mismatch", 13, "基本目標")
    ]


# ---- numbering


def test_closing_the_gap_removes_the_gap_warning(tmp_path: Path) -> None:
    def renumber(root: etree._Element) -> None:
        set_text(paragraphs_saying(root, "(8)")[0], "(7)")

    assert "numbering.gap" not in codes(check_report(edited(tmp_path, renumber)))


def test_layered_measure_numbering(tmp_path: Path, baseline: list[Finding]) -> None:
    def renumber(root: etree._Element) -> None:
        for p in paragraphs_saying(root, "7 アウトリーチ等事業の実施"):
            set_text(p, "9 アウトリーチ等事業の実施")

    found = [f for f in new_findings(edited(tmp_path, renumber), baseline) if f.code.startswith("numbering")]
    assert [(f.code, f.location.page, f.expected, f.found) for f in found] == [
        ("numbering.gap", 29, "7", "9"),
        ("numbering.order", 30, None, "8"),
    ]


def test_band_items_out_of_order(tmp_path: Path, baseline: list[Finding]) -> None:
    def reletter(root: etree._Element) -> None:
        set_text(paragraphs_saying(root, "イ")[0], "エ")  # 1 普及啓発 (2) イ → エ

    found = [f for f in new_findings(edited(tmp_path, reletter), baseline) if f.code.startswith("numbering")]
    assert [(f.code, f.expected, f.found) for f in found] == [
        ("numbering.gap", "イ", "エ"),
        ("numbering.order", None, "ウ"),
    ]


def test_welfare_goal_repeated_after_another_goal(broken: Report, baseline: list[Finding]) -> None:
    context = broken.plans[0].sheets[6].context  # 3 安心・安全に… printed as goal 1
    assert context is not None
    context.goal_label = "1"
    context.goal_title = "多様な地域生活課題に応える包括的な支援の仕組みづくり"
    found = [f for f in new_findings(broken, baseline) if f.code.startswith("numbering")]
    assert [(f.code, f.location.page, f.location.column) for f in found] == [
        ("numbering.duplicate", 17, "基本目標")
    ]


def test_welfare_project_duplicate_label(broken: Report, baseline: list[Finding]) -> None:
    plan = broken.plans[0]
    assert isinstance(plan, WelfarePlan)
    measure = plan.goals[1].policies[0].measures[0]  # 2－(3)
    twin = measure.projects[0].model_copy(update={"id": "p1-2-3-1-a#2", "plan_text": "別の事業"})
    measure.projects.append(twin)
    found = new_findings(broken, baseline)
    assert [(f.code, f.found) for f in found] == [("numbering.duplicate", "a")]


@pytest.mark.parametrize(
    ("label", "parts"),
    [("(6) ア", ["(6)", "ア"]), ("ア", ["ア"]), ("①", ["①"]), ("（３）", ["(3)"]), ("b", ["b"]), ("", [])],
)
def test_label_parts(label: str, parts: list[str]) -> None:
    assert label_parts(label) == parts


@pytest.mark.parametrize(
    ("part", "number", "seven"),
    [("(8)", 8, "(7)"), ("③", 3, "⑦"), ("ウ", 3, "キ"), ("c", 3, "g"), ("3", 3, "7"), ("(ウ)", 3, "(キ)")],
)
def test_label_number_and_style(part: str, number: int, seven: str) -> None:
    assert label_number(part) == number
    assert label_like(part, 7) == seven


# ---- required cells


def test_empty_do_cell_is_an_error(tmp_path: Path, baseline: list[Finding]) -> None:
    def empty_do(root: etree._Element) -> None:
        p = next(p for p in root.iter(f"{W}p") if text_of(p).startswith("ガイドラインの改定内容を踏まえ"))
        set_text(p, "")

    found = new_findings(edited(tmp_path, empty_do), baseline)
    assert [(f.code, f.location.page, f.location.column) for f in found] == [("cell.empty", 17, "Do")]


def test_empty_act_cell_is_an_error(broken: Report, baseline: list[Finding]) -> None:
    for entry in project(broken, "p2-6-(2)").entries:
        entry.act = []
    found = new_findings(broken, baseline)
    assert [(f.code, f.severity, f.location.page, f.location.column) for f in found] == [
        ("cell.empty", "error", 28, "Act")
    ]


def test_measure_without_projects_is_an_error(broken: Report, baseline: list[Finding]) -> None:
    plan = broken.plans[1]
    assert isinstance(plan, LayeredPlan)
    plan.measures[1].projects = []
    found = new_findings(broken, baseline)
    assert [(f.code, f.location.page) for f in found] == [("measure.no_projects", 22)]


def test_project_check_cells_empty_or_a_result_are_normal(tmp_path: Path) -> None:
    for replacement in ("", "達成"):

        def fill(root: etree._Element, replacement: str = replacement) -> None:
            set_text(paragraphs_saying(root, "/")[0], replacement)

        assert "cell.check" not in codes(check_report(edited(tmp_path, fill)))


# ---- the reader's own warnings


def test_reader_warnings_are_part_of_the_check(tmp_path: Path) -> None:
    result = read_report_result(EXAMPLE)
    stray = Message(
        code="reader.unplaced_text",
        text="モデルに取り込めなかった文字列があります：「メモ」",
        location=Location(section="第1章", page=11),
    )
    found = check_report(result.value, [*result.messages, stray])
    assert [(f.code, f.severity) for f in found if f.code.startswith("reader")] == [
        ("reader.unplaced_text", "warning")
    ]


def test_page_set_reads_the_report_notations() -> None:
    assert page_set("12～13") == page_set("12-13") == page_set("12、13") == frozenset({12, 13})
    assert page_set("25〜27") == frozenset({25, 26, 27})
    assert page_set("別紙") == "別紙"


# ---- robustness: whatever staff type, the check reports and never crashes

typed = st.text(alphabet=st.sampled_from("A B(再掲)（）①⑳ア1２-ー/ 　\n達成ab"), max_size=8)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    grade_cell=typed,
    band_label=typed,
    project_label=typed,
    code=typed,
    header_cell=typed,
    bounds=st.tuples(st.integers(0, 100), st.integers(0, 100)),
)
def test_check_survives_anything_typed_into_the_cells(
    report: Report,
    grade_cell: str,
    band_label: str,
    project_label: str,
    code: str,
    header_cell: str,
    bounds: tuple[int, int],
) -> None:
    broken = report.model_copy(deep=True)
    layered = broken.plans[1]
    assert isinstance(layered, LayeredPlan)
    layered.sheets[3].measures[0].grade_cell = grade_cell
    layered.measures[0].bands[0].label = band_label
    layered.measures[4].projects[5].label = project_label
    layered.measures[4].projects[0].departments = [code, "福"]
    layered.sheets[0].header[3] = header_cell
    low, high = sorted(bounds)
    broken.intro.criteria[1] = broken.intro.criteria[1].model_copy(
        update={"lower_percent": low, "upper_percent": high}
    )
    for finding in check_report(broken):
        assert finding.severity in ("error", "warning")
        assert finding.describe()
