"""The draft says it is a draft, and carries what finalize needs to give the city's layout back.

Added to every draft (made in place from the city's file or from a template), before it is
serialized:

* 「（案）」 after the cover's report title, in the title's own run formatting (the city's schedule
  says 報告書(案)を審議, then 確定);
* in each blank 評価総括表, the total row's wide cell says who fills the table in
  (:data:`SUMMARY_NOTE`), in the table's own formatting — the cell ``finalize`` clears (or, in an
  interim version, fills with the measures not yet graded);
* every entry cell (Do, Act, opinions) settled for typing in the city's formatting
  (:func:`.ooxml.settle_entry_cell`);
* the results part (:mod:`komae_docx.record`, stage ``draft``) holding, per project, what the
  city's file had in its Check cells (empty or 「/」): the draft puts its result controls there, and
  ``finalize`` puts the city's text back.

Every table is found at the model's anchors, never by its text.  ``finalize`` removes the marks.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..model import Report, SummaryTable
from ..package import package_parts, write_package
from ..progress import DRAFT_MARK, INTERIM_MARK
from ..record import build_record, city_check_cells, record_xml
from .context import entries_by_sheet
from .customxml import Parts, put_record
from .datefields import roll_date_fields
from .ooxml import (
    W,
    body_tables,
    cell_at,
    drop_bare_empty_runs,
    flat,
    mark_title,
    parse_part,
    remove_marks,
    remove_title_marks,
    row_cells,
    serialize,
    settle_entry_cell,
    table_rows,
    visible_text,
    vmerge,
    write_cell_text,
)

SUMMARY_NOTE = "※ 評価は finalize（報告書を仕上げる）で自動で記入されます"
"""The blank 評価総括表's note, in the page's and the command's words."""

__all__ = ["SUMMARY_NOTE", "mark_draft", "mark_draft_tree", "remove_cover_mark", "remove_marks"]


def mark_draft(data: bytes, rolled: Report, previous: Report, *, name: str | Path) -> bytes:
    """The rendered draft ``data`` (a template's) with its marks and results part."""
    parts = read_parts(data)
    main = main_part(parts, name)
    if main not in parts:
        return data
    document = parse_part(parts[main], path=name, part=main)
    return mark_draft_tree(parts, main, document, rolled, previous, name=name)


def mark_draft_tree(
    parts: Parts, main: str, document: etree._Element, rolled: Report, previous: Report, *, name: str | Path
) -> bytes:
    """The draft's package: ``document`` (the main part's tree) marked and serialized once, the
    results part added.  ``rolled`` is the draft's model, ``previous`` last year's (whose anchors
    place the tables and whose Check cells the results part keeps)."""
    body = document.find(f"{W}body")
    if body is not None:
        title = rolled.cover.report_title  # the rollover put 「（案）」 after the year's title
        if not _cover_marked(body, title):
            mark_title(body, title.replace(DRAFT_MARK, ""), DRAFT_MARK)
        roll_date_fields(body, rolled.publication.month)  # a live date shows next year's month
        tables = body_tables(body)
        for before, after in zip(previous.plans, rolled.plans, strict=False):
            if before.summary is not None and after.summary is not None:
                note_summary(tables, before.summary, after.summary)
        settle_entry_cells(tables, previous)
    out = dict(parts)
    out[main] = serialize(document)
    record = build_record(rolled, [], "draft", check_cells=city_check_cells(previous))
    return write_parts(put_record(out, main, record_xml(record), path=name))


def _cover_marked(body: etree._Element, title: str) -> bool:
    """True when the cover's title paragraph already reads 「…（案）」 (a draft made from a draft)."""
    wanted = flat(title)
    return any(flat(visible_text(p)) == wanted for p in body.iter(f"{W}p"))


