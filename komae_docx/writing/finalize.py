"""Finalize: the filled draft becomes the published report, edited in place (Word is the master).

The filled draft is *the* document: nothing is re-rendered from a template.  Each edit touches only
what the published report differs in, in the city's own formatting:

1. published look: entry controls unwrapped (their text stays), the tool's reference comments
   (author ``komae-docx``) removed with their anchors, entry shading and carried-text highlights
   removed, the publication number written over its placeholder (``R7-〇〇``);
2. each measure's grade on its sheets (a continuation sheet in the 「(再掲)」 form: ``A(再掲)``);
3. both 評価総括表: counts, one row per graded measure in document order (rows cloned from the
   table's own rows, so the city's style and vMerge stay), the total;
4. real page numbers (:mod:`komae_docx.writing.pagination`): LibreOffice measures the pages of *this*
   document, or PAGEREF fields are left for Word to update.

An interim version carries 「（中間）」 after the cover's report title and after each 評価総括表
title, and in each total row 「未確定 n件：」 with the measures not yet graded.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from lxml import etree

from ..errors import PublicationNumberError, SheetFormatError
from ..model import Report
from ..package import Package, open_package, refuse_strict
from ..rollover import publication_prefix
from ..rules import PlanGrades, PlanSummary, measure_sheet_indices, printed_grades
from ..textnorm import fold_number_chars, fold_publication_number, fold_width, squash_spaces
from ..wordml import fill_grid_after, grid_widths, replace_spans, replace_text, text_atoms
from .context import CARRY_HIGHLIGHT, COMMENT_AUTHOR, ENTRY_FILL
from .ooxml import (
    W,
    append_run,
    body_tables,
    cell_at,
    comment_ids_by_author,
    mark_title,
    remove_comments,
    remove_fills,
    remove_highlights,
    row_cells,
    set_vmerge,
    table_rows,
    unwrap_content_controls,
    visible_text,
    vmerge,
    write_cell_text,
)

PagesMode = Literal["libreoffice", "fields"]

REPEAT_MARK = "(再掲)"
"""The continuation form last year's file uses, for a sheet whose cell holds no mark of its own."""
INTERIM_MARK = "（中間）"
UNDETERMINED = "未確定"
NUMBER_PLACEHOLDER = re.compile(r"R\d+\s*[-－‐―]\s*[〇○◯]+")
_REPEAT_IN_CELL = re.compile(r"[（(]\s*再掲\s*[)）]")


# --------------------------------------------------------------------------- the package


FilledPackage = Package
"""The filled draft is the one :class:`~komae_docx.package.Package` (the name stays for callers)."""


def open_filled(path: str | Path | Package) -> Package:
    """The filled draft as a package to edit: opened once through the one safe package reader (and
    its hardened parser), or ``path`` itself when it is already open; its main, comments and
    settings parts are the ones finalize edits."""
    package = path if isinstance(path, Package) else open_package(path)
    refuse_strict(package, "仕上げられません")
    for part in (package.main, package.comments_part, package.settings_part):
        if part is not None:
            package.edit(part)
    return package


# --------------------------------------------------------------------------- the report's tables


@dataclass
class SheetTable:
    """A progress sheet's table, its rows in the reader's order, and its Check (grade) column."""

    tbl: etree._Element
    rows: list[etree._Element]
    check_col: int


@dataclass
class Layout:
    """The report's tables at the reader's anchors: each plan's 評価総括表 with its total row (in
    plan order), and the progress sheets."""

    summaries: list[etree._Element] = field(default_factory=list)
    totals: list[etree._Element | None] = field(default_factory=list)
    header_rows: list[int] = field(default_factory=list)
    sheets: list[SheetTable] = field(default_factory=list)


def locate(body: etree._Element, report: Report) -> Layout:
    """The report's tables at the model's anchors (:class:`~komae_docx.model.TableAnchor`; the
    floor's table walk counts them as the reader did), the 評価総括表's total row at the model's
    ``total_row``.  Nothing is found by its text: a table the model holds no anchor for is refused."""
    tables = body_tables(body)
    layout = Layout()
    for plan in report.plans:
        where = plan.heading or plan.key
        summary = plan.summary
        if summary is None or summary.anchor is None or summary.anchor.table >= len(tables):
            raise SheetFormatError("評価総括表の位置が読み取れないため仕上げられません", where=where)
        tbl = tables[summary.anchor.table]
        rows = table_rows(tbl)
        layout.summaries.append(tbl)
        total = summary.total_row
        layout.totals.append(rows[total] if total is not None and total < len(rows) else None)
        layout.header_rows.append(summary.anchor.header_rows)
        for sheet in plan.sheets:
            anchor = sheet.anchor
            if anchor is None or anchor.table >= len(tables) or "check" not in anchor.columns:
                raise SheetFormatError(
                    "進捗管理シートの位置が読み取れないため仕上げられません",
                    where=f"{where} シート{sheet.index + 1}",
                )
            tbl = tables[anchor.table]
            layout.sheets.append(SheetTable(tbl, table_rows(tbl), anchor.columns["check"]))
    return layout


