"""Word 365's own constructs in the city's file (tests/word365.py makes each variant as Word does).

One test per construct says what the construct must not break; :func:`test_each_variant_goes_the_whole_way`
takes every variant through parse → draft → make-template → a department's filling → finalize and
asserts nothing is lost, no warning is untrue, openxml-audit finds nothing beyond its baseline and
LibreOffice lays out the draft and the published report in the variant's page count.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import api, wordml
from komae_docx.model import Report
from komae_docx.package import open_package
from komae_docx.reading.ooxml import Table, read_body

from . import word365
from .conftest import EXAMPLE
from .docx_checks import audit_findings, pdf_page_counts
from .filler import fill_draft, last_years_fill

W = word365.W
Builder = Callable[[Path], Path]

VARIANTS: dict[str, Builder] = word365.VARIANTS
TRUE_WARNINGS: dict[str, set[str]] = {
    "sym": {"reader.format"},  # the Wingdings character without a Unicode twin
    "tracked": {"reader.tracked_changes"},
    "comment": {"reader.comments"},  # the staff comment stays in the draft (finalize drops it on request)
}
"""What reading a variant (or its published report) may warn about: what is true of it."""


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("word365")


_made: dict[str, Path] = {}


def made(name: str, work: Path) -> Path:
    """The variant ``name`` (built once per test session)."""
    if name not in _made or not _made[name].exists():
        folder = work / name
        folder.mkdir(exist_ok=True)
        _made[name] = VARIANTS[name](folder)
    return _made[name]


@pytest.fixture(scope="module")
def last_year() -> Report:
    return api.read(EXAMPLE).value


def part(path: Path, name: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(name))


def names_in(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def body_text(path: Path) -> str:
    return "".join(t.text or "" for t in part(path, "word/document.xml").iter(f"{W}t"))


def entries(report: Report, plan: int = 0) -> list[list[str]]:
    return [e.do for m in report.plans[plan].iter_measures() for p in m.projects for e in p.entries]


# --------------------------------------------------------------------------- one test per construct


def test_a_wingdings_check_mark_in_a_do_text_is_kept(work: Path, last_year: Report) -> None:
    result = api.read(made("sym", work))
    first = entries(result.value)[0]
    assert first[0] == "\u2714" + entries(last_year)[0][0]  # Wingdings F0FC is a heavy check mark


def test_a_symbol_without_a_unicode_twin_is_warned_with_its_place(work: Path, last_year: Report) -> None:
    result = api.read(made("sym", work))
    warned = [m for m in result.messages if word365.WINGDINGS_UNMAPPED in m.text]
    assert len(warned) == 1
    assert "Wingdings" in warned[0].text
    assert warned[0].location.section == "第1章" and warned[0].location.row is not None
    second = entries(last_year)[1][0]
    assert second[:20] in warned[0].text  # the paragraph it stands in


def test_ruby_is_read_by_its_base_text(work: Path, last_year: Report) -> None:
    report = api.read(made("ruby", work)).value
    title = next(report.plans[0].iter_measures()).title
    assert title == next(last_year.plans[0].iter_measures()).title
    assert "包括" in title and "ほうかつ" not in title


def test_a_no_break_hyphen_in_the_number_rolls_and_publishes(work: Path) -> None:
    variant = made("nobreakhyphen", work)
    assert api.read(variant).value.publication.number == "R6-22"
    draft = api.draft(variant, work / "nobreakhyphen" / "draft.docx").value.path
    assert api.read(draft).value.publication.number == "R7-〇〇"
    assert "R6" not in body_text(draft).split("刊行物番号")[-1]
    final = _finalize(draft, work / "nobreakhyphen", api.read(variant).value)
    assert api.read(final).value.publication.number == "R7-15"


@pytest.mark.parametrize(
    "editor",
    [word365.split_number_like_libreoffice, word365.number_hyphen_like_word],
    ids=["libreoffice", "word"],
)
def test_a_number_placeholder_an_editor_split_is_published(
    editor: Callable[[Path, Path], Path], work: Path, last_year: Report, example_draft: Path
) -> None:
    folder = work / f"number_{editor.__name__}"
    folder.mkdir()
    edited = editor(example_draft, folder / "edited.docx")
    texts = [t.text or "" for t in part(edited, "word/document.xml").iter(f"{W}t")]
    assert not [text for text in texts if "R7-〇〇" in text]  # no run holds the whole placeholder
    assert api.read(edited).value.publication.number == "R7-〇〇"
    final = _finalize(edited, folder, last_year)
    assert api.read(final).value.publication.number == "R7-15"


def test_grid_after_on_summary_rows_drafts_and_makes_a_template(work: Path) -> None:
    variant = made("gridafter", work)
    assert any(el.tag == f"{W}gridAfter" for el in part(variant, "word/document.xml").iter())
    draft = api.draft(variant, work / "gridafter" / "draft.docx").value.path
    api.make_template(variant, work / "gridafter" / "template.docx")
    report = api.read(draft).value
    assert all(plan.summary is not None and plan.summary.groups for plan in report.plans)


def test_a_cell_level_content_control_drafts_from_a_template(work: Path) -> None:
    variant = made("cellsdt", work)
    template = api.make_template(variant, work / "cellsdt" / "template.docx").value
    result = api.draft(variant, work / "cellsdt" / "from_template.docx", template=template)
    draft = api.read(result.value.path).value
    assert all(not e for e in entries(draft)[:3])  # the Do cells inside the controls were cleared


def test_tracked_changes_leave_no_duplicate_revision_and_no_deleted_row(work: Path) -> None:
    variant = made("tracked", work)
    assert word365.DELETED_ROW_MARK in "".join(
        t.text or "" for t in part(variant, "word/document.xml").iter(f"{W}delText")
    )
    draft = api.draft(variant, work / "tracked" / "draft.docx", carry_text=True).value.path
    document = part(draft, "word/document.xml")
    ids = [el.get(f"{W}id") for el in document.iter(f"{W}rPrChange", f"{W}ins", f"{W}del", f"{W}pPrChange")]
    assert len(ids) == len(set(ids))
    assert word365.DELETED_ROW_MARK not in etree.tostring(document, encoding="unicode")
    assert not list(document.iter(f"{W}trPr")) or not any(
        tr.find(f"{W}del") is not None for tr in document.iter(f"{W}trPr")
    )
    assert audit_findings(draft) == []


def test_a_staff_comment_in_a_cleared_do_cell_stays_anchored(work: Path) -> None:
    variant = made("comment", work)
    draft = api.draft(variant, work / "comment" / "draft.docx").value.path
    document = part(draft, "word/document.xml")
    comments = part(draft, "word/comments.xml")
    staff = [c for c in comments.iter(f"{W}comment") if c.get(f"{W}author") == word365.OTHER_AUTHOR]
    assert len(staff) == 1 and word365.STAFF_COMMENT in "".join(staff[0].itertext())
    anchored = {el.get(f"{W}id") for el in document.iter(f"{W}commentReference")}
    assert {c.get(f"{W}id") for c in comments.iter(f"{W}comment")} == anchored  # none orphaned
    starts = {el.get(f"{W}id") for el in document.iter(f"{W}commentRangeStart")}
    ends = {el.get(f"{W}id") for el in document.iter(f"{W}commentRangeEnd")}
    assert starts == ends == anchored
    assert audit_findings(draft) == []


def test_a_picture_in_a_cleared_do_cell_leaves_no_part_behind(work: Path) -> None:
    variant = made("picture", work)
    assert word365.IMAGE_PART in names_in(variant)
    draft = api.draft(variant, work / "picture" / "draft.docx").value.path
    assert word365.IMAGE_PART not in names_in(draft)
    rels = part(draft, "word/_rels/document.xml.rels")
    assert not [rel for rel in rels if rel.get("Type", "").endswith("/image")]
    assert audit_findings(draft) == []


def test_a_toc_field_repeating_headings_gives_the_right_pages(work: Path, last_year: Report) -> None:
    variant = made("toc", work)
    report = api.read(variant).value
    labels = [(e.label, e.title) for e in report.toc]
    assert labels.count(("1", "地域福祉計画")) == 2 and ("(1)", "進捗管理シート") in labels
    assert len(report.toc) == len(word365.TOC_PAGES)
    for plan, before in zip(report.plans, last_year.plans, strict=True):
        assert [s.page for s in plan.sheets] == [s.page for s in before.sheets]
    findings = {m.describe() for m in api.check(variant).value}
    assert findings == {m.describe() for m in api.check(EXAMPLE).value}
    draft = api.draft(variant, work / "toc" / "draft.docx").value.path
    expected = {(plan.heading, sheet.index): sheet.page for plan in last_year.plans for sheet in plan.sheets}
    left = [m for m in api.status(draft).value.items if m.location.sheet is not None]
    assert left and all(m.location.page == expected[(m.location.plan, m.location.sheet)] for m in left), {
        m.location.describe() for m in left
    }


def test_finalize_measures_the_pages_of_a_toc_that_repeats_headings(work: Path) -> None:
    variant = made("toc", work)
    folder = work / "toc" / "lo"
    folder.mkdir(parents=True)
    draft = api.draft(variant, folder / "draft.docx").value.path
    filled = fill_draft(
        draft, folder / "filled.docx", last_years_fill(api.read(variant).value, api.read(draft).value)
    )
    finalized = api.finalize(filled, folder / "published.docx", number="R7-15", pages="libreoffice")
    assert finalized.value.path is not None
    assert not [m.describe() for m in finalized.messages if m.code == "finalize.toc_heading_missing"]
    toc = api.read(finalized.value.path).value.toc
    assert [int(e.page) for e in toc] == list(word365.TOC_PAGES)


def test_content_controls_at_run_block_and_cell_level_are_read_and_cleared(
    work: Path, last_year: Report
) -> None:
    variant = made("controls", work)
    report = api.read(variant).value
    assert entries(report) == entries(last_year)  # the Do texts inside run-level and cell-level controls
    assert report.cover.report_title == last_year.cover.report_title  # the title in a block-level one
    draft = api.read(api.draft(variant, work / "controls" / "draft.docx").value.path).value
    assert draft.fiscal_year.era_year == last_year.fiscal_year.era_year + 1
    assert all(not e for e in entries(draft))


def test_a_simple_page_field_in_a_footer_stays_a_field(work: Path) -> None:
    variant = made("fldsimple", work)
    draft = api.draft(variant, work / "fldsimple" / "draft.docx").value.path
    fields = list(part(draft, "word/footer2.xml").iter(f"{W}fldSimple"))
    assert len(fields) == 1 and "PAGE" in (fields[0].get(f"{W}instr") or "")
    assert list(part(draft, "word/footer1.xml").iter(f"{W}instrText"))  # the complex one too


def test_footnotes_and_endnotes_survive_the_draft(work: Path) -> None:
    variant = made("notes", work)
    draft = api.draft(variant, work / "notes" / "draft.docx").value.path
    for kind, text in (("footnote", word365.FOOTNOTE_TEXT), ("endnote", word365.ENDNOTE_TEXT)):
        notes = part(draft, f"word/{kind}s.xml")
        assert text in "".join(notes.itertext())
        refs = [el.get(f"{W}id") for el in part(draft, "word/document.xml").iter(f"{W}{kind}Reference")]
        assert refs == ["1"]


def test_custom_xml_parts_and_properties_survive_the_draft(work: Path) -> None:
    variant = made("customxml", work)
    draft = api.draft(variant, work / "customxml" / "draft.docx").value.path
    assert {"customXml/item1.xml", "customXml/itemProps1.xml", "docProps/custom.xml"} <= set(names_in(draft))
    assert word365.CUSTOM_PROPERTY in etree.tostring(part(draft, "docProps/custom.xml"), encoding="unicode")
    assert api.read(draft).value.publication.number == "R7-〇〇"  # the colophon inside w:customXml rolled


def test_runs_split_at_every_character_draft_as_the_example_does(work: Path, example_draft: Path) -> None:
    variant = made("split", work)
    assert api.read(variant).value == api.read(EXAMPLE).value
    draft = api.draft(variant, work / "split" / "draft.docx").value.path
    assert api.read(draft).value == api.read(example_draft).value  # every date rolled, every cell cleared


def test_a_landscape_section_per_sheet_with_first_page_headers(work: Path, last_year: Report) -> None:
    variant = made("sections", work)
    document = part(variant, "word/document.xml")
    sections = [s for s in document.iter(f"{W}sectPr") if s.find(f"{W}titlePg") is not None]
    sheets = sum(len(p.sheets) for p in last_year.plans)
    assert len(sections) >= sheets - len(last_year.plans)  # all but the sheet after each 評価総括表
    assert all(s.find(f"{W}pgSz").get(f"{W}orient") == "landscape" for s in sections)  # type: ignore[union-attr]
    report = api.read(variant).value
    for plan, before in zip(report.plans, last_year.plans, strict=True):
        assert [s.page for s in plan.sheets] == [s.page for s in before.sheets]
    draft = api.draft(variant, work / "sections" / "draft.docx").value.path
    header = "".join(part(draft, word365.HEADER_PART).itertext())
    assert header == word365.HEADER_TEXT.replace("令和5年度", "令和6年度")  # the header's date rolled


def test_an_embedded_font_is_carried_into_the_draft(work: Path) -> None:
    variant = made("fonts", work)
    draft = api.draft(variant, work / "fonts" / "draft.docx").value.path
    with zipfile.ZipFile(variant) as before, zipfile.ZipFile(draft) as after:
        assert after.read(word365.FONT_PART) == before.read(word365.FONT_PART)
    table = part(draft, "word/fontTable.xml")
    embedded = [f for f in table.iter(f"{W}font") if f.get(f"{W}name") == word365.EMBEDDED_FONT]
    assert len(embedded) == 1 and embedded[0].find(f"{W}embedRegular") is not None
    assert part(draft, "word/settings.xml").find(f"{W}embedTrueTypeFonts") is not None


def test_a_flow_diagram_drawn_as_one_group_is_read_box_by_box(work: Path, last_year: Report) -> None:
    variant = made("group", work)
    groups = list(part(variant, "word/document.xml").iter(f"{{{word365.WPG}}}wgp"))
    assert len(groups) == 1 and len(list(groups[0].iter(f"{{{word365.WPS}}}wsp"))) == 5
    schedule = api.read(variant).value.intro.schedule
    assert schedule is not None and last_year.intro.schedule is not None
    boxes = {month: cell.boxes for month, cell in zip(schedule.months, schedule.cells, strict=False)}
    assert boxes["5"] == ["市民福祉推進委員会①"]  # not all five in the 5月 cell
    assert schedule == last_year.intro.schedule


_NOT_THE_BODYS = {f"{W}tbl", f"{W}del", f"{W}moveFrom", f"{W}txbxContent", f"{{{word365.MC_NS}}}Fallback"}


def _grid(tr: etree._Element) -> list[tuple[int, int]]:
    """(grid column, span) of each cell, counted by hand from the row's XML (hMerge: one cell)."""
    before = tr.find(f"{W}trPr/{W}gridBefore")
    col = int(before.get(f"{W}val") or 0) if before is not None else 0
    cells = []
    for tc in tr.iter(f"{W}tc"):
        if next(tc.iterancestors(f"{W}tr")) is not tr:
            continue
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        width = int(span.get(f"{W}val") or 1) if span is not None else 1
        merge = tc.find(f"{W}tcPr/{W}hMerge")
        if merge is not None and merge.get(f"{W}val") != "restart" and cells:
            cells[-1] = (cells[-1][0], cells[-1][1] + width)  # a legacy merge continues the cell before
        else:
            cells.append((col, width))
        col += width
    return cells


