"""The WordprocessingML floor under both sides: names, what to see through, the grid, visible text.

Everything that knows how Word (or LibreOffice) writes a document's structure lives here, once, so
that the input side (``reading/ooxml.py``) and the output side (``writing/ooxml.py``, ``derive``,
``finalize``) see the same document: the same tables in the same order, the same cells on the same
grid columns, the same text.

* **names** — the namespaces (the WordprocessingML URI is defined here and nowhere else) and
  :func:`w` for Clark names;
* **one table of wrappers** — :data:`SEE_THROUGH` (content controls at run, block, row and cell level,
  ``w:customXml``, ``w:smartTag``, insertions and moves-to, hyperlinks, simple fields, bidi wrappers,
  ``mc:AlternateContent`` read by its choice) and :data:`SKIPPED` (deletions, moves-from, field codes,
  ruby text, properties): :func:`content_of` says what a wrapper's content is;
* **the walk** — :func:`block_children`, :func:`body_tables`, :func:`table_rows` (a row whose
  deletion is tracked is gone, as the changes are read accepted), :func:`row_cells` placing each cell
  on the grid (``w:gridBefore``, ``w:gridSpan``, ``w:hMerge``; ``w:gridAfter`` only ends the row),
  :func:`vmerge`;
* **visible text** — :func:`text_atoms` and :func:`visible_text`: ``w:t``, run tabs, breaks, the
  no-break hyphen as ``-`` (so a number written ``R6‑22`` with one is ``R6-22`` everywhere), the soft
  hyphen as nothing (it prints only at a line end), symbols (``w:sym``) mapped to Unicode for the
  Wingdings and Symbol fonts (:func:`symbol_text`; an unknown one is ``None`` and the caller warns),
  ruby by its base text only; hidden runs (``w:vanish``, ``w:specVanish``, :func:`is_hidden_run`)
  are no printed text and left out;
* **search and replace across runs** — :func:`replace_spans`, :func:`replace_text`: text that a
  producer split over runs (LibreOffice's 「R7-」「〇〇」) is found and replaced, the new text taking
  the formatting of the run where the match starts;
* **schema orders** of the property elements the tool edits (:data:`TCPR_ORDER`, :data:`RPR_ORDER`)
  and :func:`put_in_schema_order`;
* **accepting tracked changes** — :func:`accept_revisions`, so that a copy shows what the reader read.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from lxml import etree

from .opcnames import R_NS

# --------------------------------------------------------------------------- names

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W_STRICT_NS = "http://purl.oclc.org/ooxml/wordprocessingml/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
XML_NS = "http://www.w3.org/XML/1998/namespace"
W = f"{{{W_NS}}}"
MC = f"{{{MC_NS}}}"
R = f"{{{R_NS}}}"
XML_SPACE = f"{{{XML_NS}}}space"


def w(name: str) -> str:
    """The Clark name of a WordprocessingML element or attribute: ``w("tc")``."""
    return f"{W}{name}"


P, TBL, TR, TC, RUN, T = (w(name) for name in ("p", "tbl", "tr", "tc", "r", "t"))
PPR, RPR, TRPR, TCPR = (w(name) for name in ("pPr", "rPr", "trPr", "tcPr"))
SDT, SDT_CONTENT, SDT_PR = w("sdt"), w("sdtContent"), w("sdtPr")
INS, DEL, MOVE_TO, MOVE_FROM = w("ins"), w("del"), w("moveTo"), w("moveFrom")
TAB, BR, CR = w("tab"), w("br"), w("cr")
NO_BREAK_HYPHEN, SOFT_HYPHEN, SYM = w("noBreakHyphen"), w("softHyphen"), w("sym")
TXBX_CONTENT = w("txbxContent")
ALT_CHUNK = w("altChunk")
VANISH, SPEC_VANISH, RSTYLE = w("vanish"), w("specVanish"), w("rStyle")
ALTERNATE, CHOICE, FALLBACK = f"{MC}AlternateContent", f"{MC}Choice", f"{MC}Fallback"
VAL = w("val")

# --------------------------------------------------------------------------- the one table of wrappers

SEE_THROUGH: frozenset[str] = frozenset(
    {
        SDT,  # content controls (run, block, row, cell level): their w:sdtContent
        w("customXml"),
        w("smartTag"),
        INS,
        MOVE_TO,
        w("hyperlink"),
        w("fldSimple"),  # a simple field: its runs are the result Word shows
        w("dir"),
        w("bdo"),
        w("rubyBase"),  # ruby: the base text only (w:rt is skipped)
        w("ruby"),
        ALTERNATE,  # read by its first mc:Choice (the VML fallback would double every text box)
    }
)
"""Wrappers whose content is the document's own: read (and counted, and edited) through."""

