"""Write output files atomically, never over an input and never over an existing file unasked.

The data goes to a temporary file in the target's own directory (so the final ``os.replace`` is
an atomic rename on the same file system), is flushed and fsynced, then renamed over the target.
A crash or error at any point leaves either the old file or the new one, never half of either,
and the temporary file is removed.

A command with several outputs (a draft and its change log) first checks them all with
:func:`check_outputs`, so that when one of them is refused none is written.

An output another program holds open cannot be replaced on Windows (Word locks an open document:
PermissionError, WinError 32).  That refusal says so in staff words (:data:`MSG_HELD_OPEN`), and on
Windows an existing output given with ``force`` is tried before any work is done.
"""

from __future__ import annotations

import contextlib
import os
import signal
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import OutputError, OutputExistsError, first_missing_folder, os_error_text

__all__ = [
    "check_distinct",
    "check_outputs",
    "interrupts_deferred",
    "write_all_atomic",
    "write_bytes_atomic",
    "write_text_atomic",
]

PathArg = str | os.PathLike[str]

_MSG_SAME_AS_INPUT = "入力ファイルと同じファイルには書き込めません。別の出力先を指定してください"
MSG_HELD_OPEN = "このファイルは Word などで開かれています。閉じてからもう一度実行してください"
"""An output another program holds open (Word locks an open document on Windows)."""

_ON_WINDOWS = os.name == "nt"
_SHARING_VIOLATIONS = frozenset({32, 33})
"""ERROR_SHARING_VIOLATION (the file is being used by another process), ERROR_LOCK_VIOLATION."""


def write_text_atomic(
    target: PathArg,
    text: str,
    *,
    encoding: str = "utf-8",
    force: bool = False,
    inputs: Sequence[PathArg] = (),
) -> None:
    """Write ``text`` (encoded as ``encoding``, newlines kept as given) to ``target`` atomically."""
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        raise OutputError(f"文字コード {encoding} で書けない文字が含まれています", Path(target)) from None
    write_bytes_atomic(target, data, force=force, inputs=inputs)


def write_bytes_atomic(
    target: PathArg, data: bytes, *, force: bool = False, inputs: Sequence[PathArg] = ()
) -> None:
    """Write ``data`` to ``target`` atomically.

    Refused with :class:`OutputError` when ``target`` is one of ``inputs`` (even with ``force``),
    when it exists and ``force`` is false, when it is a folder, or when its folder is missing.
    """
    path = Path(target)
    _refuse_input(path, inputs)
    _refuse_unwritable_target(path, force)
    with interrupts_deferred():
        _replace_with(path, data)


def write_all_atomic(
    files: Sequence[tuple[PathArg, bytes]], *, force: bool = False, inputs: Sequence[PathArg] = ()
) -> None:
    """Write several files as one: all of them, or (when one cannot be written) none.

    Every target is checked first (:func:`check_outputs`), every file's data then goes to a
    temporary file beside its target, and only when all are on disk are they renamed into place;
    a rename that fails takes back the files renamed before it.
    """
    outputs = [(target, Path(target).name) for target, _ in files]
    check_outputs(outputs, inputs=inputs, force=force)
    with interrupts_deferred():
        _write_all(files)


