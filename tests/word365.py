"""Variants of the example the way Word 365 writes each construct a city file may hold.

Each builder copies ``examples/r5_report.docx`` and edits only what Word writes for the construct,
in Word's own markup (element names, attributes, the parts and relationships it adds).  Places are
found by what the city's text says (a measure title, the 刊行物番号 line, the 評価総括表's empty
cells) or by the reader's anchors of the original, never by an index guessed from the output.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path

from lxml import etree

from komae_docx import api
from komae_docx.model import Report
from komae_docx.wordml import RPR_RANK, put_in_schema_order

from .conftest import EXAMPLE
from .docx_edit import cell_at, replace_parts, rewrite_part, rows_of, top_tables

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
DOCUMENT = "word/document.xml"
OTHER_AUTHOR = "福祉政策課 山田"
REL_TYPE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"


def w(tag: str, **attrs: str) -> etree._Element:
    el = etree.Element(f"{W}{tag}")
    for key, value in attrs.items():
        el.set(f"{W}{key}", value)
    return el


def run(text: str, rpr: etree._Element | None = None) -> etree._Element:
    r = w("r")
    if rpr is not None:
        r.append(copy.deepcopy(rpr))
    t = etree.SubElement(r, f"{W}t")
    t.text = text
    t.set(XML_SPACE, "preserve")
    return r


def text_of(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def example() -> Report:
    return api.read(EXAMPLE).value


def do_cell(body: etree._Element, report: Report, which: int = 0) -> etree._Element:
    """The Do cell of the ``which``-th project entry of 地域福祉計画 (the reader's anchors)."""
    plan = report.plans[0]
    entries = [e for m in plan.iter_measures() for p in m.projects for e in p.entries]
    entry = entries[which]
    sheet = next(s for s in plan.sheets if s.index == entry.sheet)
    assert sheet.anchor is not None
    tr = rows_of(top_tables(body)[sheet.anchor.table])[entry.row]
    return cell_at(tr, sheet.anchor.columns["do"])


def first_text_run(el: etree._Element) -> etree._Element:
    return next(r for r in el.iter(f"{W}r") if r.find(f"{W}t") is not None and text_of(r).strip())


def variant(name: str, out: Path, edit: Callable[[etree._Element], None]) -> Path:
    return rewrite_part(EXAMPLE, out / f"{name}.docx", DOCUMENT, edit)


# --------------------------------------------------------------------------- symbols, ruby, hyphens

WINGDINGS_CHECK = "F0FC"
"""Wingdings' check mark, as Word stores it (private use area)."""
WINGDINGS_UNMAPPED = "F0C5"
"""A Wingdings character the tool has no Unicode mapping for."""


def with_symbols(out: Path) -> Path:
    """A Do text starting with a Wingdings check mark (Insert → Symbol), and a second Do text with a
    Wingdings character that has no Unicode twin."""
    report = example()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        for which, char in ((0, WINGDINGS_CHECK), (1, WINGDINGS_UNMAPPED)):
            first = first_text_run(do_cell(body, report, which))
            r = w("r")
            rpr = first.find(f"{W}rPr")
            if rpr is not None:
                r.append(copy.deepcopy(rpr))
            r.append(w("sym", font="Wingdings", char=char))
            first.addprevious(r)

    return variant("sym", out, edit)


def with_ruby(out: Path) -> Path:
    """「包括」 in measure 1－(1)'s title with the furigana 「ほうかつ」 (Home → Phonetic Guide)."""

    def edit(root: etree._Element) -> None:
        for t in root.iter(f"{W}t"):
            text = t.text or ""
            if "包括的な切れ目" not in text:
                continue
            r = t.getparent()
            assert r is not None
            rpr = r.find(f"{W}rPr")
            head, tail = text.split("包括", 1)
            t.text = head
            t.set(XML_SPACE, "preserve")
            ruby_run = w("r")
            ruby = etree.SubElement(ruby_run, f"{W}ruby")
            pr = etree.SubElement(ruby, f"{W}rubyPr")
            etree.SubElement(pr, f"{W}rubyAlign").set(f"{W}val", "distributeSpace")
            etree.SubElement(pr, f"{W}hps").set(f"{W}val", "10")
            etree.SubElement(pr, f"{W}hpsRaise").set(f"{W}val", "18")
            etree.SubElement(pr, f"{W}hpsBaseText").set(f"{W}val", "21")
            etree.SubElement(pr, f"{W}lid").set(f"{W}val", "ja-JP")
            etree.SubElement(ruby, f"{W}rt").append(run("ほうかつ", rpr))
            etree.SubElement(ruby, f"{W}rubyBase").append(run("包括", rpr))
            r.addnext(ruby_run)
            ruby_run.addnext(run(tail, rpr))
            return
        raise AssertionError("measure title not found")

    return variant("ruby", out, edit)


def with_no_break_hyphen(out: Path) -> Path:
    """刊行物番号 R6‑22 typed with Ctrl+Shift+- : Word writes ``w:noBreakHyphen`` for the hyphen."""

    def edit(root: etree._Element) -> None:
        for t in root.iter(f"{W}t"):
            if t.text == "-22":
                r = t.getparent()
                assert r is not None
                t.addprevious(w("noBreakHyphen"))
                t.text = "22"
                return
        raise AssertionError("no -22 run")

    return variant("nobreakhyphen", out, edit)


def split_number_like_libreoffice(draft: Path, out: Path) -> Path:
    """A draft saved by LibreOffice: 「R7-〇〇」 stored as two runs, 「R7-」 and 「〇〇」."""

    def edit(root: etree._Element) -> None:
        for t in root.iter(f"{W}t"):
            text = t.text or ""
            match = re.search(r"R\d+-〇〇", text)
            if match is None:
                continue
            r = t.getparent()
            assert r is not None
            cut = match.start() + text[match.start() :].index("〇")
            t.text = text[:cut]
            tail = copy.deepcopy(r)
            for old in tail.findall(f"{W}t"):
                old.text = text[cut:]
            r.addnext(tail)
            return
        raise AssertionError("no number placeholder in the draft")

    return rewrite_part(draft, out, DOCUMENT, edit)


# --------------------------------------------------------------------------- tables


def with_grid_after(out: Path) -> Path:
    """評価総括表 rows whose empty trailing cells were deleted (Word then writes ``w:gridAfter``)."""
    report = example()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        tables = top_tables(body)
        for plan in report.plans:
            assert plan.summary is not None and plan.summary.anchor is not None
            for tr in rows_of(tables[plan.summary.anchor.table])[2:]:
                cells = [tc for tc in tr if tc.tag == f"{W}tc"]
                dropped = 0
                while len(cells) > 2 and not text_of(cells[-1]).strip():
                    tr.remove(cells.pop())
                    dropped += 1
                if dropped:
                    trpr = tr.find(f"{W}trPr")
                    if trpr is None:
                        trpr = w("trPr")
                        tr.insert(0 if tr.find(f"{W}tblPrEx") is None else 1, trpr)
                    trpr.insert(0, w("gridAfter", val=str(dropped)))

    return variant("gridafter", out, edit)


def with_cell_content_control(out: Path) -> Path:
    """A cell-level content control (``w:sdt`` around a ``w:tc``) on a Do cell, and a row-level one."""
    report = example()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        tc = do_cell(body, report, 0)
        sdt = w("sdt")
        pr = etree.SubElement(sdt, f"{W}sdtPr")
        etree.SubElement(pr, f"{W}alias").set(f"{W}val", "Do欄")
        etree.SubElement(pr, f"{W}id").set(f"{W}val", "710101")
        content = etree.SubElement(sdt, f"{W}sdtContent")
        tc.addprevious(sdt)
        content.append(tc)
        tr = do_cell(body, report, 2).getparent()
        assert tr is not None
        row_sdt = w("sdt")
        row_pr = etree.SubElement(row_sdt, f"{W}sdtPr")
        etree.SubElement(row_pr, f"{W}id").set(f"{W}val", "710102")
        row_content = etree.SubElement(row_sdt, f"{W}sdtContent")
        tr.addprevious(row_sdt)
        row_content.append(tr)

    return variant("cellsdt", out, edit)


# --------------------------------------------------------------------------- tracked changes


def _revision(tag: str, rid: int) -> etree._Element:
    return w(tag, id=str(rid), author=OTHER_AUTHOR, date="2024-05-01T10:00:00Z")


def with_tracked_changes(out: Path) -> Path:
    """Track Changes on: a Do text made bold (``w:rPrChange``), a word inserted, a word deleted, and
    a whole project row of last year deleted (``w:trPr/w:del``, its text still in the file)."""
    report = example()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        first = first_text_run(do_cell(body, report, 0))
        rpr = first.find(f"{W}rPr")
        if rpr is None:
            rpr = w("rPr")
            first.insert(0, rpr)
        old = copy.deepcopy(rpr)
        put_in_schema_order(rpr, w("b"), RPR_RANK)
        change = _revision("rPrChange", 901)
        change.append(old)
        put_in_schema_order(rpr, change, RPR_RANK)
        second = first_text_run(do_cell(body, report, 1))
        ins = _revision("ins", 902)
        second.addprevious(ins)
        ins.append(run("追記", second.find(f"{W}rPr")))
        deleted = _revision("del", 903)
        second.addnext(deleted)
        gone = run("", second.find(f"{W}rPr"))
        t = gone.find(f"{W}t")
        assert t is not None
        t.tag = f"{W}delText"
        t.text = "削除した語"
        deleted.append(gone)
        tr = do_cell(body, report, 3).getparent()
        assert tr is not None
        dead = copy.deepcopy(tr)
        trpr = dead.find(f"{W}trPr")
        if trpr is None:
            trpr = w("trPr")
            trpr.append(w("trHeight", val="340"))  # the schema wants a row property before w:del
            dead.insert(0, trpr)
        trpr.append(_revision("del", 904))
        for r in dead.iter(f"{W}r"):
            r_del = _revision("del", 905 + len(list(dead.iter(f"{W}del"))))
            r.addprevious(r_del)
            r_del.append(r)
            for t_el in r.findall(f"{W}t"):
                t_el.tag = f"{W}delText"
        tr.addnext(dead)

    return variant("tracked", out, edit)


DELETED_ROW_MARK = "削除した語"


# --------------------------------------------------------------------------- comments

_WML_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_COMMENT_PARTS = {
    name: (f"{name}.xml", f"{_WML_TYPE}{name}+xml")
    for name in ("comments", "commentsExtended", "commentsIds", "people")
}
_REL_TYPES = {
    "comments": REL_TYPE + "comments",
    "commentsExtended": "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
    "commentsIds": "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
    "people": "http://schemas.microsoft.com/office/2011/relationships/people",
}
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
STAFF_COMMENT = "昨年度の数字を確認してください"


def _add_parts(
    src: Path,
    dst: Path,
    parts: dict[str, bytes],
    rels: list[tuple[str, str, str]],
    types: list[tuple[str, str]],
    document_edit: Callable[[etree._Element], None],
) -> Path:
    """Copy ``src`` with parts added, relationships of the main part and content types declared."""
    import zipfile

    with zipfile.ZipFile(src) as z:
        rels_xml = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        types_xml = etree.fromstring(z.read("[Content_Types].xml"))
        document = etree.fromstring(z.read(DOCUMENT))
    ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    for rid, rel_type, target in rels:
        etree.SubElement(rels_xml, f"{ns}Relationship", Id=rid, Type=rel_type, Target=target)
    ct = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    for name, content_type in types:
        if name.startswith("/"):
            etree.SubElement(types_xml, f"{ct}Override", PartName=name, ContentType=content_type)
        else:
            etree.SubElement(types_xml, f"{ct}Default", Extension=name, ContentType=content_type)
    document_edit(document)

    def xml(root: etree._Element) -> bytes:
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

    return replace_parts(
        src,
        dst,
        {
            **parts,
            "word/_rels/document.xml.rels": xml(rels_xml),
            "[Content_Types].xml": xml(types_xml),
            DOCUMENT: xml(document),
        },
    )


def with_staff_comment(out: Path) -> Path:
    """A staff member's comment (Review → New Comment) on the text of a Do cell, as Word 365 saves it:
    comments.xml, commentsExtended.xml, commentsIds.xml and people.xml."""
    report = example()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        tc = do_cell(body, report, 0)
        p = next(tc.iter(f"{W}p"))
        first = first_text_run(p)
        first.addprevious(w("commentRangeStart", id="0"))
        last = [r for r in p.iter(f"{W}r")][-1]
        end = w("commentRangeEnd", id="0")
        last.addnext(end)
        ref_run = w("r")
        ref_run.append(w("commentReference", id="0"))
        end.addnext(ref_run)

    comments = (
        f'<w:comments xmlns:w="{W_NS}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml">'
        f'<w:comment w:id="0" w:author="{OTHER_AUTHOR}" w:date="2024-05-01T10:00:00Z" w:initials="山">'
        '<w:p w14:paraId="1A2B3C4D" w14:textId="77777777"><w:r><w:annotationRef/></w:r>'
        f"<w:r><w:t>{STAFF_COMMENT}</w:t></w:r></w:p></w:comment></w:comments>"
    ).encode()
    extended = (
        f'<w15:commentsEx xmlns:w15="{W15}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<w15:commentEx w15:paraId="1A2B3C4D" w15:done="0"/></w15:commentsEx>'
    ).encode()
    ids = (
        f'<w16cid:commentsIds xmlns:w16cid="{W16CID}"><w16cid:commentId w16cid:paraId="1A2B3C4D" '
        'w16cid:durableId="5E6F7A8B"/></w16cid:commentsIds>'
    ).encode()
    people = (
        f'<w15:people xmlns:w15="{W15}"><w15:person w15:author="{OTHER_AUTHOR}">'
        f'<w15:presenceInfo w15:providerId="None" w15:userId="{OTHER_AUTHOR}"/></w15:person></w15:people>'
    ).encode()
    data = {"comments": comments, "commentsExtended": extended, "commentsIds": ids, "people": people}
    return _add_parts(
        EXAMPLE,
        out / "comment.docx",
        {f"word/{_COMMENT_PARTS[k][0]}": v for k, v in data.items()},
        [(f"rId9{i}", _REL_TYPES[k], _COMMENT_PARTS[k][0]) for i, k in enumerate(data)],
        [(f"/word/{_COMMENT_PARTS[k][0]}", _COMMENT_PARTS[k][1]) for k in data],
        edit,
    )


# --------------------------------------------------------------------------- a picture

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2213a9f0000000049454e44ae426082"
)
IMAGE_PART = "word/media/image1.png"


def with_picture_in_do_cell(out: Path) -> Path:
    """A small picture pasted into a Do cell (Insert → Pictures): a drawing run, an image relationship
    and the media part."""
    report = example()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        p = next(do_cell(body, report, 0).iter(f"{W}p"))
        p.append(etree.fromstring(_DRAWING_RUN))

    return _add_parts(
        EXAMPLE,
        out / "picture.docx",
        {IMAGE_PART: PNG_1x1},
        [("rId90", REL_TYPE + "image", "media/image1.png")],
        [("png", "image/png")],
        edit,
    )


_DRAWING_RUN = f"""<w:r xmlns:w="{W_NS}"
 xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
 xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
 xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"
 xmlns:r="{R_NS}"><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">
<wp:extent cx="180000" cy="180000"/><wp:docPr id="901" name="図 1"/>
<wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>
<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">
<pic:pic><pic:nvPicPr><pic:cNvPr id="901" name="図 1"/><pic:cNvPicPr/></pic:nvPicPr>
<pic:blipFill><a:blip r:embed="rId90"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="180000" cy="180000"/></a:xfrm>
<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>
</wp:inline></w:drawing></w:r>"""


# --------------------------------------------------------------------------- a real table of contents

TOC_PAGES = (1, 3, 3, 3, 3, 3, 3, 3, 4, 5, 7, 11, 21, 31, 33, 35)
"""The printed pages of the example's 16 headings of levels 1–3, as LibreOffice lays the example out
(``pdftotext`` of its PDF: 序章 1, 1 進捗管理 3 … 第1章 7, 1 地域福祉計画 11, 2 重層… 21, 第2章 31,
1 地域福祉計画 33, 2 重層… 35)."""
HEADING_STYLES = {"1": "11", "2": "21", "3": "31"}
"""Heading style id → the TOC style id of its level (the example has 「toc 1」 11 and 「toc 2」 21;
Word adds 「toc 3」 when a TOC lists level 3)."""


