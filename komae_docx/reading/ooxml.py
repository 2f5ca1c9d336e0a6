"""WordprocessingML on the way in, built on the floor (:mod:`komae_docx.wordml`).

The floor says what to see through and what to skip and walks blocks, rows and grid cells, for
this side and the output side alike (so both count tables the same).  This module turns
``word/document.xml`` into plain blocks — :class:`Paragraph` and :class:`Table` with
an explicit cell grid — and absorbs Word's habits on the way:

* runs split anywhere, ``w:proofErr``, bookmarks, ``w:lastRenderedPageBreak``: ignored;
* soft breaks (``w:br`` without a page type, ``w:cr``) become ``\\n``, tabs ``\\t``; no-break
  hyphens ``-``; symbols (``w:sym``) their Unicode character, or a warning naming the place;
  ruby by its base text;
* a drawing group anchored in a table cell: each of its text boxes goes to the cell it stands over;
* text boxes: ``mc:AlternateContent`` carries a box twice (DrawingML choice, VML fallback) —
  only the choice is read; box texts are kept apart from the paragraph's own text;
* hidden text (``w:vanish``, ``w:specVanish``, a style with ``w:vanish``) is not printed, so not
  read (counted for a note);
* imported chunks (``w:altChunk``, HTML or plain text) are read as the paragraphs Word shows
  (:mod:`.altchunk`); one in another format is named for a refusal;
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
from itertools import count

from lxml import etree

from .. import wordml
from ..package import Package
from ..wordml import SKIPPED, W
from .altchunk import ChunkReader

# Clark names built once: an f-string in a per-element loop is formatted anew on every call, and
# the walk below tests every element of the body against several of them (issue 13 profile).
_P, _TBL, _R, _T = wordml.P, wordml.TBL, wordml.RUN, wordml.T
_PPR, _PSTYLE, _RPR = wordml.PPR, f"{W}pStyle", wordml.RPR
_SDT, _SDT_CONTENT = wordml.SDT, wordml.SDT_CONTENT
_DEL, _MOVE_FROM = wordml.DEL, wordml.MOVE_FROM
_TAB, _BR, _CR, _NO_BREAK_HYPHEN = wordml.TAB, wordml.BR, wordml.CR, wordml.NO_BREAK_HYPHEN
_SOFT_HYPHEN, _SYM = wordml.SOFT_HYPHEN, wordml.SYM
_TXBX_CONTENT, _ALTERNATE, _FALLBACK = wordml.TXBX_CONTENT, wordml.ALTERNATE, wordml.FALLBACK
_SECT_PR, _VAL, _TYPE = f"{W}sectPr", wordml.VAL, f"{W}type"
_SEE_THROUGH = wordml.SEE_THROUGH
_ALT_CHUNK = wordml.ALT_CHUNK
_NOT_OWN = frozenset({_TXBX_CONTENT, _DEL, _MOVE_FROM, _FALLBACK})
"""Containers whose breaks are not the paragraph's own (text boxes, deleted text, VML twins)."""


@dataclass(slots=True)
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
    unknown_symbols: list[str] = field(default_factory=list)
    """Symbols (``w:sym``) with no Unicode mapping, named for a warning (「Wingdings の記号 F0A3」)."""
    unread_chunk: str | None = None
    """An imported chunk (``w:altChunk``) the reader cannot read, by its kind (「RTF 形式」): the
    reader refuses, naming its place, rather than read the place as empty."""
    placed: list[tuple[int, str]] = field(default_factory=list)
    """Text boxes of a drawing group anchored here, each with its centre's distance (EMU) from the
    anchor's column: in a table the reader gives each box to the cell it stands over."""


@dataclass(slots=True)
class Cell:
    """A table cell placed on the grid: ``col`` and ``span`` count grid columns."""

    row: int
    col: int
    span: int
    vmerge: str | None
    paragraphs: list[Paragraph]
    texts: list[str] = field(init=False, repr=False, compare=False)
    """The non-blank paragraph texts; with ``text`` computed once here, because nearly every cell
    is read and Python 3.11's ``cached_property`` takes a lock on each first read."""
    text: str = field(init=False, repr=False, compare=False)
    end: int = field(init=False, repr=False, compare=False)
    """The grid column after the cell."""

    def __post_init__(self) -> None:
        self.texts = [p.text for p in self.paragraphs if p.text.strip()]
        self.text = "\n".join(self.texts)
        self.end = self.col + self.span

    def covers(self, col: int) -> bool:
        return self.col <= col < self.end


