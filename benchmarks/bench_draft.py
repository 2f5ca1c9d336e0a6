"""Time ``komae-docx draft`` against the plain libraries; print ratios, not single times.

Run:  python benchmarks/bench_draft.py [--repeat N] [--scale 50]

  draft    api.draft: read + roll forward + derive the template from the city's file + render
           (comments, controls) + atomic write: the whole draft
  plain    read_report + a plain docxtpl render (``DocxTemplate.render`` + ``save``) of the same
           derived template with the same context
           -> ratio draft / plain, target <= 1.3
  large    the example with every progress sheet repeated --scale times (at XML level, as staff
           would add sheets), drafted in a child process: time / the example's draft time,
           target <= 55 (x50), peak RSS target <= 300 MB
"""

from __future__ import annotations

import argparse
import copy
import io
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # measure this checkout, not an installed copy

from komae_docx import api, read_report
from komae_docx.rollover import roll_forward
from komae_docx.writing.context import DraftOptions, build_context
from komae_docx.writing.derive import derive_template

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def median_time(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def plain(example: Path, template: bytes) -> bytes:
    """read + docxtpl's own render of the derived template with the draft's context."""
    previous = read_report(example)
    context = build_context(roll_forward(previous).report, draft=DraftOptions(previous=previous))
    document = DocxTemplate(io.BytesIO(template))
    document.render(context, autoescape=True)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def enlarge(source: Path, target: Path, scale: int) -> None:
    """``source`` with each progress sheet (a table and the paragraphs up to the next table) repeated."""
    report = read_report(source)
    ordinals = {s.anchor.table for p in report.plans for s in p.sheets if s.anchor is not None}
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                tables = list(root.find(f"{W}body").iterchildren(f"{W}tbl"))
                for ordinal in sorted(ordinals):
                    block = [tables[ordinal]]
                    el = tables[ordinal].getnext()
                    while el is not None and el.tag == f"{W}p" and el.find(f".//{W}sectPr") is None:
                        block.append(el)
                        el = el.getnext()
                    anchor = block[-1]
                    for _ in range(scale - 1):
                        for original in block:
                            clone = copy.deepcopy(original)
                            anchor.addnext(clone)
                            anchor = clone
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)


def child_draft(source: Path, target: Path) -> tuple[float, float]:
    """Draft in a fresh process: (seconds, peak RSS in MB)."""
    # VmHWM (this process image's peak RSS); ru_maxrss would carry the parent's peak over fork+exec
    code = (
        "import re,resource,sys,time;from komae_docx.api import draft;"
        "t=time.perf_counter();draft(sys.argv[1],sys.argv[2],force=True);s=time.perf_counter()-t;"
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
        template = derive_template(EXAMPLE, read_report(EXAMPLE)).data
        draft_time = median_time(lambda: api.draft(EXAMPLE, target, force=True), args.repeat)
        plain_time = median_time(lambda: plain(EXAMPLE, template), args.repeat)
        print(
            f"draft (derive + render) / (read + plain docxtpl render)   {draft_time / plain_time:5.2f}x"
            f"   (target <= 1.3; {draft_time:.2f} s / {plain_time:.2f} s, median of {args.repeat})"
        )
        if args.scale <= 1:
            return 0
        big_source = tmp / "large.docx"
        enlarge(EXAMPLE, big_source, args.scale)
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