def with_toc_field(out: Path) -> Path:
    """References → Table of Contents (headings 1–3): a TOC field in a building-block content control,
    one hyperlinked line per heading with a PAGEREF field, and ``_Toc`` bookmarks on the headings.
    Headings 「1 地域福祉計画」 and 「2 重層的支援体制整備事業実施計画」 stand in both chapters, and the
    city's manual numbering gives lines such as 「(1)進捗管理シート⇥3」 (no space after the label)."""
    src = EXAMPLE
    dst = out / "toc.docx"

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        headings = [
            p
            for p in body.findall(f"{W}p")
            if (style := p.find(f"{W}pPr/{W}pStyle")) is not None and style.get(f"{W}val") in HEADING_STYLES
        ]
        assert len(headings) == len(TOC_PAGES), [text_of(p) for p in headings]
        old = [p for p in body.findall(f"{W}p") if _style_of(p) in ("11", "21")]
        title = next(p for p in body.findall(f"{W}p") if text_of(p) == "目次")
        lines: list[etree._Element] = []
        for number, (heading, page) in enumerate(zip(headings, TOC_PAGES, strict=True)):
            name = f"_Toc15{number:07d}"
            heading_ppr = heading.find(f"{W}pPr")
            at = 1 if heading_ppr is not None else 0
            heading.insert(at, w("bookmarkStart", id=str(800 + number), name=name))
            heading.append(w("bookmarkEnd", id=str(800 + number)))
            level = heading.find(f"{W}pPr/{W}pStyle").get(f"{W}val")  # type: ignore[union-attr]
            lines.append(_toc_line(HEADING_STYLES[level], text_of(heading), name, page, first=number == 0))
        end = w("p")
        end_run = etree.SubElement(end, f"{W}r")
        end_run.append(w("fldChar", fldCharType="end"))
        lines.append(end)
        sdt = w("sdt")
        pr = etree.SubElement(sdt, f"{W}sdtPr")
        etree.SubElement(pr, f"{W}id").set(f"{W}val", "-1520300000")
        part = etree.SubElement(pr, f"{W}docPartObj")
        etree.SubElement(part, f"{W}docPartGallery").set(f"{W}val", "Table of Contents")
        etree.SubElement(part, f"{W}docPartUnique")
        content = etree.SubElement(sdt, f"{W}sdtContent")
        title.addprevious(sdt)
        content.append(title)
        content.extend(lines)
        for p in old:
            body.remove(p)

    def styles(root: etree._Element) -> None:
        toc2 = next(s for s in root.iter(f"{W}style") if s.get(f"{W}styleId") == "21")
        toc3 = copy.deepcopy(toc2)
        toc3.set(f"{W}styleId", "31")
        name = toc3.find(f"{W}name")
        assert name is not None
        name.set(f"{W}val", "toc 3")
        ind = toc3.find(f"{W}pPr/{W}ind")
        if ind is not None:
            ind.set(f"{W}leftChars", "200")
            ind.set(f"{W}left", "420")
        toc2.addnext(toc3)

    step = rewrite_part(src, out / "toc_styles.docx", "word/styles.xml", styles)
    return rewrite_part(step, dst, DOCUMENT, edit)