@dataclass(slots=True)
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
    ordinal: int = -1
    """The table's place among the body's top-level tables (what the output side edits by)."""

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
    """Comments by people; the tool's own reference comments are counted in ``own_comments``."""
    own_comments: int = 0
    page_count: int = 0
    hidden_runs: int = 0
    """Runs of hidden text (``w:vanish``, ``w:specVanish``, a hidden style) holding text: not read."""
    unread_boxes: list[str] = field(default_factory=list)
    """Texts of text boxes the walk did not read (a shape it cannot place): named in a warning."""

    def paragraphs(self) -> Iterator[Paragraph]:
        for block in self.blocks:
            if isinstance(block, Table):
                yield from block.paragraphs()
            else:
                yield block


def read_body(package: Package) -> Body:
    """Read the main document part of ``package`` into blocks."""
    root = package.xml(package.main_document_part)
    styles, hidden = _style_names(package)
    body_el = root.find(f"{W}body")
    walker = _BodyWalker(styles, hidden, ChunkReader(package))
    unread: list[str] = []
    if body_el is not None:
        walker.walk_body(body_el)
        walker.tracked_changes, walker.content_controls = _revisions_and_controls(body_el)
        unread = _unread_boxes(body_el, walker.read_boxes)
    own, others = _comment_counts(package)
    return Body(
        blocks=walker.blocks,
        tracked_changes=walker.tracked_changes,
        content_controls=walker.content_controls,
        comments=others,
        own_comments=own,
        page_count=walker.pages.page_index + 1,
        hidden_runs=walker.hidden_runs,
        unread_boxes=unread,
    )


def _style_names(package: Package) -> tuple[dict[str, str], frozenset[str]]:
    """Style id → lower-cased name, and the ids of the styles whose text is hidden."""
    name = "word/styles.xml"
    related = package.related_part(package.main_document_part, "/styles")
    if related:
        name = related[0]
    if not package.has(name):
        return {}, frozenset()
    names: dict[str, str] = {}
    root = package.xml(name)
    for style in root.iter(f"{W}style"):
        style_id = style.get(f"{W}styleId")
        name_el = style.find(f"{W}name")
        if style_id is not None and name_el is not None:
            names[style_id] = (name_el.get(f"{W}val") or "").lower()
    return names, wordml.hidden_styles(root)


TOOL_COMMENT_AUTHOR = "komae-docx"
UNGRADED_PLACEHOLDER = "未評価"
"""The placeholder of the draft's result controls (writing/context.py), equal to its list item."""
"""The author of the reference comments ``draft`` attaches (last year's text); equal to the
writer's ``writing.context.COMMENT_AUTHOR`` (a test holds them together; the input side does not
import the output side).  Those are ours and no reason for a warning."""


