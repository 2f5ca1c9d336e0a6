"""What is still to be done in a draft: the list staff send round, per department (担当課).

Pure functions over the model.  Incomplete are (issue 10): 未評価 results, empty Do / Act cells,
empty opinion sheets (委員会からの意見), the publication number placeholder (``R7-〇〇``), and
text carried over by ``draft --carry-text`` that still starts with last year's 「令和5年度：」.

Each item is a :class:`~komae_docx.results.Message` (severity ``warning`` here: in a draft these are
work to do, not faults; ``finalize`` raises them to errors) with its place and the department in
charge, named as the report's own 担当課 table names it (opinion sheets and the number: the report's
editor, the committee's secretariat).  Several departments share a project:
``Location.department`` then joins their names with 「・」 and :meth:`Status.by_department` lists
the item under each of them.

Also here: whether a report is still a draft (:func:`looks_like_draft`), which decides what
``check`` reports, and the department of a project for any message about it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from . import era
from .model import LayeredPlan, OpinionSheet, Project, ProjectOutcome, Report, WelfarePlan
from .results import Location, Message, Severity
from .rules import PlanGrades, outcome_text, result_of, target_count
from .textnorm import fold_width, is_blank, squash_spaces

Plan = WelfarePlan | LayeredPlan
CHAPTER1, CHAPTER2 = "第1章", "第2章"
DEPARTMENT_JOIN = "・"
NO_DEPARTMENT = "（担当課なし）"
"""The group of items no 担当課 is in charge of (a project without a code, a report without an editor)."""

PLACEHOLDER_MARKS = ("〇〇", "○○")
"""``rollover`` writes ``R7-〇〇`` (KANJI ZERO); staff sometimes retype it with WHITE CIRCLE."""

INTERIM_MARK = "（中間）"
"""``finalize --allow-incomplete`` marks the cover of an interim version with this."""
DRAFT_MARK = "（案）"
"""``draft`` marks the cover's report title with this (the city's schedule says 報告書(案));
finalize removes it."""


# --------------------------------------------------------------------------- departments


def department_names(report: Report, codes: Iterable[str]) -> list[str]:
    """The names of 担当課 codes (地 → 地域活性課), in the cell's order; an unknown code stays as written."""
    table = {_key(d.code): d.name for d in report.intro.departments}
    names: list[str] = []
    for code in codes:
        name = table.get(_key(code), code.strip())
        if name and name not in names:
            names.append(name)
    return names


def project_department(report: Report, project: Project) -> str:
    """``Location.department`` of a project: its departments' names joined with 「・」."""
    return DEPARTMENT_JOIN.join(department_names(report, project.departments)) or NO_DEPARTMENT


def editor_department(report: Report) -> str:
    """The department that edits the report (奥付 編集), as the 担当課 table names it when it can."""
    editor = report.publication.editor
    return next(
        (d.name for d in report.intro.departments if d.name and d.name in editor), editor or NO_DEPARTMENT
    )


def project_location(report: Report, plan: Plan, project: Project, column: str | None = None) -> Location:
    """Where a project starts (its first row), with the department in charge."""
    department = project_department(report, project)
    if not project.entries:
        return Location(
            section=CHAPTER1, plan=plan.heading, column=column, project=project.id, department=department
        )
    entry = project.entries[0]
    return entry_location(report, plan, project, entry.sheet, entry.row, column)


def entry_location(
    report: Report, plan: Plan, project: Project, sheet_index: int, row: int, column: str | None
) -> Location:
    page = next((sheet.page for sheet in plan.sheets if sheet.index == sheet_index), None)
    return Location(
        section=CHAPTER1,
        plan=plan.heading,
        sheet=sheet_index,
        page=page,
        row=row,
        column=column,
        project=project.id,
        department=project_department(report, project),
    )


# --------------------------------------------------------------------------- draft or published


def looks_like_draft(report: Report) -> bool:
    """True for a fresh or partly filled draft (or an interim version), False for a published report.

    A published report has every measure graded on its sheets and a real publication number; a draft
    (``komae-docx draft``) has neither: its grade cells are empty until ``finalize`` writes them, and
    its number reads ``R7-〇〇``.  *Every* measure ungraded, not one: departments never grade (finalize
    does), while a published report that lost one grade must still get its 評価総括表 errors.
    """
    measures = [measure for plan in report.plans for measure in plan.iter_measures()]
    ungraded = bool(measures) and all(measure.grade is None for measure in measures)
    marked = any(
        mark in report.cover.report_title or any(mark in line for line in report.cover.title_lines)
        for mark in (INTERIM_MARK, DRAFT_MARK)
    )
    return ungraded or marked or number_is_placeholder(report.publication.number)


def number_is_placeholder(number: str) -> bool:
    return is_blank(number) or any(mark in number for mark in PLACEHOLDER_MARKS)


# --------------------------------------------------------------------------- the list


def incomplete_items(
    report: Report,
    results: Mapping[str, ProjectOutcome] | None = None,
    *,
    severity: Severity = "warning",
) -> list[Message]:
    """Everything still to fill in, in document order (results, Do/Act, carried text, opinions, number)."""
    items: list[Message] = []
    carried = carried_prefixes(report)
    for plan in report.plans:
        for measure in plan.iter_measures():
            for project in measure.projects:
                graded = measure.grade is not None and results is None
                items += _project_items(report, plan, project, results, carried, graded)
    for plan in report.plans:
        items += [_empty_opinion_sheet(report, plan, sheet) for sheet in plan.opinion_sheets if _empty(sheet)]
    if number_is_placeholder(report.publication.number):
        items.append(_placeholder_number(report))
    return [item.model_copy(update={"severity": severity}) for item in items]


def _project_items(
    report: Report,
    plan: Plan,
    project: Project,
    results: Mapping[str, ProjectOutcome] | None,
    carried: Sequence[str],
    graded: bool,
) -> list[Message]:
    """``graded``: the measure's grade already stands on its sheet (a published report), so the
    project's own result is no longer asked for."""
    items: list[Message] = []
    name = project_name(project)
    outcome = result_of(project.id, project.result, results)
    if target_count(outcome) is None and not graded:
        items.append(
            _item(
                "incomplete.result",
                f"{name}の結果が{outcome_text(outcome)}です（達成・未達成、または「1/3」のように）",
                project_location(report, plan, project, "Check"),
            )
        )
    for entry in project.entries:
        for column, texts in (
            ("Do", [*([entry.heading] if entry.heading else []), *entry.do]),
            ("Act", entry.act),
        ):
            where = entry_location(report, plan, project, entry.sheet, entry.row, column)
            written = [text for text in texts if not is_blank(text)]
            if not written or all(_is_heading(text) for text in written):
                items.append(_item(f"incomplete.{column.lower()}", f"{name}の {column} 欄が空です", where))
            elif carried and any(_carried(text, carried) for text in written):
                text = f"{name}の {column} 欄に前年度の文が残っています（「{carried[0]}」で始まる文）"
                items.append(_item("incomplete.carried", text, where))
    return items


PLAN_TEXT_SHOWN = 20
"""How much of a project's Plan text names it in the list: enough to recognise it on the sheet."""


def project_name(project: Project) -> str:
    """``事業 a「福祉の担い手となる人材を確保し、育成・養…」``: the sheet's label (a, ア, (1)) alone
    names no project (every measure has an 「a」), so the start of its Plan text follows."""
    text = squash_spaces(" ".join(project.plan_text.split()))
    short = text if len(text) <= PLAN_TEXT_SHOWN else text[: PLAN_TEXT_SHOWN - 1] + "…"
    label = f" {project.label}" if project.label else ""
    return f"事業{label}「{short}」" if short else f"事業{label or ' ' + project.id}"


def _is_heading(text: str) -> bool:
    """A 【見出し】 line alone is a row's label, not the year's text."""
    folded = squash_spaces(fold_width(text))
    return folded.startswith("【") and folded.endswith("】")


