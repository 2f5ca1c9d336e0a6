"""finalize: the draft the departments filled in becomes the published report.

The filled drafts here are made as staff make them in Word (tests/filler.py): the example is
drafted, then each project's result is picked in its control (3－(1)'s typed as 「１／３」), last
year's Do / Act texts and the committee's opinions are typed into the cells.  Expected values come
from the example's expect file (what the R5 report prints) or from an independent look at
LibreOffice's PDF, never from finalize's output.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from komae_docx import api
from komae_docx.errors import KomaeDocxError, OutputError, WrongFileKindError
from komae_docx.model import Report
from komae_docx.writing import ooxml
from komae_docx.writing.finalize import locate

from .conftest import EXAMPLE, EXPECT
from .docx_checks import audit_findings, soffice
from .docx_edit import rewrite_part
from .filler import fill_like_word, hand_results

W = ooxml.W
OTHER_AUTHOR = "福祉政策課 山田"


# --------------------------------------------------------------------------- filling a draft as Word does


def c_project(report: Report) -> str:
    """The one project of 3－(1), graded C with one project: only "k/n" can give that."""
    return next(p.id for _, m, p in report.iter_projects() if m.ref == "3－(1)")


def typed_results(last_year: Report) -> dict[str, str]:
    """Results that give last year's grades (tests/data/r5_results.yaml), 3－(1)'s typed 「１／３」."""
    results = hand_results()
    assert results[c_project(last_year)] == "1/3"
    return {**results, c_project(last_year): "１／３"}


def header_columns(rows: list[etree._Element]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for tr in rows[:2]:
        for cell in ooxml.row_cells(tr):
            text = ooxml.visible_text(cell.tc).strip().upper()
            for key, prefix in (("do", "DO"), ("act", "ACT"), ("check", "CHECK")):
                if text.startswith(prefix) and key not in cols:
                    cols[key] = cell.col
    return cols


def _reference_run(reference: etree._Element) -> etree._Element:
    run = etree.Element(f"{W}r")
    run.append(reference)
    return run


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def expect() -> dict[str, Any]:
    return json.loads(EXPECT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("finalize")


@pytest.fixture(scope="module")
def last_year() -> Report:
    return api.read(EXAMPLE).value


@pytest.fixture(scope="module")
def draft(example_draft: Path) -> Path:
    return example_draft


@pytest.fixture(scope="module")
def filled(work: Path, draft: Path, last_year: Report) -> Path:
    """The draft filled with last year's texts and results."""
    results = typed_results(last_year)
    return fill_like_word(draft, work / "r6_filled.docx", last_year=last_year, results=results)


@pytest.fixture(scope="module")
def commented(filled: Path) -> Path:
    """``filled`` plus a comment of the department's own (finalize refuses it unless dropped)."""
    return add_department_comment(filled)


