"""WordprocessingML on the way in: the only module that knows OOXML element names.

It turns ``word/document.xml`` into plain blocks — :class:`Paragraph` and :class:`Table` with
an explicit cell grid — and absorbs Word's habits on the way:

* runs split anywhere, ``w:proofErr``, bookmarks, ``w:lastRenderedPageBreak``: ignored;
* soft breaks (``w:br`` without a page type, ``w:cr``) become ``\\n``, tabs ``\\t``;
* text boxes: ``mc:AlternateContent`` carries a box twice (DrawingML choice, VML fallback) —
  only the choice is read; box texts are kept apart from the paragraph's own text;
* content controls (``w:sdt``) are read through; tracked changes are read as accepted
  (``w:ins``/``w:moveTo`` kept, ``w:del``/``w:moveFrom`` dropped) with a flag for a warning;
* tables: ``w:gridBefore``/``w:gridAfter``, ``w:gridSpan`` and ``w:vMerge`` are resolved into
  grid columns; nested tables are flattened into their cell's paragraphs;
* explicit page breaks, ``w:pageBreakBefore`` and section breaks give each block the page
  number the document prints (LibreOffice and Word lay the example out the same way).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import count

from lxml import etree

from ..package import Package

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
W = f"{{{W_NS}}}"
MC = f"{{{MC_NS}}}"

_SKIPPED_CONTAINERS = {f"{W}del", f"{W}moveFrom", f"{W}rPr", f"{W}pPr", f"{W}tcPr", f"{W}trPr", f"{W}tblPr"}
_SKIPPED_INLINE = {f"{W}instrText", f"{W}delText", f"{W}footnoteReference", f"{W}endnoteReference"}


@dataclass
class Paragraph:
    """A paragraph's own text (soft breaks as ``\\n``) and the texts of its text boxes.

    ``choices`` are its dropdown content controls (``w:dropDownList``), kept apart from the text:
    the chosen value, or ``None`` while the control shows its placeholder.
    """

    uid: int
    text: str
    style: str
    boxes: list[str] = field(default_factory=list)
    page: int = 0
    choices: list[str | None] = field(default_factory=list)


@dataclass
class Cell:
    """A table cell placed on the grid: ``col`` and ``span`` count grid columns."""

    row: int
    col: int
    span: int
    vmerge: str | None
    paragraphs: list[Paragraph]

    @cached_property
    def texts(self) -> list[str]:
        return [p.text for p in self.paragraphs if p.text.strip()]

    @cached_property
    def text(self) -> str:
        return "\n".join(self.texts)

    @property
    def end(self) -> int:
        return self.col + self.span

    def covers(self, col: int) -> bool:
        return self.col <= col < self.end


@dataclass
class Row:
    index: int
    cells: list[Cell]
    is_header: bool = False

    def cell_at(self, col: int) -> Cell | None:
        for cell in self.cells:
            if cell.covers(col):
                return cell
        return None


@dataclass
class Table:
    uid: int
    grid: list[int]
    rows: list[Row]
    page: int = 0

    def paragraphs(self) -> Iterator[Paragraph]:
        for row in self.rows:
            for cell in row.cells:
                yield from cell.paragraphs


Block = Paragraph | Table


@dataclass
class Body:
    """The document body as blocks, with the facts the reader turns into warnings."""

    blocks: list[Block]
    tracked_changes: int = 0
    content_controls: int = 0
    comments: int = 0
    page_count: int = 0

    def paragraphs(self) -> Iterator[Paragraph]:
        for block in self.blocks:
            if isinstance(block, Table):
                yield from block.paragraphs()
            else:
                yield block


def read_body(package: Package) -> Body:
    """Read the main document part of ``package`` into blocks."""
    root = package.xml(package.main_document_part)
    styles = _style_names(package)
    body_el = root.find(f"{W}body")
    walker = _BodyWalker(styles)
    if body_el is not None:
        walker.walk_body(body_el)
    return Body(
        blocks=walker.blocks,
        tracked_changes=walker.tracked_changes,
        content_controls=walker.content_controls,
        comments=_comment_count(package),
        page_count=walker.pages.page_index + 1,
    )


def _style_names(package: Package) -> dict[str, str]:
    name = "word/styles.xml"
    related = package.related_part(package.main_document_part, "/styles")
    if related:
        name = related[0]
    if not package.has(name):
        return {}
    names: dict[str, str] = {}
    for style in package.xml(name).iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        name_el = style.find(f"{W}name")
        if style_id is not None and name_el is not None:
            names[style_id] = (name_el.get(f"{W}val") or "").lower()
    return names


def _comment_count(package: Package) -> int:
    parts = package.related_part(package.main_document_part, "/comments")
    return sum(len(package.xml(part).findall(f"{W}comment")) for part in parts if package.has(part))


class _PageCounter:
    """Counts printed pages from explicit breaks, as the layout engine will place them.

    ``page_index`` is the 0-based physical page; ``number`` the number the footer prints,
    honouring ``w:pgNumType/@w:start`` of the section that begins on that page.
    """

    def __init__(self, section_starts: list[int | None]) -> None:
        self.page_index = 0
        self.section = 0
        self.section_starts = section_starts
        self.number = section_starts[0] if section_starts and section_starts[0] is not None else 1
        self.page_has_content = False

    def new_page(self) -> None:
        self.page_index += 1
        self.number += 1
        self.page_has_content = False

    def break_before(self) -> None:
        if self.page_has_content:
            self.new_page()

    def new_section(self, kind: str) -> None:
        self.section += 1
        if kind != "continuous":
            self.new_page()
        start = self.section_starts[self.section] if self.section < len(self.section_starts) else None
        if start is not None:
            self.number = start


class _BodyWalker:
    def __init__(self, styles: dict[str, str]) -> None:
        self.styles = styles
        self.blocks: list[Block] = []
        self.uids = count()
        self.tracked_changes = 0
        self.content_controls = 0
        self.pages = _PageCounter([])

    # ---- blocks

    def walk_body(self, body: etree._Element) -> None:
        self.pages = _PageCounter(_section_page_starts(body))
        for child in self._block_children(body):
            if child.tag == f"{W}p":
                self._body_paragraph(child)
            elif child.tag == f"{W}tbl":
                self.blocks.append(self._table(child))
                self.pages.page_has_content = True

    def _block_children(self, parent: etree._Element) -> Iterator[etree._Element]:
        """Paragraphs and tables of a block container, reading through sdt, ins and customXml."""
        for child in parent:
            tag = child.tag
            if tag in (f"{W}p", f"{W}tbl"):
                yield child
            elif tag == f"{W}sdt":
                self.content_controls += 1
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    yield from self._block_children(content)
            elif tag in (f"{W}ins", f"{W}moveTo"):
                self.tracked_changes += 1
                yield from self._block_children(child)
            elif tag in (f"{W}del", f"{W}moveFrom"):
                self.tracked_changes += 1
            elif tag in (f"{W}customXml", f"{MC}AlternateContent"):
                yield from self._block_children(_choice(child) if tag == f"{MC}AlternateContent" else child)

    def _body_paragraph(self, p: etree._Element) -> None:
        ppr = p.find(f"{W}pPr")
        if ppr is not None and _on(ppr.find(f"{W}pageBreakBefore")):
            self.pages.break_before()
        paragraph = self._paragraph(p)
        paragraph.page = self.pages.number
        self.blocks.append(paragraph)
        self.pages.page_has_content = True  # even an empty paragraph occupies a line
        self._apply_breaks(p)
        sect = ppr.find(f"{W}sectPr") if ppr is not None else None
        if sect is not None:
            self.pages.new_section(_section_kind_after(p))

    def _apply_breaks(self, p: etree._Element) -> None:
        for br in _own_elements(p, f"{W}br"):
            if br.get(f"{W}type") == "page":
                self.pages.new_page()

    def _paragraph(self, p: etree._Element) -> Paragraph:
        style_id = ""
        ppr = p.find(f"{W}pPr")
        if ppr is not None:
            style_el = ppr.find(f"{W}pStyle")
            if style_el is not None:
                style_id = style_el.get(f"{W}val") or ""
        boxes: list[str] = []
        choices: list[str | None] = []
        text = "".join(self._inline_text(p, boxes, choices))
        return Paragraph(
            uid=next(self.uids),
            text=text,
            style=self.styles.get(style_id, style_id),
            boxes=boxes,
            choices=choices,
        )

    def _inline_text(
        self, el: etree._Element, boxes: list[str], choices: list[str | None] | None = None
    ) -> Iterator[str]:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIPPED_INLINE:
                continue
            if tag in _SKIPPED_CONTAINERS:
                if tag in (f"{W}del", f"{W}moveFrom"):
                    self.tracked_changes += 1
                continue
            if tag == f"{W}t":
                yield child.text or ""
            elif tag == f"{W}tab" and el.tag == f"{W}r":
                yield "\t"
            elif tag == f"{W}br":
                if child.get(f"{W}type") not in ("page", "column"):
                    yield "\n"
            elif tag == f"{W}cr":
                yield "\n"
            elif tag == f"{W}noBreakHyphen":
                yield "-"
            elif tag == f"{MC}AlternateContent":
                yield from self._inline_text(_choice(child), boxes, choices)
            elif tag == f"{W}sdt" and choices is not None and _is_dropdown(child):
                self.content_controls += 1
                content = child.find(f"{W}sdtContent")
                value = "".join(self._inline_text(content, boxes)) if content is not None else ""
                showing_placeholder = _on(child.find(f"{W}sdtPr/{W}showingPlcHdr"))
                choices.append(None if showing_placeholder else value)
            elif tag == f"{W}txbxContent":
                boxes.append(self._box_text(child))
            else:
                if tag in (f"{W}ins", f"{W}moveTo"):
                    self.tracked_changes += 1
                elif tag == f"{W}sdt":
                    self.content_controls += 1
                yield from self._inline_text(child, boxes, choices)

    def _box_text(self, content: etree._Element) -> str:
        lines: list[str] = []
        for block in self._block_children(content):
            if block.tag == f"{W}p":
                lines.append(self._paragraph(block).text)
            else:
                lines.extend(p.text for p in self._table(block).paragraphs())
        return "\n".join(line for line in lines if line.strip())

    # ---- tables

    def _table(self, tbl: etree._Element) -> Table:
        grid = [_int_attr(col, "w") for col in tbl.findall(f"{W}tblGrid/{W}gridCol")]
        rows: list[Row] = []
        for tr in self._row_elements(tbl):
            rows.append(self._row(tr, len(rows)))
        return Table(uid=next(self.uids), grid=grid, rows=rows, page=self.pages.number)

    def _row_elements(self, parent: etree._Element) -> Iterator[etree._Element]:
        for child in parent:
            if child.tag == f"{W}tr":
                yield child
            elif child.tag in (f"{W}sdt", f"{W}customXml", f"{W}ins"):
                container = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
                if container is not None:
                    yield from self._row_elements(container)

    def _row(self, tr: etree._Element, index: int) -> Row:
        trpr = tr.find(f"{W}trPr")
        col = _int_val(trpr, "gridBefore")
        is_header = trpr is not None and _on(trpr.find(f"{W}tblHeader"))
        cells: list[Cell] = []
        for tc in self._cell_elements(tr):
            tcpr = tc.find(f"{W}tcPr")
            span = max(1, _int_val(tcpr, "gridSpan") or 1)
            vmerge_el = tcpr.find(f"{W}vMerge") if tcpr is not None else None
            vmerge = None if vmerge_el is None else (vmerge_el.get(f"{W}val") or "continue")
            cells.append(
                Cell(row=index, col=col, span=span, vmerge=vmerge, paragraphs=self._cell_paragraphs(tc))
            )
            col += span
        return Row(index=index, cells=cells, is_header=is_header)

    def _cell_elements(self, tr: etree._Element) -> Iterator[etree._Element]:
        for child in tr:
            if child.tag == f"{W}tc":
                yield child
            elif child.tag in (f"{W}sdt", f"{W}customXml"):
                container = child.find(f"{W}sdtContent") if child.tag == f"{W}sdt" else child
                if container is not None:
                    if child.tag == f"{W}sdt":
                        self.content_controls += 1
                    yield from self._cell_elements(container)

    def _cell_paragraphs(self, tc: etree._Element) -> list[Paragraph]:
        paragraphs: list[Paragraph] = []
        for block in self._block_children(tc):
            if block.tag == f"{W}p":
                paragraph = self._paragraph(block)
                paragraph.page = self.pages.number
                paragraphs.append(paragraph)
            else:
                paragraphs.extend(self._table(block).paragraphs())
        return paragraphs


def _is_dropdown(sdt: etree._Element) -> bool:
    return sdt.find(f"{W}sdtPr/{W}dropDownList") is not None


def _choice(alternate: etree._Element) -> etree._Element:
    """The first ``mc:Choice`` of an ``mc:AlternateContent`` (or its fallback if it has none)."""
    choice = alternate.find(f"{MC}Choice")
    if choice is None:
        choice = alternate.find(f"{MC}Fallback")
    return choice if choice is not None else etree.Element("empty")


def _own_elements(p: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Descendants of a paragraph with ``tag``, not those inside text boxes or deleted text."""
    stack = list(p)
    while stack:
        el = stack.pop(0)
        if el.tag == tag:
            yield el
        if el.tag in (f"{W}txbxContent", f"{W}del", f"{W}moveFrom", f"{MC}Fallback"):
            continue
        stack.extend(el)