def _style_of(p: etree._Element) -> str | None:
    style = p.find(f"{W}pPr/{W}pStyle")
    return style.get(f"{W}val") if style is not None else None


def _toc_line(style: str, text: str, bookmark: str, page: int, *, first: bool) -> etree._Element:
    p = w("p")
    ppr = etree.SubElement(p, f"{W}pPr")
    ppr.append(w("pStyle", val=style))
    tabs = etree.SubElement(ppr, f"{W}tabs")
    tabs.append(w("tab", val="right", leader="dot", pos="8494"))
    etree.SubElement(ppr, f"{W}rPr").append(w("noProof"))
    if first:
        for kind in ("begin", "code", "separate"):
            r = etree.SubElement(p, f"{W}r")
            if kind == "code":
                code = etree.SubElement(r, f"{W}instrText")
                code.text = ' TOC \\o "1-3" \\h \\z \\u '
                code.set(XML_SPACE, "preserve")
            else:
                r.append(w("fldChar", fldCharType=kind))
    link = etree.SubElement(p, f"{W}hyperlink")
    link.set(f"{W}anchor", bookmark)
    link.set(f"{W}history", "1")
    link.append(run(text))
    tab_run = etree.SubElement(link, f"{W}r")
    tab_run.append(w("tab"))
    for kind in ("begin", "code", "separate", "page", "end"):
        r = etree.SubElement(link, f"{W}r")
        if kind == "code":
            code = etree.SubElement(r, f"{W}instrText")
            code.text = f" PAGEREF {bookmark} \\h "
            code.set(XML_SPACE, "preserve")
        elif kind == "page":
            t = etree.SubElement(r, f"{W}t")
            t.text = str(page)
        else:
            r.append(w("fldChar", fldCharType=kind))
    return p


