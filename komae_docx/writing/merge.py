"""Merge: the departments' copies of a draft back into the draft, cell by cell.

The master (the draft ``split`` was made from, or the draft staff copied) is *the* document:
nothing is re-rendered, only entry cells are replaced, so the master's layout and the tool's
reference comments stay.  Each entry cell (:mod:`komae_docx.entrycells`) is taken from the copy
that changed it against the master:

* a copy ``split`` made (it carries its department, ``Report.split_mark``) is taken only in
  its department's cells; a change it made elsewhere is reported, not merged;
* a plain copy of the draft is taken in every entry cell it changed;
* two copies that changed a cell to different texts (or set a result differently) are a
  :class:`Conflict`: nothing is written unless ``prefer`` names the copy to follow;
* an empty cell never overwrites a filled one;
* a change outside the entry cells (a Plan text, a heading, another department's cell) is an
  :class:`Outside` change: reported with its place and file, never merged.

Cells are matched by what they are (project id and entry number, opinion row), not by position, so
a copy whose staff added a row elsewhere still merges.  A Do/Act/opinion cell is carried over with
its paragraphs and runs as the department wrote them; what would not hold in the master (their own
comments, permission ranges, pictures, styles or lists the master lacks) is left out and reported.
A result is written into the master's own control.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..changewords import FIELD_TEXT
from ..entrycells import (
    CellKey,
    EntryCell,
    departments_with_projects,
    draft_identity,
    entry_cells,
    same_text,
)
from ..errors import NotAReportError
from ..model import Report
from ..package import Package
from ..progress import project_location
from ..results import Location
from ..textnorm import is_blank
from ..wordml import accept_revisions
from .compare import without_layout
from .context import RESULT_TAG
from .ooxml import (
    HINT_COLOR,
    W,
    body_tables,
    cell_at,
    row_cells,
    run,
    table_rows,
    vmerge,
    w,
)
from .split import CopyMark, is_notice, remove_mark, unprotect

W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
NO_SPLIT = "（split なし）"
"""The department column of a plain copy (one not made by ``split``)."""


@dataclass(frozen=True)
class CopyInfo:
    """What stays of a copy once it was examined: the path as given and its split mark."""

    label: str
    mark: CopyMark | None

    @property
    def department(self) -> str:
        return self.mark.department if self.mark is not None else NO_SPLIT


@dataclass(frozen=True)
class Copy(CopyInfo):
    """One copy as it came back: its model and its package besides (held while it is examined)."""

    report: Report
    package: Package

    @property
    def info(self) -> CopyInfo:
        return CopyInfo(self.label, self.mark)


@dataclass(frozen=True)
class _Candidate:
    """A copy's text for one entry cell, with a copy of its cell (the copy itself is not kept)."""

    info: CopyInfo
    found: EntryCell
    tc: etree._Element | None


@dataclass(frozen=True)
class Filled:
    """A cell one copy filled: where, which file and department, the new text."""

    location: Location
    column: str
    file: str
    department: str
    text: str


@dataclass(frozen=True)
class Conflict:
    """Two copies that changed one cell differently; ``chosen`` is the file ``prefer`` followed."""

    location: Location
    column: str
    first: Filled
    second: Filled
    chosen: str | None = None


@dataclass(frozen=True)
class Outside:
    """A change a copy made that is not merged: outside the entry cells, or another department's."""

    location: Location
    what: str
    file: str
    department: str
    master: str
    copy: str
    reason: str
    others_cell: bool = False
    """Another department's entry cell that a department's copy changed (counted, not listed)."""


@dataclass
class MergeOutcome:
    """What merging found; ``data`` is the merged draft, None while a conflict is unresolved."""

    data: bytes | None
    filled: list[Filled] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    outside: list[Outside] = field(default_factory=list)
    kept: list[Filled] = field(default_factory=list)
    """Cells a copy left empty where the master (or another copy) has text: the text stays."""
    dropped: list[Outside] = field(default_factory=list)
    """What a merged cell held that the master cannot take (their comments, pictures, …)."""

    @property
    def unresolved(self) -> list[Conflict]:
        return [conflict for conflict in self.conflicts if conflict.chosen is None]


# --------------------------------------------------------------------------- checking the copies


def refuse_foreign(master: Report, copies: Sequence[Copy]) -> None:
    """A copy of another draft (another year, another report) is refused before anything is merged."""
    for item in copies:
        refuse_if_foreign(master, item)