def _on(el: etree._Element | None) -> bool:
    return el is not None and el.get(f"{W}val") not in ("0", "false", "off")


MAX_GRID = 64
"""Word allows 63 grid columns; a larger span or offset is damage and is clamped, not trusted."""


def _int_attr(el: etree._Element, name: str) -> int:
    text = (el.get(f"{W}{name}") or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def _int_val(parent: etree._Element | None, name: str) -> int:
    el = parent.find(f"{W}{name}") if parent is not None else None
    return min(_int_attr(el, "val"), MAX_GRID) if el is not None else 0


def _section_props(body: etree._Element) -> list[etree._Element]:
    props = [el for el in body.iter(f"{W}sectPr") if el.getparent() is not None]
    return [el for el in props if el.getparent().tag in (f"{W}pPr", f"{W}body")]  # type: ignore[union-attr]


def _section_page_starts(body: etree._Element) -> list[int | None]:
    starts: list[int | None] = []
    for sect in _section_props(body):
        num = sect.find(f"{W}pgNumType")
        starts.append(_int_attr(num, "start") if num is not None and num.get(f"{W}start") else None)
    return starts


def _section_kind_after(p: etree._Element) -> str:
    """The break type of the section that follows paragraph ``p`` (its own ``w:type``)."""
    following = p.getnext()
    while following is not None:
        for sect in following.iter(f"{W}sectPr"):
            type_el = sect.find(f"{W}type")
            return (type_el.get(f"{W}val") if type_el is not None else None) or "nextPage"
        following = following.getnext()
    return "nextPage"
