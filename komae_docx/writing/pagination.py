"""Real page numbers for the finalized report: the pages of *this* document's layout.

A .docx stores no page numbers, so every page the report prints (評価総括表, 目次, 「詳細はP.22を参照」)
is a claim about a layout.  Each claim is anchored to what it points at by a bookmark (the first
and last row of each progress sheet, each heading the 目次 lists); then the numbers are either

* **measured** (LibreOffice): a throw-away copy of our document gets, at its very end (after
  everything, so it moves nothing), one probe line per bookmark holding a PAGEREF field.
  LibreOffice computes each field as the printed page number of its bookmark (page-number restarts
  included) while it lays the copy out to PDF; the probe lines are read back from the PDF's text.
  The numbers are written as plain text into *our* document — LibreOffice's own output is never
  shipped — and, since new numbers can move text, measured again until they hold; or
* **left to Word** (no LibreOffice): PAGEREF fields showing the reader's page numbers until updated,
  and ``w:updateFields`` in the settings so that Word recomputes them when it opens the file (the
  approach of doc-control's fields update; django-docxtpl refreshes its TOC through LibreOffice).
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import LayoutError
from ..model import Report
from ..results import Location, Message, Severity
from ..rules import PlanGrades, pages_text
from ..wordml import Atom
from .finalize import (
    FilledPackage,
    FinalizeOptions,
    Layout,
    SheetTable,
    fill_summary,
)
from .ooxml import (
    Bookmarks,
    W,
    flat,
    pageref_runs,
    paragraph_text_nodes,
    remove_bookmarks,
    replace_spans,
    request_field_update,
    row_cells,
    run,
    table_rows,
    text_rpr,
    unwrap_fields,
    visible_text,
    vmerge,
)

BOOKMARK_PREFIX = "_komae_"
"""Bookmarks whose names start with ``_`` are hidden in Word's bookmark list."""
MAX_PASSES = 3
PAGE_REF = re.compile(r"([PＰ][.．\-－‐]\s*)([0-9０-９]{1,4})")
_PROBE = re.compile(r"KX(\d+):\s*(\d+)\s*:XK")


# --------------------------------------------------------------------------- anchors


@dataclass
class ProseRef:
    """A paragraph with page references (「詳細はP.22を参照」), read across its runs.

    ``targets`` holds, per reference in the paragraph's text, the bookmark of what it points at, or
    None for a page no anchor stood on (left alone).  Only digits are ever rewritten, so the
    references keep their number and order from pass to pass.
    """

    p: etree._Element
    targets: list[str | None]


@dataclass
class Anchors:
    """The bookmarks added to the document and the places that print their pages."""

    sheet_start: dict[tuple[str, int], str] = field(default_factory=dict)
    sheet_end: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    """The end of each cell of a sheet's last row: a row split over pages ends where its tallest cell ends."""
    headings: dict[int, str] = field(default_factory=dict)
    toc: dict[int, etree._Element] = field(default_factory=dict)
    prose: list[ProseRef] = field(default_factory=list)

    def names(self) -> list[str]:
        ends = [name for names in self.sheet_end.values() for name in names]
        return list(dict.fromkeys([*self.sheet_start.values(), *ends, *self.headings.values()]))


