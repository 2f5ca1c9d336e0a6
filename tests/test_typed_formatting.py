"""Text typed into the draft's entry cells comes out in the city's formatting (issue 24, item 6).

The draft empties each Do and Act cell to one paragraph whose mark carries the city's run
properties and one empty run in them.  Here LibreOffice types into the Do and Act cells of
project 1-(1)-① a (第1章 1 地域福祉計画, sheet 1) as a person does (the harness types at the end of
the cell, after the anchor of the comment holding last year's text) and saves .docx; the typed runs'
effective size, East Asian font and kerning must be those of last year's text in the same cells of
examples/r5_report.docx.

Expected values, read by hand from the example's XML: the Do and Act runs of that row say
``<w:rFonts w:hint="eastAsia"/><w:sz w:val="18"/><w:szCs w:val="18"/>`` (9 pt), and take their font
and kerning from the document defaults (styles.xml ``w:rPrDefault``: East Asian font ＭＳ 明朝,
``w:kern w:val="2"``); the defaults' own size is 21 half-points (10.5 pt), which typed text got
before.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from lxml import etree

from komae_docx import api

from .conftest import EXAMPLE
from .lo_editor import Office, type_in_cell

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PLAN_1_1_1 = "重層的支援体制整備事業の実施に向けて、分野を超えて"
"""The Plan cell of project 1-(1)-① a; Tab 4 cells to its Do cell, 6 to its Act cell."""
TYPED_DO = "支援会議を毎月開いた。"
TYPED_ACT = "関係機関との連携を続ける。"

CITY_SIZE = "18"
"""Half points of last year's Do and Act text in that row (9 pt)."""
CITY_EAST_ASIAN_FONT = "ＭＳ 明朝"
CITY_KERNING = "2"
DEFAULT_SIZE = "21"
"""The document defaults' size (10.5 pt): what typed text wrongly came out in."""


def effective(run: etree._Element, styles: etree._Element, name: str, attribute: str = "val") -> str | None:
    """A run property as shown: the run's own, else its paragraph style's (and what that style is
    based on), else the document defaults."""
    own = run.find(f"{W}rPr/{W}{name}")
    if own is not None and own.get(f"{W}{attribute}") is not None:
        return own.get(f"{W}{attribute}")
    p = next(run.iterancestors(f"{W}p"))
    style_id = p.find(f"{W}pPr/{W}pStyle")
    by_id = {s.get(f"{W}styleId"): s for s in styles.iter(f"{W}style")}
    style = (
        by_id.get(style_id.get(f"{W}val"))
        if style_id is not None
        else next(
            (
                s
                for s in styles.iter(f"{W}style")
                if s.get(f"{W}type") == "paragraph" and s.get(f"{W}default") == "1"
            ),
            None,
        )
    )
    while style is not None:
        found = style.find(f"{W}rPr/{W}{name}")
        if found is not None and found.get(f"{W}{attribute}") is not None:
            return found.get(f"{W}{attribute}")
        based = style.find(f"{W}basedOn")
        style = by_id.get(based.get(f"{W}val")) if based is not None else None
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}{name}")
    return default.get(f"{W}{attribute}") if default is not None else None


def runs_holding(document: etree._Element, text: str) -> list[etree._Element]:
    return [r for r in document.iter(f"{W}r") if text in "".join(t.text or "" for t in r.iter(f"{W}t"))]


def parts(path: Path) -> tuple[etree._Element, etree._Element]:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml")), etree.fromstring(
            archive.read("word/styles.xml")
        )


def test_the_example_says_what_the_test_expects() -> None:
    """The literals above are the example's: last year's Do text of that row is 9 pt."""
    document, styles = parts(EXAMPLE)
    (run,) = runs_holding(document, "狛江市第1次重層的支援体制整備事業実施計画を策定し")
    assert effective(run, styles, "sz") == CITY_SIZE
    assert effective(run, styles, "rFonts", "eastAsia") == CITY_EAST_ASIAN_FONT
    assert effective(run, styles, "kern") == CITY_KERNING
    assert styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}sz").get(f"{W}val") == DEFAULT_SIZE  # type: ignore[union-attr]


def test_an_emptied_entry_cell_is_one_paragraph_and_one_run_in_the_citys_formatting(tmp_path: Path) -> None:
    draft = api.draft(EXAMPLE, tmp_path / "r6_draft.docx").value.path
    document, styles = parts(draft)
    report = api.read(draft).value
    sheet = report.plans[0].sheets[0]
    assert sheet.anchor is not None
    table = [el for el in document.find(f"{W}body") if el.tag == f"{W}tbl"][sheet.anchor.table]  # type: ignore[union-attr]
    from komae_docx.wordml import cell_at, table_rows

    row = table_rows(table)[5]  # project 1-(1)-① a
    for column in ("do", "act"):
        cell = cell_at(row, sheet.anchor.columns[column])
        assert cell is not None
        paragraphs = cell.tc.findall(f"{W}p")
        assert len(paragraphs) == 1
        mark = paragraphs[0].find(f"{W}pPr/{W}rPr/{W}sz")
        assert mark is not None and mark.get(f"{W}val") == CITY_SIZE
        text_runs = [r for r in paragraphs[0].findall(f"{W}r") if r.find(f"{W}t") is not None]
        assert len(text_runs) == 1 and not (text_runs[0].findtext(f"{W}t") or "")
        assert effective(text_runs[0], styles, "sz") == CITY_SIZE
        assert text_runs[0].find(f"{W}rPr/{W}highlight") is None


def test_text_typed_in_libreoffice_takes_the_citys_size_and_font(lo_office: Office, tmp_path: Path) -> None:
    draft = api.draft(EXAMPLE, tmp_path / "r6_draft.docx").value.path
    typed = tmp_path / "typed.docx"
    done = lo_office.edit(
        draft,
        typed,
        [
            type_in_cell(PLAN_1_1_1, TYPED_DO, cells=4),
            type_in_cell(PLAN_1_1_1, TYPED_ACT, cells=6),
        ],
    )
    assert [step["cell"] for step in done] == ["G6", "I6"]
    document, styles = parts(typed)
    for text in (TYPED_DO, TYPED_ACT):
        runs = runs_holding(document, text)
        assert runs, text
        for run in runs:
            assert effective(run, styles, "sz") == CITY_SIZE, text
            assert effective(run, styles, "rFonts", "eastAsia") == CITY_EAST_ASIAN_FONT, text
            assert effective(run, styles, "kern") == CITY_KERNING, text
    project = next(p for _, _, p in api.read(typed).value.iter_projects() if p.id == "p1-1-1-1-a")
    assert project.entries[0].do == [TYPED_DO]
    assert project.entries[0].act == [TYPED_ACT]
