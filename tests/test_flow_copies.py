"""Issue 24, items 1 and 2: a department's copy is a kind of file, and copies are judged by content.

Made from the example: next year's draft (令和6年度), its eight copies (``split``), 福祉政策課's
copy filled with last year's texts (tests/flow_files.py).  Each refusal is checked for its exact
exit code, the file it names, and against the folder's contents: nothing written.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import api
from komae_docx.errors import NotAReportError, WrongFileKindError
from komae_docx.filekind import FileKind, judge, label
from komae_docx.package import package_of_parts
from komae_docx.writing.split import CopyMark, write_mark

from .conftest import EXAMPLE
from .docx_edit import replace_parts, rewrite_part
from .flow_files import WELFARE, FlowFiles, folder_contents

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CLI = [sys.executable, "-m", "komae_docx"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> FlowFiles:
    return FlowFiles.make(tmp_path_factory.mktemp("copies"))


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True)


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


# --------------------------------------------------------------------------- item 1: the kind


def test_a_copy_is_known_with_its_department(files: FlowFiles) -> None:
    report = api.read(files.filled).value
    assert api.identify(files.filled).value is FileKind.DEPARTMENT_COPY
    assert label(report) == "福祉政策課の写し（記入中）"
    assert judge(api.read(files.draft).value) is FileKind.FRESH_DRAFT


def test_status_prints_the_copys_kind(files: FlowFiles) -> None:
    done = run("status", files.filled, cwd=files.folder)
    assert "ファイルの種類：福祉政策課の写し（記入中）" in done.stdout
    assert done.returncode == 4


@pytest.mark.parametrize("command", ["finalize", "draft"])
def test_finalize_and_draft_refuse_a_copy(files: FlowFiles, command: str) -> None:
    before = folder_contents(files.folder)
    done = run(command, files.filled, "-o", "out.docx", cwd=files.folder)
    assert done.returncode == 2
    assert "福祉政策課の写し（記入中）" in done.stderr
    assert "「各課の記入をまとめる（merge）」" in done.stderr
    assert "--from-draft" not in done.stderr
    assert folder_contents(files.folder) == before


def test_draft_from_draft_still_refuses_a_copy(files: FlowFiles) -> None:
    before = folder_contents(files.folder)
    done = run("draft", "--from-draft", files.filled, "-o", "out.docx", cwd=files.folder)
    assert done.returncode == 2
    assert folder_contents(files.folder) == before


def test_the_api_refuses_a_copy_for_finalize_and_draft(files: FlowFiles, tmp_path: Path) -> None:
    with pytest.raises(WrongFileKindError) as finalized:
        api.finalize(files.filled, tmp_path / "r6_report.docx", pages="fields")
    assert finalized.value.kind == "department_copy" and finalized.value.path == str(files.filled)
    with pytest.raises(WrongFileKindError):
        api.draft(files.filled, tmp_path / "r7_draft.docx", from_draft=True)
    assert list(tmp_path.iterdir()) == []


def test_split_refuses_a_published_report_naming_it(files: FlowFiles) -> None:
    before = folder_contents(files.folder)
    done = run("split", EXAMPLE, "-o", "各課へ", cwd=files.folder)
    assert done.returncode == 2
    assert f"{EXAMPLE}：このファイルは公表済みの報告書です" in done.stderr
    assert folder_contents(files.folder) == before and not (files.folder / "各課へ").exists()


def test_merge_refuses_a_published_report_as_the_draft_naming_it(files: FlowFiles) -> None:
    before = folder_contents(files.folder)
    done = run("merge", EXAMPLE, files.filled, "-o", "merged.docx", cwd=files.folder)
    assert done.returncode == 2
    assert f"{EXAMPLE}：このファイルは公表済みの報告書です" in done.stderr
    assert str(files.filled) not in done.stderr
    assert folder_contents(files.folder) == before


def test_a_split_copy_is_refused_as_the_draft_to_split(files: FlowFiles, tmp_path: Path) -> None:
    with pytest.raises(WrongFileKindError) as refused:
        api.split(files.filled, tmp_path / "again")
    assert "福祉政策課の写し（記入中）" in str(refused.value)
    assert list(tmp_path.iterdir()) == []


def test_nothing_published_or_drafted_keeps_a_copys_locks(files: FlowFiles, tmp_path: Path) -> None:
    """A draft a department marked final and locked (Word's protection, LibreOffice's
    _MarkAsFinal) is merged, finalized and rolled on without any of it."""
    raw = parts_of(files.copy_of(WELFARE))
    locked = replace_parts(
        files.draft,
        tmp_path / "locked_draft.docx",
        {"word/settings.xml": raw["word/settings.xml"], "word/document.xml": raw["word/document.xml"]},
    )
    props = parts_of(locked)
    custom = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
        b'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="_MarkAsFinal">'
        b"<vt:bool>true</vt:bool></property></Properties>"
    )
    extra = marked_parts(props, _no_mark())
    extra["docProps/custom.xml"] = custom
    final = replace_parts(locked, tmp_path / "final_draft.docx", dict(extra))
    assert judge(api.read(final).value) is FileKind.FRESH_DRAFT
    merged = api.merge(final, [files.filled], tmp_path / "merged.docx").value
    interim = api.finalize(final, tmp_path / "interim.docx", pages="fields", allow_incomplete=True).value
    rolled = api.draft(final, tmp_path / "r7_draft.docx", from_draft=True).value
    for made in (merged.path, interim.path, rolled.path):
        assert made is not None
        out = parts_of(made)
        assert b"documentProtection" not in out["word/settings.xml"]
        assert b"permStart" not in out["word/document.xml"] and b"permEnd" not in out["word/document.xml"]
        custom_out = out.get("docProps/custom.xml", b"")
        assert b"_MarkAsFinal" not in custom_out and "komae-docx 担当課".encode() not in custom_out


def marked_parts(raw: dict[str, bytes], mark: CopyMark) -> dict[str, bytes]:
    """Every part of ``raw`` with ``mark`` written as split writes it (the package's own writer)."""
    package = package_of_parts(raw, "marked.docx")
    write_mark(package, mark)
    return {name: package.read(name) for name in package.names()}


def _no_mark():  # type: ignore[no-untyped-def]
    from komae_docx.writing.split import CopyMark

    return CopyMark("", "", "")


# --------------------------------------------------------------------------- item 2: by content


def test_last_years_report_carrying_the_drafts_mark_is_refused(files: FlowFiles, tmp_path: Path) -> None:
    """The mark is only a hint: last year's report with this draft's split mark is no copy of it."""
    mark = api.read(files.filled).value.split_mark
    assert mark is not None
    from komae_docx.writing.split import CopyMark

    raw = parts_of(EXAMPLE)
    marked = replace_parts(
        EXAMPLE,
        tmp_path / "r5_marked.docx",
        dict(marked_parts(raw, CopyMark(mark.department, mark.code, mark.draft))),
    )
    assert judge(api.read(marked).value) is FileKind.PUBLISHED
    before = folder_contents(tmp_path)
    done = run("merge", files.draft, marked, "-o", "merged.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        f"{marked}：このファイルは公表済みの報告書（令和5年度）で、この案（令和6年度）の写しではありません"
        in done.stderr
    )
    assert folder_contents(tmp_path) == before


def _without_row_of(text: str):  # type: ignore[no-untyped-def]
    def edit(root: etree._Element) -> None:
        tr = next(
            tr
            for tr in root.iter(f"{W}tr")
            if text in "".join(tr.itertext()) and not tr.findall(f".//{W}tbl")
        )
        parent = tr.getparent()
        assert parent is not None
        parent.remove(tr)

    return edit


def test_a_copy_missing_a_project_row_is_refused_naming_its_plan_text(
    files: FlowFiles, tmp_path: Path
) -> None:
    draft = api.read(files.draft).value
    project = next(p for _, _, p in draft.iter_projects() if len(p.entries) == 1)
    words = project.plan_text.split()[0][:12]
    cut = rewrite_part(files.filled, tmp_path / "cut.docx", "word/document.xml", _without_row_of(words))
    before = folder_contents(tmp_path)
    with pytest.raises(NotAReportError) as refused:
        api.merge(files.draft, [cut], tmp_path / "merged.docx")
    text = str(refused.value)
    assert text.startswith(f"{cut}：この案の写しではありません：")
    assert f"事業「{project.plan_text.split()[0][:10]}" in text and "の行がありません" in text
    assert folder_contents(tmp_path) == before
    done = run("merge", files.draft, cut, "-o", "merged.docx", cwd=tmp_path)
    assert done.returncode == 2 and "の行がありません" in done.stderr
    assert folder_contents(tmp_path) == before


def test_a_copy_with_another_plan_text_is_refused(files: FlowFiles, tmp_path: Path) -> None:
    def edit(root: etree._Element) -> None:
        t = next(t for t in root.iter(f"{W}t") if t.text and t.text.startswith("利用者支援事業として"))
        t.text = t.text.replace("利用者支援事業", "利用者支援の事業")  # type: ignore[union-attr]

    edited = rewrite_part(files.copy_of("健康推進課"), tmp_path / "edited.docx", "word/document.xml", edit)
    with pytest.raises(NotAReportError) as refused:
        api.merge(files.draft, [edited], tmp_path / "merged.docx")
    assert "事業の Plan が違います" in str(refused.value) and "利用者支援の事業" in str(refused.value)
    assert str(refused.value).startswith(str(edited))
    assert not (tmp_path / "merged.docx").exists()


BROKEN_PARTS = {
    "broken": b'<?xml version="1.0"?><Properties xmlns="x"><property',
    "dtd": (
        b'<?xml version="1.0"?><!DOCTYPE Properties [<!ENTITY a "aaaa">]>'
        b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>'
    ),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_PARTS))
