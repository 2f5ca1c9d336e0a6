"""Issue 27 in a real browser: 「各課の記入をまとめる」 takes the folder the copies came back in.

Chromium sends a folder chosen in the ``webkitdirectory`` field as its files, named with the folder;
Word's owner file of a copy still open comes with them and must be skipped and named.  Same
server and browser as tests/test_web_browser.py.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from komae_docx import api

from .conftest import EXAMPLE
from .test_web_browser import browser, screenshots, server  # noqa: F401  (the shared fixtures)

OWNER = "~$_draft_健康推進課.docx"


@pytest.fixture(scope="module")
def returned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The draft and the folder 「戻った 写し」 of its eight copies, one still open in Word."""
    root = tmp_path_factory.mktemp("browser-folder")
    draft = api.draft(EXAMPLE, root / "r6_draft.docx").value.path
    made = api.split(draft, root / "split").value.copies
    folder = root / "戻った 写し"
    folder.mkdir()
    for copy in made:
        shutil.copy(copy.path, folder / copy.path.name)
    (folder / OWNER).write_bytes(b"owner file")
    return draft, folder


def test_merging_a_folder_chosen_in_the_browser(
    browser: Any,  # noqa: F811
    server: str,  # noqa: F811
    screenshots: Path,  # noqa: F811
    returned: tuple[Path, Path],
) -> None:
    draft, folder = returned
    page = browser.new_page()
    page.goto(server + "/merge")
    page.set_input_files("#file", str(draft))
    page.set_input_files("#copies-folder", str(folder))
    page.get_by_role("button", name="まとめる").click()
    page.wait_for_url(re.compile(r"/merge/[A-Za-z0-9_-]{22}$"))
    page.screenshot(path=str(screenshots / "merge_folder.png"), full_page=True)
    lead = page.locator("p.lead").inner_text()
    assert lead.startswith("「r6_draft.docx」に写し 8 件の記入をまとめました")
    text = page.locator("main").inner_text()
    assert (
        "「~$_draft_健康推進課.docx」を飛ばしました。写し「r6_draft_健康推進課.docx」が"
        "まだだれかの PC の Word で開かれています。まとめには保存済みのファイルを使いました"
    ) in text
    page.close()
