"""The bundled template: the example itself, tagged by the in-package code; lint-clean and editable."""

from __future__ import annotations

import html
import importlib.util
import re
import sys
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from komae_docx import api, read_report
from komae_docx.errors import TemplateError
from komae_docx.model import Report
from komae_docx.writing.derive import docx_parts
from komae_docx.writing.templatelint import lint_template
from komae_docx.writing.writer import template_path

from .conftest import EXAMPLE, ROOT
from .docx_checks import audit_findings
from .docx_edit import replace_parts

TEMPLATE = ROOT / "templates" / "report.docx"


def _build_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_template", ROOT / "tools" / "build_template.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_template"] = module
    spec.loader.exec_module(module)
    return module


def _document(path: Path) -> str:
    with zipfile.ZipFile(path) as package:
        return package.read("word/document.xml").decode("utf-8")


def _edited(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of the bundled template whose document.xml has ``old`` replaced by ``new``."""
    xml = _document(TEMPLATE)
    assert old in xml, old
    return replace_parts(
        TEMPLATE, tmp_path / "edited.docx", {"word/document.xml": xml.replace(old, new, count).encode()}
    )


def test_bundled_template_is_the_one_the_writer_uses() -> None:
    assert template_path().resolve() == TEMPLATE.resolve()


def test_template_is_in_step_with_the_example() -> None:
    """Compared part by part (zip bytes may differ): run tools/build_template.py when this fails.

    A staleness check only: the template's content is held to the report itself by
    test_template_is_the_reports_frame_with_its_yearly_content_tagged."""
    assert docx_parts(_build_module().build()) == docx_parts(TEMPLATE.read_bytes())


def test_template_is_made_by_make_template(tmp_path: Path) -> None:
    made = api.make_template(EXAMPLE, tmp_path / "template.docx").value
    assert docx_parts(made.read_bytes()) == docx_parts(TEMPLATE.read_bytes())


def test_bundled_template_lints_clean() -> None:
    assert lint_template(TEMPLATE) == []


def test_template_itself_passes_openxml_audit() -> None:
    assert audit_findings(TEMPLATE) == []


def test_template_keeps_every_part_but_the_body_byte_for_byte() -> None:
    template, example = docx_parts(TEMPLATE.read_bytes()), docx_parts(EXAMPLE.read_bytes())
    assert set(template) == set(example)
    assert {name for name in template if template[name] != example[name]} == {"word/document.xml"}


def test_template_tags_only_the_yearly_content(report: Report) -> None:
    xml = _document(TEMPLATE)
    assert xml.count("<w:sectPr") == 5 and xml.count('w:orient="landscape"') == 2
    assert "{{ roll('令和5年度', 2023) }}" in xml
    assert "{{ publication.number }}" in xml and "{{ publication.month_text }}" in xml
    assert "{%tr if c.t3r2.n &gt; 1 %}" in xml  # 評価総括表 group A's second row (XML-escaped >)
    plain = re.sub(r"<[^>]+>", "", xml)
    assert "平成26年7月" in plain and "令和3年3月" in plain  # history stays as written
    assert report.plans[1].measures_list()[0].projects[0].plan_text.replace("\n", "") in plain  # plan content


def test_template_is_the_reports_frame_with_its_yearly_content_tagged(expect: dict[str, Any]) -> None:
    """Checked against the report (expect.json, written from it), not against make-template's output:
    every Do / Act text of FY2023 is gone (tagged), every plan and measure text stays as the city wrote
    it, and the tags are where the report has yearly cells."""
    xml = _document(TEMPLATE)
    plain = html.unescape(re.sub(r"<[^>]+>", "", xml))
    assert [t for t in expect["do_texts"] + expect["act_texts"] if t in plain] == []
    assert [t for t in expect["plan_texts"] + expect["measure_texts"] if t not in plain] == []
    assert "R6-22" not in plain and plain.count("{{ publication.number }}") == 1
    entries = sum(p["entries"] for plan in expect["plans"] for m in plan["measures"] for p in m["projects"])
    grade_cells = sum(len(m["grade_cells"]) for plan in expect["plans"] for m in plan["measures"])
    assert (entries, grade_cells) == (35, 18)
    assert len(re.findall(r"\{\{r c\.t\d+r\d+c\d+\.note \}\}", plain)) == 2 * entries  # Do and Act
    assert len(re.findall(r"\{\{r c\.t\d+r\d+c\d+\.control \}\}", plain)) == entries + grade_cells
    # two 評価総括表 (one per plan), each with the four grades of 序章 3 and a total
    assert len(re.findall(r"\{\{ c\.t\d+r\d+\.count \}\}", plain)) == 2 * 4
    assert len(re.findall(r"\{\{ c\.t\d+total \}\}", plain)) == 2


def test_lint_reports_unknown_names_with_their_place(tmp_path: Path) -> None:
    edited = _edited(tmp_path, "{{ publication.number }}", "{{ publication.numbr }}")
    issues = lint_template(edited)
    assert len(issues) == 1 and "publication.numbr" in issues[0].text
    assert "段落" in issues[0].location.describe()


def test_lint_reports_broken_and_unclosed_tags(tmp_path: Path) -> None:
    edited = _edited(tmp_path, "{{ publication.number }}", "{{ publication.number ")
    messages = [issue.describe() for issue in lint_template(edited)]
    assert any("閉じていません" in m and "段落" in m for m in messages)


def test_broken_template_is_refused_before_writing(tmp_path: Path) -> None:
    edited = _edited(tmp_path, "{{ publication.number }}", "{{ publication.numbr }}")
    target = tmp_path / "out.docx"
    with pytest.raises(TemplateError, match="numbr"):
        api.draft(EXAMPLE, target, template=edited)
    assert not target.exists()


def test_staff_wording_and_width_changes_in_a_template_reach_the_draft(
    tmp_path: Path, report: Report
) -> None:
    xml = _document(TEMPLATE).replace("頒布価格 ", "頒布価格　", 1)
    assert '<w:gridCol w:w="3963"/>' in xml
    xml = xml.replace('<w:gridCol w:w="3963"/>', '<w:gridCol w:w="3900"/>')
    edited = replace_parts(TEMPLATE, tmp_path / "edited.docx", {"word/document.xml": xml.encode()})
    out = api.draft(EXAMPLE, tmp_path / "out.docx", template=edited).value.path
    rendered = _document(out)
    assert "頒布価格　" in rendered and '<w:gridCol w:w="3900"/>' in rendered
    assert read_report(out).fiscal_year.text == "令和6年度"


def test_a_template_folder_still_works(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "report.docx").write_bytes(TEMPLATE.read_bytes())
    out = api.draft(EXAMPLE, tmp_path / "out.docx", template=folder).value.path
    assert read_report(out).fiscal_year.text == "令和6年度"


def test_missing_template_is_a_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError):
        api.draft(EXAMPLE, tmp_path / "x.docx", template=tmp_path / "nowhere")
    assert not (tmp_path / "x.docx").exists()
