"""Word is the master: the draft of a report staff edited in Word keeps every edit.

Each variant is the example edited the way staff edit in Word over a year (the edit is stated on
the real XML); the draft of each must carry the edit, read back as the rolled-forward report, lay
out in as many LibreOffice pages as the variant, and pass openxml-audit.
"""

from __future__ import annotations

import copy
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import api, read_report
from komae_docx.errors import KomaeDocxError, SheetFormatError
from komae_docx.model import Report
from komae_docx.rollover import roll_forward
from komae_docx.writing.compare import without_layout
from komae_docx.writing.ooxml import put_tcpr_child

from .conftest import EXAMPLE
from .docx_checks import audit_findings, soffice
from .docx_edit import cell_at, paragraph_with_text, replace_parts, rows_of, top_tables, w
from .draft_facts import assert_fresh_draft_of

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NOTE = "※本報告書中の数値は、令和6年3月31日現在のものです。"
ROLLED_NOTE = "※本報告書中の数値は、令和7年3月31日現在のものです。"


# --------------------------------------------------------------------------- reading the example's XML


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist()}


def _xml(path: Path, part: str = "word/document.xml") -> etree._Element:
    return etree.fromstring(_parts(path)[part])


def _grid(tbl: etree._Element) -> list[str]:
    return [col.get(f"{W}w") or "" for col in tbl.iterfind(f"{W}tblGrid/{W}gridCol")]


def _text(el: etree._Element) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _set_text(tc: etree._Element, text: str) -> None:
    ts = list(tc.iter(f"{W}t"))
    if not ts:  # an empty cell: a run in its first paragraph
        ts = [etree.SubElement(etree.SubElement(tc.find(f"{W}p"), f"{W}r"), f"{W}t")]
    ts[0].text = text
    for t in ts[1:]:
        t.text = ""


def _sections(root: etree._Element) -> list[etree._Element]:
    return list(root.iter(f"{W}sectPr"))


@pytest.fixture(scope="module")
def example(report: Report) -> Report:
    return report


def _first_sheet(report: Report) -> tuple[int, dict[str, int]]:
    sheet = report.plans[0].sheets[0]
    assert sheet.anchor is not None
    return sheet.anchor.table, sheet.anchor.columns


# --------------------------------------------------------------------------- the variants


@dataclass
class Variant:
    name: str
    path: Path
    draft: Path | None = None


def _edit_document(src: Path, dst: Path, edit: Callable[[etree._Element], None]) -> Path:
    parts = _parts(src)
    root = etree.fromstring(parts["word/document.xml"])
    edit(root)
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return replace_parts(src, dst, {"word/document.xml": data})


def _body_font(folder: Path, report: Report) -> Path:
    styles = _parts(EXAMPLE)["word/styles.xml"].replace(
        'w:eastAsia="ＭＳ 明朝" w:hAnsi="Century"'.encode(),
        'w:eastAsia="游明朝" w:hAnsi="Century"'.encode(),
        1,
    )
    return replace_parts(EXAMPLE, folder / "body_font.docx", {"word/styles.xml": styles})


def _do_wider_act_narrower(folder: Path, report: Report) -> Path:
    table, cols = _first_sheet(report)

    def edit(root: etree._Element) -> None:
        tbl = top_tables(root)[table]
        grid = list(tbl.iterfind(f"{W}tblGrid/{W}gridCol"))
        for col, delta in ((cols["do"], 600), (cols["act"], -600)):
            grid[col].set(f"{W}w", str(int(grid[col].get(f"{W}w") or 0) + delta))
            for tr in rows_of(tbl):
                tcw = cell_at(tr, col).find(f"{W}tcPr/{W}tcW")
                if tcw is not None and cell_at(tr, col).find(f"{W}tcPr/{W}gridSpan") is None:
                    tcw.set(f"{W}w", str(int(tcw.get(f"{W}w") or 0) + delta))

    return _edit_document(EXAMPLE, folder / "do_wider.docx", edit)


def _header_shading(folder: Path, report: Report) -> Path:
    table, _ = _first_sheet(report)

    def edit(root: etree._Element) -> None:
        for tr in rows_of(top_tables(root)[table])[:2]:
            for shd in tr.iter(f"{W}shd"):
                shd.set(f"{W}fill", "FFE699")

    return _edit_document(EXAMPLE, folder / "header_shading.docx", edit)


