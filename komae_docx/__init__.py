"""komae-docx: read, check and roll forward Komae City's welfare-plan progress reports (.docx).

Public API (:mod:`komae_docx.api`; every job returns a ``Result(value, messages)``)::

    import komae_docx as kd
    result = kd.read("r5_report.docx")                    # Result[Report]
    kd.check(result).value                                # findings (Message: severity, code, location)
    made = kd.draft("r5_report.docx", "r6_draft.docx")    # Result[Draft]: path + change log
    kd.status("r6_filled.docx")                           # what is left, per department
    kd.finalize("r6_filled.docx", "r6_report.docx", number="R7-15")   # Result[Finalized]

The names below are imported on first use (PEP 562), so that ``komae-docx --help`` and
``import komae_docx.errors`` do not load pydantic, lxml and the reader.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .api import (
        Draft,
        Finalized,
        check,
        draft,
        finalize,
        grade,
        identify,
        make_template,
        read,
        render,
        results_template,
        status,
    )
    from .errors import (
        InputFileError,
        KomaeDocxError,
        NotAReportError,
        OutputError,
        ResultsFileError,
        SheetFormatError,
        TemplateError,
        UnsafeInputError,
        WrongFileKindError,
    )
    from .filekind import FileKind
    from .model import Report
    from .progress import Status
    from .reading.reader import read_report, read_report_result
    from .results import Location, Message, Result

_API = (
    "read",
    "check",
    "grade",
    "status",
    "draft",
    "make_template",
    "render",
    "finalize",
    "results_template",
    "identify",
)

_LAZY = {
    **{name: ".api" for name in (*_API, "Draft", "Finalized")},
    "Status": ".progress",
    "InputFileError": ".errors",
    "KomaeDocxError": ".errors",
    "NotAReportError": ".errors",
    "OutputError": ".errors",
    "ResultsFileError": ".errors",
    "SheetFormatError": ".errors",
    "TemplateError": ".errors",
    "UnsafeInputError": ".errors",
    "WrongFileKindError": ".errors",
    "FileKind": ".filekind",
    "Report": ".model",
    "read_report": ".reading.reader",
    "read_report_result": ".reading.reader",
    "Location": ".results",
    "Message": ".results",
    "Result": ".results",
}

__all__ = [
    "Draft",
    "FileKind",
    "Finalized",
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
    "Status",
    "TemplateError",
    "UnsafeInputError",
    "WrongFileKindError",
    "check",
    "draft",
    "finalize",
    "grade",
    "identify",
    "make_template",
    "read",
    "read_report",
    "read_report_result",
    "render",
    "results_template",
    "status",
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
