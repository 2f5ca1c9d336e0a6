"""The copy of a published report that LibreOffice's tagged export is made from.

LibreOffice tags what the document says: a row marked ``w:tblHeader`` becomes TH cells, a
shape's description (``wp:docPr/@descr``) becomes the figure's /Alt, the document's title
(``dc:title``) the PDF's title.  The city's
files say none of this, so a copy says it before the export:

* **title and language**: the cover's title lines and the year's report title as ``dc:title``,
  ``ja-JP`` as the default language;
* **figures**: every drawing gets alt text in staff words, written from the model (the schedule's
  boxes with their month: 「進捗評価の流れ：5月 市民福祉推進委員会①（報告書(案)を審議）」); a drawing
  that shows nothing (no text, no picture) is marked decorative as Word does (``adec:decorative``)
  and, because LibreOffice 7.4 does not read that mark, gets a description saying so as well;
* **tables**: the sheets' header rows (the model's anchors) and the first row of every other table
  of more than one cell are marked ``w:tblHeader``; a one-cell table (the colophon's box) is a
  layout table, retagged by :mod:`.pdfexport` as a plain division.

Nothing else changes, so the copy lays out as the city's file does (``w:tblHeader`` only repeats a
row on a table's next page; the publish tests compare page counts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..model import Report
from ..opcnames import DC_NS
from ..package import open_package, parse_xml, refuse_strict, write_package
from ..wordml import (
    MC,
    RPR_RANK,
    TBL,
    body_tables,
    grid_before,
    int_attr,
    put_in_schema_order,
    row_cells,
    row_tcs,
    table_rows,
    text_atoms,
    w,
)
from ..writing.ooxml import serialize

WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
ADEC_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
DECORATIVE_EXT_URI = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
VML_NS = "urn:schemas-microsoft-com:vml"
PIC_NS = "http://schemas.openxmlformats.org/drawingml/2006/picture"
LANGUAGE = "ja-JP"
DECORATIVE_TEXT = "飾りの図形（内容はありません）"
SCHEDULE_PREFIX = "進捗評価の流れ："


@dataclass(frozen=True)
class TableShape:
    """A table as the tagged PDF has it: per row, each exported cell as (first grid column, column
    span, row span); a vertically merged cell's continuations are not exported.  ``layout``: a
    one-cell-per-row table drawn round text (the colophon's box)."""

    rows: tuple[tuple[tuple[int, int, int], ...], ...]
    layout: bool


@dataclass
class AccessibleCopy:
    """The fixed copy (``data``, a .docx) and what it says, for the export and its report."""

    data: bytes
    title: str
    tables: list[TableShape] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)
    """The alt text each drawing got, in document order."""


def report_title(report: Report) -> str:
    """The document title: the cover's title lines and the year's title, on one line."""
    lines = [" ".join(line.split()) for line in report.cover.title_lines]
    return " ".join(part for part in [*lines, report.cover.report_title.strip()] if part)


def accessible_copy(source: str | Path, report: Report) -> AccessibleCopy:
    """The copy of ``source`` (the city's published report, only read) to export from."""
    package = open_package(source)
    refuse_strict(package, "ホームページ用に書き出せません")
    main = package.main_document_part
    parts = {name: package.read(name) for name in package.names()}
    document = package.xml(main)
    title = report_title(report)
    figures = describe_figures(document, report)
    mark_header_rows(document, report)
    tables = [table_shape(tbl) for tbl in exported_tables(document)]
    parts[main] = serialize(document)
    for styles in package.related_part(main, "styles"):
        parts[styles] = _with_language(parse_xml(parts[styles], path=source, part=styles))
    core = next((name for name in parts if name.lower() == "docprops/core.xml"), None)
    if core is not None:
        parts[core] = _with_title(parse_xml(parts[core], path=source, part=core), title)
    return AccessibleCopy(write_package(parts.items()), title, tables, figures)


# --------------------------------------------------------------------------- figures