def add_anchors(
    body: etree._Element, report: Report, layout: Layout, sheets: Mapping[str, list[SheetTable]]
) -> Anchors:
    """Bookmark every sheet (first and last row) and every heading the 目次 lists; find the refs."""
    # a finalized report's own fields and bookmarks, carried into this year's draft, are redone
    unwrap_fields(body, f"PAGEREF {BOOKMARK_PREFIX}")
    remove_bookmarks(body, BOOKMARK_PREFIX)
    marks = Bookmarks(body)
    anchors = Anchors()
    for number, plan in enumerate(report.plans, start=1):
        for index, table in enumerate(sheets.get(plan.key, [])):
            first = _row_paragraph(table.rows[0])
            if first is not None:
                anchors.sheet_start[(plan.key, index)] = marks.add(
                    first, f"{BOOKMARK_PREFIX}s{number}_{index + 1}"
                )
            anchors.sheet_end[(plan.key, index)] = [
                marks.add(p, f"{BOOKMARK_PREFIX}e{number}_{index + 1}_{i + 1}", at_end=True)
                for i, p in enumerate(_cell_ends(table.rows[-1]))
            ]
    anchors.toc = _toc_paragraphs(body, report)
    listed = {id(p) for p in anchors.toc.values()}
    after = _paragraphs_after(body, list(anchors.toc.values()))
    texts = [flat(visible_text(p)) if id(p) not in listed else None for p in after]
    start = 0  # headings stand in the 目次's order: one the 目次 repeats (「1 地域福祉計画」 in both
    for index, entry in enumerate(report.toc):  # chapters) is the next one after the previous heading
        wanted = flat(entry.label + entry.title)
        at = next((i for i in range(start, len(after)) if texts[i] == wanted), None)
        if at is not None:
            anchors.headings[index] = marks.add(after[at], f"{BOOKMARK_PREFIX}h{index + 1}")
            start = at + 1
    excluded = [*anchors.toc.values(), *layout.summaries]
    anchors.prose = _prose_refs(body, _old_pages(report, anchors), excluded)
    return anchors


def _cell_ends(tr: etree._Element) -> list[etree._Element]:
    """The last paragraph of each cell of the row (cells continuing a merge hold nothing of their own)."""
    ends: list[etree._Element] = []
    for cell in row_cells(tr):
        paragraphs = cell.tc.findall(f"{W}p")
        if paragraphs and vmerge(cell.tc) != "continue":
            ends.append(paragraphs[-1])
    return ends


def _row_paragraph(tr: etree._Element) -> etree._Element | None:
    cells = row_cells(tr)
    return cells[0].tc.find(f"{W}p") if cells else None


def _toc_paragraphs(body: etree._Element, report: Report) -> dict[int, etree._Element]:
    """Each 目次 entry's line (``label<tab>title<tab>page``), matched by its label and title."""
    keys = [flat(e.label + e.title) for e in report.toc]
    found: dict[int, etree._Element] = {}
    start = 0  # the lines in order: a line the 目次 repeats is the next entry with its text
    for p in body.iter(f"{W}p"):
        parts = visible_text(p).split("\t")
        if len(parts) < 2 or not flat(parts[-1]).isdigit():
            continue
        text = flat("".join(parts[:-1]))
        index = next((i for i in range(start, len(keys)) if keys[i] == text), None)
        if index is not None:
            found[index] = p
            start = index + 1
        if start == len(keys):
            break
    return found


def _paragraphs_after(body: etree._Element, toc: Sequence[etree._Element]) -> list[etree._Element]:
    paragraphs = list(body.iter(f"{W}p"))
    if not toc:
        return paragraphs
    positions = {id(p): i for i, p in enumerate(paragraphs)}
    return paragraphs[max(positions[id(p)] for p in toc) + 1 :]


def _old_pages(report: Report, anchors: Anchors) -> dict[int, str]:
    """Page → the bookmark of what stood there in the filled draft, as the reader states its pages."""
    old: dict[int, str] = {}
    for index, entry in enumerate(report.toc):
        page = flat(entry.page)
        if index in anchors.headings and page.isdigit():
            old.setdefault(int(page), anchors.headings[index])
    for plan in report.plans:
        for sheet in plan.sheets:
            name = anchors.sheet_start.get((plan.key, sheet.index))
            if name is not None and sheet.page is not None:
                old.setdefault(sheet.page, name)
    return old


def _prose_refs(
    body: etree._Element, old: Mapping[int, str], excluded: Sequence[etree._Element]
) -> list[ProseRef]:
    """Paragraphs such as 「詳細はP.22を参照」 with a reference to a page an anchor stood on."""
    # The elements themselves, not their ids: lxml frees a proxy nobody holds, and its id can be
    # reused by another paragraph's proxy.  A held proxy is the one lxml hands out again.
    skip = {p for root in excluded for p in root.iter(f"{W}p")}
    refs: list[ProseRef] = []
    for p in body.iter(f"{W}p"):
        if p in skip:
            continue
        _, matches = _page_refs(p)
        targets = [old.get(int(flat(m.group(2)))) for m in matches]
        if any(targets):
            refs.append(ProseRef(p, targets))
    return refs


