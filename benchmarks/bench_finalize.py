"""Time ``komae-docx finalize`` against ``draft``; print the ratio, and the LibreOffice pass on its own.

Run:  python benchmarks/bench_finalize.py [--repeat N] [--no-libreoffice]

  draft      api.draft of the example (read, roll forward, write the draft)
  finalize   api.finalize of that draft filled in by tests/filler.py (last year's texts and
             results, one "1/3"), page numbers as fields (no LibreOffice): read, grade, the list of
             what is left, the document edits, atomic write -> ratio finalize / draft, target <= 1.5
  pages      api.finalize with pages="libreoffice" minus the fields run: the LibreOffice passes
             (probe copies laid out to PDF until the page numbers hold), timed separately
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout, not an installed copy
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_draft import median_time

from komae_docx import api
from komae_docx.layout import libreoffice_available
from tests.filler import fill_draft, last_years_fill

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"


def filled_draft(folder: Path) -> Path:
    """The example's draft filled in with last year's texts and results (tests/filler.py)."""
    draft = api.draft(EXAMPLE, folder / "draft.docx").value.path
    fill = last_years_fill(api.read(EXAMPLE).value, api.read(draft).value)
    return fill_draft(draft, folder / "filled.docx", fill)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-libreoffice", action="store_true", help="skip timing the LibreOffice pass")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-finalize-") as work:
        folder = Path(work)
        filled = filled_draft(folder)

        def draft() -> object:
            return api.draft(EXAMPLE, folder / "d.docx", force=True)

        def finalize(pages: str = "fields") -> object:
            result = api.finalize(filled, folder / "r.docx", number="R7-15", pages=pages, force=True)  # type: ignore[arg-type]
            assert result.value.path is not None, [m.describe() for m in result.value.incomplete]
            return result

        draft(), finalize()  # warm-up: imports and caches
        t_draft = median_time(draft, args.repeat)
        t_final = median_time(finalize, args.repeat)
        print(f"draft      {t_draft * 1000:8.1f} ms")
        print(f"finalize   {t_final * 1000:8.1f} ms  (pages as fields, no LibreOffice)")
        print(f"ratio finalize / draft = {t_final / t_draft:.2f}  (target <= 1.5)")
        if args.no_libreoffice or not libreoffice_available():
            print("LibreOffice pass: not timed")
            return
        repeat = max(1, min(3, args.repeat))
        t_lo = median_time(lambda: finalize("libreoffice"), repeat)
        print(f"finalize   {t_lo * 1000:8.1f} ms  (pages measured with LibreOffice, median of {repeat})")
        print(f"LibreOffice pass = {(t_lo - t_final):.2f} s")


if __name__ == "__main__":
    main()
