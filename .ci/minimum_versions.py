"""The draft → fill → status → grade → finalize flow at the dependency floors of pyproject.toml.

`.ci/run` installs komae-docx into a second virtual environment with every dependency pinned to
the lowest version pyproject.toml allows, and runs this script there: a floor the code outgrew
(docxtpl's render_footnotes came in 0.19, python-docx's Document.comments in 1.2) fails here.
Run from the repository root: ``.venv-min/bin/python .ci/minimum_versions.py``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.filler: a draft filled as Word saves it

from komae_docx import api  # noqa: E402
from tests.filler import fill_draft, last_years_fill  # noqa: E402

EXAMPLE = ROOT / "examples" / "r5_report.docx"
PUBLISHED = {"plan1": ["A", "A", "A", "A", "C"], "plan2": ["A", "A", "A", "A", "A", "A", "B", "A"]}
"""The grades of the R5 report as printed (評価総括表 and sheets)."""


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="komae-min-") as folder:
        work = Path(folder)
        made = api.draft(EXAMPLE, work / "r6_draft.docx").value
        template = api.make_template(EXAMPLE, work / "template.docx").value
        api.draft(EXAMPLE, work / "r6_from_template.docx", template=template)
        last_year = api.read(EXAMPLE).value
        fill = last_years_fill(last_year, api.read(made.path).value)
        filled = fill_draft(made.path, work / "r6_filled.docx", fill)
        left = [item.code for item in api.status(filled).value.items]
        assert left == ["incomplete.number"], left
        graded = {p.plan_key: [m.letter for m in p.measures] for p in api.grade(filled).value}
        assert graded == PUBLISHED, graded
        done = api.finalize(filled, work / "r6_report.docx", number="R7-15", pages="fields").value
        assert done.path is not None and not done.interim, [m.describe() for m in done.incomplete]
        report = api.read(done.path).value
        printed = {p.key: [m.grade for m in p.iter_measures()] for p in report.plans}
        assert printed == PUBLISHED, printed
        assert report.publication.number == "R7-15"
        api.render(report, work / "r6_again.docx")
    print("minimum versions: draft, make-template, status, grade, finalize, render all work")
    return 0


if __name__ == "__main__":
    sys.exit(main())
