"""Variants of the example with the markup staff files really carry (issue 24, the second wave).

Each builder copies ``examples/r5_report.docx`` and adds one construct the way Word (or LibreOffice)
writes it, per ECMA-376 Part 1 and Word's own output: hidden text (``w:vanish``, ``w:specVanish``,
a character style with ``w:vanish``), date fields (``w:fldSimple`` and ``w:fldChar``/``w:instrText``),
a result typed after its content control was deleted, imported chunks (``w:altChunk`` with an
``aFChunk`` relationship to an .htm / .txt part), the 刊行物番号 inside a text box (DrawingML with
its VML fallback, and VML alone), and a number typed with full-width characters.  Places are found
by the reader's anchors of the original or by the city's own text, never by a guessed index.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

from lxml import etree

from komae_docx.model import Report
from komae_docx.wordml import RPR_RANK, put_in_schema_order

from .conftest import EXAMPLE
from .docx_edit import cell_at as tc_at
from .docx_edit import rewrite_part, rows_of, top_tables
from .word365 import (
    DOCUMENT,
    R_NS,
    REL_TYPE,
    XML_SPACE,
    W,
    _add_parts,
    do_cell,
    example,
    first_text_run,
    run,
    text_of,
    variant,
    w,
)

# --------------------------------------------------------------------------- hidden text

HIDDEN_MEMO = "※内部メモ：件数は担当課に確認中のため公表しない"
"""A staff memo typed in a Do cell and hidden (Home → Font → Hidden, Ctrl+Shift+H), highlighted."""
HIDDEN_BEFORE_GRADE = "（仮）"
"""A hidden run before a measure's grade: the printed cell still says only the grade."""
SPEC_VANISH_TEXT = "【要確認】"
STYLED_MEMO = "前年度担当：山田"
HIDDEN_STYLE_ID = "HiddenMemo"


def _hidden_rpr(base: etree._Element | None, *marks: str) -> etree._Element:
    """``base`` run properties (the city's font and size) with ``marks`` put in schema order."""
    rpr = copy.deepcopy(base) if base is not None else w("rPr")
    for mark in marks:
        if mark == "highlight":
            put_in_schema_order(rpr, w("highlight", val="yellow"), RPR_RANK)
        elif mark == "rStyle":
            put_in_schema_order(rpr, w("rStyle", val=HIDDEN_STYLE_ID), RPR_RANK)
        else:
            put_in_schema_order(rpr, w(mark), RPR_RANK)
    return rpr


def grade_cell(body: etree._Element, report: Report, which: int = 0) -> etree._Element:
    """The grade (Check) cell of the ``which``-th measure row of 地域福祉計画 (the reader's anchors)."""
    plan = report.plans[0]
    rows = [(sheet, m) for sheet in plan.sheets for m in sheet.measures]
    sheet, measure = rows[which]
    assert sheet.anchor is not None
    tr = rows_of(top_tables(body)[sheet.anchor.table])[measure.row]
    return tc_at(tr, sheet.anchor.columns["check"])


def with_hidden_text(out: Path) -> Path:
    """Hidden text as Word writes it: a highlighted hidden memo after the first Do text, a hidden
    「（仮）」 before the first measure's grade, a ``w:specVanish`` run in the second Do cell and a
    run in a hidden character style (``w:vanish`` in styles.xml) in the third."""
    report = example()

    def styles(root: etree._Element) -> None:
        style = w("style", type="character", customStyle="1", styleId=HIDDEN_STYLE_ID)
        style.append(w("name", val="非表示メモ"))
        style.append(w("uiPriority", val="1"))
        style.append(w("qFormat"))
        rpr = etree.SubElement(style, f"{W}rPr")
        rpr.append(w("vanish"))
        root.append(style)

    step = rewrite_part(EXAMPLE, out / "hidden_styles.docx", "word/styles.xml", styles)

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        first = first_text_run(do_cell(body, report, 0))
        base = first.find(f"{W}rPr")
        first.addnext(run(HIDDEN_MEMO, _hidden_rpr(base, "vanish", "highlight")))
        grade_run = first_text_run(grade_cell(body, report, 0))
        grade_run.addprevious(run(HIDDEN_BEFORE_GRADE, _hidden_rpr(grade_run.find(f"{W}rPr"), "vanish")))
        second = first_text_run(do_cell(body, report, 1))
        second.addprevious(run(SPEC_VANISH_TEXT, _hidden_rpr(second.find(f"{W}rPr"), "specVanish")))
        third = first_text_run(do_cell(body, report, 2))
        third.addnext(run(STYLED_MEMO, _hidden_rpr(third.find(f"{W}rPr"), "rStyle")))

    return rewrite_part(step, out / "hidden.docx", DOCUMENT, edit)


