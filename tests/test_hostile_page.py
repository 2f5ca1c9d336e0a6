"""The hostile set through the local page and the CLI alike, and 20 uploads at once (issue 13).

Each hostile file is the example made dangerous one way — XXE, billion laughs, a zip bomb, an entry
declaring a huge size, a name climbing out of the folder, a macro, encryption — and must be refused
the same way on both front ends: a Japanese message naming the file and the reason, no traceback,
nothing of another file shown, nothing written, the input untouched, the server still answering.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from komae_docx import api
from komae_docx.errors import KomaeDocxError
from komae_docx.frontends.web import create_app
from komae_docx.opcnames import STRICT_REL_PREFIX as _STRICT_REL_PREFIX
from komae_docx.opcnames import STRICT_TO_TRANSITIONAL as _STRICT_TO_TRANSITIONAL
from komae_docx.opcnames import TRANSITIONAL_REL_PREFIX as _TRANSITIONAL_REL_PREFIX

from .conftest import EXAMPLE
from .test_package import (
    BILLION_LAUGHS,
    example_entries,
    fake_ole,
    patch_zip_entry,
    set_uncompressed_size,
    write_zip,
    xxe_document,
)

LOCAL = "http://127.0.0.1"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECRET = "komae-hostile-secret-7d41"
SCREENS = ("/draft", "/status", "/finalize")
CLI = Path(sys.executable).parent / "komae-docx"


def hostile_set(folder: Path) -> dict[str, tuple[Path, str]]:
    """kind → (the example made hostile that way, a phrase its refusal must contain)."""
    folder.mkdir(parents=True, exist_ok=True)
    secret = folder / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")

    def variant(name: str, **parts: bytes) -> Path:
        return write_zip(folder / name, {**example_entries(), **parts})

    huge = variant("huge_entry.docx")
    patch_zip_entry(huge, "word/document.xml", set_uncompressed_size(0xFFFFFFF0))
    bomb = variant("zip_bomb.docx")
    with zipfile.ZipFile(bomb, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("word/media/zeros.bin", bytes(64 * 1024 * 1024))
    encrypted = folder / "encrypted.docx"
    encrypted.write_bytes(fake_ole("EncryptionInfo", "EncryptedPackage"))
    return {
        "xxe": (variant("xxe.docx", **{"word/document.xml": xxe_document(secret).encode()}), "DTD"),
        "billion-laughs": (variant("laughs.docx", **{"word/document.xml": BILLION_LAUGHS.encode()}), "DTD"),
        "zip-bomb": (bomb, "zip 爆弾"),
        "huge-entry": (huge, "展開後"),
        "traversal": (variant("traversal.docx", **{"../../evil.txt": b"x"}), "安全でないエントリ名"),
        "macro": (variant("macro.docx", **{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}), "マクロ"),
        "encrypted": (encrypted, "パスワード"),
    }


KINDS = ["xxe", "billion-laughs", "zip-bomb", "huge-entry", "traversal", "macro", "encrypted"]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, str]]:
    return hostile_set(tmp_path_factory.mktemp("hostile"))


def to_strict(source: Path, target: Path) -> Path:
    """``source`` saved as Strict OOXML (ISO/IEC 29500 Strict namespaces and relationship types)."""
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.endswith((".xml", ".rels")):
                for strict, transitional in _STRICT_TO_TRANSITIONAL.items():
                    data = data.replace(f'"{transitional}"'.encode(), f'"{strict}"'.encode())
                data = data.replace(_TRANSITIONAL_REL_PREFIX.encode(), _STRICT_REL_PREFIX.encode())
            zout.writestr(item, data)
    return target


def fingerprint(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def upload(client: Any, screen: str, file: Path, name: str | None = None) -> Any:
    token = client.app.state.csrf_token
    files = {"file": (name or file.name, file.read_bytes(), DOCX_TYPE)}
    return client.post(screen, data={"csrf_token": token}, files=files)


@pytest.fixture
def app(tmp_path: Path) -> Any:
    (tmp_path / "page").mkdir()
    return create_app(tmp_path / "page")


@pytest.fixture
def client(app: Any) -> Any:
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("kind", KINDS)
def test_the_page_refuses_each_hostile_file_on_every_screen(
    client: Any, app: Any, hostile: dict[str, tuple[Path, str]], kind: str
) -> None:
    file, phrase = hostile[kind]
    before = fingerprint(file)
    for screen in SCREENS:
        page = upload(client, screen, file)
        assert page.status_code == 400, (screen, page.status_code)
        assert file.name in page.text and phrase in page.text, screen
        assert SECRET not in page.text
        assert "Traceback" not in page.text and 'File "' not in page.text
        assert list(app.state.store.root.iterdir()) == [], "a refused upload leaves no job behind"
    assert fingerprint(file) == before
    assert client.get("/").status_code == 200, "the server keeps serving"


def test_a_strict_ooxml_report_is_read_on_the_page(client: Any, tmp_path: Path) -> None:
    strict = to_strict(EXAMPLE, tmp_path / "strict.docx")
    page = upload(client, "/finalize", strict)
    said = "strict.docx：これは公表済みの報告書です。" + (
        "『翌年度の案を作る』か『記入状況を見る』を使ってください。"
    )
    assert page.status_code == 400 and said in page.text, "read, and judged as what it is: a published report"


def test_a_strict_ooxml_report_is_refused_by_name(client: Any, tmp_path: Path) -> None:
    """The API refuses to draft from Strict OOXML (below), so the page answers 400, never a draft."""
    strict = to_strict(EXAMPLE, tmp_path / "strict.docx")
    page = upload(client, "/draft", strict)
    assert page.status_code == 400, page.text[:500]
    assert "/download/" not in page.text
    assert "strict.docx" in page.text and "KeyError" not in page.text
    assert "Strict Open XML" in page.text and "保存し直してください" in page.text


def test_drafting_a_strict_ooxml_report_is_refused_in_japanese_and_writes_nothing(tmp_path: Path) -> None:
    """The reader translates Strict names to Transitional; the draft would write them back mixed."""
    strict = to_strict(EXAMPLE, tmp_path / "strict.docx")
    before = fingerprint(strict)
    with pytest.raises(KomaeDocxError, match="Strict Open XML 形式の文書は下書きの元にできません") as refused:
        api.draft(strict, tmp_path / "r6_draft.docx")
    assert "strict.docx" in str(refused.value) and "Word 文書 (*.docx)" in str(refused.value)
    assert not (tmp_path / "r6_draft.docx").exists()
    assert fingerprint(strict) == before


def without_package_relationships(folder: Path) -> Path:
    """The example without ``_rels/.rels``: the reader finds the main part by its content type."""
    entries = example_entries()
    del entries["_rels/.rels"]
    return write_zip(folder / "no_rels.docx", entries)


def test_a_report_without_package_relationships_is_still_read(tmp_path: Path) -> None:
    assert api.read(without_package_relationships(tmp_path)).value.fiscal_year.text == "令和5年度"


def test_a_report_without_package_relationships_is_drafted_on_the_page(client: Any, tmp_path: Path) -> None:
    """The reader finds the main part by its content type (below), so the page offers the draft."""
    source = without_package_relationships(tmp_path)
    page = upload(client, "/draft", source)
    assert page.status_code == 200, page.text[:500]
    assert "no_rels.docx" in page.text and "/download/" in page.text


def test_a_report_without_package_relationships_is_drafted(tmp_path: Path) -> None:
    """The reader accepts it (main part by content type), so the draft gets its own ``_rels/.rels``."""
    source = without_package_relationships(tmp_path)
    made = api.draft(source, tmp_path / "r6_draft.docx").value
    assert [c.new for c in made.changes if c.field == "fiscal_year"] == ["令和6年度（2024年度）"]
    with zipfile.ZipFile(made.path) as archive:
        assert "_rels/.rels" in archive.namelist()
    drafted = api.read(made.path).value
    assert drafted.fiscal_year.text == "令和6年度"
    assert [plan.key for plan in drafted.plans] == [plan.key for plan in api.read(EXAMPLE).value.plans]


# --------------------------------------------------------------------------- the CLI


def run_cli(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLI), *map(str, args)], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("kind", KINDS)
def test_the_cli_refuses_each_hostile_file_the_same_way(
    hostile: dict[str, tuple[Path, str]], tmp_path: Path, kind: str
) -> None:
    file, phrase = hostile[kind]
    before = fingerprint(file)
    out = tmp_path / "out.docx"
    for args in (("parse", file), ("draft", file, "-o", out)):
        done = run_cli(*args)
        assert done.returncode == 2, (args[0], done.stdout, done.stderr)
        assert file.name in done.stderr and phrase in done.stderr, args[0]
        assert SECRET not in done.stdout + done.stderr
        assert "Traceback" not in done.stderr
    assert not out.exists()
    assert fingerprint(file) == before


def test_the_cli_reads_a_strict_ooxml_report(tmp_path: Path) -> None:
    done = run_cli("parse", to_strict(EXAMPLE, tmp_path / "strict.docx"))
    assert done.returncode == 0, done.stderr
    assert "令和5年度" in done.stdout


# --------------------------------------------------------------------------- 20 at once


def peak_rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmHWM:\s+(\d+)", status)
    return int(match.group(1)) / 1024 if match else 0.0


def rss_mb() -> float:
    match = re.search(r"VmRSS:\s+(\d+)", Path("/proc/self/status").read_text())
    return int(match.group(1)) / 1024 if match else 0.0


def test_twenty_uploads_at_once_never_mix_and_the_server_keeps_answering(
    app: Any, hostile: dict[str, tuple[Path, str]], example_draft: Path, example_finalized: Path
) -> None:
    """Eight drafts (two years, so a mix-up shows in the draft's year), five status screens and
    seven hostile files, all in flight together, with the home page asked for meanwhile."""
    import httpx2

    r6_draft = example_draft
    r6 = example_finalized  # the R6 report, published (number R7-15): next year's source
    uploads: dict[str, tuple[str, Path, str]] = {}
    for n in range(4):
        uploads[f"r5_{n}.docx"] = ("/draft", EXAMPLE, "令和6年度")
        uploads[f"r6_{n}.docx"] = ("/draft", r6, "令和7年度")
    for n in range(5):
        uploads[f"status_{n}.docx"] = ("/status", r6_draft, "")
    for kind in KINDS:
        file, phrase = hostile[kind]
        uploads[f"{kind}_{file.name}"] = ("/draft", file, phrase)
    assert len(uploads) == 20
    token = app.state.csrf_token
    rss_before = rss_mb()

    async def one(client: Any, name: str) -> tuple[str, int, str, bytes]:
        screen, file, _ = uploads[name]
        page = await client.post(
            screen, data={"csrf_token": token}, files={"file": (name, file.read_bytes(), DOCX_TYPE)}
        )
        link = re.search(r'href="(/download/[^"]+\.docx)"', page.text)
        content = (await client.get(link.group(1))).content if link and screen == "/draft" else b""
        return name, page.status_code, page.text, content

    async def home_pages(client: Any) -> list[int]:
        codes = []
        for _ in range(10):
            await asyncio.sleep(0.2)
            codes.append((await client.get("/")).status_code)
        return codes

    async def all_at_once() -> tuple[list[tuple[str, int, str, bytes]], list[int]]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(
            transport=transport, base_url=LOCAL, timeout=300, follow_redirects=True
        ) as client:
            pages = asyncio.gather(*(one(client, name) for name in uploads))
            return await asyncio.gather(pages, home_pages(client))

    results, homes = asyncio.run(all_at_once())
    assert homes == [200] * 10, "the home page answers while twenty uploads are in flight"
    for name, status, html, content in results:
        screen, _, expected = uploads[name]
        others = [other for other in uploads if other != name]
        assert f"「{name}」" in html or name in html, name
        assert not any(f"「{other}」" in html for other in others), f"{name}'s page names another upload"
        if name.startswith(tuple(KINDS)):
            assert status == 400 and expected in html and SECRET not in html, name
        elif screen == "/draft":
            assert status == 200, (name, html[:300])
            with zipfile.ZipFile(io.BytesIO(content)) as package:
                body = package.read("word/document.xml").decode("utf-8")
            assert expected in body, f"{name}'s draft is another file's"
        else:
            assert status == 200, (name, html[:300])
    assert peak_rss_mb() - rss_before < 400, "twenty uploads at once stay within a bounded memory"
    app.state.store.close()
