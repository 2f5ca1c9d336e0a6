"""The accessible PDF: LibreOffice's tagged export of the fixed copy, then finished with pikepdf.

LibreOffice (7.4 here) writes a tagged PDF with the PDF/UA flag when asked (``UseTaggedPDF``,
``PDFUACompliance``), the document title shown in the viewer's bar (``DisplayPDFDocumentTitle``)
and bookmarks from the headings (``ExportBookmarks``).  What it does not write is finished here,
in the PDF itself (pikepdf, the one PDF library the checkers also use):

* **table spans**: a cell merged down several rows (``w:vMerge``) is exported without /RowSpan,
  so every sheet's grid "does not close" for a checker; each cell gets its /ColSpan and /RowSpan
  from the copy's tables (matched in order, and only when the rows and cells agree);
* **layout tables**: a one-cell table (the colophon's box) is a division (/Div), not a table;
* **page labels** (/PageLabels): the viewer's page numbers are the printed ones (the footers'),
  the cover and the 目次 keep their own names;
* **bookmarks** from the model's page map: 目次, 序章 and its sections, 第1章 with each plan's
  sheets, 第2章 with each plan's opinion sheets;
* title (Info and XMP), language ja-JP and DisplayDocTitle, whatever the export did.
"""

from __future__ import annotations

import io
import itertools
import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from ..layout import convert_to_pdf, pdf_page_texts
from ..model import Report, SheetMeasure
from ..pagemap import LaidOut, PageMap, locate, squeezed
from .accessible import LANGUAGE, AccessibleCopy, TableShape

EXPORT_OPTIONS: dict[str, bool] = {
    "UseTaggedPDF": True,
    "PDFUACompliance": True,
    "ExportBookmarks": True,
    "DisplayPDFDocumentTitle": True,
}
"""The options of LibreOffice's ``writer_pdf_Export`` filter (all known to LibreOffice 7.4)."""


def export_target() -> str:
    """``--convert-to``'s argument: the PDF filter with :data:`EXPORT_OPTIONS` as JSON."""
    options = {
        name: {"type": "boolean", "value": "true" if on else "false"} for name, on in EXPORT_OPTIONS.items()
    }
    return "pdf:writer_pdf_Export:" + json.dumps(options, separators=(",", ":"))


@dataclass
class ExportedPdf:
    """The finished PDF and what was made of it."""

    data: bytes
    pages: int
    labels: list[str]
    """The viewer's page label of each physical page."""
    bookmarks: list[tuple[int, str, int]] = field(default_factory=list)
    """(level, title, physical page index) of every bookmark, in order."""
    unmatched_tables: int = 0
    """Tables whose rows in the PDF did not agree with the document's (left as exported)."""


def export_pdf(copy: AccessibleCopy, report: Report) -> ExportedPdf:
    """Export ``copy`` with LibreOffice (raises :class:`~komae_docx.errors.LayoutError` when it
    cannot) and finish the PDF.  The copy is written under a plain name (the user's file name may
    hold characters LibreOffice would change in the PDF's name)."""
    with tempfile.TemporaryDirectory(prefix="komae-publish-") as work:
        source = Path(work) / "report.docx"
        source.write_bytes(copy.data)
        pdf_path = convert_to_pdf(source, Path(work) / "pdf", convert_to=export_target())
        texts = pdf_page_texts(pdf_path)
        return finish_pdf(pdf_path, copy, report, texts)


def finish_pdf(pdf_path: Path, copy: AccessibleCopy, report: Report, texts: Sequence[str]) -> ExportedPdf:
    laid = LaidOut.from_page_texts(texts)
    with pikepdf.open(pdf_path) as pdf:
        unmatched = fix_tables(pdf, copy.tables)
        labels = page_labels(laid)
        pdf.Root.PageLabels = label_tree(labels, laid)
        bookmarks = outline_entries(report, laid, locate(report, texts))
        write_outline(pdf, bookmarks)
        set_title_and_language(pdf, copy.title)
        data = _saved(pdf)
        return ExportedPdf(data, len(pdf.pages), labels, bookmarks, unmatched)


def _saved(pdf: pikepdf.Pdf) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True)
    return out.getvalue()