def describe_figures(document: etree._Element, report: Report) -> list[str]:
    """Give every drawing without a description one (see the module's docstring); the texts."""
    schedule = schedule_texts(report)
    written: list[str] = []
    for doc_pr in document.iter(f"{{{WP_NS}}}docPr"):
        drawing = _ancestor(doc_pr, w("drawing"))
        shown = _box_text(drawing) if drawing is not None else ""
        text = (doc_pr.get("descr") or "").strip()
        if not text:
            has_picture = drawing is not None and next(drawing.iter(f"{{{PIC_NS}}}pic"), None) is not None
            text = figure_text(shown, schedule, has_picture)
            doc_pr.set("descr", text)
            if text == DECORATIVE_TEXT:
                _mark_decorative(doc_pr)
            _describe_fallback(doc_pr, text)
        written.append(text)
    return written


def schedule_texts(report: Report) -> dict[str, str]:
    """A schedule box's text → its alt text: the flow, the month and what happens there."""
    schedule = report.intro.schedule
    if schedule is None:
        return {}
    out: dict[str, str] = {}
    for month, cell in zip(schedule.months, schedule.cells, strict=False):
        doing = "、".join(" ".join(text.split()) for text in cell.texts if text.strip())
        for box in cell.boxes:
            key = "".join(box.split())
            out[key] = f"{SCHEDULE_PREFIX}{month}月 {box}" + (f"（{doing}）" if doing else "")
    return out


def figure_text(shown: str, schedule: dict[str, str], has_picture: bool) -> str:
    """The alt text of one drawing: the schedule's words, else what the shape says, else 図 / decorative."""
    key = "".join(shown.split())
    if key in schedule:
        return schedule[key]
    if shown:
        return f"図形：{shown}"
    if has_picture:
        return "図（説明は本文のとおりです）"
    return DECORATIVE_TEXT


def _box_text(drawing: etree._Element) -> str:
    """What a drawing's text box says, on one line."""
    return " ".join("".join(atom.text for atom in text_atoms(drawing, boxes=True)).split())


def _ancestor(el: etree._Element, tag: str) -> etree._Element | None:
    parent = el.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def _mark_decorative(doc_pr: etree._Element) -> None:
    ext_list = doc_pr.find(f"{{{A_NS}}}extLst")
    if ext_list is None:
        ext_list = etree.SubElement(doc_pr, f"{{{A_NS}}}extLst")
    ext = etree.SubElement(ext_list, f"{{{A_NS}}}ext", uri=DECORATIVE_EXT_URI)
    etree.SubElement(ext, f"{{{ADEC_NS}}}decorative", nsmap={"adec": ADEC_NS}, val="1")


def _describe_fallback(doc_pr: etree._Element, text: str) -> None:
    """The VML copy Word 2007 reads (``mc:Fallback``) says the same."""
    alternate = _ancestor(doc_pr, f"{MC}AlternateContent")
    if alternate is None:
        return
    for pict in alternate.iter(w("pict")):
        for el in pict:
            if isinstance(el.tag, str) and el.tag.startswith(f"{{{VML_NS}}}") and not el.get("alt"):
                el.set("alt", text)


# --------------------------------------------------------------------------- tables


def mark_header_rows(document: etree._Element, report: Report) -> None:
    """Mark the header rows ``w:tblHeader``: the sheets' (from the model), then the first row of
    any other table of more than one cell that has none."""
    body = document.find(w("body"))
    if body is None:
        return
    top = body_tables(body)
    for plan in report.plans:
        anchors = [s.anchor for s in plan.sheets] + [o.anchor for o in plan.opinion_sheets]
        anchors.append(plan.summary.anchor if plan.summary is not None else None)
        for anchor in anchors:
            if anchor is None or anchor.table >= len(top):
                continue
            for tr in table_rows(top[anchor.table])[: anchor.header_rows]:
                _set_header(tr)
    for tbl in exported_tables(document):
        rows = table_rows(tbl)
        if rows and not is_layout_table(tbl) and not any(_is_header(tr) for tr in rows):
            _set_header(rows[0])


def exported_tables(document: etree._Element) -> list[etree._Element]:
    """Every table LibreOffice exports, in document order (a table in a text box is in the file
    twice, in the drawing and in its VML copy ``mc:Fallback``; LibreOffice reads the drawing)."""
    return [tbl for tbl in document.iter(TBL) if _ancestor(tbl, f"{MC}Fallback") is None]


def is_layout_table(tbl: etree._Element) -> bool:
    """A table of one cell per row and one column (a box drawn round text, as the colophon's)."""
    rows = table_rows(tbl)
    return all(len(list(row_tcs(tr))) <= 1 for tr in rows)


