"""The open data: the report's measures (施策) and projects (事業) as CSV, and their 説明.

The shape the government's recommended datasets (推奨データセット) use: UTF-8 with a BOM (Excel
opens the Japanese intact), RFC 4180 quoting (``csv`` with CRLF line ends), a fixed header whose
first columns are 全国地方公共団体コード, 都道府県名, 市区町村名, then the year in both calendars.

Pure over the model: grades are those the file gives (:func:`komae_docx.api.grades_in_file`), the
projects' results those its results part keeps (:func:`komae_docx.record.recorded_results`); a
report from before this tool keeps none, and the 結果 column stays empty (the 説明 says so).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..era import era_of_fiscal_year, format_era_year
from ..model import LayeredPlan, Measure, Report, WelfarePlan
from ..record import recorded_results
from ..rules import PlanGrades
from .accessible import report_title

Plan = WelfarePlan | LayeredPlan


@dataclass(frozen=True)
class City:
    """The municipality the data is about (全国地方公共団体コード: six digits with the check digit)."""

    code: str
    prefecture: str
    name: str


KNOWN_CITIES: dict[str, City] = {"狛江市": City("132195", "東京都", "狛江市")}
"""Cities whose reports this tool knows; another city passes its own :class:`City`."""


def city_of(report: Report) -> City | None:
    """The report's own city, by its publisher (「狛江市」), when known."""
    publisher = "".join(report.publication.publisher.split())
    for name, city in KNOWN_CITIES.items():
        if name in publisher:
            return city
    return None


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    """JSON Schema type of the value: ``string`` or ``integer`` (an empty cell is null)."""
    text: str
    """What the column holds, for the 説明."""


LEAD_COLUMNS = (
    Column("全国地方公共団体コード", "string", "総務省の全国地方公共団体コード（6桁、検査数字つき）"),
    Column("都道府県名", "string", "都道府県の名称"),
    Column("市区町村名", "string", "市区町村の名称"),
    Column("年度（和暦）", "string", "報告書の対象年度（例：令和5年度）"),
    Column("年度（西暦）", "integer", "同じ年度の西暦（4月に始まる年。例：2023）"),
    Column("計画", "string", "計画の名称（地域福祉計画／重層的支援体制整備事業実施計画）"),
)

MEASURE_COLUMNS = (
    *LEAD_COLUMNS,
    Column("施策番号", "string", "報告書での施策の番号（例：1－(2)－①）"),
    Column("施策", "string", "施策の文（報告書の記載のまま）"),
    Column("評価", "string", "施策の評価（A～D。序章3の評価基準による）"),
    Column("達成数", "integer", "年次目標を達成した数（Σk）。事業ごとの結果が報告書にないときは空欄"),
    Column("目標数", "integer", "年次目標の数（Σn）。事業ごとの結果が報告書にないときは空欄"),
    Column(
        "達成割合", "string", "達成数／目標数と百分率（例：2/3（66.7%））。事業ごとの結果がないときは空欄"
    ),
    Column("評価の出典", "string", "「事業ごとの結果から算出」または「報告書に記載の評価」"),
    Column("掲載頁", "string", "報告書でこの施策の進捗管理シートがある頁（例：12～13）"),
)

PROJECT_COLUMNS = (
    *LEAD_COLUMNS,
    Column("施策番号", "string", "事業が属する施策の番号"),
    Column("施策", "string", "事業が属する施策の文"),
    Column("区分", "string", "重層的支援体制整備事業実施計画の中区分（例：(1)）。地域福祉計画では空欄"),
    Column("事業記号", "string", "施策の中での事業の記号（a、b … または ア、イ …）"),
    Column("事業ID", "string", "komae-docx が報告書の番号と記号から付ける事業の識別子（例：p1-1-2-1-a）"),
    Column("事業内容（Plan）", "string", "Plan 欄の文（報告書の記載のまま）"),
    Column("担当課コード", "string", "担当課の略号（報告書の担当課一覧の記号。複数は「・」区切り）"),
    Column("担当課名", "string", "担当課の名称（複数は「・」区切り）"),
    Column(
        "結果", "string", "事業の年次目標の結果（達成／未達成／「1/3」など）。報告書に記録がないときは空欄"
    ),
)


@dataclass(frozen=True)
class OpenData:
    """The two tables (rows of cells, header first) and the 説明's text."""

    measures: list[list[str]]
    projects: list[list[str]]
    has_results: bool


def year_cells(report: Report) -> tuple[str, str]:
    """年度 in both calendars, by the one era module: ("令和5年度", "2023")."""
    western = report.fiscal_year.western_year
    return format_era_year(era_of_fiscal_year(western)) + "度", str(western)


def plan_name(plan: Plan) -> str:
    """The plan's heading without its number: 「1 地域福祉計画」 → 「地域福祉計画」."""
    return re.sub(r"^[0-9０-９]+[.．\s　]*", "", " ".join(plan.heading.split())).strip()


