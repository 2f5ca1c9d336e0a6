"""Build ``templates/report.docx`` from the city's own report, ``examples/r5_report.docx``.

The template is the example with its content replaced by docxtpl tags: every part other than
``word/document.xml`` (styles, fonts, numbering, theme, settings, both footers) is copied as is,
and the body keeps the example's own paragraphs, section breaks (A4 portrait, landscape 第1章 and
第2章, ``pgNumType start=1`` on 序章), page breaks, blank pages and tables (their ``tblPr``,
``tblGrid``, header rows with ``tblHeader``, cell borders, shading, fonts and sizes).  Each kind of
table row is cut once from a real row of the example and becomes one branch of a ``{%tr %}`` loop.

Run it again whenever the example's layout changes::

    .venv/bin/python tools/build_template.py            # writes templates/report.docx
    .venv/bin/python tools/build_template.py --check    # exit 1 if the checked-in file is stale

The output is deterministic (fixed zip timestamps), so ``--check`` compares bytes.
See ``templates/README.md`` for every tag.
"""

from __future__ import annotations

import argparse
import copy
import io
import re
import sys
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"
OUTPUT = ROOT / "templates" / "report.docx"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_VML = "{urn:schemas-microsoft-com:vml}"
_O_SPID = "{urn:schemas-microsoft-com:office:office}spid"
El = etree._Element

# ------------------------------------------------------------------ element helpers


def _txt(el: El) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _clean(el: El) -> El:
    """A deep copy without revision ids, paraIds, proofing marks and bookmarks (loops repeat them)."""
    el = copy.deepcopy(el)
    for node in list(el.iter()):
        if not isinstance(node.tag, str):
            continue
        for attr in list(node.attrib):
            if str(attr).startswith(f"{W}rsid") or attr in (f"{W14}paraId", f"{W14}textId", _O_SPID):
                del node.attrib[attr]
        if node.tag.startswith(_VML) and "id" in node.attrib:
            del node.attrib["id"]  # VML shape ids must be unique; a loop would repeat them
        if node.tag in (f"{W}proofErr", f"{W}lastRenderedPageBreak", f"{W}bookmarkStart", f"{W}bookmarkEnd"):
            parent = node.getparent()
            if parent is not None:
                parent.remove(node)
    return el


def _sub(parent: El, tag: str, **attrs: str) -> El:
    el = etree.SubElement(parent, f"{W}{tag}")
    for key, value in attrs.items():
        el.set(f"{W}{key}", value)
    return el


def _first_rpr(p: El) -> El | None:
    for run in p.iter(f"{W}r"):
        if run.find(f"{W}t") is not None:
            rpr = run.find(f"{W}rPr")
            return copy.deepcopy(rpr) if rpr is not None else None
    mark = p.find(f"{W}pPr/{W}rPr")
    if mark is not None:
        rpr = copy.deepcopy(mark)
        rpr.tag = f"{W}rPr"
        return rpr
    return None


def _run(text: str, rpr: El | None, *, bold: bool | None = None, highlight: str | None = None) -> El:
    run = etree.Element(f"{W}r")
    if rpr is not None or bold is not None or highlight:
        props = copy.deepcopy(rpr) if rpr is not None else etree.Element(f"{W}rPr")
        for tag in ("b", "bCs"):
            for old in props.findall(f"{W}{tag}") if bold is not None else ():
                props.remove(old)
        if bold:
            # w:b and w:bCs come right after rFonts in CT_RPr order
            at = 1 if props.find(f"{W}rFonts") is not None else 0
            props.insert(at, etree.Element(f"{W}bCs"))
            props.insert(at, etree.Element(f"{W}b"))
        if highlight:
            hl = etree.Element(f"{W}highlight")
            hl.set(f"{W}val", highlight)
            _insert_ordered(props, hl, _RPR_ORDER)
        if len(props):
            run.append(props)
    parts = text.split("\t")
    for i, part in enumerate(parts):
        if i:
            etree.SubElement(run, f"{W}tab")
        if part or len(parts) == 1:
            t = etree.SubElement(run, f"{W}t")
            t.text = part
            t.set(XML_SPACE, "preserve")
    return run


_RPR_ORDER = [
    "rStyle", "rFonts", "b", "bCs", "i", "iCs", "caps", "smallCaps", "strike", "dstrike", "outline",
    "shadow", "emboss", "imprint", "noProof", "snapToGrid", "vanish", "webHidden", "color", "spacing",
    "w", "kern", "position", "sz", "szCs", "highlight", "u", "effect", "bdr", "shd", "fitText",
    "vertAlign", "rtl", "cs", "em", "lang", "eastAsianLayout", "specVanish", "oMath",
]  # fmt: skip


def _insert_ordered(parent: El, child: El, order: list[str]) -> None:
    name = etree.QName(child).localname
    rank = order.index(name)
    for i, existing in enumerate(parent):
        other = etree.QName(existing).localname
        if other in order and order.index(other) > rank:
            parent.insert(i, child)
            return
    parent.append(child)


