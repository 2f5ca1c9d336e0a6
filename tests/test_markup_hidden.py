"""Hidden text (``w:vanish``, ``w:specVanish``, a hidden character style) is never printed text.

The variant (tests/markup_variants.py) carries a highlighted hidden staff memo after the first Do
text, a hidden 「（仮）」 before the first measure's grade, a ``w:specVanish`` run in the second Do cell
and a run in a hidden character style in the third.  None of it is read, drafted or published as
text, and none of it stops the report from being read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.model import Report
from komae_docx.package import open_package
from komae_docx.reading.ooxml import read_body

from . import markup_variants as mv
from .conftest import EXAMPLE
from .docx_checks import audit_findings

HIDDEN = (mv.HIDDEN_MEMO, mv.HIDDEN_BEFORE_GRADE, mv.SPEC_VANISH_TEXT, mv.STYLED_MEMO)
FIRST_DO = (
    "狛江市第1次重層的支援体制整備事業実施計画を策定し、重層的支援体制整備事業を実施した。"
    "(詳細はP.21からP.30までを参照)"
)
"""The first Do text of the example as printed (its sheet 1-(1)-①)."""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("hidden")


@pytest.fixture(scope="module")
def hidden(folder: Path) -> Path:
    return mv.with_hidden_text(folder)


@pytest.fixture(scope="module")
def last_year() -> Report:
    return api.read(EXAMPLE).value


def _dos(report: Report) -> list[list[str]]:
    return [e.do for m in report.plans[0].iter_measures() for p in m.projects for e in p.entries]


def test_the_variant_holds_the_hidden_text(hidden: Path) -> None:
    held = mv.document_text(hidden)
    assert all(text in held for text in HIDDEN)


def test_hidden_text_is_not_read_and_does_not_block_reading(hidden: Path, last_year: Report) -> None:
    result = api.read(hidden)
    report = result.value
    assert [m.code for m in result.messages] == ["reader.hidden_text"]
    assert [m.severity for m in result.messages] == ["info"]
    assert "4 箇所" in result.messages[0].text
    assert _dos(report)[0][0] == FIRST_DO
    assert _dos(report)[:3] == _dos(last_year)[:3]
    first = next(report.plans[0].iter_measures())
    assert first.grade == "A"  # the printed cell says 「A」; the hidden 「（仮）」 before it is not printed
    dumped = report.model_dump_json()
    assert not [text for text in HIDDEN if text in dumped]


def test_the_lean_parse_keeps_what_hides_a_run(hidden: Path) -> None:
    lean = read_body(open_package(hidden, for_reading=True))
    full = read_body(open_package(hidden))
    assert lean.hidden_runs == full.hidden_runs == 4


@pytest.mark.parametrize("carry", [False, True], ids=["comments", "carry_text"])
def test_hidden_text_is_not_carried_into_the_draft(hidden: Path, folder: Path, carry: bool) -> None:
    target = folder / f"draft_{carry}.docx"
    draft = api.draft(hidden, target, carry_text=carry).value.path
    for part in ("word/document.xml", "word/comments.xml"):
        text = mv.document_text(draft, part)
        assert not [memo for memo in HIDDEN if memo in text], part
    assert FIRST_DO in mv.document_text(draft, "word/comments.xml" if not carry else "word/document.xml")


def test_the_published_report_prints_no_hidden_text(hidden: Path, folder: Path, last_year: Report) -> None:
    draft = api.draft(hidden, folder / "draft.docx").value.path
    published = mv.fill_and_finalize(draft, folder, last_year)
    result = api.read(published)
    assert [m for m in result.messages if m.severity != "info"] == []
    assert not [memo for memo in HIDDEN if memo in mv.document_text(published)]
    assert _dos(result.value)[0][0] == FIRST_DO
    assert next(result.value.plans[0].iter_measures()).grade == "A"
    for made in (hidden, draft, published):
        assert audit_findings(made) == [], made.name


def test_the_cli_parses_the_hidden_variant_with_a_note(hidden: Path) -> None:
    from .test_cli import run

    done = run("parse", hidden)
    assert done.returncode == 0, done.stderr
    assert "隠し文字" in done.stdout + done.stderr
    assert mv.HIDDEN_MEMO not in done.stdout
