"""A report whose tables do not have the template's shape is refused with a message, not a template error."""

from __future__ import annotations

from pathlib import Path

import pytest

from komae_docx import SheetFormatError
from komae_docx.model import Report
from komae_docx.writing.writer import write_report


def test_a_sheet_with_fewer_header_cells_is_refused_clearly(report: Report, tmp_path: Path) -> None:
    odd = report.model_copy(deep=True)
    odd.plans[1].sheets[0].header = odd.plans[1].sheets[0].header[:3]
    out = tmp_path / "odd.docx"
    with pytest.raises(SheetFormatError, match="テンプレートの様式と合わない"):
        write_report(odd, out)
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []
