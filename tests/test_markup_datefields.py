"""Date fields on the cover and the colophon: the draft rolls their text, finalize writes plain text.

The variant (tests/markup_variants.py) has, under the cover's 「令和5年度報告書」, a DATE field
(``DATE \\@ "ggge年M月"``, a complex field showing 「令和6年9月」) and, in the colophon's
「令和6年9月発行」, the month as a simple SAVEDATE field.  The draft shows 令和7年9月 in both; the
published report has the publication month as plain text and no date field, so it never prints the
day it is opened.  A field whose picture needs a day is refused by finalize with its place.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.errors import KomaeDocxError
from komae_docx.model import Report

from . import markup_variants as mv
from .conftest import EXAMPLE
from .docx_checks import audit_findings

DATE_CODES = re.compile(r"\b(?:DATE|SAVEDATE|PRINTDATE|CREATEDATE)\b")


@pytest.fixture(scope="module")
def last_year() -> Report:
    return api.read(EXAMPLE).value


def _document(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return archive.read("word/document.xml").decode("utf-8")


def _cover_line(path: Path) -> str:
    """The line under the cover's report title (where the variant put its DATE field)."""
    return api.read(path).value.cover.title_lines[-1]


def test_the_variant_has_live_date_fields(tmp_path: Path) -> None:
    variant = mv.with_date_fields(tmp_path)
    document = _document(variant)
    assert "<w:fldSimple" in document and "SAVEDATE" in document and 'w:fldCharType="begin"' in document
    result = api.read(variant)
    assert result.messages == []
    assert _cover_line(variant) == "令和6年9月"
    assert result.value.publication.month.text == "令和6年9月"


def test_the_draft_rolls_the_fields_cached_text(tmp_path: Path) -> None:
    variant = mv.with_date_fields(tmp_path)
    draft = api.draft(variant, tmp_path / "draft.docx").value.path
    assert _cover_line(draft) == "令和7年9月"
    assert api.read(draft).value.publication.month.text == "令和7年9月"
    assert "令和6年9月" not in mv.document_text(draft)


def test_the_published_report_prints_the_publication_month_as_text(
    tmp_path: Path, last_year: Report
) -> None:
    variant = mv.with_date_fields(tmp_path)
    draft = api.draft(variant, tmp_path / "draft.docx").value.path
    published = mv.fill_and_finalize(draft, tmp_path, last_year)
    document = _document(published)
    assert not DATE_CODES.search(document)  # no live date left: plain text only
    assert _cover_line(published) == "令和7年9月"
    result = api.read(published)
    assert result.messages == []
    assert result.value.publication.month.text == "令和7年9月"
    assert "令和7年9月発行" in mv.document_text(published)
    for made in (variant, draft, published):
        assert audit_findings(made) == [], made.name


def test_a_date_field_showing_the_day_is_refused_with_its_place(tmp_path: Path, last_year: Report) -> None:
    variant = mv.with_date_fields(tmp_path, cover_code=' PRINTDATE  \\@ "ggge年M月d日" ')
    draft = api.draft(variant, tmp_path / "draft.docx").value.path
    assert _cover_line(draft) == "令和7年9月"  # the cached text rolled by its years
    with pytest.raises(KomaeDocxError) as refused:
        mv.fill_and_finalize(draft, tmp_path, last_year)
    text = str(refused.value)
    assert "表紙「令和7年9月」" in text and "PRINTDATE" in text
    assert not (tmp_path / "published.docx").exists()


def test_the_cli_refuses_a_day_field_with_exit_2_and_writes_nothing(
    tmp_path: Path, last_year: Report
) -> None:
    from .filler import fill_draft, last_years_fill
    from .test_cli import run

    variant = mv.with_date_fields(tmp_path, cover_code=' DATE  \\@ "ggge年M月d日" ')
    draft = api.draft(variant, tmp_path / "draft.docx").value.path
    filled = fill_draft(draft, tmp_path / "filled.docx", last_years_fill(last_year, api.read(draft).value))
    before = sorted(p.name for p in tmp_path.iterdir())
    done = run("finalize", filled, "-o", tmp_path / "out.docx", "--number", "R7-15", "--pages", "fields")
    assert done.returncode == 2, done.stderr
    assert "表紙「令和7年9月」" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == before
