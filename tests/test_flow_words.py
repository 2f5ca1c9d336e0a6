"""Issue 24, item 10: the words of "Why" item 11, through the CLI, the API and the page."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from komae_docx import api
from komae_docx.frontends.web import create_app
from komae_docx.results import Message

from .conftest import EXAMPLE
from .flow_files import FlowFiles
from .test_web import LOCAL

CLI = [sys.executable, "-m", "komae_docx"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> FlowFiles:
    return FlowFiles.make(tmp_path_factory.mktemp("words"))


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path), base_url=LOCAL) as test_client:
        yield test_client


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], cwd=cwd, capture_output=True, text=True)


def test_expected_and_found_are_said_in_staff_words() -> None:
    check = Message(code="numbering.duplicate", text="番号が重複しています", expected="(4)", found="(1)")
    assert check.describe() == "番号が重複しています（正しくは：「(4)」、文書では：「(1)」）"
    merge = Message(code="merge.outside", text="取り込みません", expected="案の文", found="写しの文")
    assert merge.describe() == "取り込みません（まとめた案：「案の文」、写し：「写しの文」）"


def test_the_change_log_says_each_column_once(files: FlowFiles, tmp_path: Path) -> None:
    done = run("draft", EXAMPLE, "-o", "r6.docx", "--changes", "changes.txt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "changes.txt").read_text(encoding="utf-8")
    assert "記入欄2 Do 欄の【】見出し：空欄にしました（前年度：「【福祉カレッジ】」）" in log
    for doubled in ("Do Do", "Act Act", "Check Check"):
        assert doubled not in log
    assert f"ファイルの種類（{EXAMPLE}）：公表済みの報告書" in done.stdout


def test_help_lists_merges_exit_code_1() -> None:
    done = subprocess.run([*CLI, "-h"], capture_output=True, text=True)
    line = next(line for line in done.stdout.splitlines() if line.strip().startswith("1"))
    assert "食い違い" in line and "merge" in line


@pytest.mark.parametrize("command", ["split", "merge", "finalize"])
def test_the_writing_commands_print_the_kind_of_file(files: FlowFiles, command: str, tmp_path: Path) -> None:
    args: dict[str, list[str | Path]] = {
        "split": [files.draft, "-o", tmp_path / "copies"],
        "merge": [files.draft, files.filled, "-o", tmp_path / "merged.docx"],
        "finalize": [files.draft, "-o", tmp_path / "r6.docx", "--pages", "fields", "--allow-incomplete"],
    }
    done = run(command, *args[command], cwd=files.folder)
    assert done.returncode == 0, done.stderr
    assert f"ファイルの種類（{files.draft}）：記入前の報告書（案）" in done.stdout


def test_finalize_with_a_number_says_the_number_is_not_counted(files: FlowFiles) -> None:
    done = run(
        "finalize", files.draft, "-o", "r6.docx", "--number", "R7-15", "--pages", "fields", cwd=files.folder
    )
    assert done.returncode == 1
    assert "（刊行物番号は --number で指定したため、数えていません）" in done.stderr


def test_one_spelling_of_browser_in_every_text() -> None:
    package = resources.files("komae_docx")
    texts = [
        p.read_text(encoding="utf-8") for p in Path(str(package)).rglob("*") if p.suffix in (".py", ".html")
    ]
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert not any("ブラウザー" in text for text in [*texts, readme])


def test_the_menu_follows_the_workflow_as_the_home_page_does(client: TestClient) -> None:
    home = client.get("/").text
    nav = re.search(r"<nav.*?</nav>", home, re.DOTALL)
    assert nav is not None
    menu = re.findall(r'<a href="(/[a-z]+)">', nav.group(0))
    listed = re.findall(r'<li><a href="(/[a-z]+)">', home[nav.end() :])
    assert menu == listed == ["/draft", "/merge", "/status", "/finalize", "/publish", "/compare"]


def test_the_carry_checkbox_says_what_carry_text_does(client: TestClient) -> None:
    page = client.get("/draft").text
    assert "前年度の Do・Act の文を、黄色の強調付きで欄に残す" in page
    assert "Do・Check・Act" not in page
    help_text = subprocess.run([*CLI, "draft", "-h"], capture_output=True, text=True).stdout
    assert "前年度の Do・Act を" in help_text


def test_the_number_label_does_not_promise_a_blank_is_fine() -> None:
    template = Path(str(resources.files("komae_docx"))) / "frontends/web/templates/finalize_preview.html"
    text = template.read_text(encoding="utf-8")
    assert "空欄なら案のまま" not in text
    assert "刊行物番号（案で「〇〇」のままなら必ず入れます。例：R7-22）" in text


def test_copies_in_the_zip_are_named_for_the_drafts_year(client: TestClient) -> None:
    from .test_web_merge import test_the_draft_result_offers_the_copies_per_department_as_one_zip

    test_the_draft_result_offers_the_copies_per_department_as_one_zip(client)


def test_api_results_say_what_the_file_was(files: FlowFiles, tmp_path: Path) -> None:
    made = api.split(files.draft, tmp_path / "c").value
    assert made.source_kind == "記入前の報告書（案）"
