"""The local page in a real browser: Playwright driving Debian's Chromium (/usr/bin/chromium).

The server is the real ``serve`` entry point (:func:`komae_docx.frontends.web.server.run`) in its own
process.  Screenshots of every screen go to ``$KOMAE_WEB_SCREENSHOTS`` (or a pytest temporary folder):
look at them after a change of the templates or the style sheet.

Playwright's own browser download cannot work on these machines: never run ``playwright install``.
Without /usr/bin/chromium (or Playwright) these tests skip, except in CI (``CI`` set), where .ci/run
installs both and a missing one is a failure.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from komae_docx import api

from .conftest import EXAMPLE
from .test_safety_cli import hostile_files

CHROMIUM = Path("/usr/bin/chromium")


def _missing(what: str) -> None:
    if os.environ.get("CI"):  # .ci/run installs them: a missing browser there is a defect
        pytest.fail(f"{what} is missing in CI")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("playwright (Python package)")
    if not CHROMIUM.exists():
        _missing(str(CHROMIUM))
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM))
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``komae-docx serve --no-browser`` on a free port; its address."""
    temp = tmp_path_factory.mktemp("serve-tmp")
    code = "from komae_docx.frontends.web.server import run; raise SystemExit(run(None, False))"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(temp)},
    )
    assert process.stdout is not None
    match = re.search(r"http://127\.0\.0\.1:\d+/", process.stdout.readline())
    assert match is not None, process.stderr.read() if process.stderr else ""
    yield match.group(0).rstrip("/")
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=30)
    assert process.returncode == 0


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("KOMAE_WEB_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    viewport = {"width": 1100, "height": 800}
    context = browser.new_context(accept_downloads=True, locale="ja-JP", viewport=viewport)
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def r6_draft(example_draft: Path) -> Path:
    return example_draft


def shoot(page: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return path


def upload(page: Any, server: str, screen: str, file: Path, button: str) -> None:
    page.goto(f"{server}{screen}")
    page.set_input_files("#file", str(file))
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state()


# --------------------------------------------------------------------------- the three jobs


def test_upload_the_example_download_the_draft_and_read_it(
    page: Any, server: str, screenshots: Path, tmp_path: Path
) -> None:
    upload(page, server, "/draft", EXAMPLE, "翌年度の案を作る")
    assert page.locator("h1").inner_text() == "翌年度の案ができました"
    assert "令和5年度" in page.locator(".lead").inner_text()
    assert page.get_by_role("table", name=re.compile("1 地域福祉計画")).count() == 1
    shoot(page, screenshots, "2_draft_result")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("報告書（案）をダウンロード")).click()
    assert download.value.suggested_filename == "r5_report_翌年度案.docx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(str(saved))
    draft = api.read(saved).value
    assert draft.fiscal_year.text == "令和6年度"
    assert [plan.heading for plan in draft.plans] == ["1 地域福祉計画", "2 重層的支援体制整備事業実施計画"]
    with page.expect_download() as log:
        page.get_by_role("link", name=re.compile("変更の一覧をダウンロード")).click()
    assert log.value.suggested_filename == "r5_report_変更一覧.txt"


def test_a_broken_upload_is_refused_on_its_form_with_the_fix(
    page: Any, server: str, screenshots: Path, tmp_path: Path
) -> None:
    truncated, _ = hostile_files(tmp_path)["truncated"]
    upload(page, server, "/draft", truncated, "翌年度の案を作る")
    assert page.locator("h1").inner_text() == "翌年度の案を作る", "the form it came from, not an error page"
    assert page.title().startswith("エラー：")
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary", "the summary takes the focus"
    said = "truncated.docx：ファイルが壊れています（Word の文書として開けません）。"
    link = summary.get_by_role("link")
    assert link.inner_text().startswith(said) and "保存し直して" in link.inner_text()
    beside = page.locator("#file-error").inner_text()
    assert said in beside and "保存し直して" in beside
    assert page.locator("#file").get_attribute("aria-describedby") == "file-error"
    assert "Traceback" not in page.content() and "zip" not in page.content()
    assert page.get_by_role("link", name="はじめの画面に戻る").count() == 0
    shoot(page, screenshots, "9_error_broken_upload")
    link.click()
    assert page.evaluate("location.hash") == "#file"
    page.set_input_files("#file", str(EXAMPLE))
    page.get_by_role("button", name="翌年度の案を作る").click()
    page.get_by_role("heading", name="翌年度の案ができました").wait_for(timeout=120_000)


def test_a_draft_on_the_draft_screen_is_refused_naming_the_screens_that_fit(
    page: Any, server: str, screenshots: Path, r6_draft: Path
) -> None:
    upload(page, server, "/draft", r6_draft, "翌年度の案を作る")
    said = "r6_draft.docx：これは記入前の報告書（案）です。" + (
        "『記入状況を見る』か『報告書を仕上げる』を使ってください。"
    )
    assert page.locator("#error-summary a").inner_text().startswith(said)
    shoot(page, screenshots, "9a_error_wrong_kind")
    page.get_by_role("link", name="『記入状況を見る』を開く").click()
    assert page.locator("h1").inner_text() == "記入状況を見る"


def test_status_and_finalize_screens_with_the_draft(
    page: Any, server: str, screenshots: Path, r6_draft: Path, tmp_path: Path
) -> None:
    upload(page, server, "/status", r6_draft, "記入状況を見る")
    assert page.locator("h1").inner_text() == "記入状況"
    assert page.get_by_role("heading", name=re.compile("福祉政策課")).count() == 1
    shoot(page, screenshots, "4_status_result")
    upload(page, server, "/finalize", r6_draft, "評価を確かめる")
    assert page.locator("h1").inner_text() == "評価の確認"
    assert page.get_by_role("table", name=re.compile("^評価総括表")).count() == 2
    shoot(page, screenshots, "6_finalize_preview")
    page.fill("#number", "R7-15")
    page.get_by_role("button", name="仕上げた報告書を作る").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "評価の確認", "refused on the confirmation form itself"
    assert page.locator("#error-summary a").get_attribute("href") == "#incomplete"
    assert "未記入・未確定の所が" in page.locator("#incomplete-error").inner_text()
    assert page.input_value("#number") == "R7-15", "the number typed stays in its field"
    shoot(page, screenshots, "6a_finalize_refused")
    page.get_by_role("button", name=re.compile("途中版を作る")).click()
    page.get_by_role("heading", name="途中版ができました").wait_for(timeout=300_000)
    shoot(page, screenshots, "6b_finalize_interim")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ダウンロード")).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(str(saved))
    assert saved.name == "r6_draft_途中版.docx"
    assert api.read(saved).value.publication.number == "R7-15", "the number typed before the refusal is kept"


def test_every_screen_before_upload(page: Any, server: str, screenshots: Path) -> None:
    for number, (path, heading) in enumerate(
        [("/", "進捗管理報告書ツール"), ("/draft", "翌年度の案を作る"), ("/status", "記入状況を見る"),
         ("/finalize", "報告書を仕上げる")]
    ):
        page.goto(server + path)
        assert page.locator("h1").inner_text() == heading
        assert page.locator(".lead").inner_text().endswith("。")
        shoot(page, screenshots, f"{number * 2 + 1 if number else 0}_{path.strip('/') or 'home'}")


# --------------------------------------------------------------------------- keyboard, no JavaScript

FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary"
DESCRIBE = "el => el ? `${el.tagName} ${el.id || el.getAttribute('href') || el.textContent.trim()}` : ''"


def controls(page: Any) -> list[str]:
    return list(page.eval_on_selector_all(FOCUSABLE, f"els => els.map({DESCRIBE})"))


def tab_through(page: Any, presses: int) -> list[str]:
    reached = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(f"({DESCRIBE})(document.activeElement)"))
    return reached


