"""Command-line conventions (issue 12 items 2-4, 6, 7, 10): pipes, Japanese help and errors, paths
as typed, standard streams, output names, JSON schemas, render's reasons, start-up cost."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from komae_docx.frontends.schemas import CheckOutput

from .conftest import EXAMPLE
from .test_cli import run

COMMANDS = [
    "parse",
    "schema",
    "check",
    "grade",
    "status",
    "results-template",
    "draft",
    "make-template",
    "finalize",
    "render",
    "serve",
]
ARGPARSE_ENGLISH = [
    "usage:",
    "positional arguments",
    "options:",
    "show this help",
    "the following arguments are required",
    "invalid choice",
    "unrecognized arguments",
    "error:",
    "expected one argument",
    "show program's version",
]


def closed_pipe(*args: str | Path) -> tuple[int, str]:
    """Run a command, read one line of its output and close the pipe, as ``| head -1`` does."""
    process = subprocess.Popen(
        [sys.executable, "-m", "komae_docx", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    assert first
    process.stdout.close()
    error = process.stderr.read().decode("utf-8")
    return process.wait(timeout=120), error


# --------------------------------------------------------------------------- item 2: pipes


@pytest.mark.parametrize(
    "args",
    [("parse", EXAMPLE, "--json"), ("schema",), ("schema", "check")],
    ids=["parse-json", "schema", "schema-check"],
)
def test_a_closed_pipe_ends_the_command_quietly(args: tuple[str | Path, ...]) -> None:
    code, error = closed_pipe(*args)
    assert (code, error) == (0, "")


@pytest.mark.parametrize(
    "args",
    [("parse", EXAMPLE, "-o", "-"), ("draft", EXAMPLE, "-o", "r6.docx", "--changes", "-")],
    ids=["parse-o-stdout", "draft-changes-stdout"],
)
def test_a_closed_pipe_on_a_long_output(tmp_path: Path, args: tuple[str | Path, ...]) -> None:
    """Outputs well past a pipe buffer (the model's JSON, the draft's change log as JSON)."""
    code, error = closed_pipe(*(tmp_path / a if a == "r6.docx" else a for a in args))
    assert code == 0
    assert "エラー" not in error and "Error" not in error  # the draft's summary goes to stderr


# --------------------------------------------------------------------------- item 3: conventions


def test_version() -> None:
    from komae_docx import __version__

    done = run("--version")
    assert (done.returncode, done.stdout) == (0, f"komae-docx {__version__}\n")


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_help_is_japanese_with_examples_and_exit_codes(command: str | None) -> None:
    done = run(*([command] if command else []), "-h")
    assert done.returncode == 0
    text = done.stdout
    assert text.startswith("使い方: komae-docx")
    assert "例:\n  komae-docx" in text and "終了コード:\n  0  成功" in text
    assert "  2  入力・出力を受け付けられない" in text
    for english in ARGPARSE_ENGLISH:
        assert english not in text, english
    if command:
        assert "オプション:" in text and "-q, --quiet" in text and "-v, --verbose" in text


@pytest.mark.parametrize(
    "args, japanese",
    [
        (["parse"], "次の指定が必要です：報告書.docx"),
        (["draft", "x.docx"], "次の指定が必要です：-o/--output"),
        (["bogus"], "'bogus' は選べません"),
        (["parse", "x.docx", "--nonsense"], "知らない指定です：--nonsense"),
        (["draft", "x.docx", "-o"], "値を1つ指定してください"),
        (["finalize", "x.docx", "-o", "y.docx", "--pages", "odd"], "'odd' は選べません"),
        (["serve", "--port", "http"], "ポート番号は 0～65535 の数"),
        (["parse", "x.docx", "-q", "-v"], "-v/--verbose の指定：-q/--quiet と同時には指定できません"),
    ],
)
def test_argument_errors_are_japanese(args: list[str], japanese: str) -> None:
    done = run(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert japanese in done.stderr
    assert "-h で説明を表示します" in done.stderr
    for english in ARGPARSE_ENGLISH:
        assert english not in done.stderr, english


def test_quiet_prints_nothing_but_the_exit_code() -> None:
    done = run("-q", "check", EXAMPLE)
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert run("parse", EXAMPLE, "--quiet").stdout == ""


def test_options_work_before_and_after_the_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    assert "Traceback" in run("--debug", "parse", bad).stderr
    assert "Traceback" in run("parse", bad, "--debug").stderr
    assert "Traceback" not in run("parse", bad).stderr


def test_help_starts_without_loading_the_library() -> None:
    """``komae-docx --help`` loads argparse, not pydantic, lxml or the reader (issue 13: ≤ 4× python)."""
    probe = (
        "import sys\n"
        "from komae_docx.frontends.cli import build_parser\n"
        "from komae_docx.frontends.argparse_ja import japanese_argparse\n"
        "with japanese_argparse():\n"
        "    build_parser().format_help()\n"
        "heavy = ('pydantic', 'lxml', 'docx', 'docxtpl', 'yaml', 'komae_docx.reading', 'komae_docx.api')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# --------------------------------------------------------------------------- item 4: paths


def test_messages_give_the_path_as_typed(tmp_path: Path) -> None:
    folder = tmp_path / "届いた"
    folder.mkdir()
    (folder / "bad.docx").write_bytes(b"")
    done = run("parse", Path("届いた") / "bad.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("エラー：届いた/bad.docx：ファイルが空です")


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    done = run("parse", "missing/sub/r5.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "エラー：missing/sub/r5.docx：フォルダー「missing」がありません\n"
    done = run("parse", "r5.docx", cwd=tmp_path)
    assert done.stderr == "エラー：r5.docx：ファイルが見つかりません\n"


def test_a_missing_output_folder_is_named(tmp_path: Path) -> None:
    done = run("parse", EXAMPLE, "-o", "out/r5.json", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "エラー：out/r5.json：出力先のフォルダー「out」がありません\n"


def test_os_errors_are_told_in_japanese(tmp_path: Path) -> None:
    (tmp_path / "results.yaml").mkdir()
    done = run("grade", EXAMPLE, "--results", "results.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr == "エラー：results.yaml：結果ファイルを開けません（フォルダーです）\n"


# --------------------------------------------------------------------------- item 6: streams, names


def test_standard_input_for_parse_check_and_grade() -> None:
    data = EXAMPLE.read_bytes()

    def piped(*args: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "komae_docx", *args], input=data, capture_output=True)

    parsed = piped("parse", "-")
    assert parsed.returncode == 0
    assert parsed.stdout.decode().startswith("令和5年度 進捗管理報告書（標準入力）")
    checked = json.loads(piped("check", "-", "--json").stdout)
    assert (checked["file"], checked["errors"]) == ("-", 0)
    graded = piped("grade", "-", "--json")
    # a published report: its printed grades (「公表済みの評価」), determined
    assert graded.returncode == 0 and json.loads(graded.stdout)["file"] == "-"
    assert json.loads(graded.stdout)["kind"] == "published"


def test_standard_input_that_is_not_a_report_names_standard_input() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "komae_docx", "parse", "-"], input="議事メモ\n".encode(), capture_output=True
    )
    assert done.returncode == 2
    assert done.stderr.decode().startswith("エラー：標準入力：Word 文書(.docx)ではありません")


def test_json_to_standard_output(tmp_path: Path) -> None:
    done = run("parse", EXAMPLE, "-o", "-", cwd=tmp_path)
    assert done.returncode == 0
    assert json.loads(done.stdout)["publication"]["number"] == "R6-22"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, phrase",
    [
        (["draft", EXAMPLE, "-o", "-"], "Word 文書は標準出力には書き出せません"),
        (
            ["draft", EXAMPLE, "-o", "r6.txt"],
            "-o のファイル名は .docx で終わるようにしてください（例：r6_draft.docx）",
        ),
        (["draft", EXAMPLE, "-o", "r6"], "-o のファイル名は .docx で終わるようにしてください"),
        (
            ["draft", EXAMPLE, "-o", "r6.docx", "--changes", "c.csv"],
            "--changes のファイル名は .json・.md・.txt",
        ),
        (["render", "r5.json", "-o", "r5.doc"], "-o のファイル名は .docx で終わるようにしてください"),
        (["parse", EXAMPLE, "-o", "r5.txt"], "-o のファイル名は .json で終わるようにしてください"),
        (["results-template", EXAMPLE, "-o", "results.txt"], ".yaml・.yml・.json"),
        (["make-template", EXAMPLE, "-o", "t.dotx"], "-o のファイル名は .docx"),
        (["finalize", EXAMPLE, "-o", "r6.pdf"], "-o のファイル名は .docx"),
    ],
)
def test_output_names_that_would_not_open_on_a_double_click_are_refused(
    tmp_path: Path, args: list[str | Path], phrase: str
) -> None:
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert phrase in done.stderr and "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- item 7: JSON


def test_check_json_follows_its_schema_and_one_numbering() -> None:
    text = run("check", EXAMPLE).stdout.splitlines()[2]  # after the tally and the file's kind
    data = json.loads(run("check", EXAMPLE, "--json").stdout)
    CheckOutput.model_validate(data)
    assert data["file"] == str(EXAMPLE)
    first = data["findings"][0]["location"]
    # The text counts from 1 (シート5 5行), the JSON's indices from 0: documented in the schema.
    assert f"シート{first['sheet'] + 1}({first['page']}頁) {first['row'] + 1}行" in text
    schema = json.loads(run("schema", "check").stdout)
    assert "0-based" in schema["description"] and "findings" in schema["required"]


@pytest.mark.parametrize(
    "kind, title",
    [("report", "Report"), ("check", "CheckOutput"), ("grade", "GradeOutput"), ("status", "StatusOutput")],
)
def test_schemas_are_published(kind: str, title: str) -> None:
    done = run("schema", kind)
    assert done.returncode == 0
    assert json.loads(done.stdout)["title"] == title


def test_changes_schema_is_an_array_of_changes() -> None:
    schema = json.loads(run("schema", "changes").stdout)
    assert schema["type"] == "array"
    assert {"where", "field", "old", "new", "kind", "item"} <= set(schema["items"]["properties"])


# --------------------------------------------------------------------------- item 10: render


def model_with(tmp_path: Path, edit: str) -> Path:
    data = json.loads(run("parse", EXAMPLE, "--json").stdout)
    exec(edit, {"data": data})
    path = tmp_path / "model.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "edit, where, why",
    [
        ("data['fiscal_year']['era_year'] = '5'", "fiscal_year.era_year", '整数が必要です（文字列 "5"）'),
        ("del data['publication']['number']", "publication.number", "必要な項目がありません"),
        (
            "data['plans'][0]['sheets'][0]['page'] = 'x'",
            "plans[0].sheets[0].page",
            '整数が必要です（文字列 "x"）',
        ),
        ("data['colour'] = 'red'", "colour", 'モデルにない項目です（文字列 "red"）'),
        ("data['fiscal_year']['era_year'] = 0", "fiscal_year.era_year", "1 以上が必要です（数 0）"),
    ],
)
def test_render_says_where_and_why(tmp_path: Path, edit: str, where: str, why: str) -> None:
    model = model_with(tmp_path, edit)
    done = run("render", model.name, "-o", "out.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith(f"エラー：model.json：{where}：報告書モデルの JSON ではありません：{why}")
    assert not (tmp_path / "out.docx").exists()


def test_render_of_a_file_that_is_not_json(tmp_path: Path) -> None:
    bad = tmp_path / "model.json"
    bad.write_text('{"plans": [1,\n  ]', encoding="utf-8")
    done = run("render", bad.name, "-o", "out.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("エラー：model.json：2行3列：JSON として読めません")
