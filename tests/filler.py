"""Fill in a draft the way departments do in Word, for round-trip tests.

``komae-docx draft`` writes next year's draft; departments then type into it in Word and save.  This
module makes that saved file: it edits the draft's ``word/document.xml`` the way Word saves typed
text and content-control choices, and nothing else:

* Do / Act cells: the paragraph keeps its properties and the reference comment's markers; the
  typed text is a run carrying the paragraph mark's run properties (what Word does when one types
  into an empty paragraph); each further line is a new paragraph with the same properties.  Text a
  cell already holds (``--carry-text``) is overwritten, as staff select it and type over it.
* the result control (``komae-docx:result``, a combo box): Word drops ``w:showingPlcHdr`` and the
  placeholder's grey, and puts the chosen or typed text in the content; picking an item also sets
  ``w:lastValue``.
* 委員会からの意見 cells: the opinions, one paragraph each.
* the 刊行物番号 placeholder ``〇〇``, when a number is given.

The texts are LAST YEAR'S own (the report the draft was made from), and the project results come
from the table written by hand in ``tests/data/r5_results.yaml`` (:func:`hand_results`): its
``published`` set gives last year's published grades — one of them a typed "k/n" (the R5 report's
3－(1), one project graded C, needs several targets) — so that a finalized round trip must
reproduce last year's grades and 評価総括表; the table lists the grades and shares each set must give,
worked out by hand from 序章 3, never by the rule under test.

Places come from the reader's anchors (``Sheet.anchor``: the table's ordinal among the body's tables
and the grid columns of Do / Check / Act), and rows from ``Entry.row``: the filler never guesses by
position, and a draft the reader cannot anchor is an error here, not a silently empty fill.
"""

from __future__ import annotations

import copy
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from lxml import etree

from komae_docx import read_report
from komae_docx.model import LayeredPlan, OpinionSheet, Project, Report, Sheet, WelfarePlan

from .docx_edit import cell_at, rows_of, top_tables

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
RESULT_TAG = "komae-docx:result"
NUMBER_PLACEHOLDERS = ("〇〇", "○○")

Plan = WelfarePlan | LayeredPlan


@dataclass
class Fill:
    """What to type: texts per (plan key, project id) entry, results per project id, opinions."""

    entries: dict[tuple[str, str], list[tuple[list[str], list[str]]]] = field(default_factory=dict)
    """(plan key, project id) → per entry row: (Do lines, Act lines)."""
    results: dict[str, str] = field(default_factory=dict)
    """project id → the text picked or typed in the result control (達成, 未達成, 1/3, …)."""
    opinions: dict[tuple[str, int, int], list[str]] = field(default_factory=dict)
    """(plan key, opinion sheet index, table row) → opinions."""
    number: str | None = None


# --------------------------------------------------------------------------- last year's content


def last_years_fill(
    last_year: Report,
    draft: Report,
    *,
    departments: Collection[str] | None = None,
    results: Mapping[str, str] | None = None,
    opinions: bool = True,
    number: str | None = None,
) -> Fill:
    """Last year's texts for the draft's projects (only ``departments``' codes when given).

    ``results`` defaults to the hand-written table's published set; a project outside ``departments`` gets
    neither text nor result, as when one department has not yet done its part.
    """
    chosen = hand_results() if results is None else dict(results)
    fill = Fill(number=number)
    old = {(plan.key, project.id): project for plan, _, project in last_year.iter_projects()}
    for plan, _, project in draft.iter_projects():
        if departments is not None and not set(project.departments) & set(departments):
            continue
        previous = old.get((plan.key, project.id))
        if previous is None:
            continue
        fill.entries[(plan.key, project.id)] = [
            ([*([e.heading] if e.heading else []), *e.do], list(e.act)) for e in previous.entries
        ]
        if project.id in chosen:
            fill.results[project.id] = chosen[project.id]
    if opinions and departments is None:
        for plan in draft.plans:
            fill.opinions.update(_last_years_opinions(last_year.plan(plan.key), plan))
    return fill


def _last_years_opinions(last_plan: Plan, plan: Plan) -> Iterator[tuple[tuple[str, int, int], list[str]]]:
    for old_sheet, sheet in zip(last_plan.opinion_sheets, plan.opinion_sheets, strict=False):
        for old_row, row in zip(old_sheet.rows, sheet.rows, strict=False):
            if old_row.opinions and (old_row.kind, old_row.label) == (row.kind, row.label):
                yield (plan.key, sheet.index, row.row), list(old_row.opinions)