def para(proto: El, *runs: tuple[str, dict[str, object]] | str) -> El:
    """A copy of paragraph ``proto`` (its pPr) holding ``runs`` in its first run's formatting."""
    p = etree.Element(f"{W}p")
    ppr = proto.find(f"{W}pPr")
    if ppr is not None:
        ppr = _clean(ppr)
        for node in ppr.findall(f"{W}sectPr"):
            ppr.remove(node)
        p.append(ppr)
    rpr = _first_rpr(proto)
    for item in runs:
        if isinstance(item, str):
            p.append(_run(item, rpr))
        else:
            text, opts = item
            p.append(_run(text, rpr, **opts))  # type: ignore[arg-type]
    return p


def tag_p(text: str) -> El:
    """A bare paragraph holding one docxtpl ``{%p … %}`` tag (removed when rendering)."""
    p = etree.Element(f"{W}p")
    p.append(_run(text, None))
    return p


def page_break_p() -> El:
    p = etree.Element(f"{W}p")
    run = etree.SubElement(p, f"{W}r")
    _sub(run, "br", type="page")
    return p


def cell(
    proto: El,
    grid: list[int],
    col: int,
    *contents: El | str,
    span: int = 1,
    vmerge: str | None = "keep",
    para_proto: El | None = None,
) -> El:
    """A copy of cell ``proto`` placed at grid column ``col`` over ``span`` columns.

    ``contents`` are paragraphs or texts (a text becomes a paragraph in the proto's formatting);
    ``vmerge`` is ``"restart"``, ``"continue"``, ``None`` (no merge) or ``"keep"`` (as the proto).
    """
    tc = etree.Element(f"{W}tc")
    tcpr = _clean(proto.find(f"{W}tcPr"))  # type: ignore[arg-type]
    tcpr.find(f"{W}tcW").set(f"{W}w", str(sum(grid[col : col + span])))  # type: ignore[union-attr]
    for old in tcpr.findall(f"{W}gridSpan"):
        tcpr.remove(old)
    if span > 1:
        gs = etree.Element(f"{W}gridSpan")
        gs.set(f"{W}val", str(span))
        tcpr.insert(1, gs)
    if vmerge != "keep":
        for old in tcpr.findall(f"{W}vMerge"):
            tcpr.remove(old)
        if vmerge is not None:
            vm = etree.Element(f"{W}vMerge")
            if vmerge == "restart":
                vm.set(f"{W}val", "restart")
            tcpr.insert(2 if span > 1 else 1, vm)
    tc.append(tcpr)
    source = para_proto if para_proto is not None else proto.find(f"{W}p")
    assert source is not None
    for content in contents or ("",):
        tc.append(para(source, content) if isinstance(content, str) and content else
                  para(source) if isinstance(content, str) else content)  # fmt: skip
    return tc


def row(proto: El | None, *cells: El) -> El:
    tr = etree.Element(f"{W}tr")
    if proto is not None and proto.find(f"{W}trPr") is not None:
        tr.append(_clean(proto.find(f"{W}trPr")))  # type: ignore[arg-type]
    for tc in cells:
        tr.append(tc)
    return tr


def tag_row(grid: list[int], text: str) -> El:
    """A one-cell row holding a ``{%tr … %}`` tag (removed when rendering)."""
    tr = etree.Element(f"{W}tr")
    tc = etree.SubElement(tr, f"{W}tc")
    tcpr = _sub(tc, "tcPr")
    _sub(tcpr, "tcW", w=str(sum(grid)), type="dxa")
    if len(grid) > 1:
        _sub(tcpr, "gridSpan", val=str(len(grid)))
    tc.append(tag_p(text))
    return tr


def table_shell(proto: El) -> tuple[El, list[int]]:
    """An empty copy of table ``proto``: its tblPr and tblGrid, no rows."""
    tbl = etree.Element(f"{W}tbl")
    tbl.append(_clean(proto.find(f"{W}tblPr")))  # type: ignore[arg-type]
    tbl.append(_clean(proto.find(f"{W}tblGrid")))  # type: ignore[arg-type]
    grid = [int(g.get(f"{W}w") or 0) for g in proto.iterfind(f"{W}tblGrid/{W}gridCol")]
    return tbl, grid


def rows_of(tbl: El) -> list[El]:
    return tbl.findall(f"{W}tr")


def cells_of(tr: El) -> list[El]:
    return tr.findall(f"{W}tc")


def header_row(proto: El, texts: Iterable[str]) -> El:
    """A copy of header row ``proto`` whose non-empty cells get ``texts`` in turn."""
    tr = _clean(proto)
    it = iter(texts)
    for tc in cells_of(tr):
        paragraphs = tc.findall(f"{W}p")
        if not _txt(tc).strip():
            continue
        first = paragraphs[0]
        new = para(first, next(it))
        for p in paragraphs:
            tc.remove(p)
        tc.append(new)
    return tr


# ------------------------------------------------------------------ finding the example's parts


