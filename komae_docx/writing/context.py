"""The template context: pure, typed values built from the model, keyed by the places they go.

No I/O and no document: :func:`build_context` reads a :class:`~komae_docx.model.Report` (and, for a
draft, last year's report) and returns what the derived template's tags (see :mod:`.derive`) read:

* ``c``: one :class:`CellValue` per tagged cell (``c.t4r5c7``), one :class:`GroupValue` per
  評価総括表 group (``c.t3r2``), the table totals (``c.t3total``);
* ``roll(text, fiscal_year)``: a date of ``fiscal_year`` moved to the report's year
  (:func:`komae_docx.rollover.roll_report_dates`; the identity when the years agree);
* ``publication``: the 刊行物番号 and the publication month.

Draft mode adds what staff need to fill the draft in Word:

* one result control per project, on its first row: a combo box titled 事業の結果 (pick
  未評価 / 達成 / 未達成 or type 「1/3」); a row continuing the project on another sheet shows, in
  grey and locked, where the result is entered (「結果は11頁の欄に記入」);
* the measure's grade cell shows 「自動計算」 in grey in a locked control titled 施策の評価:
  finalize fills it from the results;
* Do, Act and opinion cells are shaded for entry; last year's Do / Act text becomes a Word comment
  by ``komae-docx`` on its cell — or, with ``carry_text``, goes into the cell highlighted and
  prefixed with last year (「令和5年度：」).
"""

from __future__ import annotations

import datetime
import itertools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypedDict

from lxml import etree
from markupsafe import Markup

from ..model import PROJECT_RESULTS, Entry, LayeredPlan, Project, Report, Sheet, SummaryTable, WelfarePlan
from ..rollover import roll_report_dates
from . import ooxml

Plan = WelfarePlan | LayeredPlan

CARRY_HIGHLIGHT = "yellow"
"""Highlight of last year's text carried into a cell (``--carry-text``)."""
ENTRY_FILL = "DEEAF6"
"""Shading of the cells staff fill in (a pale blue, distinct from the grey headers)."""
COMMENT_INITIALS = "前年"
COMMENT_AUTHOR = "komae-docx"
"""Author of the reference comments the draft attaches (last year's text): the reader skips them
and finalize removes them; other people's comments stay."""
RESULT_TITLE = "事業の結果"
GRADE_TITLE = "施策の評価"
RESULT_TAG = "komae-docx:result"
GRADE_TAG = "komae-docx:grade"
POINTER_TAG = "komae-docx:result-elsewhere"
AUTO_GRADE_HINT = "自動計算"
"""Four characters: at 7 pt they fit the example's Check column (786 twips) on one line."""
CONTROL_ID_BASE = 700000
HINT_SIZE = 14
"""Half points (7 pt) of the grey hints in locked controls."""


def cell_key(table: int, row: int, col: int) -> str:
    """The context key of a tagged cell: ``t4r5c7``."""
    return f"t{table}r{row}c{col}"


def group_key(table: int, row: int) -> str:
    """The context key of a 評価総括表 group starting on ``row``: ``t3r2``."""
    return f"t{table}r{row}"


def total_key(table: int) -> str:
    """The context key of a 評価総括表's total: ``t3total``."""
    return f"t{table}total"


CONTEXT_SCHEMA: dict[str, Any] = {
    "c": dict,
    "roll": object,
    "publication": {"number": str, "month_text": str},
}
"""Every name a template may use (for :mod:`.templatelint`): a dict literal is an object whose
members are checked, a type is a value not looked into (``c``'s keys are places in the file)."""


class CellValue(TypedDict):
    """A tagged cell: its text (paragraphs joined by ``\\a``) and what the draft adds around it."""

    text: str
    control: Markup
    note: Markup
    carried: str
    fill: str


class SummaryRowValue(TypedDict):
    page: str
    measure: str


class GroupValue(TypedDict):
    """A 評価総括表 group: its count and rows (at least one, blank when the group has none)."""

    n: int
    count: str
    rows: list[SummaryRowValue]


@dataclass(frozen=True)
class DraftOptions:
    """What the draft adds for data entry; ``previous`` is last year's report (for its texts)."""

    previous: Report | None = None
    carry_text: bool = False


