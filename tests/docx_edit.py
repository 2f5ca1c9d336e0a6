"""Make edited copies of real .docx files for tests: the test states the edit, on real XML.

Also the tests' one walk over a body's tables (:func:`top_tables`, :func:`rows_of`, :func:`cell_at`),
written here independently of ``komae_docx.wordml`` so that a defect there cannot hide in the tests.
The reader's anchors count the same way: a sheet's ``anchor.table`` is the ordinal among the body's
top-level tables, ``Entry.row`` the ordinal among its own rows, and a column a grid column.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NSMAP = {"w": W_NS}


def rewrite_part(src: Path, dst: Path, part: str, edit: Callable[[etree._Element], None]) -> Path:
    """Copy ``src`` to ``dst`` with ``part`` parsed, edited in place by ``edit``, and written back."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return dst


def replace_parts(src: Path, dst: Path, parts: dict[str, bytes | None]) -> Path:
    """Copy ``src`` with whole parts replaced (bytes), added, or removed (None)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in parts:
                continue
            zout.writestr(item, zin.read(item.filename))
        for name, data in parts.items():
            if data is not None:
                zout.writestr(name, data)
    return dst


def top_tables(body: etree._Element) -> list[etree._Element]:
    """The body's tables that are not inside another table (a content control around one is seen
    through), in document order."""
    return [t for t in body.iter(f"{W}tbl") if not any(a.tag == f"{W}tbl" for a in t.iterancestors())]


def rows_of(tbl: etree._Element) -> list[etree._Element]:
    """The table's own rows (a row-level content control seen through; a nested table's rows not)."""
    return [tr for tr in tbl.iter(f"{W}tr") if next(tr.iterancestors(f"{W}tbl")) is tbl]


def cell_at(tr: etree._Element, col: int) -> etree._Element:
    """The ``w:tc`` of row ``tr`` covering grid column ``col`` (gridBefore and gridSpan counted; a
    cell-level content control seen through)."""
    before = tr.find(f"{W}trPr/{W}gridBefore")
    at = int(before.get(f"{W}val") or 0) if before is not None else 0
    for tc in tr.iter(f"{W}tc"):
        if next(tc.iterancestors(f"{W}tr")) is not tr:
            continue
        span_el = tc.find(f"{W}tcPr/{W}gridSpan")
        span = int(span_el.get(f"{W}val") or 1) if span_el is not None else 1
        if at <= col < at + span:
            return tc
        at += span
    raise AssertionError(f"no cell at grid column {col}")


def paragraph_with_text(root: etree._Element, text: str) -> etree._Element:
    """The first paragraph whose text contains ``text``."""
    for p in root.iter(f"{W}p"):
        if text in "".join(p.itertext()):
            return p
    raise AssertionError(f"no paragraph with {text!r}")


def w(tag: str, **attrs: str) -> etree._Element:
    el = etree.Element(f"{W}{tag}")
    for key, value in attrs.items():
        el.set(f"{W}{key}", value)
    return el