def refuse_if_foreign(master: Report, item: Copy) -> None:
    """Refuse ``item`` when it is a copy of another draft (nothing is written then)."""
    identity = draft_identity(master)
    if item.mark is not None and item.mark.draft != identity:
        raise NotAReportError(
            f"この案の写しではありません（{item.mark.department}の写しですが、別の案から作られています）。"
            "同じ案から作った各課の写しを指定してください",
            item.label,
        )
    if item.mark is None and draft_identity(item.report) != identity:
        theirs, ours = item.report.fiscal_year.text, master.fiscal_year.text
        what = f"{theirs}の報告書" if theirs != ours else "別の報告書"
        raise NotAReportError(
            f"この案（{ours}）の写しではありません（{what}の写しです）。同じ案の写しを指定してください",
            item.label,
        )


# --------------------------------------------------------------------------- merging


def merge_copies(
    master: Report, package: Package, copies: Iterable[Copy], prefer: str | None = None
) -> MergeOutcome:
    """Find every copy's changes, settle them cell by cell, and write them into the master.

    ``copies`` is taken one at a time: of each copy only its changed cells are kept once it was
    examined, so the master and one copy are in memory at once (``copies`` may be a generator
    that opens each copy when asked)."""
    cells = entry_cells(master)
    own = {d.code: d.keys for d in departments_with_projects(master, cells)}
    outcome = MergeOutcome(None)
    layout = page_layout(package.document)
    changed: dict[CellKey, list[_Candidate]] = {}
    for item in copies:
        refuse_if_foreign(master, item)
        theirs = {cell.key: cell for cell in entry_cells(item.report)}
        allowed = own.get(item.mark.code, frozenset()) if item.mark is not None else None
        tables = _Tables(item.package.document)
        for cell in cells:
            found = theirs.get(cell.key)
            if found is None or same_text(found.text, cell.text):
                continue
            if is_blank(found.text):
                outcome.kept.append(_filled(cell, item.info, cell.text))
            elif allowed is not None and cell.key not in allowed:
                outcome.outside.append(_not_own(cell, item.info, found))
            else:
                tc = tables.cell(found) if cell.kind != "result" else None
                snapshot = copy.deepcopy(tc) if tc is not None else None
                changed.setdefault(cell.key, []).append(_Candidate(item.info, found, snapshot))
        outcome.outside += outside_changes(master, item)
        outcome.outside += layout_changes(master, layout, item)
        del tables, item
    chosen = _settle(cells, changed, prefer, outcome)
    if outcome.unresolved:
        return outcome
    outcome.data = _write(package, cells, chosen, outcome)
    return outcome


def _settle(
    cells: Sequence[EntryCell],
    changed: Mapping[CellKey, list[_Candidate]],
    prefer: str | None,
    outcome: MergeOutcome,
) -> dict[CellKey, _Candidate]:
    """One source per changed cell; two different texts are a conflict (``prefer`` settles it)."""
    chosen: dict[CellKey, _Candidate] = {}
    for cell in cells:
        candidates = changed.get(cell.key)
        if not candidates:
            continue
        first = candidates[0]
        pick = first
        for other in candidates[1:]:
            if same_text(other.found.text, first.found.text):
                continue
            preferred = next((c for c in candidates if c.info.label == prefer), None)
            conflict = Conflict(
                cell.location,
                cell.column,
                _filled(cell, first.info, first.found.text),
                _filled(cell, other.info, other.found.text),
                preferred.info.label if preferred is not None else None,
            )
            outcome.conflicts.append(conflict)
            if preferred is not None:
                pick = preferred
        chosen[cell.key] = pick
        outcome.filled.append(_filled(cell, pick.info, pick.found.text))
    return chosen


def _filled(cell: EntryCell, item: CopyInfo, text: str) -> Filled:
    department = item.mark.department if item.mark is not None else cell.location.department or NO_SPLIT
    return Filled(cell.location, cell.column, item.label, department, text)


def _not_own(cell: EntryCell, item: CopyInfo, found: EntryCell) -> Outside:
    reason = f"{item.department}の写しですが、この欄は{cell.location.department or 'ほかの課'}の欄です"
    return Outside(
        cell.location,
        cell.column,
        item.label,
        item.department,
        cell.text,
        found.text,
        reason,
        others_cell=True,
    )


# --------------------------------------------------------------------------- writing the master


