"""Imported chunks (``w:altChunk``) in an entry cell are read as Word shows them, or refused by place.

The variant (tests/markup_variants.py) has the first Do text of 1－(1) as an XHTML chunk
(afchunk1.htm, ``application/xhtml+xml``) and the first Do text of 1－(2)－① as a plain-text chunk
(afchunk2.txt, ``text/plain``), each anchored by ``w:altChunk`` through an ``aFChunk`` relationship.
An RTF chunk, which the tool cannot read, is refused naming its sheet, row and column; neither is
ever reported as an empty Do cell.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.errors import SheetFormatError
from komae_docx.model import Report

from . import markup_variants as mv
from .conftest import EXAMPLE
from .docx_checks import audit_findings

FIRST_DO = [
    "狛江市第1次重層的支援体制整備事業実施計画を策定し、重層的支援体制整備事業を実施した。(詳細はP.21からP.30までを参照)",
    "重層的支援体制整備事業実施に向け、相談支援包括化推進員を中心に支援関係機関と調整を行い支援会議を試行実施した。"
    "(詳細はP.22を参照)",
]
"""1－(1)'s Do texts in the example (two paragraphs), here in the XHTML chunk."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("altchunk")


@pytest.fixture(scope="module")
def chunked(folder: Path) -> Path:
    return mv.with_alt_chunks(folder)


@pytest.fixture(scope="module")
def last_year() -> Report:
    return api.read(EXAMPLE).value


def _dos(report: Report) -> list[list[str]]:
    return [e.do for m in report.plans[0].iter_measures() for p in m.projects for e in p.entries]


def test_the_variant_anchors_two_chunks_in_do_cells(chunked: Path) -> None:
    with zipfile.ZipFile(chunked) as archive:
        document = archive.read("word/document.xml").decode()
        rels = archive.read("word/_rels/document.xml.rels").decode()
        types = archive.read("[Content_Types].xml").decode()
    assert document.count("<w:altChunk ") == 2
    assert rels.count("relationships/aFChunk") == 2
    assert "application/xhtml+xml" in types and "text/plain" in types


def test_html_and_text_chunks_are_read_as_the_do_text(chunked: Path, last_year: Report) -> None:
    result = api.read(chunked)
    assert result.messages == []
    assert _dos(result.value)[0] == FIRST_DO
    assert _dos(result.value)[:3] == _dos(last_year)[:3]


def test_a_chunked_do_cell_is_not_reported_empty(chunked: Path) -> None:
    findings = api.check(chunked).value
    assert not [f for f in findings if f.code == "cell.empty" and f.location.row in (5,)]
    assert not [f for f in findings if "Do(実行)欄が空です" in f.text]


def test_a_chunk_the_tool_cannot_read_is_refused_with_its_place(folder: Path) -> None:
    variant = mv.with_alt_chunks(folder, unreadable=True)
    with pytest.raises(SheetFormatError) as refused:
        api.read(variant)
    text = str(refused.value)
    assert "RTF 形式" in text and "w:altChunk" in text
    assert "第1章" in text and "シート3" in text and "Do欄" in text


def test_a_chunked_report_goes_the_whole_way(chunked: Path, folder: Path, last_year: Report) -> None:
    draft = api.draft(chunked, folder / "draft.docx").value.path
    with zipfile.ZipFile(draft) as archive:
        names = archive.namelist()
        document = archive.read("word/document.xml").decode()
    assert "altChunk" not in document and not [n for n in names if "afchunk" in n]  # cleared with its cell
    assert FIRST_DO[0] in mv.document_text(draft, "word/comments.xml")  # last year's text, for reference
    published = mv.fill_and_finalize(draft, folder, last_year)
    result = api.read(published)
    assert result.messages == []
    assert _dos(result.value)[0] == FIRST_DO
    for made in (chunked, draft, published):
        assert audit_findings(made) == [], made.name
