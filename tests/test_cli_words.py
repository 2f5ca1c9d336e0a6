"""The words staff see on the command line and through the API, and the scripts' edges (issue 17
items 7 and 9): projects named by their Plan text, the shared projects' count explained, one word for
what is left to fill in, one spelling of a plan's name, the change log in staff words, errors that
speak to their caller, standard input refused for Word documents, a closed pipe keeping the exit
code, and ``finalize --pages`` explained."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.errors import OutputExistsError

from .conftest import EXAMPLE
from .test_cli import run

IDEOGRAPHIC_SPACE = "\u3000"


@pytest.fixture(scope="module")
def r6_draft(example_draft: Path) -> Path:
    return example_draft


# --------------------------------------------------------------------------- item 7: status words


def test_status_names_each_project_by_the_start_of_its_plan_text(r6_draft: Path) -> None:
    """Every measure has an 「a」: the sheet's label alone names no project."""
    done = run("status", r6_draft)
    assert done.returncode == 4
    # 1－(2)－①'s project a, as the R5 report's Plan cell reads on page 12
    named = "事業 a「福祉の担い手となる人材を確保し、育成・…」"  # 19 characters and 「…」
    lines = [line for line in done.stdout.splitlines() if "事業 p1-1-2-1-a" in line]
    assert lines and all(named in line for line in lines), lines
    assert "事業「a」" not in done.stdout and "事業「(1)」" not in done.stdout
    # 重層's (3) of 4 is named the same way
    assert "事業 (3)「" in done.stdout


def test_the_status_count_explains_projects_shared_by_departments(r6_draft: Path) -> None:
    now = api.status(r6_draft).value
    # counted from the items' departments: a shared project's item appears under each of them
    shared_extra = sum(len((i.location.department or "").split("・")) - 1 for i in now.items)
    assert shared_extra > 0, "the example has projects of several departments"
    done = run("status", r6_draft)
    header = done.stdout.splitlines()[0]
    total = len(now.items)
    assert header == (
        f"{r6_draft}：未記入・未確定 {total} 件"
        f"（複数の課が担当する事業は各課に数えています：課ごとの合計 {total + shared_extra} 件）"
    )
    per_department = [line for line in done.stdout.splitlines() if line.startswith("■ ")]
    counts = [int(line.rsplit("（", 1)[1].removesuffix(" 件）")) for line in per_department]
    assert sum(counts) == total + shared_extra


def test_what_is_left_to_fill_in_has_one_word_in_check_and_on_the_page(r6_draft: Path) -> None:
    from komae_docx.frontends.web.views import message_rows

    done = run("check", r6_draft)
    items = api.status(r6_draft).value.items
    lines = [line.strip() for line in done.stdout.splitlines()[1:]]
    left = [line for line in lines if "の Do 欄が空です" in line or "の結果が未評価です" in line]
    assert len(left) == sum(1 for i in items if i.code in ("incomplete.do", "incomplete.result"))
    assert all(line.startswith("未記入：") for line in left), left[:2]
    words = {row.severity_text for row in message_rows(items)}
    assert words == {"未記入"}, "the page's 種類 column says the same word"
    finalize_left = api.finalize(r6_draft, r6_draft.with_name("x.docx"), pages="fields").value.incomplete
    assert {row.severity_text for row in message_rows(finalize_left)} == {"未記入"}, "also once raised"
    first = done.stdout.splitlines()[0]
    assert first.endswith(f"・未記入 {len(items)} 件"), first


# --------------------------------------------------------------------------- item 7: JSON and the API


def test_a_plans_name_is_spelled_one_way_in_the_json() -> None:
    """The R5 report heads chapter 2's plans with an ideographic space (「1　地域福祉計画」)."""
    data = json.loads(run("parse", EXAMPLE, "--json").stdout)
    names = [(plan["heading"], plan["opinions_heading"]) for plan in data["plans"]]
    assert names == [
        ("1 地域福祉計画", "1 地域福祉計画"),
        ("2 重層的支援体制整備事業実施計画", "2 重層的支援体制整備事業実施計画"),
    ]
    status = json.loads(run("status", EXAMPLE, "--json").stdout)
    plans = {item["location"]["plan"] for item in status["items"] if item["location"]["plan"]}
    assert not any(IDEOGRAPHIC_SPACE in plan for plan in plans), plans


