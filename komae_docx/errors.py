"""The exceptions komae-docx raises, each carrying a Japanese message for users.

Every error names the file it concerns and, where it can, the place inside it
(section, sheet, row, cell).  The CLI prints ``str(error)`` and exits non-zero;
library users catch :class:`KomaeDocxError` (or a subclass) and may read the
structured ``path`` and ``where`` attributes.
"""

from __future__ import annotations

import errno
from pathlib import Path

_OS_ERRORS: dict[int, str] = {
    errno.ENOENT: "ファイルまたはフォルダーがありません",
    errno.EACCES: "アクセスが許可されていません",
    errno.EPERM: "この操作は許可されていません",
    errno.EISDIR: "フォルダーです",
    errno.ENOTDIR: "途中の名前がフォルダーではありません",
    errno.ENOSPC: "ディスクの空きがありません",
    errno.EROFS: "書き込みできない場所です",
    errno.EEXIST: "既に存在します",
    errno.ENAMETOOLONG: "名前が長すぎます",
    errno.EIO: "装置の読み書きに失敗しました",
    errno.EBUSY: "使用中です",
    errno.EXDEV: "別のドライブへは移動できません",
    errno.EINVAL: "名前または値が正しくありません",
    errno.EMFILE: "開いているファイルが多すぎます",
}
if hasattr(errno, "EDQUOT"):
    _OS_ERRORS[errno.EDQUOT] = "ディスクの割り当て容量を超えました"


def os_error_text(error: OSError) -> str:
    """A Japanese sentence for an operating-system error (never the English ``strerror``)."""
    known = _OS_ERRORS.get(error.errno) if error.errno is not None else None
    if known:
        return known
    number = f"（エラー番号 {error.errno}）" if error.errno is not None else ""
    return f"OS がファイル操作を拒みました{number}"


def missing_file_text(path: str | Path) -> str:
    """「ファイルが見つかりません」, or which folder of the path is missing when a folder is."""
    missing_folder = first_missing_folder(Path(path))
    if missing_folder is not None:
        return f"フォルダー「{missing_folder}」がありません"
    return "ファイルが見つかりません"


def first_missing_folder(path: Path) -> Path | None:
    """The outermost missing folder on the way to ``path`` (None when its folder exists)."""
    missing = None
    folder = path.parent
    while str(folder) not in ("", ".") and not folder.exists():
        missing = folder
        if folder.parent == folder:
            break
        folder = folder.parent
    return missing


class KomaeDocxError(Exception):
    """Base class of every error komae-docx raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, path: str | Path | None = None, where: str | None = None) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.where = where
        super().__init__(self.__str__())

    def __str__(self) -> str:
        """``<path as given>：<where>：<message>``: the path exactly as the user typed it."""
        parts = []
        if self.path:
            parts.append(self.path)
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


class OutputExistsError(OutputError):
    """The output exists and overwriting was not asked for.  The message speaks to Python callers
    (``force=True``); the command line words the same refusal with its own option (``--force``)."""

    def __init__(self, path: str | Path, hint: str = "上書きするときは force=True を渡してください") -> None:
        super().__init__(f"既に存在します。{hint}", path)


class TemplateError(KomaeDocxError):
    """A docxtpl template that is broken or uses unknown variables."""


class LayoutError(KomaeDocxError):
    """LibreOffice (or pdftotext) is missing, failed or timed out while laying out a document."""


class WrongFileKindError(KomaeDocxError):
    """A report of the wrong kind for the step: a draft given to ``draft``, a published report to
    ``finalize``.  ``kind`` is the :class:`~komae_docx.filekind.FileKind` value of the file
    (``"fresh_draft"``, …) and ``job`` the step (``"draft"``, ``"finalize"``); the message says
    what the file is and which step fits it."""

    def __init__(self, message: str, path: str | Path | None = None, *, kind: str, job: str) -> None:
        self.kind = kind
        self.job = job
        super().__init__(message, path)


class PublicationNumberError(KomaeDocxError):
    """A ``--number`` that is not this year's publication number (``R7-15``); the page shows it
    beside its number field."""