def _page_refs(p: etree._Element) -> tuple[list[Atom], list[re.Match[str]]]:
    """The paragraph's text nodes and the page references in their joined text."""
    nodes = paragraph_text_nodes(p)
    return nodes, list(PAGE_REF.finditer("".join(node.text for node in nodes)))


# --------------------------------------------------------------------------- measuring with LibreOffice


def measure_pages(package: FilledPackage, names: Sequence[str], workdir: Path) -> dict[str, int]:
    """The printed page of each bookmark in LibreOffice's layout of ``package`` (via a probe copy)."""
    from ..layout import convert_to_pdf, pdf_page_texts

    probe = package.copy()
    body = probe.body
    final = body.find(f"{W}sectPr")
    for i, name in enumerate(names):
        p = etree.Element(f"{W}p")
        p.extend([run(f"KX{i}:"), *pageref_runs(name, "0"), run(":XK")])
        if final is not None:
            final.addprevious(p)
        else:
            body.append(p)
    workdir.mkdir(parents=True, exist_ok=True)
    docx = workdir / "probe.docx"
    docx.write_bytes(probe.save())
    pdf = convert_to_pdf(docx, workdir)
    text = "\n".join(pdf_page_texts(pdf))
    found = {int(m.group(1)): int(m.group(2)) for m in _PROBE.finditer(text)}
    missing = [name for i, name in enumerate(names) if i not in found]
    if missing:
        raise LayoutError(
            f"LibreOffice の組版から {len(missing)} か所の頁が読み取れませんでした", package.path
        )
    return {name: found[i] for i, name in enumerate(names)}


# --------------------------------------------------------------------------- what the pages say


def measure_page_texts(
    report: Report, anchors: Anchors, pages: Mapping[str, int]
) -> dict[str, dict[str, str]]:
    """Per plan, each measure's pages in the report's notation (``12～13``): all pages its sheets cover."""
    out: dict[str, dict[str, str]] = {}
    for plan in report.plans:
        texts: dict[str, str] = {}
        for measure in plan.iter_measures():
            numbers: set[int] = set()
            for sheet in plan.sheets:
                if not any(m.measure_id == measure.id for m in sheet.measures):
                    continue
                start = pages.get(anchors.sheet_start.get((plan.key, sheet.index), ""))
                ends = [pages[n] for n in anchors.sheet_end.get((plan.key, sheet.index), []) if n in pages]
                if start is not None:
                    numbers.update(range(start, max([start, *ends]) + 1))
            texts[measure.id] = pages_text(sorted(numbers))
        out[plan.key] = texts
    return out


def _replace_page_after_last_tab(p: etree._Element, runs: Sequence[etree._Element]) -> None:
    """Replace what follows the paragraph's last tab (a 目次 line's page) by ``runs``."""
    all_runs = [r for r in p.iter(f"{W}r")]
    tab_run = next((r for r in reversed(all_runs) if r.find(f"{W}tab") is not None), None)
    if tab_run is None:
        return
    children = list(tab_run)
    last_tab = max(i for i, child in enumerate(children) if child.tag == f"{W}tab")
    for child in children[last_tab + 1 :]:
        tab_run.remove(child)
    for later in all_runs[all_runs.index(tab_run) + 1 :]:
        parent = later.getparent()
        if parent is not None:
            parent.remove(later)
    previous = tab_run
    for new in runs:
        previous.addnext(new)
        previous = new


