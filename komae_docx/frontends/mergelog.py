"""The merge log in staff words: who filled what, the conflicts, and what was not merged.

One presenter for the command line (``merge --changes log.md|.txt|.json``, ``-v``) and the page's
tables.  Each row is a place (sheet and its page, row, column, project, department: the one
:class:`~komae_docx.results.Location` text) with the file and the department it came from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..results import Location

if TYPE_CHECKING:
    from ..api import Merged


@dataclass(frozen=True)
class Row:
    """One line of a table: the place, the file and department, the texts, and what happened."""

    place: str
    file: str
    department: str
    text: str
    other: str = ""


def place(location: Location) -> str:
    return location.model_copy(update={"department": None}).describe() or "（場所なし）"


def filled_rows(merged: Merged) -> list[Row]:
    return [Row(place(c.location), c.file, c.department, _one_line(c.text)) for c in merged.filled]


def conflict_rows(merged: Merged) -> list[Row]:
    rows: list[Row] = []
    for conflict in merged.conflicts:
        first, second = conflict.first, conflict.second
        chosen = f"（「{conflict.chosen}」を採用）" if conflict.chosen else "（未解決）"
        rows.append(
            Row(
                place(conflict.location) + chosen,
                f"{first.file} ／ {second.file}",
                f"{first.department} ／ {second.department}",
                _one_line(first.text),
                _one_line(second.text),
            )
        )
    return rows


def outside_rows(merged: Merged) -> list[Row]:
    return [
        Row(
            f"{place(item.location)}（{item.what}）",
            item.file,
            item.department,
            item.reason,
            f"案：「{_one_line(item.master)}」→ 写し：「{_one_line(item.copy)}」"
            if item.master or item.copy
            else "",
        )
        for item in [*merged.outside, *merged.dropped]
    ]


def kept_rows(merged: Merged) -> list[Row]:
    return [
        Row(place(c.location), c.file, c.department, "空欄のため上書きしませんでした") for c in merged.kept
    ]


def summary_line(merged: Merged, copies: int) -> str:
    """``取り込んだ記入 109 件（写し 8 件から）、食い違い 0 件、取り込まなかった変更 1 件``."""
    not_merged = len(merged.outside) + len(merged.dropped)
    return (
        f"取り込んだ記入 {len(merged.filled)} 件（写し {copies} 件から）、"
        f"食い違い {len(merged.conflicts)} 件、取り込まなかった変更 {not_merged} 件"
    )


def as_text(merged: Merged, title: str, *, markdown: bool) -> str:
    """The whole log: conflicts, changes not merged, cells kept, then who filled what."""
    sections = [
        ("食い違い（同じ欄に違う記入）", conflict_rows(merged), ("場所", "写し", "担当課", "記入1", "記入2")),
        ("取り込まなかった変更", outside_rows(merged), ("場所", "写し", "担当課", "理由", "内容")),
        ("空欄のため上書きしなかった欄", kept_rows(merged), ("場所", "写し", "担当課", "", "")),
        ("取り込んだ記入（誰が何を）", filled_rows(merged), ("場所", "写し", "担当課", "記入", "")),
    ]
    lines = [f"# {title}" if markdown else title, ""]
    for heading, rows, columns in sections:
        lines += [f"## {heading}（{len(rows)} 件）" if markdown else f"■ {heading}（{len(rows)} 件）", ""]
        if not rows:
            lines += ["なし", ""]
            continue
        lines += _table(rows, columns) if markdown else [f"  {_plain(row)}" for row in rows]
        lines.append("")
    return "\n".join(lines)


def _table(rows: Iterable[Row], columns: tuple[str, ...]) -> list[str]:
    shown = [name for name in columns if name]
    out = ["| " + " | ".join(shown) + " |", "|" + "---|" * len(shown)]
    for row in rows:
        cells = [row.place, row.file, row.department, row.text, row.other][: len(shown)]
        out.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return out


def _plain(row: Row) -> str:
    parts = [row.place, f"{row.file}（{row.department}）", row.text, row.other]
    return "：".join(part for part in parts if part)


def _cell(text: str) -> str:
    return text.replace("|", "｜")


def _one_line(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def as_json(merged: Merged) -> dict[str, Any]:
    """The log for scripts: each item with its location as in every other JSON output."""

    def cell(item: Any) -> dict[str, Any]:
        return {
            "location": item.location.model_dump(exclude_none=True),
            "column": item.column,
            "file": item.file,
            "department": item.department,
            "text": item.text,
        }

    return {
        "path": str(merged.path) if merged.path is not None else None,
        "filled": [cell(item) for item in merged.filled],
        "conflicts": [
            {
                "location": c.location.model_dump(exclude_none=True),
                "column": c.column,
                "first": cell(c.first),
                "second": cell(c.second),
                "chosen": c.chosen,
            }
            for c in merged.conflicts
        ],
        "not_merged": [
            {
                "location": item.location.model_dump(exclude_none=True),
                "what": item.what,
                "file": item.file,
                "department": item.department,
                "draft": item.master,
                "copy": item.copy,
                "reason": item.reason,
            }
            for item in [*merged.outside, *merged.dropped]
        ],
        "kept": [cell(item) for item in merged.kept],
    }
