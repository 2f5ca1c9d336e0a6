"""Rolling the FY2023 (令和5年度) report forward to the FY2024 draft: years, empty cells, change log."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from komae_docx import Report
from komae_docx.era import era_of_fiscal_year, era_of_month
from komae_docx.model import EraMonth, FiscalYear, LayeredPlan, Measure, WelfarePlan
from komae_docx.rollover import (
    PUBLICATION_SERIAL_PLACEHOLDER,
    Change,
    Rollover,
    RolloverError,
    move_fiscal_year,
    next_publication_month,
    next_publication_number,
    report_year_spans,
    roll_forward,
    roll_report_dates,
)

GOAL_SENTENCE = "令和5(2023)年度の年次目標"


@pytest.fixture(scope="module")
def rolled(report: Report) -> Rollover:
    return roll_forward(report)


@pytest.fixture(scope="module")
def draft(rolled: Rollover) -> Report:
    return rolled.report


def measure_by_ref(report: Report, ref: str) -> Measure:
    for plan in report.plans:
        for measure in plan.iter_measures():
            if measure.ref == ref:
                return measure
    raise AssertionError(f"no measure {ref}")


def intro_texts(report: Report) -> list[str]:
    return [block.text for block in report.intro.blocks]


def block_with(report: Report, fragment: str) -> str:
    found = [text for text in intro_texts(report) if fragment in text]
    assert len(found) == 1, (fragment, found)
    return found[0]


def structure(report: Report) -> dict[str, Any]:
    """Everything that must carry over: plans, measures, projects, 担当課, 頁, 指標, sheets, 序章 tables."""

    def plan_facts(plan: WelfarePlan | LayeredPlan) -> dict[str, Any]:
        return {
            "key": plan.key,
            "sheets": [
                (s.index, s.page, s.context, [(m.measure_id, m.label, m.title, m.row) for m in s.measures])
                for s in plan.sheets
            ],
            "measures": [
                (m.id, m.ref, m.label, m.tag, m.title, m.bands)
                for m in plan.iter_measures()
            ],
            "projects": [
                (p.id, p.label, p.band, p.plan_text, p.departments, p.plan_pages, p.indicator,
                 [(e.sheet, e.row) for e in p.entries])
                for m in plan.iter_measures()
                for p in m.projects
            ],
            "opinion_rows": [
                (s.index, s.page, [(r.kind, r.label, r.title, r.measure_id, r.opinion_rows, r.row)
                                   for r in s.rows])
                for s in plan.opinion_sheets
            ],
            "summary_groups": [(g.grade, g.label) for g in plan.summary.groups] if plan.summary else None,
        }

    goals = [
        (g.label, g.title, [(p.label, p.title, [m.id for m in p.measures]) for p in g.policies])
        for plan in report.plans
        if isinstance(plan, WelfarePlan)
        for g in plan.goals
    ]
    pub = report.publication
    return {
        "plans": [plan_facts(plan) for plan in report.plans],
        "goals": goals,
        "toc": report.toc,
        "intro_kinds": [block.kind for block in report.intro.blocks],
        "criteria": report.intro.criteria,
        "departments": report.intro.departments,
        "schedule": report.intro.schedule,
        "example_rows": report.intro.example.rows if report.intro.example else None,
        "publisher": (pub.publisher, pub.editor, pub.postal_code, pub.address, pub.phone, pub.price),
    }


def ch(where: str, field: str, old: str, new: str) -> Change:
    return Change(where=where, field=field, old=old, new=new)


# --------------------------------------------------------------------------- years and dates


def test_fiscal_year_moves_to_reiwa_6(draft: Report) -> None:
    fy = draft.fiscal_year
    assert (fy.era, fy.era_year, fy.western_year) == ("令和", 6, 2024)
    assert fy.text == "令和6年度"


def test_publication_month_and_number(draft: Report) -> None:
    assert draft.publication.month.text == "令和7年9月"
    assert draft.publication.month.western_year == 2025
    assert draft.publication.number.startswith("R7-")
    assert draft.publication.number == f"R7-{PUBLICATION_SERIAL_PLACEHOLDER}" == "R7-〇〇"


def test_titles_move_their_year(draft: Report) -> None:
    assert draft.cover.report_title == "令和6年度報告書（案）"  # the draft says it is one (issue 17)
    assert draft.colophon.title_lines[-1] == "令和6年度報告書"
    titles = [plan.summary.title for plan in draft.plans if plan.summary is not None]
    assert len(titles) == 2
    assert all("令和6年度報告書" in title and "令和5" not in title for title in titles)


def test_intro_report_year_moves(report: Report, draft: Report) -> None:
    assert GOAL_SENTENCE in block_with(report, "【例】")
    assert "令和6(2024)年度の年次目標" in block_with(draft, "【例】")
    assert "令和6(2024)年度の達成率は2/4" in block_with(draft, "この場合")
    assert "進捗管理 令和6年度報告書を含む" in block_with(draft, "担当課」は以下")
    assert block_with(draft, "次表のとおり").startswith("令和6年度の狛江市第4次地域福祉計画")
    assert draft.intro.example is not None and draft.intro.example.header == "令和6年度の年次目標の達成状況"
    assert not any("令和5" in text for text in intro_texts(draft))


@pytest.mark.parametrize("fragment", ["令和3年3月に", "令和4年4月に", "平成26年7月に", "平成20年規則第3号"])
def test_intro_historical_dates_stay(report: Report, draft: Report, fragment: str) -> None:
    assert block_with(draft, fragment) == block_with(report, fragment)


def test_plan_content_and_other_years_stay(report: Report) -> None:
    edited = report.model_copy(deep=True)
    project = measure_by_ref(edited, "3－(1)").projects[0]
    project.plan_text = "令和5年度に" + project.plan_text
    draft = roll_forward(edited).report
    moved = measure_by_ref(draft, "3－(1)").projects[0]
    assert moved.plan_text.startswith("令和5年度に") and "昭和37年総理府令第52号" in moved.plan_text
    layered = draft.plan("plan2")
    assert "(主な事業内容(令和4年度))" in layered.sheets[8].header[0]


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        ("令和5年度", 2023, 2024, "令和6年度"),
        ("令和５年度報告書", 2023, 2024, "令和６年度報告書"),
        ("令和5(2023)年度の年次目標", 2023, 2024, "令和6(2024)年度の年次目標"),
        ("令和5（２０２３）年度", 2023, 2024, "令和6（２０２４）年度"),
        ("令和 5 年度", 2023, 2024, "令和 6 年度"),
        ("2023年度", 2023, 2024, "2024年度"),
        ("２０２３年度", 2023, 2024, "２０２４年度"),
        ("2023(令和5)年度", 2023, 2024, "2024(令和6)年度"),
        ("令和5年度と令和5年度", 2023, 2024, "令和6年度と令和6年度"),
        ("平成30(2018)年度", 2018, 2019, "令和元(2019)年度"),
        ("平成30年度報告書", 2018, 2019, "令和元年度報告書"),
        ("令和元年度", 2019, 2020, "令和2年度"),
        ("平成31年度", 2019, 2020, "令和2年度"),
        ("令和3年3月に", 2023, 2024, "令和3年3月に"),
        ("令和5年3月に", 2023, 2024, "令和5年3月に"),
        ("令和5年中に", 2023, 2024, "令和5年中に"),
        ("令和4年度", 2023, 2024, "令和4年度"),
        ("令和6年度から", 2023, 2024, "令和6年度から"),
        ("令和5(2024)年度", 2023, 2024, "令和5(2024)年度"),
        ("2024(令和5)年度", 2023, 2024, "2024(令和5)年度"),
        ("平成20年規則第3号", 2023, 2024, "平成20年規則第3号"),
        ("福祉カレッジ2023", 2023, 2024, "福祉カレッジ2023"),
        ("12023年度", 2023, 2024, "12023年度"),
        ("前年度・当該年度・次年度", 2023, 2024, "前年度・当該年度・次年度"),
    ],
)
def test_move_fiscal_year(text: str, old: int, new: int, expected: str) -> None:
    assert move_fiscal_year(text, old, new) == expected


@pytest.mark.parametrize(
    ("month", "expected"),
    [
        (("令和", 6, 2024, 9), "令和7年9月"),
        (("平成", 30, 2018, 9), "令和元年9月"),
        (("平成", 30, 2018, 4), "平成31年4月"),
        (("平成", 31, 2019, 4), "令和2年4月"),
        (("令和", 1, 2019, 9), "令和2年9月"),
    ],
)
def test_next_publication_month(month: tuple[str, int, int, int], expected: str) -> None:
    era, era_year, western, m = month
    moved = next_publication_month(EraMonth(era=era, era_year=era_year, western_year=western, month=m))
    assert moved.text == expected
    assert moved.western_year == western + 1


@pytest.mark.parametrize(
    ("number", "month", "expected"),
    [
        ("R6-22", ("令和", 7, 2025), "R7-〇〇"),
        ("R6－22", ("令和", 7, 2025), "R7－〇〇"),
        ("H30-5", ("令和", 1, 2019), "R1-〇〇"),
        ("R7-〇〇", ("令和", 8, 2026), "R8-〇〇"),
        ("", ("令和", 7, 2025), "R7-〇〇"),
    ],
)
def test_next_publication_number(number: str, month: tuple[str, int, int], expected: str) -> None:
    era, era_year, western = month
    new_month = EraMonth(era=era, era_year=era_year, western_year=western, month=9)
    assert next_publication_number(number, new_month) == expected


def test_inconsistent_fiscal_year_is_refused(report: Report) -> None:
    edited = report.model_copy(deep=True)
    edited.fiscal_year = FiscalYear(era="令和", era_year=5, western_year=2024)
    with pytest.raises(RolloverError, match="食い違っています"):
        roll_forward(edited)


# --------------------------------------------------------------------------- era changes


def at_fiscal_year(report: Report, western: int) -> Report:
    """The example as if it were the report of ``western``: fiscal year, prose and titles."""
    ey = era_of_fiscal_year(western)
    edited = report.model_copy(deep=True)
    edited.fiscal_year = FiscalYear(era=ey.era, era_year=ey.year, western_year=ey.western)
    for block in edited.intro.blocks:
        text = block.text.replace("令和5(2023)年度", f"{ey}({western})年度")
        block.text = text.replace("令和5年度", f"{ey}年度")
    edited.cover.report_title = f"{ey}年度報告書"
    pub = era_of_month(western + 1, 9)
    edited.publication.month = EraMonth(era=pub.era, era_year=pub.year, western_year=pub.western, month=9)
    edited.publication.number = f"R{pub.year}-22"
    return edited


def test_heisei_30_rolls_to_reiwa_gannen(report: Report) -> None:
    heisei = at_fiscal_year(report, 2018)
    assert heisei.fiscal_year.text == "平成30年度"
    assert "平成30(2018)年度の年次目標" in block_with(heisei, "【例】")
    rolled = roll_forward(heisei)
    draft = rolled.report
    assert draft.fiscal_year.text == "令和元年度"
    fy = draft.fiscal_year
    assert (fy.era, fy.era_year, fy.western_year) == ("令和", 1, 2019)
    assert "令和元(2019)年度の年次目標" in block_with(draft, "【例】")
    assert draft.cover.report_title == "令和元年度報告書（案）"
    assert draft.publication.month.text == "令和2年9月"
    assert draft.publication.number == "R2-〇〇"
    assert ch("報告書", "fiscal_year", "平成30年度（2018年度）", "令和元年度（2019年度）") in rolled.changes


def test_reiwa_gannen_rolls_to_reiwa_2(report: Report) -> None:
    gannen = at_fiscal_year(report, 2019)
    assert gannen.fiscal_year.text == "令和元年度"
    draft = roll_forward(gannen).report
    assert draft.fiscal_year.text == "令和2年度"
    assert draft.fiscal_year.western_year == 2020
    assert "令和2(2020)年度の年次目標" in block_with(draft, "【例】")
    assert block_with(draft, "次表のとおり").startswith("令和2年度の")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.integers(min_value=1989, max_value=2040), times=st.integers(min_value=0, max_value=6))
def test_rolling_n_times(report: Report, start: int, times: int) -> None:
    current = at_fiscal_year(report, start)
    ids = [project.id for _, _, project in current.iter_projects()]
    for _ in range(times):
        current = roll_forward(current).report
    fy = current.fiscal_year
    assert fy.western_year == start + times
    expected = era_of_fiscal_year(start + times)
    assert (fy.era, fy.era_year) == (expected.era, expected.year)
    assert f"{expected}({start + times})年度の年次目標" in block_with(current, "【例】")
    assert [project.id for _, _, project in current.iter_projects()] == ids


# --------------------------------------------------------------------------- emptied cells, kept structure


def test_every_do_check_act_and_opinion_is_empty(draft: Report) -> None:
    entries = [entry for _, _, project in draft.iter_projects() for entry in project.entries]
    assert len(entries) == 35
    for entry in entries:
        assert (entry.heading, entry.do, entry.check, entry.act) == (None, [], "", [])
    assert all(project.result is None for _, _, project in draft.iter_projects())
    assert all(measure.grade is None for plan in draft.plans for measure in plan.iter_measures())
    opinions = [row.opinions for plan in draft.plans for sheet in plan.opinion_sheets for row in sheet.rows]
    assert opinions and all(texts == [] for texts in opinions)
    assert all(not plan.opinions_for(m.id) for plan in draft.plans for m in plan.iter_measures())


def test_structure_carries_over(report: Report, draft: Report) -> None:
    assert structure(draft) == structure(report)
    assert [p.heading for p in draft.plans] == [p.heading for p in report.plans]


def test_several_entries_per_project_keep_their_rows(draft: Report) -> None:
    """2－(3) has three Do/Act rows on one sheet; 1－(2)－① one row on each of two sheets (再掲)."""
    rows = measure_by_ref(draft, "2－(3)").projects[0].entries
    assert [(e.sheet, e.row) for e in rows] == [(5, 5), (5, 6), (5, 7)]
    reprinted = measure_by_ref(draft, "1－(2)－①").projects[0]
    assert reprinted.sheets == [1, 2]
    assert all(not e.do and not e.act and e.heading is None for e in reprinted.entries)


def test_grade_cells_lose_the_letter_keep_the_reprint_mark(draft: Report) -> None:
    cells = [m.grade_cell for plan in draft.plans for sheet in plan.sheets for m in sheet.measures]
    assert len(cells) == 18 and cells.count("") == 13
    assert sorted(c for c in cells if c) == ["(再掲)", "(再掲)", "(再掲)", "(再掲)", "（再掲）"]


def test_summary_tables_are_emptied_with_their_groups_kept(report: Report, draft: Report) -> None:
    for before, after in zip(report.plans, draft.plans, strict=True):
        assert before.summary is not None and after.summary is not None
        assert [g.grade for g in after.summary.groups] == ["A", "B", "C", "D"]
        assert [g.label for g in after.summary.groups] == [g.label for g in before.summary.groups]
        assert all(g.count == "" and g.rows == [] for g in after.summary.groups)
        assert after.summary.total == ""
        assert after.summary.header == before.summary.header
        assert after.summary.total_label == before.summary.total_label


# --------------------------------------------------------------------------- change log


def test_change_log_names_place_field_old_and_new(rolled: Rollover) -> None:
    changes = rolled.changes
    assert changes[0] == ch("報告書", "fiscal_year", "令和5年度（2023年度）", "令和6年度（2024年度）")
    assert ch("表紙", "report_title", "令和5年度報告書", "令和6年度報告書（案）") in changes
    assert ch("奥付", "publication.month", "令和6年9月", "令和7年9月") in changes
    assert ch("奥付", "publication.number", "R6-22", "R7-〇〇") in changes
    assert ch("奥付", "title_lines[5]", "令和5年度報告書", "令和6年度報告書") in changes
    college = "第1章 1 地域福祉計画 1－(2)－① 事業a 記入欄2 Do"
    assert Change(where=college, field="heading", old="【福祉カレッジ】", new="") in changes
    college_do = next(c for c in changes if c.where == college and c.field == "do")
    assert college_do.old.startswith("福祉カレッジ2023を実施した。") and college_do.new == ""
    assert Change(where="第1章 1 地域福祉計画 3－(1)", field="grade", old="C", new="") in changes
    slash = "第1章 2 重層的支援体制整備事業実施計画 5 地域づくり事業の実施 事業(1) 記入欄1 Check"
    assert Change(where=slash, field="check", old="/", new="") in changes
    assert Change(where="第1章 1 地域福祉計画 評価総括表 A", field="count", old="4", new="") in changes
    reprint = "第1章 1 地域福祉計画 シート3（13頁） 1－(2)－①"
    assert ch(reprint, "grade_cell", "A(再掲)", "(再掲)") in changes
    opinion = next(c for c in changes if c.where == "第2章 1 地域福祉計画 意見シート2（34頁） 2－(3)")
    assert opinion.field == "opinions" and opinion.old.startswith("・重要なのは各団体規模")


def test_change_log_intro_sentences(report: Report, rolled: Rollover) -> None:
    index = next(i for i, text in enumerate(intro_texts(report), start=1) if "【例】" in text)
    change = next(c for c in rolled.changes if c.where == f"序章 ブロック{index}")
    assert (change.field, GOAL_SENTENCE in change.old) == ("text", True)
    assert "令和6(2024)年度の年次目標" in change.new
    historical = next(i for i, text in enumerate(intro_texts(report), start=1) if "令和3年3月に" in text)
    assert not any(c.where == f"序章 ブロック{historical}" for c in rolled.changes)


def test_change_log_covers_every_cleared_cell(report: Report, rolled: Rollover) -> None:
    entries = [entry for _, _, project in report.iter_projects() for entry in project.entries]
    fields = ("do", "act", "heading", "check")
    logged = {field: sum(1 for c in rolled.changes if c.field == field) for field in fields}
    assert logged == {
        "do": sum(1 for e in entries if e.do),
        "act": sum(1 for e in entries if e.act),
        "heading": sum(1 for e in entries if e.heading),
        "check": sum(1 for e in entries if e.check),
    }
    opinion_sheets = [sheet for plan in report.plans for sheet in plan.opinion_sheets]
    opinions = [row for sheet in opinion_sheets for row in sheet.rows if row.opinions]
    assert sum(1 for c in rolled.changes if c.field == "opinions") == len(opinions) == 8
    assert all(c.old != c.new for c in rolled.changes)
    multi = next(c for c in rolled.changes if c.where == "第1章 1 地域福祉計画 1－(2)－③ 事業a 記入欄1 Act")
    assert multi.old.split("\n")[0] == "【福祉のまちづくり委員会】"


def test_rolling_a_draft_again_only_moves_years(draft: Report) -> None:
    again = roll_forward(draft)
    assert {c.field for c in again.changes if c.new == ""} == set()
    assert again.report.fiscal_year.text == "令和7年度"
    assert again.report.publication.number == "R8-〇〇"


# --------------------------------------------------------------------------- safety and serialisation


def test_input_is_not_mutated(report: Report) -> None:
    before = report.model_dump(mode="json")
    rolled = roll_forward(report)
    assert report.model_dump(mode="json") == before
    assert rolled.report.intro is not report.intro
    assert rolled.report.plans[0] is not report.plans[0]


def test_rollover_json_round_trip(rolled: Rollover) -> None:
    text = rolled.model_dump_json()
    assert Rollover.model_validate_json(text) == rolled
    described = rolled.changes[0].describe()
    assert described == "報告書 年度：「令和5年度（2023年度）」→「令和6年度（2024年度）」", "staff words"
    assert "fiscal_year" not in described


# --------------------------------------------------------------------------- dates in prose


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("数値は、令和6年3月31日現在のものです。", "数値は、令和7年3月31日現在のものです。"),
        ("令和5年度の運用結果", "令和6年度の運用結果"),
        ("令和５年４月１日から", "令和６年４月１日から"),  # digit width kept
        ("平成26年7月に、市が策定", "平成26年7月に、市が策定"),  # before the report year: history
        ("令和3年3月にあいとぴあ", "令和3年3月にあいとぴあ"),
        ("昭和37年総理府令第52号", "昭和37年総理府令第52号"),  # 年 without a month: never the report's
        ("令和6年9月発行", "令和6年9月発行"),  # after the fiscal year (the publication rule moves it)
        ("令和6年4月1日現在", "令和6年4月1日現在"),  # the next fiscal year already
    ],
)
def test_report_year_dates_in_prose_roll_and_history_stays(text: str, expected: str) -> None:
    assert roll_report_dates(text, 2023, 2024) == expected


def test_a_date_crossing_an_era_is_named_by_its_month() -> None:
    assert roll_report_dates("平成31年3月31日現在", 2018, 2019) == "令和2年3月31日現在"
    assert roll_report_dates("平成30年4月1日", 2018, 2019) == "平成31年4月1日"


def test_report_year_spans_cover_the_whole_date() -> None:
    text = "※本報告書中の数値は、令和6年3月31日現在のものです。令和5年度は"
    spans = report_year_spans(text, 2023)
    assert [text[a:b] for a, b in spans] == ["令和6年3月31日", "令和5年度"]
    assert roll_report_dates(text, 2023, 2023) == text


def test_an_as_of_note_in_the_intro_rolls_with_a_change_logged(report: Report) -> None:
    from komae_docx.model import IntroBlock

    noted = report.model_copy(deep=True)
    note = "※本報告書中の数値は、令和6年3月31日現在のものです。"
    noted.intro.blocks.insert(1, IntroBlock(kind="paragraph", text=note))
    rolled = roll_forward(noted)
    assert rolled.report.intro.blocks[1].text == "※本報告書中の数値は、令和7年3月31日現在のものです。"
    assert any(c.where == "序章 ブロック2" and "令和7年3月31日" in c.new for c in rolled.changes)
