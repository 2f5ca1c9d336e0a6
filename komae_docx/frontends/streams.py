"""Inputs and outputs as the command line names them: ``-`` for the standard streams, suffix checks.

``-`` as an input (parse, check, grade) reads the document from standard input into a private
temporary file (the reader opens paths), and errors that name that file name 標準入力 instead.
``-`` as an output is allowed where the output is text for scripts (JSON, YAML); a Word document
never goes to standard output.  Outputs staff open by double-clicking must carry their suffix.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

from ..errors import InputFileError, KomaeDocxError, OutputError

STDIO = "-"
STDIN_NAME = "標準入力"
MAX_STDIN_BYTES = 50 * 1024 * 1024
"""The same cap as a .docx read from a file (package.Limits.max_file_bytes)."""

DOCX_SUFFIXES = (".docx",)


@contextlib.contextmanager
def input_path(given: str) -> Iterator[Path]:
    """The path to read for ``given``; ``-`` = standard input, copied to a temporary file."""
    if given != STDIO:
        yield Path(given)
        return
    data = sys.stdin.buffer.read(MAX_STDIN_BYTES + 1)
    if len(data) > MAX_STDIN_BYTES:
        raise InputFileError("標準入力が大きすぎます（上限 50 MB）", STDIN_NAME)
    with tempfile.TemporaryDirectory(prefix="komae-docx-stdin-") as folder:
        path = Path(folder) / "stdin.docx"
        path.write_bytes(data)
        try:
            yield path
        except KomaeDocxError as error:
            if error.path is not None and Path(error.path) == path:
                error.path = STDIN_NAME
            raise


def refuse_stdin(given: str, command: str, example: str) -> None:
    """Commands that open a Word document to write from it read a file, never standard input."""
    if given == STDIO:
        raise InputFileError(
            f"{command} は Word 文書を標準入力からは受け付けません。"
            f"ファイル名を指定してください（例：komae-docx {command} {example}）",
            STDIN_NAME,
        )


def display_name(given: str) -> str:
    """The name the user typed, or 標準入力 for ``-``."""
    return STDIN_NAME if given == STDIO else given


def require_suffix(given: str, option: str, suffixes: tuple[str, ...], example: str) -> None:
    """Refuse an output name that would not open on a double-click (``out.txt``, ``out``)."""
    if given == STDIO and suffixes == DOCX_SUFFIXES:
        raise OutputError(
            "Word 文書は標準出力には書き出せません。"
            f"{option} に {example} のようなファイル名を指定してください"
        )
    if given == STDIO or Path(given).suffix.lower() in suffixes:
        return
    wanted = "・".join(suffixes)
    raise OutputError(
        f"{option} のファイル名は {wanted} で終わるようにしてください（例：{example}）。"
        "ほかの名前では、ダブルクリックしても正しいアプリで開きません",
        given,
    )


def write_stdout(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


# --------------------------------------------------------------------------- encodings
# (kept apart from the closed-pipe handling above: what bytes go out, not whether anyone reads them)

DATA_ENCODING = "utf-8"
"""JSON and YAML go out as UTF-8 whatever the console's or the locale's encoding (as gh and jq do):
on Japanese Windows a redirected stdout would otherwise be cp932, which lacks 「—」 (U+2014)."""


def write_data(text: str) -> None:
    """Data a script asked for (``--json``, ``-o -``) as UTF-8 bytes on stdout, one final newline.

    Text already printed for people is flushed first, so the order on the stream is kept.  A stdout
    without a byte buffer (a ``StringIO`` a caller put there) gets the text itself.  A reader that
    went away (``| head``) ends the output, not the command: it runs on to its own exit code.
    """
    text = text if text.endswith("\n") else text + "\n"
    buffer = getattr(sys.stdout, "buffer", None)
    try:
        if buffer is None:
            sys.stdout.write(text)
            return
        sys.stdout.flush()
        buffer.write(text.encode(DATA_ENCODING))
        buffer.flush()
    except BrokenPipeError:
        _output_to_devnull()


def _output_to_devnull() -> None:
    """Point stdout at devnull (the Python docs' "Note on SIGPIPE"): nothing fails at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def tolerate_any_console_encoding() -> None:
    """Text for people never fails on the console's encoding: a character the encoding lacks (cp932
    has no 「—」, ascii no Japanese at all) is written as 「?」 instead of raising.

    The streams keep their encoding (a cp932 console or ``> log.txt`` gets cp932, as Notepad and
    Excel expect there); only the error handler changes.  Data goes out through :func:`write_data`.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="replace")
