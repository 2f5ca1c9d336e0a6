"""Is this file a copy of that draft?  Judged by content; ``split``'s mark is only a hint.

A department's copy must hold the draft's structure: the same report year, the same plans, the
same progress sheets (each sheet's measures), the same project rows with the same ids and the same
Plan texts.  Anything else is not a copy of this draft (last year's report carrying this draft's
mark, another report, a copy whose staff deleted a project row), and :func:`first_difference` says
the first thing that differs in staff words, a project by its Plan text.

Pure over two models (:class:`~komae_docx.model.Report`); ``merge`` refuses the copy with it.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Project, Report


def first_difference(draft: Report, copy: Report) -> str | None:
    """What first tells ``copy`` apart from a copy of ``draft`` (Japanese); None when it is one."""
    if draft.fiscal_year.text != copy.fiscal_year.text:
        return f"{copy.fiscal_year.text}の報告書です（この案は{draft.fiscal_year.text}）"
    ours_plans = [plan.heading for plan in draft.plans]
    theirs_plans = [plan.heading for plan in copy.plans]
    if ours_plans != theirs_plans:
        return f"計画が違います（案：{'・'.join(ours_plans)}、このファイル：{'・'.join(theirs_plans)}）"
    for plan, other in zip(draft.plans, copy.plans, strict=True):
        if len(plan.sheets) != len(other.sheets):
            return (
                f"{plan.heading}の進捗管理シートの数が違います"
                f"（案：{len(plan.sheets)}枚、このファイル：{len(other.sheets)}枚）"
            )
        for sheet, theirs in zip(plan.sheets, other.sheets, strict=True):
            ours_refs = [m.label for m in sheet.measures]
            their_refs = [m.label for m in theirs.measures]
            if ours_refs != their_refs:
                return (
                    f"{plan.heading}の{sheet.index}枚目の進捗管理シートの施策が違います"
                    f"（案：{'・'.join(ours_refs)}、このファイル：{'・'.join(their_refs)}）"
                )
        found = _projects_difference(plan.heading, _projects(draft, plan.key), _projects(copy, plan.key))
        if found is not None:
            return found
    return None


def _projects(report: Report, plan_key: str) -> list[Project]:
    return [project for plan, _, project in report.iter_projects() if plan.key == plan_key]


def _projects_difference(heading: str, ours: Sequence[Project], theirs: Sequence[Project]) -> str | None:
    their_ids = [p.id for p in theirs]
    our_ids = [p.id for p in ours]
    for project in ours:
        if project.id not in their_ids:
            return f"{heading}の事業「{_short(project.plan_text)}」の行がありません（削除されています）"
    for project in theirs:
        if project.id not in our_ids:
            return f"{heading}に案にない事業「{_short(project.plan_text)}」の行があります（追加されています）"
    for project, other in zip(ours, theirs, strict=True):
        if project.id != other.id:
            return f"{heading}の事業「{_short(project.plan_text)}」の行の順序が違います"
        if _flat(project.plan_text) != _flat(other.plan_text):
            return (
                f"{heading}の事業の Plan が違います"
                f"（案：「{_short(project.plan_text)}」、このファイル：「{_short(other.plan_text)}」）"
            )
        if len(project.entries) != len(other.entries):
            return (
                f"{heading}の事業「{_short(project.plan_text)}」の記入欄の行数が違います"
                f"（案：{len(project.entries)}行、このファイル：{len(other.entries)}行）"
            )
    return None


def _flat(text: str) -> str:
    return "".join(text.split())


def _short(text: str, limit: int = 30) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