# --------------------------------------------------------------------------- title and language


def set_title_and_language(pdf: pikepdf.Pdf, title: str) -> None:
    pdf.Root.Lang = pikepdf.String(LANGUAGE)
    prefs = pdf.Root.get("/ViewerPreferences")
    if not isinstance(prefs, pikepdf.Dictionary):
        prefs = pikepdf.Dictionary()
        pdf.Root.ViewerPreferences = prefs
    prefs.DisplayDocTitle = True
    pdf.docinfo[pikepdf.Name.Title] = title
    with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["dc:title"] = title


# --------------------------------------------------------------------------- tables


def _kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    items = list(kids) if isinstance(kids, pikepdf.Array) else [kids]
    return [kid for kid in items if isinstance(kid, pikepdf.Dictionary) and "/S" in kid]


def _structure_type(element: pikepdf.Object) -> str:
    return str(element.get("/S", ""))


def pdf_tables(root: pikepdf.Object) -> list[pikepdf.Object]:
    """Every /Table of the structure tree, in document order (tables in tables after their own)."""
    found: list[pikepdf.Object] = []

    def walk(element: pikepdf.Object) -> None:
        for kid in _kids(element):
            if _structure_type(kid) == "/Table":
                found.append(kid)
            walk(kid)

    walk(root)
    return found


def table_rows(table: pikepdf.Object) -> list[list[pikepdf.Object]]:
    """The cells (TH, TD) of each row (TR), through THead / TBody / TFoot."""
    rows: list[list[pikepdf.Object]] = []
    for kid in _kids(table):
        kind = _structure_type(kid)
        if kind in ("/THead", "/TBody", "/TFoot"):
            rows += [[c for c in _kids(tr) if _structure_type(c) in ("/TH", "/TD")] for tr in _kids(kid)]
        elif kind == "/TR":
            rows.append([c for c in _kids(kid) if _structure_type(c) in ("/TH", "/TD")])
    return rows


@dataclass
class SpanPlan:
    """How a table's grid is told: each exported cell's spans, and the empty cells added.

    A cell merged down rows gets /RowSpan, except over a row where nothing follows it (the last
    cells of the row): there the span stops and that row gets an empty cell instead.  Both are
    right for a reader; checkers that count a row's columns from its own cells (outloud's
    TBL-004) only close the grid the second way.
    """

    spans: dict[tuple[int, int], tuple[int, int]]
    """(row, cell index) → (column span, row span)."""
    fillers: dict[int, list[tuple[int, int]]]
    """row → (grid column, column span) of each empty cell to add."""


def plan_spans(shape: TableShape) -> SpanPlan:
    spans = {
        (r, i): (across, down) for r, row in enumerate(shape.rows) for i, (_, across, down) in enumerate(row)
    }
    starts = {r: [col for col, _, _ in row] for r, row in enumerate(shape.rows)}
    fillers: dict[int, list[tuple[int, int]]] = {}
    changed = True
    while changed:
        changed = False
        for (r, i), (across, down) in spans.items():
            col = shape.rows[r][i][0]
            end = r + down - 1
            if down > 1 and all(start < col for start in starts[end]):
                spans[(r, i)] = (across, down - 1)
                fillers.setdefault(end, []).append((col, across))
                starts[end].append(col)
                changed = True
                break
    return SpanPlan(spans, fillers)


