"""「ホームページ用に書き出す」 in real Chromium: choose the report, press the button, download the .zip.

The browser, the server and the upload helper are those of tests/test_web_browser.py.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

from komae_docx.layout import libreoffice_available

from .conftest import EXAMPLE
from .test_web_browser import browser, page, server, upload

__all__ = ["browser", "page", "server"]  # fixtures, imported for pytest


def test_the_report_for_the_website_is_downloaded_as_one_zip(page: Any, server: str, tmp_path: Path) -> None:
    page.goto(server + "/")
    page.get_by_role("link", name="ホームページ用に書き出す").first.click()
    assert page.locator("h1").inner_text() == "ホームページ用に書き出す"
    upload(page, server, "/publish", EXAMPLE, "ホームページ用に書き出す")
    page.get_by_role("heading", name="ホームページ用のファイルができました").wait_for(timeout=180_000)
    with page.expect_download() as download:
        page.get_by_role("link", name="まとめてダウンロード（r5_report_ホームページ用.zip）").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(str(saved))
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as archive:
        names = set(archive.namelist())
    assert {"r5_report_施策.csv", "r5_report_事業.csv", "r5_report_説明.txt"} <= names
    assert ("r5_report.pdf" in names) == libreoffice_available()