def add_department_comment(path: Path) -> Path:
    """A comment a department wrote on the first Do text (its own, not the tool's)."""
    with zipfile.ZipFile(path) as archive:
        parts = {item.filename: archive.read(item.filename) for item in archive.infolist()}
    comments = etree.fromstring(parts["word/comments.xml"])
    new_id = str(max(int(c.get(f"{W}id") or 0) for c in comments.findall(f"{W}comment")) + 1)
    comment = etree.SubElement(comments, f"{W}comment", {f"{W}id": new_id, f"{W}author": OTHER_AUTHOR})
    etree.SubElement(comment, f"{W}p").append(ooxml.run("数字を確認しました"))
    document = etree.fromstring(parts["word/document.xml"])
    target = next(t for t in document.iter(f"{W}t") if (t.text or "").startswith("狛江市第1次重層的"))
    p = next(a for a in target.iterancestors() if a.tag == f"{W}p")
    p.insert(1, etree.Element(f"{W}commentRangeStart", {f"{W}id": new_id}))
    p.append(etree.Element(f"{W}commentRangeEnd", {f"{W}id": new_id}))
    p.append(_reference_run(etree.Element(f"{W}commentReference", {f"{W}id": new_id})))
    parts["word/comments.xml"] = ooxml.serialize(comments)
    parts["word/document.xml"] = ooxml.serialize(document)
    out = path.with_name(path.stem + "_commented.docx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out


@pytest.fixture(scope="module")
def published(work: Path, commented: Path) -> api.Result[api.Finalized]:
    """Finalized without LibreOffice: page numbers as fields Word updates; the department's comment
    dropped (a published report carries no comments)."""
    return api.finalize(
        commented, work / "r6_report_fields.docx", number="R7-15", pages="fields", drop_comments=True
    )


def parts_of(path: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        return {
            name: etree.fromstring(archive.read(name))
            for name in ("word/document.xml", "word/comments.xml", "word/settings.xml")
            if name in names
        }


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------- the published document


def test_grades_on_the_sheets_are_last_years(published: Any, expect: dict[str, Any]) -> None:
    assert published.value.path is not None and not published.value.interim
    report = api.read(published.value.path).value
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=True):
        printed = {}
        for sheet in plan.sheets:
            for m in sheet.measures:
                printed.setdefault(plan.measure(m.measure_id).ref, []).append(
                    m.grade_cell.replace("（再掲）", "(再掲)")
                )
        assert printed == {m["ref"]: m["grade_cells"] for m in plan_expect["measures"]}


def test_both_summary_tables_list_last_years_measures_by_grade(
    published: Any, expect: dict[str, Any]
) -> None:
    report = api.read(published.value.path).value
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=True):
        assert plan.summary is not None
        groups = {g.grade: [row.measure for row in g.rows] for g in plan.summary.groups}
        assert groups == plan_expect["summary"]
        assert [g.count for g in plan.summary.groups] == [
            str(len(v)) for v in plan_expect["summary"].values()
        ]
        assert plan.summary.total == str(len(plan_expect["measures"]))


def test_the_report_checks_clean(published: Any) -> None:
    findings = api.check(published.value.path).value
    assert [f.describe() for f in findings if f.severity == "error"] == []


def test_entry_aids_are_gone_and_the_departments_words_stay(published: Any, filled: Path) -> None:
    parts = parts_of(published.value.path)
    document, comments = parts["word/document.xml"], parts["word/comments.xml"]
    assert list(document.iter(f"{W}sdt")) == []
    assert not [s for s in document.iter(f"{W}shd") if s.get(f"{W}fill") == "DEEAF6"]
    assert [c.get(f"{W}author") for c in comments.findall(f"{W}comment")] == []
    assert list(document.iter(f"{W}commentReference")) == []
    text = ooxml.visible_text(document)
    filled_text = ooxml.visible_text(parts_of(filled)["word/document.xml"])
    for typed in (
        "福祉カレッジ2023を実施した。",
        "狛江市第1次重層的支援体制整備事業実施計画を策定し",
    ):
        assert typed in filled_text and typed in text
    # The result typed in the Check cell travels in the results part; the cell is the city's again.
    assert "１／３" in filled_text and "１／３" not in text


def test_carried_text_loses_its_highlight(work: Path, example_carried_draft: Path) -> None:
    """``draft --carry-text`` puts last year's text in the cells, highlighted; the interim drops the marks."""
    carried = example_carried_draft
    assert list(parts_of(carried)["word/document.xml"].iter(f"{W}highlight"))
    result = api.finalize(carried, work / "carried_interim.docx", allow_incomplete=True, pages="fields")
    assert result.value.path is not None
    document = parts_of(result.value.path)["word/document.xml"]
    assert [h.get(f"{W}val") for h in document.iter(f"{W}highlight")] == []
    assert "福祉カレッジ2023を実施した。" in ooxml.visible_text(document)  # the carried text itself stays


def test_publication_number_is_filled(published: Any) -> None:
    report = api.read(published.value.path).value
    assert report.publication.number == "R7-15"


def test_openxml_audit_shows_only_its_baseline(published: Any) -> None:
    assert audit_findings(published.value.path) == []


