"""The committee's handouts (Word, A4 landscape): 前年度との比較 and 評価の推移.

Written with python-docx as a new, plain document that staff may edit: the report's own fonts
(ＭＳ 明朝 / Century for text, ＭＳ ゴシック for headings, as the city's report sets them), one table
per plan with its header row repeated on every page, the report's own measure labels
(「1－(2)－① 【拡充】…」, 「2 相談支援包括化推進体制の構築」).  The comparison lists the measures that
moved first (down, then up), then the others; the trend adds its chart as a picture with alt text.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.table import Table
from docx.text.run import Run

from ..trend import Trend
from ..yearcompare import (
    DIRECTION_TEXT,
    HOW_TEXT,
    NO_VALUE,
    Comparison,
    MeasureChange,
    measure_label,
    summary_counts,
)

BODY_FONT = ("Century", "ＭＳ 明朝")
HEADING_FONT = ("ＭＳ ゴシック", "ＭＳ ゴシック")
BODY_SIZE = Pt(10)
TABLE_SIZE = Pt(9)


# --------------------------------------------------------------------------- the document


def _document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    _fonts(normal.element.get_or_add_rPr(), BODY_FONT)
    return document


def _fonts(rpr: object, fonts: tuple[str, str]) -> None:
    latin, east_asian = fonts
    element = rpr.get_or_add_rFonts()  # type: ignore[attr-defined]
    element.set(qn("w:ascii"), latin)
    element.set(qn("w:hAnsi"), latin)
    element.set(qn("w:eastAsia"), east_asian)


def _run(
    paragraph: object, text: str, *, bold: bool = False, heading: bool = False, size: Pt | None = None
) -> Run:
    run: Run = paragraph.add_run(text)  # type: ignore[attr-defined]
    run.bold = bold or None
    if size is not None:
        run.font.size = size
    if heading:
        _fonts(run._r.get_or_add_rPr(), HEADING_FONT)
    return run


def _heading(document: DocumentObject, text: str, size: int = 12) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(6)
    paragraph.paragraph_format.keep_with_next = True
    _run(paragraph, text, bold=True, heading=True, size=Pt(size))


def _table(
    document: DocumentObject, header: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]
) -> Table:
    table: Table = document.add_table(rows=1, cols=len(header))
    table.style = document.styles["Table Grid"]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Mm(width)  # the grid LibreOffice lays out by
    for cell, text, width in zip(table.rows[0].cells, header, widths, strict=True):
        cell.width = Mm(width)
        _cell_text(cell, text, bold=True)
        _shade(cell, "D9D9D9")
    _repeat_header(table)
    for values in rows:
        cells = table.add_row().cells  # type: ignore[no-untyped-call]
        for cell, text, width in zip(cells, values, widths, strict=True):
            cell.width = Mm(width)
            _cell_text(cell, text)
    return table


def _cell_text(cell: object, text: str, *, bold: bool = False) -> None:
    lines = text.split("\n")
    paragraph = cell.paragraphs[0]  # type: ignore[attr-defined]
    _run(paragraph, lines[0], bold=bold, heading=bold, size=TABLE_SIZE)
    for line in lines[1:]:
        _run(cell.add_paragraph(), line, size=TABLE_SIZE)  # type: ignore[attr-defined]


def _shade(cell: object, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _repeat_header(table: Table) -> None:
    """The header row repeats on every page (表の見出し行の繰り返し)."""
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    tr_pr.append(header)


def _saved(document: DocumentObject) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- 前年度との比較


MEASURE_HEADER = ("施策", "評価", "年次目標の達成の割合", "動き", "対応のつけ方")
MEASURE_WIDTHS = (105, 22, 70, 35, 35)


def comparison_handout(comparison: Comparison) -> bytes:
    """The handout of ``compare -o``: a summary, one table of measures per plan (moved first), the
    projects whose result changed, and the plan's revisions."""
    last, this = comparison.last, comparison.this
    document = _document()
    _heading(document, f"{last.fiscal_year}と{this.fiscal_year}の比較（市民福祉推進委員会 資料）", 14)
    for side, word in ((last, "前年度"), (this, "今年度")):
        document.add_paragraph(
            f"{word}：{side.fiscal_year}（{side.kind_label}。結果：{_source(side.results_from)}）"
        )
    document.add_paragraph(summary_counts(comparison))
    for plan_key, heading in _plans(comparison):
        _heading(document, heading)
        measures = [m for m in comparison.measures if m.plan == plan_key]
        rows = [_measure_row(m) for m in _moved_first(measures)]
        _table(document, MEASURE_HEADER, rows, MEASURE_WIDTHS)
    changed = comparison.changed_projects
    _heading(document, f"結果が変わった事業（{len(changed)} 件）")
    if changed:
        rows = [
            [f"{p.measure_ref} 事業 {p.label}", p.plan_text, f"{p.last_result}→{p.this_result}"]
            for p in changed
        ]
        _table(document, ("施策・事業", "Plan", "結果"), rows, (70, 157, 40))
    else:
        document.add_paragraph("両方の年度に事業ごとの結果がある事業で、結果が変わったものはありません。")
    _heading(document, f"計画の見直し（{len(comparison.revisions)} 件）")
    if comparison.revisions:
        rows = [[r.ref, r.text, _revision_detail(r.old, r.new, r.difference)] for r in comparison.revisions]
        _table(document, ("施策・事業", "見直し", "内容"), rows, (60, 55, 152))
    else:
        document.add_paragraph("施策・事業の追加・廃止・文の変更はありません。")
    return _saved(document)