# --------------------------------------------------------------------------- content controls, fields, notes


def _plain_text_control(sdt_id: str, alias: str) -> tuple[etree._Element, etree._Element]:
    sdt = w("sdt")
    pr = etree.SubElement(sdt, f"{W}sdtPr")
    etree.SubElement(pr, f"{W}alias").set(f"{W}val", alias)
    etree.SubElement(pr, f"{W}tag").set(f"{W}val", alias)
    etree.SubElement(pr, f"{W}id").set(f"{W}val", sdt_id)
    return sdt, etree.SubElement(sdt, f"{W}sdtContent")


def with_content_controls(out: Path) -> Path:
    """Developer → Controls as a city clerk uses them: a run-level plain-text control around a Do
    text's first run, a block-level rich-text control around the cover's title paragraph, a
    cell-level control around a Do cell and a row-level one around a project row."""
    report = example()
    step = with_cell_content_control(out)

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        first = first_text_run(do_cell(body, report, 1))
        sdt, content = _plain_text_control("710201", "Do本文")
        first.addprevious(sdt)
        content.append(first)
        cover = next(p for p in body.iter(f"{W}p") if "令和5年度" in text_of(p))
        block, block_content = _plain_text_control("710202", "表紙")
        cover.addprevious(block)
        block_content.append(cover)

    return rewrite_part(step, out / "controls.docx", DOCUMENT, edit)


def with_simple_field_footer(out: Path) -> Path:
    """A footer whose page number is a simple field (``w:fldSimple``, as Word writes after Alt+F9
    round trips and as other producers do), beside the complex PAGE field of the other footer."""

    def edit(root: etree._Element) -> None:
        p = next(root.iter(f"{W}p"))
        ppr = p.find(f"{W}pPr")
        for child in list(p):
            if child is not ppr:
                p.remove(child)
        field = etree.SubElement(p, f"{W}fldSimple")
        field.set(f"{W}instr", " PAGE   \\* MERGEFORMAT ")
        field.append(run("3"))

    return rewrite_part(EXAMPLE, out / "fldsimple.docx", "word/footer2.xml", edit)


FOOTNOTE_TEXT = "重層的支援体制整備事業は社会福祉法第106条の4に基づく事業です。"
ENDNOTE_TEXT = "本報告書の数値は令和6年3月末現在のものです。"


def with_notes(out: Path) -> Path:
    """References → Insert Footnote / Insert Endnote in the 序章's prose: footnotes.xml and
    endnotes.xml with Word's separator notes, and the reference runs in the text."""

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        prose = [p for p in body.findall(f"{W}p") if len(text_of(p)) > 60]
        for p, kind in ((prose[0], "footnote"), (prose[1], "endnote")):
            r = w("r")
            rpr = etree.SubElement(r, f"{W}rPr")
            rpr.append(w("vertAlign", val="superscript"))
            r.append(w(f"{kind}Reference", id="1"))
            p.append(r)

    def notes(kind: str, text: str) -> bytes:
        root = f"{kind}s"
        return (
            f'<w:{root} xmlns:w="{W_NS}">'
            f'<w:{kind} w:type="separator" w:id="-1"><w:p><w:pPr><w:spacing w:after="0" w:line="240" '
            'w:lineRule="auto"/></w:pPr><w:r><w:separator/></w:r></w:p></w:' + kind + ">"
            f'<w:{kind} w:type="continuationSeparator" w:id="0"><w:p><w:pPr><w:spacing w:after="0" '
            'w:line="240" w:lineRule="auto"/></w:pPr><w:r><w:continuationSeparator/></w:r></w:p></w:'
            + kind
            + ">"
            f'<w:{kind} w:id="1"><w:p><w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr>'
            f'<w:{kind}Ref/></w:r><w:r><w:t xml:space="preserve"> {text}</w:t></w:r></w:p></w:{kind}>'
            f"</w:{root}>"
        ).encode()

    return _add_parts(
        EXAMPLE,
        out / "notes.docx",
        {
            "word/footnotes.xml": notes("footnote", FOOTNOTE_TEXT),
            "word/endnotes.xml": notes("endnote", ENDNOTE_TEXT),
        },
        [
            ("rId95", REL_TYPE + "footnotes", "footnotes.xml"),
            ("rId96", REL_TYPE + "endnotes", "endnotes.xml"),
        ],
        [
            ("/word/footnotes.xml", f"{_WML_TYPE}footnotes+xml"),
            ("/word/endnotes.xml", f"{_WML_TYPE}endnotes+xml"),
        ],
        edit,
    )


CUSTOM_PROPERTY = "文書管理番号"


