"""Issue 27: every command survives any console encoding.

On Japanese Windows a redirected stdout is cp932, which lacks 「—」 (U+2014, in the example report's
indicators); ``PYTHONIOENCODING=ascii`` lacks Japanese altogether.  Data for scripts (``--json``,
``-o -``, ``--changes -``) always goes out as UTF-8 bytes; text for people is written in the
console's encoding with 「?」 for what it lacks.  Every command, run as a script runs it, exits with
its usual code under both.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from komae_docx import api

from .conftest import EXAMPLE
from .filler import fill_draft, last_years_fill

ENCODINGS = ["cp932", "ascii"]
ODD_NAME = "r5—写し.docx"
"""The example under a name cp932 cannot write (「—」): every text line naming it must still go out."""


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example (also as r5—写し.docx), its draft r6.docx, the draft's copies (各課へ), the draft
    filled with last year's texts (filled.docx) and the example's model (r5.json)."""
    folder = tmp_path_factory.mktemp("encodings")
    shutil.copy(EXAMPLE, folder / "r5.docx")
    shutil.copy(EXAMPLE, folder / ODD_NAME)
    draft = api.draft(EXAMPLE, folder / "r6.docx").value.path
    api.split(draft, folder / "各課へ")
    fill = last_years_fill(api.read(EXAMPLE).value, api.read(draft).value)
    fill_draft(draft, folder / "filled.docx", fill)
    (folder / "r5.json").write_text(api.read(EXAMPLE).value.model_dump_json(), encoding="utf-8")
    return folder


def run(work: Path, encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0"}
    return subprocess.run(
        [sys.executable, "-m", "komae_docx", *args], capture_output=True, cwd=work, env=env, timeout=300
    )


# (arguments, usual exit code, what stdout carries: "json", "yaml" or "text"); {e} = the encoding
CASES: list[tuple[list[str], int, str]] = [
    (["parse", "r5.docx", "--json"], 0, "json"),
    (["parse", "r5.docx", "-o", "-"], 0, "json"),
    (["parse", ODD_NAME, "-v"], 0, "text"),
    (["parse", "r5.docx", "-o", "r5_{e}.json", "-v"], 0, "text"),
    (["schema", "report"], 0, "json"),
    (["check", "r5.docx", "--json"], 0, "json"),
    (["check", ODD_NAME, "-v"], 0, "text"),
    (["grade", "r5.docx", "--json"], 0, "json"),
    (["grade", ODD_NAME, "-v"], 0, "text"),
    (["grade", "r6.docx", "--json"], 4, "json"),  # a fresh draft: no grade yet
    (["status", "r6.docx", "--json"], 4, "json"),  # everything still to fill in
    (["status", "r6.docx", "-v"], 4, "text"),
    (["results-template", "r6.docx", "-o", "-"], 0, "yaml"),
    (["draft", "r5.docx", "-o", "d_{e}.docx", "--changes", "-"], 0, "json"),
    (["draft", ODD_NAME, "-o", "d2_{e}.docx", "-v"], 0, "text"),
    (["make-template", "r5.docx", "-o", "t_{e}.docx", "-v"], 0, "text"),
    (["split", "r6.docx", "-o", "split_{e}", "-v"], 0, "text"),
    (["merge", "r6.docx", "各課へ", "-o", "m_{e}.docx", "--changes", "-"], 0, "json"),
    (["merge", "r6.docx", "各課へ", "-o", "m2_{e}.docx", "-v"], 0, "text"),
    (["finalize", "r6.docx", "-o", "no_{e}.docx", "-v"], 1, "text"),  # nothing filled in yet
    (
        ["finalize", "filled.docx", "-o", "f_{e}.docx", "--number", "R7-15", "--pages", "fields", "-v"],
        0,
        "text",
    ),
    (["render", "r5.json", "-o", "r_{e}.docx", "-v"], 0, "text"),
    (["parse", "無い—報告書.docx", "-v"], 2, "text"),  # the refusal names a file cp932 cannot write
    (["merge", "-h"], 0, "text"),
]


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize(("args", "code", "carries"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_every_command_keeps_its_exit_code(
    work: Path, encoding: str, args: list[str], code: int, carries: str
) -> None:
    done = run(work, encoding, *(arg.replace("{e}", encoding) for arg in args))
    assert done.returncode == code, done.stderr.decode(encoding, "replace")
    assert b"Traceback" not in done.stderr and b"UnicodeEncodeError" not in done.stderr
    if carries == "json":
        json.loads(done.stdout.decode("utf-8"))
    elif carries == "yaml":
        assert yaml.safe_load(done.stdout.decode("utf-8"))
    else:
        done.stdout.decode(encoding)  # text for people in the console's own encoding
    done.stderr.decode(encoding)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_json_goes_out_as_utf8_with_the_dash_cp932_lacks(work: Path, encoding: str) -> None:
    done = run(work, encoding, "parse", "r5.docx", "--json")
    assert done.returncode == 0
    model = json.loads(done.stdout.decode("utf-8"))
    assert model["fiscal_year"] == {"era": "令和", "era_year": 5, "western_year": 2023}
    assert '"indicator": "—"' in done.stdout.decode("utf-8")


def test_text_for_people_replaces_what_cp932_lacks(work: Path) -> None:
    done = run(work, "cp932", "parse", ODD_NAME)
    assert done.returncode == 0
    assert done.stdout.decode("cp932").splitlines()[0] == "令和5年度 進捗管理報告書（r5?写し.docx）"


def test_a_refusal_on_an_ascii_console_still_says_where(work: Path) -> None:
    done = run(work, "ascii", "parse", "無い—報告書.docx")
    assert done.returncode == 2
    assert done.stderr.decode("ascii").startswith("??????????.docx?")


def test_yaml_goes_out_as_utf8(work: Path) -> None:
    done = run(work, "cp932", "results-template", "r6.docx", "-o", "-")
    assert done.returncode == 0
    text = done.stdout.decode("utf-8")
    assert "未評価" in text
    assert all(value == "未評価" for value in yaml.safe_load(text).values())


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_serve_prints_its_address_and_stops_with_0(tmp_path: Path, encoding: str) -> None:
    env = {**os.environ, "PYTHONIOENCODING": encoding, "PYTHONUTF8": "0", "TMPDIR": str(tmp_path)}
    process = subprocess.Popen(
        [sys.executable, "-m", "komae_docx", "serve", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert process.stdout is not None
    first = process.stdout.readline().decode(encoding)
    address = re.search(r"http://127\.0\.0\.1:\d+/", first)
    assert address is not None, first
    _wait_until_served(address.group(0))  # (a Ctrl+C before uvicorn starts is an interruption: 130)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 0, err.decode(encoding, "replace")
    assert re.search(r"http://127\.0\.0\.1:\d+/$", first.strip())
    assert b"Traceback" not in err


def _wait_until_served(address: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(address, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError(f"{address} never answered")
