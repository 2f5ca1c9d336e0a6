"""Files for the tests of issue 24 (every file at every step), made from the example once per module.

``FlowFiles.make(folder)`` writes, from examples/r5_report.docx: next year's draft, its eight
department copies (``split``), 福祉政策課's copy filled with last year's texts of its own projects (as
Word saves typed text, tests/filler.py), and two plain copies of the draft that fill the same
project's Do differently (a conflict for ``merge``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from komae_docx import api

from .conftest import EXAMPLE
from .filler import Fill, fill_draft, last_years_fill

WELFARE = "福祉政策課"


@dataclass(frozen=True)
class FlowFiles:
    folder: Path
    draft: Path
    copies: list[api.DepartmentCopy]
    filled: Path
    """福祉政策課's copy, filled in its own cells."""
    conflict: tuple[Path, Path]
    """Two plain copies of the draft writing different Do texts for one project."""
    conflict_project: str
    """The Plan text of the project both plain copies fill."""

    def copy_of(self, department: str) -> Path:
        return next(c.path for c in self.copies if c.department == department)

    @staticmethod
    def make(folder: Path) -> FlowFiles:
        draft = api.draft(EXAMPLE, folder / "r6_draft.docx").value.path
        copies = api.split(draft, folder / "copies").value.copies
        last, report = api.read(EXAMPLE).value, api.read(draft).value
        welfare = next(c for c in copies if c.department == WELFARE)
        (folder / "filled").mkdir()
        filled = fill_draft(
            welfare.path,
            folder / "filled" / welfare.path.name,
            last_years_fill(last, report, departments=[welfare.code]),
        )
        plan, _, project = next(iter(report.iter_projects()))
        rows = len(project.entries)
        sides = []
        for name, text in (("課A", "相談会を年4回開催した"), ("課B", "相談会を年6回開催した")):
            fill = Fill(entries={(plan.key, project.id): [([text], ["継続する"])] * rows})
            sides.append(fill_draft(draft, folder / f"r6_draft_{name}.docx", fill))
        return FlowFiles(folder, draft, copies, filled, (sides[0], sides[1]), project.plan_text)


def folder_contents(folder: Path) -> set[str]:
    """Every file under ``folder`` (relative names), to check that a refused command wrote nothing."""
    return {str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()}