def fix_tables(pdf: pikepdf.Pdf, shapes: Sequence[TableShape]) -> int:
    """Spans on every table whose rows agree with the document's; layout tables made divisions.
    Returns how many tables did not agree (left as exported)."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return len(shapes)
    tables = pdf_tables(root)
    if len(tables) != len(shapes):  # no telling which is which: leave them all as exported
        return max(len(tables), len(shapes))
    unmatched = 0
    for table, shape in zip(tables, shapes, strict=True):
        rows = table_rows(table)
        if [len(row) for row in rows] != [len(row) for row in shape.rows]:
            unmatched += 1
            continue
        if shape.layout:
            _as_division(table)
            continue
        plan = plan_spans(shape)
        for r, cells in enumerate(rows):
            for i, cell in enumerate(cells):
                _set_spans(cell, *plan.spans[(r, i)])
            if plan.fillers.get(r):
                _add_empty_cells(pdf, cells, shape.rows[r], plan.fillers[r])
    return unmatched


def _add_empty_cells(
    pdf: pikepdf.Pdf,
    cells: list[pikepdf.Object],
    shape_row: Sequence[tuple[int, int, int]],
    fillers: Sequence[tuple[int, int]],
) -> None:
    """Put empty data cells at their grid columns into the row (TD even in a header row: an empty
    header cell would be a header of nothing, and outloud's TBL-010 counts it as shredded)."""
    row = cells[0].get("/P")
    if row is None:
        return
    placed: list[tuple[int, pikepdf.Object]] = [
        (col, cell) for (col, _, _), cell in zip(shape_row, cells, strict=True)
    ]
    for col, across in fillers:
        attrs = pikepdf.Dictionary(O=pikepdf.Name.Table)
        if across > 1:
            attrs.ColSpan = across
        empty = pdf.make_indirect(
            pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.TD, P=row, A=attrs)
        )
        placed.append((col, empty))
    others = [kid for kid in _raw_kids(row) if not _is_cell(kid)]
    row.K = pikepdf.Array([cell for _, cell in sorted(placed, key=lambda item: item[0])] + others)


