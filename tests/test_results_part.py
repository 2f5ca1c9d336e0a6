"""The results part as OPC wants it: added once, replaced in place, other Custom XML parts untouched."""

from __future__ import annotations

import re
from pathlib import Path

from lxml import etree

from komae_docx import api, read_report_result
from komae_docx.model import ProjectRecord, ResultsRecord
from komae_docx.record import parse_record, record_xml
from komae_docx.writing.customxml import put_record
from komae_docx.writing.draftmarks import read_parts, write_parts

from .conftest import EXAMPLE

MAIN = "word/document.xml"
FOREIGN = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<p:properties xmlns:p="http://schemas.microsoft.com/office/2006/metadata/properties"/>'
)


def record(value: str) -> ResultsRecord:
    return ResultsRecord(
        stage="finalized",
        fiscal_year=2024,
        projects=[
            ProjectRecord(
                id="p1-3-1-1-b", plan="plan1", value=value, achieved=1, targets=3, check_cells=[""]
            ),
            ProjectRecord(
                id="p2-5-(1)", plan="plan2", value="達成", achieved=1, targets=1, check_cells=["/"]
            ),
        ],
    )


def items(parts: dict[str, bytes]) -> list[str]:
    return sorted(n for n in parts if re.match(r"customXml/item\d+\.xml$", n))


def test_the_record_reads_back_as_written() -> None:
    written = record("1/3")
    assert parse_record(etree.fromstring(record_xml(written))) == written


def test_the_part_is_added_once_and_then_replaced_in_place() -> None:
    parts = read_parts(EXAMPLE.read_bytes())
    once = put_record(parts, MAIN, record_xml(record("1/3")), path=EXAMPLE)
    twice = put_record(once, MAIN, record_xml(record("2/3")), path=EXAMPLE)
    assert items(once) == items(twice) == ["customXml/item1.xml"]
    assert b'value="2/3"' in twice["customXml/item1.xml"]
    types = twice["[Content_Types].xml"].decode()
    assert types.count('PartName="/customXml/itemProps1.xml"') == 1
    rels = twice["word/_rels/document.xml.rels"].decode()
    assert rels.count("/relationships/customXml") == 1 and 'Target="../customXml/item1.xml"' in rels
    item_rels = twice["customXml/_rels/item1.xml.rels"].decode()
    assert "customXmlProps" in item_rels and 'Target="itemProps1.xml"' in item_rels
    props = etree.fromstring(twice["customXml/itemProps1.xml"])
    item_id = props.get("{http://schemas.openxmlformats.org/officeDocument/2006/customXml}itemID") or ""
    assert re.fullmatch(r"\{[0-9A-F-]{36}\}", item_id)


def test_another_tools_custom_xml_part_stays_and_ours_comes_beside_it(tmp_path: Path) -> None:
    parts = read_parts(EXAMPLE.read_bytes())
    parts["customXml/item1.xml"] = FOREIGN
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdOther" Target="../customXml/item1.xml" Type='
        b'"http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"/></Relationships>',
    )
    ours = put_record(parts, MAIN, record_xml(record("1/3")), path=EXAMPLE)
    assert items(ours) == ["customXml/item1.xml", "customXml/item2.xml"]
    assert ours["customXml/item1.xml"] == FOREIGN
    path = tmp_path / "with_two_parts.docx"
    path.write_bytes(write_parts(ours))
    read = read_report_result(path)
    assert read.value.record == record("1/3") and read.messages == []
    assert api.identify(read).value.value == "finalized"


def test_a_record_edited_into_nonsense_is_a_warning_not_a_stop(tmp_path: Path) -> None:
    parts = put_record(read_parts(EXAMPLE.read_bytes()), MAIN, record_xml(record("1/3")), path=EXAMPLE)
    parts["customXml/item1.xml"] = parts["customXml/item1.xml"].replace(b'stage="finalized"', b'stage="done"')
    path = tmp_path / "edited_record.docx"
    path.write_bytes(write_parts(parts))
    read = read_report_result(path)
    assert read.value.record is None
    assert [m.code for m in read.messages] == ["reader.record"]
    assert api.identify(read).value.value == "published"  # read as without a record