class Example:
    def __init__(self, body: El) -> None:
        self.blocks = [b for b in body if b.tag in (f"{W}p", f"{W}tbl")]
        self.sect = body.find(f"{W}sectPr")

    def index(self, test: Callable[[El], bool], start: int = 0, what: str = "") -> int:
        for i in range(start, len(self.blocks)):
            if test(self.blocks[i]):
                return i
        raise SystemExit(f"build_template: {what or 'element'} not found in the example")

    def p_text(self, text: str, start: int = 0) -> int:
        flat = re.sub(r"\s", "", text)
        return self.index(
            lambda b: b.tag == f"{W}p" and re.sub(r"\s", "", _txt(b)) == flat, start, f"paragraph {text!r}"
        )

    def p_starts(self, text: str, start: int = 0) -> int:
        return self.index(
            lambda b: b.tag == f"{W}p" and _txt(b).strip().startswith(text), start, f"paragraph {text}…"
        )

    def table(self, head: str, start: int = 0) -> int:
        return self.index(
            lambda b: b.tag == f"{W}tbl" and head in re.sub(r"\s", "", _txt(b)), start, f"table {head}"
        )

    def next_sect(self, start: int) -> int:
        return self.index(
            lambda b: b.tag == f"{W}p" and b.find(f"{W}pPr/{W}sectPr") is not None, start, "section break"
        )

    def keep(self, start: int, end: int) -> list[El]:
        return [_clean(b) for b in self.blocks[start:end]]


def _is_empty_p(el: El) -> bool:
    return (
        el.tag == f"{W}p"
        and not _txt(el)
        and el.find(f".//{W}br") is None
        and el.find(f"{W}pPr/{W}sectPr") is None
    )


def _is_break_p(el: El) -> bool:
    return el.tag == f"{W}p" and any(br.get(f"{W}type") == "page" for br in el.iter(f"{W}br"))


# ------------------------------------------------------------------ the parts of the template


def build_body(ex: Example) -> list[El]:
    out: list[El] = []
    b = ex.blocks

    # ---- cover (section 1, no footer)
    toc_at = ex.p_text("目次")
    cover_lines = [i for i in range(toc_at) if _txt(b[i]).strip()]
    report_title_at = next(i for i in cover_lines if "年度" in _txt(b[i]))
    line_no = 0
    for i in range(toc_at):
        if i == report_title_at:
            out.append(para(b[i], "{{ cover.report_title }}"))
        elif i in cover_lines:
            out.append(para(b[i], f"{{{{ cover.title_lines[{line_no}] }}}}"))
            line_no += 1
        else:
            out.append(_clean(b[i]))

    # ---- 目次
    out.append(_clean(b[toc_at]))
    level1 = ex.p_starts("序章", toc_at + 1)
    level2 = level1 + 1
    sect1 = ex.next_sect(toc_at)
    out.extend(_clean(x) for x in b[toc_at + 1 : level1] if _is_empty_p(x))
    out.append(tag_p("{%p for e in toc %}"))
    out.append(tag_p("{%p if e.level == 1 %}"))
    out.append(para(b[level1], "{{ e.label }}\t{{ e.title }}\t{{ e.page }}"))
    out.append(tag_p("{%p else %}"))
    out.append(para(b[level2], "{{ e.label }}\t{{ e.title }}\t{{ e.page }}"))
    out.append(tag_p("{%p endif %}"))
    out.append(tag_p("{%p endfor %}"))
    out.append(_clean(b[sect1]))

    # ---- 序章 title page, blank page
    intro_title = ex.p_starts("序章", sect1 + 1)
    out.extend(ex.keep(sect1 + 1, intro_title))
    out.append(para(b[intro_title], "序章　{{ intro.title }}"))
    first_heading = ex.index(lambda x: x.find(f"{W}pPr/{W}pStyle[@{W}val='2']") is not None, intro_title)
    out.extend(ex.keep(intro_title + 1, first_heading))
    out.extend(intro_blocks(ex, first_heading))

    # ---- end of 序章: the example's trailing blank page and the section break (footer, start=1)
    schedule_at = ex.index(lambda x: x.tag == f"{W}tbl" and _txt(rows_of(x)[0]).strip().startswith("3"), 0)
    sect2 = ex.next_sect(schedule_at)
    out.extend(ex.keep(schedule_at + 2, sect2 + 1))

    # ---- 第1章 title page
    ch1_at = ex.p_starts("第1章", sect2 + 1)
    out.extend(ex.keep(sect2 + 1, ch1_at))
    out.append(para(b[ch1_at], "{{ chapter1_title }}"))
    summary_title = ex.p_starts("あいとぴあ", ch1_at)
    out.extend(ex.keep(ch1_at + 1, summary_title))
    out.extend(chapter1(ex, summary_title))
    sect3 = ex.next_sect(summary_title)
    out.append(_clean(b[sect3]))

    # ---- 第2章
    ch2_at = ex.p_starts("第2章", sect3 + 1)
    out.extend(ex.keep(sect3 + 1, ch2_at))
    out.append(para(b[ch2_at], "{{ chapter2_title }}"))
    op_heading = ex.index(lambda x: x.find(f"{W}pPr/{W}pStyle[@{W}val='2']") is not None, ch2_at)
    out.extend(ex.keep(ch2_at + 1, op_heading))
    out.extend(chapter2(ex, op_heading))
    sect4 = ex.next_sect(op_heading)
    out.append(_clean(b[sect4]))

    # ---- 奥付
    number_at = ex.p_starts("刊行物番号", sect4)
    out.append(para(b[number_at], "刊行物番号　{{ publication.number }}"))
    box_at = ex.index(lambda x: x.tag == f"{W}tbl", number_at)
    out.extend(ex.keep(number_at + 1, box_at))
    out.append(colophon_box(b[box_at]))
    out.extend(ex.keep(box_at + 1, len(b)))
    return out