def _comment_counts(package: Package) -> tuple[int, int]:
    """(the tool's own reference comments, everybody else's comments)."""
    parts = package.related_part(package.main_document_part, "/comments")
    comments = [c for part in parts if package.has(part) for c in package.xml(part).iter(f"{W}comment")]
    own = sum(1 for c in comments if (c.get(f"{W}author") or "").strip() == TOOL_COMMENT_AUTHOR)
    return own, len(comments) - own


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
    def __init__(
        self,
        styles: dict[str, str],
        hidden_styles: frozenset[str] = frozenset(),
        chunks: ChunkReader | None = None,
    ) -> None:
        self.styles = styles
        self.chunks = chunks
        self.hidden_styles = hidden_styles
        self.hidden_runs = 0
        self.read_boxes: list[etree._Element] = []
        """The text boxes (``w:txbxContent``) whose text was read, to find any the walk missed."""
        self._hidden_paragraph = False
        """The paragraph being read has a hidden style: its runs are hidden unless switched on."""
        self.blocks: list[Block] = []
        self.uids = count()
        self.tracked_changes = 0
        self.content_controls = 0
        self.pages = _PageCounter([])
        self.top_tables = 0
        self._placed: list[tuple[int, str]] = []
        self.group_boxes = 0

    # ---- blocks

    def walk_body(self, body: etree._Element) -> None:
        self.pages = _PageCounter(_section_page_starts(body))
        section_kinds = _section_kinds_after(body)
        for child in self._block_children(body):
            if child.tag == _ALT_CHUNK:
                for paragraph in self._chunk(child):
                    paragraph.page = self.pages.number
                    self.blocks.append(paragraph)
            elif child.tag == _P:
                self._body_paragraph(child, section_kinds)
            elif child.tag == _TBL:
                table = self._table(child)
                table.ordinal, self.top_tables = self.top_tables, self.top_tables + 1
                self.blocks.append(table)
                self.pages.page_has_content = True

    def _block_children(self, parent: etree._Element) -> Iterator[etree._Element]:
        """Paragraphs, tables and imported chunks of a block container (the floor's one walk)."""
        return wordml.block_children(parent, chunks=True)

    def _chunk(self, alt_chunk: etree._Element) -> list[Paragraph]:
        """An imported chunk's paragraphs, as Word shows them once imported; one it cannot read is
        an empty paragraph naming what it is (:attr:`Paragraph.unread_chunk`)."""
        chunk = self.chunks.read(alt_chunk) if self.chunks is not None else None
        if chunk is None or chunk.unreadable is not None:
            kind = chunk.unreadable if chunk is not None else "取り込み内容"
            return [Paragraph(uid=next(self.uids), text="", style="", unread_chunk=kind)]
        return [Paragraph(uid=next(self.uids), text=text, style="") for text in chunk.paragraphs]

    def _body_paragraph(self, p: etree._Element, section_kinds: dict[etree._Element, str]) -> None:
        ppr = _child(p, _PPR)
        if ppr is not None and _on(ppr.find(f"{W}pageBreakBefore")):
            self.pages.break_before()
        paragraph = self._paragraph(p)
        paragraph.page = self.pages.number
        self.blocks.append(paragraph)
        self.pages.page_has_content = True  # even an empty paragraph occupies a line
        self._apply_breaks(p)
        if ppr is not None and ppr.find(_SECT_PR) is not None:
            self.pages.new_section(section_kinds.get(p, "nextPage"))

    def _apply_breaks(self, p: etree._Element) -> None:
        for br in _own_elements(p, _BR):
            if br.get(_TYPE) == "page":
                self.pages.new_page()

    def _paragraph(self, p: etree._Element) -> Paragraph:
        style_id = ""
        ppr = _child(p, _PPR)
        if ppr is not None:
            style_el = _child(ppr, _PSTYLE)
            if style_el is not None:
                style_id = style_el.get(_VAL) or ""
        boxes: list[str] = []
        choices: list[str | None] = []
        out: list[str] = []
        unknown: list[str] = []
        outer, self._placed = self._placed, []
        outer_hidden, self._hidden_paragraph = self._hidden_paragraph, style_id in self.hidden_styles
        self._inline_text(p, out, boxes, choices, unknown)
        placed, self._placed = self._placed, outer
        self._hidden_paragraph = outer_hidden
        return Paragraph(
            uid=next(self.uids),
            text="".join(out),
            style=self.styles.get(style_id, style_id),
            boxes=boxes,
            choices=choices,
            unknown_symbols=unknown,
            placed=placed,
        )

    def _inline_text(
        self,
        el: etree._Element,
        out: list[str],
        boxes: list[str],
        choices: list[str | None] | None = None,
        unknown: list[str] | None = None,
    ) -> None:
        """Append the texts of ``el``'s inline content to ``out`` (runs and w:t tested first: most
        elements of a body are those)."""
        for child in el:
            tag = child.tag
            if tag == _T:
                out.append(child.text or "")
            elif tag == _R:
                if (self._hidden_paragraph or (len(child) and child[0].tag == _RPR)) and self._hidden(child):
                    continue
                self._inline_text(child, out, boxes, choices, unknown)
            elif not isinstance(tag, str) or tag in SKIPPED:
                continue
            elif tag == _TAB:
                if el.tag == _R:
                    out.append("\t")
            elif tag == _BR:
                if child.get(_TYPE) not in ("page", "column"):
                    out.append("\n")
            elif tag == _CR:
                out.append("\n")
            elif tag == _NO_BREAK_HYPHEN:
                out.append(wordml.NO_BREAK_HYPHEN_TEXT)
            elif tag == _SOFT_HYPHEN:
                continue
            elif tag == _SYM:
                self._symbol(child, out, unknown)
            elif tag == _SDT and choices is not None and _is_dropdown(child):
                self._dropdown(child, boxes, choices)
            elif tag == _TXBX_CONTENT:
                boxes.append(self._box_text(child))
            elif tag in (_ANCHOR, _SDT) and self._not_inline_text(child):
                continue
            elif tag in _SEE_THROUGH:
                content = wordml.content_of(child)
                if content is not None:
                    self._inline_text(content, out, boxes, choices, unknown)
            else:
                self._inline_text(child, out, boxes, choices, unknown)

    def _hidden(self, run: etree._Element) -> bool:
        """A hidden run (:func:`komae_docx.wordml.is_hidden_run`, or in a hidden paragraph style and
        not switched on), counted when it holds text."""
        rpr = run[0] if len(run) and run[0].tag == _RPR else None
        vanish = rpr.find(wordml.VANISH) if rpr is not None else None
        if vanish is not None:
            hidden = wordml.is_on(vanish)
        else:
            hidden = self._hidden_paragraph or wordml.is_hidden_run(run, self.hidden_styles)
        if hidden and any((t.text or "").strip() for t in run.iter(_T)):
            self.hidden_runs += 1
        return hidden

    @staticmethod
    def _symbol(sym: etree._Element, out: list[str], unknown: list[str] | None) -> None:
        """A symbol mapped to Unicode; one without a mapping is named for a warning, not dropped."""
        text = wordml.symbol_text(sym)
        if text is not None:
            out.append(text)
        elif unknown is not None:
            unknown.append(wordml.describe_symbol(sym))

    def _dropdown(self, sdt: etree._Element, boxes: list[str], choices: list[str | None]) -> None:
        content = sdt.find(_SDT_CONTENT)
        value: list[str] = []
        if content is not None:
            self._inline_text(content, value, boxes)
        shown = "".join(value)
        showing_placeholder = _on(sdt.find(f"{W}sdtPr/{W}showingPlcHdr")) and _placeholder_text(shown)
        choices.append(None if showing_placeholder else shown)

    def _not_inline_text(self, el: etree._Element) -> bool:
        """A drawing group's boxes (placed by position) or a control showing its placeholder."""
        return self._group_boxes(el) if el.tag == _ANCHOR else _showing_placeholder(el)

    def _group_boxes(self, anchor: etree._Element) -> bool:
        """A floating drawing group (``wpg:wgp``) positioned from its column: its text boxes are
        kept with their horizontal places (:attr:`Paragraph.placed`); False for anything else."""
        group = next(anchor.iter(_WGP), None)
        offset = _column_offset(anchor)
        if group is None or offset is None:
            return False
        scale = _group_scale(group)
        for shape in group.iter(_WSP):
            content = next(shape.iter(_TXBX_CONTENT), None)
            xfrm = shape.find(f"{_WPS}spPr/{_A}xfrm")
            if content is None or xfrm is None:
                continue
            x = _emu(xfrm.find(f"{_A}off"), "x") + _emu(xfrm.find(f"{_A}ext"), "cx") // 2
            self._placed.append((offset + int(x * scale), self._box_text(content)))
            self.group_boxes += 1
        return True

    def _box_text(self, content: etree._Element) -> str:
        self.read_boxes.append(content)
        lines: list[str] = []
        for block in self._block_children(content):
            if block.tag == _ALT_CHUNK:
                lines.extend(p.text for p in self._chunk(block))
            elif block.tag == f"{W}p":
                lines.append(self._paragraph(block).text)
            else:
                lines.extend(p.text for p in self._table(block).paragraphs())
        return "\n".join(line for line in lines if line.strip())

    # ---- tables

    def _table(self, tbl: etree._Element) -> Table:
        grid = [_int_attr(col, "w") for col in tbl.findall(f"{W}tblGrid/{W}gridCol")]
        groups = self.group_boxes
        rows = [self._row(tr, index) for index, tr in enumerate(wordml.table_rows(tbl))]
        if self.group_boxes != groups:  # only a table holding a drawing group
            for row in rows:
                _place_group_boxes(row, grid)
        return Table(uid=next(self.uids), grid=grid, rows=rows, page=self.pages.number)

    def _row(self, tr: etree._Element, index: int) -> Row:
        trpr = _child(tr, wordml.TRPR)
        is_header = trpr is not None and _on(trpr.find(f"{W}tblHeader"))
        cells = [
            Cell(index, cell.col, cell.span, cell.vmerge, self._cell_paragraphs(cell.tc))
            for cell in wordml.row_cells(tr)
        ]
        return Row(index=index, cells=cells, is_header=is_header)

    def _cell_paragraphs(self, tc: etree._Element) -> list[Paragraph]:
        paragraphs: list[Paragraph] = []
        for block in self._block_children(tc):
            if block.tag == _ALT_CHUNK:
                for paragraph in self._chunk(block):
                    paragraph.page = self.pages.number
                    paragraphs.append(paragraph)
            elif block.tag == _P:
                paragraph = self._paragraph(block)
                paragraph.page = self.pages.number
                paragraphs.append(paragraph)
            else:
                paragraphs.extend(self._table(block).paragraphs())
        return paragraphs


