"""Issue 24, item 8 in a real browser (Chromium through Playwright, as tests/test_web_browser.py):
the merge screen with a conflict shows the decision first, offers only the copies in conflict, and
keeps the long lists folded; a choice that settles nothing comes back as an error on the form.
The screenshot goes to ``$KOMAE_WEB_SCREENSHOTS`` (or a temporary folder) to be looked at."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from .test_web_browser import browser, page, screenshots, server, shoot  # noqa: F401  (fixtures)
from .test_web_flow import copies  # noqa: F401  (fixture)


def test_the_conflict_screen_in_a_browser(
    page: Any,  # noqa: F811
    server: str,  # noqa: F811
    screenshots: Path,  # noqa: F811
    copies: tuple[Path, list[Path]],  # noqa: F811
) -> None:
    draft, made = copies
    page.goto(f"{server}/merge")
    page.set_input_files("#file", str(draft))
    page.set_input_files("#copies", [str(path) for path in made])
    page.get_by_role("button", name="まとめる").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "食い違いがあります"
    choices = page.locator("#prefer-file option").all_inner_texts()
    assert choices == ["r6_draft_健康推進課.docx", "r6_draft_子ども政策課.docx"]
    form_top = page.locator("#prefer").bounding_box()
    folded = page.locator("details.long-list").nth(1)  # 取り込まなかった変更 / 取り込んだ記入
    assert form_top is not None and form_top["y"] < 800  # the decision is on the first screen
    assert folded.evaluate("el => el.open") is False
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, height
    shoot(page, screenshots, "merge_conflict")
    page.select_option("#prefer-file", index=1)
    page.get_by_role("button", name="この写しに決めてまとめる").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "各課の記入をまとめました"
    shoot(page, screenshots, "merge_settled")


pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestAssertRewriteWarning")