def open_data(report: Report, grades: Sequence[PlanGrades], city: City | None) -> OpenData:
    lead = [
        city.code if city else "",
        city.prefecture if city else "",
        city.name if city else "",
        *year_cells(report),
    ]
    results = project_results(report)
    by_measure = {g.measure_id: g for plan in grades for g in plan.measures}
    measures: list[list[str]] = [[c.name for c in MEASURE_COLUMNS]]
    projects: list[list[str]] = [[c.name for c in PROJECT_COLUMNS]]
    departments = {d.code: d.name for d in report.intro.departments}
    for plan in report.plans:
        name = plan_name(plan)
        for measure in plan.iter_measures():
            grade = by_measure.get(measure.id)
            counted = grade is not None and not grade.printed and grade.targets > 0
            measures.append(
                [
                    *lead,
                    name,
                    measure_number(measure),
                    _one_line(measure.title),
                    (grade.letter or "") if grade else "",
                    str(grade.achieved) if counted and grade else "",
                    str(grade.targets) if counted and grade else "",
                    (grade.share_text or "") if counted and grade else "",
                    "報告書に記載の評価" if grade is None or grade.printed else "事業ごとの結果から算出",
                    page_text(measure_pages(plan, measure)),
                ]
            )
            for project in measure.projects:
                result = results.get(project.id, "") if results is not None else ""
                projects.append(
                    [
                        *lead,
                        name,
                        measure_number(measure),
                        _one_line(measure.title),
                        project.band or "",
                        project.label,
                        project.id,
                        _one_line(project.plan_text),
                        "・".join(project.departments),
                        "・".join(departments.get(code, code) for code in project.departments),
                        result,
                    ]
                )
    return OpenData(measures, projects, results is not None)


def project_results(report: Report) -> dict[str, str] | None:
    """Each project's result as the report records it (達成, 未達成, 「1/3」: the value the draft's
    control or the results file gave); None for a report that keeps no results (before this tool)."""
    if recorded_results(report) is None or report.record is None:
        return None
    return {project.id: project.value for project in report.record.projects}


def measure_number(measure: Measure) -> str:
    """The measure's number as the report writes it: 「1－(2)－①」; 「1」 where the ref repeats the title."""
    ref = measure.ref.strip()
    if measure.title and ref.endswith(measure.title.strip()):
        ref = ref[: -len(measure.title.strip())].strip()
    return ref or measure.label


def _one_line(text: str) -> str:
    """A cell's paragraphs kept apart by line feeds (quoted in the CSV), spaces as written."""
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


def measure_pages(plan: Plan, measure: Measure) -> list[int]:
    """The printed pages of the sheets that hold the measure's row or its projects' rows."""
    indexes = {s.index for s in plan.sheets if any(m.measure_id == measure.id for m in s.measures)}
    indexes |= {entry.sheet for project in measure.projects for entry in project.entries}
    return sorted({s.page for s in plan.sheets if s.index in indexes and s.page is not None})


def page_text(pages: Sequence[int]) -> str:
    """「11」, 「12～13」, 「12～13、15」: consecutive pages as a range, as the 評価総括表 writes them."""
    runs: list[list[int]] = []
    for page in pages:
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    return "、".join(str(run[0]) if len(run) == 1 else f"{run[0]}～{run[-1]}" for run in runs)


def csv_bytes(rows: Sequence[Sequence[str]]) -> bytes:
    """UTF-8 with a BOM, CRLF line ends, RFC 4180 quoting (only where a cell needs it)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, dialect="excel", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def explanation(name: str, data: OpenData, report: Report, city: City | None) -> str:
    """The 説明: what the files are and every column, for the people who take the data."""
    era_text, western = year_cells(report)
    lines = [
        f"{name}_施策.csv と {name}_事業.csv について",
        "",
        f"「{report_title(report)}」（{era_text}、{western}年度）から作ったオープンデータです。",
        "文字コードは UTF-8（BOM 付き）、区切りはカンマ、改行は CRLF です。"
        "カンマ・改行・二重引用符を含む値は二重引用符で囲んでいます（RFC 4180）。",
        f"1行目が見出しです。施策は {len(data.measures) - 1} 行、"
        f"事業は {len(data.projects) - 1} 行あります。",
    ]
    if city is None:
        lines.append(
            "報告書の市区町村が分からないため、全国地方公共団体コード・都道府県名・市区町村名は空欄です。"
        )
    if not data.has_results:
        lines += [
            "",
            "この報告書には事業ごとの結果の記録がありません（komae-docx で仕上げる前の報告書です）。",
            "そのため、事業の「結果」欄と施策の「達成数」「目標数」「達成割合」欄は空欄で、"
            "施策の「評価」は報告書に記載の評価です。",
        ]
    lines += ["", f"■ {name}_施策.csv の列", *_column_lines(MEASURE_COLUMNS)]
    lines += ["", f"■ {name}_事業.csv の列", *_column_lines(PROJECT_COLUMNS)]
    lines += [
        "",
        f"■ {name}.pdf",
        "報告書と同じ頁の PDF です（タグ付き、PDF/UA-1）。"
        "ビューアーの頁番号は報告書に印刷した頁番号と同じです。",
    ]
    return "\r\n".join(lines) + "\r\n"


def _column_lines(columns: Sequence[Column]) -> list[str]:
    return [f"{i}. {c.name}：{c.text}" for i, c in enumerate(columns, start=1)]


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one row of each CSV (a cell left empty is null), for ``komae-docx schema``."""

    def row(title: str, columns: Sequence[Column]) -> dict[str, Any]:
        return {
            "type": "object",
            "title": title,
            "properties": {c.name: {"type": [c.kind, "null"], "description": c.text} for c in columns},
            "required": [c.name for c in columns],
            "additionalProperties": False,
            "x-column-order": [c.name for c in columns],
        }

    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "komae-docx publish のオープンデータ（CSV の1行）",
        "$defs": {
            "施策": row("施策.csv の1行", MEASURE_COLUMNS),
            "事業": row("事業.csv の1行", PROJECT_COLUMNS),
        },
        "oneOf": [{"$ref": "#/$defs/施策"}, {"$ref": "#/$defs/事業"}],
    }
