"""publish ÷ ``finalize --pages libreoffice`` on the same report (issue 25's goal: <= 1.5).

Run:  python benchmarks/bench_publish.py [--repeat 5]

The report is the example's draft filled in by tests/filler.py (last year's texts and results),
finalized once with ``--pages libreoffice``; then, interleaved (finalize, publish, finalize, …)
so that a burst of load on the shared machine hits both alike, the two commands are timed as
processes from spawn to exit:

  finalize  komae-docx finalize filled.docx -o report.docx --number R7-15 --pages libreoffice --force
  publish   komae-docx publish report.docx -o web --force      (the PDF, both CSVs and the 説明)

Both lay the report out with LibreOffice once (finalize to measure the pages, publish to export the
PDF); the ratio printed is median(publish) / median(finalize).  Needs LibreOffice.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from komae_docx import api  # noqa: E402
from komae_docx.layout import libreoffice_available  # noqa: E402
from tests.filler import fill_draft, last_years_fill  # noqa: E402

EXAMPLE = ROOT / "examples" / "r5_report.docx"
COMMAND = [sys.executable, "-m", "komae_docx"]


def timed(arguments: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([*COMMAND, *arguments], check=True, capture_output=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if not libreoffice_available():
        print("not available: LibreOffice is not installed")
        return
    with tempfile.TemporaryDirectory(prefix="bench-publish-") as work:
        folder = Path(work)
        draft = api.draft(EXAMPLE, folder / "r6_draft.docx").value.path
        filled = fill_draft(
            draft, folder / "filled.docx", last_years_fill(api.read(EXAMPLE).value, api.read(draft).value)
        )
        report = folder / "report.docx"
        finalize = [
            "finalize",
            str(filled),
            "-o",
            str(report),
            "--number",
            "R7-15",
            "--pages",
            "libreoffice",
            "--force",
        ]
        publish = ["publish", str(report), "-o", str(folder / "web"), "--force", "-q"]
        timed(finalize)  # the report publish reads; also warms the disk cache
        times: dict[str, list[float]] = {"finalize": [], "publish": []}
        for _ in range(args.repeat):
            times["finalize"].append(timed(finalize))
            times["publish"].append(timed(publish))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, values in times.items():
        print(f"{name:9s} median {medians[name]:.2f} s  runs {', '.join(f'{v:.2f}' for v in values)}")
    ratio = medians["publish"] / medians["finalize"]
    print(f"publish / finalize --pages libreoffice = {ratio:.2f}  (goal <= 1.5)")


if __name__ == "__main__":
    main()
