"""The ``komae-docx`` command: a thin shell over the public API.

Exit codes: 0 success, 1 the report has errors (``check``), 2 the input or output was refused
(a Japanese message on stderr, never a traceback unless ``--debug``).
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

from .errors import KomaeDocxError
from .model import Report
from .reader import read_report_result
from .safeio import write_text_atomic
from .summary import describe_report


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    try:
        return int(args.run(args))
    except KomaeDocxError as error:
        if args.debug:
            traceback.print_exc()
        print(f"エラー：{error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("中断しました。", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: users never see a traceback
        if args.debug:
            traceback.print_exc()
        print(
            f"エラー：予期しない問題が発生しました（{type(error).__name__}）。"
            "--debug を付けて実行すると詳細が表示されます。",
            file=sys.stderr,
        )
        return 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="komae-docx", description="進捗管理報告書(.docx)を読み・検査し・翌年度案を作ります。"
    )
    parser.add_argument("--debug", action="store_true", help="エラー時に詳細(トレースバック)を表示します")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    parse = commands.add_parser("parse", help="報告書を読み、要約(または JSON)を表示します")
    parse.add_argument("file", type=Path, help="報告書の .docx ファイル")
    parse.add_argument("--json", action="store_true", help="モデル全体を JSON で表示します")
    parse.add_argument("-o", "--output", type=Path, help="モデルを JSON ファイルに書き出します")
    parse.add_argument("--force", action="store_true", help="既存の出力ファイルを上書きします")
    parse.set_defaults(run=_run_parse)

    schema = commands.add_parser("schema", help="Report モデルの JSON Schema を表示します")
    schema.set_defaults(run=_run_schema)
    for sub in (parse, schema):
        sub.add_argument("--debug", action="store_true", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    return parser


def _run_parse(args: argparse.Namespace) -> int:
    result = read_report_result(args.file)
    report_json = result.value.model_dump_json(indent=2)
    if args.output:
        write_text_atomic(args.output, report_json + "\n", force=args.force, inputs=[args.file])
        print(f"{args.output} に書き出しました。", file=sys.stderr)
    if args.json:
        print(report_json)
    elif not args.output:
        print(describe_report(result.value, args.file.name, result.messages))
    if result.messages and (args.json or args.output):
        for message in result.messages:
            print(f"警告：{message.describe()}", file=sys.stderr)
    return 0


def _run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