def _top_margins(folder: Path, report: Report) -> Path:
    def edit(root: etree._Element) -> None:
        for sect in _sections(root):
            if sect.find(f"{W}pgSz").get(f"{W}orient") != "landscape":
                sect.find(f"{W}pgMar").set(f"{W}top", "1800")

    return _edit_document(EXAMPLE, folder / "top_margins.docx", edit)


def _dashed_page_numbers(folder: Path, report: Report) -> Path:
    footer = etree.fromstring(_parts(EXAMPLE)["word/footer1.xml"])
    p = footer.find(f"{W}p")
    runs = list(p.iterchildren(f"{W}r"))
    before, after = w("r"), w("r")
    etree.SubElement(before, f"{W}t").text = "－ "
    etree.SubElement(after, f"{W}t").text = " －"
    before.find(f"{W}t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    after.find(f"{W}t").set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    runs[0].addprevious(before)
    runs[-1].addnext(after)
    data = etree.tostring(footer, xml_declaration=True, encoding="UTF-8", standalone=True)
    return replace_parts(EXAMPLE, folder / "dashed_numbers.docx", {"word/footer1.xml": data})


def _note_in_intro(folder: Path, report: Report) -> Path:
    def edit(root: etree._Element) -> None:
        anchor = paragraph_with_text(root, "具体的な施策の評価方法")
        note = copy.deepcopy(anchor)
        for r in list(note.iterchildren(f"{W}r"))[1:]:
            note.remove(r)
        next(note.iter(f"{W}t")).text = NOTE
        anchor.addprevious(note)

    return _edit_document(EXAMPLE, folder / "note.docx", edit)


def _landscape_margins(folder: Path, report: Report) -> Path:
    def edit(root: etree._Element) -> None:
        for sect in _sections(root):
            if sect.find(f"{W}pgSz").get(f"{W}orient") == "landscape":
                sect.find(f"{W}pgMar").set(f"{W}left", "1000")
                sect.find(f"{W}pgMar").set(f"{W}right", "1000")

    return _edit_document(EXAMPLE, folder / "landscape_margins.docx", edit)


def _header_text(folder: Path, report: Report) -> Path:
    parts = _parts(EXAMPLE)
    header = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr xmlns:w="{W_NS}">'
        '<w:p><w:pPr><w:jc w:val="right"/></w:pPr>'
        "<w:r><w:t>狛江市 福祉政策課 令和5年度</w:t></w:r></w:p></w:hdr>"
    ).encode()
    rels = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdHdr1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/header" Target="header1.xml"/></Relationships>',
    )
    types = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/word/header1.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.wordprocessingml.header+xml"/></Types>',
    )
    root = etree.fromstring(parts["word/document.xml"])
    footer_ref = next(root.iter(f"{W}footerReference"))
    reference = w("headerReference", type="default")
    reference.set(f"{{{R_NS}}}id", "rIdHdr1")
    footer_ref.addprevious(reference)
    document = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return replace_parts(
        EXAMPLE,
        folder / "header_text.docx",
        {
            "word/header1.xml": header,
            "word/_rels/document.xml.rels": rels,
            "[Content_Types].xml": types,
            "word/document.xml": document,
        },
    )


def _table_style(folder: Path, report: Report) -> Path:
    table, _ = _first_sheet(report)

    def edit(root: etree._Element) -> None:
        style = top_tables(root)[table].find(f"{W}tblPr/{W}tblStyle")
        style.set(f"{W}val", "a1")  # 表(標準) instead of the example's 表 (格子)

    return _edit_document(EXAMPLE, folder / "table_style.docx", edit)


def _department_width(folder: Path, report: Report) -> Path:
    table, cols = _first_sheet(report)

    def edit(root: etree._Element) -> None:
        tbl = top_tables(root)[table]
        grid = list(tbl.iterfind(f"{W}tblGrid/{W}gridCol"))
        grid[cols["dept"]].set(f"{W}w", str(int(grid[cols["dept"]].get(f"{W}w") or 0) + 300))
        grid[cols["act"]].set(f"{W}w", str(int(grid[cols["act"]].get(f"{W}w") or 0) - 300))

    return _edit_document(EXAMPLE, folder / "department_width.docx", edit)


INSERTED_PLAN = "地域の居場所づくりを新たに支援します。"


