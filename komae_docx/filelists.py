"""Several Word documents as staff give them: files, a folder, or a wildcard the shell left alone.

On Windows, cmd.exe passes ``写し\\*.docx`` to the program as typed, and staff think of the copies
that came back as "the folder".  So wherever the tool takes several documents (``merge`` on the
command line, :func:`komae_docx.api.merge`, the page's merge), each name given may be

* a file: taken as it is (the reader refuses what is not a Word document);
* a folder: the ``.docx`` files directly in it, by name;
* a pattern with ``*``, ``?`` or ``[…]`` that names no existing file: the files it matches, by name.

While someone has a copy open, Word keeps a hidden owner file beside it (``~$``, the document's
name with its first characters replaced) and LibreOffice a lock file (``.~lock.<name>#``).  Neither
is a document: both are skipped with one line saying that the copy is still open on someone's PC
and that the saved file was used.  A file in a folder that looks like a Word document but is not a
``.docx`` (``.doc``, ``.docm``, ``.odt``, …) is named too, since a copy left out must never go
unnoticed.
"""

from __future__ import annotations

import fnmatch
import glob
import os
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath

from .errors import InputFileError, first_missing_folder
from .results import Message, Result

Source = str | os.PathLike[str]

DOCX_SUFFIX = ".docx"
OWNER_PREFIX = "~$"
LOCK_PREFIX = ".~lock."
LOCK_SUFFIX = "#"
WILDCARDS = frozenset("*?[")
NOT_DOCX_SUFFIXES = frozenset({".doc", ".docm", ".dotx", ".dotm", ".odt", ".rtf", ".wps"})
"""Documents a department may have saved in another format: named, never merged unnoticed."""

SKIPPED_CODE = "files.open_elsewhere"
NOT_DOCX_CODE = "files.not_docx"


def is_owner_file(name: str) -> bool:
    """Word's owner file (``~$…``), present while the document is open in Word."""
    return name.startswith(OWNER_PREFIX)


def is_lock_file(name: str) -> bool:
    """LibreOffice's lock file (``.~lock.<name>#``), present while the document is open there."""
    return name.startswith(LOCK_PREFIX) and name.endswith(LOCK_SUFFIX)


def is_marker(name: str) -> bool:
    """A file that only says that a document is open somewhere (owner or lock file)."""
    return is_owner_file(name) or is_lock_file(name)


def has_wildcards(text: str) -> bool:
    return any(character in WILDCARDS for character in text)


def open_document(marker: str, names: Iterable[str]) -> str | None:
    """The document among ``names`` (the marker's neighbours) that ``marker`` says is open.

    LibreOffice writes the whole name into its lock file.  Word keeps the name's length and
    replaces its first one or two characters by ``~$`` (``~$draft_福祉政策課.docx`` for
    ``r6_draft_福祉政策課.docx``; a name of six characters or less gets ``~$`` in front).
    """
    documents = sorted(name for name in names if not is_marker(name))
    if is_lock_file(marker):
        wanted = marker[len(LOCK_PREFIX) : -len(LOCK_SUFFIX)]
        return wanted if wanted in documents else None
    if not is_owner_file(marker):
        return None
    tail = marker[len(OWNER_PREFIX) :]
    fits = [name for name in documents if name.endswith(tail) and 0 <= len(name) - len(tail) <= 2]
    return fits[0] if len(fits) == 1 else None


def skipped_marker(marker: str, names: Iterable[str]) -> Message:
    """The one line for an owner or lock file that was not taken as a copy."""
    program = "Word" if is_owner_file(marker) else "LibreOffice"
    document = open_document(marker, names)
    if document is None:
        text = (
            f"「{marker}」を飛ばしました。{program} で写しを開いている間だけできるファイルです"
            f"（写しがまだだれかの PC の {program} で開かれています）"
        )
    else:
        text = (
            f"「{marker}」を飛ばしました。写し「{document}」がまだだれかの PC の {program} で"
            "開かれています。まとめには保存済みのファイルを使いました"
        )
    return Message(severity="warning", code=SKIPPED_CODE, text=text)


def not_docx(name: str) -> Message:
    text = f"「{name}」は Word 文書(.docx)ではないため、まとめに入れていません。.docx で保存し直してください"
    return Message(severity="warning", code=NOT_DOCX_CODE, text=text)