def test_without_libreoffice_pages_are_fields_word_updates(published: Any) -> None:
    """Each 目次 page and each 評価総括表 page is a PAGEREF to a bookmark on what it names."""
    parts = parts_of(published.value.path)
    document = parts["word/document.xml"]
    report = api.read(published.value.path).value
    marks = {b.get(f"{W}name"): b for b in document.iter(f"{W}bookmarkStart")}

    def targets(el: etree._Element) -> list[etree._Element]:
        names = [re.search(r"PAGEREF (\S+)", t.text or "") for t in el.iter(f"{W}instrText")]
        return [marks[m.group(1)] for m in names if m is not None]

    toc_lines = {
        flat_text(p): p
        for p in document.iter(f"{W}p")
        if "\t" in ooxml.visible_text(p) and p.find(f".//{W}instrText") is not None
    }
    for entry in report.toc:
        line = next(
            p for key, p in toc_lines.items() if key.startswith(flat_text_of(entry.label + entry.title))
        )
        (mark,) = targets(line)
        heading = next(mark.iterancestors(f"{W}p"))
        assert flat_text(heading) == flat_text_of(entry.label + entry.title)
    # six characters: the 再掲 sheet of 1－(2)－③ spells its title コーディネート… in the city's file
    titles = {m.ref: flat_text_of(m.title)[:6] for plan in report.plans for m in plan.iter_measures()}
    checked = 0
    ranges: list[str] = []
    for tbl in locate(document.find(f"{W}body"), report).summaries:  # type: ignore[arg-type]
        for tr in ooxml.table_rows(tbl)[2:]:
            cells = ooxml.row_cells(tr)
            ref = ooxml.visible_text(cells[-1].tc).strip() if len(cells) >= 4 else ""
            if ref not in titles:
                continue
            for mark in targets(cells[2].tc):
                sheet = next(mark.iterancestors(f"{W}tbl"))
                assert titles[ref] in flat_text(sheet), ref
                checked += 1
            if "～" in ooxml.visible_text(cells[2].tc):
                first, last = (next(mark.iterancestors(f"{W}tbl")) for mark in targets(cells[2].tc))
                assert first is not last, f"{ref}: a range runs from its first sheet to its last"
                ranges.append(ref)
    assert checked >= 15  # 13 measures, two of them with a range of two sheets
    # the report's 評価総括表 print four ranges: 12～13, 14～15, 23～24, 25～27
    assert ranges == ["1－(2)－①", "1－(2)－③", "4 包括的相談支援事業の実施", "5 地域づくり事業の実施"]
    update = parts["word/settings.xml"].find(f"{W}updateFields")
    assert update is not None and update.get(f"{W}val") == "true"
    assert published.value.pages == "fields"
    assert any(m.code == "finalize.page_fields" for m in published.messages)
    assert not [m for m in published.messages if m.code == "finalize.toc_heading_missing"]


def flat_text_of(text: str) -> str:
    return re.sub(r"\s+", "", text)


def flat_text(el: etree._Element) -> str:
    return flat_text_of(ooxml.visible_text(el))


def test_the_input_is_never_modified(work: Path, filled: Path) -> None:
    before = digest(filled)
    api.finalize(filled, work / "again.docx", number="R7-15", pages="fields")
    assert digest(filled) == before
    with pytest.raises(OutputError):
        api.finalize(filled, filled, number="R7-15", pages="fields", force=True)
    with pytest.raises(OutputError):
        api.finalize(filled, work / "again.docx", number="R7-15", pages="fields")
    assert digest(filled) == before


@pytest.mark.parametrize("number", ["R7-〇〇", "第15号", "", "R7-15; rm"])
def test_a_publication_number_not_like_r7_15_is_refused(work: Path, filled: Path, number: str) -> None:
    with pytest.raises(KomaeDocxError, match="R7-15"):
        api.finalize(filled, work / "never.docx", number=number, pages="fields")
    assert not (work / "never.docx").exists()


# --------------------------------------------------------------------------- incomplete and interim


def test_a_fresh_draft_writes_nothing_and_lists_what_is_left(work: Path, draft: Path) -> None:
    target = work / "not_written.docx"
    result = api.finalize(draft, target, number="R7-15", pages="fields")
    assert result.value.path is None and not target.exists()
    left = result.value.incomplete
    assert left and all(m.severity == "error" for m in left)
    assert {m.code for m in left} >= {
        "incomplete.result",
        "incomplete.do",
        "incomplete.act",
        "incomplete.opinion",
    }
    assert "incomplete.number" not in {m.code for m in left}  # --number gives it
    assert all(m.location.department for m in left)
    assert "福祉政策課" in {m.location.department for m in left}


def test_without_number_the_placeholder_is_incomplete(work: Path, filled: Path) -> None:
    result = api.finalize(filled, work / "no_number.docx", pages="fields")
    assert result.value.path is None
    assert [m.code for m in result.value.incomplete] == ["incomplete.number"]