RESULTS_TABLE = Path(__file__).parent / "data" / "r5_results.yaml"
"""Hand-written project results for the example and the grades and shares they give (序章 3)."""


@dataclass(frozen=True)
class ExpectedMeasure:
    """One measure's line of the hand-written table: what every front end must show for it."""

    plan: str
    ref: str
    pages: str
    grade: str
    share: str
    results: dict[str, str]


def expected_measures(name: str = "published") -> list[ExpectedMeasure]:
    """The table's measures for one set of results (``published``, ``variant`` or ``fractions``)."""
    table = yaml.safe_load(RESULTS_TABLE.read_text(encoding="utf-8"))[name]
    return [
        ExpectedMeasure(plan, str(m["ref"]), str(m["pages"]), m["grade"], m["share"], dict(m["results"]))
        for plan, measures in table["plans"].items()
        for m in measures
    ]


def hand_results(name: str = "published") -> dict[str, str]:
    """Project id → result, from the hand-written table (never from the rule under test)."""
    return {pid: str(value) for m in expected_measures(name) for pid, value in m.results.items()}


def expected_summary(name: str = "published") -> dict[str, dict[str, list[tuple[str, str]]]]:
    """plan key → grade letter → [(ref, pages)] in document order: the 評価総括表 the table implies."""
    summary: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for m in expected_measures(name):
        groups = summary.setdefault(m.plan, {letter: [] for letter in "ABCD"})
        groups[m.grade].append((m.ref, m.pages))
    return summary


# --------------------------------------------------------------------------- writing like Word


SHARED_PROJECT = ("plan2", "p2-4-(3)")
"""重層 4 (3): the project several departments share (健康推進課, 子ども政策課, …)."""


def fill_like_word(
    draft: Path,
    target: Path,
    *,
    last_year: Report,
    extra: Callable[[etree._Element], None] | None = None,
    **options: Any,
) -> Path:
    """``draft`` filled as departments do in Word with last year's texts, opinions and results
    (:func:`last_years_fill`'s ``options``: ``results``, ``number``, ``departments``, ``opinions``),
    then ``extra`` edits the body as a department would (the typed file is kept beside ``target``)."""
    fill = last_years_fill(last_year, read_report(draft), **options)
    if extra is None:
        return fill_draft(draft, target, fill)
    typed = fill_draft(draft, target.with_name(target.stem + "_typed.docx"), fill)
    with zipfile.ZipFile(typed) as zin:
        root = etree.fromstring(zin.read("word/document.xml"))
        body = root.find(f"{W}body")
        assert body is not None
        extra(body)
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                zout.writestr(item, data if item.filename == "word/document.xml" else zin.read(item.filename))
    return target


def type_do(copy: Path, target: Path, do: str, project: tuple[str, str] = SHARED_PROJECT) -> Path:
    """A department's copy with only ``do`` typed as the Do of ``project`` (plan key, project id):
    what one department sends back when it has written one line."""
    return fill_draft(copy, target, Fill(entries={project: [([do], [])]}))


def fill_draft(draft: Path, target: Path, fill: Fill) -> Path:
    """Copy ``draft`` to ``target`` with ``fill`` typed in (``word/document.xml`` edited only)."""
    report = read_report(draft)
    with zipfile.ZipFile(draft) as zin:
        root = etree.fromstring(zin.read("word/document.xml"))
        _FillWriter(report, root, fill).write()
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                zout.writestr(item, data if item.filename == "word/document.xml" else zin.read(item.filename))
    return target


