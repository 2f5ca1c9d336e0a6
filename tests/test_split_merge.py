"""Issue 18: the draft split per 担当課, filled department by department, merged back.

Everything runs on the example's own draft (``api.draft`` of examples/r5_report.docx).  The copies
are filled the way Word saves typed text (tests/filler.py: last year's texts, results that give
last year's published grades); the LibreOffice round trip is in test_split_merge_libreoffice.py.

Counted by hand from the R5 report: its 担当課 table (序章 4) names eight departments, and every
one of them is in charge of at least one project on the sheets (地 and 福 share 2－(3) a; 健, 子 and
発 share the 重層 plan's 4 (3)), so the draft splits into eight copies.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import api
from komae_docx.errors import NotAReportError, OutputError

from .conftest import EXAMPLE
from .docx_checks import audit_findings, pdf_page_counts
from .docx_edit import replace_parts, rewrite_part
from .filler import fill_draft, last_years_fill

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

DEPARTMENTS = [
    "地域活性課",
    "福祉政策課",
    "福祉相談課",
    "高齢障がい課",
    "健康推進課",
    "子ども政策課",
    "子ども発達支援課",
    "児童育成課",
]
"""The R5 report's 担当課 table, in its order: all eight have projects."""

SHARED_PLAN_TEXT = "利用者支援事業として、1. 基本型、2. 特定型、3. 母子健康型"
"""The 重層 plan's 4 (3): a project of 健康推進課, 子ども政策課 and 子ども発達支援課 together."""

PUBLISHED_GRADES = {
    "plan1": ["A", "A", "A", "A", "C"],
    "plan2": ["A", "A", "A", "A", "A", "A", "B", "A"],
}
"""The R5 report's grades as printed on its sheets (1－(1) … 3－(1); 重層 1 … 8: 7 アウトリーチ is B)."""


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("deptmerge")


@pytest.fixture(scope="module")
def draft(example_draft: Path) -> Path:
    return example_draft


@pytest.fixture(scope="module")
def split(draft: Path, work: Path) -> api.Split:
    return api.split(draft, work / "copies").value


@pytest.fixture(scope="module")
def filled(split: api.Split, draft: Path, work: Path) -> list[Path]:
    """Every department's copy filled with its own projects' texts and results (the editor's copy
    also with the committee's opinions), as Word saves them."""
    last = api.read(EXAMPLE).value
    report = api.read(draft).value
    folder = work / "filled"
    folder.mkdir()
    out = []
    for copy in split.copies:
        fill = last_years_fill(last, report, departments=[copy.code])
        if copy.department == "福祉政策課":
            fill.opinions = last_years_fill(last, report).opinions
        out.append(fill_draft(copy.path, folder / copy.path.name, fill))
    return out


def xml(path: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read(part))


def copy_of(split: api.Split, department: str) -> Path:
    return next(c.path for c in split.copies if c.department == department)


def opened_cells(path: Path) -> list[etree._Element]:
    """The table cells a copy opens for editing (those holding a permission range)."""
    cells = []
    for start in xml(path, "word/document.xml").iter(f"{W}permStart"):
        tc = next(a for a in start.iterancestors() if a.tag == f"{W}tc")
        cells.append(tc)
    return cells


def row_text(tc: etree._Element) -> str:
    tr = tc.getparent()
    assert tr is not None
    return "".join(tr.itertext())


# --------------------------------------------------------------------------- split


def test_split_writes_one_copy_per_department_with_projects(split: api.Split, draft: Path) -> None:
    assert [copy.department for copy in split.copies] == DEPARTMENTS
    assert len(split.copies) == 8
    assert sorted(p.name for p in split.folder.iterdir()) == sorted(f"r6_draft_{d}.docx" for d in DEPARTMENTS)
    for copy in split.copies:
        assert api.read(copy.path).value.fiscal_year.text == "令和6年度"  # the whole draft


def test_each_copy_is_read_only_in_word_without_a_password(split: api.Split) -> None:
    for copy in split.copies:
        settings = xml(copy.path, "word/settings.xml")
        protection = settings.findall(f"{W}documentProtection")
        assert len(protection) == 1
        assert protection[0].get(f"{W}edit") == "readOnly"
        assert protection[0].get(f"{W}enforcement") == "1"
        assert not any("hash" in name.lower() or "salt" in name.lower() for name in protection[0].attrib)
        names = [etree.QName(child).localname for child in settings]
        at = names.index("documentProtection")  # CT_Settings: after proofState, before defaultTabStop
        assert names.index("proofState") < at < names.index("defaultTabStop")