# --------------------------------------------------------------------------- the whole way


def document_text(path: Path, part: str = DOCUMENT) -> str:
    """Every ``w:t`` of a part (hidden or not): what the file holds, not only what it prints."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        if part not in archive.namelist():
            return ""
        return text_of(etree.fromstring(archive.read(part)))


def fill_and_finalize(draft: Path, folder: Path, last_year: Report, *, number: str | None = "R7-15") -> Path:
    """The draft filled with last year's texts and results as a department does in Word
    (tests/filler.py), then finalized; the published report's path."""
    from komae_docx import api

    from .filler import fill_draft, last_years_fill

    fill = last_years_fill(last_year, api.read(draft).value)
    filled = fill_draft(draft, folder / "filled.docx", fill)
    target = folder / "published.docx"
    result = api.finalize(filled, target, number=number, pages="fields", drop_comments=True)
    assert result.value.path is not None, [m.describe() for m in result.messages]
    return result.value.path


# --------------------------------------------------------------------------- the 刊行物番号

MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
WP_NS = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
VML_NS = "urn:schemas-microsoft-com:vml"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
O_NS = "urn:schemas-microsoft-com:office:office"
NUMBER_LINE = "刊行物番号"


def _number_paragraph(body: etree._Element) -> etree._Element:
    return next(p for p in body.iter(f"{W}p") if text_of(p).startswith(NUMBER_LINE))


def with_full_width_number(out: Path) -> Path:
    """The colophon's 「R6-22」 retyped in Word with the IME on: 「R6－22」 (FULLWIDTH HYPHEN-MINUS)."""

    def edit(root: etree._Element) -> None:
        p = _number_paragraph(root)
        for t in p.iter(f"{W}t"):
            if "-" in (t.text or ""):
                t.text = (t.text or "").replace("-", "－")
                return
        raise AssertionError("no hyphen in the number")

    return variant("fullwidth_number", out, edit)


def type_number(draft: Path, out: Path, typed: str) -> Path:
    """A draft whose 「R7-〇〇」 a clerk selected and overtyped with ``typed`` in Word (one run)."""

    def edit(root: etree._Element) -> None:
        for t in root.iter(f"{W}t"):
            text = t.text or ""
            if "〇〇" in text and "R" in text:
                start = text.index("R")
                t.text = text[:start] + typed + text[text.index("〇〇") + 2 :]
                t.set(XML_SPACE, "preserve")
                return
        raise AssertionError("no number placeholder in one run of the draft")

    return rewrite_part(draft, out, DOCUMENT, edit)


def _box_run(body: etree._Element) -> etree._Element:
    """A copy of the first text-box run of the example (the 進捗評価の流れ boxes, as Word wrote
    them: ``mc:AlternateContent`` with a ``wps:wsp`` choice and its VML fallback)."""
    alternate = next(
        a
        for a in body.iter(f"{{{MC_NS}}}AlternateContent")
        if next(a.iter(f"{W}txbxContent"), None) is not None
    )
    holder = alternate.getparent()
    assert holder is not None and holder.tag == f"{W}r"
    box = copy.deepcopy(holder)
    name = "テキスト ボックス 900"  # a new shape: its own drawing id and VML shape id
    for doc_pr in box.iter(f"{{{WP_NS}}}docPr"):
        doc_pr.set("id", "900")
        doc_pr.set("name", name)
    for pict in box.iter(f"{W}pict"):
        for shape in pict.iter():
            if shape.get("id") is not None:
                shape.set("id", name)
                shape.set(f"{{{O_NS}}}spid", "_x0000_s1900")
                style = re.sub(r"width:[0-9.]+pt", "width:198pt", shape.get("style") or "")
                shape.set("style", re.sub(r"height:[0-9.]+pt", "height:28.35pt", style))
    for extent in (*box.iter(f"{{{WP_NS}}}extent"), *box.iter(f"{{{A_NS}}}ext")):
        extent.set("cx", "2514600")  # 7 cm × 1 cm: the line fits on one line
        extent.set("cy", "360045")
    for shapetype in list(box.iter(f"{{{VML_NS}}}shapetype")):  # defined once, by the original
        parent = shapetype.getparent()
        assert parent is not None
        parent.remove(shapetype)
    return box