def test_a_legacy_horizontal_merge_is_one_cell(work: Path, last_year: Report) -> None:
    variant = made("hmerge", work)
    merges = [el.get(f"{W}val") for el in part(variant, "word/document.xml").iter(f"{W}hMerge")]
    assert merges.count("restart") == 2 and merges.count(None) == 2
    report = api.read(variant).value
    assert [p.summary for p in report.plans] == [p.summary for p in last_year.plans]
    draft = api.draft(variant, work / "hmerge" / "draft.docx").value.path
    final = _finalize(draft, work / "hmerge" / "final", report)
    published = api.read(final).value
    assert [p.summary.total if p.summary else None for p in published.plans] == [
        p.summary.total if p.summary else None for p in last_year.plans
    ]


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_both_sides_see_the_tables_rows_and_cells_of_the_xml(name: str, work: Path) -> None:
    """The reader's tables, rows and grid cells and the writer's are those the XML holds (counted here by
    hand: top-level tables, rows not deleted, cells by gridBefore and gridSpan)."""
    variant = made(name, work)
    body = read_body(open_package(variant, for_reading=True))
    read_tables = [block for block in body.blocks if isinstance(block, Table)]
    document = part(variant, "word/document.xml").find(f"{W}body")
    assert document is not None
    tables = [
        t for t in document.iter(f"{W}tbl") if not any(a.tag in _NOT_THE_BODYS for a in t.iterancestors())
    ]
    written = wordml.body_tables(document)
    assert written == tables and len(read_tables) == len(tables)
    for table, tbl in zip(read_tables, tables, strict=True):
        rows = [
            tr
            for tr in tbl.iter(f"{W}tr")
            if next(tr.iterancestors(f"{W}tbl")) is tbl and tr.find(f"{W}trPr/{W}del") is None
        ]
        assert wordml.table_rows(tbl) == rows and len(table.rows) == len(rows)
        for row, tr in zip(table.rows, rows, strict=True):
            by_hand = _grid(tr)
            assert [(c.col, c.span) for c in row.cells] == by_hand
            assert [(c.col, c.span) for c in wordml.row_cells(tr)] == by_hand