def test_interim_version_is_clearly_marked(work: Path, draft: Path, last_year: Report) -> None:
    results = typed_results(last_year)
    del results[c_project(last_year)]
    partly = fill_like_word(draft, work / "partly.docx", last_year=last_year, results=results)
    result = api.finalize(partly, work / "interim.docx", allow_incomplete=True, pages="fields")
    assert result.value.path is not None and result.value.interim
    assert [m.code for m in result.value.incomplete] == ["incomplete.result", "incomplete.number"]
    interim = api.read(result.value.path).value
    assert interim.cover.report_title.endswith("（中間）")
    plan1 = interim.plans[0]
    assert plan1.summary is not None and plan1.summary.title.endswith("（中間）")
    assert plan1.summary.total == "4"
    assert "未確定 1件：3－(1)" in ooxml.visible_text(parts_of(result.value.path)["word/document.xml"])
    assert {g.grade: [r.measure for r in g.rows] for g in plan1.summary.groups}["C"] == []
    grade_cells = {plan1.measure(m.measure_id).ref: m.grade_cell for s in plan1.sheets for m in s.measures}
    assert grade_cells["3－(1)"] == "" and grade_cells["1－(1)"] == "A"
    assert api.status(result.value.path).value.is_draft
    assert audit_findings(result.value.path) == []


# --------------------------------------------------------------------------- the loop closes


def test_next_years_draft_of_the_finalized_report(work: Path, published: Any, draft: Path) -> None:
    """The loop closes: drafting from the finalized report works as drafting from last year's file."""
    made = api.draft(published.value.path, work / "r7_draft.docx").value
    report = api.read(made.path).value
    assert report.fiscal_year.text == "令和7年度"
    assert report.publication.number == "R8-〇〇"
    assert all(m.grade is None for plan in report.plans for m in plan.iter_measures())
    this_year = api.read(draft).value
    assert [p.id for _, _, p in report.iter_projects()] == [p.id for _, _, p in this_year.iter_projects()]
    assert [len(p.sheets) for p in report.plans] == [len(p.sheets) for p in this_year.plans]

    def control_tags(path: Path) -> list[str | None]:
        return [tag.get(f"{W}val") for tag in parts_of(path)["word/document.xml"].iter(f"{W}tag")]

    assert control_tags(made.path) == control_tags(draft)  # the same entry controls in the same places
    assert {m.code for m in api.status(made.path).value.items} >= {"incomplete.result", "incomplete.do"}


# --------------------------------------------------------------------------- pages true under LibreOffice


LONG_LINES = 60
LONG_DO = "\n".join(f"{i}. 事業の実施内容を詳しく記入した行です。" for i in range(1, LONG_LINES + 1))
"""Enough lines to push sheet 1 of 地域福祉計画 over one page: every later page moves by one."""


def grow_first_sheet_and_refer(body: etree._Element, report: Report) -> None:
    """A department writes a long Do text on sheet 1 and refers to the 重層 plan's second sheet; a
    reference to its first sheet is typed so that Word split it over three runs (P. | 2 | 1)."""
    layout = locate(body, report)
    first = layout.sheets[0]
    cols = header_columns(first.rows)
    cell = next(
        c
        for tr in first.rows[2:]
        if (c := ooxml.cell_at(tr, cols["do"])) and c.col == cols["do"] and ooxml.visible_text(c.tc).strip()
    )
    ooxml.set_cell_text(cell.tc, "詳細はP.22を参照\n" + LONG_DO)
    split = cell.tc.findall(f"{W}p")[-1]
    for text in ("重層の詳細はP.", "2", "1以降を参照"):
        split.append(ooxml.run(text))


def printed_number(page_text: str) -> int | None:
    lines = [line.strip() for line in page_text.splitlines() if line.strip()]
    return int(lines[-1]) if lines and lines[-1].isdigit() else None


@pytest.fixture(scope="module")
def grown(work: Path, draft: Path, last_year: Report) -> Path:
    drafted = api.read(draft).value

    def grow(body: etree._Element) -> None:
        grow_first_sheet_and_refer(body, drafted)

    return fill_like_word(
        draft,
        work / "grown.docx",
        last_year=last_year,
        results=typed_results(last_year),
        extra=grow,
    )


