"""A model whose places do not exist in the template is refused with a message, not a template error."""

from __future__ import annotations

from pathlib import Path

import pytest

from komae_docx import SheetFormatError, api
from komae_docx.model import Report


def test_a_sheet_the_template_does_not_have_is_refused_clearly(report: Report, tmp_path: Path) -> None:
    odd = report.model_copy(deep=True)
    odd.plans[1].sheets[0].anchor = None  # a model of another layout than the bundled template's
    out = tmp_path / "odd.docx"
    with pytest.raises(SheetFormatError, match="テンプレートの様式と合わない"):
        api.render(odd, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
