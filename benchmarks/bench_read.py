"""Time ``read_report`` against the plain libraries on the same file; print ratios, not single times.

Run:  python benchmarks/bench_read.py [FILE] [--repeat N]

Stages, each timed as the median of N runs in this one process (the machines are noisy):
  floor   unzip + lxml-parse word/document.xml only
  docx    python-docx ``Document()`` + every table cell's text
  d2p     docx2python full extraction (skipped if docx2python is not installed)
  komae   komae_docx.read_report
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from komae_docx import read_report  # noqa: E402


def floor(path: Path) -> object:
    with zipfile.ZipFile(path) as z:
        return etree.fromstring(z.read("word/document.xml"))


def python_docx(path: Path) -> object:
    import docx

    document = docx.Document(str(path))
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def docx2python_all(path: Path) -> object:
    from docx2python import docx2python

    with docx2python(str(path)) as extracted:
        return extracted.text


def median_seconds(func: Callable[[Path], object], path: Path, repeat: int) -> float:
    func(path)  # warm-up: imports and caches out of the measurement
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=ROOT / "examples" / "r5_report.docx")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    stages: dict[str, Callable[[Path], object]] = {
        "floor (unzip+lxml)": floor,
        "python-docx cells": python_docx,
        "komae read_report": read_report,
    }
    try:
        import docx2python  # noqa: F401

        stages["docx2python"] = docx2python_all
    except ImportError:
        pass
    results = {name: median_seconds(func, args.file, args.repeat) for name, func in stages.items()}
    base = results["floor (unzip+lxml)"]
    komae = results["komae read_report"]
    print(f"{args.file.name}, median of {args.repeat} runs")
    for name, seconds in results.items():
        print(
            f"  {name:22s} {seconds * 1000:8.1f} ms   {seconds / base:6.2f}× floor   "
            f"komae/this = {komae / seconds:5.2f}"
        )
    ratio = komae / results["python-docx cells"]
    print(f"read_report / python-docx = {ratio:.2f} (target ≤ 0.35, issue 13)")


if __name__ == "__main__":
    main()
