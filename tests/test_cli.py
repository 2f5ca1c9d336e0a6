"""The command line as staff and IT staff use it: real files, real exit codes, Japanese messages."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import EXAMPLE, corpus_files


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "komae_docx", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_parse_prints_a_japanese_summary() -> None:
    done = run("parse", EXAMPLE)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "令和5年度 進捗管理報告書" in out
    assert "1 地域福祉計画：施策 5・シート 7・事業 5・Do/Act 9・委員会意見 8" in out
    assert "2 重層的支援体制整備事業実施計画：施策 8・シート 10・事業 26" in out
    assert "B  7 アウトリーチ等事業の実施" in out
    assert "C  3－(1)" in out
    assert "警告 0 件" in out


def test_parse_json_is_the_whole_model() -> None:
    done = run("parse", EXAMPLE, "--json")
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert data["fiscal_year"] == {"era": "令和", "era_year": 5, "western_year": 2023}
    assert len(data["plans"]) == 2


def test_parse_writes_json_and_refuses_to_overwrite(tmp_path: Path) -> None:
    out = tmp_path / "r5.json"
    assert run("parse", EXAMPLE, "-o", out).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))["publication"]["number"] == "R6-22"
    again = run("parse", EXAMPLE, "-o", out)
    assert again.returncode != 0 and "--force" in again.stderr
    assert run("parse", EXAMPLE, "-o", out, "--force").returncode == 0


def test_parse_never_writes_onto_its_input(tmp_path: Path) -> None:
    copy = tmp_path / "r5.docx"
    copy.write_bytes(EXAMPLE.read_bytes())
    before = hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns
    done = run("parse", copy, "-o", copy, "--force")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns) == before


def test_schema_is_json_schema() -> None:
    done = run("schema")
    schema = json.loads(done.stdout)
    assert schema["title"] == "Report" and "plans" in schema["properties"]


@pytest.mark.parametrize(
    "content, phrase",
    [
        (b"", "空"),
        (b"hello, this is text\n", "Word"),
        (b"PK\x03\x04broken", "壊れ"),
    ],
)
def test_bad_files_get_a_japanese_message_and_no_traceback(
    tmp_path: Path, content: bytes, phrase: str
) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(content)
    done = run("parse", bad)
    assert done.returncode == 2
    assert "bad.docx" in done.stderr and phrase in done.stderr
    assert "Traceback" not in done.stderr


def test_missing_file(tmp_path: Path) -> None:
    done = run("parse", tmp_path / "nothing.docx")
    assert done.returncode == 2 and "nothing.docx" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_every_corpus_file_is_refused_cleanly(path: Path) -> None:
    done = run("parse", path)
    assert done.returncode == 2, done.stdout
    assert path.name in done.stderr
    assert "Traceback" not in done.stderr
    assert "報告書" in done.stderr or "Word" in done.stderr


def test_corpus_present_or_skipped(shared_dir: Path) -> None:
    assert len(corpus_files()) >= 10


def test_debug_shows_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    done = run("--debug", "parse", bad)
    assert done.returncode == 2 and "Traceback" in done.stderr
