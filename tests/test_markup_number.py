"""The 刊行物番号 as staff really leave it: typed with full-width characters, or in a text box.

A number typed 「R6－22」 in Word is the number R6-22, folded as ``--number`` folds it: the draft
makes 「R7-〇〇」 (not 「R7－〇〇」), and a draft where 「R7－15」 was typed is published as 「R7-15」.
A colophon laid out in a text box (DrawingML with its VML fallback, or VML alone) is found, rolled
and filled in every twin of the box.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.model import Report

from . import markup_variants as mv
from .conftest import EXAMPLE
from .docx_checks import audit_findings

NUMBER_LINE = "刊行物番号\u3000"
"""The colophon's line as the city writes it: 刊行物番号, an ideographic space, the number."""


@pytest.fixture(scope="module")
def last_year() -> Report:
    return api.read(EXAMPLE).value


def test_a_full_width_number_is_read_folded(tmp_path: Path) -> None:
    variant = mv.with_full_width_number(tmp_path)
    assert NUMBER_LINE + "R6－22" in mv.document_text(variant)
    result = api.read(variant)
    assert result.value.publication.number == "R6-22"
    assert result.messages == []


def test_the_draft_of_a_full_width_number_makes_the_half_width_form(tmp_path: Path) -> None:
    variant = mv.with_full_width_number(tmp_path)
    draft = api.draft(variant, tmp_path / "draft.docx").value.path
    text = mv.document_text(draft)
    assert NUMBER_LINE + "R7-〇〇" in text
    assert "R7－" not in text and "R6" not in text.split(NUMBER_LINE)[-1]
    assert api.read(draft).value.publication.number == "R7-〇〇"


@pytest.mark.parametrize("typed_number", ["R7－15", "Ｒ７－１５", "R7ー15"])
def test_a_number_typed_full_width_is_published_folded(
    typed_number: str, tmp_path: Path, last_year: Report
) -> None:
    draft = api.draft(EXAMPLE, tmp_path / "draft.docx").value.path
    typed = mv.type_number(draft, tmp_path / "typed.docx", typed_number)
    assert NUMBER_LINE + typed_number in mv.document_text(typed)
    assert api.read(typed).value.publication.number == "R7-15"
    published = mv.fill_and_finalize(typed, tmp_path, last_year, number=None)
    text = mv.document_text(published)
    assert NUMBER_LINE + "R7-15" in text and typed_number not in text
    assert api.read(published).value.publication.number == "R7-15"
    next_draft = api.draft(published, tmp_path / "next.docx").value.path
    next_text = mv.document_text(next_draft)
    assert NUMBER_LINE + "R8-〇〇" in next_text and "R8－" not in next_text
    assert audit_findings(published) == []


BOXES: dict[str, Callable[[Path], Path]] = {
    "drawingml": mv.with_number_in_text_box,
    "vml": mv.with_number_in_vml_text_box,
}
TWINS = {"drawingml": 2, "vml": 1}
"""Times a box's text is in the file: a DrawingML box carries its VML fallback."""


@pytest.mark.parametrize("kind", sorted(BOXES))
def test_a_number_in_a_text_box_is_found_rolled_and_published(
    kind: str, tmp_path: Path, last_year: Report
) -> None:
    variant = BOXES[kind](tmp_path)
    assert mv.document_text(variant).count(NUMBER_LINE + "R6-22") == TWINS[kind]
    result = api.read(variant)
    assert result.value.publication.number == "R6-22"
    assert result.messages == []
    draft = api.draft(variant, tmp_path / "draft.docx").value.path
    assert mv.document_text(draft).count(NUMBER_LINE + "R7-〇〇") == TWINS[kind]
    assert api.read(draft).value.publication.number == "R7-〇〇"
    published = mv.fill_and_finalize(draft, tmp_path, last_year)
    text = mv.document_text(published)
    assert text.count(NUMBER_LINE + "R7-15") == TWINS[kind] and "〇〇" not in text
    assert api.read(published).value.publication.number == "R7-15"
    for made in (variant, draft, published):
        assert audit_findings(made) == [], made.name