_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_WPS = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_ANCHOR, _WGP = f"{_WP}anchor", "{http://schemas.microsoft.com/office/word/2010/wordprocessingGroup}wgp"
_WSP = f"{_WPS}wsp"
EMU_PER_TWIP = 635
CELL_MARGIN = 108
"""Word's default left cell margin (twips): a drawing anchored in a cell is placed from there."""


def _emu(el: etree._Element | None, name: str) -> int:
    text = (el.get(name) or "") if el is not None else ""
    return int(text) if text.lstrip("-").isdigit() and len(text) < 12 else 0


def _column_offset(anchor: etree._Element) -> int | None:
    """The anchor's horizontal offset (EMU) from its column, or None when placed otherwise."""
    position = anchor.find(f"{_WP}positionH")
    if position is None or position.get("relativeFrom") not in ("column", "character"):
        return None
    offset = position.find(f"{_WP}posOffset")
    text = (offset.text or "0").strip() if offset is not None else "0"
    return int(text) if text.lstrip("-").isdigit() and len(text) < 12 else 0


def _group_scale(group: etree._Element) -> float:
    """The group's child coordinates → its extent (Word writes them equal; scaled when not)."""
    xfrm = group.find(
        f"{{http://schemas.microsoft.com/office/word/2010/wordprocessingGroup}}grpSpPr/{_A}xfrm"
    )
    ext, child = (xfrm.find(f"{_A}ext"), xfrm.find(f"{_A}chExt")) if xfrm is not None else (None, None)
    width, child_width = _emu(ext, "cx"), _emu(child, "cx")
    return width / child_width if width > 0 and child_width > 0 else 1.0