def test_the_apis_change_log_speaks_in_staff_words(example_drafted: api.Draft) -> None:
    from komae_docx.frontends.changelog import staff_line

    changes = example_drafted.changes
    described = [change.describe() for change in changes]
    assert described[0] == "報告書 年度：「令和5年度（2023年度）」→「令和6年度（2024年度）」"
    assert described == [staff_line(change) for change in changes], "the words of --changes and the page"
    fields = {change.field for change in changes}
    assert not [text for text in described for name in fields if f"（{name}）" in text and name.isascii()]


def test_an_existing_output_is_refused_in_the_callers_words(tmp_path: Path) -> None:
    target = tmp_path / "r6.docx"
    target.write_bytes(b"kept")
    with pytest.raises(OutputExistsError) as caught:
        api.draft(EXAMPLE, target)
    assert "既に存在します" in str(caught.value) and "force=True" in str(caught.value)
    assert "--force" not in str(caught.value), "a Python caller has no command-line options"
    done = run("draft", EXAMPLE, "-o", target)
    assert done.returncode == 2
    assert done.stderr == f"エラー：{target}：既に存在します。上書きするには --force を指定してください\n"
    assert target.read_bytes() == b"kept"


# --------------------------------------------------------------------------- item 9: scripts


@pytest.mark.parametrize(
    ("command", "rest", "example"),
    [
        ("finalize", ["-o", "x.docx"], "komae-docx finalize r6_filled.docx -o r6_report.docx"),
        ("draft", ["-o", "x.docx"], "komae-docx draft r5_report.docx -o r6_draft.docx"),
        ("make-template", ["-o", "x.docx"], "komae-docx make-template r5_report.docx -o template.docx"),
        ("status", [], "komae-docx status r6_draft.docx"),
        ("results-template", ["-o", "x.yaml"], "komae-docx results-template r6_draft.docx -o results.yaml"),
        ("split", ["-o", "out"], "komae-docx split r6_draft.docx -o 各課へ"),
        ("merge", ["c.docx", "-o", "x.docx"], "komae-docx merge r6_draft.docx 写し.docx … -o r6_merged.docx"),
    ],
)
def test_standard_input_is_not_taken_for_a_word_document_to_write_from(
    tmp_path: Path, command: str, rest: list[str], example: str
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "komae_docx", command, "-", *rest],
        input=EXAMPLE.read_bytes(),
        capture_output=True,
        cwd=tmp_path,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stderr.decode("utf-8") == (
        f"エラー：標準入力：{command} は Word 文書を標準入力からは受け付けません。"
        f"ファイル名を指定してください（例：{example}）\n"
    )
    assert list(tmp_path.iterdir()) == [], "nothing written"


def piped_to_a_closed_reader(*args: str | Path) -> tuple[int, str]:
    """The reader closes its end before a byte arrives (``| head`` on a busy machine, ``| true``)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "komae_docx", *map(str, args)], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()
    error = process.stderr.read().decode("utf-8")
    return process.wait(timeout=120), error


@pytest.mark.parametrize("json_output", [False, True], ids=["text", "json"])
def test_a_closed_pipe_keeps_the_exit_code_of_a_command_that_found_errors(
    tmp_path: Path, r6_draft: Path, json_output: bool
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("p9-9-9-9-z: 達成\n", encoding="utf-8")
    args = ["grade", r6_draft, "--results", bad, *(["--json"] if json_output else [])]
    unpiped = run(*args)
    assert unpiped.returncode == 1
    code, error = piped_to_a_closed_reader(*args)
    assert code == unpiped.returncode == 1, "as unpiped: the results file has an error"
    assert error == unpiped.stderr, "what goes to stderr is not lost with the pipe"
    if not json_output:  # the JSON carries its messages on stdout
        assert "結果ファイルの事業 id「p9-9-9-9-z」はこの報告書にありません" in error
    assert "Traceback" not in error and "BrokenPipe" not in error


def test_a_closed_pipe_after_a_clean_run_still_ends_with_0() -> None:
    code, error = piped_to_a_closed_reader("parse", EXAMPLE, "--json")
    assert (code, error) == (0, "")


def test_finalize_help_explains_pages_auto() -> None:
    done = run("finalize", "-h")
    flat = "".join(done.stdout.split())
    assert "auto（既定）：LibreOfficeが入っていればlibreoffice、なければfields。" in flat
    assert "fields：Wordで開いたときに更新される欄にする" in flat
