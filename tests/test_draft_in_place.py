"""The in-place draft and the draft through make-template's template are the same document.

The default draft edits the city's tree at the reader's anchors and serializes it once; a template
people write or edit goes through docxtpl.  Both are drafted here from the example and from every
Word 365 variant (tests/word365.py), and their unpacked parts compared.

Normalised, because the engines legitimately write them differently (nothing else is):

* XML is compared canonicalised (exclusive C14N, blank text between elements dropped): python-docx
  re-serializes every part it loads, with its own namespace declarations and without the city's
  line breaks between elements;
* ``xml:space="preserve"`` on a ``w:t`` whose text has no leading or trailing space (docxtpl adds it
  to text before each tag; it changes nothing);
* empty ``dc:identifier`` / ``dc:language`` in the core properties (python-docx writes them when
  docxtpl renders the properties);
* ``[Content_Types].xml`` as the content type of each part present (python-docx rewrites the list
  in its own order, with ``Override`` where the city's file had ``Default``);
* the comments' ``w:date`` (the time each draft was made) and the results part's ``ds:itemID``
  (a fresh GUID per draft).
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from komae_docx.reading.reader import read_report_result
from komae_docx.rollover import roll_forward
from komae_docx.writing.writer import draft_bytes

from . import word365
from .conftest import EXAMPLE

CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BLANKLESS = etree.XMLParser(remove_blank_text=True, resolve_entities=False, no_network=True)

VARIANTS: dict[str, Callable[[Path], Path]] = word365.VARIANTS


def both_ways(source: Path, *, carry_text: bool = False) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """The parts of the draft made in place and of the draft made through the derived template."""
    previous = read_report_result(source).value
    rolled = roll_forward(previous).report
    made = [
        draft_bytes(previous, rolled, source, carry_text=carry_text, via_template=via, name="draft.docx")[0]
        for via in (False, True)
    ]
    return _parts(made[0]), _parts(made[1])


def _parts(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _content_types(parts: dict[str, bytes]) -> dict[str, str]:
    root = etree.fromstring(parts["[Content_Types].xml"])
    defaults = {d.get("Extension", "").lower(): d.get("ContentType") for d in root.iter(f"{CT}Default")}
    overrides = {o.get("PartName", "").lower(): o.get("ContentType") for o in root.iter(f"{CT}Override")}
    return {
        name: str(overrides.get("/" + name.lower()) or defaults.get(posixpath.splitext(name)[1][1:].lower()))
        for name in parts
        if name != "[Content_Types].xml"
    }


def _canonical(data: bytes) -> bytes:
    root = etree.fromstring(data, _BLANKLESS)
    for t in root.iter("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"):
        if XML_SPACE in t.attrib and (t.text or "") == (t.text or "").strip():
            del t.attrib[XML_SPACE]
    for empty in list(root.iter(f"{DC}identifier", f"{DC}language")):
        parent = empty.getparent()
        if not empty.text and parent is not None:
            parent.remove(empty)
    for el in root.iter():
        for key in list(el.attrib):
            if str(key).endswith("}date") or str(key).endswith("}itemID"):
                del el.attrib[key]
    return bytes(etree.tostring(root, method="c14n", exclusive=True))


def assert_same_document(in_place: dict[str, bytes], templated: dict[str, bytes]) -> None:
    assert sorted(in_place) == sorted(templated)
    assert _content_types(in_place) == _content_types(templated)
    for name, data in in_place.items():
        if name == "[Content_Types].xml" or data == templated[name]:
            continue
        assert name.endswith((".xml", ".rels")), f"{name} differs"
        assert _canonical(data) == _canonical(templated[name]), f"{name} differs"


def test_the_example_drafted_in_place_is_the_templated_draft() -> None:
    assert_same_document(*both_ways(EXAMPLE))


def test_the_example_with_last_years_text_carried_is_the_same_both_ways() -> None:
    in_place, templated = both_ways(EXAMPLE, carry_text=True)
    carried = "令和5年度：狛江市第1次重層的支援体制整備事業実施計画を策定し"
    assert carried.encode() in in_place["word/document.xml"]
    assert_same_document(in_place, templated)


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_each_word365_variant_is_drafted_the_same_both_ways(name: str, tmp_path: Path) -> None:
    source = VARIANTS[name](tmp_path)
    assert_same_document(*both_ways(source))
