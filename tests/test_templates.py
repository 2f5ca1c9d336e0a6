"""The bundled template: in step with its build script, lint-clean, and editable by staff."""

from __future__ import annotations

import importlib.util
import shutil
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from komae_docx import read_report
from komae_docx.errors import TemplateError
from komae_docx.writing.templatelint import lint_template
from komae_docx.writing.writer import template_path, write_report

from .conftest import ROOT
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


def _edited(tmp_path: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of the template folder whose document.xml has ``old`` replaced by ``new``."""
    with zipfile.ZipFile(TEMPLATE) as package:
        xml = package.read("word/document.xml").decode("utf-8")
    assert old in xml, old
    folder = tmp_path / "templates"
    folder.mkdir()
    replace_parts(
        TEMPLATE, folder / "report.docx", {"word/document.xml": xml.replace(old, new, count).encode()}
    )
    return folder


def test_bundled_template_is_the_one_the_writer_uses() -> None:
    assert template_path().resolve() == TEMPLATE.resolve()


def test_template_is_in_step_with_its_build_script() -> None:
    assert _build_module().build() == TEMPLATE.read_bytes(), "run: .venv/bin/python tools/build_template.py"


def test_bundled_template_lints_clean() -> None:
    assert lint_template(TEMPLATE) == []


def test_template_itself_passes_openxml_audit() -> None:
    assert audit_findings(TEMPLATE) == []


def test_template_keeps_the_examples_sections_footers_and_fonts() -> None:
    with zipfile.ZipFile(TEMPLATE) as package:
        xml = package.read("word/document.xml").decode("utf-8")
        names = package.namelist()
    assert xml.count("<w:sectPr") == 5
    assert xml.count('w:orient="landscape"') == 2
    assert '<w:pgNumType w:start="1"/>' in xml
    assert (
        "word/footer1.xml" in names and "PAGE" in zipfile.ZipFile(TEMPLATE).read("word/footer1.xml").decode()
    )
    assert "ＭＳ ゴシック" in xml and "<w:tblHeader/>" in xml


def test_lint_reports_unknown_names_with_their_cell(tmp_path: Path) -> None:
    folder = _edited(tmp_path, "{{ row.indicator }}", "{{ row.indicatr }}")
    issues = lint_template(folder / "report.docx")
    assert len(issues) == 1
    assert "row.indicatr" in issues[0].text
    assert (
        "表" in issues[0].location.describe()
        and "行" in issues[0].location.describe()
        and "列" in issues[0].location.describe()
    )


def test_lint_reports_broken_and_unclosed_tags(tmp_path: Path) -> None:
    folder = _edited(tmp_path, "{{ cover.report_title }}", "{{ cover.report_title ")
    messages = [issue.describe() for issue in lint_template(folder / "report.docx")]
    assert any("閉じていません" in m and "段落" in m for m in messages)
    other = tmp_path / "other"
    other.mkdir()
    folder2 = _edited(other, "{%p endfor %}", "")
    assert any("for が閉じていません" in i.text for i in lint_template(folder2 / "report.docx"))


def test_broken_template_is_refused_before_writing(tmp_path: Path, report: object) -> None:
    folder = _edited(tmp_path, "{{ row.indicator }}", "{{ row.indicatr }}")
    target = tmp_path / "out.docx"
    with pytest.raises(TemplateError, match="indicatr"):
        write_report(report, target, template_dir=folder)  # type: ignore[arg-type]
    assert not target.exists()


def test_staff_wording_and_width_changes_reach_the_output(tmp_path: Path, report: object) -> None:
    folder = _edited(tmp_path, "頒布価格 ", "頒布価格　")
    with zipfile.ZipFile(folder / "report.docx") as package:
        xml = package.read("word/document.xml").decode()
    (folder / "report.docx").unlink()
    wider = xml.replace('<w:gridCol w:w="3963"/>', '<w:gridCol w:w="3900"/>')
    replace_parts(TEMPLATE, folder / "report.docx", {"word/document.xml": wider.encode()})
    out = tmp_path / "out.docx"
    write_report(report, out, template_dir=folder)  # type: ignore[arg-type]
    with zipfile.ZipFile(out) as package:
        rendered = package.read("word/document.xml").decode()
    assert "頒布価格　" in rendered and '<w:gridCol w:w="3900"/>' in rendered
    assert read_report(out) == report


def test_missing_template_folder_is_a_template_error(tmp_path: Path, report: object) -> None:
    with pytest.raises(TemplateError):
        write_report(report, tmp_path / "x.docx", template_dir=tmp_path / "nowhere")  # type: ignore[arg-type]
    shutil.rmtree(tmp_path, ignore_errors=True)