def _grid_after(tr: etree._Element) -> int:
    trpr = tr.find(w("trPr"))
    return int_attr(trpr.find(w("gridAfter"))) if trpr is not None else 0


def _is_header(tr: etree._Element) -> bool:
    trpr = tr.find(w("trPr"))
    return trpr is not None and trpr.find(w("tblHeader")) is not None


def _set_header(tr: etree._Element) -> None:
    if _is_header(tr):
        return
    trpr = tr.find(w("trPr"))
    if trpr is None:
        trpr = etree.Element(w("trPr"))
        at = 1 if len(tr) and tr[0].tag == w("tblPrEx") else 0
        tr.insert(at, trpr)
    etree.SubElement(trpr, w("tblHeader"))


def table_shape(tbl: etree._Element) -> TableShape:
    """The cells LibreOffice exports, with their spans (vertical merges counted down the grid).

    LibreOffice makes the grid columns a row leaves out (``w:gridBefore``, ``w:gridAfter``) real
    empty cells, one per column, and exports them so."""
    trs = table_rows(tbl)
    grid = [row_cells(tr) for tr in trs]
    rows: list[tuple[tuple[int, int, int], ...]] = []
    for index, cells in enumerate(grid):
        row: list[tuple[int, int, int]] = [(col, 1, 1) for col in range(grid_before(trs[index]))]
        for cell in cells:
            if cell.vmerge is not None and cell.vmerge != "restart":
                continue
            span_down = 1
            if cell.vmerge == "restart":
                for below in grid[index + 1 :]:
                    if any(c.col == cell.col and c.vmerge not in (None, "restart") for c in below):
                        span_down += 1
                    else:
                        break
            row.append((cell.col, cell.span, span_down))
        end = max((cell.end for cell in cells), default=grid_before(trs[index]))
        row += [(end + i, 1, 1) for i in range(_grid_after(trs[index]))]
        rows.append(tuple(row))
    return TableShape(_closed(rows, [_grid_after(tr) for tr in trs]), is_layout_table(tbl))


def _closed(
    rows: list[tuple[tuple[int, int, int], ...]], after: list[int]
) -> tuple[tuple[tuple[int, int, int], ...], ...]:
    """A row whose ``w:gridAfter`` leaves it short of the table's grid (a count of deleted cells,
    not of columns) gets its last cell widened to the edge, as LibreOffice draws it."""
    width = max((col + span for row in rows for col, span, _ in row), default=0)
    out = []
    for row, tail in zip(rows, after, strict=True):
        if tail and row and row[-1][0] + row[-1][1] < width:
            col, _, down = row[-1]
            row = (*row[:-1], (col, width - col, down))
        out.append(row)
    return tuple(out)


# --------------------------------------------------------------------------- title and language


def _with_language(styles: etree._Element) -> bytes:
    """Japanese text in ja-JP (``w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:eastAsia``).

    The Latin language (``@w:val``, en-US in the city's file) stays: LibreOffice breaks Latin
    text and digits by it, and ja-JP there moves line breaks in the sheets («70%以上7 / 0%未満»).
    The PDF's /Lang is set to ja-JP by :mod:`.pdfexport` instead."""
    defaults = styles.find(w("docDefaults"))
    if defaults is None:
        defaults = etree.Element(w("docDefaults"))
        styles.insert(0, defaults)
    rpr_default = defaults.find(w("rPrDefault"))
    if rpr_default is None:
        rpr_default = etree.Element(w("rPrDefault"))
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(w("rPr"))
    if rpr is None:
        rpr = etree.SubElement(rpr_default, w("rPr"))
    lang = rpr.find(w("lang"))
    if lang is None:
        lang = etree.Element(w("lang"))
        put_in_schema_order(rpr, lang, RPR_RANK)
    lang.set(w("eastAsia"), LANGUAGE)
    return serialize(styles)


def _with_title(core: etree._Element, title: str) -> bytes:
    element = core.find(f"{{{DC_NS}}}title")
    if element is None:
        element = etree.SubElement(core, f"{{{DC_NS}}}title")
    element.text = title
    return serialize(core)


__all__ = ["AccessibleCopy", "TableShape", "accessible_copy", "report_title"]
