"""Time ``compare --json`` against reading both files with ``api.read``, in one process.

Run:  python benchmarks/bench_compare.py LAST.docx THIS.docx [--repeat N]

Both stages are timed as the median of N runs (after a warm-up) in this one process, interleaved,
so that the noise of the shared machine falls on both alike:
  read     api.read(LAST) + api.read(THIS)
  compare  the command ``komae-docx compare LAST THIS --json`` (cli.main, stdout captured)
The issue's bound: compare / read <= 1.3.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy

from komae_docx import api  # noqa: E402
from komae_docx.frontends.cli import main  # noqa: E402

BOUND = 1.3


def read_both(last: Path, this: Path) -> None:
    api.read(last)
    api.read(this)


def compare_json(last: Path, this: Path) -> None:
    with contextlib.redirect_stdout(io.StringIO()):
        code = main(["compare", str(last), str(this), "--json"])
    assert code == 0


def measure(last: Path, this: Path, repeat: int) -> tuple[float, float]:
    read_both(last, this)
    compare_json(last, this)
    reads: list[float] = []
    compares: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        read_both(last, this)
        reads.append(time.perf_counter() - start)
        start = time.perf_counter()
        compare_json(last, this)
        compares.append(time.perf_counter() - start)
    return statistics.median(reads), statistics.median(compares)


def main_bench() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("last", type=Path)
    parser.add_argument("this", type=Path)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    read, compare = measure(args.last, args.this, args.repeat)
    ratio = compare / read
    print(f"read both (api.read x2)  median {read * 1000:.0f} ms")
    print(f"compare --json           median {compare * 1000:.0f} ms")
    print(f"ratio compare/read       {ratio:.2f}  (bound {BOUND})")
    return 0 if ratio <= BOUND else 1


if __name__ == "__main__":
    sys.exit(main_bench())