SKIPPED: frozenset[str] = frozenset(
    {
        DEL,
        MOVE_FROM,
        w("instrText"),  # a field's code; its result runs are read
        w("delText"),
        w("delInstrText"),
        w("rt"),  # ruby text (furigana): 「包括」, not 「ほうかつ包括」
        w("rubyPr"),
        PPR,
        RPR,
        TCPR,
        TRPR,
        w("tblPr"),
        w("tblGrid"),
        w("tblPrEx"),
        SDT_PR,
        w("sdtEndPr"),
        w("customXmlPr"),
        w("smartTagPr"),
        w("footnoteReference"),
        w("endnoteReference"),
        FALLBACK,
    }
)
"""What is not the document's visible text: deleted and moved-away text, field codes, ruby text,
properties (a paragraph mark's ``w:rPr`` holds only formatting and revision marks)."""

REVISIONS: frozenset[str] = frozenset({INS, DEL, MOVE_TO, MOVE_FROM})


def content_of(wrapper: etree._Element) -> etree._Element | None:
    """The element whose children are a see-through wrapper's content (None: nothing to read)."""
    tag = wrapper.tag
    if tag == SDT:
        return wrapper.find(SDT_CONTENT)
    if tag == ALTERNATE:
        choice = wrapper.find(CHOICE)
        return choice if choice is not None else wrapper.find(FALLBACK)
    return wrapper


# --------------------------------------------------------------------------- the walk


def block_children(parent: etree._Element, *, chunks: bool = False) -> Iterator[etree._Element]:
    """Paragraphs and tables of a block container (body, cell, text box, note), in order; with
    ``chunks`` also the imported chunks (``w:altChunk``) that stand among them."""
    for child in parent:
        tag = child.tag
        if tag in (P, TBL) or (chunks and tag == ALT_CHUNK):
            yield child
        elif tag in SEE_THROUGH:
            content = content_of(child)
            if content is not None:
                yield from block_children(content, chunks=chunks)


def body_tables(body: etree._Element) -> list[etree._Element]:
    """The body's top-level tables in document order: a table's ordinal is its index here."""
    return [el for el in block_children(body) if el.tag == TBL]


def is_deleted_row(tr: etree._Element) -> bool:
    """A row whose deletion is tracked (``w:trPr/w:del``): gone once the changes are accepted."""
    trpr = tr.find(TRPR)
    return trpr is not None and trpr.find(DEL) is not None


def table_rows(tbl: etree._Element, *, deleted: bool = False) -> list[etree._Element]:
    """The rows of a table in order, read through row-level wrappers; tracked-deleted rows are left
    out unless ``deleted``."""
    rows: list[etree._Element] = []
    for child in tbl:
        tag = child.tag
        if tag == TR:
            if deleted or not is_deleted_row(child):
                rows.append(child)
        elif tag in SEE_THROUGH:
            content = content_of(child)
            if content is not None:
                rows.extend(table_rows(content, deleted=deleted))
    return rows


def row_tcs(tr: etree._Element) -> Iterator[etree._Element]:
    """The ``w:tc`` of a row in order, read through cell-level wrappers (``w:sdt`` around a cell)."""
    for child in tr:
        tag = child.tag
        if tag == TC:
            yield child
        elif tag in SEE_THROUGH:
            content = content_of(child)
            if content is not None:
                yield from row_tcs(content)


MAX_GRID = 64
"""Word allows 63 grid columns; a larger span or offset is damage and is clamped, not trusted."""


@dataclass(slots=True)
class GridCell:
    """A ``w:tc`` placed on the grid: it covers columns ``col`` … ``col + span - 1``.

    A legacy horizontal merge (``w:hMerge``) is one cell: the continuing ``w:tc`` widen the first.
    """

    col: int
    span: int
    tc: etree._Element
    vmerge: str | None = None

    @property
    def end(self) -> int:
        return self.col + self.span

    def covers(self, col: int) -> bool:
        return self.col <= col < self.col + self.span


def int_attr(el: etree._Element | None, name: str = "val", limit: int = MAX_GRID) -> int:
    """A small non-negative integer attribute (0 when absent or damaged, clamped to ``limit``)."""
    text = (el.get(w(name)) or "").strip() if el is not None else ""
    return min(int(text), limit) if text.isascii() and text.isdigit() and len(text) < 10 else 0


