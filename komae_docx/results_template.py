"""The starting point of a results file: every project id of a report, each set to 未評価.

``komae-docx results-template DRAFT.docx -o results.yaml`` writes it; staff or scripts replace 未評価
by 達成 / 未達成 / k/n and pass the file to ``grade --results`` (or ``finalize --results``) as it is.
In YAML each id is preceded by comments naming its plan, measure, project and department, so that
nobody has to dig ids out of ``parse --json``; ids are double-quoted because some contain ``#``.
JSON cannot hold comments: there the file is the plain mapping.  Pure: no I/O.
"""

from __future__ import annotations

import json

from .model import Measure, Project, Report

PENDING = "未評価"
TITLE_CHARS = 50


def results_template_text(report: Report, kind: str = "yaml") -> str:
    """The text of the results file for ``report`` (``kind`` = ``"yaml"`` or ``"json"``)."""
    ids = [project.id for _, _, project in report.iter_projects()]
    if kind == "json":
        return json.dumps(dict.fromkeys(ids, PENDING), ensure_ascii=False, indent=2) + "\n"
    return "\n".join(_yaml_lines(report)) + "\n"


def _yaml_lines(report: Report) -> list[str]:
    departments = {d.code: d.name for d in report.intro.departments}
    lines = [
        f"# {report.fiscal_year.text} 進捗管理報告書の事業の結果（komae-docx results-template）",
        f"# 値は {PENDING}・達成・未達成、または年次目標の達成数/目標数（例 1/3）。",
        "# komae-docx grade 案.docx --results このファイル で施策の評価を計算します。",
    ]
    seen: set[str] = set()
    for plan in report.plans:
        lines += ["", f"# ■ {plan.heading}"]
        for measure in plan.iter_measures():
            lines += ["", f"# 施策 {_measure_title(measure)}"]
            for project in measure.projects:
                if project.id in seen:
                    continue
                seen.add(project.id)
                lines.append(f"#   事業 {_project_title(project, departments)}")
                lines.append(f"{json.dumps(project.id, ensure_ascii=False)}: {PENDING}")
    return lines


def _measure_title(measure: Measure) -> str:
    title = measure.full_title
    if not title or title in measure.ref:
        return measure.ref
    return f"{measure.ref} {_short(title)}"


def _project_title(project: Project, departments: dict[str, str]) -> str:
    names = "・".join(departments.get(code, code) for code in project.departments)
    owner = f"（担当：{names}）" if names else ""
    return f"{project.label} {_short(project.plan_text)}{owner}"


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= TITLE_CHARS else flat[: TITLE_CHARS - 1] + "…"