@pytest.fixture(scope="module")
def moved(work: Path, grown: Path) -> Iterator[tuple[Any, list[str]]]:
    from komae_docx.layout import convert_to_pdf, pdf_page_texts

    soffice()  # skips without LibreOffice, fails in CI: never the product's own libreoffice_available()
    result = api.finalize(grown, work / "grown_report.docx", number="R7-15", pages="libreoffice")
    assert result.value.path is not None
    pdf = convert_to_pdf(result.value.path, work / "grown_pdf")
    yield result, pdf_page_texts(pdf)
    shutil.rmtree(work / "grown_pdf", ignore_errors=True)


def test_page_references_become_fields_where_they_stand_in_one_run(work: Path, grown: Path) -> None:
    result = api.finalize(grown, work / "grown_fields.docx", number="R7-15", pages="fields")
    assert result.value.path is not None
    document = parts_of(result.value.path)["word/document.xml"]
    instructions = [(t.text or "").strip() for t in document.iter(f"{W}instrText")]
    assert "PAGEREF _komae_s2_2 \\h" in instructions  # 「詳細はP.22を参照」: the 重層 plan's second sheet
    assert "詳細はP.22を参照" in ooxml.visible_text(document)  # shown until Word updates it
    split = [m for m in result.messages if m.code == "finalize.page_refs_as_text"]
    assert len(split) == 1 and "1 か所" in split[0].text  # 「P.|2|1」 stays text, and the user is told


def page_holding(pages: list[str], number: int) -> str:
    found = [text for text in pages if printed_number(text) == number]
    assert len(found) == 1, f"no single page printed {number}"
    return re.sub(r"\s+", "", found[0])


def test_summary_pages_are_the_sheets_pages_in_libreoffice(moved: tuple[Any, list[str]]) -> None:
    result, pages = moved
    assert result.value.pages == "libreoffice"
    report = api.read(result.value.path).value
    measures = {m.ref: m for plan in report.plans for m in plan.iter_measures()}
    checked = 0
    for plan in report.plans:
        assert plan.summary is not None
        for group in plan.summary.groups:
            for row in group.rows:
                numbers = [int(n) for n in re.findall(r"\d+", row.page)]
                title = re.sub(r"\s+", "", measures[row.measure].title)[:8]
                assert title in page_holding(pages, numbers[0]), (row.measure, numbers[0])
                for number in range(numbers[0], numbers[-1] + 1):  # a sheet over two pages repeats its header
                    assert "担当課" in page_holding(pages, number), (row.measure, number)
                    checked += 1
    assert checked >= 18


def test_pages_moved_by_the_long_text_are_rewritten(moved: tuple[Any, list[str]]) -> None:
    """Sheet 1 now covers pages 11 to 11 + shift; everything after it moved by ``shift`` pages."""
    result, pages = moved
    report = api.read(result.value.path).value
    plan1 = {row.measure: row.page for g in report.plans[0].summary.groups for row in g.rows}  # type: ignore[union-attr]
    first = [int(n) for n in re.findall(r"\d+", plan1["1－(1)"])]
    shift = first[-1] - 11
    assert first[0] == 11 and shift >= 1
    assert f"{LONG_LINES}.事業の実施内容を詳しく記入した行です。" in page_holding(pages, 11 + shift)
    assert plan1["3－(1)"] == str(17 + shift)
    toc = {e.label: e.page for e in report.toc}
    assert toc["第2章"] == str(31 + shift)
    assert "委員会からの意見シート" in page_holding(pages, 31 + shift)
    text = re.sub(r"\s+", "", "".join(pages))
    assert f"詳細はP.{22 + shift}を参照" in text  # the 重層 plan's second sheet, 22 in the draft
    assert f"重層の詳細はP.{21 + shift}以降を参照" in text  # its first sheet, written over three runs
    assert "相談支援包括化推進体制の構築" in page_holding(pages, 22 + shift)
    assert any(m.code == "finalize.page_passes" for m in result.messages)


def test_libreoffice_version_passes_the_audit(moved: tuple[Any, list[str]]) -> None:
    result, _ = moved
    assert audit_findings(result.value.path) == []


# --------------------------------------------------------------------------- the round trip under LibreOffice


