"""Issue 18's "real editor": two departments fill their split copies in LibreOffice through UNO,
typing as a person does (tests/lo_editor.py); the other six copies are filled by editing the XML as
Word saves it (tests/filler.py); all eight are merged, and the merged draft is complete.

LibreOffice opens a copy with Word's editing restriction read-only (it shows the bar 「文書を編集」),
so the person clicks it before typing (:func:`~tests.lo_editor.edit_document`), then types the Do
and Act texts and picks the project's result in its control (:func:`~tests.lo_editor.set_result`).

The texts typed here are this test's own; the other projects get last year's texts and results
that give last year's published grades, so the merged draft must grade as the R5 report printed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from komae_docx import api

from .conftest import EXAMPLE
from .docx_checks import audit_findings
from .filler import fill_draft, last_years_fill
from .lo_editor import Office, edit_document, set_result, type_in_cell

CHILDREN_CENTRE = "児童館事業"
"""重層 5 (5), 児童育成課's one project: its Plan text, unique in the report."""
SUPPORT_FOR_USERS = "利用者支援事業として、1. 基本型"
"""重層 4 (3), shared by 健康推進課, 子ども政策課 and 子ども発達支援課 (typed in 健康推進課's copy)."""

TYPED = {
    "p2-5-(5)": (
        ["児童館で親子講座を月2回開いた。", "中高生の居場所づくりを進めた。"],
        ["利用者の回復が課題。"],
    ),
    "p2-4-(3)": (["妊婦面談を全員に行った。"], ["関係機関との連携を強める。"]),
}

PUBLISHED_GRADES = {
    "plan1": ["A", "A", "A", "A", "C"],
    "plan2": ["A", "A", "A", "A", "A", "A", "B", "A"],
}
"""The R5 report's grades as printed on its sheets (both measures typed into here are A: every
project 達成)."""


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory, example_draft: Path) -> tuple[Path, list[Path]]:
    folder = tmp_path_factory.mktemp("lo-merge")
    draft = example_draft
    return draft, [copy.path for copy in api.split(draft, folder / "copies").value.copies]


def _by_department(paths: list[Path], department: str) -> Path:
    return next(path for path in paths if path.stem.endswith(f"_{department}"))


def test_two_copies_typed_in_libreoffice_and_six_in_xml_merge_into_a_complete_draft(
    lo_office: Office, copies: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    draft, split = copies
    typed = [
        _type(lo_office, _by_department(split, "児童育成課"), CHILDREN_CENTRE, "p2-5-(5)", tmp_path),
        _type(lo_office, _by_department(split, "健康推進課"), SUPPORT_FOR_USERS, "p2-4-(3)", tmp_path),
    ]
    last, report = api.read(EXAMPLE).value, api.read(draft).value
    filled = []
    for path in split:
        department = path.stem.rsplit("_", 1)[1]
        if department in ("児童育成課", "健康推進課"):
            continue
        code = next(d.code for d in report.intro.departments if d.name == department)
        fill = last_years_fill(last, report, departments=[code])
        fill.entries.pop(("plan2", "p2-4-(3)"), None)  # 健康推進課 typed the shared project
        fill.results.pop("p2-4-(3)", None)
        if department == "福祉政策課":  # the report's editor also writes up the committee's opinions
            fill.opinions = last_years_fill(last, report).opinions
        filled.append(fill_draft(path, tmp_path / path.name, fill))
    merged = api.merge(draft, [*typed, *filled], tmp_path / "r6_merged.docx").value
    assert merged.path is not None and merged.conflicts == []
    assert [o for o in merged.outside if o.file in map(str, typed)] == []  # LibreOffice's rewrite is no edit
    left = api.status(merged.path).value
    assert [item.code for item in left.items] == ["incomplete.number"], [i.describe() for i in left.items]
    assert {p.plan_key: [m.letter for m in p.measures] for p in left.grades} == PUBLISHED_GRADES
    projects = {p.id: p for _, _, p in api.read(merged.path).value.iter_projects()}
    for project_id, (do, act) in TYPED.items():
        assert projects[project_id].entries[0].do == do
        assert projects[project_id].entries[0].act == act
        assert str(projects[project_id].result) == "達成"
    assert audit_findings(merged.path) == []  # LibreOffice's paragraphs carried into the master
    typed_by = {c.department for c in merged.filled if c.location.project in TYPED}
    assert typed_by == {"児童育成課", "健康推進課"}


def _type(office: Office, copy: Path, plan_text: str, project_id: str, folder: Path) -> Path:
    """Do (4 cells right of the Plan text) and Act (6), typed into the copy in LibreOffice."""
    do, act = TYPED[project_id]
    target = folder / f"lo_{copy.name}"
    office.edit(
        copy,
        target,
        [
            edit_document(),
            type_in_cell(plan_text, "\n".join(do), cells=4),
            type_in_cell(plan_text, "\n".join(act), cells=6),
            set_result(plan_text, "達成"),
        ],
    )
    return target
