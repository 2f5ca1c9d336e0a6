"""Per-project results from a YAML or JSON file, keyed by project id.

The ids are :attr:`Project.id` as ``komae-docx parse --json`` shows them (``p1-1-2-1-a``,
``p2-1-(2)イ``, ``p2-5-(6)ア``); the values are what the draft's result control takes (序章 3, see
:mod:`komae_docx.rules`): 達成 (= 1/1), 未達成 (= 0/1), 未評価 (or empty), or ``k/n`` annual
targets achieved, full-width forms such as 「１／３」 included::

    # results.yaml
    p1-1-1-1-a: 達成
    p2-1-(2)イ: 未達成
    p1-3-1-1-b: 1/3
    p2-4-(1)#2: 未評価

A file that cannot be read raises :class:`ResultsFileError` naming the file and the place in it
(line, key).  A file that reads but does not fit the report — ids the report does not have, projects
the file does not mention, values that are no result (「4/3」, 「0/0」, 「達成済」) — is not an
exception: :func:`match_results` lists every one of them at once, a bad value as an error naming the
project, its sheet and row, and the file's line.

No .xlsx: staff record results in the Word draft itself (a later issue reads them from there); a
results file is for scripts and IT staff, for whom YAML/JSON is the simpler contract and needs no
further dependency.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

import yaml

from ..errors import ResultsFileError, os_error_text
from ..model import LayeredPlan, Project, ProjectOutcome, Report, WelfarePlan
from ..progress import project_location
from ..results import Location, Message
from ..rules import RESULT_VALUES_TEXT, ResultValueError, parse_outcome
from ..textnorm import fold_width, squash_spaces

MAX_RESULTS_FILE_BYTES = 1_000_000
"""A results file lists a few dozen projects; anything near a megabyte is not one."""

SUFFIXES = {".yaml": "yaml", ".yml": "yaml", ".json": "json"}
ALLOWED = RESULT_VALUES_TEXT


@dataclass(frozen=True)
class InvalidValue:
    """A value the file gives a project that is no result: as written, and why (Japanese)."""

    value: str
    reason: str


@dataclass(frozen=True)
class ResultsFile:
    """The file's results, ids as written apart from width and spaces; ``lines`` = id → 1-based line.

    ``invalid`` holds the ids whose value is no result; they are in neither ``results`` nor missing.
    """

    path: Path
    results: dict[str, ProjectOutcome]
    lines: dict[str, int] = field(default_factory=dict)
    invalid: dict[str, InvalidValue] = field(default_factory=dict)


def read_results_file(path: str | Path) -> ResultsFile:
    """Read a .yaml/.yml/.json results file; :class:`ResultsFileError` for anything unreadable."""
    path = Path(path)
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        raise ResultsFileError("結果ファイルは .yaml / .yml / .json のいずれかにしてください", path=path)
    return parse_results_text(_read_text(path), kind, path)


def _read_text(path: Path) -> str:
    try:
        size = path.stat().st_size
        if size > MAX_RESULTS_FILE_BYTES:
            raise ResultsFileError(f"結果ファイルが大きすぎます（{size} バイト）", path=path)
        data = path.read_bytes()
    except OSError as error:
        raise ResultsFileError(f"結果ファイルを開けません（{os_error_text(error)}）", path=path) from None
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ResultsFileError("結果ファイルの文字コードが読めません。UTF-8 で保存してください", path=path)


def parse_results_text(text: str, kind: str, path: str | Path = "results") -> ResultsFile:
    """Parse the text of a results file (``kind`` = ``"yaml"`` or ``"json"``)."""
    try:
        return _parse_results_text(text, kind, Path(path))
    except RecursionError:
        # PyYAML and json recurse per nesting level: thousands of "[" exhaust the stack (issue 13 fuzz)
        raise ResultsFileError("結果ファイルの入れ子が深すぎます", path=path) from None


def _parse_results_text(text: str, kind: str, path: Path) -> ResultsFile:
    pairs = _json_pairs(text, path) if kind == "json" else _yaml_pairs(text, path)
    results: dict[str, ProjectOutcome] = {}
    lines: dict[str, int] = {}
    invalid: dict[str, InvalidValue] = {}
    for key, value, line in pairs:
        project_id = _project_id(key, line, path)
        if project_id in results or project_id in invalid:
            raise ResultsFileError(f"事業 id「{project_id}」が2回書かれています", path=path, where=_at(line))
        try:
            results[project_id] = _result(value)
        except ResultValueError as error:
            invalid[project_id] = InvalidValue(error.value, error.reason)
        if line is not None:
            lines[project_id] = line
    return ResultsFile(path, results, lines, invalid)


def _at(line: int | None) -> str | None:
    return f"{line}行目" if line is not None else None


def _yaml_pairs(text: str, path: Path) -> Iterator[tuple[Any, Any, int | None]]:
    """Key, value and line of each top-level entry, read from YAML's node tree to keep the lines."""
    try:
        _refuse_unusual_structure(text, path)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{mark.line + 1}行目 {mark.column + 1}文字目" if mark is not None else None
        problem = getattr(error, "problem", None) or "書式の誤り"
        raise ResultsFileError(f"YAML として読めません（{problem}）", path=path, where=where) from None
    if root is None:
        return
    if not isinstance(root, yaml.MappingNode):
        raise ResultsFileError(
            "結果ファイルは「事業 id: 結果」の対応表にしてください", path=path, where="1行目"
        )
    loader = yaml.SafeLoader("")
    for key_node, value_node in root.value:
        line = key_node.start_mark.line + 1
        try:
            key = loader.construct_object(key_node, deep=True)
            value = loader.construct_object(value_node, deep=True)
        except yaml.YAMLError:
            raise ResultsFileError("値が読めません", path=path, where=_at(line)) from None
        yield key, value, line