def _put_in_box(p: etree._Element, box_run: etree._Element) -> None:
    """Move ``p``'s runs into each ``w:txbxContent`` of ``box_run`` and anchor the box in ``p``."""
    line = copy.deepcopy(p)
    for content in box_run.iter(f"{W}txbxContent"):
        for child in list(content):
            content.remove(child)
        content.append(copy.deepcopy(line))
    for child in list(p):
        if child.tag != f"{W}pPr":
            p.remove(child)
    p.append(box_run)


def with_number_in_text_box(out: Path) -> Path:
    """The 刊行物番号 line laid out in a text box (Insert → Text Box), as Word 365 saves it: a
    DrawingML ``wps:txbx`` with its VML ``v:textbox`` fallback."""

    def edit(root: etree._Element) -> None:
        _put_in_box(_number_paragraph(root), _box_run(root))

    return variant("number_box", out, edit)


def with_number_in_vml_text_box(out: Path) -> Path:
    """The 刊行物番号 line in a VML text box alone (``w:pict``/``v:shape``/``v:textbox``), as Word
    writes text boxes in a file kept in compatibility mode and LibreOffice writes frames."""

    def edit(root: etree._Element) -> None:
        box = _box_run(root)
        alternate = box.find(f"{{{MC_NS}}}AlternateContent")
        assert alternate is not None
        pict = alternate.find(f"{{{MC_NS}}}Fallback/{W}pict")
        assert pict is not None
        box.replace(alternate, pict)
        _put_in_box(_number_paragraph(root), box)

    return variant("number_vml_box", out, edit)


# --------------------------------------------------------------------------- a deleted result control

RESULT_TAG = "komae-docx:result"


def _result_control(body: etree._Element, report: Report, project_id: str) -> etree._Element:
    """The result control (``w:sdt`` tagged komae-docx:result) in the Check cell of the project's
    first row (the reader's anchors of the draft)."""
    for plan, _, project in report.iter_projects():
        if project.id != project_id:
            continue
        entry = project.entries[0]
        sheet = next(s for s in plan.sheets if s.index == entry.sheet)
        assert sheet.anchor is not None
        tr = rows_of(top_tables(body)[sheet.anchor.table])[entry.row]
        tc = tc_at(tr, sheet.anchor.columns["check"])
        tagged = f"{W}sdtPr/{W}tag[@{W}val='{RESULT_TAG}']"
        return next(s for s in tc.iter(f"{W}sdt") if s.find(tagged) is not None)
    raise AssertionError(f"no project {project_id}")


def without_result_controls(filled: Path, out: Path, removed: dict[str, str | None]) -> Path:
    """A filled draft in which a clerk removed result controls, project by project:

    * ``None``: Developer → Remove Content Control (Word keeps the chosen text as plain runs);
    * a text: the control selected and deleted, then the result typed in the empty cell (a plain
      run with the paragraph's run properties); ``""`` leaves the cell empty.
    """
    from komae_docx import api

    report = api.read(filled).value

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        for project_id, typed in removed.items():
            sdt = _result_control(body, report, project_id)
            parent = sdt.getparent()
            assert parent is not None
            content = sdt.find(f"{W}sdtContent")
            runs = content.findall(f".//{W}r") if content is not None else []
            at = parent.index(sdt)
            parent.remove(sdt)
            if typed is None:
                for offset, r in enumerate(runs):
                    parent.insert(at + offset, r)
            elif typed:
                rpr = runs[0].find(f"{W}rPr") if runs else None
                parent.insert(at, run(typed, rpr))

    return rewrite_part(filled, out, DOCUMENT, edit)


# --------------------------------------------------------------------------- imported chunks (w:altChunk)

AF_CHUNK = REL_TYPE + "aFChunk"


def _xhtml(paragraphs: list[str]) -> bytes:
    """An XHTML chunk as a program writes one for Word to import: one ``<p>`` per paragraph."""
    from xml.sax.saxutils import escape

    body = "".join(f"<p>{escape(text)}</p>" for text in paragraphs)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml"><head><meta charset="utf-8"/><title>Do</title></head>'
        f"<body>{body}</body></html>"
    ).encode()


def _chunk_in_cell(tc: etree._Element, rid: str) -> None:
    """The cell's paragraphs replaced by ``<w:altChunk r:id>`` and the empty paragraph Word keeps
    last in a cell (a cell ends with a paragraph); the first paragraph's properties stay."""
    paragraphs = [p for p in tc if p.tag == f"{W}p"]
    last = copy.deepcopy(paragraphs[0])
    for child in list(last):
        if child.tag != f"{W}pPr":
            last.remove(child)
    for p in paragraphs:
        tc.remove(p)
    chunk = etree.SubElement(tc, f"{W}altChunk")
    chunk.set(f"{{{R_NS}}}id", rid)
    tc.append(last)


