"""The draft's entry cells: what each department fills in, and where it stands.

Pure functions over the model, shared by ``split`` (which opens these cells for editing in a
department's copy) and ``merge`` (which takes them back).  An entry cell is

* a project entry's **Do** or **Act** cell (one per entry row; a project standing on several
  sheets has several),
* a project's **result** control (the Check cell of its first entry row),
* a row's **委員会からの意見** cell (written up by the report's editor, 福祉政策課).

Each cell has a key that names it in any copy of the same draft, whatever rows a copy added
(``("do", plan key, project id, entry index)``), its place in the file (table ordinal, row, grid
column, from the reader's anchors) and the 担当課 codes in charge.

Also here: :func:`draft_identity`, the id that tells whether a copy belongs to a draft.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from .model import LayeredPlan, Project, Report, WelfarePlan
from .progress import CHAPTER2, editor_department, entry_location, project_location
from .results import Location
from .textnorm import fold_width, is_blank, squash_spaces

Plan = WelfarePlan | LayeredPlan
CellKind = Literal["do", "act", "result", "opinion"]
CellKey = tuple[str, str, str, int]
"""``(kind, plan key, project id or opinion sheet index, entry index or opinion row index)``."""

COLUMN_NAMES: dict[str, str] = {
    "do": "Do",
    "act": "Act",
    "result": "事業の結果",
    "opinion": "委員会からの意見",
}
EDITOR = "__editor__"
"""The pseudo code of the report's editor, in charge of the 委員会からの意見 cells."""


@dataclass(frozen=True)
class EntryCell:
    """One entry cell of a report: its key, its place in the file, its text and who fills it."""

    key: CellKey
    table: int
    row: int
    col: int
    codes: tuple[str, ...]
    text: str
    location: Location

    @property
    def kind(self) -> str:
        return self.key[0]

    @property
    def column(self) -> str:
        return COLUMN_NAMES[self.key[0]]


def entry_cells(report: Report) -> list[EntryCell]:
    """Every entry cell in document order (projects plan by plan, then the opinion sheets)."""
    cells: list[EntryCell] = []
    for plan in report.plans:
        for measure in plan.iter_measures():
            for project in measure.projects:
                cells += _project_cells(report, plan, project)
    for plan in report.plans:
        cells += list(_opinion_cells(report, plan))
    return cells


def _project_cells(report: Report, plan: Plan, project: Project) -> list[EntryCell]:
    anchors = {sheet.index: sheet.anchor for sheet in plan.sheets}
    codes = tuple(code.strip() for code in project.departments if code.strip())
    cells: list[EntryCell] = []
    for index, entry in enumerate(project.entries):
        anchor = anchors.get(entry.sheet)
        if anchor is None or not {"do", "act", "check"} <= anchor.columns.keys():
            continue
        do = [*([entry.heading] if entry.heading else []), *entry.do]
        for kind, texts in (("do", do), ("act", entry.act)):
            where = entry_location(report, plan, project, entry.sheet, entry.row, COLUMN_NAMES[kind])
            key = (kind, plan.key, project.id, index)
            cells.append(
                EntryCell(key, anchor.table, entry.row, anchor.columns[kind], codes, lines(texts), where)
            )
        if index == 0:
            where = project_location(report, plan, project, COLUMN_NAMES["result"])
            result = "" if project.result is None else str(project.result)
            key = ("result", plan.key, project.id, 0)
            cells.append(
                EntryCell(key, anchor.table, entry.row, anchor.columns["check"], codes, result, where)
            )
    return cells


def _opinion_cells(report: Report, plan: Plan) -> Iterator[EntryCell]:
    editor = editor_department(report)
    for sheet in plan.opinion_sheets:
        if sheet.anchor is None or "opinion" not in sheet.anchor.columns:
            continue
        for index, row in enumerate(sheet.rows):
            where = Location(
                section=CHAPTER2,
                plan=plan.opinions_heading or plan.heading,
                page=sheet.page,
                row=row.row,
                column=COLUMN_NAMES["opinion"],
                department=editor,
            )
            key = ("opinion", plan.key, str(sheet.index), index)
            col = sheet.anchor.columns["opinion"]
            yield EntryCell(key, sheet.anchor.table, row.row, col, (EDITOR,), lines(row.opinions), where)


def lines(texts: list[str]) -> str:
    """A cell's texts as one string for comparing: blank lines dropped, each line trimmed."""
    return "\n".join(text.strip() for text in texts if not is_blank(text))


def same_text(first: str, second: str) -> bool:
    """Two cell texts say the same (width and spacing folded, as staff retype them)."""
    return _folded(first) == _folded(second)


def _folded(text: str) -> str:
    return "".join(squash_spaces(fold_width(text)).split())


# --------------------------------------------------------------------------- departments


@dataclass(frozen=True)
class DepartmentCells:
    """A department that has projects, and the keys of the cells it fills."""

    code: str
    name: str
    keys: frozenset[CellKey]


def departments_with_projects(report: Report, cells: list[EntryCell]) -> list[DepartmentCells]:
    """The 担当課 of the report's table that are in charge of at least one project, in the table's
    order, each with its cells (a shared project's cells belong to each of its departments; the
    editor also gets the 委員会からの意見 cells)."""
    editor = editor_department(report)
    found: list[DepartmentCells] = []
    for department in report.intro.departments:
        code = department.code.strip()
        keys = {cell.key for cell in cells if _key(code) in {_key(c) for c in cell.codes}}
        if not keys:
            continue
        if department.name == editor:
            keys |= {cell.key for cell in cells if EDITOR in cell.codes}
        found.append(DepartmentCells(code, department.name, frozenset(keys)))
    return found


def _key(code: str) -> str:
    return squash_spaces(fold_width(code))


# --------------------------------------------------------------------------- the draft's identity


def draft_identity(report: Report) -> str:
    """An id that two copies of one draft share and a draft of another year or report does not.

    Made of what no department edits: the report's year and title, and every plan's measures and
    projects by id.  Texts staff may touch (a Plan text, a heading) are left out, so that a copy
    with an edit outside its cells is still recognised as a copy (and the edit reported).
    """
    parts = [report.fiscal_year.text, "".join(report.cover.report_title.split())]
    for plan in report.plans:
        parts.append(plan.key)
        parts += [
            f"{measure.id}:{','.join(p.id for p in measure.projects)}" for measure in plan.iter_measures()
        ]
    digest = hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
    return f"{report.fiscal_year.western_year}-{digest[:16]}"