def test_permission_ranges_open_the_departments_cells_only(split: api.Split) -> None:
    for copy in split.copies:
        document = xml(copy.path, "word/document.xml")
        starts = list(document.iter(f"{W}permStart"))
        ends = list(document.iter(f"{W}permEnd"))
        assert len(starts) == copy.cells > 0
        assert sorted(s.get(f"{W}id") for s in starts) == sorted(e.get(f"{W}id") for e in ends)
        assert all(s.get(f"{W}edGrp") == "everyone" for s in starts)
        assert all(s.getparent().tag == f"{W}p" for s in [*starts, *ends])  # type: ignore[union-attr]
    # 健康推進課 has one project, the shared 4 (3): its Do, Act and result cells, nothing else
    health = opened_cells(copy_of(split, "健康推進課"))
    assert len(health) == 3
    assert all(SHARED_PLAN_TEXT in row_text(tc) for tc in health)
    assert any(tc.find(f".//{W}sdt") is not None for tc in health)  # the result control's cell


def test_a_shared_project_is_editable_in_each_of_its_departments_copies(split: api.Split) -> None:
    for department in ("健康推進課", "子ども政策課", "子ども発達支援課"):
        opened = opened_cells(copy_of(split, department))
        assert sum(SHARED_PLAN_TEXT in row_text(tc) for tc in opened) == 3, department
    welfare = opened_cells(copy_of(split, "福祉政策課"))
    assert not any(SHARED_PLAN_TEXT in row_text(tc) for tc in welfare)


def test_each_copy_records_its_department_and_draft(split: api.Split, draft: Path) -> None:
    ids = set()
    for copy in split.copies:
        props = xml(copy.path, "docProps/custom.xml")
        values = {p.get("name"): "".join(p.itertext()) for p in props}
        assert values["komae-docx 担当課"] == copy.department
        ids.add(values["komae-docx 案の識別子"])
        rels = xml(copy.path, "_rels/.rels")
        assert any((r.get("Type") or "").endswith("/custom-properties") for r in rels)
    assert len(ids) == 1


def test_copies_pass_openxml_audit(split: api.Split) -> None:
    for copy in split.copies:
        assert audit_findings(copy.path) == [], copy.department


def test_libreoffice_renders_each_copy_in_the_drafts_page_count(
    split: api.Split, draft: Path, work: Path
) -> None:
    files = [draft, *(copy.path for copy in split.copies)]
    counts = dict(zip((file.stem for file in files), pdf_page_counts(files, work / "pdf"), strict=True))
    assert counts[draft.stem] == 39  # the draft's own count (the R5 report: 39 pages)
    assert {copy.path.stem: counts[copy.path.stem] for copy in split.copies} == {
        copy.path.stem: 39 for copy in split.copies
    }