def _place_group_boxes(row: Row, grid: list[int]) -> None:
    """Give each text box of a drawing group to the cell of ``row`` its centre stands over (a
    diagram drawn as one group, anchored in one month's cell, names every month's step)."""
    lefts = [sum(grid[:col]) for col in range(len(grid) + 1)]
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            for x, text in paragraph.placed:
                at = lefts[min(cell.col, len(grid))] + CELL_MARGIN + x // EMU_PER_TWIP
                target = next(
                    (
                        c
                        for c in row.cells
                        if c.paragraphs and lefts[min(c.col, len(grid))] <= at < lefts[min(c.end, len(grid))]
                    ),
                    cell,
                )
                (target.paragraphs[0] if target.paragraphs else paragraph).boxes.append(text)
            paragraph.placed = []


def _is_dropdown(sdt: etree._Element) -> bool:
    """A list control: a closed dropdown, or the draft's combo box (pick from the list or type)."""
    pr = sdt.find(f"{W}sdtPr")
    return pr is not None and (pr.find(f"{W}dropDownList") is not None or pr.find(f"{W}comboBox") is not None)


def _showing_placeholder(sdt: etree._Element) -> bool:
    """A control showing its placeholder holds no text of the document (only a grey hint)."""
    return _on(sdt.find(f"{W}sdtPr/{W}showingPlcHdr"))


_PROMPT_WORDS = ("してください", "選択", "入力", "Click", "Choose", "Enter", "tap")
"""Words of the prompts Word and other editors show as a control's placeholder."""


def _placeholder_text(shown: str) -> bool:
    """Whether a list control flagged ``w:showingPlcHdr`` really shows its placeholder.

    LibreOffice keeps the flag when a person types over the grey placeholder (its keyboard path), so
    the flag alone does not say the text is a hint: it is one when it is empty, the draft's own
    placeholder 「未評価」 (which reads the same as no result), or a prompt such as
    「アイテムを選択してください。」; any other text was typed.
    """
    text = shown.strip()
    return not text or text == UNGRADED_PLACEHOLDER or any(word in text for word in _PROMPT_WORDS)


