"""A template a person edited: a tag Jinja cannot render names its neighbourhood (docxtpl's 「付近」)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.errors import TemplateError

from .conftest import EXAMPLE


def test_a_broken_tag_names_the_text_around_it(tmp_path: Path) -> None:
    template = api.make_template(EXAMPLE, tmp_path / "template.docx").value
    broken = tmp_path / "broken.docx"
    with zipfile.ZipFile(template) as zin, zipfile.ZipFile(broken, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":  # a filter Jinja does not know, typed after 刊行物番号
                tag = "刊行物番号{{ publication.number | zenkaku }}"
                data = data.decode().replace("刊行物番号", tag, 1).encode()
            zout.writestr(item, data)
    with pytest.raises(TemplateError) as refused:
        api.draft(EXAMPLE, tmp_path / "draft.docx", template=broken)
    message = str(refused.value)
    assert "No filter named 'zenkaku'" in message
    assert "付近：" in message and "刊行物番号" in message and "{{ publication.number | zenkaku }}" in message