def _project_inserted(folder: Path, report: Report) -> Path:
    table, cols = _first_sheet(report)
    measure = report.plans[0].measures_list()[0]
    row = measure.projects[-1].entries[-1].row

    def edit(root: etree._Element) -> None:
        tr = rows_of(top_tables(root)[table])[row]
        new = copy.deepcopy(tr)
        plan_cell = cell_at(new, cols["dept"] - 1)
        _set_text(plan_cell, INSERTED_PLAN)
        _set_text(plan_cell.getprevious(), "ｚ")  # the 小 label cell left of the plan text
        _set_text(cell_at(new, cols["do"]), "新しい事業の実施内容")
        tr.addnext(new)

    return _edit_document(EXAMPLE, folder / "project_inserted.docx", edit)


def _new_measure_sheet(folder: Path, report: Report) -> Path:
    table, _ = _first_sheet(report)
    printed = report.plans[0].sheets[0].measures[0]

    def edit(root: etree._Element) -> None:
        tbl = top_tables(root)[table]
        between = []
        el = tbl.getnext()
        while el is not None and el.tag != f"{W}tbl":
            between.append(el)
            el = el.getnext()
        new = copy.deepcopy(tbl)
        measure_row = rows_of(new)[printed.row]
        for tc in measure_row.iterchildren(f"{W}tc"):
            if _text(tc).strip() == printed.label.strip():
                _set_text(tc, "⑨")
            elif _text(tc).strip() == printed.title.strip():
                _set_text(tc, "新しい施策を進めます。")
        assert el is not None
        el.addprevious(new)  # sheet, its page break, new sheet, a page break: no blank page
        for item in between:
            el.addprevious(copy.deepcopy(item))

    return _edit_document(EXAMPLE, folder / "new_measure_sheet.docx", edit)


def _row_split(folder: Path, report: Report) -> Path:
    """The first project's row split in two: the left cells merged down, a second Do/Act row below."""
    table, cols = _first_sheet(report)
    row = report.plans[0].measures_list()[0].projects[0].entries[0].row

    def edit(root: etree._Element) -> None:
        tr = rows_of(top_tables(root)[table])[row]
        below = copy.deepcopy(tr)
        for original, copied in zip(tr.iterchildren(f"{W}tc"), below.iterchildren(f"{W}tc"), strict=True):
            tcpr = original.find(f"{W}tcPr")
            if cell_at(tr, cols["do"]) is original or cell_at(tr, cols["act"]) is original:
                _set_text(copied, "")
                continue
            if cell_at(tr, cols["check"]) is original:
                continue
            if tcpr.find(f"{W}vMerge") is None:
                put_tcpr_child(original, w("vMerge", val="restart"))
            put_tcpr_child(copied, w("vMerge"))  # continue
            _set_text(copied, "")
        tr.addnext(below)

    return _edit_document(EXAMPLE, folder / "row_split.docx", edit)


CHAPTER2_NOTE = "※委員会の意見は令和6年7月の会議で取りまとめたものです。"


def _paragraph_in_chapter2(folder: Path, report: Report) -> Path:
    opinion = report.plans[0].opinion_sheets[0].anchor
    assert opinion is not None

    def edit(root: etree._Element) -> None:
        tbl = top_tables(root)[opinion.table]
        heading = tbl.getprevious()
        while heading is not None and not _text(heading).strip():
            heading = heading.getprevious()
        assert heading is not None
        note = copy.deepcopy(heading)
        for r in list(note.iterchildren(f"{W}r"))[1:]:
            note.remove(r)
        next(note.iter(f"{W}t")).text = CHAPTER2_NOTE
        heading.addnext(note)

    return _edit_document(EXAMPLE, folder / "chapter2_paragraph.docx", edit)


BUILDERS: dict[str, Callable[[Path, Report], Path]] = {
    "body_font": _body_font,
    "do_wider": _do_wider_act_narrower,
    "header_shading": _header_shading,
    "top_margins": _top_margins,
    "dashed_numbers": _dashed_page_numbers,
    "note": _note_in_intro,
    "landscape_margins": _landscape_margins,
    "header_text": _header_text,
    "table_style": _table_style,
    "department_width": _department_width,
    "project_inserted": _project_inserted,
    "new_measure_sheet": _new_measure_sheet,
    "row_split": _row_split,
    "chapter2_paragraph": _paragraph_in_chapter2,
}