def plan_sheets(report: Report, layout: Layout) -> dict[str, list[SheetTable]]:
    """Each plan's sheet tables: the plans list their sheets in document order, one plan after another."""
    if len(layout.sheets) != sum(len(plan.sheets) for plan in report.plans):
        raise SheetFormatError(
            f"進捗管理シートの表の数({len(layout.sheets)})が読み取った数"
            f"({sum(len(plan.sheets) for plan in report.plans)})と合いません"
        )
    out: dict[str, list[SheetTable]] = {}
    start = 0
    for plan in report.plans:
        out[plan.key] = layout.sheets[start : start + len(plan.sheets)]
        start += len(plan.sheets)
    return out


# --------------------------------------------------------------------------- 1. published look


def publish_look(package: FilledPackage) -> dict[str, int]:
    """Remove the entry aids: controls (text kept), the tool's comments, entry shading, highlights."""
    body = package.body
    done = {
        "controls": unwrap_content_controls(body),
        "shading": remove_fills(body, frozenset({ENTRY_FILL})),
        "highlights": remove_highlights(body, frozenset({CARRY_HIGHLIGHT})),
        "comments": 0,
    }
    if package.comments is not None:
        ours = comment_ids_by_author(package.comments, COMMENT_AUTHOR)
        remove_comments(package.document, package.comments, ours)
        done["comments"] = len(ours)
    return done


_NUMBER = re.compile(r"^(?P<prefix>[A-Za-z]{0,3}[0-9]{1,4})-(?P<serial>[0-9]{1,5})$")
_DASHES = re.compile(r"[‐‑‒–—―−－ー]")


def validate_number(number: str) -> str:
    """The publication number in half-width (``Ｒ７－１５`` → ``R7-15``); anything else is refused."""
    folded = _DASHES.sub("-", fold_width(squash_spaces(number)).replace(" ", ""))
    if not _NUMBER.match(folded):
        raise PublicationNumberError(f"刊行物番号「{number}」は「R7-15」のように書いてください")
    return folded[0].upper() + folded[1:]


def number_of_year(number: str, report: Report, path: str | Path | None = None) -> None:
    """Refuse a number of another year than the report's publication year (``R7`` for 令和7年):
    last year's number (``R6-22``) left in by habit, or a typo (``R9-1``)."""
    match = _NUMBER.match(number)
    wanted = publication_prefix(report.publication)
    if match is None or match.group("prefix").upper() == wanted:
        return
    given = match.group("prefix").upper()
    year = f"この報告書の刊行物番号は {wanted}-〇〇 の形です（発行 {report.publication.month.text}）"
    if _previous_prefix(wanted) == given:
        raise PublicationNumberError(f"刊行物番号「{number}」は前年度の番号です。{year}", path)
    raise PublicationNumberError(f"刊行物番号「{number}」の年（{given}）が発行の年と合いません。{year}", path)


def _previous_prefix(prefix: str) -> str | None:
    match = re.match(r"^([A-Z]*)([0-9]+)$", prefix)
    return f"{match.group(1)}{int(match.group(2)) - 1}" if match else None


def fill_number(body: etree._Element, number: str) -> bool:
    """Write the publication number over its placeholder (``R7-〇〇``); True when one was found.

    Every paragraph holding it is filled: a number in a text box is there twice (the DrawingML box
    and its VML fallback), and the fallback must not keep the placeholder."""
    found = False
    for p in body.iter(f"{W}p"):
        # across runs: LibreOffice stores 「R7-〇〇」 as 「R7-」「〇〇」, Word a no-break hyphen
        if replace_text(p, NUMBER_PLACEHOLDER, number.replace("\\", "\\\\"), count=1):
            found = True
    return found


