"""序章 3's evaluation rule: exact percentages, the report's own criteria, measures and 評価総括表."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from komae_docx import Report
from komae_docx.model import Criterion, Measure, Project, ProjectResult, TargetCount
from komae_docx.rules import (
    CriteriaError,
    GradingError,
    NoProjectsError,
    PlanSummary,
    ResultValueError,
    all_determined,
    describe_grades,
    format_percent,
    grade,
    grade_measure,
    grade_plan,
    grade_report,
    grades_as_json,
    measure_pages,
    pages_text,
    parse_outcome,
    share_text,
    summary_from_sheets,
    target_count,
)

R5_CRITERIA = [
    Criterion(letter="A", label="進捗している", lower_percent=70, text="70%以上"),
    Criterion(letter="B", label="現状維持", lower_percent=40, upper_percent=70, text="40%以上70%未満"),
    Criterion(
        letter="C", label="あまり進捗していない", lower_percent=20, upper_percent=40, text="20%以上40%未満"
    ),
    Criterion(
        letter="D", label="全く進捗していない", lower_percent=0, upper_percent=20, text="0%以上20%未満"
    ),
]


def criteria_with(a: int, b: int, c: int) -> list[Criterion]:
    """A criteria table with thresholds A ≥ a, B ≥ b, C ≥ c (as a city that changes them would print)."""
    return [
        Criterion(letter="A", label="", lower_percent=a, text=f"{a}%以上"),
        Criterion(letter="B", label="", lower_percent=b, upper_percent=a, text=f"{b}%以上{a}%未満"),
        Criterion(letter="C", label="", lower_percent=c, upper_percent=b, text=f"{c}%以上{b}%未満"),
        Criterion(letter="D", label="", lower_percent=0, upper_percent=c, text=f"0%以上{c}%未満"),
    ]


def measure_by_ref(report: Report, ref: str) -> Measure:
    return next(m for plan in report.plans for m in plan.iter_measures() if m.ref == ref)


# ---- one grade


def test_the_reports_criteria_are_read_as_the_rule(report: Report) -> None:
    assert [(c.letter, c.lower_percent, c.upper_percent) for c in report.intro.criteria] == [
        (c.letter, c.lower_percent, c.upper_percent) for c in R5_CRITERIA
    ]


def test_the_reports_worked_example_two_of_four_is_b(report: Report) -> None:
    # 序章 3: 施策1 の事業a～d のうち 達成 2、未達成 2 → 2/4 = 50% → B
    example = report.intro.example
    assert example is not None
    statuses = [row.status for row in example.rows]
    assert (statuses.count("達成"), len(statuses)) == (2, 4)
    assert grade(statuses.count("達成"), len(statuses), report.intro.criteria) == "B"


@pytest.mark.parametrize(
    ("achieved", "total", "letter"),
    [
        (7, 10, "A"),  # exactly 70 %
        (2, 5, "B"),  # exactly 40 %
        (1, 5, "C"),  # exactly 20 %
        (0, 3, "D"),
        (69, 100, "B"),
        (39, 100, "C"),
        (19, 100, "D"),
        (1, 1, "A"),
        (2, 3, "B"),  # 66.66…%
        (1, 3, "C"),  # 33.33…%
    ],
)
def test_boundaries(achieved: int, total: int, letter: str) -> None:
    assert grade(achieved, total, R5_CRITERIA) == letter


def test_zero_projects_is_an_error_not_a_grade() -> None:
    with pytest.raises(NoProjectsError, match="0件"):
        grade(0, 0, R5_CRITERIA)


@pytest.mark.parametrize(("achieved", "total"), [(5, 4), (-1, 3)])
def test_impossible_counts_are_refused(achieved: int, total: int) -> None:
    with pytest.raises(GradingError):
        grade(achieved, total, R5_CRITERIA)


def test_a_criteria_table_with_a_hole_gives_no_grade() -> None:
    broken = [c.model_copy(update={"lower_percent": 45}) if c.letter == "B" else c for c in R5_CRITERIA]
    assert grade(1, 2, broken) == "B"
    with pytest.raises(CriteriaError, match="42"):
        grade(42, 100, broken)


def test_format_percent_rounds_half_up_and_keeps_the_decimal_of_a_rounded_value() -> None:
    # issue 12 item 9: 2/3 shows 66.7%, not 66.6%; a rounded 69.99% must not pass for an exact 70%
    assert format_percent(Fraction(200, 3)) == "66.7%"
    assert format_percent(Fraction(100, 3)) == "33.3%"
    assert format_percent(Fraction(6999, 100)) == "70.0%"
    assert format_percent(Fraction(1325, 100)) == "13.3%"  # exactly half: up
    assert format_percent(Fraction(1324, 100)) == "13.2%"
    assert format_percent(Fraction(50)) == "50%"
    assert share_text(2, 3) == "2/3（66.7%）"
    assert share_text(1, 2) == "1/2（50%）"


@given(total=st.integers(1, 300), data=st.data())
def test_grade_is_monotone_in_achieved(total: int, data: st.DataObject) -> None:
    low = data.draw(st.integers(0, total))
    high = data.draw(st.integers(low, total))
    rank = "DCBA"
    assert rank.index(grade(low, total, R5_CRITERIA)) <= rank.index(grade(high, total, R5_CRITERIA))


@given(
    thresholds=st.lists(st.integers(1, 99), min_size=3, max_size=3, unique=True).map(sorted),
    total=st.integers(1, 200),
    data=st.data(),
)
def test_thresholds_of_a_modified_criteria_table_are_honoured(
    thresholds: list[int], total: int, data: st.DataObject
) -> None:
    c, b, a = thresholds
    achieved = data.draw(st.integers(0, total))
    share = 100 * achieved  # compared with threshold * total: integers, as the rule must be exact
    expected = (
        "A" if share >= a * total else "B" if share >= b * total else "C" if share >= c * total else "D"
    )
    assert grade(achieved, total, criteria_with(a, b, c)) == expected


@given(k=st.integers(1, 10_000))
def test_exactly_seventy_percent_is_always_an_a(k: int) -> None:
    # 0.7 * 100 in floats is 70.00000000000001; 7k/10k must be exactly 70 %.
    assert grade(7 * k, 10 * k, R5_CRITERIA) == "A"
    assert grade(7 * k - 1, 10 * k, R5_CRITERIA) == "B"


# ---- a measure


def with_results(measure: Measure, results: list[ProjectResult | None]) -> Measure:
    projects = [p.model_copy(update={"result": r}) for p, r in zip(measure.projects, results, strict=True)]
    return measure.model_copy(update={"projects": projects})


def test_a_measure_over_two_sheets_counts_its_project_once(report: Report) -> None:
    measure = measure_by_ref(report, "1－(2)－①")
    (project,) = measure.projects
    assert project.sheets == [1, 2]  # the 再掲 sheet 13 continues the same project
    graded = grade_measure(with_results(measure, ["達成"]), R5_CRITERIA)
    assert (graded.letter, graded.achieved, graded.projects) == ("A", 1, 1)


def test_measure_grade_from_the_model_results(report: Report) -> None:
    measure = measure_by_ref(report, "7 アウトリーチ等事業の実施")
    graded = grade_measure(with_results(measure, ["達成", "未達成"]), R5_CRITERIA)
    assert (graded.letter, graded.percent, graded.pending) == ("B", Fraction(50), ())


def test_unevaluated_projects_leave_the_grade_undetermined_and_are_named(report: Report) -> None:
    measure = measure_by_ref(report, "4 包括的相談支援事業の実施")
    graded = grade_measure(with_results(measure, ["達成", "未評価", "達成", None]), R5_CRITERIA)
    assert graded.letter is None and not graded.determined and graded.percent is None
    assert graded.pending == ("p2-4-(2)", "p2-4-(1)#2")


def test_a_results_mapping_wins_over_the_model(report: Report) -> None:
    measure = with_results(measure_by_ref(report, "7 アウトリーチ等事業の実施"), ["未達成", "未達成"])
    graded = grade_measure(measure, R5_CRITERIA, {"p2-7-(1)": "達成", "p2-7-(2)": "達成"})
    assert graded.letter == "A"


def test_a_project_listed_twice_is_counted_once(report: Report) -> None:
    measure = measure_by_ref(report, "7 アウトリーチ等事業の実施")
    doubled = measure.model_copy(update={"projects": [*measure.projects, measure.projects[0]]})
    graded = grade_measure(doubled, R5_CRITERIA, {"p2-7-(1)": "達成", "p2-7-(2)": "未達成"})
    assert (graded.achieved, graded.projects, graded.letter) == (1, 2, "B")


def test_a_measure_without_projects_is_an_error(report: Report) -> None:
    empty = measure_by_ref(report, "1－(1)").model_copy(update={"projects": []})
    with pytest.raises(NoProjectsError) as info:
        grade_measure(empty, R5_CRITERIA)
    assert "1－(1)" in str(info.value)


# ---- pages and the 評価総括表


@pytest.mark.parametrize(
    ("pages", "text"),
    [([11], "11"), ([12, 13], "12～13"), ([25, 26, 27], "25～27"), ([12, 14], "12、14"), ([], "")],
)
def test_pages_text(pages: list[int], text: str) -> None:
    assert pages_text(pages) == text


def test_measure_pages_as_the_document_states_them(report: Report) -> None:
    layered = report.plans[1]
    assert measure_pages(layered, "p2-5") == [25, 26, 27]
    assert measure_pages(layered, "p2-2") == measure_pages(layered, "p2-3") == [22]


def summary_rows(summary: PlanSummary) -> dict[str, list[tuple[str, str]]]:
    return {g.letter: [(e.pages, e.ref) for e in g.entries] for g in summary.groups}


def test_published_welfare_summary_is_reproduced_from_the_sheets(report: Report) -> None:
    summary = summary_from_sheets(report.plans[0], report.intro.criteria)
    assert summary_rows(summary) == {
        "A": [("11", "1－(1)"), ("12～13", "1－(2)－①"), ("14～15", "1－(2)－③"), ("16", "2－(3)")],
        "B": [],
        "C": [("17", "3－(1)")],
        "D": [],
    }
    assert summary.total == 5 and summary.ungraded == ()


def test_published_layered_summary_is_reproduced_from_the_sheets(report: Report) -> None:
    summary = summary_from_sheets(report.plans[1], report.intro.criteria)
    assert summary_rows(summary) == {
        "A": [
            ("21", "1 普及啓発"),
            ("22", "2 相談支援包括化推進体制の構築"),
            ("22", "3 情報共有システムの構築"),
            ("23～24", "4 包括的相談支援事業の実施"),
            ("25～27", "5 地域づくり事業の実施"),
            ("28", "6 多機関協働事業の実施"),
            ("30", "8 参加支援事業の実施"),
        ],
        "B": [("29", "7 アウトリーチ等事業の実施")],
        "C": [],
        "D": [],
    }
    assert summary.total == 8


def test_computed_summaries_equal_the_printed_tables(report: Report) -> None:
    for plan in report.plans:
        assert plan.summary is not None
        printed = {g.grade: [(r.page, r.measure) for r in g.rows] for g in plan.summary.groups}
        assert summary_rows(summary_from_sheets(plan, report.intro.criteria)) == printed
        assert [str(g.count) for g in summary_from_sheets(plan, report.intro.criteria).groups] == [
            g.count for g in plan.summary.groups
        ]


def layered_results(report: Report) -> dict[str, ProjectResult]:
    """Every project of the 重層 plan 達成."""
    return {p.id: "達成" for m in report.plans[1].iter_measures() for p in m.projects}


def test_published_layered_grades_follow_from_plausible_results(report: Report) -> None:
    # Every 重層 project achieved except one of measure 7's two: 1/2 = 50 % → B, as published.
    results = layered_results(report)
    results["p2-7-(2)"] = "未達成"
    graded = grade_plan(report.plans[1], report.intro.criteria, results)
    published = summary_from_sheets(report.plans[1], report.intro.criteria)
    assert summary_rows(graded.summary) == summary_rows(published)
    # and as the report prints it (p.19): seven A, one B
    assert summary_rows(graded.summary)["B"] == [("29", "7 アウトリーチ等事業の実施")]
    assert [g.count for g in graded.summary.groups] == [7, 1, 0, 0]


def test_a_single_project_measure_is_a_or_d_only(report: Report) -> None:
    # 3－(1) has one project (b): binary results give 0 % or 100 %, so its published C cannot come from
    # 達成 / 未達成 of that project alone — the grade the report prints is carried, not recomputed.
    measure = measure_by_ref(report, "3－(1)")
    assert len(measure.projects) == 1
    letters = {grade_measure(with_results(measure, [r]), R5_CRITERIA).letter for r in ("達成", "未達成")}
    assert letters == {"A", "D"}


def test_grade_report_undetermined_without_results(report: Report) -> None:
    plans = grade_report(report)
    assert not all_determined(plans)
    assert [len(p.summary.ungraded) for p in plans] == [5, 8]
    assert all(p.summary.total == 0 for p in plans)


def test_describe_and_json_of_grades(report: Report) -> None:
    results = layered_results(report)
    results["p2-7-(2)"] = "未達成"
    plans = [grade_plan(report.plans[1], report.intro.criteria, results)]
    text = describe_grades(plans, "r5_report.docx", "results.yaml")
    assert "r5_report.docx の評価（事業の結果：results.yaml）" in text
    assert "B       7 アウトリーチ等事業の実施（年次目標の達成 1/2（50%））" in text
    assert "          29頁  7 アウトリーチ等事業の実施" in text
    assert "    合計  8件" in text
    data = grades_as_json(plans)
    assert data[0]["summary"]["total"] == 8
    assert [g["count"] for g in data[0]["summary"]["groups"]] == [7, 1, 0, 0]
    assert data[0]["measures"][6] == {
        "measure_id": "p2-7",
        "ref": "7 アウトリーチ等事業の実施",
        "grade": "B",
        "achieved": 1,
        "targets": 2,
        "projects": 2,
        "share": "1/2（50%）",
        "pending": [],
        "printed": False,
    }


def test_describe_grades_tells_how_to_give_results(report: Report) -> None:
    text = describe_grades(grade_report(report), "r5_report.docx")
    assert "--results" in text and "未確定" in text


def test_grading_uses_pure_functions_only(report: Report) -> None:
    before = report.model_dump_json()
    grade_report(report, layered_results(report))
    summary_from_sheets(report.plans[0], report.intro.criteria)
    assert report.model_dump_json() == before


def test_project_model_result_is_used_without_a_file(report: Report) -> None:
    measure = measure_by_ref(report, "2 相談支援包括化推進体制の構築")
    project: Project = measure.projects[0].model_copy(update={"result": "達成"})
    graded = grade_measure(measure.model_copy(update={"projects": [project]}), R5_CRITERIA)
    assert graded.letter == "A"


# ---- issue 10: the share counts annual targets (年次目標), Σk / Σn over a measure's projects


def test_r5_3_1_graded_c_is_reproducible_with_k_of_n(report: Report) -> None:
    # 3－(1) has one project and is published C: only several targets can give that (序章 3)
    measure = measure_by_ref(report, "3－(1)")
    assert measure.grade == "C"
    [project] = measure.projects
    graded = grade_measure(measure, report.intro.criteria, {project.id: TargetCount(achieved=1, targets=3)})
    assert (graded.letter, graded.achieved, graded.targets, graded.projects) == ("C", 1, 3, 1)
    assert graded.share == Fraction(1, 3) and graded.share_text == "1/3（33.3%）"


def test_shares_are_summed_over_targets_not_averaged_over_projects(report: Report) -> None:
    # 7: two projects, 1/1 and 0/3: Σk/Σn = 1/4 = 25 % → C (the mean of shares, 50 %, would be B)
    measure = measure_by_ref(report, "7 アウトリーチ等事業の実施")
    first, second = (p.id for p in measure.projects)
    results = {first: "達成", second: TargetCount(achieved=0, targets=3)}
    graded = grade_measure(measure, report.intro.criteria, results)
    assert (graded.letter, graded.achieved, graded.targets) == ("C", 1, 4)


def test_seven_of_ten_targets_is_exactly_70_percent_and_an_a(report: Report) -> None:
    measure = measure_by_ref(report, "7 アウトリーチ等事業の実施")
    first, second = (p.id for p in measure.projects)
    results = {first: TargetCount(achieved=3, targets=5), second: TargetCount(achieved=4, targets=5)}
    assert grade_measure(measure, report.intro.criteria, results).letter == "A"
    results[second] = TargetCount(achieved=3, targets=5)  # 6/10
    assert grade_measure(measure, report.intro.criteria, results).letter == "B"


@pytest.mark.parametrize(
    ("typed", "outcome"),
    [
        ("達成", "達成"),
        ("未達成", "未達成"),
        ("未評価", "未評価"),
        ("", "未評価"),
        (" 達 成 ", "達成"),
        ("1/3", TargetCount(achieved=1, targets=3)),
        ("１／３", TargetCount(achieved=1, targets=3)),
        ("０/２", TargetCount(achieved=0, targets=2)),
        ("3 / 3", TargetCount(achieved=3, targets=3)),
    ],
)
def test_parse_outcome_reads_what_staff_type(typed: str, outcome: object) -> None:
    assert parse_outcome(typed) == outcome


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("4/3", "超えています"),
        ("0/0", "0 です"),
        ("a/b", "達成・未達成・未評価"),
        ("達成済", "達成・未達成・未評価"),
    ],
)
def test_parse_outcome_refuses_with_a_japanese_reason(typed: str, reason: str) -> None:
    with pytest.raises(ResultValueError) as info:
        parse_outcome(typed)
    assert info.value.value == typed and reason in info.value.reason


def test_target_count_is_the_one_target_case_for_the_list_values() -> None:
    assert target_count("達成") == TargetCount(achieved=1, targets=1)
    assert target_count("未達成") == TargetCount(achieved=0, targets=1)
    assert target_count("未評価") is None and target_count(None) is None


def test_a_model_refuses_more_achieved_than_targets() -> None:
    with pytest.raises(ValidationError):
        TargetCount(achieved=4, targets=3)
    with pytest.raises(ValidationError):
        TargetCount(achieved=0, targets=0)
