"""The ``komae-docx`` command: a thin shell over :mod:`komae_docx.api`.

Only argparse and the standard library load at start (``komae-docx --help`` must be quick): each
command's work lives in :mod:`.commands`, imported when the command runs, and that module reaches
everything else through the public API.

Exit codes (:data:`EXIT_CODES`, printed in every command's help and in the README):
0 success, 1 the report has errors / the finalized report is incomplete, 2 the input or output was
refused (a Japanese message on stderr, never a traceback unless ``--debug``), 3 an unexpected
problem, 4 undetermined (``grade``: some measure has no grade yet; ``status``: something is still
to fill in), 130 interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TextIO, TypeAlias

from .argparse_ja import JapaneseArgumentParser, japanese_argparse
from .exitcodes import (
    EXIT_CODES,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_UNDETERMINED,
    EXIT_UNEXPECTED,
)

Runner = Callable[[argparse.Namespace], int]
if TYPE_CHECKING:
    Commands: TypeAlias = argparse._SubParsersAction[JapaneseArgumentParser]


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the exit code (the console script passes it to ``sys.exit``)."""
    from .streams import tolerate_any_console_encoding

    tolerate_any_console_encoding()
    with japanese_argparse():
        parser = build_parser()
        args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_REFUSED
    with _closed_pipe_tolerated():
        code = _run(args)
        return _flush_stdout(code)


def _run(args: argparse.Namespace) -> int:
    from ..errors import KomaeDocxError

    try:
        return int(args.run(args))
    except KomaeDocxError as error:
        _print_debug(args)
        _print_error(_in_command_words(error))
        return error.exit_code
    except BrokenPipeError:
        return _closed_pipe()
    except KeyboardInterrupt:
        _print_error("中断しました。", prefix="")
        return EXIT_INTERRUPTED
    except Exception as error:  # the last line of defence: users never see a traceback
        _print_debug(args)
        _print_error(
            f"予期しない問題が発生しました（{type(error).__name__}）。"
            "--debug を付けて実行すると詳細が表示されます。"
        )
        return EXIT_UNEXPECTED


def _in_command_words(error: Exception) -> str:
    """The API's refusal as the command line says it: its options, not Python's keywords."""
    from ..errors import OutputExistsError

    if isinstance(error, OutputExistsError) and error.path is not None:
        return str(OutputExistsError(error.path, "上書きするには --force を指定してください"))
    return str(error)


def _print_debug(args: argparse.Namespace) -> None:
    if getattr(args, "debug", False):
        traceback.print_exc()


def _print_error(text: str, prefix: str = "エラー：") -> None:
    with contextlib.suppress(OSError):
        print(f"{prefix}{text}", file=sys.stderr)


def _flush_stdout(code: int) -> int:
    """Flush here, not at interpreter exit, so that a reader that went away ends us quietly."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
    return code


def _closed_pipe() -> int:
    """A closed pipe the guards below did not see (a write straight to the file descriptor): stop
    quietly, as ``cat`` would.  Rare: both streams are guarded, so commands reach their own code."""
    _silence_stdout()
    _silence(sys.__stderr__)
    return EXIT_OK


def _silence_stdout() -> None:
    _silence(sys.__stdout__)


def _silence(stream: TextIO | None) -> None:
    """Point the stream's descriptor at devnull (the recipe of the Python docs, "Note on SIGPIPE"):
    what is still buffered, and whatever the command prints after, goes nowhere instead of failing
    at exit."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        if stream is None:
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)