def _cell_props(tc: etree._Element) -> tuple[int, str | None, str | None]:
    """(grid span, vMerge value, hMerge value) of a cell, in one pass over its ``w:tcPr``."""
    tcpr = tc[0] if len(tc) and tc[0].tag == TCPR else tc.find(TCPR)
    span, vmerge_value, hmerge = 1, None, None
    if tcpr is None:
        return span, vmerge_value, hmerge
    for child in tcpr:
        tag = child.tag
        if tag == _GRID_SPAN:
            span = max(1, int_attr(child))
        elif tag == _VMERGE:
            vmerge_value = child.get(VAL) or "continue"
        elif tag == _HMERGE:
            hmerge = child.get(VAL) or "continue"
    return span, vmerge_value, hmerge


_GRID_SPAN, _VMERGE, _HMERGE = w("gridSpan"), w("vMerge"), w("hMerge")


def grid_before(tr: etree._Element) -> int:
    trpr = tr.find(TRPR)
    return int_attr(trpr.find(w("gridBefore"))) if trpr is not None else 0


def row_cells(tr: etree._Element) -> list[GridCell]:
    """The cells of a row on the grid: ``w:gridBefore`` skips columns, ``w:gridSpan`` widens a cell,
    ``w:hMerge`` continuations widen the cell they continue; ``w:gridAfter`` leaves the rest empty."""
    col = grid_before(tr)
    cells: list[GridCell] = []
    for tc in row_tcs(tr):
        span, vmerge_value, hmerge = _cell_props(tc)
        if hmerge == "continue" and cells:
            cells[-1].span += span
        else:
            cells.append(GridCell(col, span, tc, vmerge_value))
        col += span
    return cells


def cell_at(tr: etree._Element, col: int) -> GridCell | None:
    """The cell of ``tr`` covering grid column ``col`` (None before gridBefore or past the last)."""
    return next((cell for cell in row_cells(tr) if cell.covers(col)), None)


def vmerge(tc: etree._Element) -> str | None:
    """``"restart"``, ``"continue"`` or None (not vertically merged)."""
    return _cell_props(tc)[1]


def grid_widths(tbl: etree._Element) -> list[int]:
    """The widths of the table's grid columns (``w:tblGrid``), in twentieths of a point."""
    grid = tbl.find(w("tblGrid"))
    return [int_attr(col, "w", limit=10**6) for col in grid.findall(w("gridCol"))] if grid is not None else []


def fill_grid_after(tr: etree._Element, widths: Sequence[int]) -> int:
    """Give a row whose trailing cells were deleted (``w:gridAfter``) those cells back, empty.

    Word writes ``w:gridAfter`` when trailing cells are deleted; the tool writes into the columns of
    a table's rows (the 評価総括表's page and measure cells), so the row gets cells formatted like
    its last one, one per missing grid column.  Returns how many cells were added.
    """
    trpr = tr.find(TRPR)
    after = trpr.find(w("gridAfter")) if trpr is not None else None
    missing = int_attr(after)
    cells = row_cells(tr)
    if trpr is None or after is None or not missing or not cells:
        return 0
    last = cells[-1]
    previous = last.tc
    for offset in range(missing):
        col = last.end + offset
        tc = _empty_cell_like(last.tc, widths[col] if col < len(widths) else 0)
        previous.addnext(tc)
        previous = tc
    for name in ("gridAfter", "wAfter"):
        for el in trpr.findall(w(name)):
            trpr.remove(el)
    if not len(trpr):
        tr.remove(trpr)
    return missing


def _empty_cell_like(tc: etree._Element, width: int) -> etree._Element:
    """An empty cell with ``tc``'s borders, shading and first paragraph's properties, one column wide."""
    new = etree.Element(TC)
    props = without_revisions(tc.find(TCPR))
    if props is not None:
        for name in ("gridSpan", "hMerge", "vMerge", "tcW"):
            for el in props.findall(w(name)):
                props.remove(el)
        new.append(props)
    else:
        props = etree.SubElement(new, TCPR)
    tcw = etree.Element(w("tcW"), {w("w"): str(width), w("type"): "dxa"})
    put_in_schema_order(props, tcw, TCPR_RANK)
    paragraph = etree.SubElement(new, P)
    first = next((el for el in block_children(tc) if el.tag == P), None)
    ppr = without_revisions(first.find(PPR)) if first is not None else None
    if ppr is not None:
        for sect in ppr.findall(w("sectPr")):
            ppr.remove(sect)
        paragraph.append(ppr)
    return new


# --------------------------------------------------------------------------- hidden text