@dataclass
class _FillWriter:
    report: Report
    root: etree._Element
    fill: Fill

    def __post_init__(self) -> None:
        body = self.root.find(f"{W}body")
        assert body is not None
        self.tables = top_tables(body)

    def write(self) -> None:
        for plan in self.report.plans:
            for measure in plan.iter_measures():
                for project in measure.projects:
                    self._project(plan, project)
            for sheet in plan.opinion_sheets:
                self._opinions(plan, sheet)
        if self.fill.number is not None:
            self._number(self.fill.number)

    def _project(self, plan: Plan, project: Project) -> None:
        texts = self.fill.entries.get((plan.key, project.id))
        for i, entry in enumerate(project.entries):
            sheet = _sheet(plan, entry.sheet)
            tr = self._row(sheet, entry.row)
            assert sheet.anchor is not None
            if texts is not None and i < len(texts):
                do, act = texts[i]
                type_into_cell(cell_at(tr, sheet.anchor.columns["do"]), do)
                type_into_cell(cell_at(tr, sheet.anchor.columns["act"]), act)
            if i == 0 and project.id in self.fill.results:
                choose(cell_at(tr, sheet.anchor.columns["check"]), self.fill.results[project.id])

    def _opinions(self, plan: Plan, sheet: OpinionSheet) -> None:
        if sheet.anchor is None:
            raise AssertionError(f"opinion sheet {sheet.index} of {plan.key} has no anchor")
        table = self.tables[sheet.anchor.table]
        for row in sheet.rows:
            opinions = self.fill.opinions.get((plan.key, sheet.index, row.row))
            if opinions:
                tr = rows_of(table)[row.row]
                type_into_cell(cell_at(tr, sheet.anchor.columns["opinion"]), opinions)

    def _row(self, sheet: Sheet, row: int) -> etree._Element:
        if sheet.anchor is None:
            raise AssertionError(f"sheet {sheet.index} has no anchor: the reader did not place it")
        return rows_of(self.tables[sheet.anchor.table])[row]

    def _number(self, number: str) -> None:
        for p in self.root.iter(f"{W}p"):
            if "刊行物番号" not in "".join(p.itertext()):
                continue
            for t in p.iter(f"{W}t"):
                for mark in NUMBER_PLACEHOLDERS:
                    if t.text and mark in t.text:
                        serial = number.rsplit("-", 1)[-1]
                        t.text = t.text.replace(mark, serial)
            return


def _sheet(plan: Plan, index: int) -> Sheet:
    return next(sheet for sheet in plan.sheets if sheet.index == index)


def type_into_cell(tc: etree._Element, lines: list[str]) -> None:
    """Type ``lines`` into a cell as Word saves it; earlier text in the cell is typed over."""
    paragraphs = tc.findall(f"{W}p")
    if not paragraphs:
        raise AssertionError("a cell without a paragraph")
    first = paragraphs[0]
    for extra in paragraphs[1:]:
        tc.remove(extra)
    for r in first.findall(f"{W}r"):
        if r.find(f"{W}t") is not None and r.find(f"{W}commentReference") is None:
            first.remove(r)
    for i, line in enumerate(lines):
        p = first if i == 0 else _paragraph_like(first)
        p.append(_run(line, _mark_properties(first)))
        if i > 0:
            tc.append(p)


def _paragraph_like(p: etree._Element) -> etree._Element:
    new = etree.Element(f"{W}p")
    ppr = p.find(f"{W}pPr")
    if ppr is not None:
        new.append(copy.deepcopy(ppr))
    return new


def _mark_properties(p: etree._Element) -> etree._Element | None:
    """The paragraph mark's run properties (``w:pPr/w:rPr``): what Word gives text typed there."""
    mark = p.find(f"{W}pPr/{W}rPr")
    if mark is None:
        return None
    rpr = etree.Element(f"{W}rPr")
    rpr.extend(copy.deepcopy(child) for child in mark if child.tag not in (f"{W}ins", f"{W}del"))
    return rpr


def _run(text: str, rpr: etree._Element | None) -> etree._Element:
    r = etree.Element(f"{W}r")
    if rpr is not None:
        r.append(rpr)
    t = etree.SubElement(r, f"{W}t")
    t.text = text
    t.set(XML_SPACE, "preserve")
    return r


def choose(tc: etree._Element, value: str) -> None:
    """Pick ``value`` from the result control's list, or type it into the combo box."""
    sdt = next(
        (s for s in tc.iter(f"{W}sdt") if s.find(f"{W}sdtPr/{W}tag[@{W}val='{RESULT_TAG}']") is not None),
        None,
    )
    if sdt is None:
        raise AssertionError("no result control in the Check cell")
    pr = sdt.find(f"{W}sdtPr")
    assert pr is not None
    for placeholder in pr.findall(f"{W}showingPlcHdr"):
        pr.remove(placeholder)
    items = [item.get(f"{W}value") for item in pr.iter(f"{W}listItem")]
    combo = pr.find(f"{W}comboBox")
    if combo is None:
        combo = pr.find(f"{W}dropDownList")
    if combo is not None and value in items:
        combo.set(f"{W}lastValue", value)
    content = sdt.find(f"{W}sdtContent")
    assert content is not None
    runs = content.findall(f".//{W}r")
    rpr = copy.deepcopy(runs[0].find(f"{W}rPr")) if runs else None
    if rpr is not None:
        for color in rpr.findall(f"{W}color"):
            rpr.remove(color)
    for r in runs:
        parent = r.getparent()
        assert parent is not None
        parent.remove(r)
    content.append(_run(value, rpr))