def _write(
    package: Package,
    cells: Sequence[EntryCell],
    chosen: Mapping[CellKey, _Candidate],
    outcome: MergeOutcome,
) -> bytes:
    target = _Tables(package.document)
    styles = _ids(package, "styles", "style", "styleId")
    lists = _ids(package, "numbering", "num", "numId")
    for cell in cells:
        if cell.key not in chosen:
            continue
        pick = chosen[cell.key]
        tc = target.cell(cell)
        if tc is None:
            continue
        if cell.kind == "result":
            if not set_result(tc, pick.found.text):
                outcome.dropped.append(
                    _dropped(cell, pick.info, "案の結果の欄に入力欄がないため、結果を書けません")
                )
            continue
        if pick.tc is None:
            continue
        for note in transplant(pick.tc, tc, styles, lists):
            outcome.dropped.append(_dropped(cell, pick.info, note))
    settings = package.settings_part
    unprotect(package.edit(package.main), package.edit(settings) if settings is not None else None)
    remove_mark(package)
    return package.save()


def _dropped(cell: EntryCell, item: CopyInfo, reason: str) -> Outside:
    return Outside(cell.location, cell.column, item.label, item.department, "", "", reason)


class _Tables:
    """A document's top-level tables and their rows, found once."""

    def __init__(self, document: etree._Element) -> None:
        body = document.find(w("body"))
        self.rows = [table_rows(tbl) for tbl in body_tables(body)] if body is not None else []

    def cell(self, cell: EntryCell) -> etree._Element | None:
        rows = self.rows[cell.table] if cell.table < len(self.rows) else []
        found = cell_at(rows[cell.row], cell.col) if cell.row < len(rows) else None
        if found is None or found.col != cell.col or vmerge(found.tc) == "continue":
            return None
        return found.tc


def _ids(package: Package, part: str, tag: str, attribute: str) -> set[str]:
    """The ids the master defines in its ``styles`` or ``numbering`` part (by its relationship)."""
    name = package.related(package.main, part)
    if name is None:
        return set()
    return {el.get(w(attribute)) or "" for el in package.xml(name).iter(w(tag))}


# --------------------------------------------------------------------------- one cell

_COMMENT_MARKS = ("commentRangeStart", "commentRangeEnd", "commentReference")
_DROPPED = {
    "drawing": "図",
    "pict": "図",
    "object": "埋め込みオブジェクト",
    "footnoteReference": "脚注",
    "endnoteReference": "文末脚注",
}


def transplant(
    source: etree._Element, target: etree._Element, styles: set[str], lists: set[str]
) -> list[str]:
    """Replace ``target``'s content by a copy of ``source``'s; returns what was left out.

    Kept from the master: the cell's properties and the tool's reference comments (their anchors
    go back where the draft put them).  Left out: the copy's comments and permission ranges,
    bookmarks, pictures and footnotes, styles and lists the master does not define.
    """
    anchors = [el.get(w("id")) or "" for el in target.iter(w("commentRangeStart"))]
    content = [copy.deepcopy(child) for child in source if child.tag != w("tcPr")]
    notes: list[str] = []
    holder = etree.Element(w("tc"))
    holder.extend(content)
    theirs = {el.get(w("id")) for el in holder.iter(w("commentRangeStart"))}
    if len(theirs) > len(anchors):
        notes.append("写しで付けたコメントは取り込みません")
    _remove(
        holder,
        [w(name) for name in (*_COMMENT_MARKS, "permStart", "permEnd", "bookmarkStart", "bookmarkEnd")],
    )
    for tag, what in _DROPPED.items():
        if next(holder.iter(w(tag)), None) is not None:
            notes.append(f"{what}は取り込みません（文字だけを取り込みました）")
            _remove(holder, [w(tag)])
    _unwrap(holder, w("hyperlink"))
    accept_revisions(holder)  # the cell as the reader read it in the copy (and compared)
    _clean_references(holder, styles, lists)
    for p in holder.iter(w("p")):
        for name in ("paraId", "textId"):
            if f"{W14}{name}" in p.attrib:
                del p.attrib[f"{W14}{name}"]
    for child in list(target):
        if child.tag != w("tcPr"):
            target.remove(child)
    target.extend(list(holder))
    if not len(target) or target[-1].tag != w("p"):
        target.append(etree.Element(w("p")))
    _restore_comments(target, anchors)
    return notes