def drafted_total_row(before: SummaryTable, after: SummaryTable) -> int | None:
    """The total row's index in the draft's 評価総括表: last year's ``total_row`` less the group
    rows the draft dropped (a group keeps as many rows as it has measures, at least one)."""
    if before.total_row is None:
        return None
    starts = [g.row for g in before.groups if g.row is not None]
    ends = [*starts[1:], before.total_row]
    measures = {g.row: len(g.rows) for g in after.groups if g.row is not None}
    kept = [max(1, measures.get(start, 0)) for start in starts]
    dropped = sum(max(0, end - start - k) for start, end, k in zip(starts, ends, kept, strict=True))
    return before.total_row - dropped


def note_summary(tables: list[etree._Element], before: SummaryTable, after: SummaryTable) -> bool:
    """The note in the total row's wide cell (at the model's anchor and total row); False without."""
    at = drafted_total_row(before, after)
    if before.anchor is None or at is None or before.anchor.table >= len(tables):
        return False
    rows = table_rows(tables[before.anchor.table])
    cells = row_cells(rows[at]) if at < len(rows) else []
    if len(cells) <= 2:
        return False
    write_cell_text(cells[2].tc, SUMMARY_NOTE)
    return True


def settle_entry_cells(tables: list[etree._Element], report: Report) -> None:
    """Every Do / Act / opinion cell ready for typing in the city's formatting (the formatting its
    first paragraph's mark holds); the Check and grade cells without the empty runs a template's
    tags leave."""
    for tc in _entry_cells(tables, report):
        settle_entry_cell(tc, tc.find(f"{W}p/{W}pPr/{W}rPr"))
    for tc in _entry_cells(tables, report, ("check",)):
        drop_bare_empty_runs(tc)


def _entry_cells(
    tables: list[etree._Element], report: Report, columns: tuple[str, ...] = ("do", "act")
) -> list[etree._Element]:
    found: list[etree._Element] = []
    for plan in report.plans:
        on_sheet = entries_by_sheet(plan)
        for sheet in plan.sheets:
            anchor = sheet.anchor
            if anchor is None or anchor.table >= len(tables):
                continue
            rows = table_rows(tables[anchor.table])
            for _, entry in on_sheet.get(sheet.index, []):
                for column in columns:
                    found += _cell(rows, entry.row, anchor.columns.get(column))
            if "check" in columns:
                for printed in sheet.measures:
                    found += _cell(rows, printed.row, anchor.columns.get("check"))
        for opinion in plan.opinion_sheets if "do" in columns else ():
            anchor = opinion.anchor
            if anchor is None or anchor.table >= len(tables):
                continue
            rows = table_rows(tables[anchor.table])
            for item in opinion.rows:
                found += _cell(rows, item.row, anchor.columns.get("opinion"))
    return found


def _cell(rows: list[etree._Element], row: int, col: int | None) -> list[etree._Element]:
    cell = cell_at(rows[row], col) if col is not None and row < len(rows) else None
    if cell is None or cell.col != col or vmerge(cell.tc) == "continue":
        return []
    return [cell.tc]


def remove_cover_mark(body: etree._Element, report_title: str) -> bool:
    """Remove 「（案）」 (and an interim version's 「（中間）」) from the cover's report title paragraph."""
    return remove_title_marks(body, report_title, (DRAFT_MARK, INTERIM_MARK))


# --------------------------------------------------------------------------- the package as parts


def read_parts(data: bytes) -> Parts:
    """The parts of the rendered draft (a package the tool made itself), in order."""
    return package_parts(data)


def write_parts(parts: Parts) -> bytes:
    return write_package(parts.items())


def main_part(parts: Parts, name: str | Path) -> str:
    """The main document part the package relationships name (``word/document.xml`` as a rule)."""
    if "_rels/.rels" in parts:
        rels = parse_part(parts["_rels/.rels"], path=name, part="_rels/.rels")
        for rel in rels:
            if (rel.get("Type") or "").endswith("/officeDocument"):
                return (rel.get("Target") or "word/document.xml").lstrip("/")
    return "word/document.xml"