def intro_blocks(ex: Example, first_heading: int) -> list[El]:
    b = ex.blocks
    heading = b[first_heading]
    sub_at = ex.index(lambda x: x.find(f"{W}pPr/{W}pStyle[@{W}val='3']") is not None, first_heading)
    body_at = first_heading + 1
    dept_at = ex.p_starts("地…", first_heading)
    criteria_at = ex.table("評価基準評価指標")
    example_at = ex.table("達成状況")
    schedule_at = ex.index(lambda x: x.tag == f"{W}tbl" and _txt(rows_of(x)[0]).strip().startswith("3"), 0)
    out = [
        tag_p("{%p for block in intro.blocks %}"),
        tag_p("{%p if block.page_break %}"),
        page_break_p(),
        tag_p("{%p endif %}"),
        tag_p('{%p if block.kind == "heading" %}'),
        para(heading, "{{ block.text }}"),
        tag_p('{%p elif block.kind == "subheading" %}'),
        para(b[sub_at], "{{ block.text }}"),
        tag_p('{%p elif block.kind == "paragraph" %}'),
        para(b[body_at], "{{ block.text }}"),
        tag_p('{%p elif block.kind == "departments" %}'),
        tag_p("{%p for d in intro.departments %}"),
        para(b[dept_at], "{{ d.code }}…{{ d.name }}"),
        tag_p("{%p endfor %}"),
        tag_p('{%p elif block.kind == "criteria_table" %}'),
        criteria_table(b[criteria_at]),
        *ex.keep(criteria_at + 1, criteria_at + 2),
        tag_p('{%p elif block.kind == "example_table" and intro.example %}'),
        example_table(b[example_at]),
        *[x for x in ex.keep(example_at + 1, example_at + 3) if _is_empty_p(x)],
        tag_p('{%p elif block.kind == "schedule_table" and intro.schedule %}'),
        schedule_table(b[schedule_at]),
        *ex.keep(schedule_at + 1, schedule_at + 2),
        tag_p("{%p endif %}"),
        tag_p("{%p endfor %}"),
    ]
    return out


def criteria_table(proto: El) -> El:
    tbl, grid = table_shell(proto)
    rows = rows_of(proto)
    tbl.append(header_row(rows[0], ["{{ intro.criteria_header[0] }}", "{{ intro.criteria_header[1] }}"]))
    body = cells_of(rows[1])
    tbl.append(tag_row(grid, "{%tr for c in intro.criteria %}"))
    tbl.append(
        row(
            rows[1],
            cell(body[0], grid, 0, "{{ c.letter }} ({{ c.label }})"),
            cell(body[1], grid, 1, "{{ c.text }}"),
        )
    )
    tbl.append(tag_row(grid, "{%tr endfor %}"))
    return tbl


def example_table(proto: El) -> El:
    tbl, grid = table_shell(proto)
    rows = rows_of(proto)
    tbl.append(header_row(rows[0], ["{{ intro.example.header }}"]))
    first, other = cells_of(rows[1]), cells_of(rows[2])
    tbl.append(tag_row(grid, "{%tr for row in intro.example.rows %}"))
    tbl.append(tag_row(grid, "{%tr if loop.first %}"))
    tbl.append(
        row(
            rows[1],
            cell(first[0], grid, 0, "{{ intro.example.measure }}", vmerge="restart"),
            cell(first[1], grid, 1, "{{ row.project }}"),
            cell(first[2], grid, 2, "{{ row.status }}"),
        )
    )
    tbl.append(tag_row(grid, "{%tr else %}"))
    tbl.append(
        row(
            rows[2],
            cell(other[0], grid, 0, vmerge="continue"),
            cell(other[1], grid, 1, "{{ row.project }}"),
            cell(other[2], grid, 2, "{{ row.status }}"),
        )
    )
    tbl.append(tag_row(grid, "{%tr endif %}"))
    tbl.append(tag_row(grid, "{%tr endfor %}"))
    return tbl