def with_custom_xml(out: Path) -> Path:
    """A document library's metadata, as SharePoint and Word 365 store it: a Custom XML part with its
    properties part, a document-level ``w:customXml`` element around a paragraph, and a custom
    document property (File → Info → Properties → Advanced)."""
    import zipfile

    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    office = "http://schemas.openxmlformats.org/officeDocument/2006/"
    item = f'{declaration}<kd:meta xmlns:kd="urn:komae:meta"><kd:no>F-2024-118</kd:no></kd:meta>'.encode()
    props = (
        f'{declaration}<ds:datastoreItem ds:itemID="{{6B3A1C22-8C1B-4C1E-9E2A-1D2C3B4A5F60}}" '
        f'xmlns:ds="{office}customXml"><ds:schemaRefs>'
        '<ds:schemaRef ds:uri="urn:komae:meta"/></ds:schemaRefs></ds:datastoreItem>'
    ).encode()
    item_rels = (
        f'{declaration}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{office}relationships/customXmlProps" Target="itemProps1.xml"/>'
        "</Relationships>"
    ).encode()
    custom = (
        f'{declaration}<Properties xmlns="{office}custom-properties" xmlns:vt="{office}docPropsVTypes">'
        f'<property fmtid="{{D5CDD505-2E9C-101B-9397-08002B2CF9AE}}" pid="2" name="{CUSTOM_PROPERTY}">'
        "<vt:lpwstr>F-2024-118</vt:lpwstr></property></Properties>"
    ).encode()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        p = next(p for p in body.findall(f"{W}p") if text_of(p).startswith("刊行物番号"))
        wrapper = w("customXml", uri="urn:komae:meta", element="no")
        p.addprevious(wrapper)
        wrapper.append(p)

    step = _add_parts(
        EXAMPLE,
        out / "customxml_step.docx",
        {
            "customXml/item1.xml": item,
            "customXml/itemProps1.xml": props,
            "customXml/_rels/item1.xml.rels": item_rels,
        },
        [("rId97", REL_TYPE + "customXml", "../customXml/item1.xml")],
        [
            (
                "/customXml/itemProps1.xml",
                "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
            ),
            ("/docProps/custom.xml", "application/vnd.openxmlformats-officedocument.custom-properties+xml"),
        ],
        edit,
    )
    with zipfile.ZipFile(step) as z:
        rels = etree.fromstring(z.read("_rels/.rels"))
    ns = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    etree.SubElement(
        rels,
        f"{ns}Relationship",
        Id="rId90",
        Type=REL_TYPE + "custom-properties",
        Target="docProps/custom.xml",
    )
    return replace_parts(
        step,
        out / "customxml.docx",
        {
            "docProps/custom.xml": custom,
            "_rels/.rels": etree.tostring(rels, xml_declaration=True, encoding="UTF-8", standalone=True),
        },
    )


def with_runs_split_everywhere(out: Path) -> Path:
    """Every character of the body in a run of its own (as documents edited over years in Word with
    revision IDs come to be), with ``w:proofErr`` marks and a bookmark every few characters."""

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        marks = 0
        for r in list(body.iter(f"{W}r")):
            children = [c for c in r if c.tag != f"{W}rPr"]
            if len(children) != 1 or children[0].tag != f"{W}t" or len(children[0].text or "") < 2:
                continue
            parent = r.getparent()
            assert parent is not None
            rpr = r.find(f"{W}rPr")
            previous = r
            for i, ch in enumerate(children[0].text or ""):
                piece = run(ch, rpr)
                previous.addnext(piece)
                previous = piece
                if i % 3 == 1 and parent.tag == f"{W}p":
                    kind = "gramStart" if marks % 2 == 0 else "gramEnd"
                    mark = w("proofErr", type=kind if i % 6 == 1 else "spellStart")
                    if i % 6 != 1:
                        mark = w("bookmarkStart", id=str(5000 + marks), name=f"_GoBack{marks}")
                        end = w("bookmarkEnd", id=str(5000 + marks))
                        previous.addnext(mark)
                        mark.addnext(end)
                        previous = end
                    marks += 1
            parent.remove(r)
        for p in body.iter(f"{W}p"):  # proofErr marks must pair up: drop any left open
            for mark in p.findall(f"{W}proofErr"):
                p.remove(mark)

    return variant("split", out, edit)


# --------------------------------------------------------------------------- sections

HEADER_TEXT = "進捗管理シート（令和5年度）"
HEADER_PART = "word/header1.xml"


def with_section_per_sheet(out: Path) -> Path:
    """Layout → Breaks → Next Page before every sheet of 第1章 instead of a page break: a landscape
    section per sheet, each with "Different First Page" (``w:titlePg``) and a first-page header, the
    footer's page number carried on."""

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        children = list(body)
        chapter = next(
            i for i, el in enumerate(children) if text_of(el).replace("\u3000", "") == "第1章進捗管理シート"
        )
        end = next(
            i for i, el in enumerate(children) if i > chapter and el.find(f"{W}pPr/{W}sectPr") is not None
        )
        landscape = children[end].find(f"{W}pPr/{W}sectPr")
        assert landscape is not None
        footer = next(
            el.get(f"{{{R_NS}}}id")
            for el in body.iter(f"{W}footerReference")
            if el.getparent() is not landscape
        )
        for i in range(chapter + 1, end):
            p, following = children[i], children[i + 1]
            breaks = [br for br in p.iter(f"{W}br") if br.get(f"{W}type") == "page"]
            if p.tag != f"{W}p" or not breaks or following.tag != f"{W}tbl" or text_of(p).strip():
                continue
            for br in breaks:
                holder = br.getparent()
                assert holder is not None
                holder.remove(br)
                if holder.tag == f"{W}r" and all(c.tag == f"{W}rPr" for c in holder):
                    p.remove(holder)
            sect = copy.deepcopy(landscape)
            for old in sect.findall(f"{W}headerReference") + sect.findall(f"{W}footerReference"):
                sect.remove(old)
            refs = [("headerReference", "first", "rId98"), ("footerReference", "default", footer)]
            refs.append(("footerReference", "first", footer))
            for position, (tag, kind, rid) in enumerate(refs):
                ref = w(tag, type=kind)
                ref.set(f"{{{R_NS}}}id", rid or "")
                sect.insert(position, ref)
            later = [
                el
                for el in sect
                if etree.QName(el).localname in ("textDirection", "bidi", "rtlGutter", "docGrid")
            ]
            if later:
                later[0].addprevious(w("titlePg"))
            else:
                sect.append(w("titlePg"))
            ppr = p.find(f"{W}pPr")
            if ppr is None:
                ppr = w("pPr")
                p.insert(0, ppr)
            ppr.append(sect)

    header = (
        f'<w:hdr xmlns:w="{W_NS}"><w:p><w:pPr><w:jc w:val="right"/></w:pPr>'
        f"<w:r><w:t>{HEADER_TEXT}</w:t></w:r></w:p></w:hdr>"
    ).encode()
    return _add_parts(
        EXAMPLE,
        out / "sections.docx",
        {HEADER_PART: header},
        [("rId98", REL_TYPE + "header", "header1.xml")],
        [("/word/header1.xml", f"{_WML_TYPE}header+xml")],
        edit,
    )


