"""WordprocessingML on the way out, built on the floor (:mod:`komae_docx.wordml`).

Everything is edited in place on an lxml tree parsed with :func:`komae_docx.package.parse_xml`
(the one hardened parser), so whatever the tool does not touch stays exactly as the city wrote it.

Sections:

* **parts** — :func:`parse_part`, :func:`serialize`;
* **tables in document order and the grid** — the floor's walk, re-exported: :func:`body_tables`,
  :func:`table_rows`, :func:`row_cells`, :func:`cell_at`, :func:`vmerge` (the reader uses the same);
* **text** — :func:`set_cell_text` / :func:`set_paragraph_text` replace content keeping the first
  paragraph's ``w:pPr`` and the first run's ``w:rPr``; :func:`paragraph_text_nodes` and
  :func:`replace_spans` edit a paragraph's text across run boundaries without touching its runs'
  formatting;
* **cell properties** — :func:`set_cell_shading` / :func:`clear_cell_shading`, :func:`tcpr`
  (``w:tcPr`` children kept in schema order);
* **content controls** — :func:`combo_box` (typed or picked result), :func:`locked_text_control`
  (a read-only control showing a grey hint as its placeholder).

W2 appends a "finalize" section at the end of this file.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path

from lxml import etree

from .. import wordml
from ..package import parse_xml
from ..textnorm import fold_width, squash_spaces
from ..wordml import (
    MC,
    RPR_RANK,
    SETTINGS_AFTER_UPDATE_FIELDS,
    TCPR_RANK,
    W_NS,
    XML_SPACE,
    GridCell,
    W,
    block_children,
    body_tables,
    cell_at,
    is_hidden_run,
    put_comment_anchors,
    put_in_schema_order,
    row_cells,
    table_rows,
    take_comment_anchors,
    text_atoms,
    visible_text,
    vmerge,
    w,
    without_revisions,
)
from ..wordml import replace_spans as replace_atom_spans

__all__ = [
    "MC",
    "W_NS",
    "XML_SPACE",
    "GridCell",
    "W",
    "block_children",
    "body_tables",
    "cell_at",
    "row_cells",
    "table_rows",
    "visible_text",
    "vmerge",
    "w",
]  # fmt: skip

HINT_COLOR = "808080"
"""Grey of placeholder and hint texts (Word's own placeholder grey)."""


# --------------------------------------------------------------------------- parts


def parse_part(data: bytes, *, path: str | Path, part: str) -> etree._Element:
    """Parse a part with the project's one hardened parser."""
    return parse_xml(data, path=path, part=part)


def serialize(root: etree._Element) -> bytes:
    """The part as Word writes it: UTF-8 with a standalone declaration."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


# --------------------------------------------------------------------------- text


def cell_paragraphs(tc: etree._Element) -> list[etree._Element]:
    return [el for el in block_children(tc) if el.tag == w("p")]


def first_ppr(tc: etree._Element) -> etree._Element | None:
    """The first paragraph's ``w:pPr`` (without revision marks: a copy must not repeat their ids)."""
    p = next((el for el in block_children(tc) if el.tag == w("p")), None)
    return without_revisions(p.find(w("pPr"))) if p is not None else None


def first_rpr(container: etree._Element) -> etree._Element | None:
    """The first run's ``w:rPr`` in ``container`` (a paragraph or a cell), ignoring field codes,
    without revision marks (a copied ``w:rPrChange`` would repeat its revision id)."""
    for r in container.iter(w("r")):
        if r.find(w("t")) is not None and not is_hidden_run(r):
            return without_revisions(r.find(w("rPr")))
    return None


def run(text: str, rpr: etree._Element | None = None) -> etree._Element:
    """A ``w:r`` with a copy of ``rpr`` and one ``w:t`` keeping spaces."""
    r = etree.Element(w("r"))
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = etree.SubElement(r, w("t"))
    t.text = text
    t.set(XML_SPACE, "preserve")
    return r


def paragraph(ppr: etree._Element | None, runs: Sequence[etree._Element]) -> etree._Element:
    p = etree.Element(w("p"))
    if ppr is not None:
        clean = copy.deepcopy(ppr)
        for sect in clean.findall(w("sectPr")):
            clean.remove(sect)
        p.append(clean)
    p.extend(runs)
    return p


def set_paragraph_text(p: etree._Element, text: str) -> None:
    """Replace ``p``'s content by ``text`` in one run formatted like its first run."""
    rpr = first_rpr(p)
    rpr = copy.deepcopy(rpr) if rpr is not None else None
    for child in list(p):
        if child.tag != w("pPr"):
            p.remove(child)
    p.append(run(text, rpr))


def set_cell_paragraphs(tc: etree._Element, paragraphs: Sequence[etree._Element]) -> None:
    """Replace the cell's block content by ``paragraphs`` (``w:tcPr`` stays).

    Comments anchored in the old content stay anchored, to the cell's first paragraph: a cleared
    cell never leaves a comment without its place.
    """
    starts, ends = take_comment_anchors(tc)
    for child in list(tc):
        if child.tag != w("tcPr"):
            tc.remove(child)
    tc.extend(paragraphs or [etree.Element(w("p"))])
    first = tc.find(w("p"))
    if first is not None and (starts or ends):
        put_comment_anchors(first, starts, ends)


def set_cell_text(tc: etree._Element, text: str) -> None:
    """Replace the cell's content by ``text`` (lines = paragraphs), keeping first pPr and rPr."""
    ppr, rpr = first_ppr(tc), first_rpr(tc)
    lines = text.split("\n") if text else []
    set_cell_paragraphs(tc, [paragraph(ppr, [run(line, rpr)]) for line in lines] or [paragraph(ppr, [])])


def city_rpr(tc: etree._Element) -> etree._Element | None:
    """The run properties of last year's text in a cell (its first run with text), else its first
    paragraph mark's: what the city typed in, size, font and kerning; never a highlight (the
    carried-text colour of an earlier draft) nor revision marks."""
    rpr = first_rpr(tc)
    if rpr is None:
        mark = tc.find(f"{W}p/{W}pPr/{W}rPr")
        rpr = without_revisions(mark)
    if rpr is None:
        return None
    for unwanted in rpr.findall(w("highlight")) + rpr.findall(w("vanish")) + rpr.findall(w("specVanish")):
        rpr.remove(unwanted)  # what staff type in next year is printed, in no earlier draft's colour
    return rpr


def set_mark_rpr(p: etree._Element, rpr: etree._Element | None) -> None:
    """The paragraph mark's run properties (``w:pPr/w:rPr``) set to a copy of ``rpr``.

    Word and LibreOffice type into an empty paragraph with its mark's properties.
    """
    ppr = p.find(w("pPr"))
    if ppr is None:
        if rpr is None:
            return
        ppr = etree.Element(w("pPr"))
        p.insert(0, ppr)
    for old in ppr.findall(w("rPr")):
        ppr.remove(old)
    if rpr is None:
        return
    mark = copy.deepcopy(rpr)
    later = next((c for c in ppr if c.tag in (w("sectPr"), w("pPrChange"))), None)
    if later is not None:
        later.addprevious(mark)
    else:
        ppr.append(mark)


def _is_empty_run(r: etree._Element) -> bool:
    """A run holding nothing but its properties and empty ``w:t`` (what a template tag leaves)."""
    return (
        all(child.tag == w("rPr") or (child.tag == w("t") and not child.text) for child in r)
        and r.find(w("t")) is not None
    )


def drop_bare_empty_runs(tc: etree._Element) -> None:
    """Remove the runs without properties that hold only an empty ``w:t`` (docxtpl leaves one on
    each side of a ``{{r }}`` tag); the in-place draft never makes them."""
    for r in list(tc.iter(w("r"))):
        holder = r.getparent()
        if r.find(w("rPr")) is None and _is_empty_run(r) and holder is not None:
            holder.remove(r)


def settle_entry_cell(tc: etree._Element, rpr: etree._Element | None) -> None:
    """An entry cell ready for typing, in the city's formatting ``rpr`` (issue: typed text 10.5 pt).

    Each paragraph's mark carries ``rpr``; runs left empty go; a paragraph with no text gets one
    empty run in ``rpr``; the comment reference run takes ``rpr`` too (LibreOffice types after the
    last character of the cell, which is the comment's anchor).  Both ways of making a draft (in
    place and through a template) end with this, so they give the same cell.
    """
    for p in cell_paragraphs(tc):
        set_mark_rpr(p, rpr)
        for r in list(p.iter(w("r"))):
            holder = r.getparent()
            if _is_empty_run(r) and holder is not None:
                holder.remove(r)
            elif r.find(w("commentReference")) is not None:
                for old in r.findall(w("rPr")):
                    r.remove(old)
                if rpr is not None:
                    r.insert(0, copy.deepcopy(rpr))
        if not any((t.text or "") for t in p.iter(w("t"))):
            p.append(run("", rpr))


TextRun = tuple[str, "etree._Element | None"]
"""A run to be made from its text and properties (the text may hold listing characters)."""


def listing_paragraphs(
    ppr: etree._Element | None, runs: Sequence[etree._Element | TextRun]
) -> list[etree._Element]:
    """The paragraphs of ``runs`` (elements, or texts with their run properties) as docxtpl renders
    a tag's text: ``\\a`` starts a new paragraph (``ppr``, the run's properties), ``\\t`` is a tab
    run, ``\\n`` a line break in the run.  The in-place draft writes values exactly as the template
    engine would."""
    groups: list[list[etree._Element]] = [[]]
    for item in runs:
        if not isinstance(item, tuple):
            groups[-1].append(item)
            continue
        text, rpr = item
        for i, chunk in enumerate(text.split("\a")):
            if i:
                groups.append([])
            for j, piece in enumerate(chunk.split("\t")):
                if j:
                    tab = etree.Element(w("r"))
                    if rpr is not None:
                        tab.append(copy.deepcopy(rpr))
                    etree.SubElement(tab, w("tab"))
                    groups[-1].append(tab)
                groups[-1].append(_run_with_breaks(piece, rpr))
    return [paragraph(ppr, group) for group in groups]


def highlighted(rpr: etree._Element | None, color: str) -> etree._Element:
    """A copy of ``rpr`` (or new run properties) with a highlight."""
    out = copy.deepcopy(rpr) if rpr is not None else etree.Element(w("rPr"))
    mark = etree.Element(w("highlight"))
    mark.set(w("val"), color)
    put_in_schema_order(out, mark, RPR_RANK)
    return out


def _run_with_breaks(text: str, rpr: etree._Element | None) -> etree._Element:
    lines = text.split("\n")
    r = run(lines[0], rpr)
    for line in lines[1:]:
        etree.SubElement(r, w("br"))
        t = etree.SubElement(r, w("t"))
        t.text = line
        t.set(XML_SPACE, "preserve")
    return r


def fragment(xml: str) -> list[etree._Element]:
    """The elements of a run-level WordprocessingML fragment (a context value the template inserts
    with ``{{r }}``), parsed with the hardened parser."""
    if not xml:
        return []
    root = parse_xml(f'<w:x xmlns:w="{W_NS}">{xml}</w:x>'.encode(), path="（案の部品）", part="fragment")
    return list(root)


def comment_element(comment_id: int, text: str, *, author: str, initials: str, date: str) -> etree._Element:
    """A ``w:comment`` as Word makes one: a paragraph per line in the CommentText style, the first
    starting with the annotation reference."""
    comment = etree.Element(w("comment"), nsmap={"w": W_NS})
    for name, value in (("id", str(comment_id)), ("author", author), ("initials", initials), ("date", date)):
        comment.set(w(name), value)
    for i, line in enumerate(text.split("\n")):
        p = etree.SubElement(comment, w("p"))
        etree.SubElement(etree.SubElement(p, w("pPr")), w("pStyle")).set(w("val"), "CommentText")
        if i == 0:
            ref = etree.SubElement(p, w("r"))
            etree.SubElement(etree.SubElement(ref, w("rPr")), w("rStyle")).set(w("val"), "CommentReference")
            etree.SubElement(ref, w("annotationRef"))
        p.append(run(line))
    return comment


def paragraph_text_nodes(p: etree._Element) -> list[wordml.Atom]:
    """The visible pieces of ``p``'s own text, in order (the floor's :func:`~komae_docx.wordml.text_atoms`:
    ``w:t``, tabs, no-break hyphens, symbols; not text boxes or deletions)."""
    return text_atoms(p)


def replace_spans(nodes: Sequence[wordml.Atom], replacements: Sequence[tuple[int, int, str]]) -> None:
    """Replace character spans of the concatenated text of ``nodes`` across run boundaries."""
    replace_atom_spans(nodes, replacements)


# --------------------------------------------------------------------------- cell properties


def tcpr(tc: etree._Element) -> etree._Element:
    """The cell's ``w:tcPr``, created first in the cell when missing."""
    props = tc.find(w("tcPr"))
    if props is None:
        props = etree.Element(w("tcPr"))
        tc.insert(0, props)
    return props


def put_tcpr_child(tc: etree._Element, child: etree._Element) -> None:
    """Insert or replace a ``w:tcPr`` child, in the order the schema requires."""
    put_in_schema_order(tcpr(tc), child, TCPR_RANK)


def set_cell_shading(tc: etree._Element, fill: str) -> None:
    """Shade the cell with ``fill`` (hex RGB, or a template expression such as ``{{ fill }}``)."""
    shd = etree.Element(w("shd"))
    shd.set(w("val"), "clear")
    shd.set(w("color"), "auto")
    shd.set(w("fill"), fill)
    put_tcpr_child(tc, shd)


def clear_cell_shading(tc: etree._Element) -> None:
    props = tc.find(w("tcPr"))
    shd = props.find(w("shd")) if props is not None else None
    if shd is not None and props is not None:
        props.remove(shd)


def cell_fill(tc: etree._Element) -> str | None:
    shd = tc.find(f"{W}tcPr/{W}shd")
    return shd.get(w("fill")) if shd is not None else None


# --------------------------------------------------------------------------- content controls


def _sdt_pr(alias: str, tag: str, control_id: int, rpr: etree._Element | None) -> etree._Element:
    pr = etree.Element(w("sdtPr"))
    if rpr is not None:
        pr.append(copy.deepcopy(rpr))
    etree.SubElement(pr, w("alias")).set(w("val"), alias)
    etree.SubElement(pr, w("tag")).set(w("val"), tag)
    etree.SubElement(pr, w("id")).set(w("val"), str(control_id))
    return pr


def _grey(rpr: etree._Element | None) -> etree._Element:
    grey = copy.deepcopy(rpr) if rpr is not None else etree.Element(w("rPr"))
    color = etree.Element(w("color"))
    color.set(w("val"), HINT_COLOR)
    put_in_schema_order(grey, color, RPR_RANK)
    return grey


def font_size(half_points: int) -> etree._Element:
    """A ``w:rPr`` with just a font size (``w:sz``/``w:szCs`` in half points)."""
    rpr = etree.Element(w("rPr"))
    for name in ("sz", "szCs"):
        etree.SubElement(rpr, w(name)).set(w("val"), str(half_points))
    return rpr


def set_highlight(r: etree._Element, color: str) -> None:
    """Highlight a run (``none`` for no highlight, or a template expression)."""
    rpr = r.find(w("rPr"))
    if rpr is None:
        rpr = etree.Element(w("rPr"))
        r.insert(0, rpr)
    highlight = etree.Element(w("highlight"))
    highlight.set(w("val"), color)
    put_in_schema_order(rpr, highlight, RPR_RANK)


def combo_box(
    *, alias: str, tag: str, control_id: int, items: Sequence[str], value: str | None,
    rpr: etree._Element | None = None,
) -> etree._Element:  # fmt: skip
    """A run-level combo box: pick one of ``items`` or type another text (such as ``1/3``).

    Unset (``value`` None) it shows its first item in grey as the placeholder, which the reader
    reads as "nothing chosen".
    """
    sdt = etree.Element(w("sdt"), nsmap={"w": W_NS})
    pr = _sdt_pr(alias, tag, control_id, rpr)
    sdt.append(pr)
    if value is None:
        etree.SubElement(pr, w("showingPlcHdr"))
    combo = etree.SubElement(pr, w("comboBox"))
    shown = value if value is not None else items[0]
    combo.set(w("lastValue"), shown)
    for item in items:
        li = etree.SubElement(combo, w("listItem"))
        li.set(w("displayText"), item)
        li.set(w("value"), item)
    content = etree.SubElement(sdt, w("sdtContent"))
    content.append(run(shown, _grey(rpr) if value is None else rpr))
    return sdt


def locked_text_control(
    *, alias: str, tag: str, control_id: int, hint: str, rpr: etree._Element | None = None
) -> etree._Element:
    """A run-level plain-text control that cannot be edited, showing ``hint`` in grey.

    The hint is the control's placeholder (``w:showingPlcHdr``): it tells staff what happens to the
    cell (「自動計算」) and is not the document's text, so the reader reads the cell as empty.
    """
    sdt = etree.Element(w("sdt"), nsmap={"w": W_NS})
    pr = _sdt_pr(alias, tag, control_id, _grey(rpr))
    etree.SubElement(pr, w("lock")).set(w("val"), "sdtContentLocked")
    etree.SubElement(pr, w("showingPlcHdr"))
    sdt.append(pr)  # a rich-text control: LibreOffice keeps its runs' grey (a w:text one it restyles)
    content = etree.SubElement(sdt, w("sdtContent"))
    content.append(run(hint, _grey(rpr)))
    return sdt


# --------------------------------------------------------------------------- marks in titles


def flat(text: str) -> str:
    """For matching only: width folded, every space removed."""
    return squash_spaces(fold_width(text)).replace(" ", "")


def mark_title(body: etree._Element, title: str, mark: str) -> bool:
    """``mark`` (「（案）」, 「（中間）」) after the first paragraph that reads ``title``."""
    wanted = flat(title)
    for p in body.iter(w("p")):
        text = visible_text(p)
        if text.strip() and flat(text) == wanted:
            append_run(p, mark)
            return True
    return False


def remove_title_marks(body: etree._Element, title: str, marks: tuple[str, ...]) -> bool:
    """Remove ``marks`` from the first paragraph that reads ``title`` (marks included)."""
    wanted = flat(title)
    for p in body.iter(w("p")):
        if flat(visible_text(p)) == wanted:
            return bool(remove_marks(p, marks))
    return False


def remove_marks(p: etree._Element, marks: tuple[str, ...]) -> int:
    """Remove each of ``marks`` from the paragraph's text (a run left empty goes); how many went."""
    removed = 0
    for t in list(p.iter(w("t"))):
        here = [mark for mark in marks if t.text and mark in t.text]
        for mark in here:
            t.text = (t.text or "").replace(mark, "")
        removed += len(here)
        r = t.getparent()
        if here and not t.text and r is not None and len(r.findall(w("t"))) == 1:
            holder = r.getparent()
            if holder is not None:
                holder.remove(r)
    return removed


# --- finalize
# Primitives of `finalize` (writing/finalize.py, writing/pagination.py): what a published report
# drops (entry controls, the tool's comments, entry shading and highlights), bookmarks and PAGEREF
# fields, the settings flag that makes Word update fields, vertical merges of cloned rows.


_REVISION_MARKS = {w("ins"), w("del"), w("moveFrom"), w("moveTo"), w("rPrChange")}


def text_rpr(container: etree._Element) -> etree._Element | None:
    """The formatting a cell's (or paragraph's) text shows: the first run with visible text that is
    not a grey hint, else the first paragraph mark's (a cleared cell keeps its format there).

    Unlike :func:`first_rpr` this skips empty runs, which a draft leaves without formatting.
    """
    for r in container.iter(w("r")):
        if any((t.text or "").strip() for t in r.findall(w("t"))):
            rpr = r.find(w("rPr"))
            colors = rpr.findall(w("color")) if rpr is not None else []
            if not any(c.get(w("val")) == HINT_COLOR for c in colors):
                return without_revisions(rpr)
    mark = container.find(f".//{W}pPr/{W}rPr")
    if mark is None:
        return None
    rpr = etree.Element(w("rPr"))
    rpr.extend(copy.deepcopy(child) for child in mark if child.tag not in _REVISION_MARKS)
    return rpr


def write_cell_text(tc: etree._Element, text: str) -> None:
    """Replace the cell's content by ``text`` (lines = paragraphs) in the format its text shows."""
    ppr, rpr = first_ppr(tc), text_rpr(tc)
    lines = text.split("\n") if text else []
    set_cell_paragraphs(tc, [paragraph(ppr, [run(line, rpr)]) for line in lines] or [paragraph(ppr, [])])


def append_run(p: etree._Element, text: str) -> None:
    """Append ``text`` to ``p`` in a run formatted like the paragraph's last text run."""
    runs = [r for r in p.iter(w("r")) if r.find(w("t")) is not None]
    rpr = without_revisions(runs[-1].find(w("rPr"))) if runs else None
    p.append(run(text, rpr))


def set_vmerge(tc: etree._Element, value: str | None) -> None:
    """Make the cell start (``"restart"``), continue (``"continue"``) or leave (None) a vertical merge."""
    props = tcpr(tc)
    old = props.find(w("vMerge"))
    if old is not None:
        props.remove(old)
    if value is None:
        return
    el = etree.Element(w("vMerge"))
    if value == "restart":
        el.set(w("val"), "restart")
    put_tcpr_child(tc, el)


def unwrap_content_controls(root: etree._Element) -> int:
    """Replace every content control by its content: the text chosen or typed stays, the box goes.

    Building blocks (``w:docPartObj``, a Word table of contents or cover page) are left alone.  A
    control still showing its placeholder holds a hint, not the document's text: a run-level one
    goes with its hint, a block-level one leaves its paragraphs empty.
    """
    count = 0
    for sdt in list(root.iter(w("sdt"))):
        parent = sdt.getparent()
        if parent is None or sdt.find(f"{W}sdtPr/{W}docPartObj") is not None:
            continue
        content = sdt.find(w("sdtContent"))
        children = list(content) if content is not None else []
        placeholder = sdt.find(f"{W}sdtPr/{W}showingPlcHdr") is not None
        if placeholder and all(child.tag == w("r") for child in children):
            children = []
        index = parent.index(sdt)
        for offset, child in enumerate(children):
            parent.insert(index + offset, child)
        parent.remove(sdt)
        for child in children:
            if placeholder:
                for t in child.iter(w("t")):
                    t.text = ""
            for color in list(child.iter(w("color"))):
                holder = color.getparent()
                if color.get(w("val")) == HINT_COLOR and holder is not None:
                    holder.remove(color)
        count += 1
    return count


def comment_ids_by_author(comments: etree._Element, author: str) -> set[str]:
    return {c.get(w("id")) or "" for c in comments.findall(w("comment")) if c.get(w("author")) == author}


def remove_comments(document: etree._Element, comments: etree._Element, ids: set[str]) -> None:
    """Remove the comments ``ids`` from the comments part and their ranges and references."""
    for comment in comments.findall(w("comment")):
        if comment.get(w("id")) in ids:
            comments.remove(comment)
    for tag in ("commentRangeStart", "commentRangeEnd", "commentReference"):
        for el in list(document.iter(w(tag))):
            parent = el.getparent()
            if parent is None or el.get(w("id")) not in ids:
                continue
            parent.remove(el)
            if parent.tag == w("r") and all(child.tag == w("rPr") for child in parent):
                grand = parent.getparent()
                if grand is not None:
                    grand.remove(parent)


def remove_fills(root: etree._Element, fills: frozenset[str]) -> int:
    """Remove shading (cells, paragraphs, runs) whose fill is one of ``fills`` (upper-case hex)."""
    removed = 0
    for shd in list(root.iter(w("shd"))):
        parent = shd.getparent()
        if parent is not None and (shd.get(w("fill")) or "").upper() in fills:
            parent.remove(shd)
            removed += 1
    return removed


def remove_highlights(root: etree._Element, colours: frozenset[str]) -> int:
    removed = 0
    for mark in list(root.iter(w("highlight"))):
        parent = mark.getparent()
        if parent is not None and mark.get(w("val")) in colours:
            parent.remove(mark)
            removed += 1
    return removed


def unwrap_fields(root: etree._Element, instruction: str) -> int:
    """Turn complex fields whose code contains ``instruction`` into their shown text.

    The field's marks (``begin``, code, ``separate``, ``end``) go; the result runs stay as they are.
    Returns the number of fields unwrapped.
    """
    count = 0
    for p in list(root.iter(w("p"))):
        runs = [r for r in p.iter(w("r"))]
        i = 0
        while i < len(runs):
            if _fld_char(runs[i]) != "begin":
                i += 1
                continue
            end = next((j for j in range(i + 1, len(runs)) if _fld_char(runs[j]) == "end"), None)
            if end is None:
                break
            field_runs = runs[i : end + 1]
            code = "".join(t.text or "" for r in field_runs for t in r.iter(w("instrText")))
            if instruction in code and not any(_fld_char(r) == "begin" for r in field_runs[1:]):
                separate = next((k for k, r in enumerate(field_runs) if _fld_char(r) == "separate"), None)
                marks = field_runs[: (separate if separate is not None else len(field_runs) - 1) + 1]
                for r in [*marks, field_runs[-1]]:
                    parent = r.getparent()
                    if parent is not None:
                        parent.remove(r)
                count += 1
            i = end + 1
    return count


def _fld_char(r: etree._Element) -> str | None:
    mark = r.find(w("fldChar"))
    return mark.get(w("fldCharType")) if mark is not None else None


def remove_bookmarks(root: etree._Element, prefix: str) -> int:
    """Remove the bookmarks whose names start with ``prefix`` (both ends); returns how many."""
    ids = set()
    for start in list(root.iter(w("bookmarkStart"))):
        parent = start.getparent()
        if parent is not None and (start.get(w("name")) or "").startswith(prefix):
            ids.add(start.get(w("id")))
            parent.remove(start)
    for end in list(root.iter(w("bookmarkEnd"))):
        parent = end.getparent()
        if parent is not None and end.get(w("id")) in ids:
            parent.remove(end)
    return len(ids)


class Bookmarks:
    """Adds bookmarks to a body with ids after the highest one it holds."""

    def __init__(self, body: etree._Element) -> None:
        starts = list(body.iter(w("bookmarkStart")))
        ids = [int(v) for b in starts if (v := b.get(w("id")) or "").isdigit()]
        self.next_id = max(ids, default=0) + 1
        self.names = {b.get(w("name")) for b in starts}

    def add(self, p: etree._Element, name: str, *, at_end: bool = False) -> str:
        """A (collapsed) bookmark ``name`` at the start (or end) of paragraph ``p``; kept if it exists."""
        if name in self.names:
            return name
        position = len(p) if at_end else 1 if len(p) and p[0].tag == w("pPr") else 0
        p.insert(position, etree.Element(w("bookmarkEnd"), {w("id"): str(self.next_id)}))
        p.insert(position, etree.Element(w("bookmarkStart"), {w("id"): str(self.next_id), w("name"): name}))
        self.next_id += 1
        self.names.add(name)
        return name


def pageref_runs(bookmark: str, shown: str, rpr: etree._Element | None = None) -> list[etree._Element]:
    """The runs of a ``PAGEREF <bookmark> \\h`` field showing ``shown`` until it is updated."""
    runs: list[etree._Element] = []
    for kind in ("begin", "instr", "separate", "shown", "end"):
        if kind == "shown":
            runs.append(run(shown, rpr))
            continue
        r = etree.Element(w("r"))
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        if kind == "instr":
            instr = etree.SubElement(r, w("instrText"))
            instr.text = f" PAGEREF {bookmark} \\h "
            instr.set(XML_SPACE, "preserve")
        else:
            etree.SubElement(r, w("fldChar"), {w("fldCharType"): kind})
        runs.append(r)
    return runs


def request_field_update(settings: etree._Element) -> None:
    """``<w:updateFields w:val="true"/>`` in its schema place: Word updates fields when it opens the file."""
    if settings.find(w("updateFields")) is not None:
        return
    flag = etree.Element(w("updateFields"), {w("val"): "true"})
    later = next((c for c in settings if etree.QName(c).localname in SETTINGS_AFTER_UPDATE_FIELDS), None)
    if later is not None:
        later.addprevious(flag)
    else:
        settings.append(flag)
