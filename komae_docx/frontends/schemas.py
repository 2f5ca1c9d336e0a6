"""The shapes of the JSON the command line prints, as pydantic models: ``komae-docx schema KIND``.

``check --json`` is built from :class:`CheckOutput` itself; ``grade --json`` and the change log are
checked against :class:`GradeOutput` and :class:`ChangeEntry` by the tests, so the published
schemas cannot drift from what the commands print.

Numbering (the same in every JSON output and in ``parse --json``): ``location.sheet`` is the sheet's
0-based index in its plan's ``sheets`` list, ``location.row`` the 0-based row of that sheet's table;
the text output says シート{sheet + 1} and {row + 1}行, as staff count.  ``page`` is the printed
page number.  ``file`` is the path as given on the command line (``-`` for standard input).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from ..results import Message
from ..trend import Trend
from ..yearcompare import Comparison, MeasureChange, ProjectChange

NUMBERING = (
    "location.sheet は計画の sheets の 0 始まりの番号、location.row はそのシートの表の 0 始まりの行。"
    "文字の表示（シート3・1行）は 1 始まり。page は印刷された頁番号。"
    " / sheet and row are 0-based indices (sheet into the plan's sheets in parse --json);"
    " the text output counts from 1."
)


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CheckOutput(_Out):
    """``komae-docx check --json``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"description": NUMBERING})

    file: str = Field(description="検査したファイル（コマンドに書いたとおり、標準入力なら -）")
    kind: str | None = Field(
        default=None,
        description=(
            "ファイルの種類: published（公表済みの報告書）・fresh_draft（記入前の案）・"
            "draft_in_progress（記入中の案）・filled_draft（記入済みの案）・interim（中間版）・"
            "finalized（仕上げた報告書）"
        ),
    )
    kind_label: str | None = Field(default=None, description="ファイルの種類（職員向けの名前）")
    errors: int = Field(ge=0, description="severity が error の件数（1 件以上なら終了コード 1）")
    warnings: int = Field(ge=0, description="severity が warning の件数")
    infos: int = Field(ge=0, description="severity が info の件数")
    findings: list[Message] = Field(
        description="誤り・警告（誤りが先、あとは文書の順）。code は安定した識別子"
    )


class MeasureGradeOut(_Out):
    measure_id: str
    ref: str
    grade: str | None = Field(description="評価の文字。未確定なら null")
    achieved: int = Field(description="達成した年次目標の数 Σk")
    targets: int = Field(description="年次目標の数 Σn")
    projects: int = Field(description="事業の数")
    share: str | None = Field(description="達成の割合（例 2/3（66.7%））。未確定なら null")
    pending: list[str] = Field(description="未評価の事業 id")
    printed: bool = Field(
        default=False,
        description="公表済みの評価（シートに印刷された評価。事業ごとの結果はファイルにない）",
    )


class SummaryMeasureOut(_Out):
    ref: str
    pages: str
    measure_id: str


class SummaryGroupOut(_Out):
    grade: str
    text: str
    count: int
    measures: list[SummaryMeasureOut]


class SummaryOut(_Out):
    groups: list[SummaryGroupOut]
    total: int
    ungraded: list[str] = Field(description="評価が未確定の施策 id")


class PlanGradesOut(_Out):
    plan: str
    heading: str
    measures: list[MeasureGradeOut]
    summary: SummaryOut


