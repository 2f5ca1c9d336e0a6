"""What each ``komae-docx`` command does, over :mod:`komae_docx.api`.

Imported by :mod:`.cli` when a command runs (never for ``--help``).  Besides the API it uses only
the foundations (``safeio``, ``errors``, ``results``) and the Japanese presenters that live beside
the rules (``rules.describe_grades`` / ``grades_as_json``, ``progress.describe_status``), so that
the grade and status texts are the same wherever they are shown.  Conventions:

* data a script asked for (``--json``, ``-o -``) goes to stdout; summaries for people go to stdout
  too unless stdout carries data, then to stderr; warnings and errors go to stderr;
* ``-q`` prints nothing but errors (and the data asked for); ``-v`` adds the full lists;
* every output is checked (name, folder, existing file, not an input, not another output) before
  anything is written, so a refused command writes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .. import api
from ..errors import WrongFileKindError
from ..results import INCOMPLETE_WORD, SEVERITY_TEXT, Message, severity_word
from ..safeio import check_distinct, check_outputs, write_text_atomic
from . import changelog
from .exitcodes import EXIT_FINDINGS, EXIT_OK, EXIT_REFUSED, EXIT_UNDETERMINED
from .schemas import CheckOutput, StatusOutput, schema
from .streams import (
    DOCX_SUFFIXES,
    STDIO,
    display_name,
    input_path,
    refuse_stdin,
    require_suffix,
    write_data,
)
from .summary import describe_report

CHANGES_SUFFIXES = (".json", ".md", ".txt")
RESULTS_SUFFIXES = (".yaml", ".yml", ".json")


# --------------------------------------------------------------------------- printing


def _say(args: argparse.Namespace, text: str, stream: TextIO | None = None) -> None:
    """A line for people; ``-q`` silences it."""
    if not args.quiet:
        print(text, file=stream or sys.stdout)


def _print_messages(args: argparse.Namespace, messages: Sequence[Message], limit: int | None = None) -> None:
    """Messages on stderr with their severity; errors even under ``-q``; at most ``limit`` unless ``-v``."""
    shown = [m for m in messages if m.severity == "error" or not args.quiet]
    if limit is not None and not args.verbose and len(shown) > limit:
        hidden = len(shown) - limit
        shown = shown[:limit]
        tail = [f"ほか {hidden} 件（-v ですべて表示します）"]
    else:
        tail = []
    for message in shown:
        print(message.describe_with_severity(), file=sys.stderr)
    for line in tail:
        print(line, file=sys.stderr)


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)


Planned = tuple[str, str, tuple[str, ...], str]
"""An output as given: (path or ``-``, its option, the suffixes it may have, an example name)."""


def _plan(outputs: Sequence[Planned], inputs: Sequence[str | None], force: bool) -> None:
    """Check every output before anything is written, the most telling reason first.

    An output that is an input or another output, then a name that would not open on a
    double-click, then an existing file (without ``--force``) or a missing folder.
    """
    files = [(given, option) for given, option, _, _ in outputs if given != STDIO]
    check_distinct(files, inputs=_inputs(*inputs))
    for given, option, suffixes, example in outputs:
        require_suffix(given, option, suffixes, example)
    check_outputs(files, inputs=_inputs(*inputs), force=force)


# --------------------------------------------------------------------------- reading commands


def run_parse(args: argparse.Namespace) -> int:
    output: str | None = args.output
    if output is not None:
        _plan([(output, "-o", (".json",), "r5.json")], [args.file], args.force)
    with input_path(args.file) as path:
        result = api.read(path)
    report_json = result.value.model_dump_json(indent=2)
    if output is not None and output != STDIO:
        write_text_atomic(output, report_json + "\n", force=args.force, inputs=_inputs(args.file))
        _say(args, f"{output} に書き出しました。", sys.stderr)
    if args.json or output == STDIO:
        write_data(report_json)
        _print_messages(args, result.messages)
    elif output is None:
        text = describe_report(result.value, display_name(args.file), result.messages).split("\n")
        _say(args, "\n".join([text[0], kind_line(api.identify(result).value, result.value), *text[1:]]))
    else:
        _print_messages(args, result.messages)
    return EXIT_OK


def run_schema(args: argparse.Namespace) -> int:
    write_data(_dump(schema(args.kind)))
    return EXIT_OK


def run_check(args: argparse.Namespace) -> int:
    """0 without errors (warnings allowed), 1 with errors."""
    with input_path(args.file) as path:
        read = api.read(path)
        findings = api.check(path if args.layout else read, layout=args.layout).value
    kind = api.identify(read).value
    counts = {severity: sum(1 for f in findings if f.severity == severity) for severity in SEVERITY_TEXT}
    if args.json:
        output = CheckOutput(
            file=args.file,
            kind=kind.value,
            kind_label=kind.label,
            errors=counts["error"],
            warnings=counts["warning"],
            infos=counts["info"],
            findings=findings,
        )
        write_data(output.model_dump_json(indent=2))
    else:
        shown = [f for f in findings if f.severity == "error" or not args.quiet]
        _say(args, f"{display_name(args.file)} の検査結果：{_tally(findings)}")
        _say(args, kind_line(kind, read.value))
        for finding in shown:
            print(f"  {finding.describe_with_severity()}")
    return EXIT_FINDINGS if counts["error"] else EXIT_OK


def _tally(findings: Sequence[Message]) -> str:
    """``エラー 0 件・警告 9 件・未記入 106 件``: the same words as the lines below it."""
    words = Counter(severity_word(f.severity, f.code) for f in findings)
    shown = [SEVERITY_TEXT["error"], SEVERITY_TEXT["warning"]]
    shown += [word for word in (SEVERITY_TEXT["info"], INCOMPLETE_WORD) if words[word]]
    return "・".join(f"{word} {words[word]} 件" for word in shown)


def run_grade(args: argparse.Namespace) -> int:
    """0 when every measure has its grade; 1 when the results do not fit; 4 while some are undetermined."""
    from ..rules import all_determined, describe_grades, grades_as_json

    with input_path(args.file) as path:
        read = api.read(path)
        result = api.grade(read, args.results, with_draft_results=args.with_draft_results)
    kind = api.identify(read).value
    plans = result.value
    determined = all_determined(plans)
    if args.json:
        data = {
            "file": args.file,
            "kind": kind.value,
            "kind_label": kind.label,
            "results": args.results,
            "determined": determined,
            "plans": grades_as_json(plans),
            "messages": [m.model_dump(mode="json") for m in result.messages],
        }
        write_data(_dump(data))
    else:
        source = args.results or (RECORDED if read.value.record is not None and kind.is_published else None)
        if args.results and args.with_draft_results:
            from_file, from_cells = api.result_sources(read.value, args.results)
            source = f"{args.results} から {from_file} 件、報告書の Check 欄から {from_cells} 件"
        text = describe_grades(plans, display_name(args.file), source).split("\n")
        _say(args, "\n".join([text[0], kind_line(kind, read.value), *text[1:]]))
        _print_messages(args, result.messages, limit=20)
    if any(m.severity == "error" for m in result.messages):
        return EXIT_FINDINGS
    return EXIT_OK if determined else EXIT_UNDETERMINED


def run_status(args: argparse.Namespace) -> int:
    """0 when nothing is left to fill in, 4 otherwise; 1 when an item is an error."""
    from ..progress import describe_status

    refuse_stdin(args.file, "status", "r6_draft.docx")

    with input_path(args.file) as path:
        read = api.read(path)
        result = api.status(read)
    kind = api.identify(read).value
    current = result.value
    if args.json:
        positions = {id(item): index for index, item in enumerate(current.items)}
        departments = current.by_department().items()
        output = StatusOutput(
            file=args.file,
            kind=kind.value,
            kind_label=kind.label,
            is_draft=current.is_draft,
            complete=not current.items,
            items=current.items,
            by_department={name: [positions[id(item)] for item in items] for name, items in departments},
        )
        write_data(output.model_dump_json(indent=2))
    else:
        text = describe_status(current, display_name(args.file)).split("\n")
        _say(args, "\n".join([text[0], kind_line(kind, read.value), *text[1:]]))
    if any(item.severity == "error" for item in current.items):
        return EXIT_FINDINGS  # an unusable value typed in a result control, as grade and check say
    return EXIT_OK if not current.items else EXIT_UNDETERMINED


def run_results_template(args: argparse.Namespace) -> int:
    output: str = args.output
    refuse_stdin(args.file, "results-template", "r6_draft.docx -o results.yaml")
    _plan([(output, "-o", RESULTS_SUFFIXES, "results.yaml")], [args.file], args.force)
    if output == STDIO:
        with tempfile.TemporaryDirectory(prefix="komae-docx-results-") as folder:
            made = api.results_template(args.file, Path(folder) / "results.yaml")
            write_data(made.value.read_text(encoding="utf-8"))
        return EXIT_OK
    api.results_template(args.file, output, force=args.force)
    _say(args, f"{output} に結果ファイルのひな形を書き出しました（値はすべて 未評価）。")
    _say(
        args,
        f"次に：値を 達成・未達成・k/n に書き換え、"
        f"komae-docx grade {args.file} --results {output} で評価します。",
    )
    return EXIT_OK


RECORDED = "報告書に記録された事業の結果（finalize が記録）"
"""Where the results of a report ``finalize`` made come from: its results part."""


def kind_line(kind: Any, report: Any = None) -> str:
    """The line every command prints about the file: 「ファイルの種類：記入中の報告書（案）」
    (with the report, what it says of itself: 「福祉政策課の写し（記入中）」)."""
    from ..filekind import label

    return f"ファイルの種類：{label(report, kind) if report is not None else kind.label}"


def _inputs(*given: str | None) -> list[str]:
    return [name for name in given if name is not None and name != STDIO]


# --------------------------------------------------------------------------- writing commands


def run_draft(args: argparse.Namespace) -> int:
    output: str = args.output
    refuse_stdin(args.file, "draft", "r5_report.docx -o r6_draft.docx")
    changes: str | None = args.changes
    planned: list[Planned] = [(output, "-o", DOCX_SUFFIXES, "r6_draft.docx")]
    if changes is not None:
        planned.append((changes, "--changes", CHANGES_SUFFIXES, "変更.md"))
    _plan(planned, [args.file, args.template], args.force)
    title = f"{args.file} → {output} の変更一覧"

    def changes_file(draft: api.Draft) -> list[tuple[str, bytes]]:
        if changes is None or changes == STDIO:
            return []
        return [(changes, _changes_text(draft.changes, changes, title).encode("utf-8"))]

    try:
        made = api.draft(
            args.file,
            output,
            carry_text=args.carry_text,
            template=args.template,
            force=args.force,
            from_draft=args.from_draft,
            with_outputs=changes_file,
        )
    except WrongFileKindError as error:
        if error.kind != "department_copy":
            error.message += "（それでも作るときは --from-draft）"
        raise
    if changes == STDIO:
        write_data(_changes_text(made.value.changes, changes, title))
    _draft_summary(args, made.value.changes, made.messages, made.value.source_kind)
    return EXIT_OK


def _changes_text(changes: Sequence[Any], target: str, title: str) -> str:
    suffix = ".json" if target == STDIO else Path(target).suffix.lower()
    if suffix == ".json":
        return _dump(changelog.as_json(changes)) + "\n"
    return changelog.as_text(changes, title, markdown=suffix == ".md")


def _draft_summary(
    args: argparse.Namespace, changes: Sequence[Any], messages: Sequence[Message], kind: str
) -> None:
    """At most five lines: output, changes by kind, warnings, next step, the file's kind (``-v``: the
    full lists)."""
    stream = sys.stderr if args.changes == STDIO else sys.stdout
    where = (
        f"一覧は {args.changes} に書き出しました"
        if args.changes not in (None, STDIO)
        else "一覧は --changes 変更.md か -v で表示します"
    )
    if args.changes == STDIO:
        where = "一覧は標準出力に JSON で書き出しました"
    warnings = f"警告 {len(messages)} 件" + ("（-v で表示します）" if messages and not args.verbose else "")
    _say(args, f"{args.output} に報告書（案）を書き出しました。", stream)
    _say(args, f"{changelog.summary_line(changes)}。{where}。", stream)
    _say(args, warnings, stream)
    _say(
        args,
        "次に：各課が Word で Do・Act・事業の結果を記入します。"
        f"残りは komae-docx status {args.output} で確かめられます。",
        stream,
    )
    _say(args, f"ファイルの種類（{args.file}）：{kind}", stream)
    if args.verbose:
        _print_messages(args, messages)
        if args.changes != STDIO:
            print(changelog.as_text(changes, "変更一覧", markdown=False), end="", file=stream)


def run_split(args: argparse.Namespace) -> int:
    refuse_stdin(args.file, "split", "r6_draft.docx -o 各課へ")
    made = api.split(args.file, args.output, force=args.force).value
    _say(args, f"{made.folder} に担当課ごとの写しを {len(made.copies)} 件書き出しました。")
    _say(args, f"ファイルの種類（{args.file}）：{made.source_kind}")
    for copy in made.copies:
        _say(args, f"  {copy.path.name}（{copy.department}：記入欄 {copy.cells}）")
    _say(
        args,
        "次に：各課が Word で自分の欄に記入します。"
        f"戻った写しは komae-docx merge {args.file} 写し.docx … -o まとめ.docx でまとめます。",
    )
    return EXIT_OK


def run_merge(args: argparse.Namespace) -> int:
    """0 merged; 1 when copies disagree on a cell (nothing written, each conflict listed)."""
    from . import mergelog

    output: str = args.output
    changes: str | None = args.changes
    for given in (args.file, *args.copies):
        refuse_stdin(given, "merge", "r6_draft.docx 写し.docx … -o r6_merged.docx")
    args.copies = _copies_as_given(args)
    planned: list[Planned] = [(output, "-o", DOCX_SUFFIXES, "r6_merged.docx")]
    if changes is not None:
        planned.append((changes, "--changes", CHANGES_SUFFIXES, "まとめ.md"))
    _plan(planned, [args.file, *args.copies], args.force)

    def log_file(merged: api.Merged) -> list[tuple[str, bytes]]:
        if changes is None or changes == STDIO:
            return []
        return [(changes, _merge_log_text(merged, changes, args).encode("utf-8"))]

    result = api.merge(
        args.file, args.copies, output, prefer=args.prefer, force=args.force, with_outputs=log_file
    )
    merged = result.value
    if merged.path is None:
        _say(args, f"ファイルの種類（{args.file}）：{merged.source_kind}")
        _print_conflicts(merged)
        return EXIT_FINDINGS
    if changes == STDIO:
        write_data(_merge_log_text(merged, changes, args))
    _print_messages(args, [m for m in result.messages if m.severity != "info"], limit=10)
    stream = sys.stderr if changes == STDIO else sys.stdout  # stdout carries the log's JSON
    _say(args, f"{output} にまとめた案を書き出しました。", stream)
    _say(args, f"ファイルの種類（{args.file}）：{merged.source_kind}", stream)
    _say(args, mergelog.summary_line(merged, merged.copies or len(args.copies)) + "。", stream)
    if args.verbose and changes != STDIO:
        print(mergelog.as_text(merged, "まとめの記録", markdown=False), end="")
    _say(args, f"次に：残りは komae-docx status {output} で確かめられます。", stream)
    return EXIT_OK


def _copies_as_given(args: argparse.Namespace) -> list[str]:
    """The copies named by files, folders and patterns the shell left alone (cmd.exe passes
    ``写し\\*.docx`` as typed); the files Word or LibreOffice keep beside an open copy are skipped,
    each with its line before the merge starts."""
    from ..filelists import documents

    found = documents(args.copies)
    _print_messages(args, found.messages)
    return [str(path) for path in found.value]


def _print_conflicts(merged: api.Merged) -> None:
    unresolved = merged.unresolved
    print(
        f"エラー：同じ欄に違う記入をした写しがあり（{len(unresolved)} 件）、何も書き出しませんでした。"
        "どちらかに直すか、--prefer 写し.docx で一方に決めてください。",
        file=sys.stderr,
    )
    for conflict in unresolved:
        first, second = conflict.first, conflict.second
        print(f"■ {conflict.location.describe()}", file=sys.stderr)
        for side in (first, second):
            print(f"  {side.file}（{side.department}）：「{' '.join(side.text.split())}」", file=sys.stderr)


def _merge_log_text(merged: api.Merged, target: str, args: argparse.Namespace) -> str:
    from . import mergelog

    suffix = ".json" if target == STDIO else Path(target).suffix.lower()
    title = f"{args.file} と写し {merged.copies or len(args.copies)} 件 → {args.output} のまとめの記録"
    if suffix == ".json":
        return _dump(mergelog.as_json(merged)) + "\n"
    return mergelog.as_text(merged, title, markdown=suffix == ".md")


def run_make_template(args: argparse.Namespace) -> int:
    output: str = args.output
    refuse_stdin(args.file, "make-template", "r5_report.docx -o template.docx")
    _plan([(output, "-o", DOCX_SUFFIXES, "template.docx")], [args.file], args.force)
    made = api.make_template(args.file, output, force=args.force)
    _print_messages(args, made.messages)
    _say(args, f"{output} にひな形を書き出しました。")
    _say(
        args,
        f"次に：Word で体裁を整え、komae-docx draft 前年度.docx -o 案.docx --template {output} で使えます。",
    )
    return EXIT_OK


def run_finalize(args: argparse.Namespace) -> int:
    """0 written; 1 when something is left to fill in (nothing written, the list per department)."""
    output: str = args.output
    refuse_stdin(args.file, "finalize", "r6_filled.docx -o r6_report.docx")
    _plan([(output, "-o", DOCX_SUFFIXES, "r6_report.docx")], [args.file, args.results], args.force)
    made = api.finalize(
        args.file,
        output,
        results=args.results,
        number=args.number,
        allow_incomplete=args.allow_incomplete,
        pages=args.pages,
        force=args.force,
        show_results=args.show_results,
        accept_changes=args.accept_changes,
        drop_comments=args.drop_comments,
    )
    finalized = made.value
    if finalized.path is None:
        _say(args, f"ファイルの種類（{args.file}）：{finalized.source_kind}")
        _print_incomplete(args, finalized.incomplete, finalized.number_form)
        return EXIT_FINDINGS
    _print_messages(args, [m for m in made.messages if m not in finalized.incomplete])
    kind = "中間版" if finalized.interim else "報告書"
    _say(args, f"{finalized.path} に{kind}を書き出しました。")
    _say(args, f"ファイルの種類（{args.file}）：{finalized.source_kind}")
    pages = (
        "LibreOffice の頁割りで入れました"
        if finalized.pages == "libreoffice"
        else "Word で開くと更新されます"
    )
    _say(args, f"頁番号：{pages}。")
    if finalized.interim:
        _say(args, f"未記入 {len(finalized.incomplete)} 件は「未確定」としてあります（表紙に「（中間）」）。")
    return EXIT_OK


def run_publish(args: argparse.Namespace) -> int:
    """0 written (the PDF may be missing without LibreOffice: a warning says so); 2 refused."""
    from ..errors import KomaeDocxError
    from ..website.opendata import City

    refuse_stdin(args.file, "publish", "r6_report.docx -o ホームページ用")
    city = None
    given = (args.city_code, args.prefecture, args.municipality)
    if any(given):
        if not all(given) or not (args.city_code.isascii() and args.city_code.isdigit()):
            raise KomaeDocxError("--city-code（数字）・--prefecture・--municipality は3つとも指定してください")  # noqa: E501
        city = City(args.city_code, args.prefecture, args.municipality)
    made = api.publish(
        args.file,
        args.output,
        pdf=not args.data_only,
        data=not args.pdf_only,
        city=city,
        force=args.force,
    )
    _print_messages(args, made.messages)
    done = made.value
    for path in (done.pdf, done.measures_csv, done.projects_csv, done.explanation):
        if path is not None:
            _say(args, f"{path} を書き出しました。")
    return EXIT_OK
def _number_note(args: argparse.Namespace) -> str:
    """With ``--number`` the publication number is not left: status, which counts it, says one more."""
    if getattr(args, "number", None) is None:
        return ""
    return "（刊行物番号は --number で指定したため、数えていません）"


def _print_incomplete(args: argparse.Namespace, items: Sequence[Message], number_form: str) -> None:
    """The refusal: what is left, per department (each item once per department in charge), then
    the tracked changes and comments a published report may not carry.

    When only the publication number is left, the refusal says how to give it.
    """
    if items and all(item.code == "incomplete.number" for item in items):
        print(
            f"エラー：{args.file}：刊行物番号が未定のため、報告書を書き出しませんでした。"
            f"--number {number_form} で刊行物番号を指定してください（〇〇 は番号）。",
            file=sys.stderr,
        )
        return
    marks = [item for item in items if item.code in api.REVIEW_MARK_CODES]
    left = [item for item in items if item.code not in api.REVIEW_MARK_CODES]
    groups: dict[str, list[Message]] = {}
    for item in left:
        groups.setdefault(item.location.department or "担当課なし", []).append(item)
    if left:
        print(
            f"エラー：{args.file}：未記入・未確定が {len(left)} 件あるため、報告書を書き出しませんでした"
            f"{_number_note(args)}（中間版は --allow-incomplete）。",
            file=sys.stderr,
        )
    if marks:
        print(
            f"エラー：{args.file}：変更履歴・ほかの人のコメントが {len(marks)} 箇所に残っているため、"
            "報告書を書き出しませんでした"
            "（--accept-changes で変更履歴を承諾、--drop-comments でコメントを削除）。",
            file=sys.stderr,
        )
        groups["変更履歴・コメント"] = marks
    for department, group in groups.items():
        print(f"■ {department}（{len(group)} 件）", file=sys.stderr)
        for item in group:
            print(f"  {item.describe()}", file=sys.stderr)


def run_render(args: argparse.Namespace) -> int:
    from .modeljson import read_model_json

    output: str = args.output
    _plan([(output, "-o", DOCX_SUFFIXES, "r5_again.docx")], [args.file, args.template], args.force)
    with input_path(args.file) as path:
        report = read_model_json(path, display_name(args.file))
    made = api.render(report, output, template=args.template, force=args.force)
    _print_messages(args, made.messages, limit=20)
    _say(args, f"{output} に書き出しました。")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    """The local page (issue 11); its server and web libraries load only here."""
    try:
        from .web.server import run

        return run(args.port, not args.no_browser)
    except ModuleNotFoundError as error:
        print(
            f"エラー：画面に必要な部品（{error.name}）がインストールされていません。"
            "pip install komae-docx で入れ直してください。",
            file=sys.stderr,
        )
        return EXIT_REFUSED


# --------------------------------------------------------------------------- the committee's view


def run_compare(args: argparse.Namespace) -> int:
    """Two years side by side; ``-o`` writes the committee's handout."""
    from ..yearcompare import describe_comparison
    from .schemas import CompareOutput

    for given in (args.last, args.this):
        refuse_stdin(given, "compare", "r5_report.docx r6_report.docx")
    output: str | None = args.output
    if output is not None:
        _plan([(output, "-o", DOCX_SUFFIXES, "比較.docx")], [args.last, args.this], args.force)
    result = api.compare(args.last, args.this, handout=output, force=args.force)
    comparison = result.value
    if args.json:
        data = CompareOutput(
            comparison=comparison,
            moved=comparison.moved,
            changed_projects=comparison.changed_projects,
            nothing_changed=comparison.nothing_changed,
            messages=result.messages,
        )
        write_data(data.model_dump_json(indent=2))
    else:
        _say(args, describe_comparison(comparison, verbose=args.verbose))
    if output is not None:
        _say(args, f"{output} に委員会の資料を書き出しました。", sys.stderr if args.json else None)
    _print_messages(args, result.messages, limit=10)
    return EXIT_OK


def run_trend(args: argparse.Namespace) -> int:
    """Measures × years; ``-o`` the handout with its chart, ``--csv`` the table."""
    from ..trend import describe_trend
    from .schemas import TrendOutput

    for given in args.files:
        refuse_stdin(given, "trend", "r5_report.docx r6_report.docx")
    planned: list[Planned] = []
    if args.output is not None:
        planned.append((args.output, "-o", DOCX_SUFFIXES, "推移.docx"))
    if args.csv is not None:
        planned.append((args.csv, "--csv", (".csv",), "推移.csv"))
    if planned:
        _plan(planned, list(args.files), args.force)
    result = api.trend(args.files, handout=args.output, csv=args.csv, force=args.force)
    if args.json:
        write_data(TrendOutput(trend=result.value, messages=result.messages).model_dump_json(indent=2))
    else:
        _say(args, describe_trend(result.value))
    for given, what in ((args.output, "表とグラフの資料"), (args.csv, "表（CSV）")):
        if given is not None:
            _say(args, f"{given} に{what}を書き出しました。", sys.stderr if args.json else None)
    _print_messages(args, result.messages, limit=10)
    return EXIT_OK
