"""Read a report model from JSON (``parse -o`` output) with Japanese messages that say where and why.

``fiscal_year.era_year：整数が必要です（文字列 "5"）``: the JSON path of the first problem (list items
as ``plans[0]``), what the model needs there, and what the file holds.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from ..errors import InputFileError, missing_file_text, os_error_text

if TYPE_CHECKING:
    from ..model import Report

MAX_MODEL_JSON_BYTES = 50 * 1024 * 1024

_NEEDS: dict[str, str] = {
    "int_type": "整数が必要です",
    "int_parsing": "整数が必要です",
    "int_from_float": "整数が必要です",
    "float_type": "数が必要です",
    "float_parsing": "数が必要です",
    "string_type": "文字列が必要です",
    "bool_type": "true か false が必要です",
    "bool_parsing": "true か false が必要です",
    "list_type": "配列（[...]）が必要です",
    "dict_type": "オブジェクト（{...}）が必要です",
    "model_type": "オブジェクト（{...}）が必要です",
    "model_attributes_type": "オブジェクト（{...}）が必要です",
    "missing": "必要な項目がありません",
    "extra_forbidden": "モデルにない項目です",
    "greater_than_equal": "{ge} 以上が必要です",
    "greater_than": "{gt} より大きい値が必要です",
    "less_than_equal": "{le} 以下が必要です",
    "less_than": "{lt} より小さい値が必要です",
    "literal_error": "次のどれかが必要です：{expected}",
    "enum": "次のどれかが必要です：{expected}",
    "too_short": "項目が足りません（{min_length} 個以上）",
    "too_long": "項目が多すぎます（{max_length} 個まで）",
    "string_too_short": "文字列が短すぎます",
    "union_tag_invalid": "種類が正しくありません",
}


def read_model_json(path: Path, shown: str) -> Report:
    """The :class:`Report` in ``path``; errors name ``shown`` (the path as given) and the JSON path.

    Strict: a number written as a string (``"5"``) is refused, as the schema says, not coerced.
    """
    from ..model import Report

    text = _load_json(path, shown)
    try:
        return Report.model_validate_json(text, strict=True)
    except ValidationError as error:
        raise _model_error(error, shown, json.loads(text)) from None


def _load_json(path: Path, shown: str) -> str:
    """The file's text once ``json`` has parsed it (its errors give line and column)."""
    try:
        if path.stat().st_size > MAX_MODEL_JSON_BYTES:
            raise InputFileError("ファイルが大きすぎます（上限 50 MB）", shown)
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(missing_file_text(path), shown) from None
    except OSError as error:
        raise InputFileError(f"読めません（{os_error_text(error)}）", shown) from None
    except UnicodeDecodeError:
        raise InputFileError(
            "UTF-8 の JSON ではありません（parse -o で書き出したファイルを指定してください）", shown
        ) from None
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{error.lineno}行{error.colno}列"
        raise InputFileError(
            "JSON として読めません（parse -o で書き出したファイルを指定してください）", shown, where
        ) from None
    return text


def _model_error(error: ValidationError, shown: str, data: Any) -> InputFileError:
    problems = error.errors(include_url=False)
    first = problems[0]
    more = f"（ほかに {len(problems) - 1} か所）" if len(problems) > 1 else ""
    message = f"報告書モデルの JSON ではありません：{why(first)}{more}"
    return InputFileError(message, shown, where=json_path(first["loc"], data) or None)


def why(problem: Any) -> str:
    """What the model needs and what the file holds: 「整数が必要です（文字列 "5"）」."""
    template = _NEEDS.get(problem["type"], "値が正しくありません")
    try:
        needs = template.format(**{k: _plain(v) for k, v in (problem.get("ctx") or {}).items()})
    except (KeyError, IndexError):
        needs = template
    if problem["type"] == "missing":
        return needs
    return f"{needs}（{describe_value(problem.get('input'))}）"


def json_path(loc: tuple[int | str, ...], data: Any) -> str:
    """``("plans", 0, "welfare", "sheets")`` → ``plans[0].sheets``.

    pydantic puts the branch of a union (``welfare``, ``int``) into ``loc``; walking the data itself
    tells the file's keys from those branch names.
    """
    text = ""
    node = data
    for part in loc:
        if isinstance(part, int) and isinstance(node, list) and 0 <= part < len(node):
            text, node = f"{text}[{part}]", node[part]
        elif isinstance(part, str) and isinstance(node, dict) and part in node:
            text, node = (f"{text}.{part}" if text else part), node[part]
        elif isinstance(part, str) and isinstance(node, dict) and loc[-1] == part:
            text = f"{text}.{part}" if text else part  # a missing or unknown key: name it
    return text


def describe_value(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        shown = value if len(value) <= 30 else value[:29] + "…"
        return f"文字列 {json.dumps(shown, ensure_ascii=False)}"
    if isinstance(value, int | float):
        return f"数 {value}"
    if isinstance(value, list):
        return f"配列（{len(value)} 個）"
    if isinstance(value, dict):
        return "オブジェクト"
    return type(value).__name__


def _plain(value: Any) -> str:
    return str(value).replace("'", "")