def build_context(
    report: Report, *, draft: DraftOptions | None = None, add_comment: Callable[[str], int] | None = None
) -> dict[str, Any]:
    """The context of ``report``; in draft mode ``add_comment(text)`` makes a comment and returns its id."""
    builder = _Builder(report, draft, add_comment or _counter())
    year = report.fiscal_year.western_year
    return {
        "c": builder.cells(),
        "roll": lambda text, fiscal_year: roll_report_dates(str(text), int(fiscal_year), year),
        "publication": {"number": report.publication.number, "month_text": report.publication.month.text},
    }


def _counter() -> Callable[[str], int]:
    count = itertools.count()
    return lambda _text: next(count)


def _cell(text: str = "", **values: Any) -> CellValue:
    cell: CellValue = {"text": text, "control": Markup(""), "note": Markup(""), "carried": "", "fill": ""}
    cell.update(values)  # type: ignore[typeddict-item]
    return cell


def paragraphs(texts: Sequence[str | None]) -> str:
    """Paragraphs of one cell: docxtpl starts a new paragraph at ``\\a`` (``\\n`` is a line break)."""
    return "\a".join(t for t in texts if t)


def entries_by_sheet(plan: Plan) -> dict[int, list[tuple[Project, Entry]]]:
    """Every entry of the plan's projects by the sheet it stands on (one pass, not one per sheet)."""
    found: dict[int, list[tuple[Project, Entry]]] = {}
    for measure in plan.iter_measures():
        for project in measure.projects:
            for entry in project.entries:
                found.setdefault(entry.sheet, []).append((project, entry))
    return found


def _entry_do(entry: Entry) -> str:
    return paragraphs([entry.heading, *entry.do] if entry.heading else entry.do)


