"""The commands wired to the other issues' API functions: ``make-template`` and ``draft --template``
(issue 9), ``finalize`` (issue 10), ``render``'s messages and ``serve`` (issue 11), through the CLI."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import urllib.request
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import read_report

from .conftest import EXAMPLE, writable_copy
from .test_cli import run

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, example_draft: Path, example_filled: Path) -> Path:
    """A fresh draft (r6.docx) and the same draft filled in with last year's texts (filled.docx).

    The filler leaves the 刊行物番号 as the draft has it (R7-〇〇): the tests give it with --number,
    so that a number finalize fails to write shows in its output.
    """
    here = tmp_path_factory.mktemp("cli_finalize")
    writable_copy(example_draft, here / "r6.docx")
    writable_copy(example_filled, here / "filled.docx")
    return here


def test_finalize_of_a_fresh_draft_lists_the_work_left_per_department_and_writes_nothing(
    folder: Path,
) -> None:
    done = run("finalize", "r6.docx", "-o", "r6_report.docx", "--pages", "fields", cwd=folder)
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    refusal = r"エラー：r6.docx：未記入・未確定が \d+ 件あるため、報告書を書き出しませんでした"
    assert re.match(refusal, lines[0])
    assert "■ 福祉政策課（" in done.stderr and "Traceback" not in done.stderr
    assert "Do 欄が空です" in done.stderr
    assert not (folder / "r6_report.docx").exists()


def paragraph_texts(docx: Path) -> list[str]:
    """Every body paragraph's text as Word shows it (runs joined), read from the file itself."""
    with zipfile.ZipFile(docx) as package:
        root = etree.fromstring(package.read("word/document.xml"))
    return ["".join(t.text or "" for t in p.iter(f"{W}t")) for p in root.iter(f"{W}p")]


def test_finalize_interim_version(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "interim.docx"
    done = run("finalize", folder / "r6.docx", "-o", out, "--allow-incomplete", "--pages", "fields")
    assert done.returncode == 0, done.stderr
    assert f"{out} に中間版を書き出しました。" in done.stdout
    assert "頁番号：Word で開くと更新されます。" in done.stdout
    texts = paragraph_texts(out)
    assert "令和6年度報告書（中間）" in texts, "the cover's report title is marked interim"
    titles = [t for t in texts if "評価総括表" in t and "令和6年度報告書" in t]
    assert len(titles) == 2 and all(t.endswith("評価総括表（中間）") for t in titles), titles


def test_the_final_version_is_not_marked_interim(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "final.docx"
    done = run("finalize", folder / "filled.docx", "-o", out, "--pages", "fields", "--number", "R7-15")
    assert done.returncode == 0, done.stderr
    texts = paragraph_texts(out)
    assert not [t for t in texts if "（中間）" in t]
    assert "刊行物番号\u3000R7-15" in texts, "the colophon carries the number given, as the city writes it"


def test_finalize_of_a_filled_draft_writes_the_report(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "r6_report.docx"
    done = run("finalize", folder / "filled.docx", "-o", out, "--pages", "fields", "--number", "R7-16")
    assert done.returncode == 0, done.stderr
    assert f"{out} に報告書を書き出しました。" in done.stdout
    assert "頁番号：Word で開くと更新されます。" in done.stdout
    assert done.stderr.startswith("情報：LibreOffice を使わなかったため")
    # The filler typed last year's texts and results: the grades are last year's published ones.
    published = json.loads(run("parse", out, "--json").stdout)
    last_year = json.loads(run("parse", EXAMPLE, "--json").stdout)
    assert _grades(published) == _grades(last_year) and "A" in _grades(published).values()
    assert published["publication"]["number"] == "R7-16"
    assert "刊行物番号\u3000R7-16" in paragraph_texts(out)
    month = published["publication"]["month"]
    assert (month["era"], month["era_year"], month["month"]) == ("令和", 7, 9)
    assert "".join(grade or "－" for grade in _grades(published).values()) == "AAAAC" + "AAAAAABA"


def _grades(model: dict) -> dict[str, str | None]:  # type: ignore[type-arg]
    measures = [
        m
        for plan in model["plans"]
        for m in (
            [m for g in plan["goals"] for p in g["policies"] for m in p["measures"]]
            if "goals" in plan
            else plan["measures"]
        )
    ]
    return {m["id"]: m["grade"] for m in measures}


def test_finalize_refuses_an_existing_output_and_an_odd_number(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "r6_report.docx"
    out.write_bytes(b"staff's file")
    done = run("finalize", folder / "filled.docx", "-o", out, "--pages", "fields")
    assert done.returncode == 2 and "--force" in done.stderr
    assert out.read_bytes() == b"staff's file"
    odd = run("finalize", folder / "filled.docx", "-o", tmp_path / "x.docx", "--number", "ABC")
    assert odd.returncode == 2 and "Traceback" not in odd.stderr
    assert not (tmp_path / "x.docx").exists()


def test_make_template_then_draft_with_it(folder: Path, tmp_path: Path) -> None:
    made = run("make-template", EXAMPLE, "-o", tmp_path / "template.docx")
    assert made.returncode == 0, made.stderr
    assert "--template" in made.stdout
    done = run("draft", EXAMPLE, "-o", tmp_path / "r6.docx", "--template", tmp_path / "template.docx")
    assert done.returncode == 0, done.stderr
    assert read_report(tmp_path / "r6.docx").fiscal_year.text == "令和6年度"


def test_render_round_trip_through_the_cli(tmp_path: Path) -> None:
    model = tmp_path / "r5.json"
    assert run("parse", EXAMPLE, "-o", model).returncode == 0
    done = run("render", model, "-o", tmp_path / "r5.docx")
    assert done.returncode == 0, done.stderr
    assert read_report(tmp_path / "r5.docx").fiscal_year.text == "令和5年度"


def test_serve_prints_its_address_answers_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "komae_docx", "serve", "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+/", first)
        assert url, first
        with urllib.request.urlopen(url[0], timeout=30) as response:
            assert response.status == 200
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()


def test_serve_on_a_taken_port_is_a_japanese_message() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        done = run("serve", "--port", str(port), "--no-browser")
    assert done.returncode == 2
    assert f"ポート {port} は使えません" in done.stderr and "Traceback" not in done.stderr



def test_check_layout_compares_printed_pages_with_libreoffice() -> None:
    """The example's printed page references match its own layout: no layout.* error."""
    from .docx_checks import soffice

    soffice()
    done = run("check", EXAMPLE, "--layout", "--json")
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr
    data = json.loads(done.stdout)
    errors = [f for f in data["findings"] if f["severity"] == "error"]
    assert errors == [], errors
