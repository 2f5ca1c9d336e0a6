"""Every command (parse, check, grade, draft, render) on hostile input and unsafe outputs.

The package-level cases (zip bombs, OLE, macros, DOCTYPE, …) are in test_package.py; here the same
kinds of file go through the command line, which must answer in Japanese with the file name, exit 2,
print no traceback, and leave the input untouched.
"""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from .conftest import EXAMPLE
from .test_cli import run


def fingerprint(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


def hostile_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name → (file, a phrase its message must contain)."""
    text = tmp / "memo.docx"
    text.write_text("議事メモ\n", encoding="utf-8")
    docm = tmp / "macro.docx"
    with zipfile.ZipFile(EXAMPLE) as zin, zipfile.ZipFile(docm, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename))
        zout.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro")
    truncated = tmp / "truncated.docx"
    truncated.write_bytes(EXAMPLE.read_bytes()[:20000])
    ole = tmp / "locked.docx"
    ole_magic = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    ole.write_bytes(ole_magic + b"\x00" * 504 + "EncryptedPackage".encode("utf-16-le"))
    return {
        "text": (text, "Word 文書(.docx)ではありません"),
        "macro": (docm, "マクロ"),
        "truncated": (truncated, "壊れ"),
        "encrypted-or-ole": (ole, "保存し直してください"),
    }


COMMANDS = {
    "parse": lambda f, out: ["parse", f],
    "check": lambda f, out: ["check", f],
    "grade": lambda f, out: ["grade", f],
    "draft": lambda f, out: ["draft", f, "-o", out],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("kind", ["text", "macro", "truncated", "encrypted-or-ole"])
def test_each_command_refuses_hostile_input_cleanly(tmp_path: Path, command: str, kind: str) -> None:
    path, phrase = hostile_files(tmp_path)[kind]
    before = fingerprint(path)
    out = tmp_path / "out.docx"
    done = run(*COMMANDS[command](path, out))
    assert done.returncode == 2, done.stdout + done.stderr
    assert path.name in done.stderr and phrase in done.stderr
    assert "Traceback" not in done.stderr
    assert fingerprint(path) == before
    assert not out.exists()
    assert list(tmp_path.glob(".*.tmp")) == []


def test_render_refuses_a_file_that_is_not_a_report_model(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text('{"plans": 1}', encoding="utf-8")
    done = run("render", bad, "-o", tmp_path / "out.docx")
    assert done.returncode == 2 and "model.json" in done.stderr and "Traceback" not in done.stderr


def test_draft_never_writes_onto_its_input_even_with_force(tmp_path: Path) -> None:
    copy = tmp_path / "r5.docx"
    shutil.copyfile(EXAMPLE, copy)
    before = fingerprint(copy)
    done = run("draft", copy, "-o", copy, "--force")
    assert done.returncode == 2 and "入力ファイルと同じ" in done.stderr
    assert fingerprint(copy) == before


def test_draft_keeps_an_existing_output_without_force_and_leaves_no_temp_files(tmp_path: Path) -> None:
    out = tmp_path / "r6.docx"
    out.write_bytes(b"staff's own file")
    copy = tmp_path / "r5.docx"
    shutil.copyfile(EXAMPLE, copy)
    before = fingerprint(copy)
    refused = run("draft", copy, "-o", out)
    assert refused.returncode == 2 and "--force" in refused.stderr
    assert out.read_bytes() == b"staff's own file"
    assert run("draft", copy, "-o", out, "--force").returncode == 0
    assert zipfile.is_zipfile(out)
    assert fingerprint(copy) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
