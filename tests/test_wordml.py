"""The WordprocessingML floor on the example's own XML: text across runs, symbols, tracked changes."""

from __future__ import annotations

import copy
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import wordml
from komae_docx.wordml import W, w

from .conftest import EXAMPLE


@pytest.fixture(scope="module")
def body() -> etree._Element:
    with zipfile.ZipFile(EXAMPLE) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    found = root.find(w("body"))
    assert found is not None
    return found


def el(tag: str) -> etree._Element:
    return etree.Element(w(tag))


def colophon(body: etree._Element) -> etree._Element:
    """A copy of the 刊行物番号 paragraph: 「刊行物番号　」「R6」「-22」 in three runs."""
    p = next(p for p in body.iter(w("p")) if wordml.visible_text(p).startswith("刊行物番号"))
    return copy.deepcopy(p)


def runs_text(p: etree._Element) -> list[str]:
    return ["".join(t.text or "" for t in r.iter(w("t"))) for r in p.iter(w("r"))]


def test_the_number_is_replaced_across_its_three_runs(body: etree._Element) -> None:
    p = colophon(body)
    assert runs_text(p) == ["刊行物番号　", "R6", "-22"]
    assert wordml.replace_text(p, re.compile(r"R6-22"), "R7-〇〇") == 1
    assert wordml.visible_text(p) == "刊行物番号　R7-〇〇"
    assert runs_text(p) == ["刊行物番号　", "R7-〇〇", ""]  # in the run where the number starts


def test_a_no_break_hyphen_reads_as_a_hyphen_and_is_replaced(body: etree._Element) -> None:
    p = colophon(body)
    t = next(t for t in p.iter(w("t")) if t.text == "-22")
    t.addprevious(el("noBreakHyphen"))
    t.text = "22"
    assert wordml.visible_text(p) == "刊行物番号　R6-22"
    wordml.replace_text(p, re.compile(r"R6-22"), "R7-15")
    assert wordml.visible_text(p) == "刊行物番号　R7-15"
    assert not list(p.iter(el("noBreakHyphen")))


def test_a_match_starting_at_a_no_break_hyphen_takes_its_runs_place(body: etree._Element) -> None:
    p = colophon(body)
    t = next(t for t in p.iter(w("t")) if t.text == "-22")
    hyphen = el("noBreakHyphen")
    t.addprevious(hyphen)
    t.text = "22"
    wordml.replace_text(p, re.compile(r"-22"), "－23")
    assert wordml.visible_text(p) == "刊行物番号　R6－23"
    run = next(r for r in p.iter(w("r")) if "－23" in "".join(t.text or "" for t in r.iter(w("t"))))
    assert run.find(w("rPr")) is not None  # the hyphen's own run, with its formatting


@pytest.mark.parametrize(
    ("font", "char", "text"),
    [
        ("Wingdings", "F0FC", "\u2714"),
        ("Wingdings", "00A1", "\u25cb"),
        ("Symbol", "F0B7", "•"),
        ("Symbol", "F061", "α"),
    ],
)
def test_symbols_read_as_unicode(font: str, char: str, text: str) -> None:
    sym = el("sym")
    sym.set(w("font"), font)
    sym.set(w("char"), char)
    assert wordml.symbol_text(sym) == text


def test_an_unknown_symbol_is_none_and_named() -> None:
    sym = el("sym")
    sym.set(w("font"), "Webdings")
    sym.set(w("char"), "F021")
    assert wordml.symbol_text(sym) is None
    assert wordml.describe_symbol(sym) == "Webdings の記号 F021"


def test_accepting_revisions_keeps_insertions_and_drops_deletions(body: etree._Element) -> None:
    p = colophon(body)
    runs = list(p.iter(w("r")))
    inserted = el("ins")
    runs[1].addprevious(inserted)
    inserted.append(runs[1])
    deleted = el("del")
    runs[2].addprevious(deleted)
    deleted.append(runs[2])
    assert wordml.visible_text(p) == "刊行物番号　R6"
    assert wordml.accept_revisions(p) == 2
    assert wordml.visible_text(p) == "刊行物番号　R6"
    assert not list(p.iter(f"{W}ins", f"{W}del"))


def _modules_holding(pattern: str) -> list[str]:
    package = Path(wordml.__file__).parent
    found = re.compile(pattern)
    return sorted(
        str(path.relative_to(package))
        for path in package.rglob("*.py")
        if found.search(path.read_text("utf-8"))
    )


def test_the_wordprocessingml_namespace_is_defined_on_the_floor_only() -> None:
    assert _modules_holding(re.escape("http://schemas.openxmlformats.org/wordprocessingml/2006/main")) == [
        "wordml.py"
    ]


def test_one_module_writes_zip_packages() -> None:
    assert _modules_holding(r"ZipFile\([^)]*[\"']w[\"']") == ["package.py"]