def carried_prefixes(report: Report) -> list[str]:
    """The prefixes ``draft --carry-text`` puts before last year's text: 「令和5年度：」 (or with ``:``)."""
    try:
        previous = era.shift_years(era.EraYear(report.fiscal_year.era, report.fiscal_year.era_year), -1)
    except ValueError:  # a year before the first era the table knows: nothing can have been carried
        return []
    year = f"{era.format_era_year(previous)}度"
    return [f"{year}：", f"{year}:"]


def _carried(text: str, prefixes: Sequence[str]) -> bool:
    folded = squash_spaces(text)
    return any(folded.startswith(prefix) for prefix in prefixes)


def _empty(sheet: OpinionSheet) -> bool:
    return not any(not is_blank(text) for row in sheet.rows for text in row.opinions)


def _empty_opinion_sheet(report: Report, plan: Plan, sheet: OpinionSheet) -> Message:
    """The committee's opinions are written up by the report's editor (奥付 編集, the secretariat),
    not by the departments whose measures the sheet lists."""
    location = Location(
        section=CHAPTER2,
        plan=plan.opinions_heading or plan.heading,
        page=sheet.page,
        column="委員会からの意見",
        department=editor_department(report),
    )
    return _item("incomplete.opinion", f"委員会からの意見のシート（{sheet.index + 1}枚目）が空です", location)


def _placeholder_number(report: Report) -> Message:
    location = Location(section="奥付", column="刊行物番号", department=editor_department(report))
    text = "刊行物番号が未定です（仕上げるときに番号を指定するか、奥付に書いてください）"
    return _item("incomplete.number", text, location, found=report.publication.number)


def _item(code: str, text: str, location: Location, found: str | None = None) -> Message:
    return Message(severity="warning", code=code, text=text, location=location, found=found)


def _key(text: str) -> str:
    return squash_spaces(fold_width(text))


# --------------------------------------------------------------------------- status


@dataclass(frozen=True)
class Status:
    """Where a draft stands: what is left (each with its department) and the grades so far."""

    is_draft: bool
    items: list[Message]
    grades: list[PlanGrades]

    @property
    def complete(self) -> bool:
        return not self.items

    def by_department(self) -> dict[str, list[Message]]:
        """Items per department, in the order departments first appear; a shared item under each."""
        groups: dict[str, list[Message]] = {}
        for item in self.items:
            for name in (item.location.department or NO_DEPARTMENT).split(DEPARTMENT_JOIN):
                groups.setdefault(name, []).append(item)
        return groups


def describe_status(status: Status, source: str) -> str:
    """The Japanese text ``komae-docx status`` prints: per department, what is still empty."""
    if not status.items:
        return f"{source}：未記入の箇所はありません"
    groups = status.by_department()
    lines = [f"{source}：未記入・未確定 {count_text(status)}"]
    for department, items in groups.items():
        lines += ["", f"■ {department}（{len(items)} 件）"]
        lines += [f"  {_under_department(item).describe()}" for item in items]
    return "\n".join(lines)


SHARED_NOTE = "複数の課が担当する事業は各課に数えています"


def department_total(status: Status) -> int:
    """The departments' counts added up: a shared project's item counts once under each department."""
    return sum(len(items) for items in status.by_department().values())


def count_text(status: Status) -> str:
    """``106 件（複数の課が担当する事業は各課に数えています：課ごとの合計 119 件）``: why the
    departments' counts add up to more than the list."""
    total, per_department = len(status.items), department_total(status)
    if per_department == total:
        return f"{total} 件"
    return f"{total} 件（{SHARED_NOTE}：課ごとの合計 {per_department} 件）"


def _under_department(item: Message) -> Message:
    """Under its department's heading an item need not name it again, unless it is shared."""
    if DEPARTMENT_JOIN in (item.location.department or ""):
        return item
    return item.model_copy(update={"location": item.location.model_copy(update={"department": None})})