def schedule_table(proto: El) -> El:
    tbl, grid = table_shell(proto)
    rows = rows_of(proto)
    month_proto = cells_of(rows[0])[0]
    cells = cells_of(rows[1])
    box_cell = next(c for c in cells if c.find(f".//{W}txbxContent") is not None)
    box_p = next(p for p in box_cell.findall(f"{W}p") if p.find(f".//{W}txbxContent") is not None)
    text_p = next(p for p in box_cell.findall(f"{W}p") if p.find(f".//{W}txbxContent") is None)
    # the rounded box: the example's own drawing (DrawingML choice + VML fallback), text replaced
    box = _clean(box_p)
    for content in box.iter(f"{W}txbxContent"):
        inner = content.findall(f"{W}p")
        replacement = para(inner[0], "{{ box }}")
        for p in inner:
            content.remove(p)
        content.append(replacement)
    width = grid[0]
    tr0 = etree.Element(f"{W}tr")
    if rows[0].find(f"{W}trPr") is not None:
        tr0.append(_clean(rows[0].find(f"{W}trPr")))  # type: ignore[arg-type]
    tr0.append(_loop_cell(width, "{%tc for m in intro.schedule.months %}"))
    tr0.append(cell(month_proto, grid, 0, "{{ m }}"))
    tr0.append(_loop_cell(width, "{%tc endfor %}"))
    tbl.append(tr0)
    tr1 = etree.Element(f"{W}tr")
    if rows[1].find(f"{W}trPr") is not None:
        tr1.append(_clean(rows[1].find(f"{W}trPr")))  # type: ignore[arg-type]
    tr1.append(_loop_cell(width, "{%tc for c in intro.schedule.cells %}"))
    tc = cell(box_cell, grid, 0, tag_p("{%p for box in c.boxes %}"), box, tag_p("{%p endfor %}"),
              para(text_p, "{{ c.text }}"))  # fmt: skip
    tr1.append(tc)
    tr1.append(_loop_cell(width, "{%tc endfor %}"))
    tbl.append(tr1)
    return tbl


def _loop_cell(width: int, text: str) -> El:
    tc = etree.Element(f"{W}tc")
    tcpr = _sub(tc, "tcPr")
    _sub(tcpr, "tcW", w=str(width), type="dxa")
    tc.append(tag_p(text))
    return tc


# ---- 第1章


def chapter1(ex: Example, summary_title: int) -> list[El]:
    b = ex.blocks
    summary_at = ex.table("施策の進捗状況", summary_title)
    heading_at = ex.index(lambda x: x.find(f"{W}pPr/{W}pageBreakBefore") is not None, summary_at)
    welfare_at = ex.index(
        lambda x: x.tag == f"{W}tbl" and "基本目標" in _txt(x) and len(rows_of(x)) >= 7, heading_at, "sheet"
    )
    layered_at = ex.index(
        lambda x: x.tag == f"{W}tbl" and "基本目標" not in _txt(rows_of(x)[0]) and "担当課" in _txt(x),
        welfare_at,
    )
    # between the plans: the example's page break, blank page, page break
    second_summary = ex.table("施策の進捗状況", summary_at + 1)
    second_title = max(i for i in range(second_summary) if b[i].tag == f"{W}p" and _txt(b[i]).strip())
    last_table = max(i for i in range(second_title) if b[i].tag == f"{W}tbl")
    gap = _trim_gap(ex.keep(last_table + 1, second_title))
    out = [
        tag_p("{%p for plan in plans %}"),
        tag_p("{%p if plan.summary %}"),
        para(b[summary_title], "{{ plan.summary.title }}"),
        summary_table(b[summary_at]),
        *ex.keep(summary_at + 1, heading_at),
        tag_p("{%p endif %}"),
        para(b[heading_at], "{{ plan.heading }}"),
        tag_p('{%p if plan.kind == "welfare" %}'),
        tag_p("{%p for s in plan.sheets %}"),
        welfare_sheet(b[welfare_at]),
        para(b[welfare_at + 1]),
        tag_p("{%p if not loop.last %}"),
        page_break_p(),
        tag_p("{%p endif %}"),
        tag_p("{%p endfor %}"),
        tag_p("{%p else %}"),
        tag_p("{%p for s in plan.sheets %}"),
        layered_sheet(b[layered_at]),
        para(b[layered_at + 1]),
        tag_p("{%p if not loop.last %}"),
        page_break_p(),
        tag_p("{%p endif %}"),
        tag_p("{%p endfor %}"),
        tag_p("{%p endif %}"),
        tag_p("{%p if not loop.last %}"),
        *gap,
        tag_p("{%p endif %}"),
        tag_p("{%p endfor %}"),
    ]
    return out


def _trim_gap(gap: list[El]) -> list[El]:
    """From the end of a plan's last sheet to the next summary title: page break, blank, page break."""
    while gap and not _is_break_p(gap[0]):
        gap.pop(0)
    return gap