def _remove(root: etree._Element, tags: Sequence[str]) -> None:
    for el in list(root.iter(*tags)):
        parent = el.getparent()
        if parent is None:
            continue
        parent.remove(el)
        if parent.tag == w("r") and all(child.tag == w("rPr") for child in parent):
            grand = parent.getparent()
            if grand is not None:
                grand.remove(parent)


def _unwrap(root: etree._Element, tag: str) -> None:
    for el in list(root.iter(tag)):
        parent = el.getparent()
        if parent is None:
            continue
        index = parent.index(el)
        for offset, child in enumerate(list(el)):
            parent.insert(index + offset, child)
        parent.remove(el)


def _clean_references(root: etree._Element, styles: set[str], lists: set[str]) -> None:
    """Style and list references the master does not define fall back to its defaults."""
    for el in list(root.iter(w("pStyle"), w("rStyle"), w("tblStyle"))):
        parent = el.getparent()
        if el.get(w("val")) not in styles and parent is not None:
            parent.remove(el)
    for num in list(root.iter(w("numPr"))):
        ident = num.find(w("numId"))
        parent = num.getparent()
        if (ident is None or ident.get(w("val")) not in lists) and parent is not None:
            parent.remove(num)


def _restore_comments(tc: etree._Element, ids: Sequence[str]) -> None:
    """The tool's reference comments, anchored at the start of the cell's first paragraph."""
    p = tc.find(w("p"))
    if p is None or not ids:
        return
    at = 1 if len(p) and p[0].tag == w("pPr") else 0
    for ident in reversed(ids):
        reference = etree.Element(w("r"))
        etree.SubElement(reference, w("commentReference"), {w("id"): ident})
        for element in reversed(
            [
                etree.Element(w("commentRangeStart"), {w("id"): ident}),
                etree.Element(w("commentRangeEnd"), {w("id"): ident}),
                reference,
            ]
        ):
            p.insert(at, element)


def _tag(sdt: etree._Element) -> str | None:
    tag = sdt.find(f"{W}sdtPr/{W}tag")
    return tag.get(w("val")) if tag is not None else None


def set_result(tc: etree._Element, value: str) -> bool:
    """Write ``value`` into the master's result control as Word does when one picks or types it."""
    sdt = next((s for s in tc.iter(w("sdt")) if _tag(s) == RESULT_TAG), None)
    if sdt is None:
        return False
    pr = sdt.find(w("sdtPr"))
    content = sdt.find(w("sdtContent"))
    if pr is None or content is None:
        return False
    for flag in pr.findall(w("showingPlcHdr")):
        pr.remove(flag)
    for box in (*pr.findall(w("comboBox")), *pr.findall(w("dropDownList"))):
        box.set(w("lastValue"), value)
    old = content.find(f".//{W}rPr")
    rpr = copy.deepcopy(old) if old is not None else None
    if rpr is not None:
        for color in rpr.findall(w("color")):
            if color.get(w("val")) == HINT_COLOR:
                rpr.remove(color)
    for child in list(content):
        content.remove(child)
    content.append(run(value, rpr))
    return True


# --------------------------------------------------------------------------- changes outside the cells

_PROJECT_FIELDS = {
    "label": "事業の番号",
    "band": "中項目",
    "plan_text": "Plan",
    "departments": "担当課",
    "plan_pages": "計画書の頁",
    "indicator": "指標",
}
_SECTIONS = {
    "fiscal_year": "報告年度",
    "cover": "表紙",
    "toc": "目次",
    "intro": "序章",
    "chapter1_title": "第1章の見出し",
    "chapter2_title": "第2章の見出し",
    "plans": "第1章・第2章",
    "publication": "奥付",
    "colophon": "奥付",
}


def outside_changes(master: Report, item: Copy) -> list[Outside]:
    """What the copy says otherwise than the master outside the entry cells."""
    found: list[Outside] = []
    theirs = {(plan.key, project.id): project for plan, _, project in item.report.iter_projects()}
    seen: set[tuple[str, str]] = set()
    for plan, _, project in master.iter_projects():
        key = (plan.key, project.id)
        other = theirs.get(key)
        if other is None or key in seen:
            continue
        seen.add(key)
        for name, what in _PROJECT_FIELDS.items():
            ours, copied = getattr(project, name), getattr(other, name)
            if _text(ours) != _text(copied):
                where = project_location(master, plan, project, what)
                found.append(_outside(where, what, item, _text(ours), _text(copied)))
        ours_checks = [entry.check for entry in project.entries]
        copied_checks = [entry.check for entry in other.entries]
        if len(project.entries) != len(other.entries):
            where = project_location(master, plan, project)
            text = f"{len(project.entries)}行 → {len(other.entries)}行"
            found.append(_outside(where, "事業の行数", item, text.split(" → ")[0], text.split(" → ")[1]))
        elif [_text(c) for c in ours_checks] != [_text(c) for c in copied_checks]:
            where = project_location(master, plan, project, "Check")
            found.append(_outside(where, "Check", item, _text(ours_checks), _text(copied_checks)))
    for path, ours_text, copied_text in _differences(_outline(master), _outline(item.report)):
        where, what = model_place(master, path)
        found.append(_outside(where, what, item, ours_text, copied_text))
    return found


_PATH_STEP = re.compile(r"(\w+)(?:\[(\d+)\])?")
_MORE_FIELDS = {
    "ref": "施策の番号",
    "label": "番号",
    "tag": "【】の印",
    "page": "頁",
    "blocks": "本文",
    "title_lines": "表題",
}


def model_place(report: Report, path: str) -> tuple[Location, str]:
    """A model path (``plans[1].measures[0].title``) as staff read it: the place (chapter, plan,
    the measure's number) and the item (表題), in the words of the change log."""
    section = _SECTIONS.get(path.split(".")[0].split("[")[0]) or None
    node: Any = report
    plan: Any = None
    measure: Any = None
    field_name = path
    for name, index in _PATH_STEP.findall(path):
        field_name = name
        node = getattr(node, name, None)
        if index and isinstance(node, list) and int(index) < len(node):
            node = node[int(index)]
        if name == "plans":
            plan = node
        elif name == "measures":
            measure = node
    what = FIELD_TEXT.get(field_name) or _MORE_FIELDS.get(field_name) or field_name
    if measure is not None and getattr(measure, "ref", None):
        what = f"施策 {measure.ref} の{what}"
    heading = getattr(plan, "heading", None) if plan is not None else None
    return Location(section="第1章" if section == "第1章・第2章" else section, plan=heading), what


LAYOUT_TOLERANCE = 20
"""Twips (1/1440 inch) a width or margin may move without being a change: another program that
saves the file rounds them (LibreOffice writes its own units back)."""


@dataclass(frozen=True)
class PageLayout:
    """What the model does not hold of a document's layout: page setups, each table's cell edges
    and grid columns."""

    setups: list[tuple[int, ...]]
    edges: list[tuple[int, ...]]
    columns: list[tuple[int, ...]]


def page_layout(document: etree._Element) -> PageLayout:
    return PageLayout(_page_setups(document), _grids(document), _columns(document))


def layout_changes(master: Report, layout: PageLayout, item: Copy) -> list[Outside]:
    """Page setup and table column widths the copy changed against the master's ``layout``."""
    found: list[Outside] = []
    copied = page_layout(item.package.document)
    ours, theirs = layout.setups, copied.setups
    if len(ours) != len(theirs) or any(not _close(a, b) for a, b in zip(ours, theirs, strict=False)):
        text = "用紙・余白"
        found.append(
            _outside(Location(section="レイアウト"), text, item, _setup_text(ours), _setup_text(theirs))
        )
    sheets = {
        sheet.anchor.table: (plan, sheet)
        for plan in master.plans
        for sheet in plan.sheets
        if sheet.anchor is not None
    }
    our_grids, their_grids = layout.edges, copied.edges
    our_widths, their_widths = layout.columns, copied.columns
    if len(our_grids) != len(their_grids):
        text = f"表の数 {len(our_grids)} → {len(their_grids)}"
        found.append(_outside(Location(section="レイアウト"), "表", item, str(len(our_grids)), text))
        return found
    for index, (a, b) in enumerate(zip(our_grids, their_grids, strict=True)):
        if len(a) == len(b) and _close(a, b):
            continue
        plan_sheet = sheets.get(index)
        where = (
            Location(
                section="第1章",
                plan=plan_sheet[0].heading,
                sheet=plan_sheet[1].index,
                page=plan_sheet[1].page,
            )
            if plan_sheet is not None
            else Location(section=f"文書の{index + 1}番目の表")
        )
        ours_text, theirs_text = _widths(our_widths[index]), _widths(their_widths[index])
        found.append(_outside(where, "表の形（列幅・行）", item, ours_text, theirs_text))
    return found