def test_a_broken_custom_properties_part_names_the_copys_file(
    files: FlowFiles, tmp_path: Path, kind: str
) -> None:
    broken = replace_parts(
        files.filled, tmp_path / f"写し_{kind}.docx", {"docProps/custom.xml": BROKEN_PARTS[kind]}
    )
    before = folder_contents(tmp_path)
    done = run("merge", files.draft, files.copy_of("地域活性課"), broken, "-o", "merged.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert f"{broken}：文書のプロパティ（docProps/custom.xml）が壊れているため" in done.stderr
    assert "docProps/custom.xml：docProps/custom.xml" not in done.stderr
    assert folder_contents(tmp_path) == before


def test_the_same_copy_twice_is_said_once_and_merged_once(files: FlowFiles, tmp_path: Path) -> None:
    once = api.merge(files.draft, [files.filled], tmp_path / "once.docx").value
    twin = tmp_path / "同じ写し.docx"
    shutil.copyfile(files.filled, twin)
    twice = api.merge(files.draft, [files.filled, files.filled, twin], tmp_path / "twice.docx")
    assert len(twice.value.filled) == len(once.filled) > 0
    assert twice.value.copies == 1
    said = [m for m in twice.messages if m.code == "merge.same_copy"]
    assert [m.text for m in said] == [
        f"「{files.filled}」が二度指定されています。一度だけまとめました",
        f"「{twin}」は「{files.filled}」と同じ写しです。一度だけまとめました",
    ]
    assert not [m for m in twice.messages if m.code == "merge.conflict"]


# --------------------------------------------------------------------------- item 7: its own cells


def body_of(path: Path) -> etree._Element:
    body = etree.fromstring(parts_of(path)["word/document.xml"]).find(f"{W}body")
    assert body is not None
    return body


def fills(tc: etree._Element) -> str | None:
    shd = tc.find(f"{W}tcPr/{W}shd")
    return shd.get(f"{W}fill") if shd is not None else None


def test_a_copy_shows_its_department_its_own_cells(files: FlowFiles) -> None:
    body = body_of(files.copy_of(WELFARE))
    first = body[0]
    notice = "".join(first.itertext())
    assert notice.startswith(
        "【福祉政策課の写し】この写しで記入するのは、黄色の欄（福祉政策課の Do・Act・事業の結果"
    )
    opened = [next(start.iterancestors(f"{W}tc")) for start in body.iter(f"{W}permStart")]
    assert opened and all(fills(tc) == "FFF2CC" for tc in opened)
    draft_blue = [tc for tc in body_of(files.draft).iter(f"{W}tc") if fills(tc) == "DEEAF6"]
    copy_blue = [tc for tc in body.iter(f"{W}tc") if fills(tc) == "DEEAF6"]
    assert len(draft_blue) > len(opened) and copy_blue == []  # others' cells are plain text


def test_the_copy_says_its_kind_and_reads_as_the_draft_would(files: FlowFiles) -> None:
    """The notice is on the copy's cover but not part of the report: merge reports no cover change."""
    report = api.read(files.copy_of(WELFARE)).value
    assert report.cover.title_lines[0].startswith("【福祉政策課の写し】")
    merged = api.merge(files.draft, [files.copy_of(WELFARE)], files.folder / "untouched.docx")
    assert merged.value.outside == [] and merged.value.filled == []
    (files.folder / "untouched.docx").unlink()


def test_edits_in_other_departments_cells_are_warned_once_per_kind(files: FlowFiles, tmp_path: Path) -> None:
    """福祉政策課 typing last year's texts into every department's cells: one warning per cell kind."""
    from .filler import fill_draft, last_years_fill

    last, draft = api.read(EXAMPLE).value, api.read(files.draft).value
    everything = fill_draft(files.copy_of(WELFARE), tmp_path / "all.docx", last_years_fill(last, draft))
    result = api.merge(files.draft, [everything], tmp_path / "merged.docx")
    others = [o for o in result.value.outside if o.others_cell]
    warned = [m for m in result.messages if m.code == "merge.others_cells"]
    counts = {kind: sum(1 for o in others if o.what == kind) for kind in ("Do", "Act", "事業の結果")}
    assert all(count > 0 for count in counts.values())
    assert sorted(m.text for m in warned) == sorted(
        f"「{everything}」（福祉政策課）は、ほかの課の{kind}欄を {count} か所変えています。"
        "ほかの課の欄は、その課の写しから取り込むため、この写しからは取り込みません"
        for kind, count in counts.items()
    )
    assert not [m for m in result.messages if m.code == "merge.outside"]
    merged = body_of(tmp_path / "merged.docx")
    assert not [tc for tc in merged.iter(f"{W}tc") if fills(tc) == "FFF2CC"]
    assert "の写し】" not in "".join(merged.itertext())
    assert [tc for tc in merged.iter(f"{W}tc") if fills(tc) == "DEEAF6"]  # the draft's own shading stays


def test_a_copy_given_as_the_draft_to_merge_is_refused_saying_where_it_goes(files: FlowFiles) -> None:
    before = folder_contents(files.folder)
    done = run("merge", files.filled, files.copy_of("地域活性課"), "-o", "merged.docx", cwd=files.folder)
    assert done.returncode == 2
    assert (
        f"{files.filled}：このファイルは福祉政策課の写し（記入中）です。各課の写しは、まとめる写しの方に"
        in done.stderr
    )
    assert folder_contents(files.folder) == before
