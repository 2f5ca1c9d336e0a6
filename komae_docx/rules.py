"""The report's evaluation rule (序章 3) as pure functions over the model.

序章 3: a measure (施策) is graded by 「当該施策に係る事業の当該年度までの年次目標の70%以上を達成」 —
the share of **annual targets (年次目標)** reached, summed over the measure's projects (事業):

* each project reports k of its n targets: 達成 = 1/1, 未達成 = 0/1 (the one-target case, as in the
  report's own worked example where 2 of 4 gives B), or ``"k/n"`` typed into the draft's result
  control or given in a results file (full-width 「１／３」 counts too); 未評価 leaves the measure
  undetermined;
* share = Σk / Σn over the measure's projects, looked up in the report's own 評価基準 table
  (A ≥ 70 %, B ≥ 40 %, C ≥ 20 %, D below in the R5 report).  The R5 report's 3－(1) has one project
  and is graded C, which only a project with several targets (e.g. 1/3) can give.

The share is a :class:`fractions.Fraction` from start to finish: 7/10 is exactly 70 %
and an A, where a float ``0.7 * 100`` would be 70.00000000000001 one day and 69.99999999999999 the next.
It is shown as 「2/3（66.7%）」: the exact fraction, and the percentage rounded half up to one decimal.

From the measures' grades follows each plan's 評価総括表: per grade its measures in document order, in
the report's own notation (``1－(2)－①``, ``2 相談支援包括化推進体制の構築``), with the pages of their
sheets as the document states them (``12～13``).

Nothing here reads files or prints: the CLI and :mod:`checks` call these functions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from .errors import KomaeDocxError
from .model import (
    PROJECT_RESULTS,
    Criterion,
    LayeredPlan,
    Measure,
    ProjectOutcome,
    Report,
    TargetCount,
    WelfarePlan,
)
from .textnorm import fold_width, squash_spaces

Plan = WelfarePlan | LayeredPlan

PAGE_RANGE_MARK = "～"
"""The report writes a page range as ``12～13`` (FULLWIDTH TILDE)."""


class GradingError(KomaeDocxError):
    """The rule cannot be applied: no projects, a broken criteria table, impossible counts."""


class NoProjectsError(GradingError):
    """A measure without projects has no grade: 0 of 0 is not a percentage."""


class CriteriaError(GradingError):
    """The 評価基準 table does not give exactly one letter for a percentage."""


class ResultValueError(ValueError):
    """A project result that is none of 達成 / 未達成 / 未評価 / "k/n"; ``reason`` is Japanese."""

    def __init__(self, value: str, reason: str) -> None:
        self.value = value
        self.reason = reason
        super().__init__(f"「{value}」：{reason}")


# --------------------------------------------------------------------------- a project's result

RESULT_VALUES_TEXT = "達成・未達成・未評価、または「1/3」のような 達成した目標数/目標数"
"""What a result may be, in the words of a finding."""

ONE_TARGET: dict[str, TargetCount] = {
    "達成": TargetCount(achieved=1, targets=1),
    "未達成": TargetCount(achieved=0, targets=1),
}
"""The one-target case of the rule: 達成 = 1/1, 未達成 = 0/1."""

_FRACTION = re.compile(r"^(?P<k>[0-9]{1,4})/(?P<n>[0-9]{1,4})$")


def parse_outcome(text: str) -> ProjectOutcome:
    """A typed or picked result: 達成 / 未達成 / 未評価 or ``k/n``; blank is 未評価.

    Widths and spaces are folded (「１／３」, 「1 / 3」 and 「達 成」 are what staff type);
    :class:`ResultValueError` says in Japanese why anything else is refused.
    """
    folded = squash_spaces(fold_width(text)).replace("\u2044", "/").replace("\u2215", "/")
    if folded == "":
        return "未評価"
    for result in PROJECT_RESULTS:
        if folded == result:
            return result
    match = _FRACTION.match(folded)
    if match is None:
        raise ResultValueError(text, f"結果は {RESULT_VALUES_TEXT} で書いてください")
    achieved, targets = int(match["k"]), int(match["n"])
    if targets == 0:
        raise ResultValueError(text, "目標の数が 0 です（「1/3」のように目標の数を 1 以上で書いてください）")
    if achieved > targets:
        raise ResultValueError(text, f"達成した目標の数({achieved})が目標の数({targets})を超えています")
    return TargetCount(achieved=achieved, targets=targets)


def target_count(outcome: ProjectOutcome | None) -> TargetCount | None:
    """k of n for a result; None while it is 未評価 (or missing): the measure stays undetermined."""
    if isinstance(outcome, TargetCount):
        return outcome
    return ONE_TARGET.get(outcome) if outcome is not None else None


def outcome_text(outcome: ProjectOutcome | None) -> str:
    """The result as staff write it: 達成 / 未達成 / 未評価 / 「1/3」 (None is 未評価)."""
    return "未評価" if outcome is None else str(outcome)


# --------------------------------------------------------------------------- one grade


def achievement(achieved: int, total: int) -> Fraction:
    """The share of projects achieved, exactly; raises for 0 projects or impossible counts."""
    if total <= 0:
        raise NoProjectsError("事業が0件の施策は評価できません（達成率が定まりません）")
    if not 0 <= achieved <= total:
        raise GradingError(f"達成した事業の数({achieved})が事業数({total})の範囲にありません")
    return Fraction(achieved, total)


def criterion_holds(criterion: Criterion, percent: Fraction) -> bool:
    """True when ``percent`` lies in the criterion's band (lower bound included, upper as written)."""
    if percent < criterion.lower_percent:
        return False
    if criterion.upper_percent is None:
        return percent <= 100
    if criterion.upper_inclusive:
        return percent <= criterion.upper_percent
    return percent < criterion.upper_percent