def _own_elements(p: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Descendants of a paragraph with ``tag``, not those inside text boxes or deleted text.

    libxml2 finds the candidates (most paragraphs have none); only those are checked for a
    container that disowns them, instead of walking every element of every paragraph in Python.
    """
    for el in p.iterdescendants(tag):
        if not _inside_not_own(el, p):
            yield el


def _inside_not_own(el: etree._Element, p: etree._Element) -> bool:
    for ancestor in el.iterancestors():
        if ancestor is p:
            return False
        if ancestor.tag in _NOT_OWN:
            return True
    return False


def _child(parent: etree._Element, tag: str) -> etree._Element | None:
    """The first child of ``parent`` with ``tag``, like ``find(tag)`` at a third of its cost.

    ``find`` goes through ElementPath on every call (about 3 µs); properties such as ``w:pPr``
    come first by the schema, so the first child is tested before asking libxml2 to search.
    """
    if len(parent):
        first = parent[0]
        if first.tag == tag:
            return first
    return next(parent.iterchildren(tag), None)


def _on(el: etree._Element | None) -> bool:
    return el is not None and el.get(_VAL) not in ("0", "false", "off")


def _int_attr(el: etree._Element, name: str) -> int:
    text = (el.get(f"{W}{name}") or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def _section_props(body: etree._Element) -> list[etree._Element]:
    props = [el for el in body.iter(f"{W}sectPr") if el.getparent() is not None]
    return [el for el in props if el.getparent().tag in (f"{W}pPr", f"{W}body")]  # type: ignore[union-attr]


def _section_page_starts(body: etree._Element) -> list[int | None]:
    starts: list[int | None] = []
    for sect in _section_props(body):
        num = sect.find(f"{W}pgNumType")
        starts.append(_int_attr(num, "start") if num is not None and num.get(f"{W}start") else None)
    return starts


def _section_kinds_after(body: etree._Element) -> dict[etree._Element, str]:
    """For each paragraph ending a section: the break type of the section that follows it.

    That section's properties are the first ``w:sectPr`` inside a later sibling of the paragraph,
    i.e. the first one after the paragraph's own subtree in document order, provided it still lies
    under the paragraph's parent.  One pass over the document's ``w:sectPr`` list replaces a walk
    over all following siblings per section break (quadratic in a file with many breaks).
    """
    sects = list(body.iter(_SECT_PR))
    kinds: dict[etree._Element, str] = {}
    for at, sect in enumerate(sects):
        ppr = sect.getparent()
        p = ppr.getparent() if ppr is not None else None
        if ppr is None or ppr.tag != _PPR or p is None or p.tag != _P or p in kinds:
            continue
        kinds[p] = _kind_of_next_section(p, sects, at + 1)
    return kinds


def _kind_of_next_section(p: etree._Element, sects: list[etree._Element], start: int) -> str:
    parent = p.getparent()
    for index in range(start, len(sects)):
        sect = sects[index]
        ancestors = list(sect.iterancestors())
        if p in ancestors:
            continue  # inside the paragraph itself (a text box, a sectPrChange)
        if parent is None or parent not in ancestors:
            return "nextPage"  # the next one lies outside the paragraph's container
        type_el = sect.find(_TYPE)
        return (type_el.get(_VAL) if type_el is not None else None) or "nextPage"
    return "nextPage"


_NOT_PRINTED = frozenset({_FALLBACK, _DEL, _MOVE_FROM})
"""Containers whose text boxes are not the document's: a VML twin, deleted text."""


def _unread_boxes(body: etree._Element, read: list[etree._Element]) -> list[str]:
    """The texts of the body's text boxes that hold printed text the walk did not read.

    Every ``w:txbxContent`` outside a VML fallback and deleted text should have been read (as a
    paragraph's box or a drawing group's placed box); one that was not — a shape in a form the
    walk does not place, in any file, Strict or Transitional — is named rather than dropped.
    """
    seen = set(read)
    unread: list[str] = []
    for content in body.iter(_TXBX_CONTENT):
        if content in seen or any(a.tag in _NOT_PRINTED or a in seen for a in content.iterancestors()):
            continue
        if any(a.tag == _R and wordml.is_hidden_run(a) for a in content.iterancestors()):
            continue
        text = " ".join(line for line in (wordml.visible_text(p) for p in content.iter(_P)) if line.strip())
        if text.strip():
            unread.append(text.strip())
    return unread


_REVISION_TAGS = (wordml.INS, wordml.DEL, wordml.MOVE_TO, wordml.MOVE_FROM)


def _revisions_and_controls(body: etree._Element) -> tuple[int, int]:
    """(tracked changes, content controls) in the body: the marks on text, paragraphs and rows
    (not on run properties, which the lean parse leaves out), and every ``w:sdt``."""
    revisions = sum(1 for el in body.iter(*_REVISION_TAGS) if _parent_tag(el) != wordml.RPR)
    controls = sum(1 for _ in body.iter(_SDT))
    return revisions, controls


def _parent_tag(el: etree._Element) -> object:
    parent = el.getparent()
    return parent.tag if parent is not None else None