class _PipeTolerantStream:
    """stdout or stderr whose reader may go away (``… 2>&1 | head -1``): the command runs on to its
    own exit code, so that ``merge`` with a conflict exits 1 and ``grade --results bad.yaml`` exits 1
    as they do unpiped, whichever write meets the closed pipe first; later output is dropped."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            _silence(self._stream)
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            _silence(self._stream)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _closed_pipe_tolerated() -> Iterator[None]:
    real_out, real_err = sys.stdout, sys.stderr
    sys.stdout = _PipeTolerantStream(real_out)
    sys.stderr = _PipeTolerantStream(real_err)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = real_out, real_err
        with contextlib.suppress(OSError, ValueError):
            real_err.flush()


# --------------------------------------------------------------------------- the parser


def build_parser() -> argparse.ArgumentParser:
    """The whole command line; build it inside :func:`japanese_argparse` for Japanese texts."""
    from .. import __version__

    parser = JapaneseArgumentParser(
        prog="komae-docx",
        description="狛江市の進捗管理報告書(.docx)を読み・検査し・翌年度の案を作り・完成させます。",
        epilog=_epilog(
            [
                "komae-docx parse r5_report.docx",
                "komae-docx draft r5_report.docx -o r6_draft.docx",
                "komae-docx status r6_draft.docx",
                "komae-docx finalize r6_filled.docx -o r6_report.docx --number R7-15",
            ],
            EXIT_CODES,
            more="各コマンドの説明：komae-docx コマンド -h",
        ),
        add_help=False,
    )
    _add_common_options(parser, top=True)
    parser.add_argument(
        "--version",
        action="version",
        version=f"komae-docx {__version__}",
        help="バージョンを表示して終わります",
    )
    commands = parser.add_subparsers(dest="command", metavar="コマンド", title="コマンド")
    for add in (
        _add_parse,
        _add_schema,
        _add_check,
        _add_grade,
        _add_status,
        _add_results_template,
        _add_draft,
        _add_make_template,
        _add_split,
        _add_merge,
        _add_finalize,
        _add_publish,
        _add_render,
        _add_compare,
        _add_trend,
        _add_serve,
    ):
        add(commands)
    return parser


def _add_common_options(parser: argparse.ArgumentParser, *, top: bool) -> None:
    """-h, -q, -v and --debug, accepted before and after the command name.

    On the subcommands the defaults are SUPPRESS so that an option given before the command is not
    reset by the subparser.
    """
    default: object = False if top else argparse.SUPPRESS
    parser.add_argument("-h", "--help", action="help", help="この説明を表示して終わります")
    quiet_or_verbose = parser.add_mutually_exclusive_group()
    quiet_or_verbose.add_argument(
        "-q", "--quiet", action="store_true", default=default, help="エラー以外は表示しません"
    )
    quiet_or_verbose.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        default=default,
        help="詳しく表示します（変更の一覧・警告のすべて）",
    )
    parser.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="エラーのときに詳細（トレースバック）を表示します",
    )


def _command(
    commands: Commands,
    name: str,
    summary: str,
    description: str,
    examples: list[str],
    exit_codes: dict[int, str],
    run: str,
) -> argparse.ArgumentParser:
    sub = commands.add_parser(
        name,
        help=summary,
        description=description,
        epilog=_epilog(examples, exit_codes),
        add_help=False,
    )
    _add_common_options(sub, top=False)
    sub.set_defaults(run=_lazy(run))
    return sub


def _lazy(name: str) -> Runner:
    """The command function ``name`` of :mod:`.commands`, imported only when the command runs."""

    def run(args: argparse.Namespace) -> int:
        from . import commands

        runner: Runner = getattr(commands, name)
        return runner(args)

    return run


def _epilog(examples: list[str], exit_codes: dict[int, str], more: str = "") -> str:
    lines = ["例:"] + [f"  {example}" for example in examples]
    lines += ["", "終了コード:"] + [f"  {code}  {text}" for code, text in exit_codes.items()]
    if more:
        lines += ["", more]
    return "\n".join(lines)


def _codes(*extra: tuple[int, str]) -> dict[int, str]:
    codes = {EXIT_OK: "成功", **dict(extra)}
    codes[EXIT_REFUSED] = EXIT_CODES[EXIT_REFUSED]
    codes[EXIT_UNEXPECTED] = EXIT_CODES[EXIT_UNEXPECTED]
    return dict(sorted(codes.items()))


REPORT_HELP = "報告書の .docx ファイル（- なら標準入力から読みます）"
FORCE_HELP = "既にあるファイルを上書きします（入力ファイルには決して書きません）"


def _add_parse(commands: Commands) -> None:
    sub = _command(
        commands,
        "parse",
        "報告書を読み、要約（または JSON）を表示します",
        "報告書を読み、計画・施策・評価・シート数・事業数・意見数と、読み取れなかった文字列（警告）を表示します。",
        [
            "komae-docx parse r5_report.docx",
            "komae-docx parse r5_report.docx --json > r5.json",
            "komae-docx parse r5_report.docx -o r5.json",
            "cat r5_report.docx | komae-docx parse - --json",
        ],
        _codes(),
        "run_parse",
    )
    sub.add_argument("file", metavar="報告書.docx", help=REPORT_HELP)
    sub.add_argument("--json", action="store_true", help="モデル全体を JSON で表示します")
    sub.add_argument(
        "-o", "--output", metavar="出力.json", help="モデルを JSON ファイルに書き出します（- なら標準出力）"
    )
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


SCHEMA_KINDS = ("report", "check", "grade", "status", "changes", "compare", "trend", "opendata")


def _add_schema(commands: Commands) -> None:
    sub = _command(
        commands,
        "schema",
        "JSON の形（JSON Schema）を表示します",
        "スクリプト向けに、JSON 出力の形を JSON Schema で表示します。\n"
        "  report   parse --json / parse -o のモデル（render の入力）\n"
        "  check    check --json の結果\n"
        "  grade    grade --json の結果\n"
        "  status   status --json の結果\n"
        "  changes  draft --changes 変更.json の変更一覧\n"
        "  compare  compare --json の比較\n"
        "  trend    trend --json の推移\n"
        "  opendata publish の CSV（施策・事業）の1行",
        ["komae-docx schema", "komae-docx schema check > check.schema.json"],
        _codes(),
        "run_schema",
    )
    sub.add_argument(
        "kind",
        nargs="?",
        default="report",
        choices=SCHEMA_KINDS,
        metavar="種類",
        help="report（既定）・check・grade・status・changes・compare・trend・opendata",
    )


def _add_check(commands: Commands) -> None:
    sub = _command(
        commands,
        "check",
        "報告書を検査し、誤りと警告を場所付きで表示します",
        "評価総括表とシートの食い違い、評価の文字、再掲、担当課コード、見出し、番号、空欄などを検査します。\n"
        "記入前・記入中の案では、評価総括表の食い違いは誤りとせず、残りの記入を示します。",
        [
            "komae-docx check r5_report.docx",
            "komae-docx check r5_report.docx --json",
            "komae-docx check r6_report.docx --layout",
        ],
        _codes((EXIT_FINDINGS, "誤りあり（警告だけなら 0）")),
        "run_check",
    )
    sub.add_argument("file", metavar="報告書.docx", help=REPORT_HELP)
    sub.add_argument("--json", action="store_true", help="検査結果を JSON で表示します（形は schema check）")
    sub.add_argument(
        "--layout",
        action="store_true",
        help="印刷される頁番号（評価総括表・目次・「P-13」など）を LibreOffice の頁割りと比べます",
    )


def _add_grade(commands: Commands) -> None:
    sub = _command(
        commands,
        "grade",
        "事業の結果から施策の評価と評価総括表を求めます",
        "事業ごとの結果（達成・未達成・未評価・k/n）から、報告書の評価基準で施策の評価と評価総括表を計算します。\n"
        "--results がなければ、報告書（案）の「事業の結果」欄を使います。"
        "--results があれば、そのファイルだけを使います（ない事業は未評価として一覧にします）。",
        [
            "komae-docx grade r6_filled.docx",
            "komae-docx results-template r6_draft.docx -o results.yaml",
            "komae-docx grade r6_draft.docx --results results.yaml --json",
        ],
        _codes(
            (EXIT_FINDINGS, "結果の誤り（この報告書にない事業 id、使えない値）"),
            (EXIT_UNDETERMINED, "未確定：評価が決まらない施策がある（未評価の事業あり）"),
        ),
        "run_grade",
    )
    sub.add_argument("file", metavar="報告書.docx", help=REPORT_HELP)
    sub.add_argument(
        "--results",
        metavar="結果.yaml",
        help="事業 id ごとの結果の .yaml / .json（results-template で作れます）。このファイルだけを使います",
    )
    sub.add_argument(
        "--with-draft-results",
        action="store_true",
        help="--results にない事業は、報告書（案）の「事業の結果」欄を使います（見出しにそれぞれの件数）",
    )
    sub.add_argument(
        "--json", action="store_true", help="評価と評価総括表を JSON で表示します（形は schema grade）"
    )


def _add_status(commands: Commands) -> None:
    sub = _command(
        commands,
        "status",
        "案の記入がどこまで済んだかを担当課ごとに表示します",
        "報告書（案）で、まだ空欄・未評価のところ（Do・Act・事業の結果・委員会意見・刊行物番号など）を担当課ごとに表示します。",
        ["komae-docx status r6_draft.docx", "komae-docx status r6_filled.docx --json"],
        _codes((EXIT_FINDINGS, "事業の結果に使えない値がある"), (EXIT_UNDETERMINED, "未記入あり")),
        "run_status",
    )
    sub.add_argument("file", metavar="報告書案.docx", help="報告書（案）の .docx ファイル")
    sub.add_argument("--json", action="store_true", help="JSON で表示します")


def _add_results_template(commands: Commands) -> None:
    sub = _command(
        commands,
        "results-template",
        "結果ファイル（YAML）のひな形を作ります",
        "報告書（案）のすべての事業 id を、施策・事業名・担当課のコメント付きで「未評価」として並べた\n"
        "結果ファイルを作ります。値を 達成・未達成・k/n に書き換えて grade --results に渡します。",
        [
            "komae-docx results-template r6_draft.docx -o results.yaml",
            "komae-docx grade r6_draft.docx --results results.yaml",
        ],
        _codes(),
        "run_results_template",
    )
    sub.add_argument("file", metavar="報告書案.docx", help="報告書（案）の .docx ファイル")
    sub.add_argument(
        "-o",
        "--output",
        metavar="結果.yaml",
        required=True,
        help="書き出す .yaml / .yml / .json（- なら標準出力）",
    )
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_draft(commands: Commands) -> None:
    sub = _command(
        commands,
        "draft",
        "前年度の報告書から翌年度の報告書（案）を作ります",
        "前年度の報告書をそのまま写して年度を進め、Do・Check・Act、事業の結果、委員会意見を空欄にした案を作ります。\n"
        "前年度の文はコメントで添えます（--carry-text なら欄に色付きで残します）。\n"
        "表示は要約だけです。変更の一覧は --changes（.json はスクリプト向け、.md/.txt は読む人向け）"
        "か -v で。",
        [
            "komae-docx draft r5_report.docx -o r6_draft.docx",
            "komae-docx draft r5_report.docx -o r6_draft.docx --changes 変更.md",
            "komae-docx draft r5_report.docx -o r6_draft.docx --template my_template.docx",
        ],
        _codes(),
        "run_draft",
    )
    sub.add_argument("file", metavar="前年度.docx", help="前年度の報告書の .docx ファイル")
    sub.add_argument("-o", "--output", metavar="案.docx", required=True, help="書き出す報告書（案）の .docx")
    sub.add_argument(
        "--carry-text",
        action="store_true",
        help="前年度の Do・Act をコメントではなく欄に（色付きで）入れます",
    )
    sub.add_argument(
        "--changes",
        metavar="変更.json|.md|.txt",
        help="変更の一覧を書き出します（.json・.md・.txt、- なら JSON を標準出力へ）",
    )
    sub.add_argument(
        "--template", metavar="ひな形.docx", help="make-template で作ったひな形（.docx）を使います"
    )
    sub.add_argument(
        "--from-draft",
        action="store_true",
        help="公表済みの報告書ではないファイル（報告書（案）など）からでも作ります（既定では断ります）",
    )
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_make_template(commands: Commands) -> None:
    sub = _command(
        commands,
        "make-template",
        "報告書から、案を作るためのひな形（.docx）を作ります",
        "市の報告書そのものを写し、年ごとに変わるところだけを差し込み欄にしたひな形を作ります。\n"
        "Word で体裁を直してから draft --template で使えます。",
        ["komae-docx make-template r5_report.docx -o template.docx"],
        _codes(),
        "run_make_template",
    )
    sub.add_argument("file", metavar="報告書.docx", help="もとにする報告書の .docx ファイル")
    sub.add_argument("-o", "--output", metavar="ひな形.docx", required=True, help="書き出すひな形の .docx")
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_split(commands: Commands) -> None:
    sub = _command(
        commands,
        "split",
        "案を担当課ごとの写しに分けます（各課は自分の欄だけ編集できます）",
        "報告書（案）を、事業を担当する課ごとに 1 つずつ写します（名前は 案_課名.docx）。\n"
        "写しは案の全体ですが、Word では自分の課の Do・Act・事業の結果の欄だけを編集できます"
        "（編集の制限。パスワードはありません）。\n"
        "記入された写しは merge でまとめます。",
        [
            "komae-docx split r6_draft.docx -o 各課へ",
            "komae-docx merge r6_draft.docx 各課から/*.docx -o r6_merged.docx",
        ],
        _codes(),
        "run_split",
    )
    sub.add_argument("file", metavar="報告書案.docx", help="報告書（案）の .docx ファイル")
    folder_help = "写しを書き出すフォルダー（なければ作ります）"
    sub.add_argument("-o", "--output", metavar="フォルダー", required=True, help=folder_help)
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_merge(commands: Commands) -> None:
    sub = _command(
        commands,
        "merge",
        "各課が記入した写しを 1 つの案にまとめます",
        "各課の写しから、案と違う記入欄（Do・Act・事業の結果・委員会意見）を取り込みます。\n"
        "split で作った写しはその課の欄だけ、そのほかの写しはすべての記入欄を取り込みます。\n"
        "2 つの写しが同じ欄に違う記入をしていれば何も書き出さず、場所と両方の写しを表示します"
        "（--prefer で一方に決められます）。\n"
        "記入欄の外の変更（Plan の文、見出しなど）は取り込まず、場所とファイルを表示します。\n"
        "写しはフォルダー（中の .docx すべて）や 各課から\\*.docx のようにも指定できます。"
        "Word が開いている写しの横にできる ~$ で始まるファイルは飛ばします。",
        [
            "komae-docx merge r6_draft.docx 各課から/*.docx -o r6_merged.docx",
            "komae-docx merge r6_draft.docx 各課から -o r6_merged.docx",
            "komae-docx merge r6_draft.docx a.docx b.docx -o r6_merged.docx --changes まとめ.md",
            "komae-docx merge r6_draft.docx a.docx b.docx -o r6_merged.docx --prefer a.docx",
        ],
        _codes((EXIT_FINDINGS, "食い違いがあり、何も書き出さなかった")),
        "run_merge",
    )
    sub.add_argument("file", metavar="報告書案.docx", help="もとの報告書（案）の .docx ファイル")
    copies_help = "各課が記入した写し（いくつでも。フォルダーも可）"
    sub.add_argument("copies", metavar="写し.docx", nargs="+", help=copies_help)
    sub.add_argument("-o", "--output", metavar="まとめ.docx", required=True, help="まとめた案の .docx")
    sub.add_argument(
        "--changes",
        metavar="まとめ.md|.txt|.json",
        help="取り込んだ記入（誰が何を）と取り込まなかった変更の一覧を書き出します",
    )
    sub.add_argument("--prefer", metavar="写し.docx", help="食い違いをすべてこの写しの記入に決めます")
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_finalize(commands: Commands) -> None:
    sub = _command(
        commands,
        "finalize",
        "記入済みの案から公表用の報告書を作ります",
        "各課が記入した案から、施策の評価・評価総括表・頁番号を入れ、入力用の枠やコメントを外した報告書を作ります。\n"
        "未記入が残っていれば何も書き出さず、担当課ごとの一覧を表示します"
        "（--allow-incomplete なら中間版を作ります）。\n"
        "報告書は市の様式どおり、事業ごとの Check 欄を元の報告書のまま（空欄や「/」）にし、"
        "評価は施策の欄だけに入れます。\n"
        "事業ごとの結果は報告書の中に見えない形で記録し、grade で読めます"
        "（--show-results なら Check 欄にも表示）。\n"
        "公表済みの報告書は仕上げられません（何も書き出しません）。",
        [
            "komae-docx finalize r6_filled.docx -o r6_report.docx --number R7-15",
            "komae-docx finalize r6_filled.docx -o r6_interim.docx --allow-incomplete",
        ],
        _codes((EXIT_FINDINGS, "未記入・変更履歴・コメントが残り、書き出さなかった（一覧を表示）")),
        "run_finalize",
    )
    sub.add_argument("file", metavar="記入済み案.docx", help="各課が記入した報告書（案）の .docx")
    sub.add_argument("-o", "--output", metavar="報告書.docx", required=True, help="書き出す報告書の .docx")
    sub.add_argument(
        "--results", metavar="結果.yaml", help="事業の結果を案の欄ではなくこのファイルから使います"
    )
    sub.add_argument(
        "--number",
        metavar="R7-15",
        help="刊行物番号（案の「R7-〇〇」を置き換えます。全角は半角にします。発行の年の番号だけ受け付けます）",
    )
    sub.add_argument(
        "--show-results",
        action="store_true",
        help="事業の結果（達成・未達成・1/3）を各事業の Check 欄にも書きます"
        "（既定：市の様式どおり書きません）",
    )
    sub.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="未記入があっても「（中間）」と明記した中間版を作ります",
    )
    sub.add_argument(
        "--accept-changes",
        action="store_true",
        help="変更履歴をすべて承諾して仕上げます（ないと、変更履歴が残る間は書き出しません）",
    )
    sub.add_argument(
        "--drop-comments",
        action="store_true",
        help="ほかの人のコメントを削除して仕上げます（ないと、コメントが残る間は書き出しません）",
    )
    sub.add_argument(
        "--pages",
        choices=("auto", "libreoffice", "fields"),
        default="auto",
        metavar="auto|libreoffice|fields",
        help="頁番号の入れ方。auto（既定）：LibreOffice が入っていれば libreoffice、なければ fields。"
        "libreoffice：LibreOffice で頁割りを求めて数字を書き込む（ないときは断ります）。"
        "fields：Word で開いたときに更新される欄にする",
    )
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_publish(commands: Commands) -> None:
    sub = _command(
        commands,
        "publish",
        "公表済みの報告書をホームページ用に書き出します（PDF とオープンデータ）",
        "公表済みの報告書（市の報告書か finalize で仕上げた報告書）から、フォルダーに次を書き出します。\n"
        "  名前.pdf        読み上げに対応した PDF（PDF/UA-1、頁番号は報告書の印刷どおり）\n"
        "  名前_施策.csv   施策ごとの評価（オープンデータ、UTF-8 BOM 付き）\n"
        "  名前_事業.csv   事業ごとの内容・担当課・結果\n"
        "  名前_説明.txt   各列の説明\n"
        "PDF には LibreOffice が必要です。ないときは CSV と説明だけを書き出します。\n"
        "元の報告書は変更しません。すべて書き出すか、何も書き出さないかのどちらかです。",
        [
            "komae-docx publish r6_report.docx -o ホームページ用",
            "komae-docx publish r6_report.docx -o ホームページ用 --pdf-only",
        ],
        _codes(),
        "run_publish",
    )
    sub.add_argument("file", metavar="報告書.docx", help="公表済みの報告書の .docx")
    sub.add_argument("-o", "--output", metavar="フォルダー", required=True, help="書き出すフォルダー")
    only = sub.add_mutually_exclusive_group()
    only.add_argument(
        "--pdf-only", action="store_true", help="PDF だけを書き出します（LibreOffice がないときは断ります）"
    )
    only.add_argument("--data-only", action="store_true", help="CSV と説明だけを書き出します")
    sub.add_argument(
        "--city-code",
        metavar="132195",
        help="全国地方公共団体コード（狛江市以外の報告書のとき。--prefecture と --municipality も指定）",
    )
    sub.add_argument("--prefecture", metavar="東京都", help="都道府県名（--city-code と一緒に）")
    sub.add_argument("--municipality", metavar="狛江市", help="市区町村名（--city-code と一緒に）")
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_render(commands: Commands) -> None:
    sub = _command(
        commands,
        "render",
        "モデルの JSON を市の様式の .docx にします（年度はそのまま）",
        "parse -o で書き出したモデルの JSON を、同梱のひな形で Word 文書にします。",
        ["komae-docx parse r5_report.docx -o r5.json", "komae-docx render r5.json -o r5_again.docx"],
        _codes(),
        "run_render",
    )
    sub.add_argument("file", metavar="モデル.json", help="parse -o で書き出したモデルの JSON ファイル")
    sub.add_argument("-o", "--output", metavar="報告書.docx", required=True, help="書き出す .docx ファイル")
    sub.add_argument("--template", metavar="ひな形.docx", help="使うひな形（.docx）")
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_compare(commands: Commands) -> None:
    sub = _command(
        commands,
        "compare",
        "前年度と今年度の報告書を比べます（委員会の資料）",
        "前年度の公表済みの報告書と、今年度の報告書（公表済み、または記入中の案）を比べ、\n"
        "評価が動いた施策（両年度の評価と達成の割合）、結果が変わった事業、計画の見直し"
        "（施策・事業の追加・廃止、Plan の文・担当課の変更）を、大事なものから表示します。\n"
        "-o で委員会に配る Word の資料（A4 横）を書き出します。",
        [
            "komae-docx compare r5_report.docx r6_report.docx",
            "komae-docx compare r5_report.docx r6_report.docx -o 比較.docx",
            "komae-docx compare r5_report.docx r6_draft.docx --json",
        ],
        _codes(),
        "run_compare",
    )
    sub.add_argument("last", metavar="前年度.docx", help="前年度の公表済みの報告書")
    sub.add_argument("this", metavar="今年度.docx", help="今年度の報告書（公表済み、または記入中の案）")
    sub.add_argument("-o", "--output", metavar="比較.docx", help="委員会の資料（Word、A4 横）を書き出します")
    sub.add_argument("--json", action="store_true", help="比較を JSON で表示します（形は schema compare）")
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_trend(commands: Commands) -> None:
    sub = _command(
        commands,
        "trend",
        "同じ計画の複数年度の報告書から、施策の評価の推移を表にします",
        "同じ計画の公表済みの報告書を 2 つ以上（順不同）受け取り、年度の順に並べて、"
        "施策ごとの評価と達成の割合の表を表示します。\n"
        "ない年度の施策は「―」とし、計画の見直しを添えます。-o で表とグラフの Word の資料（A4 横）、"
        "--csv で表の CSV を書き出します。",
        [
            "komae-docx trend r5_report.docx r6_report.docx r7_report.docx",
            "komae-docx trend r*_report.docx -o 推移.docx --csv 推移.csv",
        ],
        _codes(),
        "run_trend",
    )
    sub.add_argument("files", metavar="報告書.docx", nargs="+", help="同じ計画の公表済みの報告書（2 つ以上）")
    sub.add_argument(
        "-o", "--output", metavar="推移.docx", help="表とグラフの資料（Word、A4 横）を書き出します"
    )
    sub.add_argument("--csv", metavar="推移.csv", help="表を CSV（Excel で開ける UTF-8）で書き出します")
    sub.add_argument("--json", action="store_true", help="推移を JSON で表示します（形は schema trend）")
    sub.add_argument("--force", action="store_true", help=FORCE_HELP)


def _add_serve(commands: Commands) -> None:
    sub = _command(
        commands,
        "serve",
        "ブラウザで使う画面を、このパソコンの中だけで開きます",
        "このパソコンだけから見える画面（127.0.0.1）を起動し、ブラウザを開きます。Ctrl+C で終わります。",
        ["komae-docx serve", "komae-docx serve --port 8765 --no-browser"],
        {EXIT_OK: "成功（Ctrl+C で終了）", **{k: v for k, v in _codes().items() if k != EXIT_OK}},
        "run_serve",
    )
    sub.add_argument("--port", type=_port, metavar="番号", help="使うポート番号（既定・0：空いている番号）")
    sub.add_argument(
        "--no-browser", action="store_true", help="ブラウザを開きません（アドレスを表示するだけ）"
    )


def _port(text: str) -> int:
    if not text.isdigit() or not 0 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"ポート番号は 0～65535 の数で指定してください（{text!r}）")
    return int(text)


if __name__ == "__main__":
    sys.exit(main())
