"""Variants of the example with the markup staff files really carry (issue 24, the second wave).

Each builder copies ``examples/r5_report.docx`` and adds one construct the way Word (or LibreOffice)
writes it, per ECMA-376 Part 1 and Word's own output: hidden text (``w:vanish``, ``w:specVanish``,
a character style with ``w:vanish``), date fields (``w:fldSimple`` and ``w:fldChar``/``w:instrText``),
a result typed after its content control was deleted, imported chunks (``w:altChunk`` with an
``aFChunk`` relationship to an .htm / .txt part), the 刊行物番号 inside a text box (DrawingML with
its VML fallback, and VML alone), and a number typed with full-width characters.  Places are found
by the reader's anchors of the original or by the city's own text, never by a guessed index.
"""

from __future__ import annotations

import copy
from pathlib import Path

from lxml import etree

from komae_docx.model import Report
from komae_docx.wordml import RPR_RANK, put_in_schema_order

from .conftest import EXAMPLE
from .docx_edit import rewrite_part
from .word365 import (
    DOCUMENT,
    W,
    do_cell,
    example,
    first_text_run,
    rows_of,
    run,
    tc_at,
    text_of,
    top_tables,
    w,
)

# --------------------------------------------------------------------------- hidden text

HIDDEN_MEMO = "※内部メモ：件数は担当課に確認中のため公表しない"
"""A staff memo typed in a Do cell and hidden (Home → Font → Hidden, Ctrl+Shift+H), highlighted."""
HIDDEN_BEFORE_GRADE = "（仮）"
"""A hidden run before a measure's grade: the printed cell still says only the grade."""
SPEC_VANISH_TEXT = "【要確認】"
STYLED_MEMO = "前年度担当：山田"
HIDDEN_STYLE_ID = "HiddenMemo"


def _hidden_rpr(base: etree._Element | None, *marks: str) -> etree._Element:
    """``base`` run properties (the city's font and size) with ``marks`` put in schema order."""
    rpr = copy.deepcopy(base) if base is not None else w("rPr")
    for mark in marks:
        if mark == "highlight":
            put_in_schema_order(rpr, w("highlight", val="yellow"), RPR_RANK)
        elif mark == "rStyle":
            put_in_schema_order(rpr, w("rStyle", val=HIDDEN_STYLE_ID), RPR_RANK)
        else:
            put_in_schema_order(rpr, w(mark), RPR_RANK)
    return rpr


def grade_cell(body: etree._Element, report: Report, which: int = 0) -> etree._Element:
    """The grade (Check) cell of the ``which``-th measure row of 地域福祉計画 (the reader's anchors)."""
    plan = report.plans[0]
    rows = [(sheet, m) for sheet in plan.sheets for m in sheet.measures]
    sheet, measure = rows[which]
    assert sheet.anchor is not None
    tr = rows_of(top_tables(body)[sheet.anchor.table])[measure.row]
    return tc_at(tr, sheet.anchor.columns["check"])


def with_hidden_text(out: Path) -> Path:
    """Hidden text as Word writes it: a highlighted hidden memo after the first Do text, a hidden
    「（仮）」 before the first measure's grade, a ``w:specVanish`` run in the second Do cell and a
    run in a hidden character style (``w:vanish`` in styles.xml) in the third."""
    report = example()

    def styles(root: etree._Element) -> None:
        style = w("style", type="character", customStyle="1", styleId=HIDDEN_STYLE_ID)
        style.append(w("name", val="非表示メモ"))
        style.append(w("uiPriority", val="1"))
        style.append(w("qFormat"))
        rpr = etree.SubElement(style, f"{W}rPr")
        rpr.append(w("vanish"))
        root.append(style)

    step = rewrite_part(EXAMPLE, out / "hidden_styles.docx", "word/styles.xml", styles)

    def edit(root: etree._Element) -> None:
        body = root.find(f"{W}body")
        assert body is not None
        first = first_text_run(do_cell(body, report, 0))
        base = first.find(f"{W}rPr")
        first.addnext(run(HIDDEN_MEMO, _hidden_rpr(base, "vanish", "highlight")))
        grade_run = first_text_run(grade_cell(body, report, 0))
        grade_run.addprevious(run(HIDDEN_BEFORE_GRADE, _hidden_rpr(grade_run.find(f"{W}rPr"), "vanish")))
        second = first_text_run(do_cell(body, report, 1))
        second.addprevious(run(SPEC_VANISH_TEXT, _hidden_rpr(second.find(f"{W}rPr"), "specVanish")))
        third = first_text_run(do_cell(body, report, 2))
        third.addnext(run(STYLED_MEMO, _hidden_rpr(third.find(f"{W}rPr"), "rStyle")))

    return rewrite_part(step, out / "hidden.docx", DOCUMENT, edit)


# --------------------------------------------------------------------------- the whole way


def document_text(path: Path, part: str = DOCUMENT) -> str:
    """Every ``w:t`` of a part (hidden or not): what the file holds, not only what it prints."""
    import zipfile

    with zipfile.ZipFile(path) as archive:
        if part not in archive.namelist():
            return ""
        return text_of(etree.fromstring(archive.read(part)))


def fill_and_finalize(draft: Path, folder: Path, last_year: Report, *, number: str | None = "R7-15") -> Path:
    """The draft filled with last year's texts and results as a department does in Word
    (tests/filler.py), then finalized; the published report's path."""
    from komae_docx import api

    from .filler import fill_draft, last_years_fill

    fill = last_years_fill(last_year, api.read(draft).value)
    filled = fill_draft(draft, folder / "filled.docx", fill)
    target = folder / "published.docx"
    result = api.finalize(filled, target, number=number, pages="fields", drop_comments=True)
    assert result.value.path is not None, [m.describe() for m in result.messages]
    return result.value.path