def fold_typed_number(body: etree._Element, number: str) -> int:
    """Write the number the reader read (folded, ``R7-15``) over the form staff typed in its place
    (「R7－15」, 「Ｒ７－１５」), so the report publishes what ``--number`` would; how many places."""
    if fold_publication_number(number) != number or "〇" in number or "○" in number:
        return 0
    count = 0
    for p in body.iter(f"{W}p"):
        atoms = text_atoms(p)
        text = "".join(atom.text for atom in atoms)
        folded = fold_number_chars(text)
        spans = [
            (m.start(), m.end(), number)
            for m in re.finditer(re.escape(number), folded)
            if text[m.start() : m.end()] != number
        ]
        if spans:
            replace_spans(atoms, spans)
            count += len(spans)
    return count


def mark_cover(body: etree._Element, report_title: str, mark: str = INTERIM_MARK) -> bool:
    """Interim: 「（中間）」 after the cover's report title (its first paragraph in the document)."""
    return mark_title(body, report_title, mark)


# --------------------------------------------------------------------------- 2. grades on the sheets


def grade_text(letter: str, cell_text: str, continued: bool) -> str:
    """``A``, or ``A(再掲)`` on a continuation sheet; a 再掲 mark already in the cell keeps its form."""
    mark = _REPEAT_IN_CELL.search(cell_text)
    if mark is not None:
        return letter + mark.group(0)
    return letter + REPEAT_MARK if continued else letter


def write_grades(report: Report, grades: Sequence[PlanGrades], sheets: Mapping[str, list[SheetTable]]) -> int:
    """Write each determined measure's letter into its grade cell on every sheet it stands on."""
    written = 0
    for plan, plan_grades in zip(report.plans, grades, strict=True):
        letters = {g.measure_id: g.letter for g in plan_grades.measures}
        tables = sheets.get(plan.key, [])
        for sheet in plan.sheets:
            table = tables[sheet.index]
            for printed in sheet.measures:
                letter = letters.get(printed.measure_id)
                cell = (
                    cell_at(table.rows[printed.row], table.check_col)
                    if printed.row < len(table.rows)
                    else None
                )
                if letter is None or cell is None:
                    continue
                continued = measure_sheet_indices(plan, printed.measure_id)[0] != sheet.index
                write_cell_text(cell.tc, grade_text(letter, visible_text(cell.tc), continued))
                written += 1
    return written


def restore_check_cells(
    report: Report,
    sheets: Mapping[str, list[SheetTable]],
    city: Mapping[str, Sequence[str]],
    shown: Mapping[str, str] | None = None,
) -> int:
    """Each project row's Check cell as the city's file had it (``city``: project id → the texts of
    its entry rows, empty or 「/」), where the draft put its result controls.

    ``shown`` (project id → result text, ``--show-results``) puts the result in the project's first
    Check cell instead, and leaves its other rows' cells empty.
    """
    written = 0
    for plan in report.plans:
        tables = sheets.get(plan.key, [])
        for measure in plan.iter_measures():
            for project in measure.projects:
                for i, entry in enumerate(project.entries):
                    table = tables[entry.sheet] if entry.sheet < len(tables) else None
                    if table is None or entry.row >= len(table.rows):
                        continue
                    cell = cell_at(table.rows[entry.row], table.check_col)
                    if cell is None or cell.col != table.check_col or vmerge(cell.tc) == "continue":
                        continue
                    if shown is not None:
                        text = shown.get(project.id, "") if i == 0 else ""
                    else:
                        texts = city.get(project.id, ())
                        text = texts[i] if i < len(texts) else ""
                    write_cell_text(cell.tc, text)
                    written += 1
    return written


def with_printed_grades(report: Report, grades: Sequence[PlanGrades]) -> list[PlanGrades]:
    """Grades where a measure without results keeps the grade its sheet already prints.

    An interim version finalized again without results for a measure keeps what it printed, as
    ``status`` does not ask for results of a graded measure either.
    """
    return printed_grades(report, grades)


# --------------------------------------------------------------------------- 3. 評価総括表


@dataclass(frozen=True)
class SummaryLine:
    """One printed row of a grade group: the count on its first row, then page and measure."""

    count: str
    page: str
    ref: str
    measure_id: str | None = None


def summary_lines(summary: PlanSummary, pages: Mapping[str, str]) -> list[list[SummaryLine]]:
    """Per grade group its rows: one per measure, or one row with 0 and nothing else."""
    out: list[list[SummaryLine]] = []
    for group in summary.groups:
        if not group.entries:
            out.append([SummaryLine(str(group.count), "", "")])
            continue
        out.append(
            [
                SummaryLine(
                    str(group.count) if i == 0 else "", pages.get(e.measure_id, e.pages), e.ref, e.measure_id
                )
                for i, e in enumerate(group.entries)
            ]
        )
    return out