@contextlib.contextmanager
def interrupts_deferred() -> Iterator[None]:
    """Ctrl+C (SIGINT) and SIGTERM wait until the block is done, then act: the files the block
    writes are then all in place, or (when it failed) none is.  Only the main thread receives
    Python's signals; elsewhere (the page's workers) the block runs as it is."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _write_all(files: Sequence[tuple[PathArg, bytes]]) -> None:
    temps: list[tuple[str, Path]] = []
    done: list[Path] = []
    current = Path(files[0][0]) if files else Path()
    try:
        for target, data in files:
            current = Path(target)
            temps.append((_temp_file_with(current, data), current))
        for temp, path in temps:
            current = path
            os.replace(temp, path)
            done.append(path)
    except OSError as exc:
        for path in done:
            with contextlib.suppress(OSError):
                path.unlink()
        reason = MSG_HELD_OPEN if held_open(exc, current) else f"書き込めませんでした（{os_error_text(exc)}）"
        raise OutputError(f"{reason}。どのファイルも書き出していません", current) from exc
    finally:
        for temp, _ in temps[len(done) :]:
            with contextlib.suppress(OSError):
                os.unlink(temp)
    for folder in {path.parent for path in done}:
        _fsync_directory(folder)


def _temp_file_with(path: Path, data: bytes) -> str:
    """A temporary file beside ``path`` holding ``data`` (flushed and fsynced, the target's mode)."""
    mode = _mode_for(path)
    with tempfile.NamedTemporaryFile(
        dir=path.parent, delete=False, prefix="." + path.name + ".", suffix=".tmp"
    ) as temp:
        try:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        except OSError:
            temp.close()
            os.unlink(temp.name)
            raise
    os.chmod(temp.name, mode)
    return temp.name


def check_outputs(
    outputs: Sequence[tuple[PathArg, str]], *, inputs: Sequence[PathArg] = (), force: bool = False
) -> None:
    """Refuse a whole set of outputs before any of them is written.

    ``outputs`` pairs each target with the name the user gave it (``-o``, ``--changes``), so that the
    message says the actual reason, in this order: an output that is an input, two outputs that are
    one file (:func:`check_distinct`), then an existing file without ``force``, a folder, a missing
    folder.
    """
    check_distinct(outputs, inputs=inputs)
    for target, _ in outputs:
        _refuse_unwritable_target(Path(target), force)


def check_distinct(outputs: Sequence[tuple[PathArg, str]], *, inputs: Sequence[PathArg] = ()) -> None:
    """Refuse an output that is one of ``inputs`` or the same file as another output."""
    for target, _ in outputs:
        _refuse_input(Path(target), inputs)
    for index, (target, label) in enumerate(outputs):
        for other, other_label in outputs[index + 1 :]:
            if _same_file(Path(target), Path(other)):
                raise OutputError(
                    f"{label} と {other_label} に同じファイルが指定されています。"
                    "別々のファイルにしてください",
                    Path(other),
                )


def _refuse_input(path: Path, inputs: Sequence[PathArg]) -> None:
    for given in inputs:
        if _same_file(path, Path(given)):
            raise OutputError(_MSG_SAME_AS_INPUT, path)


def _same_file(first: Path, second: Path) -> bool:
    """Same resolved path, or the same file reached another way (hard link, bind mount, case)."""
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _refuse_unwritable_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise OutputError("出力先がフォルダーです。ファイル名を指定してください", path)
    if (path.exists() or path.is_symlink()) and not force:
        raise OutputExistsError(path)
    if not path.parent.is_dir():
        raise OutputError(_missing_folder_text(path), path)
    if force and _ON_WINDOWS and path.is_file():
        _refuse_held_open(path)


def held_open(error: OSError, path: Path) -> bool:
    """Whether ``error`` says another program holds ``path`` open: a sharing or lock violation, or
    on Windows a refused replace of a file that exists (what Word's lock gives ``os.replace``)."""
    if getattr(error, "winerror", None) in _SHARING_VIOLATIONS:
        return True
    return isinstance(error, PermissionError) and _ON_WINDOWS and path.exists()


def _refuse_held_open(path: Path) -> None:
    """On Windows, an output open in Word cannot be replaced: say so before any work is done, so
    that a command with several outputs writes none of them."""
    try:
        _open_for_writing(path)
    except OSError as exc:
        if held_open(exc, path):
            raise OutputError(MSG_HELD_OPEN, path) from exc


def _open_for_writing(path: Path) -> None:
    """Open ``path`` for writing and close it again, changing nothing (fails while Word holds it)."""
    os.close(os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0)))


def _missing_folder_text(path: Path) -> str:
    missing = first_missing_folder(path)
    if missing is None:
        return f"出力先の「{path.parent}」はフォルダーではありません"
    return f"出力先のフォルダー「{missing}」がありません"


def _replace_with(path: Path, data: bytes) -> None:
    mode = _mode_for(path)
    temp_name: str | None = None
    try:
        with tempfile.NamedTemporaryFile(
            dir=path.parent, delete=False, prefix="." + path.name + ".", suffix=".tmp"
        ) as temp:
            temp_name = temp.name
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(temp_name, mode)
        os.replace(temp_name, path)
        temp_name = None
    except OSError as exc:
        if held_open(exc, path):
            raise OutputError(MSG_HELD_OPEN, path) from exc
        raise OutputError(f"書き込めませんでした（{os_error_text(exc)}）", path) from exc
    finally:
        if temp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(temp_name)
    _fsync_directory(path.parent)


def _mode_for(path: Path) -> int:
    """Keep an overwritten file's permissions; a new file gets the usual 0o666 minus the umask.

    (NamedTemporaryFile creates its file 0o600, which would make every output private.)
    """
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0o022)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(folder: Path) -> None:
    """Make the rename itself durable where the platform allows it (best effort)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
