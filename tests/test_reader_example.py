"""The bundled FY2023 report read end to end: the facts a staff member would check by eye."""

from __future__ import annotations

from typing import Any

from komae_docx import Report, read_report
from komae_docx.model import LayeredPlan, Measure, WelfarePlan
from komae_docx.textnorm import fold_dashes, fold_width


def measure_by_ref(report: Report, ref: str) -> Measure:
    for plan in report.plans:
        for measure in plan.iter_measures():
            if measure.ref == ref:
                return measure
    raise AssertionError(f"no measure {ref}")


def sheet_pages(plan: WelfarePlan | LayeredPlan, measure: Measure) -> list[int]:
    return sorted({plan.sheets[sm_sheet].page or 0 for sm_sheet in _sheets_of(plan, measure)})


def _sheets_of(plan: WelfarePlan | LayeredPlan, measure: Measure) -> list[int]:
    return [sheet.index for sheet in plan.sheets if any(m.measure_id == measure.id for m in sheet.measures)]


def test_metadata(report: Report) -> None:
    assert report.fiscal_year.text == "令和5年度"
    assert (report.fiscal_year.era, report.fiscal_year.era_year, report.fiscal_year.western_year) == (
        "令和",
        5,
        2023,
    )
    pub = report.publication
    assert pub.number == "R6-22"
    assert (pub.month.era, pub.month.era_year, pub.month.western_year, pub.month.month) == (
        "令和",
        6,
        2024,
        9,
    )
    assert pub.publisher == "狛江市"
    assert pub.editor == "狛江市福祉保健部福祉政策課"
    assert pub.postal_code == "201-8585"
    assert pub.address == "狛江市和泉本町一丁目1番5号"
    assert pub.phone == "03-3430-1111(代)"
    assert pub.price == "60円"
    assert [p.heading for p in report.plans] == ["1 地域福祉計画", "2 重層的支援体制整備事業実施計画"]


def test_toc_matches_expect(report: Report, expect: dict[str, Any]) -> None:
    assert [e.model_dump() for e in report.toc] == expect["toc"]


def test_intro_criteria_table_and_departments(report: Report) -> None:
    criteria = [(c.letter, c.label, c.lower_percent, c.upper_percent) for c in report.intro.criteria]
    assert criteria == [
        ("A", "進捗している", 70, None),
        ("B", "現状維持", 40, 70),
        ("C", "あまり進捗していない", 20, 40),
        ("D", "全く進捗していない", 0, 20),
    ]
    codes = [(d.code, d.name) for d in report.intro.departments]
    assert codes[0] == ("地", "地域活性課") and codes[-1] == ("児", "児童育成課")
    assert [c for c, _ in codes] == ["地", "福", "相", "高", "健", "子", "発", "児"]
    example = report.intro.example
    assert example is not None and example.measure == "施策1"
    assert [(r.project, r.status) for r in example.rows] == [
        ("事業a", "達成"),
        ("事業b", "未達成"),
        ("事業c", "未達成"),
        ("事業d", "達成"),
    ]


def test_intro_keeps_headings_and_prose_in_order(report: Report) -> None:
    kinds = [(b.kind, b.text[:8]) for b in report.intro.blocks if b.kind in ("heading", "subheading")]
    assert [t for _, t in kinds][:3] == ["1\u3000進捗管理", "2\u3000本報告書の構", "(1)進捗管理シ"]
    paragraphs = [b.text for b in report.intro.blocks if b.kind == "paragraph"]
    assert paragraphs[0].startswith("市では、令和3年3月に")
    assert any("平成26年7月" in p for p in paragraphs)
    assert [b.kind for b in report.intro.blocks].count("criteria_table") == 1


