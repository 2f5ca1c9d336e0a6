"""Word's habits, each on a real file: the example edited the way Word or staff edit it, or the corpus."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import NotAReportError, read_report, read_report_result
from komae_docx.package import open_package
from komae_docx.reading.ooxml import Table, read_body

from .conftest import EXAMPLE, SHARED
from .docx_edit import NSMAP, W, paragraph_with_text, replace_parts, rewrite_part, w


def edited(tmp_path: Path, edit, name: str = "edited.docx") -> Path:  # type: ignore[no-untyped-def]
    return rewrite_part(EXAMPLE, tmp_path / name, "word/document.xml", edit)


def test_runs_split_anywhere_with_proof_errors_and_bookmarks(tmp_path: Path) -> None:
    def split_runs(root: etree._Element) -> None:
        p = paragraph_with_text(root, "民間財源の確保に向けた支援の検討を行った。")
        run = p.find("w:r", NSMAP)
        text = run.find("w:t", NSMAP).text
        p.remove(run)
        for i, ch in enumerate(text):
            new_run = copy.deepcopy(run)
            new_run.find("w:t", NSMAP).text = ch
            if i == 3:
                p.append(w("proofErr", type="spellStart"))
                p.append(w("bookmarkStart", id="90", name="_Ref1"))
            p.append(new_run)
            if i == 5:
                p.append(w("bookmarkEnd", id="90"))
                extra = w("r")
                extra.append(w("lastRenderedPageBreak"))
                p.append(extra)

    report = read_report(edited(tmp_path, split_runs))
    measure = next(m for m in report.plans[0].iter_measures() if m.ref == "2－(3)")
    assert measure.projects[0].entries[2].do == ["民間財源の確保に向けた支援の検討を行った。"]


def test_soft_break_is_kept_as_a_newline(tmp_path: Path) -> None:
    def soft_break(root: etree._Element) -> None:
        p = paragraph_with_text(root, "民間財源の確保に向けた支援の検討を行った。")
        run = p.find("w:r", NSMAP)
        run.find("w:t", NSMAP).text = "民間財源の確保に向けた"
        br_run = copy.deepcopy(run)
        br_run.remove(br_run.find("w:t", NSMAP))
        br_run.append(w("br"))
        tail = copy.deepcopy(run)
        tail.find("w:t", NSMAP).text = "支援の検討を行った。"
        run.addnext(br_run)
        br_run.addnext(tail)

    report = read_report(edited(tmp_path, soft_break))
    measure = next(m for m in report.plans[0].iter_measures() if m.ref == "2－(3)")
    assert measure.projects[0].entries[2].do == ["民間財源の確保に向けた\n支援の検討を行った。"]


def test_full_width_and_dash_variants_are_one_and_the_same(report) -> None:  # type: ignore[no-untyped-def]
    # The example's second sheet writes its goal as a full-width "１", and mixes ― and — as 指標.
    plan = report.plans[0]
    assert plan.sheets[1].context.goal_label == "１"
    assert plan.sheets[1].measures[0].measure_id == plan.sheets[2].measures[0].measure_id == "p1-1-2-1"
    indicators = {p.indicator for m in report.plans[1].iter_measures() for p in m.projects}
    assert indicators == {"—", "―"}
    # the 再掲 cell with full-width parentheses still folds into measure 5
    assert report.plans[1].sheets[6].measures[0].grade_cell == "A（再掲）"
    assert report.plans[1].sheets[6].measures[0].measure_id == "p2-5"


def test_full_width_parenthesised_label(tmp_path: Path) -> None:
    def widen(root: etree._Element) -> None:
        p = paragraph_with_text(root, "(2) 新しい支援体制を支える環境整備")
        for t in p.iter(f"{W}t"):
            t.text = (t.text or "").replace("(2)", "（２）")

    report = read_report(edited(tmp_path, widen))
    assert [m.ref for m in report.plans[0].iter_measures()][:3] == ["1－(1)", "1－(2)－①", "1－(2)－③"]


def test_content_controls_are_read_through(tmp_path: Path) -> None:
    def wrap_in_sdt(root: etree._Element) -> None:
        for text in ("民間財源の確保に向けた支援の検討を行った。", "令和5年度報告書"):
            p = paragraph_with_text(root, text)
            sdt, content = w("sdt"), w("sdtContent")
            sdt.append(w("sdtPr"))
            sdt.append(content)
            p.addprevious(sdt)
            content.append(p)

    result = read_report_result(edited(tmp_path, wrap_in_sdt))
    measure = next(m for m in result.value.plans[0].iter_measures() if m.ref == "2－(3)")
    assert measure.projects[0].entries[2].do == ["民間財源の確保に向けた支援の検討を行った。"]
    assert result.value.fiscal_year.western_year == 2023
    assert [m for m in result.messages if m.kind == "unplaced_text"] == []


def test_tracked_changes_are_read_as_accepted_with_a_warning(tmp_path: Path) -> None:
    def track(root: etree._Element) -> None:
        p = paragraph_with_text(root, "民間財源の確保に向けた支援の検討を行った。")
        run = p.find("w:r", NSMAP)
        deleted = copy.deepcopy(run)
        t = deleted.find("w:t", NSMAP)
        t.tag = f"{W}delText"
        t.text = "削除された古い文。"
        wrapper = w("del", id="1", author="staff", date="2024-05-01T00:00:00Z")
        wrapper.append(deleted)
        run.addprevious(wrapper)
        inserted = copy.deepcopy(run)
        inserted.find("w:t", NSMAP).text = "追記。"
        ins = w("ins", id="2", author="staff", date="2024-05-01T00:00:00Z")
        ins.append(inserted)
        run.addnext(ins)

    result = read_report_result(edited(tmp_path, track))
    measure = next(m for m in result.value.plans[0].iter_measures() if m.ref == "2－(3)")
    assert measure.projects[0].entries[2].do == ["民間財源の確保に向けた支援の検討を行った。追記。"]
    assert [m.kind for m in result.messages] == ["tracked_changes"]
    assert "承諾" in result.messages[0].text


def test_comments_are_ignored_with_a_warning(tmp_path: Path) -> None:
    comments = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<w:comments xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        b'<w:comment w:id="0" w:author="staff"><w:p><w:r><w:t>COMMENT-BODY-7731</w:t></w:r></w:p>'
        b"</w:comment></w:comments>"
    )
    rels = _read(EXAMPLE, "word/_rels/document.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        b'comments" Target="comments.xml"/></Relationships>',
    )
    types = _read(EXAMPLE, "[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/word/comments.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'wordprocessingml.comments+xml"/></Types>',
    )
    path = replace_parts(
        EXAMPLE,
        tmp_path / "commented.docx",
        {"word/comments.xml": comments, "word/_rels/document.xml.rels": rels, "[Content_Types].xml": types},
    )
    result = read_report_result(path)
    assert [m.kind for m in result.messages] == ["comments"]
    assert "COMMENT-BODY-7731" not in result.value.model_dump_json()


def test_a_note_paragraph_and_empty_lines_do_not_break_the_reader(tmp_path: Path) -> None:
    def add_notes(root: etree._Element) -> None:
        heading = paragraph_with_text(root, "第1章\u3000進捗管理シート")
        for text in ("※この報告書は案です。", ""):
            note = w("p")
            if text:
                run = w("r")
                t = w("t")
                t.text = text
                run.append(t)
                note.append(run)
            heading.addprevious(note)
        sheet_title = paragraph_with_text(root, "重層的支援体制整備事業実施計画進捗管理")
        sheet_title.addnext(w("p"))

    result = read_report_result(edited(tmp_path, add_notes))
    assert next(m.ref for m in result.value.plans[1].iter_measures()) == "1 普及啓発"
    notes = [b.text for b in result.value.intro.blocks if "※" in b.text]
    assert notes == ["※この報告書は案です。"]
    assert result.messages == []


def test_text_that_cannot_be_placed_is_reported_with_its_place(tmp_path: Path) -> None:
    def stray(root: etree._Element) -> None:
        p = paragraph_with_text(root, "1 地域福祉計画")
        note = copy.deepcopy(p)
        for t in note.iter(f"{W}t"):
            t.text = ""
        note.find(".//w:t", NSMAP).text = "（担当者メモ：6月に差し替え）"
        ppr = note.find("w:pPr", NSMAP)
        if ppr is not None:
            note.remove(ppr)
        p.getnext().addnext(note)

    result = read_report_result(edited(tmp_path, stray))
    (message,) = result.messages
    assert message.kind == "unplaced_text"
    assert "担当者メモ" in message.text
    assert message.location.section == "第1章"
    assert message.location.page == 11


def test_a_sheet_the_reader_cannot_interpret_names_its_place(tmp_path: Path) -> None:
    def drop_act_header(root: etree._Element) -> None:
        p = paragraph_with_text(
            root, "福祉の担い手となる人材を確保し、育成・養成をするための研修等を強化します。"
        )
        tbl = next(a for a in p.iterancestors() if a.tag == f"{W}tbl")
        for t in tbl.find("w:tr", NSMAP).iter(f"{W}t"):
            if "Check" in (t.text or ""):
                t.text = "評価"

    from komae_docx import SheetFormatError

    with pytest.raises(SheetFormatError) as info:
        read_report(edited(tmp_path, drop_act_header))
    assert "edited.docx" in str(info.value) and "シート2" in str(info.value) and "check" in str(info.value)


def test_missing_chapter_is_not_a_report(tmp_path: Path) -> None:
    def drop_chapter2(root: etree._Element) -> None:
        p = paragraph_with_text(root, "第2章 委員会からの意見シート")
        for t in p.iter(f"{W}t"):
            t.text = "付録"

    with pytest.raises(NotAReportError, match="第2章"):
        read_report(edited(tmp_path, drop_chapter2))


# ---- the OOXML layer on corpus files written by other tools


def corpus(name: str) -> Path:
    path = SHARED / "corpus" / name
    if not path.is_file():
        pytest.skip("../shared/corpus is absent")
    return path


def test_grid_before_places_cells_on_the_right_grid_columns() -> None:
    body = read_body(open_package(corpus("pandoc_table_gridbefore.docx")))
    tables = [b for b in body.blocks if isinstance(b, Table)]
    offsets = [cell.col for t in tables for row in t.rows for cell in row.cells[:1]]
    assert any(col > 0 for col in offsets)  # a row that starts after gridBefore


def test_vmerge_cells_are_marked_as_continuations() -> None:
    body = read_body(open_package(corpus("weekly_schedule_vmerge.docx")))
    cells = [c for b in body.blocks if isinstance(b, Table) for r in b.rows for c in r.cells]
    root = open_package(corpus("weekly_schedule_vmerge.docx")).xml("word/document.xml")
    continues = [v for v in root.iter(f"{W}vMerge") if v.get(f"{W}val") in (None, "continue")]
    assert sum(c.vmerge == "continue" for c in cells) == len(continues) > 20
    assert all(c.text == "" for c in cells if c.vmerge == "continue")


def test_text_boxes_are_read_once() -> None:
    body = read_body(open_package(corpus("drawingml_roundrect.docx")))
    boxes = [box for p in body.paragraphs() for box in p.boxes]
    assert (boxes and len(boxes) == len(set(boxes))) or len(boxes) == 1


def test_nested_content_controls_are_read_through() -> None:
    body = read_body(open_package(corpus("pandoc_nested_sdt.docx")))
    assert body.content_controls > 0
    assert any(p.text.strip() for p in body.paragraphs())


@pytest.mark.parametrize(
    "name",
    [
        "pandoc_track_changes_insertion.docx",
        "pandoc_track_changes_deletion.docx",
        "pandoc_track_changes_move.docx",
    ],
)
def test_tracked_changes_in_corpus_are_counted(name: str) -> None:
    body = read_body(open_package(corpus(name)))
    assert body.tracked_changes > 0


def _read(path: Path, part: str) -> bytes:
    import zipfile

    with zipfile.ZipFile(path) as z:
        return z.read(part)
