"""What the screens show, shaped from the API's results into plain rows for the templates.

Nothing here computes a grade, a page or a finding: those come from :mod:`komae_docx.api`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ...model import Report
from ...results import Message, severity_word
from ...rollover import Change
from ...rules import PlanGrades, measure_share_text
from ..changelog import as_text, staff_line


@dataclass(frozen=True)
class MessageRow:
    severity: str
    severity_text: str
    where: str
    text: str
    expected: str | None
    found: str | None
    labels: tuple[str, str] = ("正しくは", "文書では")
    """What ``expected`` and ``found`` are (:attr:`komae_docx.results.Message.value_labels`)."""


@dataclass(frozen=True)
class MeasureRow:
    ref: str
    title: str
    grade: str
    pages: str
    detail: str = ""


@dataclass(frozen=True)
class PlanView:
    heading: str
    measures: list[MeasureRow]


@dataclass(frozen=True)
class SummaryGroupRow:
    letter: str
    text: str
    count: int
    measures: str


@dataclass(frozen=True)
class SummaryView:
    """A plan's 評価総括表 as it follows from the grades."""

    heading: str
    groups: list[SummaryGroupRow]
    total: int
    ungraded: str


def message_rows(messages: Iterable[Message]) -> list[MessageRow]:
    return [
        MessageRow(
            m.severity,
            severity_word(m.severity, m.code),
            m.location.describe(),
            m.text,
            m.expected,
            m.found,
            m.value_labels,
        )
        for m in messages
    ]


def measure_pages(grades: Sequence[PlanGrades]) -> dict[str, str]:
    """Measure id → its pages in the report's notation (``12～13``), from the 評価総括表 entries."""
    pages: dict[str, str] = {}
    for plan in grades:
        for group in plan.summary.groups:
            pages.update((entry.measure_id, entry.pages) for entry in group.entries)
        pages.update((entry.measure_id, entry.pages) for entry in plan.summary.ungraded)
    return pages


def measure_titles(report: Report) -> dict[str, str]:
    """Measure id → the title shown after its ref."""
    measures = (m for plan in report.plans for m in plan.iter_measures())
    return {m.id: _title_after_ref(m.ref, m.full_title) for m in measures}


def report_plans(report: Report, grades: Sequence[PlanGrades]) -> list[PlanView]:
    """Each plan's measures with the grade printed in the report and their pages."""
    pages = measure_pages(grades)
    return [
        PlanView(
            plan.heading,
            [
                MeasureRow(m.ref, _title_after_ref(m.ref, m.full_title), m.grade or "－", pages.get(m.id, ""))
                for m in plan.iter_measures()
            ],
        )
        for plan in report.plans
    ]


def graded_plans(grades: Sequence[PlanGrades], report: Report) -> list[PlanView]:
    """Each plan's measures with the grade the rule gives them from the results chosen so far.

    The share is :func:`rules.measure_share_text`, the text ``grade`` prints and its JSON carries.
    """
    pages = measure_pages(grades)
    titles = measure_titles(report)
    views = []
    for plan in grades:
        rows = []
        for g in plan.measures:
            title, page = titles.get(g.measure_id, ""), pages.get(g.measure_id, "")
            rows.append(MeasureRow(g.ref, title, g.letter or "未確定", page, measure_share_text(g)))
        views.append(PlanView(plan.heading, rows))
    return views


def summary_tables(grades: Sequence[PlanGrades]) -> list[SummaryView]:
    """Both plans' 評価総括表: per grade letter, its count and its measures with their pages."""
    return [
        SummaryView(
            plan.heading,
            [
                SummaryGroupRow(
                    group.letter,
                    group.text,
                    group.count,
                    "、".join(f"{e.ref}（{e.pages}頁）" if e.pages else e.ref for e in group.entries),
                )
                for group in plan.summary.groups
            ],
            plan.summary.total,
            "、".join(entry.ref for entry in plan.summary.ungraded),
        )
        for plan in grades
    ]


def change_lines(changes: Iterable[Change]) -> list[str]:
    """The change log as the readable list the page shows, in the staff words of ``--changes``."""
    return [staff_line(change) for change in changes]


def change_log_text(source_name: str, changes: Sequence[Change]) -> str:
    """The change log as a text file for Notepad: the CLI's ``--changes x.txt`` text, CRLF line ends."""
    heading = f"「{source_name}」から翌年度の案を作ったときの変更（{len(changes)} 件）"
    return as_text(changes, heading, markdown=False).replace("\n", "\r\n")


def _title_after_ref(ref: str, title: str) -> str:
    """The title, unless the ref already says it (重層 refs are ``1 普及啓発``)."""
    return "" if title and title in ref else title