def summary_table(proto: El) -> El:
    tbl, grid = table_shell(proto)
    rows = rows_of(proto)
    tbl.append(header_row(rows[0], [f"{{{{ plan.summary.header[{i}] }}}}" for i in range(3)]))
    tbl.append(header_row(rows[1], [f"{{{{ plan.summary.header[{i}] }}}}" for i in range(3, 5)]))
    first = cells_of(rows[2])
    cont = cells_of(rows[3])
    total = cells_of(rows[-1])
    tbl.append(tag_row(grid, "{%tr for row in plan.summary.rows %}"))
    tbl.append(tag_row(grid, "{%tr if row.first %}"))
    tbl.append(
        row(
            rows[2],
            cell(first[0], grid, 0, "{{ row.label }}", vmerge="restart"),
            cell(first[1], grid, 1, "{{ row.count }}", vmerge="restart"),
            cell(first[2], grid, 2, "{{ row.page }}"),
            cell(first[3], grid, 3, "{{ row.measure }}"),
        )
    )
    tbl.append(tag_row(grid, "{%tr else %}"))
    tbl.append(
        row(
            rows[3],
            cell(cont[0], grid, 0, vmerge="continue"),
            cell(cont[1], grid, 1, vmerge="continue"),
            cell(cont[2], grid, 2, "{{ row.page }}"),
            cell(cont[3], grid, 3, "{{ row.measure }}"),
        )
    )
    tbl.append(tag_row(grid, "{%tr endif %}"))
    tbl.append(tag_row(grid, "{%tr endfor %}"))
    tbl.append(
        row(
            rows[-1],
            cell(total[0], grid, 0, "{{ plan.summary.total_label }}"),
            cell(total[1], grid, 1, "{{ plan.summary.total }}"),
            cell(total[2], grid, 2, span=2),
        )
    )
    return tbl


def _entry_cells(protos: dict[str, El], grid: list[int], do: int) -> list[El]:
    """Do / Check / Act cells of an entry row: shading for entry, comment anchors, dropdown."""
    do_p = protos["do"].find(f"{W}p")
    check_p = protos["check"].find(f"{W}p")
    act_p = protos["act"].find(f"{W}p")
    assert do_p is not None and check_p is not None and act_p is not None
    return [
        cell(protos["do"], grid, do, _entry_para(do_p, "do"), vmerge=None),
        cell(protos["check"], grid, do + 1, para(check_p, "{{ row.check }}{{r row.result }}"), vmerge=None),
        cell(protos["act"], grid, do + 2, _entry_para(act_p, "act"), vmerge=None),
    ]


def _entry_para(proto: El, name: str) -> El:
    """``{% cellbg %}`` shading, the comment anchor, then the text (highlighted when carried)."""
    return para(
        proto,
        f"{{% cellbg row.fill %}}{{{{r row.{name}_note }}}}",
        "{%r if row.carry %}",
        (f"{{{{ row.{name} }}}}", {"highlight": "yellow"}),
        "{%r else %}",
        f"{{{{ row.{name} }}}}",
        "{%r endif %}",
    )


def _title_para(proto: El) -> El:
    """A measure title: its 【tag】 in bold, then the rest (as the example prints it)."""
    return para(proto, ("{{ row.tag }}", {"bold": True}), ("{{ row.rest }}", {"bold": False}))


def welfare_sheet(proto: El) -> El:
    tbl, grid = table_shell(proto)
    rows = rows_of(proto)
    headers = [f"{{{{ s.header[{i}] }}}}" for i in range(11)]
    tbl.append(header_row(rows[0], headers[:9]))
    tbl.append(header_row(rows[1], headers[9:]))
    goal, policy, measure, project, cont = rows[2], rows[3], rows[4], rows[5], rows[6]
    g, pc, m, pr, ct = (cells_of(x) for x in (goal, policy, measure, project, cont))
    # grid: 0 goal, 1 大, 2 小, 3 plan, 4 担当課, 5 頁, 6 指標, 7 Do, 8 Check, 9 Act
    entry = {"do": pr[-3], "check": pr[-2], "act": pr[-1]}
    measure_title = next(c for c in m if "【" in _txt(c))
    measure_label = next(c for c in m if _txt(c).strip() and len(_txt(c).strip()) == 1)
    tbl.append(tag_row(grid, "{%tr for row in s.rows %}"))
    tbl.append(tag_row(grid, '{%tr if row.kind == "goal" %}'))
    tbl.append(row(goal, cell(g[0], grid, 0, "{{ row.label }}", vmerge="restart"),
                   cell(g[1], grid, 1, "{{ row.title }}", span=9)))  # fmt: skip
    tbl.append(tag_row(grid, '{%tr elif row.kind == "policy" %}'))
    tbl.append(row(policy, cell(pc[0], grid, 0, vmerge="continue"),
                   cell(pc[1], grid, 1, "{{ row.title }}", span=9)))  # fmt: skip
    for kind, label in (("measure", True), ("measure_nolabel", False)):
        tbl.append(tag_row(grid, f'{{%tr elif row.kind == "{kind}" %}}'))
        title_p = measure_title.find(f"{W}p")
        assert title_p is not None
        cells = [cell(m[0], grid, 0, vmerge="continue")]
        if label:
            cells.append(cell(measure_label, grid, 1, "{{ row.label }}"))
            cells.append(cell(measure_title, grid, 2, _title_para(title_p), span=6))
        else:
            cells.append(cell(measure_title, grid, 1, _title_para(title_p), span=7))
        cells.append(cell(m[-2], grid, 8, "{{ row.grade }}"))
        cells.append(cell(m[-1], grid, 9))
        tbl.append(row(measure, *cells))
    _project_rows(
        tbl,
        grid,
        entry,
        (project, [pr[0], *pr[1:2], *pr[3:7]]),
        (cont, [ct[0], *ct[1:2], *ct[3:7]]),
        first_col="continue",
    )
    tbl.append(tag_row(grid, "{%tr endif %}"))
    tbl.append(tag_row(grid, "{%tr endfor %}"))
    return tbl


