"""「前年度と比べる」 in a real browser (Playwright, Debian's /usr/bin/chromium): two years uploaded in
one file field, the comparison's tables, the chart shown as a picture, the handout downloaded.  The
screenshot goes to ``$KOMAE_WEB_SCREENSHOTS`` (or a pytest temporary folder): look at it."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from typing import Any

from .compare_years import Years
from .test_web_browser import browser, page, screenshots, server, shoot  # noqa: F401  (fixtures)


def test_compare_two_years_see_the_table_and_the_chart_download_the_handout(
    page: Any,  # noqa: F811
    server: str,  # noqa: F811
    screenshots: Path,  # noqa: F811
    compare_years: Years,
    tmp_path: Path,
) -> None:
    page.goto(f"{server}/compare")
    page.set_input_files("#file", [str(compare_years.r7), str(compare_years.r6)])
    page.get_by_role("button", name="比べる").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "前年度との比較"
    summary = page.locator("#summary").inner_text()
    assert summary == "評価が下がった施策 1 件・上がった施策 2 件・結果が変わった事業 4 件・計画の見直し 2 件"
    caption = "2 重層的支援体制整備事業実施計画：評価が動いた施策が先"
    table = page.get_by_role("table", name=re.compile(caption))
    first = table.locator("tbody tr").first
    assert first.locator("th").inner_text() == "2 相談支援包括化推進体制の構築"
    chart = page.get_by_role("img", name=re.compile("令和6年度から令和7年度までの施策の評価の推移"))
    assert chart.count() == 1
    assert chart.evaluate("img => img.complete && img.naturalWidth") > 500  # the picture loaded
    shoot(page, screenshots, "compare_result")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("前年度との比較.docx をダウンロード")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "前年度との比較.docx"
    with zipfile.ZipFile(saved) as archive:
        assert "令和6年度と令和7年度の比較" in archive.read("word/document.xml").decode("utf-8")
