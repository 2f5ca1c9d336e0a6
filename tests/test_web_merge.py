"""The page's fourth screen, 「各課の記入をまとめる」, and the split copies offered as one .zip by
「翌年度の案を作る」 (issue 18), in-process as in test_web.py."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import etree
from starlette.testclient import TestClient

from komae_docx import api
from komae_docx.frontends.web import create_app

from .conftest import EXAMPLE
from .filler import type_do
from .test_web import DOCX_TYPE, LOCAL, download_links, error_summary, field_error, lead_sentence

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def split(tmp_path_factory: pytest.TempPathFactory, example_draft: Path) -> tuple[Path, dict[str, Path]]:
    folder = tmp_path_factory.mktemp("web-merge")
    draft = example_draft
    return draft, {c.department: c.path for c in api.split(draft, folder / "copies").value.copies}


def typed(split: tuple[Path, dict[str, Path]], department: str, do: str, folder: Path) -> Path:
    """The department's copy with the shared 重層 4 (3) project's Do typed in."""
    _, copies = split
    return type_do(copies[department], folder / copies[department].name, do)


def post_merge(client: TestClient, draft: Path | None, copies: list[Path]) -> Any:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    files = [("file", (draft.name, draft.read_bytes(), DOCX_TYPE))] if draft is not None else []
    files += [("copies", (copy.name, copy.read_bytes(), DOCX_TYPE)) for copy in copies]
    return client.post("/merge", data={"csrf_token": token}, files=files, follow_redirects=False)


def table_rows(html: str, caption: str) -> list[list[str]]:
    table = re.search(rf"<caption>{caption}（\d+ 件）</caption>(.*?)</table>", html, re.DOTALL)
    assert table is not None, caption
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1), re.DOTALL)[1:]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, re.DOTALL)]
        for row in rows
    ]


def test_the_fourth_screen_takes_the_draft_and_several_copies(client: TestClient) -> None:
    page = client.get("/merge")
    assert page.status_code == 200
    assert lead_sentence(page.text).startswith(
        "もとの報告書（案）と、各課が記入して戻した写しをアップロードすると"
    )
    assert re.search(r'<input id="copies" name="copies" type="file" multiple', page.text)
    assert '<a href="/merge">各課の記入をまとめる</a>' in client.get("/").text


def test_merging_shows_who_filled_what_and_offers_the_merged_draft(
    client: TestClient, split: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    health = typed(split, "健康推進課", "妊婦面談を全員に行った。", tmp_path)
    sent = post_merge(client, split[0], [health])
    assert sent.status_code == 303 and sent.headers["location"].startswith("/merge/")
    page = client.get(sent.headers["location"])
    assert "各課の記入をまとめました" in page.text
    rows = table_rows(page.text, "取り込んだ記入")
    assert rows == [
        [
            "第1章 2 重層的支援体制整備事業実施計画 シート4(24頁) 4行 Do欄 事業 p2-4-(3)",
            "r6_draft_健康推進課.docx",
            "健康推進課",
            "妊婦面談を全員に行った。",
        ]
    ]
    links = download_links(page.text)
    merged = client.get(links[0])
    assert merged.headers["content-type"] == DOCX_TYPE
    path = tmp_path / "merged.docx"
    path.write_bytes(merged.content)
    project = next(p for _, _, p in api.read(path).value.iter_projects() if p.id == "p2-4-(3)")
    assert project.entries[0].do == ["妊婦面談を全員に行った。"]
    log = client.get(links[1]).content.decode("utf-8-sig")
    assert "r6_draft_健康推進課.docx（健康推進課）" in log and "komae-docx-web" not in log


def test_a_conflict_is_shown_in_a_table_and_settled_by_choosing_a_copy(
    client: TestClient, split: tuple[Path, dict[str, Path]], tmp_path: Path
) -> None:
    first = typed(split, "健康推進課", "健康推進課の文", tmp_path)
    second = typed(split, "子ども政策課", "子ども政策課の文", tmp_path)
    page = client.get(post_merge(client, split[0], [first, second]).headers["location"])
    assert "<h1>食い違いがあります</h1>" in page.text and download_links(page.text) == []
    [conflict] = table_rows(page.text, "同じ欄に違う記入")
    assert conflict[1:] == [
        "r6_draft_健康推進課.docx ／ r6_draft_子ども政策課.docx",
        "健康推進課 ／ 子ども政策課",
        "健康推進課の文",
        "子ども政策課の文",
    ]
    assert "事業 p2-4-(3)" in conflict[0] and "シート4(24頁)" in conflict[0]
    job = re.search(r'action="(/merge/[^"]+)"', page.text)
    assert job is not None
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    chosen = client.post(job.group(1), data={"csrf_token": token, "prefer": "1"}, follow_redirects=False)
    assert chosen.status_code == 303
    settled = client.get(chosen.headers["location"])
    assert "各課の記入をまとめました" in settled.text
    path = tmp_path / "settled.docx"
    path.write_bytes(client.get(download_links(settled.text)[0]).content)
    project = next(p for _, _, p in api.read(path).value.iter_projects() if p.id == "p2-4-(3)")
    assert project.entries[0].do == ["子ども政策課の文"]


def test_a_copy_of_another_report_is_refused_on_the_copies_field(
    client: TestClient, split: tuple[Path, dict[str, Path]]
) -> None:
    page = post_merge(client, split[0], [EXAMPLE])
    assert page.status_code == 400
    assert list(error_summary(page.text)) == ["#copies"]
    message = (
        "r5_report.docx：このファイルは公表済みの報告書（令和5年度）で、"
        "この案（令和6年度）の写しではありません"
    )
    assert message in field_error(page.text, "copies")


def test_the_form_asks_for_the_copies(client: TestClient, split: tuple[Path, dict[str, Path]]) -> None:
    page = post_merge(client, split[0], [])
    assert page.status_code == 400
    assert "写しが選ばれていません。" in field_error(page.text, "copies")


def test_the_draft_result_offers_the_copies_per_department_as_one_zip(client: TestClient) -> None:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    files = {"file": ("r5_report.docx", EXAMPLE.read_bytes(), DOCX_TYPE)}
    sent = client.post("/draft", data={"csrf_token": token}, files=files)
    zips = [link for link in download_links(sent.text) if link.endswith(".zip")]
    assert len(zips) == 1
    got = client.get(zips[0])
    assert got.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(got.content)) as archive:
        names = archive.namelist()
        assert len(names) == 8 and "令和6年度_報告書案_福祉政策課.docx" in names
        with zipfile.ZipFile(io.BytesIO(archive.read(names[0]))) as copy:
            settings = etree.fromstring(copy.read("word/settings.xml"))
    assert settings.find(f"{W}documentProtection") is not None