def test_every_control_is_reached_with_the_keyboard_alone(page: Any, server: str, r6_draft: Path) -> None:
    def check(where: str) -> None:
        wanted = controls(page)
        reached = tab_through(page, len(wanted) + 2)
        assert set(wanted) <= set(reached), (where, sorted(set(wanted) - set(reached)))

    for path in ["/", "/draft", "/status", "/finalize"]:
        page.goto(server + path)
        check(path)
    upload(page, server, "/draft", EXAMPLE, "翌年度の案を作る")
    check("draft result")
    upload(page, server, "/finalize", r6_draft, "評価を確かめる")
    check("finalize preview")


def test_a_draft_is_made_and_downloaded_with_the_keyboard_alone(page: Any, server: str) -> None:
    page.goto(f"{server}/draft")
    while page.evaluate("document.activeElement.id") != "file":
        page.keyboard.press("Tab")
    # The focused file input would open the system's file dialog, which no test can drive (Chromium
    # opens it on Space only now and then headless): the file is given to the focused input directly.
    page.locator("#file:focus").set_input_files(str(EXAMPLE))
    while page.evaluate("document.activeElement.tagName") != "BUTTON":
        page.keyboard.press("Tab")
    with page.expect_navigation(url=re.compile("/draft/[A-Za-z0-9_-]+$"), timeout=120_000):
        page.keyboard.press("Enter")
    page.get_by_role("heading", name="翌年度の案ができました").wait_for(timeout=120_000)
    focused_link = "document.activeElement.tagName === 'A' ? document.activeElement.textContent : ''"
    while "報告書（案）をダウンロード" not in page.evaluate(focused_link):
        page.keyboard.press("Tab")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "r5_report_翌年度案.docx"