def pattern_parts(given: str, flavor: type[PurePath] = PurePath) -> tuple[PurePath, str] | None:
    """(folder, file-name pattern) for a pattern whose wildcards are in the last name only.

    ``flavor`` is the path type of the system the name comes from (:class:`pathlib.PureWindowsPath`
    for ``C:\\…\\写し\\*.docx``); None when the name has no wildcards or has them in a folder.
    """
    path = flavor(given)
    below_anchor = path.parent.parts[1:] if path.anchor else path.parent.parts
    if not has_wildcards(path.name) or any(has_wildcards(part) for part in below_anchor):
        return None  # (the anchor may hold a ``?``: ``\\?\D:\`` is how Windows spells long paths)
    return path.parent, path.name


def documents(given: Sequence[Source]) -> Result[list[Path]]:
    """Every document ``given`` names, in the order given (a folder's and a pattern's by name); the
    owner and lock files skipped, with one message each.  A file named twice stays twice: the
    caller says so (``merge`` merges it once and tells the user).

    Refused with :class:`~komae_docx.errors.InputFileError` when a folder holds no ``.docx``, a
    pattern matches nothing, or nothing but owner and lock files is left.
    """
    found: list[Path] = []
    messages: list[Message] = []
    for source in given:
        for path, message in _expand(source):
            if message is not None:
                if message not in messages:
                    messages.append(message)
            else:
                found.append(path)
    if given and not found:
        raise InputFileError(
            "まとめる写しがありません（どの写しもまだ Word などで開かれています）。"
            "保存して閉じてからもう一度実行してください",
            str(given[0]),
        )
    return Result(found, messages)


def _expand(source: Source) -> list[tuple[Path, Message | None]]:
    path = Path(source)
    text = os.fspath(source)
    if path.is_dir():
        return _in_folder(path)
    if not path.exists() and has_wildcards(text):
        return _matching(text)
    if is_marker(path.name):
        siblings = _names_in(path.parent)
        return [(path, skipped_marker(path.name, siblings))]
    return [(path, None)]


def _in_folder(folder: Path) -> list[tuple[Path, Message | None]]:
    names = _names_in(folder)
    out: list[tuple[Path, Message | None]] = []
    for name in names:
        path = folder / name
        suffix = path.suffix.lower()
        if is_marker(name):
            out.append((path, skipped_marker(name, names)))
        elif name.startswith("."):
            continue  # (``._r6.docx``: a Mac's metadata on the file server, no document)
        elif suffix == DOCX_SUFFIX and path.is_file():
            out.append((path, None))
        elif suffix in NOT_DOCX_SUFFIXES and path.is_file():
            out.append((path, not_docx(name)))
    if not any(message is None for _, message in out) and not any(
        message is not None and message.code == SKIPPED_CODE for _, message in out
    ):
        others = "（.doc などは .docx で保存し直してください）" if out else ""
        raise InputFileError(f"このフォルダーには Word 文書(.docx)がありません{others}", folder)
    return out


def _matching(pattern: str) -> list[tuple[Path, Message | None]]:
    """The files a pattern matches, by name, with the owner and lock files of the documents it
    matches (``r6_*.docx`` does not match ``~$_健康推進課.docx``, but that copy is open).

    Wildcards in the file name only (``写し\\*.docx``, what staff type) are matched here, in the
    folder's listing (:func:`fnmatch.fnmatch`, case-blind on Windows); wildcards in a folder name
    are left to :func:`glob.glob`.  Names beginning with a dot (``._r6.docx`` from a Mac on the file
    server) are not documents and are passed over, as the shells do.
    """
    parts = pattern_parts(pattern)
    if parts is None:
        found = sorted(glob.glob(pattern), key=lambda name: Path(name).name)
        files = [Path(name) for name in found if Path(name).is_file()]
    else:
        folder, wanted = Path(parts[0]), parts[1]
        names = _names_in(folder)
        files = [
            folder / name
            for name in names
            if not name.startswith(".") and fnmatch.fnmatch(name, wanted) and (folder / name).is_file()
        ]
        for name in names:
            document = open_document(name, names) if is_marker(name) else None
            if document is not None and fnmatch.fnmatch(document, wanted):
                files.append(folder / name)
    if not files:
        missing = first_missing_folder(Path(pattern))
        detail = f"（フォルダー「{missing}」がありません）" if missing is not None else ""
        raise InputFileError(f"当てはまるファイルがありません{detail}", pattern)
    out: list[tuple[Path, Message | None]] = []
    for path in dict.fromkeys(files):
        if is_marker(path.name):
            out.append((path, skipped_marker(path.name, _names_in(path.parent))))
        else:
            out.append((path, None))
    return out


def _names_in(folder: Path) -> list[str]:
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []
