"""What a written file says otherwise than the model it was written from (nothing dropped silently).

Places in the file (``TableAnchor``, a 評価総括表 group's first row) describe the layout, not the
report, and are not compared: a draft's 評価総括表 has fewer rows than last year's.
"""

from __future__ import annotations

from typing import Any

from ..model import Report

_LAYOUT_KEYS = frozenset({"anchor", "total_row", "record", "split_mark"})
"""Places in the file, and the results part (the file's, written by draft and finalize, not text)."""


def model_differences(wanted: Report, written: Report, limit: int = 50) -> list[tuple[str, str, str]]:
    """``(path, wanted text, written text)`` for each differing leaf, at most ``limit``."""
    found: list[tuple[str, str, str]] = []
    _walk(wanted.model_dump(), written.model_dump(), "", found)
    return found[:limit]


def without_layout(report: Report) -> dict[str, Any]:
    """The report's data without places in the file, for comparing two files' models."""
    stripped: dict[str, Any] = _strip(report.model_dump())
    return stripped


def _strip(value: Any, in_summary: bool = False) -> Any:
    if isinstance(value, dict):
        return {
            key: _strip(item, in_summary or key == "summary")
            for key, item in value.items()
            if key not in _LAYOUT_KEYS and not (in_summary and key == "row")
        }
    if isinstance(value, list):
        return [_strip(item, in_summary) for item in value]
    return value


def _walk(wanted: Any, written: Any, path: str, found: list[tuple[str, str, str]]) -> None:
    if wanted == written:
        return
    if isinstance(wanted, dict) and isinstance(written, dict):
        for key, item in wanted.items():
            if key in _LAYOUT_KEYS or (key == "row" and ".summary" in path):
                continue
            _walk(item, written.get(key), f"{path}.{key}" if path else key, found)
    elif isinstance(wanted, list) and isinstance(written, list) and len(wanted) == len(written):
        for i, (a, b) in enumerate(zip(wanted, written, strict=True)):
            _walk(a, b, f"{path}[{i}]", found)
    else:
        found.append((path, _text(wanted), _text(written)))


def _text(value: Any) -> str:
    if isinstance(value, list):
        return "\n".join(_text(v) for v in value)
    return "" if value is None else str(value)
