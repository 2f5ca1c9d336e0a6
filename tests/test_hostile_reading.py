"""The reading side's lean parse (issue 13): same body as the full parse, never slower to refuse.

``open_package(..., for_reading=True)`` drops run properties and a few layout-only elements from
the main part's bytes before parsing, to halve the tree of a large report.  These tests hold it
to three promises: the reader sees exactly what it would have seen; a file the lean text cannot
express is parsed as it is; and hostile bytes cannot make the byte pass slow.
"""

from __future__ import annotations

import base64
import random
import time
import zipfile
from pathlib import Path

import pytest

from komae_docx.errors import InputFileError
from komae_docx.package import open_package
from komae_docx.reading.ooxml import Body, read_body
from komae_docx.reading.reader import read_report_result

from .conftest import EXAMPLE, corpus_files
from .docx_edit import W, paragraph_with_text, replace_parts, rewrite_part, w

MAIN = "word/document.xml"


def both_bodies(path: Path) -> tuple[Body, Body]:
    return read_body(open_package(path)), read_body(open_package(path, for_reading=True))


def main_part(path: Path) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(MAIN)


def lean_tree_size(path: Path) -> int:
    package = open_package(path, for_reading=True)
    return sum(1 for _ in package.xml(package.main_document_part).iter())


def full_tree_size(path: Path) -> int:
    package = open_package(path)
    return sum(1 for _ in package.xml(package.main_document_part).iter())


def test_example_body_is_the_same_and_the_tree_far_smaller() -> None:
    full, lean = both_bodies(EXAMPLE)
    assert lean == full
    assert [p.text for p in lean.paragraphs()] == [p.text for p in full.paragraphs()]
    assert lean.page_count == full.page_count > 30
    # the run properties and layout elements are more than a third of the example's elements
    assert lean_tree_size(EXAMPLE) < 0.65 * full_tree_size(EXAMPLE)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_other_tools_files_read_the_same(path: Path) -> None:
    try:
        full, lean = both_bodies(path)
    except InputFileError as refused:  # a file refused in full is refused the same way lean
        with pytest.raises(InputFileError) as lean_refusal:
            both_bodies(path)
        assert str(lean_refusal.value) == str(refused)
        return
    assert lean == full


def test_formatting_revisions_and_marks_read_the_same(tmp_path: Path) -> None:
    """A formatting change (w:rPrChange holds an rPr in an rPr), a paragraph mark's run properties,
    cell shading and widths: the text, pages and counts are unchanged."""

    def edit(root):  # type: ignore[no-untyped-def]
        paragraph = paragraph_with_text(root, "地域福祉計画")
        run = paragraph.find(f"{W}r")
        assert run is not None
        rpr = run.find(f"{W}rPr")
        if rpr is None:
            rpr = w("rPr")
            run.insert(0, rpr)
        change = w("rPrChange", id="901", author="職員")
        inner = w("rPr")
        inner.append(w("b"))
        change.append(inner)
        rpr.append(change)
        ppr = paragraph.find(f"{W}pPr")
        assert ppr is not None
        mark = w("rPr")
        mark.append(w("ins", id="902", author="職員"))
        ppr.append(mark)

    variant = rewrite_part(EXAMPLE, tmp_path / "revised.docx", MAIN, edit)
    full, lean = both_bodies(variant)
    assert lean == full
    assert lean.tracked_changes == full.tracked_changes


def test_markup_the_bytes_cannot_see_through_is_parsed_as_it_is(tmp_path: Path) -> None:
    """A comment that looks like the start of run properties: dropping from there would eat the
    comment's end, so the lean text no longer parses and the part is parsed in full."""
    data = main_part(EXAMPLE).replace(b"<w:rPr>", b"<w:rPr><!-- <w:rPr> -->", 1)
    variant = replace_parts(EXAMPLE, tmp_path / "comment.docx", {MAIN: data})
    full, lean = both_bodies(variant)
    assert lean == full
    assert read_report_result(variant).value.fiscal_year.text == "令和5年度"


def test_a_redeclared_prefix_is_parsed_as_it_is(tmp_path: Path) -> None:
    """``w`` bound to another namespace somewhere: the bytes cannot tell whose rPr it is."""
    data = main_part(EXAMPLE).replace(
        b"<w:body>", b'<w:body><x:note xmlns:x="urn:x" xmlns:w="urn:other"/>', 1
    )
    variant = replace_parts(EXAMPLE, tmp_path / "rebound.docx", {MAIN: data})
    assert lean_tree_size(variant) == full_tree_size(variant)
    full, lean = both_bodies(variant)
    assert lean == full


def test_hostile_bytes_do_not_make_the_byte_pass_slow(tmp_path: Path) -> None:
    """Unclosed run properties before a long text, and many of them: a backtracking pattern would
    take hours; the possessive one gives up in linear time and the file is refused as broken."""
    head = main_part(EXAMPLE).split(b"<w:body>", 1)[0] + b"<w:body><w:p><w:r>"
    text = base64.b64encode(random.Random(13).randbytes(1_500_000))  # incompressible: no zip-bomb refusal
    body = b"<w:rPr>" + text + b"<w:rPr>x" * 50_000 + b"<w:shd w:val='" + text
    variant = replace_parts(EXAMPLE, tmp_path / "hostile.docx", {MAIN: head + body})
    started = time.process_time()
    with pytest.raises(InputFileError, match="XML が壊れています"):
        read_report_result(variant)
    assert time.process_time() - started < 3  # CPU seconds: a loaded machine must not fail it
