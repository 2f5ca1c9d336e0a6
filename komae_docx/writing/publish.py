"""The finalize composition: the published look, grades, 評価総括表, then the real page numbers.

Kept apart from :mod:`~komae_docx.writing.finalize` (the edits) and
:mod:`~komae_docx.writing.pagination` (the page numbers, which builds on those edits) so that
imports run one way: ``finalize`` ← ``pagination`` ← ``publish``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..model import ProjectOutcome, RecordStage, Report
from ..package import Package
from ..progress import DRAFT_MARK, INTERIM_MARK
from ..record import build_record, city_check_cells, record_xml
from ..results import Location, Message, Severity
from ..rules import PlanGrades, outcome_text, result_of
from .customxml import record_into
from .datefields import freeze_date_fields
from .finalize import (
    FinalizeOptions,
    fill_number,
    fill_summary,
    fold_typed_number,
    locate,
    mark_cover,
    mark_summary_title,
    open_filled,
    plan_sheets,
    publish_look,
    restore_check_cells,
    summary_title,
    write_grades,
)
from .ooxml import remove_marks, remove_title_marks
from .pagination import apply_pages
from .revisions import clear_review_marks


@dataclass
class FinalizedDocument:
    """The finalized package's bytes and what happened on the way (messages for the result)."""

    data: bytes
    messages: list[Message]
    passes: int = 0


def finalize_document(
    filled: str | Path | Package,
    report: Report,
    grades: Sequence[PlanGrades],
    options: FinalizeOptions,
    results: Mapping[str, ProjectOutcome] | None = None,
) -> FinalizedDocument:
    """Edit the filled draft into the published report and return its bytes (nothing is written).

    ``report`` is the filled draft read by the reader and ``grades`` its grades (from its result
    controls or ``results``, a results file's); pages follow ``options.pages``.  The project results
    go into the results part (:mod:`komae_docx.record`); the Check cells get the city's text back
    unless ``options.show_results``.
    """
    package = open_filled(filled)
    body = package.body
    messages: list[Message] = clear_review_marks(package, options)
    publish_look(package)
    remove_title_marks(body, report.cover.report_title, (DRAFT_MARK, INTERIM_MARK))
    freeze_date_fields(body, report.publication.month, package.path)  # never the day it is opened
    if options.number is None:
        fold_typed_number(body, report.publication.number)
    elif not fill_number(body, options.number):
        text = "刊行物番号の仮の値（R7-〇〇 など）が見つからないため、--number の番号は書いていません"
        messages.append(_message("warning", "finalize.number_absent", text, section="奥付"))
    layout = locate(body, report)
    sheets = plan_sheets(report, layout)
    write_grades(report, grades, sheets)
    shown = {
        project.id: outcome_text(result_of(project.id, project.result, results))
        for _, _, project in report.iter_projects()
    }
    restore_check_cells(report, sheets, city_check_cells(report), shown if options.show_results else None)
    stage: RecordStage = "interim" if options.interim else "finalized"
    record = build_record(report, grades, stage, results)
    record_into(package, record_xml(record))
    for tbl in layout.summaries:  # an interim version finalized again loses its marks
        title = summary_title(tbl)
        if title is not None:
            remove_marks(title, (INTERIM_MARK,))
    for tbl, total, head, plan_grades in zip(
        layout.summaries, layout.totals, layout.header_rows, grades, strict=True
    ):
        fill_summary(tbl, plan_grades.summary, {}, interim=options.interim, total=total, header_rows=head)
    if options.interim:
        mark_cover(body, report.cover.report_title.replace(DRAFT_MARK, "").replace(INTERIM_MARK, ""))
        for tbl in layout.summaries:
            mark_summary_title(tbl)
    passes, page_messages = apply_pages(package, report, grades, layout, sheets, options)
    messages += page_messages
    return FinalizedDocument(package.save(), messages, passes)


def _message(severity: Severity, code: str, text: str, section: str | None = None) -> Message:
    return Message(severity=severity, code=code, text=text, location=Location(section=section))
