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

from pydantic import ValidationError

from ..checks import check_report, describe_findings, findings_as_json, has_errors
from ..errors import InputFileError, KomaeDocxError, OutputError
from ..model import Report
from ..reading.reader import read_report_result
from ..reading.results_file import match_results, read_results_file
from ..rules import all_determined, describe_grades, grade_report, grades_as_json
from ..safeio import write_text_atomic
from ..writing.writer import write_draft, write_report
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
    _add_check_and_grade(commands)
    _add_draft_and_render(commands)
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


def _add_check_and_grade(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    check = commands.add_parser("check", help="報告書を検査し、エラーと警告を場所付きで表示します")
    check.add_argument("file", type=Path, help="報告書の .docx ファイル")
    check.add_argument("--json", action="store_true", help="検査結果を JSON で表示します")
    check.set_defaults(run=_run_check)
    grade = commands.add_parser("grade", help="事業の結果から施策の評価と評価総括表を求めます")
    grade.add_argument("file", type=Path, help="報告書(案)の .docx ファイル")
    grade.add_argument(
        "--results", type=Path, help="事業 id ごとの結果(達成・未達成・未評価)の .yaml / .json ファイル"
    )
    grade.add_argument("--json", action="store_true", help="評価と評価総括表を JSON で表示します")
    grade.set_defaults(run=_run_grade)
    for sub in (check, grade):
        sub.add_argument("--debug", action="store_true", help=argparse.SUPPRESS, default=argparse.SUPPRESS)


def _run_check(args: argparse.Namespace) -> int:
    """Exit 0 without errors (warnings allowed), 1 with errors."""
    result = read_report_result(args.file)
    findings = check_report(result.value, result.messages)
    if args.json:
        print(json.dumps(findings_as_json(findings, args.file.name), ensure_ascii=False, indent=2))
    else:
        print(describe_findings(findings, args.file.name))
    return 1 if has_errors(findings) else 0


def _run_grade(args: argparse.Namespace) -> int:
    """Exit 0 when every measure has its grade, 1 when some stay undetermined or ids are unknown."""
    result = read_report_result(args.file)
    match = match_results(result.value, read_results_file(args.results)) if args.results else None
    plans = grade_report(result.value, match.results if match else None)
    if args.json:
        data = {
            "file": args.file.name,
            "plans": grades_as_json(plans),
            "results": match.as_json() if match else None,
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(describe_grades(plans, args.file.name, args.results.name if args.results else None))
    notes = [f"警告：{m.describe()}" for m in result.messages] + (match.describe_lines() if match else [])
    for line in notes:
        print(line, file=sys.stderr)
    return 0 if all_determined(plans) and (match is None or not match.unknown_ids) else 1


def _add_draft_and_render(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    draft = commands.add_parser("draft", help="前年度の報告書から翌年度の報告書(案)を作ります")
    draft.add_argument("file", type=Path, help="前年度の報告書の .docx ファイル")
    draft.add_argument("-o", "--output", type=Path, required=True, help="書き出す報告書(案)の .docx")
    draft.add_argument(
        "--carry-text", action="store_true", help="前年度の Do・Act をコメントではなく欄に(色付きで)入れます"
    )
    draft.add_argument("--changes", type=Path, help="変更一覧を JSON ファイルにも書き出します")
    render = commands.add_parser("render", help="モデルの JSON を市の様式の .docx にします(年度はそのまま)")
    render.add_argument("file", type=Path, help="parse -o で書き出したモデルの JSON ファイル")
    render.add_argument("-o", "--output", type=Path, required=True, help="書き出す .docx ファイル")
    for sub in (draft, render):
        sub.add_argument("--template", type=Path, help="テンプレート(report.docx)のあるフォルダー")
        sub.add_argument("--force", action="store_true", help="既存の出力ファイルを上書きします")
        sub.add_argument("--debug", action="store_true", help=argparse.SUPPRESS, default=argparse.SUPPRESS)
    draft.set_defaults(run=_run_draft)
    render.set_defaults(run=_run_render)


def _run_draft(args: argparse.Namespace) -> int:
    if args.changes is not None and args.changes.exists() and not args.force:
        raise OutputError("既に存在します。上書きするには --force を指定してください", args.changes)
    rollover = write_draft(
        args.file, args.output, carry_text=args.carry_text, template_dir=args.template, force=args.force
    )
    if args.changes is not None:
        data = [change.model_dump() for change in rollover.changes]
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        write_text_atomic(args.changes, text, force=args.force, inputs=[args.file, args.output])
    for change in rollover.changes:
        print(change.describe())
    print(f"{args.output} に報告書(案)を書き出しました（変更 {len(rollover.changes)} 件）。", file=sys.stderr)
    return 0


MAX_MODEL_JSON_BYTES = 50 * 1024 * 1024


def _run_render(args: argparse.Namespace) -> int:
    report = _read_model_json(args.file)
    write_report(report, args.output, force=args.force, inputs=[args.file], template_dir=args.template)
    print(f"{args.output} に書き出しました。", file=sys.stderr)
    return 0


def _read_model_json(path: Path) -> Report:
    """A Report from ``parse -o`` output; errors name the file and the JSON path of the first problem."""
    try:
        if path.stat().st_size > MAX_MODEL_JSON_BYTES:
            raise InputFileError("ファイルが大きすぎます（上限 50 MB）", path)
        return Report.model_validate_json(path.read_bytes())
    except OSError as error:
        raise InputFileError(f"読めません（{error.strerror or type(error).__name__}）", path) from error
    except ValidationError as error:
        first = error.errors()[0] if error.errors() else None
        where = ".".join(str(part) for part in first["loc"]) if first and first["loc"] else None
        raise InputFileError("報告書モデルの JSON ではありません", path, where=where) from error


if __name__ == "__main__":
    sys.exit(main())