def test_split_writes_all_copies_or_none(draft: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    (folder / "r6_draft_児童育成課.docx").write_bytes(b"staff's own file")
    with pytest.raises(OutputError, match="既に存在します"):
        api.split(draft, folder)
    assert [p.name for p in folder.iterdir()] == ["r6_draft_児童育成課.docx"]
    assert (folder / "r6_draft_児童育成課.docx").read_bytes() == b"staff's own file"


# --------------------------------------------------------------------------- merge


@pytest.fixture(scope="module")
def merged(draft: Path, filled: list[Path], work: Path) -> api.Merged:
    return api.merge(draft, filled, work / "r6_merged.docx").value


def test_merging_every_department_leaves_nothing_but_the_number(merged: api.Merged) -> None:
    assert merged.path is not None
    assert merged.conflicts == [] and merged.outside == []
    left = api.status(merged.path).value
    assert [item.code for item in left.items] == ["incomplete.number"]  # no Do, Act, result, opinion
    grades = {plan.plan_key: [m.letter for m in plan.measures] for plan in left.grades}
    assert grades == PUBLISHED_GRADES


def test_the_merge_log_says_who_filled_what(merged: api.Merged) -> None:
    by_department = {cell.department for cell in merged.filled}
    # 子ども政策課's only project is the shared 4 (3), which 健康推進課's copy (earlier) filled alike
    assert by_department == set(DEPARTMENTS) - {"子ども政策課"}
    shared = [c for c in merged.filled if c.location.project == "p2-4-(3)" and c.column == "Do"]
    assert len(shared) == 1 and shared[0].file.endswith(
        "r6_draft_健康推進課.docx"
    )  # the first copy that has it
    elderly = [c.text for c in merged.filled if c.column == "事業の結果" and c.department == "高齢障がい課"]
    assert elderly == ["達成"] * 4  # 重層 4 (1), 5 (1)-(3): measures graded A with every project 達成


def test_the_merged_draft_keeps_the_masters_comments_and_drops_the_restriction(
    merged: api.Merged, draft: Path
) -> None:
    assert merged.path is not None
    document = xml(merged.path, "word/document.xml")
    assert next(document.iter(f"{W}permStart"), None) is None
    assert xml(merged.path, "word/settings.xml").find(f"{W}documentProtection") is None
    references = sorted(r.get(f"{W}id") for r in document.iter(f"{W}commentReference"))
    master = sorted(r.get(f"{W}id") for r in xml(draft, "word/document.xml").iter(f"{W}commentReference"))
    assert references == master and len(master) > 50
    assert xml(merged.path, "word/comments.xml").findall(f"{W}comment").__len__() == len(master)
    assert audit_findings(merged.path) == []


def test_two_copies_that_filled_a_cell_differently_conflict_and_nothing_is_written(
    draft: Path, split: api.Split, tmp_path: Path
) -> None:
    first, second = _two_versions_of_the_shared_project(draft, split, tmp_path)
    target = tmp_path / "merged.docx"
    done = api.merge(draft, [first, second], target)
    assert done.value.path is None and not target.exists()
    conflict = next(c for c in done.value.conflicts if c.column == "Do")
    assert conflict.location.project == "p2-4-(3)" and conflict.location.page is not None
    assert (conflict.first.file, conflict.second.file) == (str(first), str(second))
    assert (conflict.first.department, conflict.second.department) == ("健康推進課", "子ども政策課")
    assert "健康推進課の記入" in conflict.first.text and "子ども政策課の記入" in conflict.second.text
    assert any(m.severity == "error" and m.code == "merge.conflict" for m in done.messages)
    preferred = api.merge(draft, [first, second], target, prefer=second).value
    assert preferred.path == target
    do = _project_do(target, "p2-4-(3)")
    assert "子ども政策課の記入" in do and "健康推進課の記入" not in do


def _two_versions_of_the_shared_project(draft: Path, split: api.Split, folder: Path) -> tuple[Path, Path]:
    report = api.read(draft).value
    out = []
    for department in ("健康推進課", "子ども政策課"):
        fill = last_years_fill(api.read(EXAMPLE).value, report, departments=[])
        fill.entries[("plan2", "p2-4-(3)")] = [([f"{department}の記入"], ["同じAct"])]
        out.append(fill_draft(copy_of(split, department), folder / f"{department}.docx", fill))
    return out[0], out[1]


def _project_do(path: Path, project_id: str) -> str:
    report = api.read(path).value
    project = next(p for _, _, p in report.iter_projects() if p.id == project_id)
    return "\n".join(project.entries[0].do)


def test_an_edited_plan_text_is_refused_as_no_copy_of_the_draft(
    draft: Path, split: api.Split, tmp_path: Path
) -> None:
    """Issue 24: a copy must have the draft's Plan texts; one that does not is refused, named."""
    copy = copy_of(split, "健康推進課")

    def edit(root: etree._Element) -> None:
        t = next(t for t in root.iter(f"{W}t") if t.text and t.text.startswith("利用者支援事業として"))
        t.text = t.text.replace("利用者支援事業", "利用者支援の事業")  # type: ignore[union-attr]

    edited = rewrite_part(copy, tmp_path / "edited.docx", "word/document.xml", edit)
    with pytest.raises(NotAReportError) as refused:
        api.merge(draft, [edited], tmp_path / "merged.docx")
    assert str(refused.value).startswith(f"{edited}：この案の写しではありません：")
    assert "利用者支援の事業" in str(refused.value)
    assert not (tmp_path / "merged.docx").exists()


def test_another_departments_cell_in_a_split_copy_is_reported_not_merged(
    draft: Path, split: api.Split, tmp_path: Path
) -> None:
    report = api.read(draft).value
    fill = last_years_fill(api.read(EXAMPLE).value, report, departments=[])
    fill.entries[("plan1", "p1-1-1-1-a")] = [(["児童育成課が書いた文"], [])]  # a 福祉政策課 project
    copy = fill_draft(copy_of(split, "児童育成課"), tmp_path / "child.docx", fill)
    done = api.merge(draft, [copy], tmp_path / "merged.docx").value
    assert done.filled == []
    outside = next(o for o in done.outside if o.location.project == "p1-1-1-1-a")
    assert outside.department == "児童育成課" and "福祉政策課の欄" in outside.reason
    assert _project_do(tmp_path / "merged.docx", "p1-1-1-1-a") == ""


def test_a_plain_copy_of_the_draft_is_merged_in_every_cell(draft: Path, tmp_path: Path) -> None:
    report = api.read(draft).value
    fill = last_years_fill(api.read(EXAMPLE).value, report, departments=["児"])
    plain = fill_draft(draft, tmp_path / "児童育成課が記入.docx", fill)
    done = api.merge(draft, [plain], tmp_path / "merged.docx").value
    assert done.path is not None and len(done.filled) == 3
    assert {cell.department for cell in done.filled} == {"児童育成課"}  # the cells' department


def test_an_empty_cell_never_overwrites_a_filled_one(draft: Path, merged: api.Merged, tmp_path: Path) -> None:
    assert merged.path is not None
    fresh = shutil.copy(draft, tmp_path / "fresh_copy.docx")  # a copy nobody filled
    done = api.merge(merged.path, [Path(fresh)], tmp_path / "again.docx").value
    assert done.path is not None and done.filled == []
    assert len(done.kept) > 100
    assert api.status(done.path).value.items[0].code == "incomplete.number"


def test_a_copy_of_another_years_draft_is_refused(draft: Path, tmp_path: Path) -> None:
    published = "公表済みの報告書（令和5年度）で、この案（令和6年度）の写しではありません"
    with pytest.raises(NotAReportError, match=published):
        api.merge(draft, [EXAMPLE], tmp_path / "merged.docx")

    def next_year(root: etree._Element) -> None:
        for t in root.iter(f"{W}t"):
            if t.text and "令和6年度" in t.text:
                t.text = t.text.replace("令和6年度", "令和7年度")

    r7 = rewrite_part(draft, tmp_path / "r7_draft.docx", "word/document.xml", next_year)
    assert api.read(r7).value.fiscal_year.text == "令和7年度"
    with pytest.raises(NotAReportError, match="この案の写しではありません：令和7年度の報告書です"):
        api.merge(draft, [r7], tmp_path / "merged.docx")
    r7_copy = api.split(r7, tmp_path / "r7").value.copies[0].path
    with pytest.raises(NotAReportError, match="この案の写しではありません：令和7年度の報告書です"):
        api.merge(draft, [r7_copy], tmp_path / "merged.docx")
    assert not (tmp_path / "merged.docx").exists()


def test_a_changed_layout_is_reported_and_the_masters_stays(
    draft: Path, split: api.Split, tmp_path: Path
) -> None:
    def edit(root: etree._Element) -> None:
        for margin in root.iter(f"{W}pgMar"):
            margin.set(f"{W}left", "2000")  # staff widened the left margin
        first_sheet = next(t for t in root.iter(f"{W}tbl") if "Act" in "".join(t.itertext()))
        cols = first_sheet.findall(f"{W}tblGrid/{W}gridCol")
        cols[3].set(f"{W}w", str(int(cols[3].get(f"{W}w", "0")) + 600))  # and the Plan column

    edited = rewrite_part(copy_of(split, "地域活性課"), tmp_path / "wider.docx", "word/document.xml", edit)
    done = api.merge(draft, [edited], tmp_path / "merged.docx").value
    assert done.path is not None
    assert {o.what for o in done.outside} == {"用紙・余白", "表の形（列幅・行）"}
    sheet = next(o for o in done.outside if o.what == "表の形（列幅・行）")
    assert sheet.location.sheet == 0 and sheet.location.page == 11 and sheet.file == str(edited)
    margins = {m.get(f"{W}left") for m in xml(done.path, "word/document.xml").iter(f"{W}pgMar")}
    assert "2000" not in margins


def test_a_result_that_is_no_result_is_reported_with_its_copy_not_merged(
    draft: Path, split: api.Split, tmp_path: Path
) -> None:
    fill = last_years_fill(api.read(EXAMPLE).value, api.read(draft).value, departments=[], results={})
    fill.results["p2-5-(5)"] = "達成済"
    copy = fill_draft(copy_of(split, "児童育成課"), tmp_path / "typo.docx", fill)
    done = api.merge(draft, [copy], tmp_path / "merged.docx")
    assert done.value.filled == []
    error = next(m for m in done.messages if m.code == "result.value")
    assert error.severity == "error" and error.text.startswith(f"「{copy}」：")
    assert error.location.project == "p2-5-(5)"


CUSTOM = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="文書番号">'
    "<vt:lpwstr>福政-123</vt:lpwstr></property></Properties>"
).encode()


