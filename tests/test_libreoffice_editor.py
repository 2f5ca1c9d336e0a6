"""LibreOffice as the staff member's editor: the draft typed into through UNO, saved as .docx, read back.

The harness (:mod:`tests.lo_editor`) types the way a person does: the view cursor into the cell of a
project's Plan text, Tab to the Do and Act cells, Down into a project's further rows, typing and
Enter; the result controls set through LibreOffice's content-control API and by typing over the grey
placeholder (LibreOffice 7.4 then keeps ``w:showingPlcHdr``).  LibreOffice also saves the draft its
own way: the combo boxes become closed drop-down lists without alias, tag or lock, 「R7-〇〇」 two runs.

Expected values are the texts typed here and the grades the city printed in its R5 report
(../shared/seed/r5_report_text.txt, 評価総括表 and sheets), written below as literals.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any, Literal

import pytest
from lxml import etree

from komae_docx import api
from komae_docx.model import Report, TargetCount

from .conftest import ROOT, writable_copy
from .docx_checks import audit_findings, pdf_pages
from .lo_editor import Office, Step, set_result, type_in_cell, type_over

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PLAN_1_1_1 = "重層的支援体制整備事業の実施に向けて、分野を超えて"
"""第1章 1 地域福祉計画 シート1, project 1-(1)-① a: its Plan text, unique in the report."""

# --------------------------------------------------------------------------- what the staff enter

RESULTS: dict[str, str] = {
    # 1 地域福祉計画: one project per measure; 3－(1) was graded C, its one project reached 1 of 3
    "p1-1-1-1-a": "達成",
    "p1-1-2-1-a": "達成",
    "p1-1-2-3-a": "達成",
    "p1-2-3-1-a": "達成",
    "p1-3-1-1-b": "１／３",
    # 2 重層的支援体制整備事業実施計画: all achieved but 7 アウトリーチ (graded B: 1 of its 2)
    "p2-1-(1)ア": "達成",
    "p2-1-(2)ア": "達成",
    "p2-1-(2)イ": "達成",
    "p2-1-(2)ウ": "達成",
    "p2-2-(1)ア": "達成",
    "p2-3-(1)ア": "達成",
    "p2-3-(1)イ": "達成",
    "p2-4-(1)": "達成",
    "p2-4-(2)": "達成",
    "p2-4-(3)": "達成",
    "p2-4-(1)#2": "達成",
    "p2-5-(1)": "達成",
    "p2-5-(2)": "達成",
    "p2-5-(3)": "2/2",
    "p2-5-(4)": "達成",
    "p2-5-(5)": "達成",
    "p2-5-(6)ア": "達成",
    "p2-5-(6)イ": "達成",
    "p2-5-(8)": "達成",
    "p2-6-(1)": "達成",
    "p2-6-(2)": "達成",
    "p2-6-(3)": "達成",
    "p2-7-(1)": "達成",
    "p2-7-(2)": "未達成",
    "p2-8-(1)": "達成",
    "p2-8-(2)": "達成",
}
"""Each project's result, chosen so that the grades are the R5 report's (typed k/n: 「１／３」, 「2/2」)."""

KEYBOARD = {"p1-3-1-1-b", "p2-1-(2)ア", "p2-4-(2)", "p2-5-(1)", "p2-7-(2)", "p2-8-(2)", "p1-1-2-3-a"}
"""Results typed over the grey placeholder; all others set through the content-control API."""

PUBLISHED_GRADES = {
    "plan1": {"1－(1)": "A", "1－(2)－①": "A", "1－(2)－③": "A", "2－(3)": "A", "3－(1)": "C"},
    "plan2": {
        "1 普及啓発": "A",
        "2 相談支援包括化推進体制の構築": "A",
        "3 情報共有システムの構築": "A",
        "4 包括的相談支援事業の実施": "A",
        "5 地域づくり事業の実施": "A",
        "6 多機関協働事業の実施": "A",
        "7 アウトリーチ等事業の実施": "B",
        "8 参加支援事業の実施": "A",
    },
}
"""The grades the city printed in its R5 report (評価総括表 and sheets)."""
PUBLISHED_COUNTS = {"plan1": ([4, 0, 1, 0], 5), "plan2": ([7, 1, 0, 0], 8)}
"""The R5 評価総括表: measures per grade A, B, C, D, and the total."""

OPINIONS = {
    # (plan, opinion sheet): the text the opinion row starts with (its last cell so starting)
    ("plan1", 0): "【拡充】福祉の担い手となる人材を確保し",
    ("plan1", 1): "【拡充】地域づくりを進めるための人材育成",
    ("plan2", 0): "狛江市重層的支援体制整備事業の周知を図ります",
    ("plan2", 1): "生活困窮者以外の就労準備支援事業",
}
OPINION = "委員会の意見（{plan} 意見シート{sheet}）：取組を続けてください。"


def do_lines(pid: str, k: int) -> list[str]:
    return (
        [f"{pid} の令和6年度の実施内容（{k + 1}行目の欄）。", "会議を2回開いた。"]
        if k == 0
        else [f"{pid} の実施内容（{k + 1}行目の欄）。"]
    )


def act_lines(pid: str, k: int) -> list[str]:
    return [f"{pid} の課題と改善点（{k + 1}行目の欄）。"]


def plan_prefix(plan_text: str) -> str:
    return plan_text[:12]


def typing_steps(draft: Report) -> list[Step]:
    """Everything the departments and the committee's secretary enter, as a person does in the view.

    Navigation (which cell, how many Tabs and rows down) follows the draft's sheets; the texts and
    results are this module's literals.  A project's further entry rows on a sheet are reached with
    Down from its first row, typed bottom-up so that Down never walks through typed lines.
    """
    steps: list[Step] = []
    for _, _, project in draft.iter_projects():
        sheets = list(dict.fromkeys(entry.sheet for entry in project.entries))
        first_row = {s: min(e.row for e in project.entries if e.sheet == s) for s in sheets}
        prefix = plan_prefix(project.plan_text)
        for k, entry in reversed(list(enumerate(project.entries))):
            occurrence = sheets.index(entry.sheet) + 1
            down = entry.row - first_row[entry.sheet]
            where: dict[str, Any] = {"occurrence": occurrence, "rows": down}
            steps.append(type_in_cell(prefix, "\n".join(do_lines(project.id, k)), cells=4, **where))
            steps.append(type_in_cell(prefix, "\n".join(act_lines(project.id, k)), cells=6, **where))
        how: Literal["api", "keyboard"] = "keyboard" if project.id in KEYBOARD else "api"
        steps.append(set_result(prefix, RESULTS[project.id], how=how, occurrence=1))
    for (plan, sheet), row_text in OPINIONS.items():
        steps.append(
            type_in_cell(row_text, OPINION.format(plan=plan, sheet=sheet + 1), cells=1, occurrence=-1)
        )
    return steps


# --------------------------------------------------------------------------- the round trip


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("lo-round-trip")


@pytest.fixture(scope="module")
def draft(work: Path, example_draft: Path) -> Path:
    """The example's draft, writable (LibreOffice opens a read-only file read-only, without typing)."""
    return writable_copy(example_draft, work / "r6_draft.docx")