def test_the_page_works_with_javascript_turned_off(browser: Any, server: str, tmp_path: Path) -> None:
    context = browser.new_context(java_script_enabled=False, accept_downloads=True)
    try:
        page = context.new_page()
        upload(page, server, "/draft", EXAMPLE, "翌年度の案を作る")
        assert page.locator("h1").inner_text() == "翌年度の案ができました"
        with page.expect_download() as download:
            page.get_by_role("link", name=re.compile("報告書（案）をダウンロード")).click()
        saved = tmp_path / "no_js.docx"
        download.value.save_as(str(saved))
        assert api.read(saved).value.fiscal_year.text == "令和6年度"
    finally:
        context.close()


# --------------------------------------------------------------------------- page previews


def test_page_previews_show_every_page_of_the_draft(
    page: Any, server: str, screenshots: Path, tmp_path: Path
) -> None:
    from .docx_checks import pdf_pages, soffice

    soffice()
    upload(page, server, "/draft", EXAMPLE, "翌年度の案を作る")
    page.get_by_role("button", name=re.compile("ページの画像を見る")).click()
    page.get_by_role("heading", name=re.compile("ページの画像")).wait_for(timeout=300_000)
    images = page.locator("ol.pages img")
    images.last.scroll_into_view_if_needed()
    loaded = "[...document.images].every(i => i.complete && i.naturalWidth > 0)"
    for _ in range(100):  # wait_for_function would need 'unsafe-eval', which the page forbids
        if page.evaluate(loaded):
            break
        page.wait_for_timeout(100)
    assert page.evaluate(loaded), "every page image is served and drawn"
    shoot(page, screenshots, "8_previews")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("ダウンロード")).click()
    saved = tmp_path / "previewed.docx"
    download.value.save_as(str(saved))
    assert images.count() == pdf_pages(saved, tmp_path / "pdf")
    assert images.first.get_attribute("alt") == "1 ページ目（押すと原寸で開きます）"
    widths = page.evaluate("[...document.images].map(i => i.naturalWidth)")
    assert min(widths) >= 909, "A4 at 110 dpi or more: 8.27 in × 110 = 909 pixels across"
    full = page.locator("ol.pages a").first
    assert full.get_attribute("href") == images.first.get_attribute("src"), "each image opens full size"
    with page.context.expect_page() as opened:
        full.click()
    opened.value.wait_for_load_state()
    assert opened.value.evaluate("document.images[0].naturalWidth") == widths[0]
    opened.value.close()

    page.go_back()
    assert page.locator("h1").inner_text() == "翌年度の案ができました", "Back returns to the result"
    assert "再送信" not in page.content() and "ERR_CACHE_MISS" not in page.content()
    with page.expect_download() as again:
        page.get_by_role("link", name=re.compile("報告書（案）をダウンロード")).click()
    second = tmp_path / "again.docx"
    again.value.save_as(str(second))
    assert second.read_bytes() == saved.read_bytes(), "the result is still there after its download"
    page.go_forward()
    assert page.locator("ol.pages img").count() == images.count(), "the previews are kept too"
    page.go_back()
    page.get_by_role("button", name=re.compile("^削除")).click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "翌年度の案を作る"
    assert page.get_by_role("status").inner_text() == "ファイルを削除しました。"
