"""Finding the prose page references finalize keeps in step with the layout (writing/pagination.py)."""

from __future__ import annotations

from lxml import etree

from komae_docx.package import open_package
from komae_docx.writing.pagination import _prose_refs

from .conftest import EXAMPLE

NS = {"w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"}
W = f"{{{NS['w']}}}"
REFERENCE = "（詳細はP.5を参照）"


def example_body_with_references() -> etree._Element:
    """The example's body with 「（詳細はP.5を参照）」 typed at the end of every body paragraph and
    of every table cell's paragraph (staff adding cross-references in Word)."""
    package = open_package(EXAMPLE)
    body = package.xml(package.main_document_part).find(f"{W}body")
    assert body is not None
    for p in body.iter(f"{W}p"):
        run = etree.SubElement(p, f"{W}r")
        etree.SubElement(run, f"{W}t").text = REFERENCE
    return body


def test_prose_references_are_all_found_outside_the_excluded_tables_and_none_inside() -> None:
    """Regression: the excluded paragraphs were remembered by ``id()`` of lxml proxies freed at
    once, so the body's own paragraphs (new proxies at the same addresses) were skipped too."""
    body = example_body_with_references()
    tree = body.getroottree()
    tables = list(body.iter(f"{W}tbl"))
    # Paths, not elements: holding the paragraphs here would keep the proxies alive and hide the bug.
    outside = [tree.getpath(p) for p in body.iter(f"{W}p") if p.xpath("not(ancestor::w:tbl)", namespaces=NS)]
    in_tables = sum(1 for table in tables for _ in table.iter(f"{W}p"))
    assert len(outside) > 100 and in_tables > 100

    refs = _prose_refs(body, {5: "_kx_h5"}, tables)

    assert [tree.getpath(ref.p) for ref in refs] == outside
    assert all(ref.targets == ["_kx_h5"] for ref in refs)