@pytest.fixture(scope="module")
def typed(lo_office: Office, draft: Path, work: Path) -> Path:
    """The whole draft filled in LibreOffice and saved as .docx."""
    target = work / "r6_typed_in_libreoffice.docx"
    done = lo_office.edit(draft, target, typing_steps(api.read(draft).value))
    keyboard = [step for step in done if step.get("showing_placeholder")]
    assert len(keyboard) == len(KEYBOARD)  # LibreOffice kept the placeholder flag on every typed-over one
    return target


@pytest.fixture(scope="module")
def finalized(typed: Path, work: Path) -> api.Result[api.Finalized]:
    return api.finalize(typed, work / "r6_report.docx", number="R7-15", pages="libreoffice")


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "komae_docx", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
        timeout=600,
    )


def outcome(value: Any) -> str:
    return f"{value.achieved}/{value.targets}" if isinstance(value, TargetCount) else str(value)


def test_the_harness_types_into_cells_and_sets_controls_both_ways(
    lo_office: Office, draft: Path, tmp_path: Path
) -> None:
    typed = tmp_path / "typed.docx"
    done = lo_office.edit(
        draft,
        typed,
        [
            type_in_cell(PLAN_1_1_1, "相談支援体制を整備した。\n会議を12回開いた。", cells=4),
            type_in_cell(PLAN_1_1_1, "連携の強化が課題。", cells=6),
            set_result(PLAN_1_1_1, "達成", how="keyboard"),
        ],
    )
    assert [step["cell"] for step in done] == ["G6", "I6", "H6"]
    assert done[2]["text"] == "達成"
    assert done[2]["showing_placeholder"] is True  # LibreOffice 7.4 keeps w:showingPlcHdr when typed over
    project = next(p for _, _, p in api.read(typed).value.iter_projects() if p.id == "p1-1-1-1-a")
    assert project.entries[0].do == ["相談支援体制を整備した。", "会議を12回開いた。"]
    assert project.entries[0].act == ["連携の強化が課題。"]
    assert project.result == "達成"


def test_every_typed_text_and_result_is_read(typed: Path) -> None:
    report = api.read(typed).value
    for _, _, project in report.iter_projects():
        for k, entry in enumerate(project.entries):
            assert ([entry.heading] if entry.heading else []) + entry.do == do_lines(project.id, k), (
                project.id
            )
            assert entry.act == act_lines(project.id, k), project.id
    read = {p.id: outcome(p.result) for _, _, p in report.iter_projects()}
    assert read == {**RESULTS, "p1-3-1-1-b": "1/3"}
    for (plan, sheet), _ in OPINIONS.items():
        opinions = [o for row in report.plan(plan).opinion_sheets[sheet].rows for o in row.opinions]
        assert opinions == [OPINION.format(plan=plan, sheet=sheet + 1)]