def _source(source: str) -> str:
    from ..yearcompare import RESULTS_SOURCE_TEXT

    return RESULTS_SOURCE_TEXT[source]


def _plans(comparison: Comparison) -> list[tuple[str, str]]:
    """(plan key, heading) in the measures' order; the heading is the report's own plan heading."""
    seen: dict[str, str] = {}
    for measure in comparison.measures:
        seen.setdefault(measure.plan, comparison.plan_headings.get(measure.plan, measure.plan))
    return list(seen.items())


def _moved_first(measures: Sequence[MeasureChange]) -> list[MeasureChange]:
    order = {"down": 0, "up": 1}
    return sorted(measures, key=lambda m: order.get(m.direction, 2))


def _measure_row(measure: MeasureChange) -> list[str]:
    return [
        measure_label(measure.ref, measure.title),
        measure.grade_text,
        measure.share_text,
        DIRECTION_TEXT[measure.direction],
        HOW_TEXT[measure.how],
    ]


def _revision_detail(old: str | None, new: str | None, difference: str | None) -> str:
    if difference:
        return difference
    return f"{old or NO_VALUE}→{new or NO_VALUE}" if old and new else (new or old or "")


# --------------------------------------------------------------------------- 評価の推移


def trend_handout(trend: Trend) -> bytes:
    """The handout of ``trend -o``: one table per plan (measures × years, grade and share, 「―」
    where a measure is absent, the revision noted), then the chart with its alt text."""
    from .chart import chart_description, trend_chart

    years = [year.fiscal_year for year in trend.years]
    document = _document()
    _heading(document, f"施策の評価の推移（{years[0]}～{years[-1]}）（市民福祉推進委員会 資料）", 14)
    document.add_paragraph(
        "各年度の評価と年次目標の達成の割合。「―」はその年度の計画にない施策です。"
        "公表済みの評価は、報告書に印刷された評価です（事業ごとの結果はファイルにありません）。"
    )
    year_width = max(24, min(45, 170 // len(years)))
    label_width = 267 - 40 - year_width * len(years)
    for plan in trend.plans:
        _heading(document, plan.heading)
        rows = [
            [measure_label(row.ref, row.title), *[_trend_cell(c.text) for c in row.cells], row.note]
            for row in plan.rows
        ]
        _table(
            document, ("施策", *years, "計画の見直し"), rows, (label_width, *[year_width] * len(years), 40)
        )
    _heading(document, "グラフ")
    description = chart_description(trend)
    document.add_picture(io.BytesIO(trend_chart(trend)), width=Mm(250))
    picture = document.inline_shapes[-1]
    doc_pr = picture._inline.docPr
    doc_pr.set("descr", description)
    doc_pr.set("title", "施策の評価の推移のグラフ")
    document.add_paragraph(description)
    return _saved(document)


def _trend_cell(text: str) -> str:
    return text.replace(" ", "\n", 1)