def test_schedule_reads_each_rounded_box_once(report: Report) -> None:
    schedule = report.intro.schedule
    assert schedule is not None
    assert schedule.months == ["3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "1", "2", "3"]
    boxes = [box for cell in schedule.cells for box in cell.boxes]
    assert boxes == ["市民福祉推進委員会①", "市民福祉推進委員会②", "庁議①", "庁議②", "報告書をHPに公開"]
    assert schedule.cells[2].texts == ["報告書(案)を審議"]


def test_every_measure_grade(report: Report, expect: dict[str, Any]) -> None:
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=False):
        got = [(m.ref, m.grade) for m in plan.iter_measures()]
        assert got == [(m["ref"], m["grade"]) for m in plan_expect["measures"]]


def test_measure_sheets_and_pages(report: Report, expect: dict[str, Any]) -> None:
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=False):
        for measure, m_expect in zip(plan.iter_measures(), plan_expect["measures"], strict=False):
            assert sheet_pages(plan, measure) == m_expect["sheet_pages"], measure.ref
            cells = [sm.grade_cell for s in plan.sheets for sm in s.measures if sm.measure_id == measure.id]
            assert [fold_dashes(c).replace("（", "(").replace("）", ")") for c in cells] == m_expect[
                "grade_cells"
            ]


def test_projects_match_expect(report: Report, expect: dict[str, Any]) -> None:
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=False):
        for measure, m_expect in zip(plan.iter_measures(), plan_expect["measures"], strict=False):
            got = [
                {
                    "band": p.band,
                    "label": p.label,
                    "plan_text": p.plan_text,
                    "departments": p.departments,
                    "plan_pages": p.plan_pages,
                    "indicator": fold_dashes(p.indicator),
                    "entries": len(p.entries),
                    "sheet_pages": [plan.sheets[i].page for i in p.sheets],
                }
                for p in measure.projects
            ]
            assert got == m_expect["projects"], measure.ref


def test_2_3_has_three_do_act_entries(report: Report) -> None:
    measure = measure_by_ref(report, "2－(3)")
    (project,) = measure.projects
    assert project.departments == ["地", "福"]
    assert [e.do for e in project.entries] == [
        [
            "地域における新たな事業の担い手創出のための支援を実施した。創業セミナー受講者14人、創業スクール全5講座、11人が修了した。"
        ],
        [
            "こまえくぼ1234主催の子どもの居場所情報交換会に参加し、民間財団の補助金制度などを市内活動団体同士の情報交換の場に提供した。"
        ],
        ["民間財源の確保に向けた支援の検討を行った。"],
    ]
    assert project.entries[2].act == [
        "今後も、クラウドファンディング等の民間財源の確保に向けた支援の検討を行う。"
    ]
    assert {e.sheet for e in project.entries} == {5}


def test_4_3_departments_in_order(report: Report) -> None:
    measure = measure_by_ref(report, "4 包括的相談支援事業の実施")
    project = next(p for p in measure.projects if p.label == "(3)")
    assert project.departments == ["健", "子", "発"]
    assert project.entries[0].do[0].startswith("(健康推進課)利用者支援事業")


def test_plan_pages_list(report: Report) -> None:
    project = measure_by_ref(report, "1－(1)").projects[0]
    assert project.plan_pages == ["58", "126", "220"]
    assert project.indicator == "—"


def test_saikei_sheets_fold_into_their_measure(report: Report) -> None:
    measure = measure_by_ref(report, "1－(2)－①")
    (project,) = measure.projects
    assert [e.heading for e in project.entries] == [None, "【福祉カレッジ】"]
    assert [
        plan_sheet.page
        for plan_sheet in report.plans[0].sheets
        if any(m.measure_id == measure.id for m in plan_sheet.measures)
    ] == [12, 13]
    five = measure_by_ref(report, "5 地域づくり事業の実施")
    assert [p.label for p in five.projects] == ["(1)", "(2)", "(3)", "(4)", "(5)", "(6) ア", "(6) イ", "(8)"]
    assert five.projects[0].entries[0].check == "/"


def test_one_sheet_holds_two_measures(report: Report) -> None:
    plan = report.plans[1]
    sheet = plan.sheets[1]
    assert [m.measure_id for m in sheet.measures] == ["p2-2", "p2-3"]
    assert sheet.page == 22