@pytest.fixture(scope="module")
def round_trip(work: Path, filled: Path) -> Any:
    soffice()  # skips without LibreOffice, fails in CI: never the product's own libreoffice_available()
    return api.finalize(filled, work / "r6_report.docx", number="R7-15", pages="libreoffice")


def test_round_trip_reproduces_last_years_summary_tables_with_their_pages(
    round_trip: Any, expect: dict[str, Any]
) -> None:
    """example → draft → filled with last year's texts and results (one 「１／３」) → finalize."""
    report = api.read(round_trip.value.path).value
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=True):
        printed = plan_expect["summary_printed"]
        assert plan.summary is not None
        got = [
            {
                "grade": g.grade,
                "count": g.count,
                "rows": [{"page": r.page, "measure": r.measure} for r in g.rows],
            }
            for g in plan.summary.groups
        ]
        assert got == printed["grades"]
        assert plan.summary.total == printed["total"]
    assert [{"label": e.label, "title": e.title, "page": e.page} for e in report.toc] == expect["toc"]


def test_check_layout_agrees_with_the_round_trip(work: Path, round_trip: Any) -> None:
    """``check --layout`` (an independent text search in LibreOffice's PDF) finds no page reference off.

    On the round trip every sheet is one page, as last year.  (Where a sheet runs over several
    pages, as in the grown draft above, the check reads 「P.22」's target by counting explicit
    breaks, which finalize's layout-true numbers no longer match.)
    """
    findings = api.check(round_trip.value.path, layout=True).value
    assert [f.describe() for f in findings if f.code.startswith("layout")] == []


def test_finalizing_a_published_report_is_refused(work: Path) -> None:
    """Last year's report is for ``draft``, not ``finalize`` (issue 17): refused, nothing written."""
    with pytest.raises(WrongFileKindError, match="公表済みの報告書です"):
        api.finalize(EXAMPLE, work / "r5_again.docx", pages="fields")
    assert not (work / "r5_again.docx").exists()


def grade_cell_runs(path: Path) -> list[tuple[str, bytes]]:
    """(text, run properties) of each grade cell's text runs, sheet by sheet."""
    body = parts_of(path)["word/document.xml"].find(f"{W}body")
    assert body is not None
    found = []
    for sheet in locate(body, api.read(path).value).sheets:
        for tr in sheet.rows:
            cell = ooxml.cell_at(tr, sheet.check_col)
            text = ooxml.visible_text(cell.tc).strip() if cell is not None else ""
            if cell is None or not re.match(r"^[A-D]", text):
                continue
            runs = [r for r in cell.tc.iter(f"{W}r") if ooxml.visible_text(r).strip()]
            rpr = runs[0].find(f"{W}rPr") if runs else None
            found.append((text, etree.tostring(rpr) if rpr is not None else b""))
    return found


def test_grades_are_written_in_the_citys_format(published: Any) -> None:
    """Each grade cell looks like last year's: same text run formatting (bold, 9 pt) as the example's."""
    ours, citys = grade_cell_runs(published.value.path), grade_cell_runs(EXAMPLE)
    assert [text for text, _ in ours] == [text for text, _ in citys]
    assert [rpr for _, rpr in ours] == [rpr for _, rpr in citys]


def test_a_bad_result_value_writes_nothing_and_names_its_place(
    work: Path, draft: Path, last_year: Report
) -> None:
    project = c_project(last_year)
    results = {**typed_results(last_year), project: "4/3"}
    bad = fill_like_word(draft, work / "bad.docx", last_year=last_year, results=results)
    result = api.finalize(bad, work / "bad_report.docx", number="R7-15", pages="fields")
    assert result.value.path is None and not (work / "bad_report.docx").exists()
    errors = [m for m in result.messages if m.severity == "error" and "4/3" in m.text]
    assert errors and errors[0].location.project == project
    assert errors[0].location.sheet == 6 and errors[0].location.column == "Check"