def layered_sheet(proto: El) -> El:
    tbl, grid = table_shell(proto)
    rows = rows_of(proto)
    headers = [f"{{{{ s.header[{i}] }}}}" for i in range(10)]
    tbl.append(header_row(rows[0], headers[:7]))
    tbl.append(header_row(rows[1], headers[7:]))
    measure, band, project = rows[2], rows[3], rows[4]
    m, bd, pr = (cells_of(x) for x in (measure, band, project))
    # grid: 0 大, 1 中, 2-3 小, 4 担当課, 5 頁, 6 指標, 7 Do, 8 Check, 9 Act
    entry = {"do": pr[-3], "check": pr[-2], "act": pr[-1]}
    title_p = m[0].find(f"{W}p")
    assert title_p is not None
    tbl.append(tag_row(grid, "{%tr for row in s.rows %}"))
    tbl.append(tag_row(grid, '{%tr if row.kind == "measure" %}'))
    tbl.append(row(measure, cell(m[0], grid, 0, "{{ row.label }}"),
                   cell(m[0], grid, 1, _title_para(title_p), span=7),
                   cell(m[1], grid, 8, "{{ row.grade }}"), cell(m[2], grid, 9)))  # fmt: skip
    tbl.append(tag_row(grid, '{%tr elif row.kind == "measure_nolabel" %}'))
    tbl.append(row(measure, cell(m[0], grid, 0, _title_para(title_p), span=8),
                   cell(m[1], grid, 8, "{{ row.grade }}"), cell(m[2], grid, 9)))  # fmt: skip
    tbl.append(tag_row(grid, '{%tr elif row.kind == "band" %}'))
    tbl.append(row(band, cell(bd[0], grid, 0, "{{ row.title }}", span=10)))
    _project_rows(tbl, grid, entry, (project, pr[:6]), (project, pr[:6]), first_col="restart")
    tbl.append(tag_row(grid, "{%tr endif %}"))
    tbl.append(tag_row(grid, "{%tr endfor %}"))
    return tbl


_PROJECT_CELLS = (  # grid column, span, the tag of a project row (None: no text)
    (0, 1, None), (1, 1, "{{ row.label }}"), (2, 2, "{{ row.plan }}"),
    (4, 1, "{{ row.departments }}"), (5, 1, "{{ row.pages }}"), (6, 1, "{{ row.indicator }}"),
)  # fmt: skip


def _project_rows(
    tbl: El,
    grid: list[int],
    entry: dict[str, El],
    project: tuple[El, list[El]],
    continued: tuple[El, list[El]],
    first_col: str,
) -> None:
    """The ``project`` row kind (label … 指標 start vertical merges) and ``continued`` (they go on)."""
    (project_row, project_cells), (cont_row, cont_cells) = project, continued
    tbl.append(tag_row(grid, '{%tr elif row.kind == "project" %}'))
    starts = [
        cell(
            proto,
            grid,
            col,
            *([text] if text else []),
            span=span,
            vmerge=first_col if col == 0 else "restart",
        )
        for proto, (col, span, text) in zip(project_cells, _PROJECT_CELLS, strict=True)
    ]
    tbl.append(row(project_row, *starts, *_entry_cells(entry, grid, 7)))
    tbl.append(tag_row(grid, '{%tr elif row.kind == "continued" %}'))
    goes_on = [
        cell(proto, grid, col, span=span, vmerge="continue")
        for proto, (col, span, _) in zip(cont_cells, _PROJECT_CELLS, strict=True)
    ]
    tbl.append(row(cont_row, *goes_on, *_entry_cells(entry, grid, 7)))


# ---- 第2章


def chapter2(ex: Example, heading_at: int) -> list[El]:
    b = ex.blocks
    welfare_at = ex.table("委員会からの意見", heading_at)
    layered_at = ex.index(
        lambda x: (
            x.tag == f"{W}tbl"
            and any(
                c.find(f"{W}tcPr/{W}vMerge[@{W}val='restart']") is not None and len(_txt(c)) > 40
                for c in x.iter(f"{W}tc")
            )
        ),
        welfare_at,
        "layered opinion sheet",
    )
    return [
        tag_p("{%p for plan in plans %}"),
        para(b[heading_at], "{{ plan.opinions_heading }}"),
        tag_p("{%p for s in plan.opinion_sheets %}"),
        opinion_sheet(b[welfare_at], b[layered_at]),
        para(b[welfare_at + 1]),
        tag_p("{%p if s.break_after %}"),
        page_break_p(),
        tag_p("{%p endif %}"),
        tag_p("{%p endfor %}"),
        tag_p("{%p endfor %}"),
    ]


