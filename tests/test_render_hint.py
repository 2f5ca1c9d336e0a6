"""A template a person edited: a tag Jinja cannot render names its neighbourhood (docxtpl's 「付近」)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.errors import TemplateError

from .conftest import EXAMPLE


def template_with(tmp_path: Path, tag: str) -> Path:
    """The example's template with ``tag`` typed right after 刊行物番号, as a person would in Word."""
    template = api.make_template(EXAMPLE, tmp_path / "template.docx").value
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.decode().replace("刊行物番号", "刊行物番号" + tag, 1).encode()
            zout.writestr(item, data)
    return broken


def test_a_broken_tag_names_the_text_around_it(tmp_path: Path) -> None:
    broken = template_with(tmp_path, "{{ publication.number | zenkaku }}")  # a filter Jinja does not know
    with pytest.raises(TemplateError) as refused:
        api.draft(EXAMPLE, tmp_path / "draft.docx", template=broken)
    message = str(refused.value)
    assert "No filter named 'zenkaku'" in message
    assert "付近：" in message and "刊行物番号" in message and "{{ publication.number | zenkaku }}" in message


def test_a_tag_that_fails_while_rendering_is_refused_with_its_neighbourhood(tmp_path: Path) -> None:
    broken = template_with(tmp_path, "{{ publication.number + 1 }}")  # text plus a number: a TypeError
    with pytest.raises(TemplateError) as refused:
        api.draft(EXAMPLE, tmp_path / "draft.docx", template=broken)
    message = str(refused.value)
    assert message.startswith(f"{broken}：テンプレートを埋められません") and "付近：" in message
    assert "刊行物番号" in message and "{{ publication.number + 1 }}" in message
    assert not (tmp_path / "draft.docx").exists()
