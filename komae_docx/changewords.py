"""The staff words for one change of the roll-forward: the name staff use for each field of the
report, the kind of change, and the one-line description (``序章 18番目の段落 本文：「…」→「…」``).

:class:`komae_docx.rollover.Change` carries ``where`` (a Japanese place), ``field`` (the model's field
name), ``old`` and ``new``; :meth:`Change.describe` and every front end (the CLI's ``--changes``, the
page's change list) word it here, so the API speaks as staff do, never in field names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal, Protocol

ChangeKind = Literal[
    "year", "cleared_entries", "cleared_grades", "cleared_summary", "cleared_opinions", "other"
]

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
    item = item_text(change.field)
    column = place.rpartition(" ")[2]
    if column in ("Do", "Check", "Act") and item.startswith(column + " "):
        place = place.rpartition(" ")[0]  # 「記入欄1 Do」 + 「Do 欄」 says Do once: 「記入欄1 Do 欄」
    return StaffChange(chapter, place, item, kind_of(change), change.old, change.new)


def staff_line(change: ChangeLike) -> str:
    """One change in staff words: ``序章 18番目の段落 本文：「…」→「…」``."""
    staff = staff_change(change)
    return f"{staff.chapter} {staff_text(staff)}"


def staff_text(change: StaffChange) -> str:
    place = f"{change.place} " if change.place else ""
    return f"{place}{change.item}：{_what_changed(change)}"


def _what_changed(change: StaffChange) -> str:
    if change.new == "":
        return f"空欄にしました（前年度：「{_short(change.old)}」）"
    return f"「{change.old}」→「{change.new}」"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= SHORT_TEXT else flat[: SHORT_TEXT - 1] + "…"
