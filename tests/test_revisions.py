"""What a published report may not carry: tracked changes and other people's comments (issue 16, 4).

The filled draft (tests/filler.py: last year's texts and results typed in as Word saves them) is
reviewed the way Word records it with 変更履歴の記録 on: an insertion and a deletion in a Do cell,
a formatting change, a sentence moved between two 序章 paragraphs, a paragraph deleted whole, a row
marked inserted, ``w:trackRevisions`` in the settings; or commented the way Word 365 writes a
comment (``comments``, ``commentsExtended``, ``commentsIds``, ``commentsExtensible``, ``people``).
``finalize`` refuses those (exit 1, nothing written, each place listed); ``--accept-changes`` and
``--drop-comments`` make the published report from them.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import api
from komae_docx.wordml import RPR_RANK, put_in_schema_order
from komae_docx.writing.revisions import accept_changes_in

from .conftest import ROOT
from .docx_checks import audit_findings, pdf_pages
from .docx_edit import W_NS, W, paragraph_with_text, replace_parts, w

REVIEWER = "福祉政策課 山田"
DATE = "2027-04-29T10:15:00Z"
W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
W15 = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
W16CEX = "http://schemas.microsoft.com/office/word/2018/wordml/cex"

DO_TEXT = "狛江市第1次重層的支援体制整備事業実施計画を策定し"
"""The first Do paragraph of 1-(1)-① a (シート1, 6行), typed into the draft by the filler."""
DO_TEXT_2 = "重層的支援体制整備事業実施に向け"
"""The second Do paragraph of the same cell."""
INSERTED = "（関係課と協議済み）"
DELETED = "（試行）"
MOVED = "移した一文です。"
GONE_PARAGRAPH = "この段落は削除されました。"
SHEET_1_DO = "第1章 1 地域福祉計画 シート1(11頁) 6行 Do欄"
"""Where the Do cell of 1-(1)-① a stands, as `status` names it (the R5 report's page 11)."""


# --------------------------------------------------------------------------- the variants


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("revisions")


@pytest.fixture(scope="module")
def filled(example_filled: Path) -> Path:
    return example_filled


def parts_of(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def tracked(tag: str, rid: int, *children: etree._Element) -> etree._Element:
    el = w(tag, id=str(rid), author=REVIEWER, date=DATE)
    el.extend(children)
    return el


def text_run(text: str, *, deleted: bool = False) -> etree._Element:
    r = w("r")
    t = etree.SubElement(r, f"{W}{'delText' if deleted else 't'}")
    t.text = text
    return r


def word_reviewed(filled: Path, out: Path) -> Path:
    """``filled`` with changes recorded as Word records them (ids from 9001 up)."""
    parts = parts_of(filled)
    root = etree.fromstring(parts["word/document.xml"])
    do_1 = paragraph_with_text(root, DO_TEXT)
    do_1.append(tracked("ins", 9001, text_run(INSERTED)))
    do_2 = paragraph_with_text(root, DO_TEXT_2)
    do_2.append(tracked("del", 9002, text_run(DELETED, deleted=True)))
    bold_run = next(r for r in do_2.iter(f"{W}r") if r.find(f"{W}t") is not None)
    rpr = bold_run.find(f"{W}rPr")
    if rpr is None:
        rpr = etree.Element(f"{W}rPr")
        bold_run.insert(0, rpr)
    put_in_schema_order(rpr, w("b"), RPR_RANK)  # after the city's rFonts, as Word orders it
    rpr.append(tracked("rPrChange", 9003, w("rPr")))
    tr = next(a for a in do_1.iterancestors(f"{W}tr"))
    trpr = tr.find(f"{W}trPr")
    if trpr is None:
        trpr = etree.Element(f"{W}trPr")
        tr.insert(0, trpr)
    trpr.append(tracked("ins", 9004))
    source = paragraph_with_text(root, "本計画の実効性を担保")
    source.append(w("moveFromRangeStart", id="9005", author=REVIEWER, date=DATE, name="move1"))
    source.append(tracked("moveFrom", 9006, text_run(MOVED)))
    source.append(w("moveFromRangeEnd", id="9005"))
    target = paragraph_with_text(root, "重層実施計画は地域福祉計画の下位計画であり")
    target.append(w("moveToRangeStart", id="9007", author=REVIEWER, date=DATE, name="move1"))
    target.append(tracked("moveTo", 9008, text_run(MOVED)))
    target.append(w("moveToRangeEnd", id="9007"))
    gone = w("p")
    ppr = etree.SubElement(gone, f"{W}pPr")
    etree.SubElement(ppr, f"{W}rPr").append(tracked("del", 9009))
    gone.append(tracked("del", 9010, text_run(GONE_PARAGRAPH, deleted=True)))
    target.addnext(gone)
    settings = etree.fromstring(parts["word/settings.xml"])
    settings.insert(1, w("trackRevisions"))
    return replace_parts(
        filled,
        out,
        {"word/document.xml": serialize(root), "word/settings.xml": serialize(settings)},
    )


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
SIDE_PARTS = {
    "word/commentsExtended.xml": (
        "http://schemas.microsoft.com/office/2011/relationships/commentsExtended",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml",
    ),
    "word/commentsIds.xml": (
        "http://schemas.microsoft.com/office/2016/09/relationships/commentsIds",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsIds+xml",
    ),
    "word/commentsExtensible.xml": (
        "http://schemas.microsoft.com/office/2018/08/relationships/commentsExtensible",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.commentsExtensible+xml",
    ),
    "word/people.xml": (
        "http://schemas.microsoft.com/office/2011/relationships/people",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.people+xml",
    ),
}


def word_commented(filled: Path, out: Path) -> Path:
    """``filled`` with a comment of 山田 on the second Do paragraph, as Word 365 stores it."""
    parts = parts_of(filled)
    comments = etree.fromstring(parts["word/comments.xml"])
    cid = str(max(int(c.get(f"{W}id") or 0) for c in comments.findall(f"{W}comment")) + 1)
    comment = etree.SubElement(
        comments,
        f"{W}comment",
        {f"{W}id": cid, f"{W}author": REVIEWER, f"{W}date": DATE, f"{W}initials": "山"},
    )
    p = etree.SubElement(comment, f"{W}p", {f"{{{W14}}}paraId": "1A2B3C4D", f"{{{W14}}}textId": "77777777"})
    ref = etree.SubElement(p, f"{W}r")
    etree.SubElement(ref, f"{W}annotationRef")
    p.append(text_run("数字を確認しました"))
    root = etree.fromstring(parts["word/document.xml"])
    do_2 = paragraph_with_text(root, DO_TEXT_2)
    ppr = do_2.find(f"{W}pPr")
    (ppr.addnext if ppr is not None else lambda el: do_2.insert(0, el))(w("commentRangeStart", id=cid))
    do_2.append(w("commentRangeEnd", id=cid))
    reference = w("r")
    reference.append(w("commentReference", id=cid))
    do_2.append(reference)
    side = {
        "word/commentsExtended.xml": f'<w15:commentsEx xmlns:w15="{W15}"><w15:commentEx '
        'w15:paraId="1A2B3C4D" w15:done="0"/></w15:commentsEx>',
        "word/commentsIds.xml": f'<w16cid:commentsIds xmlns:w16cid="{W16CID}"><w16cid:commentId '
        'w16cid:paraId="1A2B3C4D" w16cid:durableId="5E6F7A8B"/></w16cid:commentsIds>',
        "word/commentsExtensible.xml": f'<w16cex:commentsExtensible xmlns:w16cex="{W16CEX}">'
        f'<w16cex:commentExtensible w16cex:durableId="5E6F7A8B" w16cex:dateUtc="{DATE}"/>'
        "</w16cex:commentsExtensible>",
        "word/people.xml": f'<w15:people xmlns:w15="{W15}"><w15:person w15:author="{REVIEWER}">'
        f'<w15:presenceInfo w15:providerId="None" w15:userId="{REVIEWER}"/></w15:person></w15:people>',
    }
    rels = etree.fromstring(parts["word/_rels/document.xml.rels"])
    types = etree.fromstring(parts["[Content_Types].xml"])
    for n, (name, (rel_type, content_type)) in enumerate(SIDE_PARTS.items()):
        etree.SubElement(rels, f"{{{REL}}}Relationship", Id=f"rIdReview{n}", Type=rel_type, Target=name[5:])
        etree.SubElement(types, f"{{{CT}}}Override", PartName=f"/{name}", ContentType=content_type)
    return replace_parts(
        filled,
        out,
        {
            "word/document.xml": serialize(root),
            "word/comments.xml": serialize(comments),
            "word/_rels/document.xml.rels": serialize(rels),
            "[Content_Types].xml": serialize(types),
            **{
                name: b"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + x.encode()
                for name, x in side.items()
            },
        },
    )


@pytest.fixture(scope="module")
def reviewed(work: Path, filled: Path) -> Path:
    return word_reviewed(filled, work / "r6_reviewed.docx")


@pytest.fixture(scope="module")
def commented(work: Path, filled: Path) -> Path:
    return word_commented(filled, work / "r6_commented.docx")


def document_of(path: Path) -> etree._Element:
    return etree.fromstring(parts_of(path)["word/document.xml"])


def texts(root: etree._Element) -> str:
    return "".join(t.text or "" for t in root.iter(f"{W}t"))


# --------------------------------------------------------------------------- refused, with places


def test_tracked_changes_refuse_finalize_listing_their_places(work: Path, reviewed: Path) -> None:
    target = work / "never.docx"
    result = api.finalize(reviewed, target, number="R7-15", pages="fields")
    assert result.value.path is None and not target.exists()
    assert {m.code for m in result.value.incomplete} == {"finalize.tracked_changes"}
    listed = [(m.location.describe(), (m.found or "")[:10], m.text) for m in result.value.incomplete]
    places = [(where, found) for where, found, _ in listed]
    assert (
        places
        == [
            ("本文 43 段落目", "本計画の実効性を担保"),  # 序章 1's second paragraph: moved from
            ("本文 45 段落目", "重層実施計画は地域福"),  # its fourth: moved to
            ("本文 46 段落目", "この段落は削除されま"),  # the paragraph deleted whole
            ("第1章 1 地域福祉計画 シート1(11頁) 6行", ""),  # the row marked inserted
            (SHEET_1_DO, DO_TEXT[:10]),
            (SHEET_1_DO, DO_TEXT_2[:10]),
        ]
    )
    kinds = [text.split("）")[0].split("（")[1] for _, _, text in listed]
    assert kinds == ["移動 1", "移動 1", "削除 2", "行の挿入・削除 1", "挿入 1", "書式の変更 1、削除 1"]


def test_other_peoples_comments_refuse_finalize_with_author_text_and_place(
    work: Path, commented: Path
) -> None:
    target = work / "never_commented.docx"
    result = api.finalize(commented, target, number="R7-15", pages="fields")
    assert result.value.path is None and not target.exists()
    [comment] = result.value.incomplete
    assert comment.code == "finalize.comments" and comment.severity == "error"
    assert f"{REVIEWER} さんのコメント「数字を確認しました」" in comment.text
    assert comment.location.describe() == SHEET_1_DO


def test_the_cli_refuses_with_exit_1_and_lists_the_places(work: Path, reviewed: Path) -> None:
    target = work / "cli_never.docx"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "komae_docx",
            "finalize",
            str(reviewed),
            "-o",
            str(target),
            "--number",
            "R7-15",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert not target.exists()
    assert "変更履歴・ほかの人のコメントが" in done.stderr and "--accept-changes" in done.stderr
    assert SHEET_1_DO in done.stderr and "Traceback" not in done.stderr


# --------------------------------------------------------------------------- accepted / dropped


@pytest.fixture(scope="module")
def accepted(work: Path, reviewed: Path) -> Path:
    result = api.finalize(
        reviewed, work / "accepted.docx", number="R7-15", pages="fields", accept_changes=True
    )
    assert result.value.path is not None, [m.describe() for m in result.value.incomplete]
    assert any(m.code == "finalize.changes_accepted" for m in result.messages)
    return result.value.path


def test_accept_changes_publishes_the_text_as_the_reader_reads_it(accepted: Path) -> None:
    root = document_of(accepted)
    marks = (
        "ins",
        "del",
        "moveFrom",
        "moveTo",
        "rPrChange",
        "pPrChange",
        "moveFromRangeStart",
        "moveToRangeEnd",
    )
    assert [m for m in marks if next(root.iter(f"{W}{m}"), None) is not None] == []
    text = texts(root)
    assert INSERTED in text and DELETED not in text and GONE_PARAGRAPH not in text
    assert text.count(MOVED) == 1
    assert MOVED in texts(paragraph_with_text(root, "重層実施計画は地域福祉計画の下位計画であり"))
    assert root.find(f".//{W}delText") is None
    bold = paragraph_with_text(root, DO_TEXT_2).find(f".//{W}rPr/{W}b")
    assert bold is not None  # the new formatting stays, the record of the old goes
    settings = etree.fromstring(parts_of(accepted)["word/settings.xml"])
    assert settings.find(f"{W}trackRevisions") is None
    project = next(p for _, _, p in api.read(accepted).value.iter_projects() if p.id == "p1-1-1-1-a")
    assert project.entries[0].do[0].endswith(INSERTED)


def test_the_accepted_report_is_valid_and_keeps_its_39_pages(accepted: Path, work: Path) -> None:
    assert audit_findings(accepted) == []
    assert pdf_pages(accepted, work / "accepted-pdf") == 39


def test_drop_comments_removes_them_with_every_entry_that_refers_to_them(work: Path, commented: Path) -> None:
    result = api.finalize(
        commented, work / "dropped.docx", number="R7-15", pages="fields", drop_comments=True
    )
    assert result.value.path is not None
    parts = parts_of(result.value.path)
    comments = etree.fromstring(parts["word/comments.xml"])
    assert comments.findall(f"{W}comment") == []
    document = etree.fromstring(parts["word/document.xml"])
    anchors = ("commentRangeStart", "commentRangeEnd", "commentReference")
    assert [a for a in anchors if next(document.iter(f"{W}{a}"), None) is not None] == []
    for name in SIDE_PARTS:
        assert len(etree.fromstring(parts[name])) == 0, name
    assert DO_TEXT_2 in texts(document)
    assert audit_findings(result.value.path) == []


# --------------------------------------------------------------------------- accepting, unit by unit


def body(xml: str) -> etree._Element:
    return etree.fromstring(f'<w:body xmlns:w="{W_NS}">{xml}</w:body>')


def test_a_deleted_row_goes_and_an_inserted_row_stays_unmarked() -> None:
    root = body(
        "<w:tbl><w:tr><w:trPr><w:del w:id='1' w:author='a' w:date='2027-01-01T00:00:00Z'/></w:trPr>"
        "<w:tc><w:p><w:del w:id='2' w:author='a'><w:r><w:delText>昨年の行</w:delText></w:r></w:del></w:p>"
        "</w:tc></w:tr>"
        "<w:tr><w:trPr><w:ins w:id='3' w:author='a'/></w:trPr><w:tc><w:p><w:ins w:id='4' w:author='a'>"
        "<w:r><w:t>今年の行</w:t></w:r></w:ins></w:p></w:tc></w:tr></w:tbl>"
    )
    assert accept_changes_in(root) == 4
    rows = root.findall(f".//{W}tr")
    assert len(rows) == 1 and texts(rows[0]) == "今年の行"
    assert rows[0].find(f"{W}trPr/{W}ins") is None


def test_a_deleted_paragraph_mark_joins_the_paragraph_to_the_next() -> None:
    root = body(
        "<w:p><w:pPr><w:rPr><w:del w:id='1' w:author='a'/></w:rPr></w:pPr><w:r><w:t>前半</w:t></w:r></w:p>"
        "<w:p><w:pPr><w:jc w:val='center'/></w:pPr><w:r><w:t>後半</w:t></w:r></w:p>"
    )
    accept_changes_in(root)
    [p] = root.findall(f"{W}p")
    assert texts(p) == "前半後半"


def test_a_cell_emptied_by_deletion_keeps_a_paragraph() -> None:
    root = body(
        "<w:tbl><w:tr><w:tc><w:tcPr/><w:p><w:pPr><w:rPr><w:del w:id='1' w:author='a'/></w:rPr></w:pPr>"
        "<w:del w:id='2' w:author='a'><w:r><w:delText>x</w:delText></w:r></w:del></w:p></w:tc></w:tr></w:tbl>"
    )
    accept_changes_in(root)
    tc = root.find(f".//{W}tc")
    assert tc is not None and tc.find(f"{W}p") is not None and texts(tc) == ""


# --------------------------------------------------------------------------- the local page


def test_the_page_refuses_a_commented_draft_and_drops_the_comments_when_asked(
    tmp_path: Path, commented: Path
) -> None:
    from starlette.testclient import TestClient

    from komae_docx.frontends.web import create_app

    app = create_app(tmp_path)
    with TestClient(app, base_url="http://127.0.0.1") as client:
        token = app.state.csrf_token
        docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        files = {"file": (commented.name, commented.read_bytes(), docx_type)}
        preview = client.post("/finalize", data={"csrf_token": token}, files=files).text
        assert 'name="drop_comments"' in preview and 'name="accept_changes"' in preview
        action = re.search(r'action="(/finalize/[^"]+)"', preview)
        assert action is not None
        form = {"csrf_token": token, "kind": "final", "number": "R7-15"}
        refused = client.post(action.group(1), data=form)
        assert refused.status_code == 409 and f"{REVIEWER} さんのコメント" in refused.text
        made = client.post(action.group(1), data={**form, "drop_comments": "1"})
        assert made.status_code == 200 and "仕上げた報告書ができました" in made.text
