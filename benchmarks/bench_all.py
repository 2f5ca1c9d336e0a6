"""Every figure of issue 23's Goals table, measured in ONE run on this machine, as ratios against
plain-library floors (and issue 13's older ratios on request).

Run:  python benchmarks/bench_all.py [--repeat N] [--scale 50] [--only NAME ...]

The machine is shared and noisy, so each ratio is the ratio of two medians over ``--repeat`` runs
taken *interleaved* (a, b, a, b, ...): a burst of load hits both sides alike.  Processes are timed
from spawn to exit; peak memory is the child's own VmHWM (peak RSS).

Issue 23 (the default set):

  draft           ``komae-docx draft`` process / a process that unzips + parses document.xml  goal <= 3
  finalize-process ``komae-docx finalize --pages fields`` process (a filled draft) / the same floor
                  goal <= 3
  large           the 50x report (bench_draft.py's ``enlarge``, kept as it is): ``api.draft`` in a child
                  process against a child that unzips + parses its document.xml and holds the tree:
                  peak RSS / the floor's  goal <= 1.3;  time / the floor's  goal <= 3 (medians)
  merge-large     ``komae-docx merge`` of the draft and one copy whose document.xml is 95 MB of small
                  paragraphs (within the input gate): peak RSS <= 500 MB, exit code (refused or merged,
                  never a crash)
  read            read_report / python-docx load + every cell's text (in-process)  goal <= 0.30
  counts          input opens / document.xml parses of draft (goal 1 / 1) and finalize (1 / <= 2), opens
                  of each copy by merge (goal 1): ``open`` audit events of the file, and lxml parses of a
                  body (``lxml.etree.fromstring`` / ``XML`` / ``parse``)
  plumbing        modules of komae_docx importing zipfile / spelling the package namespaces  goal 1 / 1

Issue 13 (``--only help finalize page``):

  help      ``komae-docx --help`` process / ``python -c pass`` process             goal <= 4
  finalize  api.finalize of a filled draft (pages="fields": no LibreOffice) / api.draft  goal <= 1.5
  page      POST /draft through the page (in-process ASGI client) / api.draft     goal <= 1.5

A path that has not landed prints "not available" with the reason, and the run goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
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


FLOOR = (
    "import sys,zipfile;from lxml import etree;"
    "etree.fromstring(zipfile.ZipFile(sys.argv[1]).read('word/document.xml'))"
)
"""The plain-library floor: a process that unzips a .docx and parses its document.xml."""


def draft_process_ratio(repeat: int, tmp: Path) -> None:
    cli = BIN / "komae-docx"
    floor = FLOOR
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
        "<= 3",
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
        "<= 0.30",
        f"({got['komae'] * 1000:.1f} / {got['python-docx'] * 1000:.1f} ms; "
        f"{got['komae'] / got['floor']:.1f}x the unzip+lxml floor)",
    )


def large_ratios(scale: int, repeat: int, tmp: Path) -> None:
    """The 50x report: draft (and read) in child processes against a child holding the parsed tree."""
    try:
        from bench_draft import enlarge  # sheets repeated at XML level; other checks build it too
    except ImportError as missing:
        unavailable(f"x{scale} report", f"bench_draft.enlarge: {missing}")
        return
    big = tmp / f"large{scale}.docx"
    enlarge(EXAMPLE, big, scale)
    size = zipfile.ZipFile(big).getinfo("word/document.xml").file_size
    print(f"x{scale} report: word/document.xml {size / 2**20:.1f} MB; medians of {repeat} runs, interleaved")
    runs: dict[str, list[tuple[float, float]]] = {"floor": [], "draft": [], "read": []}
    for _ in range(repeat):
        runs["floor"].append(child(TREE_CODE, big))
        runs["draft"].append(child(DRAFT_CODE, big, tmp / "large_out.docx"))
        runs["read"].append(child(READ_CODE, big))
    floor_s = statistics.median(t for t, _ in runs["floor"])
    floor_mb = statistics.median(m for _, m in runs["floor"])
    for job in ("draft", "read"):
        seconds = statistics.median(t for t, _ in runs[job])
        peak = statistics.median(m for _, m in runs[job])
        goals = ("<= 1.3", "<= 3") if job == "draft" else ("-", "-")
        mb = f"({peak:.0f} / {floor_mb:.0f} MB)"
        line(f"x{scale} {job}: peak RSS / one parsed tree", peak / floor_mb, goals[0], mb)
        times = f"({seconds:.2f} / {floor_s:.2f} s)"
        line(f"x{scale} {job}: time / its floor", seconds / floor_s, goals[1], times)


TREE_CODE = (
    "import zipfile\nfrom lxml import etree\n"
    "s=time.perf_counter();tree=etree.fromstring(zipfile.ZipFile(sys.argv[1]).read('word/document.xml'))\n"
    "t=time.perf_counter()-s"
)
"""The floor of the 50x report: unzip and parse its document.xml, and hold the tree."""


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


def finalize_process_ratio(repeat: int, tmp: Path) -> None:
    name = "finalize --pages fields process / floor"
    filled = filled_draft(tmp)
    if filled is None:
        unavailable(name, "tests/filler.py has not landed")
        return
    cli = BIN / "komae-docx"
    final = tmp / "process_final.docx"
    got = interleaved(
        {
            "finalize": process([cli, "finalize", filled, "-o", final, "--pages", "fields", "--force", "-q"]),
            "floor": process([sys.executable, "-c", FLOOR, EXAMPLE]),
            "filled floor": process([sys.executable, "-c", FLOOR, filled]),
        },
        repeat,
    )
    line(
        name,
        got["finalize"] / got["floor"],
        "<= 3",
        f"({got['finalize'] * 1000:.0f} / {got['floor'] * 1000:.0f} ms; "
        f"{got['finalize'] / got['filled floor']:.2f}x the floor of the filled draft itself)",
    )


PARAGRAPH = "<w:p><w:r><w:t>{}</w:t></w:r></w:p>"


def bloated_copy(copy: Path, target: Path, megabytes: int) -> Path:
    """``copy`` with ``megabytes`` MB of small paragraphs (random text, so that the zip stays within
    the input gate's compression ratio) added before the body's section properties."""
    rng = random.Random(23)
    with zipfile.ZipFile(copy) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                at = data.rindex(b"<w:sectPr")
                need = megabytes * 2**20 - len(data)
                # 20,000 paragraphs of random text repeated: deflate's 32 KB window never sees a repeat
                chunk = "".join(PARAGRAPH.format(f"{rng.getrandbits(40):010x}") for _ in range(20000))
                blob = (chunk.encode() * (need // len(chunk) + 1))[:need]
                blob = blob[: blob.rindex(b"</w:p>") + len(b"</w:p>")]
                data = data[:at] + blob + data[at:]
            zout.writestr(item, data)
    return target


MERGE_CODE = (
    "from komae_docx.frontends.cli import main\n"
    "s=time.perf_counter()\n"
    "try:\n    code=main(sys.argv[1:])\nexcept SystemExit as e:\n    code=e.code\n"
    "except BaseException as e:\n    code=f'{type(e).__name__}'\n"
    "t=time.perf_counter()-s\nprint(code)"
)


def merge_large(tmp: Path, megabytes: int = 95) -> None:
    """``komae-docx merge`` of the draft and one copy with a 95 MB document.xml, in a child process."""
    name = f"merge, a copy with a {megabytes} MB document.xml"
    draft = api.draft(EXAMPLE, tmp / "merge_draft.docx", force=True).value.path
    copies = api.split(draft, tmp / "merge_copies", force=True).value.copies
    big = bloated_copy(copies[0].path, tmp / f"big_{copies[0].path.name}", megabytes)
    with zipfile.ZipFile(big) as archive:
        info = archive.getinfo("word/document.xml")
    script = f"import re,sys,time\n{MERGE_CODE}\nprint(t)\n{PEAK_CODE}"
    argv = ["merge", str(draft), str(big), "-o", str(tmp / "merged_big.docx"), "--force", "-q"]
    done = subprocess.run(
        [sys.executable, "-c", script, *argv], capture_output=True, text=True, check=False, cwd=ROOT
    )
    lines = done.stdout.split()
    if done.returncode != 0 or len(lines) < 3:
        died = f"(the process died: exit {done.returncode}; {done.stderr[-300:]})"
        line(name, float("nan"), "<= 500 MB", died)
        return
    code, seconds, peak = lines[-3], float(lines[-2]), float(lines[-1])
    said = " ".join(done.stderr.split())[:160]
    line(
        f"{name}: peak RSS, MB",
        peak,
        "<= 500",
        f"(exit code {code} after {seconds:.1f} s; copy {info.file_size / 2**20:.0f} MB unzipped, "
        f"{big.stat().st_size / 2**20:.0f} MB zipped; said: {said or '-'})",
    )


COUNT_CODE = """
import json, sys
import lxml.etree as etree
watched = [str(__import__('pathlib').Path(p).resolve()) for p in sys.argv[2:]]
opens = {p: 0 for p in watched}
parses = [0]
def audit(event, args):
    if event == 'open' and args and isinstance(args[0], (str, bytes)):
        path = args[0].decode() if isinstance(args[0], bytes) else args[0]
        if path in opens:
            opens[path] += 1
sys.addaudithook(audit)
def is_body(data):
    if isinstance(data, str):
        data = data.encode('utf-8', 'replace')
    return isinstance(data, (bytes, bytearray)) and b'<w:body' in data[:4096] + data[-200000:]
def counting(original):
    def wrapper(data, *args, **kwargs):
        if is_body(data):
            parses[0] += 1
        return original(data, *args, **kwargs)
    return wrapper
etree.fromstring = counting(etree.fromstring)
etree.XML = counting(etree.XML)
_parse = etree.parse
def parse(source, *args, **kwargs):
    data = None
    if hasattr(source, 'getvalue'):
        data = source.getvalue()
    elif hasattr(source, 'peek'):
        data = source.peek(4096)
    if data is not None and is_body(data):
        parses[0] += 1
    return _parse(source, *args, **kwargs)
etree.parse = parse
from komae_docx import api
job = sys.argv[1]
if job == 'draft':
    api.draft(sys.argv[2], sys.argv[3], force=True)
elif job == 'finalize':
    api.finalize(sys.argv[2], sys.argv[3], pages='fields', force=True)
else:
    api.merge(sys.argv[2], sys.argv[4:], sys.argv[3], force=True)
print(json.dumps({'opens': [opens[p] for p in watched], 'parses': parses[0]}))
"""


def counted(job: str, *paths: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-c", COUNT_CODE, job, *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    result: dict[str, Any] = json.loads(done.stdout.splitlines()[-1])
    return result


def count_opens_and_parses(tmp: Path) -> None:
    """How often each job opens its input and parses a document body (the counts of issue 23)."""
    got = counted("draft", EXAMPLE, tmp / "count_draft.docx")
    print(f"{'draft: input opens / parses':34s} {got['opens'][0]} / {got['parses']}   goal 1 / 1")
    filled = filled_draft(tmp)
    if filled is not None:
        got = counted("finalize", filled, tmp / "count_final.docx")
        counts = f"{got['opens'][0]} / {got['parses']}"
        print(f"{'finalize: input opens / parses':34s} {counts}   goal 1 / <= 2")
    draft = api.draft(EXAMPLE, tmp / "count_merge_draft.docx", force=True).value.path
    copies = [c.path for c in api.split(draft, tmp / "count_copies", force=True).value.copies]
    got = counted("merge", draft, tmp / "count_merged.docx", *copies)
    per_copy = got["opens"][2:]
    print(
        f"{'merge: opens of each copy':34s} {max(per_copy)}   goal 1   "
        f"(draft opened {got['opens'][0]}x; {len(per_copy)} copies; {got['parses']} body parses in all)"
    )


PACKAGE_NAMESPACES = re.compile(r"schemas\.openxmlformats\.org/package/2006/")
IMPORTS_ZIPFILE = re.compile(r"^\s*(import zipfile|from zipfile import)", re.MULTILINE)


def plumbing() -> None:
    """Modules of komae_docx that import zipfile / spell the package namespaces (grep)."""
    package = ROOT / "komae_docx"
    zips, names = [], []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        module = path.relative_to(package).as_posix()
        if IMPORTS_ZIPFILE.search(text):
            zips.append(module)
        if PACKAGE_NAMESPACES.search(text):
            names.append(module)
    print(f"{'modules importing zipfile':34s} {len(zips):4d}      goal 1        ({', '.join(zips)})")
    print(f"{'modules spelling package ns':34s} {len(names):4d}      goal 1        ({', '.join(names)})")


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


ISSUE_23 = ("draft", "finalize-process", "large", "merge-large", "read", "counts", "plumbing")
ISSUE_13 = ("help", "finalize", "page")
RATIOS = ISSUE_23 + ISSUE_13


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--scale", type=int, default=50)
    parser.add_argument("--only", nargs="*", choices=RATIOS, default=list(ISSUE_23))
    args = parser.parse_args()
    print(
        f"issue 23 goals, medians of {args.repeat} interleaved runs each ({sys.version.split()[0]}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})"
    )
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        steps: dict[str, Callable[[], None]] = {
            "draft": lambda: draft_process_ratio(args.repeat, tmp),
            "finalize-process": lambda: finalize_process_ratio(args.repeat, tmp),
            "large": lambda: large_ratios(args.scale, max(3, args.repeat // 5), tmp),
            "merge-large": lambda: merge_large(tmp),
            "read": lambda: read_ratio(args.repeat * 2),
            "counts": lambda: count_opens_and_parses(tmp),
            "plumbing": plumbing,
            "help": lambda: help_ratio(args.repeat),
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