def _raw_kids(element: pikepdf.Object) -> list[pikepdf.Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_cell(kid: pikepdf.Object) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and _structure_type(kid) in ("/TH", "/TD")


def _set_spans(cell: pikepdf.Object, across: int, down: int) -> None:
    """/ColSpan and /RowSpan in the cell's table attributes (added to LibreOffice's own)."""
    attrs = cell.get("/A")
    candidates = list(attrs) if isinstance(attrs, pikepdf.Array) else ([attrs] if attrs is not None else [])
    owned = [c for c in candidates if isinstance(c, pikepdf.Dictionary) and c.get("/O") == pikepdf.Name.Table]
    if owned:
        table_attrs = owned[0]
    elif across == 1 and down == 1:
        return
    else:
        table_attrs = pikepdf.Dictionary(O=pikepdf.Name.Table)
        if attrs is None:
            cell.A = table_attrs
        elif isinstance(attrs, pikepdf.Array):
            attrs.append(table_attrs)
        else:
            cell.A = pikepdf.Array([attrs, table_attrs])
    for key, value in (("/ColSpan", across), ("/RowSpan", down)):
        if value > 1:
            table_attrs[key] = value
        elif key in table_attrs:
            del table_attrs[key]


def _as_division(table: pikepdf.Object) -> None:
    """A layout table read as the text it frames: Table, its rows and cells become /Div."""
    table.S = pikepdf.Name.Div
    for kid in _kids(table):
        kid.S = pikepdf.Name.Div
        for grandchild in _kids(kid):
            if _structure_type(grandchild) in ("/TR", "/TH", "/TD"):
                grandchild.S = pikepdf.Name.Div
                for cell in _kids(grandchild):
                    if _structure_type(cell) in ("/TH", "/TD"):
                        cell.S = pikepdf.Name.Div


# --------------------------------------------------------------------------- page labels


def printed_numbers(laid: LaidOut) -> list[int | None]:
    """Each physical page's printed number; a page without a footer number between two numbered
    pages whose numbers leave room for it (a blank page) gets the number it stands for."""
    numbers = list(laid.numbers)
    known = [i for i, n in enumerate(numbers) if n is not None]
    for before, after in itertools.pairwise(known):
        first, last = numbers[before], numbers[after]
        if first is not None and last is not None and last - first == after - before:
            for i in range(before + 1, after):
                numbers[i] = first + (i - before)
    return numbers


def page_labels(laid: LaidOut) -> list[str]:
    """The label of each physical page: its printed number, else 表紙 / 目次 / 奥付 / 前付 / 後付."""
    numbers = printed_numbers(laid)
    known = [i for i, n in enumerate(numbers) if n is not None]
    first_numbered = known[0] if known else len(numbers)
    last_numbered = known[-1] if known else -1
    labels: list[str] = []
    for i, number in enumerate(numbers):
        if number is not None:
            labels.append(str(number))
        elif i == 0:
            labels.append("表紙")
        elif i < first_numbered:
            labels.append("目次" if any(line.startswith("目次") for line in laid.lines[i]) else "前付")
        elif i > last_numbered:
            labels.append("奥付" if i == len(numbers) - 1 else "後付")
        else:
            labels.append("頁番号なし")
    return labels


def label_tree(labels: Sequence[str], laid: LaidOut) -> pikepdf.Dictionary:
    """/PageLabels: a decimal range for each run of consecutive printed numbers, a prefix-only
    label for each page without one."""
    numbers = printed_numbers(laid)
    nums: list[object] = []
    previous: int | None = None
    for i, (label, number) in enumerate(zip(labels, numbers, strict=True)):
        if number is None:
            nums += [i, pikepdf.Dictionary(P=pikepdf.String(label))]
        elif previous is None or number != previous + 1:
            nums += [i, pikepdf.Dictionary(S=pikepdf.Name.D, St=number)]
        previous = number
    return pikepdf.Dictionary(Nums=pikepdf.Array(nums))


# --------------------------------------------------------------------------- bookmarks


def _physical(laid: LaidOut, printed: int | None) -> int | None:
    if printed is None:
        return None
    numbers = printed_numbers(laid)
    return next((i for i, n in enumerate(numbers) if n == printed), None)


def outline_entries(report: Report, laid: LaidOut, pages: PageMap) -> list[tuple[int, str, int]]:
    """(level, title, physical page) of each bookmark: the 目次's headings as chapters and their
    sections; under 第1章 each plan with its sheets, under 第2章 each plan with its opinion sheets."""
    out: list[tuple[int, str, int]] = []
    toc_page = laid.find("目次", line_start=True)
    if toc_page is not None:
        out.append((0, "目次", toc_page))
    chapter = 0
    for i, entry in enumerate(report.toc):
        page = _physical(laid, pages.headings.get(i))
        is_chapter = entry.label.startswith(("序章", "第"))
        if page is not None:
            out.append((0 if is_chapter else 1, f"{entry.label}　{entry.title}", page))
        if is_chapter and entry.label.startswith("第"):
            chapter += 1
            start = page if page is not None else 0
            out += _chapter_plans(report, laid, pages, chapter, start)
    colophon = len(laid.texts) - 1
    if laid.numbers and laid.numbers[-1] is None and colophon > 0:
        out.append((0, "奥付", colophon))
    return out


def _chapter_plans(
    report: Report, laid: LaidOut, pages: PageMap, chapter: int, start: int
) -> list[tuple[int, str, int]]:
    out: list[tuple[int, str, int]] = []
    at = start
    for plan in report.plans:
        heading = plan.heading if chapter == 1 else (plan.opinions_heading or plan.heading)
        found = laid.find(squeezed(heading), at, line_start=True) if heading else None
        if found is None:
            continue
        at = found
        out.append((1, heading, found))
        if chapter == 1:
            for sheet in plan.sheets:
                page = _physical(laid, pages.sheet_page(plan, sheet.index))
                if page is not None:
                    out.append((2, _sheet_title(sheet.index, sheet.measures), page))
        else:
            for opinion in plan.opinion_sheets:
                page = _physical(laid, opinion.page)
                if page is not None:
                    out.append((2, f"意見シート{opinion.index + 1}", page))
    return out


def _sheet_title(index: int, measures: Sequence[SheetMeasure]) -> str:
    if not measures:
        return f"シート{index + 1}"
    first = measures[0]
    return f"シート{index + 1}　{first.label} {first.title}".strip()


def write_outline(pdf: pikepdf.Pdf, entries: Sequence[tuple[int, str, int]]) -> None:
    """Replace the export's bookmarks with ``entries`` (levels nest under the entry before)."""
    with pdf.open_outline() as outline:
        outline.root.clear()
        parents: list[list[pikepdf.OutlineItem]] = [outline.root]
        for level, title, page in entries:
            item = pikepdf.OutlineItem(title, page)
            depth = min(level, len(parents) - 1)
            parents[depth].append(item)
            del parents[depth + 1 :]
            parents.append(item.children)
