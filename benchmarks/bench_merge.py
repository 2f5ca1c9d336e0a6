"""Merging the departments' copies against drafting, measured in ONE run; prints ratios.

Run:  python benchmarks/bench_merge.py [--repeat N]

  merge   api.merge of the draft and its 8 split copies, each filled with its department's
          texts and results as Word saves them (tests/filler.py) / api.draft of the example
          -> ratio, goal <= 2 (issue 18)
  split   api.split of the draft into the 8 copies / api.draft (for the record)

Each ratio is of two medians over ``--repeat`` runs taken interleaved (merge, draft, merge, draft,
...), so a burst of load on the shared machine hits both sides alike.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_all import interleaved, line  # noqa: E402

from komae_docx import api  # noqa: E402
from tests.filler import fill_draft, last_years_fill  # noqa: E402

EXAMPLE = ROOT / "examples" / "r5_report.docx"


def filled_copies(tmp: Path) -> tuple[Path, list[Path]]:
    """The example's draft and its eight copies, each filled by its department."""
    draft = api.draft(EXAMPLE, tmp / "r6_draft.docx").value.path
    last, report = api.read(EXAMPLE).value, api.read(draft).value
    (tmp / "filled").mkdir()
    filled = []
    for copy in api.split(draft, tmp / "copies").value.copies:
        fill = last_years_fill(last, report, departments=[copy.code])
        filled.append(fill_draft(copy.path, tmp / "filled" / copy.path.name, fill))
    return draft, filled


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        draft, copies = filled_copies(tmp)
        got = interleaved(
            {
                "merge": lambda: api.merge(draft, copies, tmp / "merged.docx", force=True),
                "split": lambda: api.split(draft, tmp / "copies", force=True),
                "draft": lambda: api.draft(EXAMPLE, tmp / "again.docx", force=True),
            },
            args.repeat,
        )
        detail = f"({got['merge']:.2f} / {got['draft']:.2f} s, median of {args.repeat})"
        line(f"merge of {len(copies)} copies / draft", got["merge"] / got["draft"], "<= 2", detail)
        detail = f"({got['split']:.2f} / {got['draft']:.2f} s)"
        line(f"split into {len(copies)} copies / draft", got["split"] / got["draft"], "-", detail)
    return 0


if __name__ == "__main__":
    sys.exit(main())
