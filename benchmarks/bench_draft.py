"""Time ``komae-docx draft`` against the plain libraries; print ratios, not single times.

Run:  python benchmarks/bench_draft.py [--repeat N] [--scale 50]

  draft    read_report + roll_forward + render (comments, dropdowns) + atomic write: the whole draft
  plain    read_report + a plain docxtpl render of the same template and context + save
           -> ratio draft / plain, target <= 1.3
  large    a synthetic report --scale times larger (every plan's sheets repeated), drafted in a child
           process: time / the example's draft time, target <= 55 (x50), peak RSS target <= 300 MB
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from docxtpl import DocxTemplate  # type: ignore[import-untyped]

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout, not an installed copy

from komae_docx import read_report
from komae_docx.model import Report
from komae_docx.rollover import roll_forward
from komae_docx.writing.writer import DraftOptions, build_context, template_path, write_draft, write_report

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain(example: Path) -> bytes:
    previous = read_report(example)
    context = build_context(roll_forward(previous).report, draft=DraftOptions(previous=previous))
    template = DocxTemplate(str(template_path()))
    template.render(context, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()


def enlarge(report: Report, scale: int) -> Report:
    """The report with every plan's sheets (and their entries) repeated ``scale`` times."""
    big = report.model_copy(deep=True)
    for plan in big.plans:
        count = len(plan.sheets)
        originals = list(plan.sheets)
        for k in range(1, scale):
            for sheet in originals:
                plan.sheets.append(sheet.model_copy(update={"index": sheet.index + k * count}, deep=True))
        for measure in plan.iter_measures():
            for project in measure.projects:
                entries = list(project.entries)
                for k in range(1, scale):
                    project.entries.extend(
                        e.model_copy(update={"sheet": e.sheet + k * count}, deep=True) for e in entries
                    )
    return big


def child_draft(source: Path, target: Path) -> tuple[float, float]:
    """Draft in a fresh process: (seconds, peak RSS in MB)."""
    # VmHWM (this process image's peak RSS); ru_maxrss would carry the parent's peak over fork+exec
    code = (
        "import re,resource,sys,time;from komae_docx.writing.writer import write_draft;"
        "t=time.perf_counter();write_draft(sys.argv[1],sys.argv[2],force=True);s=time.perf_counter()-t;"
        "m=re.search(r'VmHWM:\\s+(\\d+)',open('/proc/self/status').read());"
        "print(s, int(m.group(1)) if m else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(source), str(target)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    seconds, rss_kb = done.stdout.split()
    return float(seconds), int(rss_kb) / 1024


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--scale", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        target = tmp / "draft.docx"
        draft_time = median_time(lambda: write_draft(EXAMPLE, target, force=True), args.repeat)
        plain_time = median_time(lambda: plain(EXAMPLE), args.repeat)
        print(f"draft / (read + plain docxtpl render)   {draft_time / plain_time:5.2f}x   (target <= 1.3)")

        big_source = tmp / "large.docx"
        write_report(enlarge(read_report(EXAMPLE), args.scale), big_source)
        small_time, small_rss = min((child_draft(EXAMPLE, target) for _ in range(3)), key=lambda r: r[0])
        big_time, big_rss = child_draft(big_source, tmp / "large_draft.docx")
        print(
            f"x{args.scale} report / example (draft time)      {big_time / small_time:5.1f}x   "
            f"(target <= 55 for x50)"
        )
        print(
            f"x{args.scale} report peak memory (RSS)        {big_rss:5.0f} MB "
            f"(target <= 300; example {small_rss:.0f} MB)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