def write_measured(
    report: Report, grades: Sequence[PlanGrades], layout: Layout, anchors: Anchors, pages: Mapping[str, int],
    *, interim: bool,
) -> None:  # fmt: skip
    """Write measured pages as plain text: 評価総括表 pages, 目次 pages, moved page references."""
    texts = measure_page_texts(report, anchors, pages)
    places = zip(layout.summaries, layout.totals, layout.header_rows, strict=True)
    for (tbl, total, head), plan, plan_grades in zip(places, report.plans, grades, strict=True):
        shown = texts[plan.key]
        fill_summary(tbl, plan_grades.summary, shown, interim=interim, total=total, header_rows=head)
    for index, p in anchors.toc.items():
        name = anchors.headings.get(index)
        if name is not None and name in pages:
            _replace_page_after_last_tab(p, [run(str(pages[name]), text_rpr(p))])
    for ref in anchors.prose:
        nodes, matches = _page_refs(ref.p)
        spans = [
            (m.start(2), m.end(2), str(pages[name]))
            for m, name in zip(matches, ref.targets, strict=False)
            if name is not None and name in pages
        ]
        replace_spans(nodes, spans)


# --------------------------------------------------------------------------- fields for Word


def write_fields(
    report: Report,
    grades: Sequence[PlanGrades],
    layout: Layout,
    anchors: Anchors,
    settings: etree._Element | None,
) -> int:
    """PAGEREF fields in the 評価総括表, the 目次 and the page references; Word updates them on opening."""
    for tbl, plan in zip(layout.summaries, report.plans, strict=True):
        bounds: dict[str, tuple[str, str]] = {}
        for measure in plan.iter_measures():
            indices = [s.index for s in plan.sheets if any(m.measure_id == measure.id for m in s.measures)]
            if indices:
                start = anchors.sheet_start.get((plan.key, indices[0]))
                ends = anchors.sheet_end.get((plan.key, indices[-1]), [])
                if start and ends:
                    bounds[measure.ref] = (start, ends[-1])
        _summary_fields(tbl, bounds)
    for index, p in anchors.toc.items():
        name = anchors.headings.get(index)
        if name is not None:
            shown = flat(report.toc[index].page)
            _replace_page_after_last_tab(p, pageref_runs(name, shown, text_rpr(p)))
    kept = sum(_prose_fields(ref) for ref in anchors.prose)
    if settings is not None:
        request_field_update(settings)
    return kept


def _summary_fields(tbl: etree._Element, bounds: Mapping[str, tuple[str, str]]) -> None:
    """Each page cell becomes ``PAGEREF start`` (``～ PAGEREF end`` for a range) of its measure's sheets."""
    for tr in table_rows(tbl)[2:]:
        cells = row_cells(tr)
        if len(cells) < 4:
            continue
        ref = visible_text(cells[3].tc).strip()
        p = cells[2].tc.find(f"{W}p")
        if ref not in bounds or p is None:
            continue
        shown = visible_text(p)
        rpr = text_rpr(p)
        for old in [r for r in p if r.tag == f"{W}r"]:
            p.remove(old)
        first, mark, last = shown.partition("～")
        start, end = bounds[ref]
        p.extend(pageref_runs(start, first, rpr))
        if mark:
            p.append(run(mark, rpr))
            p.extend(pageref_runs(end, last, rpr))


def _prose_fields(ref: ProseRef) -> int:
    """Each reference whose digits stand in one run becomes a PAGEREF field; returns those left as text."""
    nodes, matches = _page_refs(ref.p)
    starts, position = [], 0
    for node in nodes:
        starts.append(position)
        position += len(node.text)
    by_node: dict[int, list[tuple[int, int, str]]] = {}
    left = 0
    for match, name in zip(matches, ref.targets, strict=False):
        if name is None:
            continue
        i = max(k for k, start in enumerate(starts) if start <= match.start(2))
        end = starts[i] + len(nodes[i].text)
        if match.end(2) > end or not _single_text_run(nodes[i].el):
            left += 1
            continue
        by_node.setdefault(i, []).append((match.start(2) - starts[i], match.end(2) - starts[i], name))
    for i, spans in by_node.items():
        _split_into_fields(nodes[i].el, spans)
    return left


def _single_text_run(t: etree._Element) -> bool:
    if t.tag != f"{W}t":
        return False
    holder = t.getparent()
    return holder is not None and holder.tag == f"{W}r" and len(holder.findall(f"{W}t")) == 1