def test_results_file_gives_the_results_the_controls_lack(
    work: Path, draft: Path, last_year: Report, expect: dict[str, Any]
) -> None:
    """Results from ``--results`` (one 「1/3」) instead of the draft's controls, left 未評価."""
    texts_only = fill_like_word(draft, work / "texts_only.docx", last_year=last_year, results={})
    results = work / "results.yaml"
    lines = [f"'{pid}': '{value}'" for pid, value in hand_results().items()]
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    made = api.finalize(
        texts_only, work / "from_results.docx", results=results, number="R7-15", pages="fields"
    )
    assert made.value.path is not None and not made.value.interim
    report = api.read(made.value.path).value
    for plan, plan_expect in zip(report.plans, expect["plans"], strict=True):
        assert plan.summary is not None
        assert {g.grade: [r.measure for r in g.rows] for g in plan.summary.groups} == plan_expect["summary"]


def test_a_number_staff_wrote_in_the_colophon_is_kept(work: Path, draft: Path, last_year: Report) -> None:
    numbered = fill_like_word(
        draft, work / "numbered.docx", last_year=last_year, results=typed_results(last_year), number="R7-31"
    )
    kept = api.finalize(numbered, work / "numbered_report.docx", pages="fields")
    assert kept.value.path is not None and api.read(kept.value.path).value.publication.number == "R7-31"
    other = api.finalize(numbered, work / "numbered_other.docx", number="R7-15", pages="fields")
    assert other.value.path is not None and api.read(other.value.path).value.publication.number == "R7-31"
    assert [m.severity for m in other.messages if m.code == "finalize.number_absent"] == ["warning"]


def test_the_second_year_finalizes_cleanly(work: Path, published: Any) -> None:
    """Finalized (fields) → next year's draft → filled → finalized: the page fields and bookmarks
    the first finalize left, carried into the draft, are redone, never reused, dangling or doubled."""
    r7_draft = api.draft(published.value.path, work / "r7_for_filling.docx").value.path
    r6 = api.read(published.value.path).value
    typed = fill_like_word(r7_draft, work / "r7_typed.docx", last_year=r6)

    def move_first_sheet_mark_to_the_cover(root: etree._Element) -> None:
        """Staff cut and paste: last year's bookmark of sheet 1 ends up on the cover."""
        mark = next(b for b in root.iter(f"{W}bookmarkStart") if b.get(f"{W}name") == "_komae_s1_1")
        cover = next(root.iter(f"{W}p"))
        cover.insert(0, mark)

    filled_r7 = rewrite_part(
        typed, work / "r7_filled.docx", "word/document.xml", move_first_sheet_mark_to_the_cover
    )
    result = api.finalize(filled_r7, work / "r7_report.docx", number="R8-3", pages="fields")
    assert result.value.path is not None, [m.describe() for m in result.value.incomplete]
    document = parts_of(result.value.path)["word/document.xml"]
    marks = {b.get(f"{W}name"): b for b in document.iter(f"{W}bookmarkStart")}
    assert len(marks) == len(list(document.iter(f"{W}bookmarkStart")))  # no name twice
    targets = [
        m.group(1) for t in document.iter(f"{W}instrText") if (m := re.search(r"PAGEREF (\S+)", t.text or ""))
    ]
    assert targets and set(targets) <= set(marks)
    assert sum("_komae_h" in t for t in targets) == len(r6.toc)  # one field per 目次 line, not two
    r7 = api.read(result.value.path).value
    first_sheet = locate(document.find(f"{W}body"), r7).sheets[0].tbl  # type: ignore[arg-type]
    assert first_sheet in marks["_komae_s1_1"].iterancestors(f"{W}tbl")
    assert audit_findings(result.value.path) == []


STRICT_NAMESPACES = (
    (
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ),
    (
        "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
)


def test_a_filled_draft_saved_as_strict_open_xml_is_refused_in_japanese(work: Path, filled: Path) -> None:
    """Word's "Strict Open XML" save: read fine, but finalize would write mixed namespaces back."""
    strict = work / "strict.docx"
    with zipfile.ZipFile(filled) as zin, zipfile.ZipFile(strict, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith((".xml", ".rels")):
                text = data.decode("utf-8")
                for transitional, strict_uri in STRICT_NAMESPACES:
                    text = text.replace(transitional, strict_uri)
                data = text.encode("utf-8")
            zout.writestr(item, data)
    assert api.read(strict).value.publication.number == "R7-〇〇"
    with pytest.raises(KomaeDocxError, match="Strict Open XML"):
        api.finalize(strict, work / "strict_report.docx", number="R7-15", pages="fields")
    assert not (work / "strict_report.docx").exists()
