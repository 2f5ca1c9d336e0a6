"""The draft says it is a draft, and carries what finalize needs to give the city's layout back.

Added to every draft (made from the city's file or from a template), after rendering:

* 「（案）」 after the cover's report title, in the title's own run formatting (the city's schedule
  says 報告書(案)を審議, then 確定);
* in each blank 評価総括表, the total row's wide cell says who fills the table in
  (:data:`SUMMARY_NOTE`), in the table's own formatting — the cell ``finalize`` clears (or, in an
  interim version, fills with the measures not yet graded);
* the results part (:mod:`komae_docx.record`, stage ``draft``) holding, per project, what the
  city's file had in its Check cells (empty or 「/」): the draft puts its result controls there, and
  ``finalize`` puts the city's text back.

``finalize`` removes the marks (:func:`remove_cover_mark`; the note goes with the total row's
rewrite).
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from ..model import Report
from ..package import package_parts, write_package
from ..progress import DRAFT_MARK, INTERIM_MARK
from ..record import build_record, city_check_cells, record_xml
from .customxml import Parts, put_record
from .datefields import roll_date_fields
from .finalize import flat, locate, mark_cover, plan_summaries
from .ooxml import W, parse_part, row_cells, serialize, table_rows, visible_text, write_cell_text

SUMMARY_NOTE = "※ 評価は finalize（報告書を仕上げる）で自動で記入されます"
"""The blank 評価総括表's note, in the page's and the command's words."""


def mark_draft(data: bytes, rolled: Report, previous: Report, *, name: str | Path) -> bytes:
    """The rendered draft ``data`` with its marks and its results part (see the module's doc).

    ``rolled`` is the draft's model, ``previous`` last year's (whose Check cells the part keeps).
    """
    parts = read_parts(data)
    main = main_part(parts, name)
    if main not in parts:
        return data
    document = parse_part(parts[main], path=name, part=main)
    body = document.find(f"{W}body")
    if body is not None:
        title = rolled.cover.report_title  # the rollover put 「（案）」 after the year's title
        unmarked = title.replace(DRAFT_MARK, "")
        if not _cover_marked(body, title):
            mark_cover(body, unmarked, DRAFT_MARK)
        roll_date_fields(body, rolled.publication.month)  # a live date shows next year's month
        layout = locate(body)
        if len(layout.summaries) == len(rolled.plans):
            for tbl in plan_summaries(rolled, layout):
                note_summary(tbl)
    parts[main] = serialize(document)
    record = build_record(rolled, [], "draft", check_cells=city_check_cells(previous))
    return write_parts(put_record(parts, main, record_xml(record), path=name))


def _cover_marked(body: etree._Element, title: str) -> bool:
    """True when the cover's title paragraph already reads 「…（案）」 (a draft made from a draft)."""
    wanted = flat(title)
    return any(flat(visible_text(p)) == wanted for p in body.iter(f"{W}p"))


def note_summary(tbl: etree._Element) -> bool:
    """The note in the total row's wide cell (the row starting with 合計); False without one."""
    for tr in table_rows(tbl)[2:]:
        cells = row_cells(tr)
        if len(cells) > 2 and flat(visible_text(cells[0].tc)).startswith("合計"):
            write_cell_text(cells[2].tc, SUMMARY_NOTE)
            return True
    return False


def remove_cover_mark(body: etree._Element, report_title: str) -> bool:
    """Remove 「（案）」 (and an interim version's 「（中間）」) from the cover's report title paragraph."""
    wanted = flat(report_title)
    for p in body.iter(f"{W}p"):
        if flat(visible_text(p)) == wanted:
            return bool(remove_marks(p, (DRAFT_MARK, INTERIM_MARK)))
    return False


def remove_marks(p: etree._Element, marks: tuple[str, ...]) -> int:
    """Remove each of ``marks`` from the paragraph's text (a run left empty goes); how many went."""
    removed = 0
    for t in list(p.iter(f"{W}t")):
        here = [mark for mark in marks if t.text and mark in t.text]
        for mark in here:
            t.text = (t.text or "").replace(mark, "")
        removed += len(here)
        run = t.getparent()
        if here and not t.text and run is not None and len(run.findall(f"{W}t")) == 1:
            holder = run.getparent()
            if holder is not None:
                holder.remove(run)
    return removed


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