def criterion_for(percent: Fraction, criteria: Sequence[Criterion]) -> Criterion:
    """The one criterion whose band holds ``percent``; :class:`CriteriaError` for none or several."""
    matching = [c for c in criteria if criterion_holds(c, percent)]
    if len(matching) != 1:
        letters = "・".join(c.letter for c in matching) or "なし"
        raise CriteriaError(
            f"評価基準の表から達成率 {format_percent(percent)} の評価が一つに決まりません（該当：{letters}）"
        )
    return matching[0]


def grade(achieved: int, total: int, criteria: Sequence[Criterion]) -> str:
    """The letter for ``achieved`` of ``total`` targets: ``grade(2, 4, r5_criteria) == "B"``."""
    return criterion_for(achievement(achieved, total) * 100, criteria).letter


def format_percent(percent: Fraction) -> str:
    """``Fraction(200, 3)`` → ``"66.7%"``: one decimal, rounded half up (exactly, on the fraction).

    A whole percentage shows without decimals (``"70%"``); a rounded one always keeps its decimal,
    so 69.99 % shows ``"70.0%"`` and never passes for an exact 70 %.  The grade is decided on the
    exact fraction, never on this text.
    """
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    whole, rest = divmod(int((percent * 10 + Fraction(1, 2)) // 1), 10)
    return f"{whole}.{rest}%"


def share_text(achieved: int, targets: int) -> str:
    """``share_text(2, 3) == "2/3（66.7%）"``: the exact share, then its rounded percentage."""
    return f"{achieved}/{targets}（{format_percent(Fraction(achieved * 100, targets))}）"


# --------------------------------------------------------------------------- a measure


@dataclass(frozen=True)
class MeasureGrade:
    """A measure's grade from its projects' results; ``letter`` is None while any is 未評価.

    ``achieved`` / ``targets`` are Σk / Σn over the projects whose result is known; ``projects``
    counts the measure's projects.
    """

    measure_id: str
    ref: str
    letter: str | None
    achieved: int
    projects: int
    pending: tuple[str, ...]
    """Ids of projects whose result is 未評価 or missing: they keep the grade undetermined."""
    targets: int = 0
    printed: bool = False
    """The grade printed on the sheet of a published report whose project results are not in the
    file (every report before this tool): 「公表済みの評価」, no share."""

    @property
    def determined(self) -> bool:
        return self.letter is not None

    @property
    def share(self) -> Fraction | None:
        """Σk / Σn exactly, once every project has a result."""
        return Fraction(self.achieved, self.targets) if self.determined and self.targets else None

    @property
    def percent(self) -> Fraction | None:
        share = self.share
        return None if share is None else share * 100

    @property
    def share_text(self) -> str | None:
        """「2/3（66.7%）」 once determined."""
        return share_text(self.achieved, self.targets) if self.determined and self.targets else None


def result_of(
    project_id: str,
    model_result: ProjectOutcome | None,
    results: Mapping[str, ProjectOutcome] | None,
) -> ProjectOutcome | None:
    """A results file wins over the model; the model (a filled draft) is the fallback."""
    if results is not None and project_id in results:
        return results[project_id]
    return model_result


def grade_measure(
    measure: Measure, criteria: Sequence[Criterion], results: Mapping[str, ProjectOutcome] | None = None
) -> MeasureGrade:
    """Grade one measure over all its sheets: Σk / Σn of its projects' annual targets.

    ``measure.projects`` already folds a project's 再掲 rows into one project; ids are de-duplicated
    once more so that a project is counted once whatever the model holds.
    """
    counts: dict[str, TargetCount | None] = {}
    for project in measure.projects:
        counts.setdefault(project.id, target_count(result_of(project.id, project.result, results)))
    if not counts:
        raise NoProjectsError("事業が0件の施策は評価できません", where=f"施策 {measure.ref}")
    pending = tuple(pid for pid, count in counts.items() if count is None)
    known = [count for count in counts.values() if count is not None]
    achieved = sum(count.achieved for count in known)
    targets = sum(count.targets for count in known)
    letter = None if pending else grade(achieved, targets, criteria)
    return MeasureGrade(measure.id, measure.ref, letter, achieved, len(counts), pending, targets)


# --------------------------------------------------------------------------- pages


def measure_sheet_indices(plan: Plan, measure_id: str) -> list[int]:
    """Indices of the sheets that print the measure's row (its own sheet and its 再掲 sheets)."""
    return [sheet.index for sheet in plan.sheets if any(m.measure_id == measure_id for m in sheet.measures)]


def measure_pages(plan: Plan, measure_id: str) -> list[int]:
    """The pages of the measure's sheets as the document states them, ascending, without repeats."""
    indices = set(measure_sheet_indices(plan, measure_id))
    return sorted({sheet.page for sheet in plan.sheets if sheet.index in indices and sheet.page is not None})


def pages_text(pages: Sequence[int]) -> str:
    """The report's notation: ``[11]`` → ``11``, ``[12, 13]`` → ``12～13``, ``[12, 14]`` → ``12、14``."""
    ordered = sorted(set(pages))
    if not ordered:
        return ""
    if ordered == list(range(ordered[0], ordered[-1] + 1)):
        return str(ordered[0]) if len(ordered) == 1 else f"{ordered[0]}{PAGE_RANGE_MARK}{ordered[-1]}"
    return "、".join(str(page) for page in ordered)


# --------------------------------------------------------------------------- 評価総括表


@dataclass(frozen=True)
class SummaryEntry:
    measure_id: str
    ref: str
    pages: str


@dataclass(frozen=True)
class SummaryGroupResult:
    """One grade's row group: the criterion's letter and text, and its measures in document order."""

    letter: str
    text: str
    entries: tuple[SummaryEntry, ...]

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass(frozen=True)
class PlanSummary:
    """A plan's 評価総括表 as it follows from its measures' grades.

    ``ungraded`` holds the measures that belong in no group: undetermined (未評価) or graded with a
    letter the criteria table does not have.  ``total`` counts the graded measures only.
    """

    plan_key: str
    heading: str
    groups: tuple[SummaryGroupResult, ...]
    ungraded: tuple[SummaryEntry, ...]

    @property
    def total(self) -> int:
        return sum(group.count for group in self.groups)

    def group(self, letter: str) -> SummaryGroupResult:
        return next(group for group in self.groups if group.letter == letter)


def summarize(plan: Plan, criteria: Sequence[Criterion], letters: Mapping[str, str | None]) -> PlanSummary:
    """The 評価総括表 for ``letters`` (measure id → grade letter, None when undetermined)."""
    entries = [
        (letters.get(m.id), SummaryEntry(m.id, m.ref, pages_text(measure_pages(plan, m.id))))
        for m in plan.iter_measures()
    ]
    groups = tuple(
        SummaryGroupResult(c.letter, c.text, tuple(e for letter, e in entries if letter == c.letter))
        for c in criteria
    )
    known = {c.letter for c in criteria}
    ungraded = tuple(e for letter, e in entries if letter not in known)
    return PlanSummary(plan.key, plan.heading, groups, ungraded)


def summary_from_sheets(plan: Plan, criteria: Sequence[Criterion]) -> PlanSummary:
    """The 評価総括表 that the grades printed on the measure rows imply (what a published report shows)."""
    return summarize(plan, criteria, {m.id: m.grade for m in plan.iter_measures()})


@dataclass(frozen=True)
class PlanGrades:
    plan_key: str
    heading: str
    measures: tuple[MeasureGrade, ...]
    summary: PlanSummary


def grade_plan(
    plan: Plan, criteria: Sequence[Criterion], results: Mapping[str, ProjectOutcome] | None = None
) -> PlanGrades:
    """Every measure's grade from the projects' results, and the 評価総括表 that follows."""
    grades = tuple(grade_measure(m, criteria, results) for m in plan.iter_measures())
    summary = summarize(plan, criteria, {g.measure_id: g.letter for g in grades})
    return PlanGrades(plan.key, plan.heading, grades, summary)


def grade_report(report: Report, results: Mapping[str, ProjectOutcome] | None = None) -> list[PlanGrades]:
    return [grade_plan(plan, report.intro.criteria, results) for plan in report.plans]


def printed_grades(report: Report, grades: Sequence[PlanGrades]) -> list[PlanGrades]:
    """``grades`` where a measure without results takes the grade its sheet prints (``printed``).

    A published report without the results part (last year's, every report before this tool)
    states its grades on the sheets only: they are its 「公表済みの評価」, not 未確定.
    """
    out: list[PlanGrades] = []
    for plan, plan_grades in zip(report.plans, grades, strict=True):
        on_sheet = {m.id: m.grade for m in plan.iter_measures()}
        measures = tuple(
            replace(g, letter=on_sheet[g.measure_id], printed=True)
            if g.letter is None and on_sheet.get(g.measure_id)
            else g
            for g in plan_grades.measures
        )
        summary = summarize(plan, report.intro.criteria, {g.measure_id: g.letter for g in measures})
        out.append(replace(plan_grades, measures=measures, summary=summary))
    return out


def all_determined(plans: Iterable[PlanGrades]) -> bool:
    return all(grade.determined for plan in plans for grade in plan.measures)


# --------------------------------------------------------------------------- presenting


def describe_grades(plans: Sequence[PlanGrades], source: str, results_source: str | None = None) -> str:
    """The Japanese text ``komae-docx grade`` prints: each measure's grade, then the 評価総括表."""
    measures = [g for p in plans for g in p.measures]
    if measures and all(g.printed for g in measures):
        lines = [
            f"{source} の評価（公表済みの評価：シートに印刷された評価です。"
            "事業ごとの結果はこのファイルにありません）"
        ]
    else:
        lines = [f"{source} の評価（事業の結果：{results_source or '報告書の Check 欄'}）"]
    if results_source is None and all(len(g.pending) == g.projects and not g.printed for g in measures):
        lines.append(
            "事業の結果がありません。--results で結果ファイル（事業 id: 達成／未達成／未評価／1/3）を"
            "指定してください。事業 id は parse --json で確かめられます。"
        )
    for plan in plans:
        lines += ["", plan.heading]
        lines += [f"  {_measure_line(g)}" for g in plan.measures]
        lines += ["", f"  評価総括表（{plan.heading}）"]
        for group in plan.summary.groups:
            lines.append(f"    {group.letter}  {group.count}件  {group.text}")
            lines += [f"          {e.pages}頁  {e.ref}" for e in group.entries]
        lines.append(f"    合計  {plan.summary.total}件")
        ungraded = plan.summary.ungraded
        if ungraded:
            lines.append(f"    未確定  {len(ungraded)}件：" + "、".join(e.ref for e in ungraded))
    return "\n".join(lines)


def measure_share_text(measure: MeasureGrade) -> str:
    """What every front end (CLI, JSON, page) shows for a measure's share of its annual targets.

    Determined: 「1/3（33.3%）」 (Σk / Σn over the targets, never over the projects).  While some
    project is 未評価: 「未評価 2 事業」, and what the others reached so far
    (「・ほかの事業の年次目標 3/4 達成」).  A published report's printed grade, whose results the
    file does not hold: 「公表済みの評価」.
    """
    if measure.printed:
        return PRINTED_GRADE
    if measure.share_text is not None:
        return measure.share_text
    known = f"・ほかの事業の年次目標 {measure.achieved}/{measure.targets} 達成" if measure.targets else ""
    return f"未評価 {len(measure.pending)} 事業{known}"


PRINTED_GRADE = "公表済みの評価"
"""The share's place for a grade printed on a published report's sheet (its results are not in the file)."""


def _measure_line(measure: MeasureGrade) -> str:
    if measure.printed:
        return f"{measure.letter}       {measure.ref}（{measure_share_text(measure)}）"
    if measure.letter is None:
        pending = "、".join(measure.pending)
        return f"未確定  {measure.ref}（{measure_share_text(measure)}）未評価の事業：{pending}"
    return f"{measure.letter}       {measure.ref}（年次目標の達成 {measure_share_text(measure)}）"


def grades_as_json(plans: Iterable[PlanGrades]) -> list[dict[str, Any]]:
    """Plain JSON data; the share travels as the exact fraction ``achieved/targets`` (Σk / Σn)."""
    return [
        {
            "plan": plan.plan_key,
            "heading": plan.heading,
            "measures": [
                {
                    "measure_id": g.measure_id,
                    "ref": g.ref,
                    "grade": g.letter,
                    "achieved": g.achieved,
                    "targets": g.targets,
                    "projects": g.projects,
                    "share": g.share_text,
                    "pending": list(g.pending),
                    "printed": g.printed,
                }
                for g in plan.measures
            ],
            "summary": {
                "groups": [
                    {
                        "grade": group.letter,
                        "text": group.text,
                        "count": group.count,
                        "measures": [
                            {"ref": e.ref, "pages": e.pages, "measure_id": e.measure_id}
                            for e in group.entries
                        ],
                    }
                    for group in plan.summary.groups
                ],
                "total": plan.summary.total,
                "ungraded": [e.measure_id for e in plan.summary.ungraded],
            },
        }
        for plan in plans
    ]