# --------------------------------------------------------------------------- the whole way


def _finalize(draft: Path, folder: Path, last_year: Report, *, pages: str = "fields") -> Path:
    """The draft filled as a department does in Word (tests/filler.py), finalized with R7-15 (a staff
    comment dropped: a published report carries none, tests/test_revisions.py)."""
    folder.mkdir(exist_ok=True)
    fill = last_years_fill(last_year, api.read(draft).value)
    filled = fill_draft(draft, folder / "filled.docx", fill)
    result = api.finalize(
        filled,
        folder / "published.docx",
        number="R7-15",
        pages=pages,  # type: ignore[arg-type]
        drop_comments=True,
    )
    assert result.value.path is not None, [m.describe() for m in result.messages]
    return result.value.path


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_variant_goes_the_whole_way(name: str, work: Path, last_year: Report) -> None:
    variant = made(name, work)
    folder = work / name / "whole"
    folder.mkdir(parents=True, exist_ok=True)
    read = api.read(variant)
    assert {m.code for m in read.messages} <= TRUE_WARNINGS.get(name, set())  # nothing lost, nothing untrue
    assert [len(p.sheets) for p in read.value.plans] == [len(p.sheets) for p in last_year.plans]
    assert [e for plan in range(2) for e in entries(read.value, plan)] != []
    drafted = api.draft(variant, folder / "draft.docx")
    assert [m for m in drafted.messages if m.severity == "error"] == []
    draft = drafted.value.path
    template = api.make_template(variant, folder / "template.docx").value
    from_template = api.draft(variant, folder / "from_template.docx", template=template).value.path
    assert api.read(from_template).value == api.read(draft).value  # the template path drafts the same
    final = _finalize(draft, folder, read.value)
    published = api.read(final)
    assert published.value.publication.number == "R7-15"
    allowed = TRUE_WARNINGS.get(name, set()) - {"reader.tracked_changes"}  # the draft accepted them
    assert {m.code for m in published.messages} <= allowed, [m.describe() for m in published.messages]
    assert {m.code for m in api.read(draft).messages} <= allowed
    for made_file in (variant, draft, template, from_template, final):  # the variant as Word writes it too
        assert audit_findings(made_file) == [], made_file.name
    pages, draft_pages, final_pages = pdf_page_counts([variant, draft, final], folder / "pdf")
    assert (draft_pages, final_pages) == (pages, pages)
