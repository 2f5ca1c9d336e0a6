"""The results part: :class:`~komae_docx.model.ResultsRecord` as the XML of a Custom XML part.

The published report shows only the measures' grades, as the city's file does; the per-project
results it was computed from travel inside the .docx, invisibly, as an OPC Custom XML part
(``customXml/itemN.xml``, related from ``word/_rels/document.xml.rels``, with its
``itemPropsN.xml`` naming :data:`NAMESPACE`).  Word and LibreOffice keep such parts when they
save a file.  This module only turns the record into XML and back; the reader finds the part and
the output side adds it to the package (:mod:`komae_docx.writing.customxml`).

Shape (namespace ``urn:komae-docx:results:1``)::

    <kd:results stage="finalized" fiscalYear="2024">
      <kd:criterion letter="A" lower="70" upper="" upperInclusive="0"/> …
      <kd:project id="p1-3-1-1-b" plan="plan1" value="1/3" achieved="1" targets="3">
        <kd:check></kd:check>            (the city's Check cell, per entry row)
      </kd:project> …
      <kd:measure id="p1-3-1" plan="plan1" ref="3－(1)" grade="C" achieved="1" targets="3"
                  share="1/3（33.3%）"/> …
    </kd:results>
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lxml import etree
from pydantic import ValidationError

from .model import (
    CriterionRecord,
    MeasureRecord,
    ProjectOutcome,
    ProjectRecord,
    RecordStage,
    Report,
    ResultsRecord,
    TargetCount,
)
from .rules import PlanGrades, outcome_text, parse_outcome, result_of, target_count

NAMESPACE = "urn:komae-docx:results:1"
KD = f"{{{NAMESPACE}}}"
ROOT = f"{KD}results"


# --------------------------------------------------------------------------- building and using


def build_record(
    report: Report,
    grades: Sequence[PlanGrades],
    stage: RecordStage,
    results: Mapping[str, ProjectOutcome] | None = None,
    check_cells: Mapping[str, list[str]] | None = None,
) -> ResultsRecord:
    """The record of ``report``: each project's result (``results`` over the draft's controls),
    the measures' computed grades and shares, the rule's thresholds, and the city's Check cells
    (``check_cells`` by project id; default: those ``report``'s own record holds)."""
    cells = dict(check_cells) if check_cells is not None else city_check_cells(report)
    projects = []
    for plan, _, project in report.iter_projects():
        outcome = result_of(project.id, project.result, results)
        count = target_count(outcome)
        projects.append(
            ProjectRecord(
                id=project.id,
                plan=plan.key,
                value=outcome_text(outcome),
                achieved=count.achieved if count else None,
                targets=count.targets if count else None,
                check_cells=cells.get(project.id, []),
            )
        )
    measures = [
        MeasureRecord(
            id=g.measure_id,
            plan=plan.plan_key,
            ref=g.ref,
            grade=g.letter,
            achieved=g.achieved,
            targets=g.targets,
            share=g.share_text,
        )
        for plan in grades
        for g in plan.measures
    ]
    criteria = [
        CriterionRecord(
            letter=c.letter,
            lower_percent=c.lower_percent,
            upper_percent=c.upper_percent,
            upper_inclusive=c.upper_inclusive,
        )
        for c in report.intro.criteria
    ]
    return ResultsRecord(
        stage=stage,
        fiscal_year=report.fiscal_year.western_year,
        criteria=criteria,
        projects=projects,
        measures=measures,
    )


def city_check_cells(report: Report) -> dict[str, list[str]]:
    """What the city's file had in each project's Check cells: the record's, else the cells as read."""
    if report.record is not None:
        return {p.id: list(p.check_cells) for p in report.record.projects}
    return {project.id: [e.check for e in project.entries] for _, _, project in report.iter_projects()}


def recorded_results(report: Report) -> dict[str, ProjectOutcome] | None:
    """The project results a finalized (or interim) report keeps in its record; None without one.

    Only when the document has no result controls left to read (the draft's controls win: a
    draft carrying a record keeps it for the city's Check cells, not for results).
    """
    record = report.record
    if record is None or record.stage == "draft":
        return None
    if any(project.result is not None for _, _, project in report.iter_projects()):
        return None
    out: dict[str, ProjectOutcome] = {}
    for project in record.projects:
        try:
            if project.achieved is not None and project.targets is not None:
                out[project.id] = TargetCount(achieved=project.achieved, targets=project.targets)
            else:
                out[project.id] = parse_outcome(project.value)
        except ValueError:  # a record edited by hand: that project stays undetermined
            out[project.id] = "未評価"
    return out


# --------------------------------------------------------------------------- XML


def record_xml(record: ResultsRecord) -> bytes:
    """The part's bytes (UTF-8, with a declaration)."""
    root = etree.Element(ROOT, nsmap={"kd": NAMESPACE})
    root.set("stage", record.stage)
    if record.fiscal_year is not None:
        root.set("fiscalYear", str(record.fiscal_year))
    for criterion in record.criteria:
        etree.SubElement(
            root,
            f"{KD}criterion",
            letter=criterion.letter,
            lower=str(criterion.lower_percent),
            upper="" if criterion.upper_percent is None else str(criterion.upper_percent),
            upperInclusive="1" if criterion.upper_inclusive else "0",
        )
    for project in record.projects:
        el = etree.SubElement(root, f"{KD}project", id=project.id, plan=project.plan, value=project.value)
        if project.achieved is not None and project.targets is not None:
            el.set("achieved", str(project.achieved))
            el.set("targets", str(project.targets))
        for text in project.check_cells:
            etree.SubElement(el, f"{KD}check").text = text
    for measure in record.measures:
        el = etree.SubElement(
            root,
            f"{KD}measure",
            id=measure.id,
            plan=measure.plan,
            ref=measure.ref,
            achieved=str(measure.achieved),
            targets=str(measure.targets),
        )
        if measure.grade is not None:
            el.set("grade", measure.grade)
        if measure.share is not None:
            el.set("share", measure.share)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


def is_record(root: etree._Element) -> bool:
    return root.tag == ROOT


class RecordError(ValueError):
    """The part is ours but does not hold a record (edited by hand, or cut short)."""


def parse_record(root: etree._Element) -> ResultsRecord:
    """The record of a parsed part (:func:`is_record` true); :class:`RecordError` when unusable."""
    try:
        return ResultsRecord(
            stage=root.get("stage", ""),
            fiscal_year=_int(root.get("fiscalYear")),
            criteria=[_criterion(el) for el in root.iter(f"{KD}criterion")],
            projects=[_project(el) for el in root.iter(f"{KD}project")],
            measures=[_measure(el) for el in root.iter(f"{KD}measure")],
        )
    except (ValidationError, ValueError) as error:
        raise RecordError(str(error).splitlines()[0]) from None


def _criterion(el: etree._Element) -> CriterionRecord:
    return CriterionRecord(
        letter=el.get("letter", ""),
        lower_percent=int(el.get("lower", "")),
        upper_percent=_int(el.get("upper")),
        upper_inclusive=el.get("upperInclusive") == "1",
    )


def _project(el: etree._Element) -> ProjectRecord:
    return ProjectRecord(
        id=el.get("id", ""),
        plan=el.get("plan", ""),
        value=el.get("value", "未評価"),
        achieved=_int(el.get("achieved")),
        targets=_int(el.get("targets")),
        check_cells=[check.text or "" for check in el.iter(f"{KD}check")],
    )


def _measure(el: etree._Element) -> MeasureRecord:
    return MeasureRecord(
        id=el.get("id", ""),
        plan=el.get("plan", ""),
        ref=el.get("ref", ""),
        grade=el.get("grade"),
        achieved=_int(el.get("achieved")) or 0,
        targets=_int(el.get("targets")) or 0,
        share=el.get("share"),
    )


def _int(text: str | None) -> int | None:
    return int(text) if text not in (None, "") else None