def is_on(el: etree._Element | None) -> bool:
    """A toggle property (``w:vanish``, ``w:b`` …) present and not switched off."""
    return el is not None and el.get(VAL) not in ("0", "false", "off")


def is_hidden_run(run: etree._Element, hidden_styles: frozenset[str] = frozenset()) -> bool:
    """A run Word does not print: ``w:vanish`` (Hidden, Ctrl+Shift+H) or ``w:specVanish`` (always
    hidden) in its properties, or a character style in ``hidden_styles`` not switched back on by
    ``w:vanish w:val="0"``.  Hidden text is no printed text: the reader, the counts and the edits
    leave it out."""
    rpr = run[0] if len(run) and run[0].tag == RPR else None
    if rpr is None:
        return False
    vanish = rpr.find(VANISH)
    if vanish is not None:
        return is_on(vanish)
    if is_on(rpr.find(SPEC_VANISH)):
        return True
    if hidden_styles:
        style = rpr.find(RSTYLE)
        return style is not None and style.get(VAL) in hidden_styles
    return False


def hidden_styles(styles: etree._Element | None) -> frozenset[str]:
    """The ids of the styles (``word/styles.xml``) whose text is hidden: ``w:vanish`` in their run
    properties or in a style they are based on (the nearest setting wins)."""
    if styles is None:
        return frozenset()
    own: dict[str, bool | None] = {}
    based: dict[str, str] = {}
    for style in styles.iter(w("style")):
        sid = style.get(w("styleId"))
        if not sid:
            continue
        vanish = style.find(f"{RPR}/{VANISH}")
        own[sid] = None if vanish is None else is_on(vanish)
        parent = style.find(w("basedOn"))
        if parent is not None and parent.get(VAL):
            based[sid] = parent.get(VAL) or ""
    hidden: set[str] = set()
    for sid in own:
        at, seen = sid, set()
        while at in own and own[at] is None and at in based and at not in seen:
            seen.add(at)
            at = based[at]
        if own.get(at):
            hidden.add(sid)
    return frozenset(hidden)


# --------------------------------------------------------------------------- visible text

NO_BREAK_HYPHEN_TEXT = "-"
"""The no-break hyphen read as an ordinary hyphen-minus, everywhere: 「R6‑22」 is the number R6-22."""

_WINGDINGS: dict[int, str] = {
    0x22: "\u2702", 0x23: "\u2701", 0x28: "\u260e", 0x2a: "\u2709", 0x36: "\u231b", 0x37: "\u2328",
    0x3e: "\u2707", 0x3f: "\u270d", 0x41: "\u270c", 0x4a: "\u263a", 0x4c: "\u2639", 0x4d: "\U0001f4a3",
    0x4e: "\u2620", 0x51: "\u2708", 0x52: "\u263c", 0x54: "\u2744", 0x56: "\u271e", 0x58: "\u2720",
    0x59: "\u2721", 0x5a: "\u262a", 0x5b: "\u262f", 0x5c: "\u0950", 0x5d: "\u2638", 0x5e: "\u2648",
    0x5f: "\u2649", 0x60: "\u264a", 0x61: "\u264b", 0x62: "\u264c", 0x63: "\u264d", 0x64: "\u264e",
    0x65: "\u264f", 0x66: "\u2650", 0x67: "\u2651", 0x68: "\u2652", 0x69: "\u2653", 0x6c: "\u25cf",
    0x6d: "\u274d", 0x6e: "\u25a0", 0x6f: "\u25a1", 0x71: "\u2751", 0x72: "\u2752", 0x73: "\u2b27",
    0x74: "\u29eb", 0x75: "\u25c6", 0x76: "\u2756", 0x77: "\u2b25", 0x78: "\u2327", 0x7a: "\u2318",
    0x7b: "\u2740", 0x7c: "\u273f", 0x7d: "\u275d", 0x7e: "\u275e", 0x80: "\u24ea",
    **{0x81 + i: chr(0x2460 + i) for i in range(10)},  # ① … ⑩
    0x8b: "\u24ff",
    **{0x8c + i: chr(0x2776 + i) for i in range(10)},  # ❶ … ❿
    0x9e: "\u00b7", 0x9f: "\u2022", 0xa0: "\u25aa", 0xa1: "\u25cb", 0xa2: "\u2b55", 0xa4: "\u25c9",
    0xa5: "\u25ce", 0xa7: "\u25aa", 0xa8: "\u25fb", 0xaa: "\u2726", 0xab: "\u2605", 0xac: "\u2736",
    0xad: "\u2734", 0xae: "\u2739", 0xaf: "\u2735", 0xb1: "\u2316", 0xb2: "\u27e1", 0xb3: "\u2311",
    0xd8: "\u27a2", 0xe0: "\u27a1", 0xe8: "\u2794", 0xef: "\u21e6", 0xf0: "\u21e8", 0xf1: "\u21e7",
    0xf2: "\u21e9", 0xfb: "\u2718", 0xfc: "\u2714", 0xfd: "\u2612", 0xfe: "\u2611",
}  # fmt: skip
"""Wingdings character codes with a Unicode character of the same meaning (the common bullets,
check marks, circled numbers, arrows, boxes).  A code not listed is reported, never dropped."""