@pytest.fixture(scope="module")
def variants(tmp_path_factory: pytest.TempPathFactory, example: Report) -> dict[str, Variant]:
    folder = tmp_path_factory.mktemp("variants")
    made: dict[str, Variant] = {}
    for name, build in BUILDERS.items():
        variant = Variant(name, build(folder, example))
        variant.draft = api.draft(variant.path, folder / f"{name}.draft.docx").value.path
        made[name] = variant
    return made


def _draft(variants: dict[str, Variant], name: str) -> Path:
    draft = variants[name].draft
    assert draft is not None
    return draft


# --------------------------------------------------------------------------- every variant


@pytest.mark.parametrize("name", list(BUILDERS))
def test_draft_reads_back_as_the_variants_rolled_report(variants: dict[str, Variant], name: str) -> None:
    last = read_report(variants[name].path)
    draft = read_report(_draft(variants, name))
    assert without_layout(draft) == without_layout(roll_forward(last).report)
    assert_fresh_draft_of(last, draft)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_draft_passes_openxml_audit(variants: dict[str, Variant], name: str) -> None:
    assert audit_findings(_draft(variants, name)) == []


@pytest.fixture(scope="module")
def page_counts(variants: dict[str, Variant], tmp_path_factory: pytest.TempPathFactory) -> dict[Path, int]:
    """LibreOffice pages of every variant and draft, in one soffice run (one profile of its own)."""
    exe = soffice()
    outdir = tmp_path_factory.mktemp("pdf")
    files = [p for v in variants.values() for p in (v.path, v.draft) if p is not None]
    profile = (outdir / ".lo-profile").resolve().as_uri()
    command = [exe, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir"]
    subprocess.run([*command, str(outdir), *map(str, files)], capture_output=True, check=False, timeout=900)
    counts: dict[Path, int] = {}
    for docx in files:
        pdf = outdir / (docx.stem + ".pdf")
        assert pdf.exists(), f"LibreOffice wrote no PDF for {docx.name}"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        counts[docx] = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    return counts


@pytest.mark.parametrize("name", list(BUILDERS))
def test_draft_has_as_many_pages_as_the_variant(
    variants: dict[str, Variant], page_counts: dict[Path, int], name: str
) -> None:
    variant = variants[name]
    assert page_counts[_draft(variants, name)] == page_counts[variant.path]


def test_the_variants_change_the_layout_they_claim(
    variants: dict[str, Variant], page_counts: dict[Path, int]
) -> None:
    """Sanity: the example is 39 pages; the new sheet adds one."""
    assert page_counts[variants["note"].path] == 39
    assert page_counts[variants["new_measure_sheet"].path] == 40


# --------------------------------------------------------------------------- each edit carried


def test_body_font_is_carried(variants: dict[str, Variant]) -> None:
    styles = _parts(_draft(variants, "body_font"))["word/styles.xml"].decode()
    assert 'w:eastAsia="游明朝"' in styles


def test_column_widths_are_carried(variants: dict[str, Variant], example: Report) -> None:
    table, cols = _first_sheet(example)
    for name in ("do_wider", "department_width"):
        variant_table = top_tables(_xml(variants[name].path))[table]
        draft_table = top_tables(_xml(_draft(variants, name)))[table]
        assert _grid(draft_table) == _grid(variant_table) != _grid(top_tables(_xml(EXAMPLE))[table])
    variant_rows = rows_of(top_tables(_xml(variants["do_wider"].path))[table])
    draft_rows = rows_of(top_tables(_xml(_draft(variants, "do_wider")))[table])
    for column in ("do", "act"):
        widths = [cell_at(tr, cols[column]).find(f"{W}tcPr/{W}tcW").get(f"{W}w") for tr in draft_rows]
        wanted = [cell_at(tr, cols[column]).find(f"{W}tcPr/{W}tcW").get(f"{W}w") for tr in variant_rows]
        assert widths == wanted


def test_header_row_shading_is_carried(variants: dict[str, Variant], example: Report) -> None:
    table, _ = _first_sheet(example)
    header = rows_of(top_tables(_xml(_draft(variants, "header_shading")))[table])[:2]
    fills = {shd.get(f"{W}fill") for tr in header for shd in tr.iter(f"{W}shd")}
    assert fills == {"FFE699"}


def test_margins_are_carried(variants: dict[str, Variant]) -> None:
    portrait = [
        s
        for s in _sections(_xml(_draft(variants, "top_margins")))
        if s.find(f"{W}pgSz").get(f"{W}orient") != "landscape"
    ]
    assert {s.find(f"{W}pgMar").get(f"{W}top") for s in portrait} == {"1800"}
    landscape = [
        s
        for s in _sections(_xml(_draft(variants, "landscape_margins")))
        if s.find(f"{W}pgSz").get(f"{W}orient") == "landscape"
    ]
    assert {
        (s.find(f"{W}pgMar").get(f"{W}left"), s.find(f"{W}pgMar").get(f"{W}right")) for s in landscape
    } == {("1000", "1000")}


def test_footer_and_header_are_carried(variants: dict[str, Variant], tmp_path: Path) -> None:
    footer = _xml(_draft(variants, "dashed_numbers"), "word/footer1.xml")
    assert _text(footer).startswith("－ ") and _text(footer).endswith(" －")
    assert footer.find(f".//{W}instrText") is not None
    draft = _draft(variants, "header_text")
    assert _text(_xml(draft, "word/header1.xml")) == "狛江市 福祉政策課 令和6年度"  # the frame's year rolls
    assert next(_xml(draft).iter(f"{W}headerReference")).get(f"{{{R_NS}}}id") == "rIdHdr1"
    changes = api.draft(variants["header_text"].path, tmp_path / "again.docx").value.changes
    assert any(c.old == "狛江市 福祉政策課 令和5年度" and c.new.endswith("令和6年度") for c in changes)


def test_table_style_is_carried(variants: dict[str, Variant], example: Report) -> None:
    table, _ = _first_sheet(example)
    style = top_tables(_xml(_draft(variants, "table_style")))[table].find(f"{W}tblPr/{W}tblStyle")
    assert style is not None and style.get(f"{W}val") == "a1"


def test_added_note_is_kept_and_its_as_of_date_rolls(variants: dict[str, Variant], tmp_path: Path) -> None:
    draft = read_report(_draft(variants, "note"))
    assert ROLLED_NOTE in [block.text for block in draft.intro.blocks]
    made = api.draft(variants["note"].path, tmp_path / "again.docx").value
    assert any(c.old == NOTE and c.new == ROLLED_NOTE for c in made.changes)
    written = draft.model_dump_json()
    for history in ("平成26年7月", "令和3年3月に", "昭和37年総理府令"):
        assert history in written, history


def test_inserted_project_is_drafted_like_the_others(variants: dict[str, Variant], example: Report) -> None:
    draft = read_report(_draft(variants, "project_inserted"))
    measure = draft.plans[0].measures_list()[0]
    assert len(measure.projects) == len(example.plans[0].measures_list()[0].projects) + 1
    inserted = measure.projects[-1]
    assert inserted.plan_text == INSERTED_PLAN and inserted.label == "ｚ"
    assert inserted.entries[0].do == [] and inserted.result is None
    table, cols = _first_sheet(example)
    tr = rows_of(top_tables(_xml(_draft(variants, "project_inserted")))[table])[inserted.entries[0].row]
    combo = cell_at(tr, cols["check"]).find(f".//{W}sdtPr/{W}comboBox")
    assert combo is not None
    assert cell_at(tr, cols["do"]).find(f"{W}tcPr/{W}shd").get(f"{W}fill") == "DEEAF6"


def test_new_measure_sheet_is_drafted(variants: dict[str, Variant], example: Report) -> None:
    draft = read_report(_draft(variants, "new_measure_sheet"))
    plan = draft.plans[0]
    assert len(plan.sheets) == len(example.plans[0].sheets) + 1
    new = next(m for m in plan.iter_measures() if m.title == "新しい施策を進めます。")
    assert new.projects and all(not e.do and not e.act for p in new.projects for e in p.entries)
    grades = [
        sdt
        for sdt in _xml(_draft(variants, "new_measure_sheet")).iter(f"{W}sdt")
        if sdt.find(f"{W}sdtPr/{W}tag[@{W}val='komae-docx:grade']") is not None
    ]
    assert len(grades) == sum(len(s.measures) for p in draft.plans for s in p.sheets)


def test_a_split_row_gets_its_own_do_and_act(variants: dict[str, Variant], example: Report) -> None:
    last = read_report(variants["row_split"].path)
    project = last.plans[0].measures_list()[0].projects[0]
    assert len(project.entries) == len(example.plans[0].measures_list()[0].projects[0].entries) + 1
    draft = read_report(_draft(variants, "row_split"))
    again = draft.plans[0].measures_list()[0].projects[0]
    assert [e.row for e in again.entries] == [e.row for e in project.entries]
    table, cols = _first_sheet(example)
    rows = rows_of(top_tables(_xml(_draft(variants, "row_split")))[table])
    for entry in again.entries:
        assert cell_at(rows[entry.row], cols["do"]).find(f"{W}tcPr/{W}shd").get(f"{W}fill") == "DEEAF6"


def test_a_paragraph_added_in_chapter2_stays(variants: dict[str, Variant]) -> None:
    paragraphs = [_text(p) for p in _xml(_draft(variants, "chapter2_paragraph")).iter(f"{W}p")]
    assert CHAPTER2_NOTE in paragraphs  # 令和6年7月 lies after the report year: history, kept


# --------------------------------------------------------------------------- other files that must draft


def test_a_report_resaved_by_libreoffice_drafts(tmp_path: Path, example: Report) -> None:
    outdir = tmp_path / "resaved"
    profile = (tmp_path / ".lo-profile").resolve().as_uri()
    convert = [soffice(), f"-env:UserInstallation={profile}", "--headless", "--convert-to", "docx"]
    subprocess.run(
        [*convert, "--outdir", str(outdir), str(EXAMPLE)],
        capture_output=True,
        check=False,
        timeout=300,
    )
    resaved = outdir / EXAMPLE.name
    assert resaved.exists()
    draft = api.draft(resaved, tmp_path / "draft.docx").value.path
    again = read_report(draft)
    assert without_layout(again) == without_layout(roll_forward(read_report(resaved)).report)
    assert_fresh_draft_of(read_report(resaved), again)
    # LibreOffice's own file is not audit-clean (font character sets, w:b order): the draft adds nothing
    assert set(audit_findings(draft)) <= set(audit_findings(resaved))


def test_a_report_with_tracked_changes_drafts(tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        p = paragraph_with_text(root, "具体的な施策の評価方法")
        inserted = w("ins", id="9001", author="職員", date="2024-05-01T00:00:00Z")
        run = w("r")
        etree.SubElement(run, f"{W}t").text = "（追記）"
        inserted.append(run)
        p.append(inserted)

    tracked = _edit_document(EXAMPLE, tmp_path / "tracked.docx", edit)
    last = api.read(tracked)
    assert any(m.code == "reader.tracked_changes" for m in last.messages)
    made = api.draft(tracked, tmp_path / "draft.docx")
    again = read_report(made.value.path)
    assert without_layout(again) == without_layout(roll_forward(last.value).report)
    assert_fresh_draft_of(last.value, again)
    assert any(b.text.endswith("（追記）") for b in again.intro.blocks)


def test_a_sheet_without_its_do_column_is_refused_naming_sheet_row_and_column(
    tmp_path: Path, example: Report
) -> None:
    table, cols = _first_sheet(example)

    def edit(root: etree._Element) -> None:
        tbl = top_tables(root)[table]
        grid = list(tbl.iterfind(f"{W}tblGrid/{W}gridCol"))
        grid[cols["do"]].getparent().remove(grid[cols["do"]])
        for tr in rows_of(tbl):
            tc = cell_at(tr, cols["do"])
            tr.remove(tc)

    broken = _edit_document(EXAMPLE, tmp_path / "no_do.docx", edit)
    target = tmp_path / "draft.docx"
    with pytest.raises(SheetFormatError) as raised:
        api.draft(broken, target)
    message = str(raised.value)
    assert isinstance(raised.value, KomaeDocxError) and raised.value.exit_code == 2
    assert "シート1" in message and "行" in message and "Do" in message, message
    assert not target.exists() and sorted(p.name for p in tmp_path.iterdir()) == ["no_do.docx"]


def test_make_template_writes_the_tagged_copy_a_draft_can_use(
    tmp_path: Path, example: Report, example_draft: Path
) -> None:
    template = api.make_template(EXAMPLE, tmp_path / "template.docx").value
    document = _parts(template)["word/document.xml"].decode()
    assert "{{ roll('令和5年度', 2023) }}" in document and "{{ publication.number }}" in document
    assert _parts(template)["word/styles.xml"] == _parts(EXAMPLE)["word/styles.xml"]
    made = api.draft(EXAMPLE, tmp_path / "draft.docx", template=template).value.path
    assert read_report(made) == read_report(example_draft)  # the draft derived without a template