class _Builder:
    def __init__(self, report: Report, draft: DraftOptions | None, add_comment: Callable[[str], int]) -> None:
        self.report = report
        self.draft = draft
        self.add_comment = add_comment
        self.controls = itertools.count(CONTROL_ID_BASE + 1)
        previous = draft.previous if draft is not None else None
        self.previous = (
            {(plan.key, p.id): p.entries for plan, _, p in previous.iter_projects()} if previous else {}
        )
        self.previous_year = previous.fiscal_year.text if previous else "前年度"

    def cells(self) -> dict[str, Any]:
        cells: dict[str, Any] = {}
        for plan in self.report.plans:
            pages = {sheet.index: sheet.page for sheet in plan.sheets}
            on_sheet = entries_by_sheet(plan)
            for sheet in plan.sheets:
                cells.update(self._sheet(plan, sheet, pages, on_sheet.get(sheet.index, [])))
            for opinion in plan.opinion_sheets:
                if opinion.anchor is None:
                    continue
                col = opinion.anchor.columns["opinion"]
                for row in opinion.rows:
                    fill = ENTRY_FILL if self.draft else ""
                    cells[cell_key(opinion.anchor.table, row.row, col)] = _cell(
                        paragraphs(row.opinions), fill=fill
                    )
            if plan.summary is not None:
                cells.update(_summary(plan.summary))
        return cells

    # ---- progress sheets

    def _sheet(
        self,
        plan: Plan,
        sheet: Sheet,
        pages: dict[int, int | None],
        on_sheet: list[tuple[Project, Entry]],
    ) -> Iterator[tuple[str, Any]]:
        anchor = sheet.anchor
        if anchor is None:
            return
        cols = anchor.columns
        for project, entry in on_sheet:
            at = entry.row
            yield cell_key(anchor.table, at, cols["do"]), self._do_act(plan, project, entry, "Do")
            yield cell_key(anchor.table, at, cols["act"]), self._do_act(plan, project, entry, "Act")
            yield cell_key(anchor.table, at, cols["check"]), self._check(project, entry, pages)
        for printed in sheet.measures:
            control = self._locked(GRADE_TITLE, GRADE_TAG, AUTO_GRADE_HINT) if self.draft else Markup("")
            yield (
                cell_key(anchor.table, printed.row, cols["check"]),
                _cell(printed.grade_cell, control=control),
            )

    def _do_act(self, plan: Plan, project: Project, entry: Entry, column: str) -> CellValue:
        text = _entry_do(entry) if column == "Do" else paragraphs(entry.act)
        if self.draft is None:
            return _cell(text)
        last = self._previous_entry(plan, project, entry)
        last_text = "" if last is None else (_entry_do(last) if column == "Do" else paragraphs(last.act))
        if not last_text:
            return _cell(text, fill=ENTRY_FILL)
        if self.draft.carry_text:
            carried = f"{self.previous_year}：{last_text}"
            return _cell(text, fill=ENTRY_FILL, carried=carried)
        return _cell(text, fill=ENTRY_FILL, note=self._comment(column, last_text))

    def _check(self, project: Project, entry: Entry, pages: dict[int, int | None]) -> CellValue:
        first = project.entries[0]
        if entry is first:
            if self.draft is None and project.result is None:
                return _cell(entry.check)
            value = None if project.result is None else str(project.result)
            return _cell(entry.check, control=self._combo(value))
        if self.draft is None:
            return _cell(entry.check)
        page = pages.get(first.sheet)
        where = "上の欄" if first.sheet == entry.sheet or page is None else f"{page}頁の欄"
        return _cell(entry.check, control=self._locked(RESULT_TITLE, POINTER_TAG, f"結果は{where}に記入"))

    def _previous_entry(self, plan: Plan, project: Project, entry: Entry) -> Entry | None:
        entries = self.previous.get((plan.key, project.id))
        if not entries:
            return None
        index = project.entries.index(entry)
        return entries[index] if index < len(entries) else None

    # ---- run-level XML the template inserts with {{r }}

    def _comment(self, column: str, text: str) -> Markup:
        n = self.add_comment(f"{self.previous_year}の{column}：\n" + text.replace("\a", "\n"))
        start = etree.Element(ooxml.w("commentRangeStart"), {ooxml.w("id"): str(n)}, nsmap={"w": ooxml.W_NS})
        end = etree.Element(ooxml.w("commentRangeEnd"), {ooxml.w("id"): str(n)}, nsmap={"w": ooxml.W_NS})
        reference = etree.Element(ooxml.w("r"), nsmap={"w": ooxml.W_NS})
        etree.SubElement(reference, ooxml.w("commentReference"), {ooxml.w("id"): str(n)})
        return _markup(start, end, reference)

    def _combo(self, value: str | None) -> Markup:
        sdt = ooxml.combo_box(
            alias=RESULT_TITLE,
            tag=RESULT_TAG,
            control_id=next(self.controls),
            items=PROJECT_RESULTS,
            value=value,
        )
        return _markup(sdt)

    def _locked(self, title: str, tag: str, hint: str) -> Markup:
        """A grey hint in a small size, so that 「自動計算」 fits the narrow Check column."""
        control = ooxml.locked_text_control(
            alias=title, tag=tag, control_id=next(self.controls), hint=hint, rpr=ooxml.font_size(HINT_SIZE)
        )
        return _markup(control)


class ElementMarkup(Markup):
    """The XML of an element for the template, holding the element itself for the in-place draft
    (which puts the element into the tree instead of parsing its text again)."""

    elements: list[etree._Element]


def _markup(*elements: etree._Element) -> Markup:
    xml = "".join(etree.tostring(el, encoding="unicode") for el in elements)
    markup = ElementMarkup(xml.replace(f' xmlns:w="{ooxml.W_NS}"', ""))
    markup.elements = list(elements)
    return markup


def _summary(summary: SummaryTable) -> Iterator[tuple[str, Any]]:
    anchor = summary.anchor
    if anchor is None:
        return
    for group in summary.groups:
        if group.row is None:
            continue
        rows: list[SummaryRowValue] = [{"page": r.page, "measure": r.measure} for r in group.rows]
        value: GroupValue = {
            "n": len(rows),
            "count": group.count,
            "rows": rows or [{"page": "", "measure": ""}],
        }
        yield group_key(anchor.table, group.row), value
    yield total_key(anchor.table), summary.total


def comment_elements(texts: Sequence[str], base: int) -> list[etree._Element]:
    """The draft's comments (ids ``base``, ``base + 1``, …) by ``komae-docx``, dated now."""
    date = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [
        ooxml.comment_element(base + i, text, author=COMMENT_AUTHOR, initials=COMMENT_INITIALS, date=date)
        for i, text in enumerate(texts)
    ]
