"""komae-docx: read, check and roll forward Komae City's welfare-plan progress reports (.docx).

Public API::

    from komae_docx import read_report, read_report_result
    report = read_report("r5_report.docx")          # -> Report (pydantic)
    result = read_report_result("r5_report.docx")   # -> Result(value=Report, messages=[...])

The names below are imported on first use (PEP 562), so that ``komae-docx --help`` and
``import komae_docx.errors`` do not load pydantic, lxml and the reader.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .errors import (
        InputFileError,
        KomaeDocxError,
        NotAReportError,
        OutputError,
        ResultsFileError,
        SheetFormatError,
        TemplateError,
        UnsafeInputError,
    )
    from .model import Report
    from .reading.reader import read_report, read_report_result
    from .results import Location, Message, Result

_LAZY = {
    "InputFileError": ".errors",
    "KomaeDocxError": ".errors",
    "NotAReportError": ".errors",
    "OutputError": ".errors",
    "ResultsFileError": ".errors",
    "SheetFormatError": ".errors",
    "TemplateError": ".errors",
    "UnsafeInputError": ".errors",
    "Report": ".model",
    "read_report": ".reading.reader",
    "read_report_result": ".reading.reader",
    "Location": ".results",
    "Message": ".results",
    "Result": ".results",
}

__all__ = [
    "InputFileError",
    "KomaeDocxError",
    "Location",
    "Message",
    "NotAReportError",
    "OutputError",
    "Report",
    "Result",
    "ResultsFileError",
    "SheetFormatError",
    "TemplateError",
    "UnsafeInputError",
    "read_report",
    "read_report_result",
]

__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])