def fill_summary(
    tbl: etree._Element,
    summary: PlanSummary,
    pages: Mapping[str, str],
    *,
    interim: bool,
    total: etree._Element | None,
    header_rows: int = 2,
) -> None:
    """Rebuild the grade groups of one 評価総括表 from the city's own rows, then the total.

    A group's first row serves its first measure; its second row (or, if it has none, its first row
    made a vMerge continuation) is cloned for each further measure.  Running it again on a table it
    filled gives the same table, so page numbers can be rewritten after a layout pass.
    """
    widths = grid_widths(tbl)
    for tr in table_rows(tbl):
        fill_grid_after(tr, widths)  # rows written without their empty trailing cells
    groups = _summary_groups(table_rows(tbl), total, header_rows)
    wanted = summary_lines(summary, pages)
    if len(groups) != len(wanted):
        raise SheetFormatError(
            f"評価総括表の評価の行({len(groups)})が評価基準の数({len(wanted)})と合いません",
            where=summary.heading,
        )
    for rows, lines in zip(groups, wanted, strict=True):
        _rebuild_group(rows, lines)
    if total is not None:
        cells = row_cells(total)
        if len(cells) > 1:
            write_cell_text(cells[1].tc, str(summary.total))
        if len(cells) > 2:
            write_cell_text(cells[2].tc, undetermined_text(summary) if interim else "")


def undetermined_text(summary: PlanSummary) -> str:
    """Interim: the measures not yet graded, in the total row's wide cell (``未確定 1件：3－(1)``)."""
    if not summary.ungraded:
        return ""
    return f"{UNDETERMINED} {len(summary.ungraded)}件：" + "、".join(e.ref for e in summary.ungraded)


def _summary_groups(
    rows: Sequence[etree._Element], total: etree._Element | None, header_rows: int
) -> list[list[etree._Element]]:
    """The grade groups: the rows between the header and the total row (the model's), a group
    starting where its label cell does not continue a vertical merge."""
    groups: list[list[etree._Element]] = []
    for tr in rows[header_rows:]:
        if tr is total:
            break
        cells = row_cells(tr)
        if not cells:
            continue
        if vmerge(cells[0].tc) != "continue" or not groups:
            groups.append([tr])
        else:
            groups[-1].append(tr)
    return groups


def _rebuild_group(rows: list[etree._Element], lines: list[SummaryLine]) -> None:
    first = rows[0]
    follower = copy.deepcopy(rows[1]) if len(rows) > 1 else _continuation_of(first)
    for tr in rows[1:]:
        parent = tr.getparent()
        if parent is not None:
            parent.remove(tr)
    for cell in row_cells(first)[:2]:
        set_vmerge(cell.tc, "restart" if len(lines) > 1 else None)
    previous = first
    for i, line in enumerate(lines):
        tr = first if i == 0 else copy.deepcopy(follower)
        if i > 0:
            previous.addnext(tr)
            previous = tr
        cells = row_cells(tr)
        if len(cells) < 4:
            continue
        if i == 0:
            write_cell_text(cells[1].tc, line.count)
        write_cell_text(cells[2].tc, line.page)
        write_cell_text(cells[3].tc, line.ref)


def _continuation_of(first: etree._Element) -> etree._Element:
    """A follower row made from a group's first row: its label and count cells continue the merge."""
    tr = copy.deepcopy(first)
    for cell in row_cells(tr)[:2]:
        set_vmerge(cell.tc, "continue")
        write_cell_text(cell.tc, "")
    return tr


def summary_title(tbl: etree._Element) -> etree._Element | None:
    """The 評価総括表 title: the last paragraph with text before the table."""
    previous = tbl.getprevious()
    while previous is not None and (previous.tag != f"{W}p" or not visible_text(previous).strip()):
        previous = previous.getprevious()
    return previous if previous is not None and "評価総括表" in visible_text(previous) else None


def mark_summary_title(tbl: etree._Element) -> bool:
    """Interim: 「（中間）」 after the 評価総括表 title paragraph standing right before the table."""
    title = summary_title(tbl)
    if title is None:
        return False
    append_run(title, INTERIM_MARK)
    return True


# --------------------------------------------------------------------------- the composition


@dataclass(frozen=True)
class FinalizeOptions:
    number: str | None = None
    interim: bool = False
    pages: PagesMode = "libreoffice"
    show_results: bool = False
    """``--show-results``: the project results in the Check cells (default: the city's layout)."""
    accept_changes: bool = False
    """Accept every tracked change (writing/revisions.py) instead of refusing to finalize."""
    drop_comments: bool = False
    """Remove other people's comments (writing/revisions.py) instead of refusing to finalize."""