def with_alt_chunks(out: Path, *, unreadable: bool = False) -> Path:
    """The first Do text imported as an XHTML chunk (``application/xhtml+xml``, afchunk1.htm) and the
    second as a plain-text chunk (``text/plain``, afchunk2.txt), each anchored by ``w:altChunk`` in
    its Do cell through an ``aFChunk`` relationship; with ``unreadable`` the third Do text is an RTF
    chunk (``application/rtf``) too."""
    report = example()
    dos = [e.do for m in report.plans[0].iter_measures() for p in m.projects for e in p.entries]
    parts = {
        "word/afchunk1.htm": _xhtml(dos[0]),
        "word/afchunk2.txt": "\r\n".join(dos[1]).encode("utf-8"),
    }
    rels = [("AltChunkId1", AF_CHUNK, "afchunk1.htm"), ("AltChunkId2", AF_CHUNK, "afchunk2.txt")]
    types = [("/word/afchunk1.htm", "application/xhtml+xml"), ("/word/afchunk2.txt", "text/plain")]
    if unreadable:
        parts["word/afchunk3.rtf"] = b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 MS Mincho;}}\\f0 chunk}"
        rels.append(("AltChunkId3", AF_CHUNK, "afchunk3.rtf"))
        types.append(("/word/afchunk3.rtf", "application/rtf"))

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        for which, (rid, _, _) in enumerate(rels):
            _chunk_in_cell(do_cell(body, report, which), rid)

    name = "altchunk_rtf.docx" if unreadable else "altchunk.docx"
    return _add_parts(EXAMPLE, out / name, parts, rels, types, edit)


# --------------------------------------------------------------------------- Strict Open XML

def _strict_uris() -> dict[str, str]:
    from komae_docx.opcnames import STRICT_TO_TRANSITIONAL as _STRICT_TO_TRANSITIONAL

    return {transitional: strict for strict, transitional in _STRICT_TO_TRANSITIONAL.items()}


def _to_strict(data: bytes, uris: dict[str, str]) -> bytes:
    """A part's XML with Transitional namespace URIs and relationship types in their Strict form."""
    text = data.decode("utf-8")
    for transitional, strict in sorted(uris.items(), key=lambda item: -len(item[0])):
        text = text.replace(f'"{transitional}"', f'"{strict}"')
    text = text.replace(
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
        "http://purl.oclc.org/ooxml/officeDocument/relationships/",
    )
    return text.encode("utf-8")


def as_strict(src: Path, out: Path, *, boxes: str = "vml") -> Path:
    """``src`` saved as Word's 「Strict Open XML ドキュメント」: every XML part in the Strict
    namespaces (ISO/IEC 29500 Strict), relationship types in their Strict form, ``w:conformance``
    set.  Word declares no ``wps`` (Word 2010 shapes) at the root of a Strict file: a text box is its
    VML ``v:shape``/``v:textbox`` alone (``boxes="vml"``), or, as other producers write Strict, its
    DrawingML ``wps:txbx`` alone (``boxes="drawingml"``); the ``mc:AlternateContent`` is gone."""
    import zipfile

    uris = _strict_uris()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == DOCUMENT:
                root = etree.fromstring(data)
                kept = f"{{{MC_NS}}}Fallback" if boxes == "vml" else f"{{{MC_NS}}}Choice"
                for alternate in list(root.iter(f"{{{MC_NS}}}AlternateContent")):
                    branch = alternate.find(kept)
                    parent = alternate.getparent()
                    assert parent is not None
                    at = parent.index(alternate)
                    for offset, child in enumerate(list(branch) if branch is not None else []):
                        parent.insert(at + offset, child)
                    parent.remove(alternate)
                root.set(f"{W}conformance", "strict")
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            if item.filename.endswith((".xml", ".rels")) and item.filename != "[Content_Types].xml":
                data = _to_strict(data, uris)
            zout.writestr(item, data)
    return out