def test_measure_title_as_printed_per_sheet(report: Report) -> None:
    titles = [sm.title for sm in report.plans[0].sheets[3].measures + report.plans[0].sheets[4].measures]
    assert titles == [
        "【拡充】コーディネーター人材を確保し、コーディネーター機能の強化を図ります。",
        "③ 【拡充】コーディネート人材を確保し、コーディネート機能の強化を図ります。",
    ]
    measure = measure_by_ref(report, "1－(2)－③")
    assert (measure.label, measure.tag) == ("③", "拡充")


def test_opinions_per_measure(report: Report, expect: dict[str, Any]) -> None:
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=False):
        got = [{"measure": m.ref, "count": len(plan.opinions_for(m.id))} for m in plan.iter_measures()]
        assert got == plan_expect["committee_opinions"]
    first = report.plans[0].opinions_for("p1-1-2-1")[0]
    assert first.startswith("・市民が福祉に関心を持つ気軽な入り口")


def test_summary_as_printed(report: Report, expect: dict[str, Any]) -> None:
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=False):
        summary = plan.summary
        assert summary is not None
        printed = {
            "title": fold_width(summary.title),
            "grades": [
                {"grade": g.grade, "count": g.count, "rows": [r.model_dump() for r in g.rows]}
                for g in summary.groups
            ],
            "total": summary.total,
        }
        assert printed == plan_expect["summary_printed"]


def test_sheet_pages_follow_the_layout(report: Report, expect: dict[str, Any]) -> None:
    for chapter_sheet in expect["pages"]["sheets"]:
        plan = report.plan(chapter_sheet["plan"])
        sheets = plan.sheets if chapter_sheet["chapter"] == "chapter1" else plan.opinion_sheets
        assert [sheets[chapter_sheet["index"]].page] == chapter_sheet["pages"]


def test_nothing_unplaced_on_the_example(example_result) -> None:  # type: ignore[no-untyped-def]
    assert [m.describe() for m in example_result.messages] == []


def _all_strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _all_strings(v)]
    return []


def _composed_texts(report: Report) -> list[str]:
    """Texts the model keeps as parts (label and title, field values) put back as the report prints them."""
    texts = [f"{c.letter} ({c.label})" for c in report.intro.criteria]
    for plan in report.plans:
        texts += [f"{s.context.policy_label} {s.context.policy_title}" for s in plan.sheets if s.context]
        texts += [f"{b.label} {b.title}" for m in plan.iter_measures() for b in m.bands]
    pub = report.publication
    texts += [
        f"{pub.month.text}発行",
        f"発行 {pub.publisher}",
        f"編集 {pub.editor}",
        f"〒{pub.postal_code} {pub.address}",
        f"電話 {pub.phone}",
        f"頒布価格 {pub.price}",
    ]
    return texts


def test_every_cell_text_of_the_expect_file_is_in_the_model(report: Report, expect: dict[str, Any]) -> None:
    strings = {fold_dashes(s) for s in [*_all_strings(report.model_dump()), *_composed_texts(report)]}
    lines = {fold_dashes(line) for s in strings for line in s.split("\n")}
    haystack = "\n".join(strings)
    missing = [
        t for t in expect["cell_texts"] if fold_dashes(t) not in lines and fold_dashes(t) not in haystack
    ]
    assert missing == []
    for key in ("do_texts", "act_texts", "plan_texts", "measure_texts"):
        assert [t for t in expect[key] if fold_dashes(t) not in haystack] == [], key


def test_json_round_trip(report: Report) -> None:
    again = Report.model_validate_json(report.model_dump_json())
    assert again == report
    assert again.model_dump_json() == report.model_dump_json()


def test_reading_twice_gives_equal_models(example_path, report: Report) -> None:  # type: ignore[no-untyped-def]
    assert read_report(example_path) == report