MAX_YAML_DEPTH = 20
"""A results file is a flat map; PyYAML's composer recurses per level, slowly (thousands of "[")."""
_OPENERS_IN_A_ROW = re.compile(r"[\[{](?:\s*[\[{])" + f"{{{MAX_YAML_DEPTH}}}")


def _refuse_unusual_structure(text: str, path: Path) -> None:
    """Refuse what a flat map of results never needs and a hostile file uses (issue 13 fuzz).

    Walks the parser's events (a loop, not a recursion): nesting past :data:`MAX_YAML_DEPTH`
    levels, and aliases (``*a``), whose expansion grows exponentially ("billion laughs" in YAML:
    twenty lines that become 10**20 values once the values are shown or compared).
    """
    opened = _OPENERS_IN_A_ROW.search(text)
    if opened is not None:  # PyYAML's scanner looks ahead over all of them before the first event
        raise ResultsFileError(
            "結果ファイルの入れ子が深すぎます", path=path, where=_at(text.count("\n", 0, opened.start()) + 1)
        )
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            line = event.start_mark.line + 1 if event.start_mark is not None else None
            raise ResultsFileError(
                "結果ファイルに別名(* で始まる参照)は使えません。結果をそのまま書いてください",
                path=path,
                where=_at(line),
            )
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_YAML_DEPTH:
                line = event.start_mark.line + 1 if event.start_mark is not None else None
                raise ResultsFileError("結果ファイルの入れ子が深すぎます", path=path, where=_at(line))
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _json_pairs(text: str, path: Path) -> Iterator[tuple[Any, Any, int | None]]:
    try:
        data = json.loads(text, object_pairs_hook=lambda pairs: pairs)
    except json.JSONDecodeError as error:
        where = f"{error.lineno}行目 {error.colno}文字目"
        raise ResultsFileError(f"JSON として読めません（{error.msg}）", path=path, where=where) from None
    if not isinstance(data, list) or not all(isinstance(pair, tuple) for pair in data):
        raise ResultsFileError('結果ファイルは {"事業 id": "結果"} の対応表にしてください', path=path)
    for key, value in cast(list[tuple[Any, Any]], data):
        yield key, value, _json_line(text, key)


def _json_line(text: str, key: Any) -> int | None:
    """Where a key stands: JSON parsers give no positions for keys, so find its first spelling."""
    at = text.find(json.dumps(key, ensure_ascii=False)) if isinstance(key, str) else -1
    return text.count("\n", 0, at) + 1 if at >= 0 else None