def with_unplaceable_group_box(out: Path) -> Path:
    """The 進捗評価の流れ drawn as one group (tests/word365.py), one of whose boxes has lost its
    position (``a:xfrm``): the reader cannot place it in a month's cell."""
    from .word365 import with_grouped_flow_diagram

    group = with_grouped_flow_diagram(out)

    def edit(root: etree._Element) -> None:
        wps = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}"
        for shape in root.iter(f"{wps}wsp"):
            if UNPLACED_BOX in text_of(shape):
                xfrm = shape.find(f"{wps}spPr/{{{A_NS}}}xfrm")
                assert xfrm is not None
                xfrm.getparent().remove(xfrm)  # type: ignore[union-attr]
                return
        raise AssertionError("no such box in the group")

    return rewrite_part(group, out / "group_unplaced.docx", DOCUMENT, edit)


UNPLACED_BOX = "庁議①"


# --------------------------------------------------------------------------- date fields

COVER_DATE_CODE = ' DATE  \\@ "ggge年M月"  \\* MERGEFORMAT '
"""Insert → Date and Time, 「令和6年9月」 picked, 「自動的に更新する」 ticked: Word's field code."""
COVER_DATE_SHOWN = "令和6年9月"
COLOPHON_FIELD_CODE = ' SAVEDATE  \\@ "ggge年M月" '


def _complex_field(code: str, shown: str, rpr: etree._Element | None) -> list[etree._Element]:
    """A complex field as Word writes it: begin, the code, separate, the cached result, end."""

    def char(kind: str) -> etree._Element:
        r = w("r")
        if rpr is not None:
            r.append(copy.deepcopy(rpr))
        r.append(w("fldChar", fldCharType=kind))
        return r

    instr = w("r")
    if rpr is not None:
        instr.append(copy.deepcopy(rpr))
    text = etree.SubElement(instr, f"{W}instrText")
    text.text = code
    text.set(XML_SPACE, "preserve")
    return [char("begin"), instr, char("separate"), run(shown, rpr), char("end")]


def _cover_paragraph(body: etree._Element) -> etree._Element:
    """The empty paragraph after the cover's 「令和5年度報告書」 (the cover's own blank lines)."""
    title = next(p for p in body.iter(f"{W}p") if text_of(p) == "令和5年度報告書")
    following = title.getnext()
    assert following is not None and following.tag == f"{W}p" and not text_of(following)
    return following


def with_date_fields(out: Path, *, cover_code: str = COVER_DATE_CODE) -> Path:
    """The cover's blank line under 「令和5年度報告書」 holding a DATE field showing 「令和6年9月」
    (a complex field), and the colophon's 「令和6年9月発行」 with its month as a simple field
    (``w:fldSimple``, SAVEDATE), as Word writes both."""

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        cover = _cover_paragraph(body)
        ppr = cover.find(f"{W}pPr")
        rpr = ppr.find(f"{W}rPr") if ppr is not None else None
        jc = w("jc", val="center")
        if ppr is not None and ppr.find(f"{W}jc") is None:
            put_in_schema_order(ppr, jc, {f"{W}{n}": i for i, n in enumerate(_PPR_ORDER)})
        for r in _complex_field(cover_code, COVER_DATE_SHOWN, _run_props(rpr)):
            cover.append(r)
        colophon = next(p for p in body.iter(f"{W}p") if text_of(p) == "令和6年9月発行")
        runs = [r for r in colophon if r.tag == f"{W}r"]
        rpr_el = runs[0].find(f"{W}rPr")
        for r in runs:
            colophon.remove(r)
        simple = w("fldSimple", instr=COLOPHON_FIELD_CODE)
        simple.append(run("令和6年9月", rpr_el))
        colophon.append(simple)
        colophon.append(run("発行", rpr_el))

    return variant("datefields", out, edit)


_PPR_ORDER = (
    "pStyle", "keepNext", "keepLines", "pageBreakBefore", "framePr", "widowControl", "numPr",
    "suppressLineNumbers", "pBdr", "shd", "tabs", "suppressAutoHyphens", "kinsoku", "wordWrap",
    "overflowPunct", "topLinePunct", "autoSpaceDE", "autoSpaceDN", "bidi", "adjustRightInd",
    "snapToGrid", "spacing", "ind", "contextualSpacing", "mirrorIndents", "suppressOverlap", "jc",
    "textDirection", "textAlignment", "textboxTightWrap", "outlineLvl", "divId", "cnfStyle", "rPr",
    "sectPr", "pPrChange",
)  # fmt: skip


def _run_props(mark: etree._Element | None) -> etree._Element | None:
    """Run properties like the paragraph mark's (what Word gives text typed into an empty line)."""
    if mark is None:
        return None
    rpr = copy.deepcopy(mark)
    for revision in list(rpr):
        if revision.tag in (f"{W}ins", f"{W}del", f"{W}rPrChange"):
            rpr.remove(revision)
    return rpr
