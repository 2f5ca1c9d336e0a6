"""komae-docx: read, check and roll forward Komae City's welfare-plan progress reports (.docx).

Public API::

    from komae_docx import read_report, read_report_result
    report = read_report("r5_report.docx")          # -> Report (pydantic)
    result = read_report_result("r5_report.docx")   # -> Result(value=Report, messages=[...])
"""

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