_SYMBOL_SAME = "!#%&()+,./0123456789:;<=>?[]_{|}"
_SYMBOL: dict[int, str] = {
    **{ord(ch): ch for ch in _SYMBOL_SAME},
    **dict(zip(range(0x41, 0x5B), "ΑΒΧΔΕΦΓΗΙϑΚΛΜΝΟΠΘΡΣΤΥςΩΞΨΖ", strict=True)),
    **dict(zip(range(0x61, 0x7B), "αβχδεφγηιϕκλμνοπθρστυϖωξψζ", strict=True)),
    0x20: " ", 0x22: "∀", 0x24: "∃", 0x27: "∋", 0x2a: "∗", 0x2d: "−", 0x40: "≅", 0x5c: "∴",
    0x5e: "⊥", 0x7e: "∼", 0xa1: "ϒ", 0xa2: "′", 0xa3: "≤", 0xa4: "⁄", 0xa5: "∞", 0xa6: "ƒ",
    0xa7: "♣", 0xa8: "♦", 0xa9: "♥", 0xaa: "♠", 0xab: "↔", 0xac: "←", 0xad: "↑", 0xae: "→",
    0xaf: "↓", 0xb0: "°", 0xb1: "±", 0xb2: "″", 0xb3: "≥", 0xb4: "×", 0xb5: "∝", 0xb6: "∂",
    0xb7: "•", 0xb8: "÷", 0xb9: "≠", 0xba: "≡", 0xbb: "≈", 0xbc: "…", 0xc0: "ℵ", 0xc4: "⊗",
    0xc5: "⊕", 0xc6: "∅", 0xc7: "∩", 0xc8: "∪", 0xc9: "⊃", 0xca: "⊇", 0xcb: "⊄", 0xcc: "⊂",
    0xcd: "⊆", 0xce: "∈", 0xcf: "∉", 0xd0: "∠", 0xd1: "∇", 0xd2: "®", 0xd3: "©", 0xd4: "™",
    0xd5: "∏", 0xd6: "√", 0xd7: "⋅", 0xd8: "¬", 0xd9: "∧", 0xda: "∨", 0xdb: "⇔", 0xdc: "⇐",
    0xdd: "⇑", 0xde: "⇒", 0xdf: "⇓", 0xe0: "◊", 0xe1: "〈", 0xe5: "∑", 0xf1: "〉", 0xf2: "∫",
}  # fmt: skip
"""The Symbol font's codes (Adobe's mapping of its Greek letters and mathematical signs)."""

SYMBOL_FONTS: Mapping[str, Mapping[int, str]] = {"wingdings": _WINGDINGS, "symbol": _SYMBOL}


def symbol_text(sym: etree._Element) -> str | None:
    """The Unicode text of a ``w:sym`` (``w:font``, ``w:char`` in hex), or None when unknown.

    Word stores a symbol font's character in the private use area (``F0FC``) or by its byte
    (``00FC``); either is looked up in the font's table.  A font without a table and a character
    outside the private use area is that Unicode character.
    """
    font = (sym.get(w("font")) or "").strip().lower()
    raw = (sym.get(w("char")) or "").strip()
    try:
        code = int(raw, 16)
    except ValueError:
        return None
    table = SYMBOL_FONTS.get(font)
    if table is not None:
        return table.get(code - 0xF000 if 0xF000 <= code <= 0xF0FF else code)
    if 0 < code < 0xE000 or 0xF900 <= code <= 0x10FFFF:
        return chr(code)
    return None


def describe_symbol(sym: etree._Element) -> str:
    """How a symbol the tool cannot read is named in a message: 「Wingdings の記号 F0A3」."""
    return f"{sym.get(w('font')) or '記号フォント'} の記号 {sym.get(w('char')) or '?'}"


@dataclass(slots=True)
class Atom:
    """One visible piece of a paragraph: a ``w:t`` (its text) or a character element (tab, break,
    hyphen, symbol) with the text it stands for."""

    el: etree._Element
    text: str