def _page_setups(document: etree._Element) -> list[tuple[int, ...]]:
    setups = []
    for sect in document.iter(w("sectPr")):
        size, margin = sect.find(w("pgSz")), sect.find(w("pgMar"))
        values = [_twips(size, name) for name in ("w", "h")]
        values += [_twips(margin, name) for name in ("top", "right", "bottom", "left")]
        setups.append(tuple(values))
    return setups


def _grids(document: etree._Element) -> list[tuple[int, ...]]:
    """Each table's cell edges (from the left, in twips), row after row.

    Edges, not the ``w:tblGrid`` itself: a program that saves the file may rebuild the grid (drop a
    column no cell edge uses, split one) while every cell stays where it was.
    """
    body = document.find(w("body"))
    tables = body_tables(body) if body is not None else []
    out = []
    for tbl in tables:
        grid = [_twips(col, "w") for col in tbl.findall(f"{W}tblGrid/{W}gridCol")]
        starts = [sum(grid[:index]) for index in range(len(grid) + 1)]
        edges: list[int] = []
        for tr in table_rows(tbl):
            edges += [starts[min(cell.col + cell.span, len(grid))] for cell in row_cells(tr)]
        out.append(tuple(edges))
    return out


def _columns(document: etree._Element) -> list[tuple[int, ...]]:
    body = document.find(w("body"))
    tables = body_tables(body) if body is not None else []
    return [tuple(_twips(col, "w") for col in tbl.findall(f"{W}tblGrid/{W}gridCol")) for tbl in tables]


def _twips(el: etree._Element | None, name: str) -> int:
    text = el.get(w(name)) if el is not None else None
    try:
        return round(float(text)) if text else 0
    except ValueError:
        return 0


def _close(first: tuple[int, ...], second: tuple[int, ...]) -> bool:
    return len(first) == len(second) and all(
        abs(a - b) <= LAYOUT_TOLERANCE for a, b in zip(first, second, strict=True)
    )


def _widths(grid: tuple[int, ...]) -> str:
    return "・".join(f"{width / 567:.1f}cm" for width in grid)


def _setup_text(setups: list[tuple[int, ...]]) -> str:
    return " / ".join(
        f"{w_ / 567:.1f}×{h / 567:.1f}cm 余白 {t / 567:.1f}・{r / 567:.1f}・{b / 567:.1f}・{le / 567:.1f}cm"
        for w_, h, t, r, b, le in setups
    )


def _outside(where: Location, what: str, item: Copy, ours: str, theirs: str) -> Outside:
    return Outside(
        where, what, item.label, item.department, ours, theirs, "記入欄の外の変更のため取り込みません"
    )


def _outline(report: Report) -> Any:
    """The report without what the entry cells and the project fields above hold, and without
    page numbers (a copy laid out again by another program may count pages otherwise)."""
    data = without_layout(report)
    cover = data.get("cover") or {}
    cover["title_lines"] = [line for line in cover.get("title_lines", []) if not is_notice(line)]
    for plan in data["plans"]:
        plan.pop("sheets", None)
        for sheet in plan.get("opinion_sheets", []):
            sheet.pop("page", None)
            for row in sheet.get("rows", []):
                row.pop("opinions", None)
                row.pop("opinion_rows", None)
        for measure in _measures(plan):
            measure.pop("projects", None)
    return data


def _measures(plan: dict[str, Any]) -> list[dict[str, Any]]:
    if "goals" in plan:
        return [m for goal in plan["goals"] for policy in goal["policies"] for m in policy["measures"]]
    measures: list[dict[str, Any]] = plan.get("measures", [])
    return measures


def _differences(ours: Any, theirs: Any, path: str = "") -> list[tuple[str, str, str]]:
    if ours == theirs:
        return []
    if isinstance(ours, dict) and isinstance(theirs, dict):
        out: list[tuple[str, str, str]] = []
        for key in ours:
            out += _differences(ours[key], theirs.get(key), f"{path}.{key}" if path else key)
        return out
    if isinstance(ours, list) and isinstance(theirs, list) and len(ours) == len(theirs):
        out = []
        for index, (a, b) in enumerate(zip(ours, theirs, strict=True)):
            out += _differences(a, b, f"{path}[{index}]")
        return out
    return [(path, _text(ours), _text(theirs))]


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_text(item) for item in value)
    if isinstance(value, dict):
        return " ".join(_text(item) for item in value.values())
    return "" if value is None else str(value)