def opinion_sheet(proto: El, layered: El) -> El:
    tbl, grid = table_shell(proto)
    rows = rows_of(proto)
    headers = [f"{{{{ s.header[{i}] }}}}" for i in range(5)]
    tbl.append(header_row(rows[0], headers[:3]))
    tbl.append(header_row(rows[1], headers[3:]))
    goal, item = cells_of(rows[2]), cells_of(rows[4])
    band = cells_of(rows_of(layered)[2])
    # grid: 0 基本目標 / 大, 1 施策 大, 2 施策 小, 3 委員会からの意見
    tbl.append(tag_row(grid, "{%tr for row in s.rows %}"))
    tbl.append(tag_row(grid, '{%tr if row.kind == "group" %}'))
    tbl.append(row(rows[2], cell(goal[0], grid, 0, "{{ row.label }}", vmerge="restart"),
                   cell(goal[1], grid, 1, "{{ row.title }}", span=3)))  # fmt: skip
    tbl.append(tag_row(grid, '{%tr elif row.kind == "sub" %}'))
    tbl.append(row(rows[3], cell(goal[0], grid, 0, vmerge="continue"),
                   cell(goal[1], grid, 1, "{{ row.title }}", span=3)))  # fmt: skip
    for kind, merged in (("band", False), ("band_merged", True)):
        tbl.append(tag_row(grid, f'{{%tr elif row.kind == "{kind}" %}}'))
        tbl.append(row(rows_of(layered)[2],
                       cell(band[0], grid, 0, "{{ row.label }}", vmerge="restart"),
                       cell(band[1], grid, 1, "{{ row.title }}", span=2),
                       cell(band[2], grid, 3, *(() if merged else ("{{ row.opinions }}",)),
                            vmerge="continue" if merged else "restart")))  # fmt: skip
    for kind, merged in (("item", False), ("item_merged", True)):
        tbl.append(tag_row(grid, f'{{%tr elif row.kind == "{kind}" %}}'))
        tbl.append(row(rows[4],
                       cell(item[0], grid, 0, vmerge="continue"),
                       cell(item[1], grid, 1, "{{ row.label }}"),
                       cell(item[2], grid, 2, "{{ row.title }}"),
                       cell(item[3], grid, 3, *(() if merged else ("{{ row.opinions }}",)),
                            vmerge="continue" if merged else "restart")))  # fmt: skip
    tbl.append(tag_row(grid, "{%tr endif %}"))
    tbl.append(tag_row(grid, "{%tr endfor %}"))
    return tbl


# ---- 奥付


def colophon_box(proto: El) -> El:
    tbl = _clean(proto)
    tc = tbl.find(f"{W}tr/{W}tc")
    assert tc is not None
    paragraphs = tc.findall(f"{W}p")
    first = paragraphs[0]
    blank = next(p for p in paragraphs if not _txt(p))
    for p in paragraphs:
        tc.remove(p)
    pub = "publication"
    for p in [
        tag_p("{%p for line in colophon.title_lines %}"),
        para(first, "{{ line }}"),
        tag_p("{%p endfor %}"),
        para(first, f"{{{{ {pub}.month_text }}}}発行"),
        _clean(blank),
        para(first, f"発行 {{{{ {pub}.publisher }}}}"),
        _clean(blank),
        para(first, f"編集 {{{{ {pub}.editor }}}}"),
        _clean(blank),
        para(first, f"〒{{{{ {pub}.postal_code }}}} {{{{ {pub}.address }}}}"),
        _clean(blank),
        para(first, f"電話 {{{{ {pub}.phone }}}}"),
        _clean(blank),
        para(first, f"頒布価格 {{{{ {pub}.price }}}}"),
    ]:
        tc.append(p)
    return tbl


# ------------------------------------------------------------------ the package


def build(example: Path = EXAMPLE) -> bytes:
    with zipfile.ZipFile(example) as zin:
        names = zin.namelist()
        root = etree.fromstring(zin.read("word/document.xml"))
        body = root.find(f"{W}body")
        assert body is not None
        ex = Example(body)
        new_blocks = build_body(ex)
        sect = body.find(f"{W}sectPr")
        for child in list(body):
            body.remove(child)
        for block in new_blocks:
            body.append(block)
        if sect is not None:
            body.append(_clean(sect))
        document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for name in names:
                data = document if name == "word/document.xml" else zin.read(name)
                if name == "docProps/core.xml":
                    data = _core_props(data)
                info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                zout.writestr(info, data)
    return out.getvalue()


def _core_props(data: bytes) -> bytes:
    """Neutral document properties: the template is not last year's report."""
    root = etree.fromstring(data)
    for el in root:
        name = etree.QName(el).localname
        if name in ("title", "subject", "description", "keywords", "lastModifiedBy", "creator"):
            el.text = "komae-docx" if name in ("creator", "lastModifiedBy") else ""
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="exit 1 if templates/report.docx is stale")
    parser.add_argument("-o", "--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = build()
    if args.check:
        current = args.output.read_bytes() if args.output.exists() else b""
        if current != data:
            print(f"{args.output} is stale: run tools/build_template.py", file=sys.stderr)
            return 1
        return 0
    args.output.write_bytes(data)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