def _atom_text(el: etree._Element, parent_tag: object) -> str | None:
    tag = el.tag
    if tag == T:
        return el.text or ""
    if tag == TAB:
        return "\t" if parent_tag == RUN else None  # a w:tab in w:tabs is a tab stop
    if tag == BR:
        return "" if el.get(w("type")) in ("page", "column") else "\n"
    if tag == CR:
        return "\n"
    if tag == NO_BREAK_HYPHEN:
        return NO_BREAK_HYPHEN_TEXT
    if tag == SOFT_HYPHEN:
        return ""
    if tag == SYM:
        return symbol_text(el) or ""
    return None


_ATOM_TAGS = frozenset({T, TAB, BR, CR, NO_BREAK_HYPHEN, SOFT_HYPHEN, SYM})


def text_atoms(el: etree._Element, *, boxes: bool = False) -> list[Atom]:
    """The visible pieces of ``el`` in order (see-through wrappers read, :data:`SKIPPED` left out).

    Text boxes (``w:txbxContent``) are not a paragraph's own text and are left out unless ``boxes``.
    """
    atoms: list[Atom] = []
    _collect_atoms(el, atoms, boxes)
    return atoms


def _collect_atoms(el: etree._Element, atoms: list[Atom], boxes: bool) -> None:
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            continue
        if tag == RUN and is_hidden_run(child):
            continue
        if tag in _ATOM_TAGS:
            text = _atom_text(child, el.tag)
            if text is not None:
                atoms.append(Atom(child, text))
        elif tag == TXBX_CONTENT and not boxes:
            continue
        elif tag in SEE_THROUGH:
            content = content_of(child)
            if content is not None:
                _collect_atoms(content, atoms, boxes)
        else:
            _collect_atoms(child, atoms, boxes)


def visible_text(el: etree._Element) -> str:
    """The text of ``el`` as printed (paragraphs of a cell or row run together, as before)."""
    return "".join(atom.text for atom in text_atoms(el))


def unknown_symbols(el: etree._Element) -> list[etree._Element]:
    """The ``w:sym`` in ``el``'s visible content that :func:`symbol_text` cannot read."""
    atoms = text_atoms(el, boxes=True)
    return [atom.el for atom in atoms if atom.el.tag == SYM and symbol_text(atom.el) is None]


# --------------------------------------------------------------------------- search and replace across runs


def replace_spans(atoms: Sequence[Atom], replacements: Sequence[tuple[int, int, str]]) -> None:
    """Replace character spans of the concatenated text of ``atoms`` (:func:`text_atoms`).

    A span's new text goes where the span starts (into that ``w:t``, or a new ``w:t`` in the place of
    a hyphen, tab or symbol), so it takes that run's formatting; the rest of the span is cut out of
    the following pieces, every other run keeping its own formatting.  Spans must not overlap.
    """
    starts: list[int] = []
    pos = 0
    for atom in atoms:
        starts.append(pos)
        pos += len(atom.text)
    for start, end, new in sorted(replacements, reverse=True):  # last first: earlier offsets hold
        placed = False
        for atom, lo in zip(atoms, starts, strict=True):
            hi = lo + len(atom.text)
            if hi <= start or lo >= end:
                continue
            if atom.el.tag == T:
                text = atom.text
                head = text[: max(0, start - lo)] if not placed else ""
                atom.el.text = head + (new if not placed else "") + text[min(end, hi) - lo :]
                atom.el.set(XML_SPACE, "preserve")
                atom.text = atom.el.text
            else:
                _replace_char_element(atom, new if not placed else "")
            placed = True


def _replace_char_element(atom: Atom, new: str) -> None:
    """A hyphen, tab or symbol inside a replaced span: it becomes the new text (or goes)."""
    parent = atom.el.getparent()
    if parent is None:
        return
    if new:
        t = etree.Element(T)
        t.text = new
        t.set(XML_SPACE, "preserve")
        parent.replace(atom.el, t)
        atom.el = t
    else:
        parent.remove(atom.el)
    atom.text = new


def replace_text(el: etree._Element, pattern: re.Pattern[str], new: str, *, count: int = 0) -> int:
    """Replace matches of ``pattern`` in ``el``'s visible text, across run boundaries; how many."""
    atoms = text_atoms(el)
    text = "".join(atom.text for atom in atoms)
    spans = [(m.start(), m.end(), m.expand(new)) for m in pattern.finditer(text) if m.end() > m.start()]
    if count:
        spans = spans[:count]
    replace_spans(atoms, spans)
    return len(spans)