# --------------------------------------------------------------------------- embedded fonts

FONT_PART = "word/fonts/font1.odttf"
EMBEDDED_FONT = "Komae Embedded Sans"
FONT_KEY = "{4F6A2B1C-9D3E-4A5B-8C7D-1E2F3A4B5C6D}"
_SETTINGS_BEFORE_EMBED = {
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData",
}  # fmt: skip


def with_embedded_font(out: Path) -> Path:
    """File → Options → Save → "Embed fonts in the file": an obfuscated font part related from
    fontTable.xml (``w:embedRegular`` with its ``w:fontKey``) and ``w:embedTrueTypeFonts`` in the
    settings.  The part's bytes stand in for a font (a TrueType header, then filler): the tool must
    carry the part and its relationships as they are; no text of the report uses the font."""
    import zipfile

    font = bytearray(b"\x00\x01\x00\x00\x00\x04\x00\x80" + bytes(range(256)) * 2)
    key = bytes.fromhex(FONT_KEY.strip("{}").replace("-", ""))[::-1]
    for i in range(32):  # ECMA-376 Part 2 font obfuscation: the first 32 bytes XORed with the key
        font[i] ^= key[i % 16]
    with zipfile.ZipFile(EXAMPLE) as z:
        table = etree.fromstring(z.read("word/fontTable.xml"))
        settings = etree.fromstring(z.read("word/settings.xml"))
    entry = w("font", name=EMBEDDED_FONT)
    entry.append(w("charset", val="00"))
    entry.append(w("family", val="swiss"))
    entry.append(w("pitch", val="variable"))
    embed = w("embedRegular", fontKey=FONT_KEY)
    embed.set(f"{{{R_NS}}}id", "rId1")
    entry.append(embed)
    table.append(entry)
    before = [el for el in settings if etree.QName(el).localname in _SETTINGS_BEFORE_EMBED]
    if before:
        before[-1].addnext(w("embedTrueTypeFonts"))
    else:
        settings.insert(0, w("embedTrueTypeFonts"))

    def xml(root: etree._Element) -> bytes:
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))

    font_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL_TYPE}font" Target="fonts/font1.odttf"/></Relationships>'
    ).encode()
    return _add_parts(
        EXAMPLE,
        out / "fonts.docx",
        {
            FONT_PART: bytes(font),
            "word/_rels/fontTable.xml.rels": font_rels,
            "word/fontTable.xml": xml(table),
            "word/settings.xml": xml(settings),
        },
        [],
        [("odttf", "application/vnd.openxmlformats-officedocument.obfuscatedFont")],
        lambda root: None,
    )


# --------------------------------------------------------------------------- one DrawingML group

WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
WPG = "http://schemas.microsoft.com/office/word/2010/wordprocessingGroup"
WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"
EMU_PER_TWIP = 635