def _split_into_fields(t: etree._Element, spans: Sequence[tuple[int, int, str]]) -> None:
    """Replace the run of ``t`` by runs of its text with PAGEREF fields over the ``spans``."""
    holder = t.getparent()
    assert holder is not None
    rpr = holder.find(f"{W}rPr")
    text = t.text or ""
    new: list[etree._Element] = []
    rest = 0
    for start, end, name in sorted(spans):
        if start > rest:
            new.append(run(text[rest:start], rpr))
        new.extend(pageref_runs(name, text[start:end], rpr))
        rest = end
    if rest < len(text):
        new.append(run(text[rest:], rpr))
    previous = holder
    for element in new:
        previous.addnext(element)
        previous = element
    parent = holder.getparent()
    if parent is not None:
        parent.remove(holder)


# --------------------------------------------------------------------------- the step


def apply_pages(
    package: FilledPackage,
    report: Report,
    grades: Sequence[PlanGrades],
    layout: Layout,
    sheets: Mapping[str, list[SheetTable]],
    options: FinalizeOptions,
) -> tuple[int, list[Message]]:
    """Put real page numbers into ``package``; returns the LibreOffice passes run and the messages."""
    anchors = add_anchors(package.body, report, layout, sheets)
    unmatched = [
        _message(
            "warning",
            "finalize.toc_heading_missing",
            f"目次の「{entry.label} {entry.title}」の見出しが本文に見つからないため、その頁は元のままです",
            section="目次",
        )
        for index, entry in enumerate(report.toc)
        if index not in anchors.headings or index not in anchors.toc
    ]
    if options.pages == "fields":
        return 0, [*_field_pages(package, report, grades, layout, anchors), *unmatched]
    passes, messages = _measured_pages(package, report, grades, layout, anchors, interim=options.interim)
    return passes, [*messages, *unmatched]


def _field_pages(
    package: FilledPackage, report: Report, grades: Sequence[PlanGrades], layout: Layout, anchors: Anchors
) -> list[Message]:
    left = write_fields(report, grades, layout, anchors, package.settings)
    messages = [
        _message(
            "info",
            "finalize.page_fields",
            "LibreOffice を使わなかったため、評価総括表・目次・本文中の頁は Word で開いたときに更新される"
            "フィールドとして書きました。Word で開き、更新を確認してから保存してください",
        )
    ]
    if left:
        text = (
            f"本文中の頁の参照 {left} か所は書式の途中で分かれているためフィールドにできず、"
            "元の番号のままです。Word で確かめてください"
        )
        messages.append(_message("warning", "finalize.page_refs_as_text", text))
    return messages


def _measured_pages(
    package: FilledPackage,
    report: Report,
    grades: Sequence[PlanGrades],
    layout: Layout,
    anchors: Anchors,
    *,
    interim: bool,
) -> tuple[int, list[Message]]:
    """Measure, write, measure again until the pages written are the pages measured."""
    with tempfile.TemporaryDirectory(prefix="komae-finalize-") as work:
        previous: dict[str, int] | None = None
        for number in range(1, MAX_PASSES + 1):
            pages = measure_pages(package, anchors.names(), Path(work) / f"pass{number}")
            if pages == previous:
                return number, [_passes_message(number)]
            write_measured(report, grades, layout, anchors, pages, interim=interim)
            previous = pages
    text = (
        f"頁番号を書くと組版が変わり、{MAX_PASSES} 回測っても頁が定まりませんでした。"
        "check --layout で頁を確かめてください"
    )
    return MAX_PASSES, [
        _passes_message(MAX_PASSES),
        _message("warning", "finalize.pages_unsettled", text),
    ]


def _passes_message(passes: int) -> Message:
    text = f"頁番号は LibreOffice の組版で {passes} 回測って確かめました"
    return _message("info", "finalize.page_passes", text)


def _message(severity: Severity, code: str, text: str, section: str | None = None) -> Message:
    return Message(severity=severity, code=code, text=text, location=Location(section=section))