def test_the_citys_own_custom_properties_stay_in_copies_and_merged_draft(draft: Path, tmp_path: Path) -> None:
    def with_relationship(root: etree._Element) -> None:
        rel = etree.SubElement(
            root, "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
        )
        rel.set("Id", "rIdCustom")
        rel.set(
            "Type", "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
        )
        rel.set("Target", "docProps/custom.xml")

    def with_override(root: etree._Element) -> None:
        override = etree.SubElement(
            root, "{http://schemas.openxmlformats.org/package/2006/content-types}Override"
        )
        override.set("PartName", "/docProps/custom.xml")
        override.set("ContentType", "application/vnd.openxmlformats-officedocument.custom-properties+xml")

    staged = replace_parts(draft, tmp_path / "staged.docx", {"docProps/custom.xml": CUSTOM})
    staged = rewrite_part(staged, tmp_path / "rels.docx", "_rels/.rels", with_relationship)
    numbered = rewrite_part(staged, tmp_path / "r6_numbered.docx", "[Content_Types].xml", with_override)
    copy = api.split(numbered, tmp_path / "copies").value.copies[0].path
    names = [p.get("name") for p in xml(copy, "docProps/custom.xml")]
    assert names == ["文書番号", "komae-docx 担当課", "komae-docx 担当課コード", "komae-docx 案の識別子"]
    assert audit_findings(copy) == []
    merged = api.merge(numbered, [copy], tmp_path / "merged.docx").value
    assert merged.path is not None
    assert [p.get("name") for p in xml(merged.path, "docProps/custom.xml")] == ["文書番号"]