class GradeOutput(_Out):
    """``komae-docx grade --json``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"description": NUMBERING})

    file: str = Field(description="評価した報告書（コマンドに書いたとおり）")
    kind: str | None = Field(
        default=None,
        description=(
            "ファイルの種類: published（公表済みの報告書）・fresh_draft（記入前の案）・"
            "draft_in_progress（記入中の案）・filled_draft（記入済みの案）・interim（中間版）・"
            "finalized（仕上げた報告書）"
        ),
    )
    kind_label: str | None = Field(default=None, description="ファイルの種類（職員向けの名前）")
    results: str | None = Field(
        description="--results の結果ファイル（なければ null：案の欄、仕上げた報告書に記録された結果、"
        "または公表済みの評価を使った）"
    )
    determined: bool = Field(description="すべての施策の評価が決まったか（false なら終了コード 4）")
    plans: list[PlanGradesOut]
    messages: list[Message] = Field(
        description=(
            "結果ファイルと読み取りのメッセージ（results.unknown_id は誤り、results.missing_id は警告など）"
        )
    )


class StatusOutput(_Out):
    """``komae-docx status --json``."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"description": NUMBERING})

    file: str = Field(description="見た案（コマンドに書いたとおり）")
    kind: str | None = Field(
        default=None,
        description=(
            "ファイルの種類: published（公表済みの報告書）・fresh_draft（記入前の案）・"
            "draft_in_progress（記入中の案）・filled_draft（記入済みの案）・interim（中間版）・"
            "finalized（仕上げた報告書）"
        ),
    )
    kind_label: str | None = Field(default=None, description="ファイルの種類（職員向けの名前）")
    is_draft: bool = Field(description="記入前・記入中の案と判断したか")
    complete: bool = Field(description="未記入・未確定がないか（false なら終了コード 4）")
    items: list[Message] = Field(
        description="未記入・未確定の箇所（code は incomplete.*、location.department に担当課）"
    )
    by_department: dict[str, list[int]] = Field(
        description="担当課ごとの items の番号（0 始まり）。複数の課の事業はそれぞれの課に入る"
    )


class ChangeEntry(_Out):
    """One line of ``draft --changes 変更.json`` (the file is a JSON array of these)."""

    where: str = Field(description="場所（章・計画・シート（頁）・施策・事業・記入欄）")
    field: str = Field(description="モデルの項目名（安定した識別子）")
    old: str = Field(description="前年度の文字（段落は改行でつなぐ）")
    new: str = Field(description="案の文字（空欄にしたものは空文字）")
    kind: Literal[
        "year", "cleared_entries", "cleared_grades", "cleared_summary", "cleared_opinions", "other"
    ] = Field(description="変更の種類")
    item: str = Field(description="項目の職員向けの名前（Do 欄、シートの評価欄 など）")


class CompareOutput(_Out):
    """``komae-docx compare --json``."""

    comparison: Comparison = Field(description="比較（measures は今年度の順、moved は評価が動いた施策）")
    moved: list[MeasureChange] = Field(description="評価が動いた施策（下がったものが先）")
    changed_projects: list[ProjectChange] = Field(description="結果が変わった事業（両年度に結果があるもの）")
    nothing_changed: bool = Field(description="動いた施策・変わった事業・見直しがひとつもないか")
    messages: list[Message] = Field(description="読み取りのメッセージ（両方のファイル）")


class TrendOutput(_Out):
    """``komae-docx trend --json``."""

    trend: Trend = Field(description="年度の順の表（cells は years と同じ順。ない年度は present=false）")
    messages: list[Message] = Field(description="読み取りのメッセージ")


def schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of ``kind``: ``report``, ``check``, ``grade``, ``status`` or ``changes``."""
    if kind == "report":
        from ..model import Report

        return Report.model_json_schema()
    if kind == "check":
        return CheckOutput.model_json_schema()
    if kind == "grade":
        return GradeOutput.model_json_schema()
    if kind == "status":
        return StatusOutput.model_json_schema()
    if kind == "compare":
        return CompareOutput.model_json_schema()
    if kind == "trend":
        return TrendOutput.model_json_schema()
    if kind == "opendata":
        from ..website.opendata import json_schema

        return json_schema()
    items = ChangeEntry.model_json_schema()
    definitions = items.pop("$defs", {})
    result: dict[str, Any] = {"title": "Changes", "type": "array", "items": items}
    if definitions:
        result["$defs"] = definitions
    return result
