"""Inputs and outputs as the command line names them: ``-`` for the standard streams, suffix checks.

``-`` as an input (parse, check, grade) reads the document from standard input into a private
temporary file (the reader opens paths), and errors that name that file name 標準入力 instead.
``-`` as an output is allowed where the output is text for scripts (JSON, YAML); a Word document
never goes to standard output.  Outputs staff open by double-clicking must carry their suffix.
"""

from __future__ import annotations

import contextlib
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