def test_a_departments_own_comment_is_left_out_and_said_so(
    draft: Path, split: api.Split, tmp_path: Path
) -> None:
    report = api.read(draft).value
    fill = last_years_fill(api.read(EXAMPLE).value, report, departments=[])
    fill.entries[("plan2", "p2-5-(5)")] = [(["児童館で講座を開いた。"], [])]
    typed = fill_draft(copy_of(split, "児童育成課"), tmp_path / "typed.docx", fill)

    def comment_on_the_typed_text(root: etree._Element) -> None:
        t = next(t for t in root.iter(f"{W}t") if t.text == "児童館で講座を開いた。")
        r = t.getparent()
        assert r is not None
        r.addprevious(etree.Element(f"{W}commentRangeStart", {f"{W}id": "990"}))
        r.addnext(etree.Element(f"{W}commentRangeEnd", {f"{W}id": "990"}))
        reference = etree.Element(f"{W}r")
        etree.SubElement(reference, f"{W}commentReference", {f"{W}id": "990"})
        r.getnext().addnext(reference)  # type: ignore[union-attr]

    commented = rewrite_part(
        typed, tmp_path / "commented.docx", "word/document.xml", comment_on_the_typed_text
    )
    done = api.merge(draft, [commented], tmp_path / "merged.docx").value
    assert done.path is not None
    assert [c.text for c in done.filled if c.column == "Do"] == ["児童館で講座を開いた。"]
    assert [d.reason for d in done.dropped] == ["写しで付けたコメントは取り込みません"]
    ids = {r.get(f"{W}id") for r in xml(done.path, "word/document.xml").iter(f"{W}commentReference")}
    assert "990" not in ids
    assert ids == {r.get(f"{W}id") for r in xml(draft, "word/document.xml").iter(f"{W}commentReference")}


def test_an_edited_heading_is_reported_in_staff_words(draft: Path, split: api.Split, tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        t = next(t for t in root.iter(f"{W}t") if t.text and "普及啓発" in t.text)
        t.text = t.text.replace("普及啓発", "普及と啓発")  # type: ignore[union-attr]

    edited = rewrite_part(copy_of(split, "福祉政策課"), tmp_path / "heading.docx", "word/document.xml", edit)
    done = api.merge(draft, [edited], tmp_path / "merged.docx").value
    title = next(o for o in done.outside if o.what.endswith("の表題"))
    assert title.what == "施策 1 普及啓発 の表題"
    assert title.location.plan == "2 重層的支援体制整備事業実施計画"
    assert (title.master, title.copy) == ("普及啓発", "普及と啓発")
    assert done.path is not None
    measure = api.read(done.path).value.plan("plan2").measures[0]
    assert measure.title == "普及啓発"
