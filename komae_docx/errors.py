"""The exceptions komae-docx raises, each carrying a Japanese message for users.

Every error names the file it concerns and, where it can, the place inside it
(section, sheet, row, cell).  The CLI prints ``str(error)`` and exits non-zero;
library users catch :class:`KomaeDocxError` (or a subclass) and may read the
structured ``path`` and ``where`` attributes.
"""

from __future__ import annotations

from pathlib import Path


class KomaeDocxError(Exception):
    """Base class of every error komae-docx raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, where: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        parts = []
        if self.path:
            parts.append(f"{Path(self.path).name}")
        if self.where:
            parts.append(self.where)
        prefix = "：".join(parts)
        return f"{prefix}：{self.message}" if prefix else self.message


class InputFileError(KomaeDocxError):
    """The file is not a readable Word document (wrong type, damaged, encrypted, macros, unsafe)."""


class UnsafeInputError(InputFileError):
    """The file exceeds a safety limit or carries hostile content (zip bomb, DOCTYPE, bad names)."""


class NotAReportError(KomaeDocxError):
    """A readable Word document that is not a progress report (進捗管理報告書)."""


class SheetFormatError(KomaeDocxError):
    """A part of a report (a sheet, a table) that the reader cannot interpret."""


class ResultsFileError(KomaeDocxError):
    """A results file (YAML / JSON / Excel) that cannot be read or does not match the report."""


class OutputError(KomaeDocxError):
    """An output that cannot be written safely (exists, same as input, directory missing)."""


class TemplateError(KomaeDocxError):
    """A docxtpl template that is broken or uses unknown variables."""