# --------------------------------------------------------------------------- schema orders

TCPR_ORDER = (
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
    "tcPrChange",
)  # fmt: skip
RPR_ORDER = (
    "ins", "del", "moveFrom", "moveTo", "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps",
    "smallCaps", "strike", "dstrike", "outline", "shadow", "emboss", "imprint", "noProof",
    "snapToGrid", "vanish", "webHidden", "color", "spacing", "w", "kern", "position", "sz", "szCs",
    "highlight", "u", "effect", "bdr", "shd", "fitText", "vertAlign", "rtl", "cs", "em", "lang",
    "eastAsianLayout", "specVanish", "oMath", "rPrChange",
)  # fmt: skip
TCPR_RANK = {w(name): i for i, name in enumerate(TCPR_ORDER)}
RPR_RANK = {w(name): i for i, name in enumerate(RPR_ORDER)}


SETTINGS_AFTER_UPDATE_FIELDS = frozenset({
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
})  # fmt: skip
"""The ``w:settings`` children the schema puts after ``w:updateFields`` (local names)."""


def put_in_schema_order(props: etree._Element, child: etree._Element, ranks: Mapping[str, int]) -> None:
    """Put ``child`` into a properties element (``w:tcPr``, ``w:rPr``) where the schema's sequence
    wants it, replacing any child of the same name (Word refuses properties out of order)."""
    for old in props.findall(child.tag):
        props.remove(old)
    rank = ranks.get(child.tag, len(ranks))
    for i, existing in enumerate(props):
        if ranks.get(existing.tag, len(ranks)) > rank:
            props.insert(i, child)
            return
    props.append(child)


# --------------------------------------------------------------------------- comment anchors

_RANGE_START, _RANGE_END, _REFERENCE = w("commentRangeStart"), w("commentRangeEnd"), w("commentReference")


def take_comment_anchors(el: etree._Element) -> tuple[list[etree._Element], list[etree._Element]]:
    """Detach the comment anchors inside ``el``: (range starts, range ends and reference runs).

    Clearing a cell must not orphan a staff member's comment (its body left without an anchor):
    the caller puts the anchors back into the cleared cell with :func:`put_comment_anchors`.
    """
    starts: list[etree._Element] = []
    ends: list[etree._Element] = []
    for mark in list(el.iter(_RANGE_START, _RANGE_END, _REFERENCE)):
        holder = mark.getparent()
        if mark.tag == _REFERENCE and holder is not None and holder.tag == RUN:
            mark = holder  # the reference's own run (its style), not the text around it
            holder = mark.getparent()
        if holder is not None:
            holder.remove(mark)
        (starts if mark.tag == _RANGE_START else ends).append(mark)
    return starts, ends


def put_comment_anchors(
    p: etree._Element, starts: Sequence[etree._Element], ends: Sequence[etree._Element]
) -> None:
    """Anchor the comments around paragraph ``p``'s content: starts first, ends and references last."""
    at = 1 if len(p) and p[0].tag == PPR else 0
    for offset, mark in enumerate(starts):
        p.insert(at + offset, mark)
    for mark in ends:
        if mark.tag == _REFERENCE:
            holder = etree.SubElement(p, RUN)
            holder.append(mark)
        else:
            p.append(mark)


# --------------------------------------------------------------------------- tracked changes

_KEPT_WRAPPERS = frozenset({INS, MOVE_TO})
"""Wrappers whose content the reader keeps: accepted, the wrapper goes and the content stays."""
_DROPPED_WRAPPERS = frozenset({DEL, MOVE_FROM})
"""Wrappers whose content the reader skips: accepted, they go with their content."""
_FORMAT_CHANGES = frozenset(
    w(name)
    for name in (
        "rPrChange", "pPrChange", "sectPrChange", "tblPrChange", "tblPrExChange", "tblGridChange",
        "trPrChange", "tcPrChange", "numberingChange",
    )
)  # fmt: skip
"""The previous formatting Word keeps beside the new one: accepted, the record goes."""
_CELL_DELETED = w("cellDel")
_PROPERTY_CHANGES = _FORMAT_CHANGES | {_CELL_DELETED, w("cellIns"), w("cellMerge")}
_RANGE_MARKS = frozenset(
    w(name)
    for name in (
        "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd",
        "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart", "customXmlDelRangeEnd",
        "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
        "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd", "cellIns", "cellMerge",
    )
)  # fmt: skip
"""Markers without content of their own: accepted, they go."""