def with_grouped_flow_diagram(out: Path) -> Path:
    """進捗評価の流れ drawn as one DrawingML group (select the five boxes → Group): one anchored
    ``wpg:wgp`` in the 5月 cell holding the five rounded boxes, each at its month's offset."""

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        table = next(
            t
            for t in top_tables(body)
            if [text_of(tc) for tc in rows_of(t)[0].iter(f"{W}tc")][:3] == ["3", "4", "5"]
        )
        grid = [int(col.get(f"{W}w") or 0) for col in table.iter(f"{W}gridCol")]
        shapes: list[tuple[int, etree._Element]] = []
        host: etree._Element | None = None
        for tr in rows_of(table)[1:]:
            col = 0
            for tc in [c for c in tr if c.tag == f"{W}tc"]:
                for alternate in list(tc.iter(f"{{{MC_NS}}}AlternateContent")):
                    anchor = alternate.find(f".//{{{WP}}}anchor")
                    shape = alternate.find(f".//{{{WPS}}}wsp")
                    if anchor is None or shape is None:
                        continue
                    offset = int(anchor.findtext(f"{{{WP}}}positionH/{{{WP}}}posOffset") or 0)
                    shapes.append((sum(grid[:col]) * EMU_PER_TWIP + offset, shape))
                    holder = alternate.getparent()
                    if host is None:
                        host = holder
                        host_anchor = copy.deepcopy(anchor)
                    else:
                        assert holder is not None
                        holder.remove(alternate)
                span = tc.find(f"{W}tcPr/{W}gridSpan")
                col += int(span.get(f"{W}val") or 1) if span is not None else 1
        assert host is not None and len(shapes) == 5, len(shapes)
        origin = shapes[0][0]
        width = shapes[-1][0] - origin + 360000
        height = 540000
        group = etree.Element(f"{{{WPG}}}wgp", nsmap={"wpg": WPG, "wps": WPS, "a": A})
        etree.SubElement(group, f"{{{WPG}}}cNvGrpSpPr")
        xfrm = etree.SubElement(etree.SubElement(group, f"{{{WPG}}}grpSpPr"), f"{{{A}}}xfrm")
        for tag, x, y in (("off", 0, 0), ("ext", width, height), ("chOff", 0, 0), ("chExt", width, height)):
            el = etree.SubElement(xfrm, f"{{{A}}}{tag}")
            el.set("x" if tag.endswith("ff") else "cx", str(x))
            el.set("y" if tag.endswith("ff") else "cy", str(y))
        for number, (x, shape) in enumerate(shapes):
            shape = copy.deepcopy(shape)
            c_nv = etree.Element(f"{{{WPS}}}cNvPr", id=str(700 + number), name=f"角丸四角形 {700 + number}")
            shape.insert(0, c_nv)
            off = shape.find(f"{{{WPS}}}spPr/{{{A}}}xfrm/{{{A}}}off")
            assert off is not None
            off.set("x", str(x - origin))
            group.append(shape)
        anchor = host_anchor
        graphic_data = anchor.find(f"{{{A}}}graphic/{{{A}}}graphicData")
        assert graphic_data is not None
        graphic_data.set("uri", WPG)
        for child in list(graphic_data):
            graphic_data.remove(child)
        graphic_data.append(group)
        anchor.find(f"{{{WP}}}extent").set("cx", str(width))  # type: ignore[union-attr]
        anchor.find(f"{{{WP}}}docPr").set("name", "グループ化 1")  # type: ignore[union-attr]
        alternate = etree.Element(f"{{{MC_NS}}}AlternateContent")
        choice = etree.SubElement(alternate, f"{{{MC_NS}}}Choice", Requires="wpg")
        etree.SubElement(choice, f"{W}drawing").append(anchor)
        old = host.find(f"{{{MC_NS}}}AlternateContent")
        assert old is not None
        host.replace(old, alternate)

    return variant("group", out, edit)


def number_hyphen_like_word(draft: Path, out: Path) -> Path:
    """A draft whose 「R7-〇〇」 a clerk retyped in Word with a no-break hyphen: 「R7」, ``w:noBreakHyphen``,
    「〇〇」 in one run."""

    def edit(root: etree._Element) -> None:
        for t in root.iter(f"{W}t"):
            text = t.text or ""
            match = re.search(r"R\d+-〇〇", text)
            if match is None:
                continue
            cut = match.start() + text[match.start() :].index("-")
            t.text = text[:cut]
            t.set(XML_SPACE, "preserve")
            tail = etree.Element(f"{W}t")
            tail.text = text[cut + 1 :]
            t.addnext(tail)
            t.addnext(w("noBreakHyphen"))
            return
        raise AssertionError("no number placeholder in the draft")

    return rewrite_part(draft, out, DOCUMENT, edit)


def with_legacy_horizontal_merge(out: Path) -> Path:
    """The 評価総括表's total rows with their wide cell merged the legacy way (``w:hMerge``, as Word
    keeps it from files made in Word 2003): two cells, the second continuing the first."""
    report = example()

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        tables = top_tables(body)
        for plan in report.plans:
            assert plan.summary is not None and plan.summary.anchor is not None
            assert plan.summary.total_row is not None
            tr = rows_of(tables[plan.summary.anchor.table])[plan.summary.total_row]
            wide = next(tc for tc in tr if tc.tag == f"{W}tc" and tc.find(f"{W}tcPr/{W}gridSpan") is not None)
            tcpr = wide.find(f"{W}tcPr")
            span = tcpr.find(f"{W}gridSpan")  # type: ignore[union-attr]
            assert tcpr is not None and span is not None and span.get(f"{W}val") == "2"
            width = tcpr.find(f"{W}tcW")
            half = str(int(width.get(f"{W}w") or 0) // 2) if width is not None else "0"
            if width is not None:
                width.set(f"{W}w", half)
            span.addnext(w("hMerge", val="restart"))
            tcpr.remove(span)
            follower = w("tc")
            follower_pr = copy.deepcopy(tcpr)
            merge = follower_pr.find(f"{W}hMerge")
            assert merge is not None
            merge.attrib.pop(f"{W}val")
            follower.append(follower_pr)
            follower.append(w("p"))
            wide.addnext(follower)

    return variant("hmerge", out, edit)


VARIANTS: dict[str, Callable[[Path], Path]] = {
    "sym": with_symbols,
    "ruby": with_ruby,
    "nobreakhyphen": with_no_break_hyphen,
    "gridafter": with_grid_after,
    "cellsdt": with_cell_content_control,
    "tracked": with_tracked_changes,
    "comment": with_staff_comment,
    "picture": with_picture_in_do_cell,
    "toc": with_toc_field,
    "controls": with_content_controls,
    "fldsimple": with_simple_field_footer,
    "notes": with_notes,
    "customxml": with_custom_xml,
    "split": with_runs_split_everywhere,
    "sections": with_section_per_sheet,
    "fonts": with_embedded_font,
    "group": with_grouped_flow_diagram,
    "hmerge": with_legacy_horizontal_merge,
}
"""Every variant by its short name, as the tests parametrize them."""
