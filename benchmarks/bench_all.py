"""Every ratio of issue 13's table, measured in ONE run on this machine; prints ratios, not times.

Run:  python benchmarks/bench_all.py [--repeat N] [--scale 50] [--only NAME ...]

The machine is shared and noisy, so each ratio is the ratio of two medians over ``--repeat`` runs
taken *interleaved* (a, b, a, b, ...): a burst of load hits both sides alike.  Processes are timed
from spawn to exit; peak memory is the child's own VmHWM (peak RSS).

  help      ``komae-docx --help`` process / ``python -c pass`` process             goal <= 4
  draft     ``komae-docx draft`` process / a process that unzips + parses document.xml  goal <= 4
  read      read_report / python-docx load + every cell's text (in-process)         goal <= 0.35
  large     the example with every progress sheet repeated --scale times (W1's enlarge in
            bench_draft.py): read and draft in child processes, peak RSS <= 200 MB and
            time / the example's <= 55 (x50)
  finalize  api.finalize of a filled draft (pages="fields": no LibreOffice) / api.draft  goal <= 1.5
  page      POST /draft through the page (in-process ASGI client) / api.draft     goal <= 1.5

A path that has not landed prints "not available" with the reason, and the run goes on.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # measure this checkout, not an installed copy
sys.path.insert(0, str(ROOT / "benchmarks"))

from komae_docx import api, read_report  # noqa: E402

EXAMPLE = ROOT / "examples" / "r5_report.docx"
BIN = Path(sys.executable).parent
PEAK_CODE = "m=re.search(r'VmHWM:\\s+(\\d+)',open('/proc/self/status').read());print(int(m.group(1))/1024)"


# --------------------------------------------------------------------------- measuring


def interleaved(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, float]:
    """Median seconds of each run, the runs taken in turn ``repeat`` times after one warm-up each."""
    for run in runs.values():
        run()
    times: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(values) for name, values in times.items()}


def process(argv: Sequence[str | Path]) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run([str(a) for a in argv], check=True, capture_output=True, cwd=ROOT)

    return run


def child(code: str, *args: Path) -> tuple[float, float]:
    """Run ``code`` (which sets ``t``, the seconds of its job) in a fresh process: (seconds, peak MB)."""
    script = f"import re,sys,time\n{code}\nprint(t)\n{PEAK_CODE}"
    done = subprocess.run(
        [sys.executable, "-c", script, *map(str, args)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    seconds, peak = done.stdout.split()[-2:]
    return float(seconds), float(peak)


READ_CODE = (
    "from komae_docx.reading.reader import read_report_result\n"
    "s=time.perf_counter();read_report_result(sys.argv[1]);t=time.perf_counter()-s"
)
DRAFT_CODE = (
    "from komae_docx import api\n"
    "s=time.perf_counter();api.draft(sys.argv[1],sys.argv[2],force=True);t=time.perf_counter()-s"
)


def line(name: str, ratio: float, goal: str, detail: str) -> None:
    print(f"{name:34s} {ratio:7.2f}   goal {goal:8s} {detail}")


def unavailable(name: str, reason: str) -> None:
    print(f"{name:34s} not available ({reason})")


# --------------------------------------------------------------------------- the ratios


def help_ratio(repeat: int) -> None:
    cli = BIN / "komae-docx"
    if not cli.exists():
        unavailable("komae-docx --help / python -c pass", f"{cli} is not installed")
        return
    runs = {"help": process([cli, "--help"]), "pass": process([sys.executable, "-c", "pass"])}
    got = interleaved(runs, repeat)
    line(
        "komae-docx --help / python -c pass",
        got["help"] / got["pass"],
        "<= 4",
        f"({got['help'] * 1000:.0f} / {got['pass'] * 1000:.0f} ms)",
    )


def draft_process_ratio(repeat: int, tmp: Path) -> None:
    cli = BIN / "komae-docx"
    floor = (
        "import sys,zipfile;from lxml import etree;"
        "etree.fromstring(zipfile.ZipFile(sys.argv[1]).read('word/document.xml'))"
    )
    got = interleaved(
        {
            "draft": process([cli, "draft", EXAMPLE, "-o", tmp / "process_draft.docx", "--force", "-q"]),
            "floor": process([sys.executable, "-c", floor, EXAMPLE]),
        },
        repeat,
    )
    line(
        "draft process / unzip+parse process",
        got["draft"] / got["floor"],
        "<= 4",
        f"({got['draft'] * 1000:.0f} / {got['floor'] * 1000:.0f} ms)",
    )


def python_docx_walk(path: Path) -> object:
    import docx

    document = docx.Document(str(path))
    return [cell.text for table in document.tables for row in table.rows for cell in row.cells]


def unzip_parse(path: Path) -> object:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def read_ratio(repeat: int) -> None:
    got = interleaved(
        {
            "komae": lambda: read_report(EXAMPLE),
            "python-docx": lambda: python_docx_walk(EXAMPLE),
            "floor": lambda: unzip_parse(EXAMPLE),
        },
        repeat,
    )
    line(
        "read_report / python-docx walk",
        got["komae"] / got["python-docx"],
        "<= 0.35",
        f"({got['komae'] * 1000:.1f} / {got['python-docx'] * 1000:.1f} ms; "
        f"{got['komae'] / got['floor']:.1f}x the unzip+lxml floor)",
    )


def large_ratios(scale: int, tmp: Path) -> None:
    try:
        from bench_draft import enlarge  # W1's: sheets repeated at XML level
    except ImportError as missing:
        unavailable(f"x{scale} report", f"bench_draft.enlarge: {missing}")
        return
    big = tmp / f"large{scale}.docx"
    enlarge(EXAMPLE, big, scale)
    size = zipfile.ZipFile(big).getinfo("word/document.xml").file_size
    print(
        f"x{scale} report: word/document.xml {size / 2**20:.1f} MB (example's: "
        f"{zipfile.ZipFile(EXAMPLE).getinfo('word/document.xml').file_size / 2**20:.2f} MB)"
    )
    for job, code in (("read", READ_CODE), ("draft", DRAFT_CODE)):
        small = min((child(code, EXAMPLE, tmp / "small_out.docx") for _ in range(3)), key=lambda r: r[0])
        large = child(code, big, tmp / "large_out.docx")
        line(
            f"x{scale} {job}: time / example's",
            large[0] / small[0],
            "<= 55",
            f"({large[0]:.2f} / {small[0]:.3f} s)",
        )
        line(f"x{scale} {job}: peak RSS, MB", large[1], "<= 200", f"(example: {small[1]:.0f} MB)")


def filled_draft(tmp: Path) -> Path | None:
    """Next year's draft filled with last year's texts and results, as the departments return it."""
    try:
        from tests.filler import fill_draft, last_years_fill
    except ImportError:
        return None
    draft = api.draft(EXAMPLE, tmp / "to_fill.docx", force=True).value.path
    fill = last_years_fill(read_report(EXAMPLE), read_report(draft), number="2025-001")
    return fill_draft(draft, tmp / "filled.docx", fill)


def finalize_ratio(repeat: int, tmp: Path) -> None:
    name = "finalize (no LibreOffice) / draft"
    if not hasattr(api, "finalize"):
        unavailable(name, "api.finalize has not landed")
        return
    filled = filled_draft(tmp)
    if filled is None:
        unavailable(name, "tests/filler.py has not landed")
        return
    finalize: Callable[..., Any] = api.finalize
    got = interleaved(
        {
            "finalize": lambda: finalize(filled, tmp / "final.docx", pages="fields", force=True),
            "draft": lambda: api.draft(EXAMPLE, tmp / "api_draft.docx", force=True),
        },
        repeat,
    )
    line(name, got["finalize"] / got["draft"], "<= 1.5", f"({got['finalize']:.2f} / {got['draft']:.2f} s)")


def page_ratio(repeat: int, tmp: Path) -> None:
    name = "page upload -> draft / api.draft"
    try:
        from starlette.testclient import TestClient

        from komae_docx.frontends.web import create_app
    except ImportError as missing:
        unavailable(name, str(missing))
        return
    data = EXAMPLE.read_bytes()
    docx_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    (tmp / "page").mkdir(exist_ok=True)
    with TestClient(create_app(tmp / "page"), base_url="http://127.0.0.1") as client:
        token = client.app.state.csrf_token  # type: ignore[attr-defined]

        def upload() -> object:
            response = client.post(
                "/draft", data={"csrf_token": token}, files={"file": (EXAMPLE.name, data, docx_type)}
            )
            assert response.status_code == 200, response.status_code
            return response

        got = interleaved(
            {"page": upload, "api": lambda: api.draft(EXAMPLE, tmp / "page_api.docx", force=True)}, repeat
        )
    line(name, got["page"] / got["api"], "<= 1.5", f"({got['page']:.2f} / {got['api']:.2f} s)")


RATIOS = ("help", "draft", "read", "large", "finalize", "page")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--only", nargs="*", choices=RATIOS, default=list(RATIOS))
    args = parser.parse_args()
    print(f"issue 13 ratios, medians of {args.repeat} interleaved runs each ({sys.version.split()[0]})")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        steps: dict[str, Callable[[], None]] = {
            "help": lambda: help_ratio(args.repeat),
            "draft": lambda: draft_process_ratio(args.repeat, tmp),
            "read": lambda: read_ratio(args.repeat * 2),
            "large": lambda: large_ratios(args.scale, tmp),
            "finalize": lambda: finalize_ratio(max(3, args.repeat // 3), tmp),
            "page": lambda: page_ratio(max(3, args.repeat // 3), tmp),
        }
        for name in args.only:
            try:
                steps[name]()
            except Exception as failed:  # one broken path must not hide the other ratios
                unavailable(name, f"{type(failed).__name__}: {failed}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
