"""The page's 「ホームページ用に書き出す」: upload a published report, download one .zip with the PDF,
the CSVs and the 説明 (issue 25).  In-process, as tests/test_web.py drives the app."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from komae_docx import api
from komae_docx.frontends.web import create_app
from komae_docx.layout import libreoffice_available

from .conftest import EXAMPLE

LOCAL = "http://127.0.0.1"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path), base_url=LOCAL) as test_client:
        yield test_client


def upload(client: TestClient, file: Path) -> Any:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    files = {"file": (file.name, file.read_bytes(), DOCX_TYPE)}
    return client.post("/publish", data={"csrf_token": token}, files=files)


def test_the_home_page_leads_to_the_screen(client: TestClient) -> None:
    home = client.get("/").text
    assert 'href="/publish"' in home and "ホームページ用に書き出す" in home
    form = client.get("/publish")
    assert form.status_code == 200 and 'action="/publish"' in form.text


def test_a_published_report_comes_back_as_one_zip(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not libreoffice_available():  # the .zip then holds the data only, and says why
        monkeypatch.setattr("komae_docx.layout.libreoffice_available", lambda: False)
    done = upload(client, EXAMPLE)
    assert done.status_code == 200, done.text
    assert "ホームページ用のファイルができました" in done.text
    link = re.search(r'href="(/download/[^"]+\.zip)"', done.text)
    assert link is not None
    bundle = client.get(link.group(1))
    assert bundle.status_code == 200 and bundle.headers["content-type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(bundle.content)) as archive:
        names = sorted(archive.namelist())
        measures = archive.read("r5_report_施策.csv").decode("utf-8-sig")
    expected = ["r5_report_事業.csv", "r5_report_施策.csv", "r5_report_説明.txt"]
    if libreoffice_available():
        expected = ["r5_report.pdf", *expected]
    assert names == sorted(expected)
    assert measures.splitlines()[1].startswith("132195,東京都,狛江市,令和5年度,2023,地域福祉計画,1－(1),")


def test_a_draft_is_refused_on_the_form(client: TestClient, tmp_path: Path) -> None:
    draft = api.draft(EXAMPLE, tmp_path / "r6_draft.docx").value.path
    refused = upload(client, draft)
    assert refused.status_code == 400
    assert "記入前の報告書（案）" in refused.text
    assert "ホームページ用に書き出すのは公表済みの報告書" in refused.text