def test_libreoffices_drop_down_lists_are_still_the_31_result_controls(typed: Path) -> None:
    with zipfile.ZipFile(typed) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    lists = [sdt for sdt in root.iter(f"{W}sdt") if sdt.find(f"{W}sdtPr/{W}dropDownList") is not None]
    assert len(lists) == 31  # LibreOffice closed the combo boxes ...
    assert [sdt for sdt in lists if sdt.find(f"{W}sdtPr/{W}tag") is not None] == []  # ... and dropped tags
    assert not list(root.iter(f"{W}comboBox"))
    read = {p.id: p.result for _, _, p in api.read(typed).value.iter_projects()}
    assert len(read) == 31 and None not in read.values()  # still found, every one


def test_status_and_grade_read_what_was_typed(typed: Path) -> None:
    now = api.status(typed).value
    assert [item.code for item in now.items] == ["incomplete.number"]  # only the number is left
    graded = api.grade(typed).value
    letters = {plan.plan_key: {m.ref: m.letter for m in plan.measures} for plan in graded}
    assert letters == PUBLISHED_GRADES
    for plan in graded:
        assert [g.count for g in plan.summary.groups] == PUBLISHED_COUNTS[plan.plan_key][0]
        assert plan.summary.total == PUBLISHED_COUNTS[plan.plan_key][1]
    done = cli("status", str(typed))
    assert done.returncode == 4 and "刊行物番号" in done.stdout


def test_finalize_puts_r7_15_in_the_colophon_libreoffice_split(finalized: api.Result[api.Finalized]) -> None:
    made = finalized.value
    assert made.path is not None
    assert api.read(made.path).value.publication.number == "R7-15"
    with zipfile.ZipFile(made.path) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "〇〇" not in document and "○○" not in document  # LibreOffice wrote 「R7-」「〇〇」 as two runs


def test_finalize_publishes_the_typed_report_with_the_citys_grades(
    finalized: api.Result[api.Finalized], typed: Path, work: Path
) -> None:
    made = finalized.value
    assert made.path is not None and not made.interim, [m.describe() for m in made.incomplete]
    report = api.read(made.path).value
    printed = {plan.key: {m.ref: m.grade for m in plan.iter_measures()} for plan in report.plans}
    assert printed == PUBLISHED_GRADES
    for plan in report.plans:
        assert plan.summary is not None
        assert [int(g.count) for g in plan.summary.groups] == PUBLISHED_COUNTS[plan.key][0]
    assert set(audit_findings(made.path)) <= set(audit_findings(typed))  # nothing beyond LibreOffice's own
    assert pdf_pages(made.path, work / "final-pdf") == pdf_pages(typed, work / "typed-pdf")


def test_the_finalized_report_resaved_by_libreoffice_drafts_again(
    lo_office: Office, finalized: api.Result[api.Finalized], work: Path
) -> None:
    assert finalized.value.path is not None
    resaved = lo_office.resave(finalized.value.path, work / "r6_report_resaved.docx")
    assert {p.key: {m.ref: m.grade for m in p.iter_measures()} for p in api.read(resaved).value.plans} == (
        PUBLISHED_GRADES
    )
    made = api.draft(resaved, work / "r7_draft.docx").value
    report = api.read(made.path).value
    assert report.fiscal_year.text == "令和7年度"
    assert all(p.result is None and not any(e.do for e in p.entries) for _, _, p in report.iter_projects())
    with zipfile.ZipFile(made.path) as archive:
        again = etree.fromstring(archive.read("word/document.xml"))
    tags = [t.get(f"{W}val") for t in again.iter(f"{W}tag")]
    assert tags.count("komae-docx:result") == 31  # the next draft restores the tool's controls
    assert len(list(again.iter(f"{W}comboBox"))) == 31
    assert pdf_pages(made.path, work / "r7-pdf") == pdf_pages(resaved, work / "resaved-pdf")


def test_typing_over_the_colophons_placeholder_sets_the_number(
    lo_office: Office, typed: Path, work: Path
) -> None:
    numbered = lo_office.edit(typed, work / "numbered.docx", [type_over("〇〇", "15", within="R7-〇〇")])
    assert numbered[0]["text"] == "15"
    target = work / "numbered.docx"
    assert api.read(target).value.publication.number == "R7-15"
    assert api.status(target).value.items == []


def test_an_unusable_value_in_a_result_control_is_an_error_in_status_too(
    lo_office: Office, draft: Path, work: Path
) -> None:
    bad = work / "bad_result.docx"
    lo_office.edit(
        draft,
        bad,
        [
            set_result(PLAN_1_1_1, "達成未評価", how="keyboard"),
            set_result("災害対策基本法施行規則", "達成未評価", how="api"),
        ],
    )
    items = api.status(bad).value.items
    errors = {item.location.project: item for item in items if item.severity == "error"}
    assert sorted(errors) == ["p1-1-1-1-a", "p1-3-1-1-b"]  # typed over the placeholder, and set by the API
    assert all(e.found == "達成未評価" and e.location.column == "Check" for e in errors.values())
    assert not [i for i in items if i.code == "incomplete.result" and i.location.project in errors]
    done = cli("status", str(bad))
    assert done.returncode == 1
    assert "エラー：" in done.stdout and "「達成未評価」は使えません" in done.stdout
    assert "p1-1-1-1-a" in done.stdout
