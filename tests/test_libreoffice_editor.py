"""LibreOffice as the staff member's editor: the draft typed into through UNO, saved as .docx, read back.

The harness (:mod:`tests.lo_editor`) types the way a person does: the view cursor into the cell of a
project's Plan text, Tab to the Do and Act cells, typing and Enter; the result controls set through
LibreOffice's content-control API and by typing over the grey placeholder.  Expected values are the
texts typed here and the grades printed in the city's published report, never the tool's output.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from komae_docx import api

from .conftest import EXAMPLE
from .lo_editor import Office, set_result, type_in_cell

PLAN_1_1_1 = "重層的支援体制整備事業の実施に向けて、分野を超えて"
"""第1章 1 地域福祉計画 シート1, project 1-(1)-① a: its Plan text, unique in the report."""


@pytest.fixture(scope="module")
def draft(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("lo-draft") / "r6_draft.docx"
    api.draft(EXAMPLE, out)
    return out


def test_the_harness_types_into_cells_and_sets_controls_both_ways(
    lo_office: Office, draft: Path, tmp_path: Path
) -> None:
    typed = tmp_path / "typed.docx"
    done = lo_office.edit(
        draft,
        typed,
        [
            type_in_cell(PLAN_1_1_1, "相談支援体制を整備した。\n会議を12回開いた。", cells=4),
            type_in_cell(PLAN_1_1_1, "連携の強化が課題。", cells=6),
            set_result(PLAN_1_1_1, "達成", how="keyboard"),
        ],
    )
    assert [step["cell"] for step in done] == ["G6", "I6", "H6"]
    assert done[2]["showing_placeholder"] is True  # LibreOffice 7.4 keeps w:showingPlcHdr when typed over
    project = next(p for _, _, p in api.read(typed).value.iter_projects() if p.id == "p1-1-1-1-a")
    assert project.entries[0].do == ["相談支援体制を整備した。", "会議を12回開いた。"]
    assert project.entries[0].act == ["連携の強化が課題。"]
