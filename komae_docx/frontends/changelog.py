"""The draft's change log in staff words: a one-line count by kind, and the full list as JSON, Markdown
or plain text.

:class:`komae_docx.rollover.Change` carries ``where`` (a Japanese place such as ``第1章 1 地域福祉計画
シート5（25頁） 5 地域づくり事業の実施``), ``field`` (the model's field name), ``old`` and ``new``.  This
module only presents them: each field gets the name staff use for that part of the report, each
change a kind (what the roll-forward did), and the places are grouped by chapter.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

ChangeKind = Literal[
    "year", "cleared_entries", "cleared_grades", "cleared_summary", "cleared_opinions", "other"
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

_FIELD_KIND: dict[str, ChangeKind] = {
    "do": "cleared_entries",
    "check": "cleared_entries",
    "act": "cleared_entries",
    "heading": "cleared_entries",
    "grade": "cleared_grades",
    "grade_cell": "cleared_grades",
    "result": "cleared_grades",
    "count": "cleared_summary",
    "rows": "cleared_summary",
    "total": "cleared_summary",
    "opinions": "cleared_opinions",
}

FIELD_TEXT: dict[str, str] = {
    "fiscal_year": "年度",
    "report_title": "表紙の題名",
    "text": "本文",
    "header": "表の見出し",
    "title": "表題",
    "count": "件数",
    "rows": "該当する施策と頁",
    "total": "合計",
    "grade": "施策の評価",
    "grade_cell": "シートの評価欄",
    "result": "事業の結果",
    "do": "Do 欄",
    "check": "Check 欄",
    "act": "Act 欄",
    "heading": "Do 欄の【】見出し",
    "opinions": "委員会からの意見",
    "publication.number": "刊行物番号",
    "publication.month": "発行年月",
}

_BLOCK = re.compile(r"ブロック(\d+)")
_LIST_ITEM = re.compile(r"^(?P<name>[\w.]+)\[(?P<index>\d+)\]$")
SHORT_TEXT = 60


class ChangeLike(Protocol):
    """The fields of :class:`komae_docx.rollover.Change` this module reads."""

    @property
    def where(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def old(self) -> str: ...
    @property
    def new(self) -> str: ...


@dataclass(frozen=True)
class StaffChange:
    """One change as staff read it: chapter, place, item, kind, old and new text."""

    chapter: str
    place: str
    item: str
    kind: ChangeKind
    old: str
    new: str


def kind_of(change: ChangeLike) -> ChangeKind:
    """Cleared fields by their field (a grade cell keeps its 再掲 mark: ``A(再掲)`` → ``(再掲)``)."""
    if change.field in _FIELD_KIND:
        return _FIELD_KIND[change.field]
    if change.new != "":
        return "year"
    return "other"


def item_text(field: str) -> str:
    """``title_lines[5]`` → ``題名 6行目``; known fields by :data:`FIELD_TEXT`; others as they are."""
    if field in FIELD_TEXT:
        return FIELD_TEXT[field]
    match = _LIST_ITEM.match(field)
    if match and match["name"] == "title_lines":
        return f"題名 {int(match['index']) + 1}行目"
    return field


def staff_change(change: ChangeLike) -> StaffChange:
    """``序章 ブロック18`` becomes ``序章 18番目の段落``; the chapter is the place's first word."""
    where = _BLOCK.sub(lambda m: f"{m[1]}番目の段落", change.where)
    chapter, _, place = where.partition(" ")
    return StaffChange(chapter, place, item_text(change.field), kind_of(change), change.old, change.new)


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
    return f"- {_staff_text(change)}" if markdown else f"  ・{_staff_text(change)}"


def staff_line(change: ChangeLike) -> str:
    """One change in staff words: ``序章 18番目の段落 本文：「…」→「…」``."""
    staff = staff_change(change)
    return f"{staff.chapter} {_staff_text(staff)}"


def _staff_text(change: StaffChange) -> str:
    place = f"{change.place} " if change.place else ""
    return f"{place}{change.item}：{_what_changed(change)}"


def _what_changed(change: StaffChange) -> str:
    if change.new == "":
        return f"空欄にしました（前年度：「{_short(change.old)}」）"
    return f"「{change.old}」→「{change.new}」"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHORT_TEXT else flat[: SHORT_TEXT - 1] + "…"