def _project_id(key: Any, line: int | None, path: Path) -> str:
    if not isinstance(key, str) or not key.strip():
        raise ResultsFileError(f"事業 id は文字列で書いてください（{key!r}）", path=path, where=_at(line))
    return squash_spaces(fold_width(key))


def _result(value: Any) -> ProjectOutcome:
    """達成 / 未達成 / 未評価 / k/n; an empty value is 未評価 (not yet judged).

    Anything else raises :class:`ResultValueError`; a YAML number or list is no result either
    (YAML reads ``1/3`` as text; JSON needs ``"1/3"``).
    """
    if value is None:
        return "未評価"
    if not isinstance(value, str):
        shown = json.dumps(value, ensure_ascii=False) if isinstance(value, (bool, list, dict)) else str(value)
        raise ResultValueError(shown, f"結果は {ALLOWED} で書いてください")
    return parse_outcome(value)


# --------------------------------------------------------------------------- against a report


@dataclass(frozen=True)
class ResultsMatch:
    """The file's results for the report's projects, and the ids that do not fit."""

    source: Path
    results: dict[str, ProjectOutcome]
    unknown_ids: tuple[str, ...]
    missing_ids: tuple[str, ...]
    messages: tuple[Message, ...]
    invalid_ids: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.unknown_ids and not self.missing_ids and not self.invalid_ids

    def describe_lines(self) -> list[str]:
        """Unknown ids and bad values are errors; missing results are warnings."""
        return [m.describe_with_severity() for m in self.messages]

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.source.name,
            "unknown_ids": list(self.unknown_ids),
            "missing_ids": list(self.missing_ids),
            "invalid_ids": list(self.invalid_ids),
        }


def match_results(report: Report, results_file: ResultsFile, *, alone: bool = False) -> ResultsMatch:
    """Split the file's results into known ones, unknown ids, and projects without a result.

    A project counts as missing when neither the file nor the model (a filled draft) gives it a
    result; with ``alone`` (the file is the only source), when the file does not give it one.
    """
    projects = {project.id: (plan, project) for plan, _, project in report.iter_projects()}
    given = [*results_file.results, *results_file.invalid]
    unknown = tuple(pid for pid in given if pid not in projects)
    known = {pid: result for pid, result in results_file.results.items() if pid in projects}
    invalid = tuple(pid for pid in results_file.invalid if pid in projects)
    missing = tuple(
        pid
        for pid, (_, project) in projects.items()
        if pid not in known and pid not in invalid and (alone or project.result is None)
    )
    messages = [_unknown_message(pid, results_file, list(projects)) for pid in unknown]
    messages += [_invalid_message(report, *projects[pid], results_file) for pid in invalid]
    messages += [_missing_message(report, *projects[pid]) for pid in missing]
    return ResultsMatch(results_file.path, known, unknown, missing, tuple(messages), invalid)


def _unknown_message(project_id: str, results_file: ResultsFile, ids: list[str]) -> Message:
    guess = difflib.get_close_matches(project_id, ids, n=1)
    hint = f"（「{guess[0]}」の誤りではありませんか）" if guess else ""
    line = results_file.lines.get(project_id)
    where = results_file.path.name + (f" {line}行目" if line is not None else "")
    return Message(
        severity="error",
        code="results.unknown_id",
        text=f"結果ファイルの事業 id「{project_id}」はこの報告書にありません{hint}",
        location=Location(section=where),
    )


def _invalid_message(
    report: Report, plan: WelfarePlan | LayeredPlan, project: Project, results_file: ResultsFile
) -> Message:
    bad = results_file.invalid[project.id]
    line = results_file.lines.get(project.id)
    where = results_file.path.name + (f" {line}行目" if line is not None else "")
    return Message(
        severity="error",
        code="results.invalid_value",
        location=project_location(report, plan, project, "Check"),
        text=(
            f"結果ファイル {where} の事業「{project.id}」（{project.label}）の結果「{bad.value}」は"
            f"使えません：{bad.reason}"
        ),
        found=bad.value,
    )


def _missing_message(report: Report, plan: WelfarePlan | LayeredPlan, project: Project) -> Message:
    return Message(
        code="results.missing_id",
        location=project_location(report, plan, project, "Check"),
        text=f"事業「{project.id}」（{project.label}）の結果がありません（未評価として扱います）",
    )
