"""The draft's change log in staff words: a one-line count by kind, and the full list as JSON, Markdown
or plain text.

:class:`komae_docx.rollover.Change` carries ``where`` (a Japanese place such as ``第1章 1 地域福祉計画
シート5（25頁） 5 地域づくり事業の実施``), ``field`` (the model's field name), ``old`` and ``new``.  This
module only presents them: each field gets the name staff use for that part of the report, each
change a kind (what the roll-forward did), and the places are grouped by chapter.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..changewords import (
    FIELD_TEXT,
    ChangeKind,
    ChangeLike,
    StaffChange,
    item_text,
    kind_of,
    staff_change,
    staff_line,
    staff_text,
)

__all__ = [
    "FIELD_TEXT",
    "KIND_TEXT",
    "SHORT_KIND_TEXT",
    "ChangeKind",
    "ChangeLike",
    "StaffChange",
    "as_json",
    "as_text",
    "count_by_kind",
    "item_text",
    "kind_of",
    "staff_change",
    "staff_line",
    "summary_line",
]

KIND_TEXT: dict[str, str] = {
    "year": "年度・日付・番号の書き換え",
    "cleared_entries": "Do・Check・Act を空欄に",
    "cleared_grades": "施策の評価・事業の結果を空欄に",
    "cleared_summary": "評価総括表を空欄に",
    "cleared_opinions": "委員会意見を空欄に",
    "other": "その他",
}

SHORT_KIND_TEXT: dict[str, str] = {
    "cleared_entries": "Do・Check・Act",
    "cleared_grades": "評価・事業の結果",
    "cleared_summary": "評価総括表",
    "cleared_opinions": "委員会意見",
}


def count_by_kind(changes: Sequence[ChangeLike]) -> Counter[str]:
    return Counter(kind_of(change) for change in changes)


def summary_line(changes: Sequence[ChangeLike]) -> str:
    """``変更 138 件：年度・日付などの書き換え 17、空欄にした欄 121（Do・Check・Act 73、…）``."""
    counts = count_by_kind(changes)
    cleared = {kind: n for kind, n in counts.items() if kind.startswith("cleared_")}
    parts = []
    if counts["year"]:
        parts.append(f"年度・日付などの書き換え {counts['year']}")
    if cleared:
        detail = "、".join(
            f"{SHORT_KIND_TEXT[kind]} {cleared[kind]}" for kind in SHORT_KIND_TEXT if kind in cleared
        )
        parts.append(f"空欄にした欄 {sum(cleared.values())}（{detail}）")
    if counts["other"]:
        parts.append(f"その他 {counts['other']}")
    return f"変更 {len(changes)} 件" + (f"：{'、'.join(parts)}" if parts else "")


def as_json(changes: Sequence[ChangeLike]) -> list[dict[str, Any]]:
    """Each change's own fields plus ``kind`` and ``item`` (see ``komae-docx schema changes``)."""
    entries = []
    for change in changes:
        staff = staff_change(change)
        entries.append(
            {
                "where": change.where,
                "field": change.field,
                "old": change.old,
                "new": change.new,
                "kind": staff.kind,
                "item": staff.item,
            }
        )
    return entries


def as_text(changes: Sequence[ChangeLike], title: str, *, markdown: bool) -> str:
    """The full list for people, grouped by chapter (Markdown headings or plain text)."""
    lines = [f"# {title}" if markdown else title, "", summary_line(changes)]
    chapter = None
    for change in map(staff_change, changes):
        if change.chapter != chapter:
            chapter = change.chapter
            lines += ["", f"## {chapter}" if markdown else f"■ {chapter}", ""]
        lines.append(_line(change, markdown))
    return "\n".join(lines) + "\n"


def _line(change: StaffChange, markdown: bool) -> str:
    return f"- {staff_text(change)}" if markdown else f"  ・{staff_text(change)}"


