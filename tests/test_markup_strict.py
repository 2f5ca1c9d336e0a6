"""A Strict Open XML file's text boxes are read, and a text box the reader cannot place is named.

Word's 「Strict Open XML ドキュメント」 writes every part in the Strict namespaces and declares no
Word 2010 shape namespace (``wps``), so its text boxes are VML alone (``v:shape``/``v:textbox``):
the 序章's 進捗評価の流れ (the five boxes 市民福祉推進委員会① … 報告書をHPに公開) is read from it as
from the Transitional file.  ``draft`` refuses a Strict file cleanly (nothing written).  Any text box
the walk misses, in any file, is named in a warning instead of dropped.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.errors import KomaeDocxError
from komae_docx.package import open_package

from . import markup_variants as mv
from .conftest import EXAMPLE

FLOW_BOXES = ["市民福祉推進委員会①", "市民福祉推進委員会②", "庁議①", "庁議②", "報告書をHPに公開"]
"""The boxes of 序章 4 進捗評価の流れ, in the example's order (its schedule table)."""


def _schedule_boxes(path: Path) -> list[str]:
    intro = api.read(path).value.intro
    assert intro.schedule is not None
    return [box for cell in intro.schedule.cells for box in cell.boxes]


def test_the_example_schedule_has_its_five_boxes() -> None:
    assert _schedule_boxes(EXAMPLE) == FLOW_BOXES


@pytest.mark.parametrize("boxes", ["vml", "drawingml"])
def test_a_strict_files_text_boxes_are_read(boxes: str, tmp_path: Path) -> None:
    strict = mv.as_strict(EXAMPLE, tmp_path / "strict.docx", boxes=boxes)
    assert open_package(strict).strict
    with zipfile.ZipFile(strict) as archive:
        document = archive.read("word/document.xml").decode("utf-8")
    assert "AlternateContent" not in document and "purl.oclc.org/ooxml/wordprocessingml/main" in document
    assert ("<v:textbox" in document) == (boxes == "vml") and ("<wps:txbx" in document) == (boxes != "vml")
    result = api.read(strict)
    assert result.messages == []
    assert _schedule_boxes(strict) == FLOW_BOXES
    assert result.value == api.read(EXAMPLE).value


def test_a_strict_file_is_refused_by_draft_with_nothing_written(tmp_path: Path) -> None:
    strict = mv.as_strict(EXAMPLE, tmp_path / "strict.docx")
    target = tmp_path / "draft.docx"
    with pytest.raises(KomaeDocxError) as refused:
        api.draft(strict, target)
    assert "Strict" in str(refused.value)
    assert not target.exists()


def test_the_corpus_strict_file_is_read_or_refused_cleanly() -> None:
    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "strict_ooxml.docx"
    if not corpus.exists():
        pytest.skip("../shared/corpus is not beside this checkout")
    with pytest.raises(KomaeDocxError) as refused:
        api.read(corpus)
    assert "進捗管理報告書ではありません" in str(refused.value)


def test_a_text_box_the_reader_cannot_place_is_named(tmp_path: Path) -> None:
    variant = mv.with_unplaceable_group_box(tmp_path)
    result = api.read(variant)
    named = [m for m in result.messages if m.code == "reader.text_box"]
    assert len(named) == 1 and f"「{mv.UNPLACED_BOX}」" in named[0].text
    assert mv.UNPLACED_BOX not in _schedule_boxes(variant)