_REVISION_TAGS = (*_KEPT_WRAPPERS, *_DROPPED_WRAPPERS, *_PROPERTY_CHANGES)


def revision_marks(root: etree._Element) -> Iterator[tuple[etree._Element, str]]:
    """Every tracked change under ``root`` with its kind (insert, delete, move, format, row)."""
    for el in root.iter(*_REVISION_TAGS):  # filtered by libxml2, in document order
        tag = el.tag
        if tag in _KEPT_WRAPPERS or tag in _DROPPED_WRAPPERS:
            parent = el.getparent()
            if parent is not None and parent.tag == TRPR:
                yield el, "row"
            elif tag in (MOVE_TO, MOVE_FROM):
                yield el, "move"
            else:
                yield el, "insert" if tag == INS else "delete"
        elif tag in _FORMAT_CHANGES:
            yield el, "format"
        elif tag == _CELL_DELETED or tag in (w("cellIns"), w("cellMerge")):
            yield el, "row"


def accept_revisions(root: etree._Element) -> int:
    """Accept every tracked change under ``root`` in place, as the reader reads them; how many.

    The one way the tool accepts changes (the draft, finalize's ``--accept-changes``, merge):
    inserted and moved-to content stays without its wrapper, deleted and moved-from content goes,
    a deleted row or cell goes, a deleted paragraph mark (``w:pPr/w:rPr/w:del``) joins its
    paragraph to the next as Word does, and the old formatting kept by ``w:rPrChange`` /
    ``w:pPrChange`` / ``w:tblPrChange`` … is dropped (the new one stays).
    """
    marks = list(revision_marks(root))
    deleted_rows: list[etree._Element] = []
    joined: list[etree._Element] = []
    for el, _ in marks:
        parent = el.getparent()
        if parent is None:
            continue  # inside content removed earlier in this loop
        if parent.tag == TRPR:
            if el.tag in _DROPPED_WRAPPERS:
                tr = parent.getparent()
                if tr is not None:
                    deleted_rows.append(tr)
            parent.remove(el)
        elif parent.tag == RPR and _is_paragraph_mark(parent):
            if el.tag in _DROPPED_WRAPPERS:
                p = parent.getparent()
                p = p.getparent() if p is not None else None
                if p is not None:
                    joined.append(p)
            parent.remove(el)
        elif el.tag in _KEPT_WRAPPERS:
            _unwrap(el)
        elif el.tag in _DROPPED_WRAPPERS:
            _detach(el)
        elif el.tag == _CELL_DELETED:
            _detach(next(el.iterancestors(TC), None))
        else:
            parent.remove(el)
    for el in list(root.iter(*_RANGE_MARKS)):
        _detach(el)
    for tr in deleted_rows:
        _detach(tr)
    for p in joined:
        _join_with_next(p)
    if marks:
        _keep_a_paragraph_in_every_cell(root)
    return len(marks)


def _is_paragraph_mark(rpr: etree._Element) -> bool:
    ppr = rpr.getparent()
    return ppr is not None and ppr.tag == PPR


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    at = parent.index(el)
    for offset, child in enumerate(list(el)):
        parent.insert(at + offset, child)
    _detach(el)


def _detach(el: etree._Element | None) -> None:
    if el is None:
        return
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _join_with_next(p: etree._Element) -> None:
    """A deleted paragraph mark: the paragraph's content joins the next paragraph (an emptied
    paragraph simply goes); a mark before a table or a section break stays as a paragraph."""
    if p.getparent() is None:
        return
    ppr = p.find(PPR)
    content = [child for child in p if child is not ppr]
    following = p.getnext()
    if ppr is not None and ppr.find(w("sectPr")) is not None:
        return
    if not content and following is not None:
        _detach(p)
        return
    if following is None or following.tag != P:
        return
    at = 1 if following.find(PPR) is not None else 0
    for offset, child in enumerate(content):
        following.insert(at + offset, child)
    _detach(p)


def _keep_a_paragraph_in_every_cell(root: etree._Element) -> None:
    """A table cell must end with a paragraph (deleted content may have taken its last one)."""
    for tc in root.iter(TC):
        if not any(child.tag == P for child in tc):
            tc.append(etree.Element(P))


def without_revisions(props: etree._Element | None) -> etree._Element | None:
    """A copy of a properties element (``w:rPr``, ``w:pPr``) without revision marks and former
    formatting, for new runs: a copied ``w:rPrChange`` would repeat its revision id."""
    if props is None:
        return None
    clean = copy.deepcopy(props)
    for el in list(clean.iter(*REVISIONS, *_PROPERTY_CHANGES)):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)
    return clean
