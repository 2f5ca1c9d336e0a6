"""Fuzz harness: every path that takes outside input, fed mutated files.

Families of cases (by case number, see :func:`family`):

* city      the example mutated at zip and XML level: parse, check, draft and make-template;
* filled    next year's draft filled in (tests/filler.py), then mutated — odd "k/n" results,
            controls removed, duplicated or nested, text in grade cells — through finalize
            (no LibreOffice) and status;
* results   results files (YAML / JSON: odd ids and values, aliases, deep nesting, encodings)
            through grade;
* page      mutated city files and filled drafts uploaded to the local page's screens.

Only komae-docx's own exceptions (``KomaeDocxError``) may escape (the page: no 500 answer); no
case may take over 5 s of CPU (wall time depends on the machine's load and is only reported); the
process's peak memory must stay under 500 MB.  Every case is reproducible from its number.

Short run (CI):   python -m pytest tests/test_fuzz.py
Long run:         python -m tests.fuzzing --cases 100000 --workers 2
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import itertools
import json
import os
import random
import resource
import sys
import tempfile
import time
import traceback
import zipfile
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from copy import deepcopy
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from komae_docx import KomaeDocxError, Report, read_report_result

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
CASE_SECONDS = 5.0
DRAFT_EVERY = int(os.environ.get("KOMAE_FUZZ_DRAFT_EVERY", "1"))
"""Draft only every N-th case (default: every case); the 100,000-case run used 10 to fit in an hour."""
PEAK_MB = 500

_EXAMPLE_BYTES = EXAMPLE.read_bytes()
with zipfile.ZipFile(io.BytesIO(_EXAMPLE_BYTES)) as _z:
    _PARTS = {info.filename: _z.read(info.filename) for info in _z.infolist()}
_DOCUMENT = _PARTS["word/document.xml"]


# --------------------------------------------------------------------------- zip-level mutations


def zip_bytes(parts: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, data in parts.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 9, 1, 0, 0, 0))
            z.writestr(info, data, zipfile.ZIP_DEFLATED, compresslevel=1)
    return buffer.getvalue()


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randrange(len(data))]


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        out[rng.randrange(len(out))] = rng.randrange(256)
    return bytes(out)


def lose_entry(rng: random.Random, data: bytes) -> bytes:
    parts = dict(_PARTS)
    del parts[rng.choice(sorted(parts))]
    return zip_bytes(parts)


def garble_entry(rng: random.Random, data: bytes) -> bytes:
    parts = dict(_PARTS)
    name = rng.choice(sorted(parts))
    parts[name] = flip_bytes(rng, parts[name]) if parts[name] else b"\x00"
    return zip_bytes(parts)


ZIP_MUTATIONS: list[Callable[[random.Random, bytes], bytes]] = [
    truncate,
    flip_bytes,
    lose_entry,
    garble_entry,
]


# --------------------------------------------------------------------------- XML-level mutations


def _elements(root: etree._Element, tag: str | None = None) -> list[etree._Element]:
    return [el for el in root.iter(tag) if isinstance(el.tag, str) and el.getparent() is not None]


class NothingToMutate(Exception):
    """An earlier mutation removed what this one works on; the case goes on with the others."""


def _pick(rng: random.Random, items: list[etree._Element]) -> etree._Element:
    if not items:
        raise NothingToMutate
    return rng.choice(items)


def delete_element(rng: random.Random, root: etree._Element) -> None:
    el = _pick(rng, _elements(root))
    el.getparent().remove(el)  # type: ignore[union-attr]


def duplicate_element(rng: random.Random, root: etree._Element) -> None:
    el = _pick(
        rng, _elements(root, rng.choice([f"{W}tr", f"{W}tc", f"{W}p", f"{W}tbl", None])) or _elements(root)
    )
    el.addnext(deepcopy(el))


def reorder_children(rng: random.Random, root: etree._Element) -> None:
    parents = [el for el in _elements(root) if len(el) > 1]
    parent = _pick(rng, parents)
    children = list(parent)
    rng.shuffle(children)
    for child in children:
        parent.append(child)


_RANDOM_VALUES = [
    "0",
    "-1",
    "1",
    "2",
    "999",
    "99999999999",
    "",
    "restart",
    "continue",
    "x",
    "page",
    "①",
    "true",
]


def random_attribute(rng: random.Random, root: etree._Element) -> None:
    el = _pick(rng, [el for el in _elements(root) if el.attrib] or _elements(root))
    name = rng.choice(list(el.attrib)) if el.attrib else f"{W}val"
    el.set(name, rng.choice(_RANDOM_VALUES))


def vmerge_without_restart(rng: random.Random, root: etree._Element) -> None:
    restarts = [v for v in _elements(root, f"{W}vMerge") if v.get(f"{W}val") == "restart"]
    if restarts:
        _pick(rng, restarts).attrib.pop(f"{W}val")
    first_cells = [tr.find(f"{W}tc") for tr in _elements(root, f"{W}tr")]
    cell = _pick(rng, [c for c in first_cells if c is not None])
    tcpr = cell.find(f"{W}tcPr")
    if tcpr is None:
        tcpr = etree.SubElement(cell, f"{W}tcPr")
        cell.insert(0, tcpr)
    etree.SubElement(tcpr, f"{W}vMerge")


def grid_span_beyond_grid(rng: random.Random, root: etree._Element) -> None:
    cell = _pick(rng, _elements(root, f"{W}tc"))
    tcpr = cell.find(f"{W}tcPr")
    if tcpr is None:
        tcpr = etree.Element(f"{W}tcPr")
        cell.insert(0, tcpr)
    span = tcpr.find(f"{W}gridSpan")
    if span is None:
        span = etree.SubElement(tcpr, f"{W}gridSpan")
    span.set(f"{W}val", rng.choice(["11", "40", "1000", "2147483647"]))


def sheet_without_header(rng: random.Random, root: etree._Element) -> None:
    tables = [t for t in _elements(root, f"{W}tbl") if len(t.findall(f"{W}tr")) > 2]
    table = _pick(rng, tables)
    for tr in table.findall(f"{W}tr")[: rng.randint(1, 2)]:
        table.remove(tr)


_TEXTS = [
    "",
    "A",
    "B(再掲)",
    "Ｚ",
    "①",
    "(1)",
    "第1章",
    "第2章",
    "刊行物番号",
    "目次",
    "評価総括表",
    "&<>",
    "{{ x }}",
    "令和元年度",
    "平成99年度",
    "—",
    "合 計",
    "1 地域福祉計画",
    "\t",
    "基本目標",
    "Do",
    "Act",
]


def random_text(rng: random.Random, root: etree._Element) -> None:
    t = _pick(rng, _elements(root, f"{W}t"))
    t.text = rng.choice(_TEXTS) if rng.random() < 0.7 else (t.text or "") * rng.randint(0, 3)


XML_MUTATIONS: list[Callable[[random.Random, etree._Element], None]] = [
    delete_element,
    duplicate_element,
    reorder_children,
    random_attribute,
    vmerge_without_restart,
    grid_span_beyond_grid,
    sheet_without_header,
    random_text,
]


def mutate_xml(rng: random.Random) -> bytes:
    root = etree.fromstring(_DOCUMENT)
    for _ in range(rng.randint(1, 3)):
        with contextlib.suppress(NothingToMutate):
            rng.choice(XML_MUTATIONS)(rng, root)
    parts = dict(_PARTS)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return zip_bytes(parts)


def case_bytes(case: int) -> tuple[str, bytes]:
    """The mutated file of case ``case``: a third zip-level, two thirds XML-level."""
    rng = random.Random(case)
    if rng.random() < 1 / 3:
        mutation = rng.choice(ZIP_MUTATIONS)
        return mutation.__name__, mutation(rng, _EXAMPLE_BYTES)
    return "xml", mutate_xml(rng)


# --------------------------------------------------------------------------- filled drafts (finalize)

RESULT_TAG = "komae-docx:result"
_ODD_RESULTS = [
    "3/4", "0/0", "5/3", "-1/2", "1/0", "k/n", "１／２", "2/3/4", "99999999999999999999/1", "1 / 2",
    "½", "②/③", "nan/1", "1e9/2", "/", "3/", "/4", "達成", "未達成", "未評価", "", "達成/未達成",
    "0/99999999999999999999", "A", "{{ x }}", "\t", "１０／１０",
]  # fmt: skip
_GRADE_TEXTS = ["A", "B(再掲)", "Ｃ", "Z", "3/4", "評価", "(再掲)", "D D", "—", "A\nB"]


@functools.cache
def _filled_parts() -> dict[str, bytes]:
    """Next year's draft of the example filled in with last year's texts and results (tests/filler.py),
    as the departments return it: the base every finalize case mutates.  Built once per process."""
    from komae_docx import api

    from .filler import fill_draft, last_years_fill

    with tempfile.TemporaryDirectory(prefix="komae-fuzz-base-") as tmp:
        draft = api.draft(EXAMPLE, Path(tmp) / "draft.docx").value.path
        previous, drafted = read_report_result(EXAMPLE).value, read_report_result(draft).value
        filled = fill_draft(draft, Path(tmp) / "filled.docx", last_years_fill(previous, drafted))
        with zipfile.ZipFile(filled) as z:
            return {info.filename: z.read(info.filename) for info in z.infolist()}


def _result_controls(root: etree._Element) -> list[etree._Element]:
    return [
        sdt
        for sdt in _elements(root, f"{W}sdt")
        if any(tag.get(f"{W}val") == RESULT_TAG for tag in sdt.iterfind(f"{W}sdtPr/{W}tag"))
    ]


def odd_result(rng: random.Random, root: etree._Element) -> None:
    """A result typed as anything: k/n with odd numbers, full-width, words, nothing."""
    content = _pick(rng, _result_controls(root)).find(f"{W}sdtContent")
    texts = content.findall(f".//{W}t") if content is not None else []
    if texts:
        texts[0].text = rng.choice(_ODD_RESULTS)
        for extra in texts[1:]:
            extra.text = ""


def remove_control(rng: random.Random, root: etree._Element) -> None:
    """A control deleted, or unwrapped (its content kept) as Word's 'Remove content control' does."""
    sdt = _pick(rng, _result_controls(root) or _elements(root, f"{W}sdt"))
    parent = sdt.getparent()
    assert parent is not None
    content = sdt.find(f"{W}sdtContent")
    if content is not None and rng.random() < 0.5:
        for child in list(content):
            sdt.addprevious(child)
    parent.remove(sdt)


def duplicate_control(rng: random.Random, root: etree._Element) -> None:
    sdt = _pick(rng, _result_controls(root) or _elements(root, f"{W}sdt"))
    sdt.addnext(deepcopy(sdt))


def nest_control(rng: random.Random, root: etree._Element) -> None:
    """A control pasted inside another one's content."""
    controls = _result_controls(root)
    outer, inner = _pick(rng, controls), _pick(rng, controls)
    content = outer.find(f"{W}sdtContent")
    if content is None:
        raise NothingToMutate
    content.append(deepcopy(inner))


def text_in_grade_cell(rng: random.Random, root: etree._Element) -> None:
    """Text typed beside a result control, or into the cell the measure's grade goes in."""
    sdt = _pick(rng, _result_controls(root))
    run = etree.Element(f"{W}r")
    etree.SubElement(run, f"{W}t").text = rng.choice(_GRADE_TEXTS)
    if rng.random() < 0.5:
        sdt.addnext(run)
        return
    rows = [tr for tr in _elements(root, f"{W}tr") if tr.find(f".//{W}sdt") is None]
    cells = _pick(rng, rows).findall(f"{W}tc")
    paragraph = _pick(rng, cells).find(f"{W}p")
    if paragraph is None:
        raise NothingToMutate
    paragraph.append(run)


FILLED_MUTATIONS: list[Callable[[random.Random, etree._Element], None]] = [
    odd_result,
    odd_result,
    remove_control,
    duplicate_control,
    nest_control,
    text_in_grade_cell,
    delete_element,
    duplicate_element,
    random_attribute,
    random_text,
]


def filled_case_bytes(case: int) -> bytes:
    """A filled draft with 1–3 of the mutations above (reproducible from ``case``)."""
    rng = random.Random(case)
    parts = dict(_filled_parts())
    root = etree.fromstring(parts["word/document.xml"])
    for _ in range(rng.randint(1, 3)):
        with contextlib.suppress(NothingToMutate):
            rng.choice(FILLED_MUTATIONS)(rng, root)
    parts["word/document.xml"] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return zip_bytes(parts)


def run_filled_case(case: int, workdir: Path) -> str:
    """finalize (no LibreOffice) of a mutated filled draft, and its status."""
    from komae_docx import api

    src = workdir / f"case{case}.docx"
    src.write_bytes(filled_case_bytes(case))
    allow_incomplete = case % 2 == 0
    try:
        made = api.finalize(
            src, workdir / f"case{case}.out.docx", pages="fields", allow_incomplete=allow_incomplete
        )
        api.status(src)
    except KomaeDocxError as error:
        return f"filled: refused {type(error).__name__}"
    return "filled: finalized" if made.value.path is not None else "filled: incomplete, nothing written"


# --------------------------------------------------------------------------- results files (grade)

_PROJECT_IDS = ["p1-1-1-1-a", "p2-5-(6)ア", "p1-9-9-9-z", "", " ", "p1-1-1-1-a#2", "ID", "0", "null", "~"]
_RESULT_VALUES = [
    "達成", "未達成", "未評価", "3/4", "0/0", "1/0", "k/n", "", "null", "~", "true", "1", "-1", "1e400",
    "[]", "{}", "!!python/object/apply:os.system ['true']", "*a", "&a 1", "'", '"', "\t", "達成\n未達成",
]  # fmt: skip


def results_case(case: int) -> tuple[str, bytes]:
    """A results file (suffix, bytes): valid ids and odd values, odd structure, odd encodings."""
    rng = random.Random(case)
    lines = [f"{rng.choice(_PROJECT_IDS)}: {rng.choice(_RESULT_VALUES)}" for _ in range(rng.randint(0, 12))]
    shape = rng.randrange(8)
    if shape == 0:  # YAML aliases nested twenty deep: 10**20 values once expanded ("billion laughs")
        names = [f"k{level}" for level in range(20)]
        lines = [f"{names[0]}: &{names[0]} [x, x, x, x, x, x, x, x, x, x]"] + [
            f"{name}: &{name} [{', '.join([f'*{previous}'] * 10)}]"
            for previous, name in itertools.pairwise(names)
        ]
    elif shape == 1:
        lines = ["[" * rng.randint(1, 5000)]
    elif shape == 2:
        return ".json", json.dumps(
            {rng.choice(_PROJECT_IDS): rng.choice(_RESULT_VALUES) for _ in range(5)}
        ).encode()
    elif shape == 3:
        return ".json", rng.choice(
            [b"", b"[]", b"null", b"{", b'{"a": 1e99999}', b"\xff\xfe{", b'{"a":' * 3000]
        )
    elif shape == 4:
        return rng.choice([".yaml", ".yml"]), bytes(rng.randrange(256) for _ in range(rng.randint(0, 200)))
    text = "\n".join(lines)
    encoding = rng.choice(["utf-8", "utf-8-sig", "cp932", "utf-16"])
    return rng.choice([".yaml", ".yml", ".txt"]), text.encode(encoding, "replace")


@functools.cache
def _example_read() -> object:
    return read_report_result(EXAMPLE)


def run_results_case(case: int, workdir: Path) -> str:
    from komae_docx import api

    suffix, data = results_case(case)
    src = workdir / f"case{case}{suffix}"
    src.write_bytes(data)
    try:
        api.grade(_example_read(), src)  # type: ignore[arg-type]
    except KomaeDocxError as error:
        return f"results: refused {type(error).__name__}"
    return "results: graded"


# --------------------------------------------------------------------------- uploads through the page


class PageFailure(Exception):
    """The page answered 500 (an unexpected error) or something other than a page or a refusal."""


def run_page_case(case: int, client: object) -> str:
    """A mutated city file or filled draft uploaded to one of the page's screens."""
    rng = random.Random(case)
    screen = rng.choice(["/draft", "/status", "/finalize"])
    data = filled_case_bytes(case) if screen == "/finalize" and rng.random() < 0.7 else case_bytes(case)[1]
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    response = client.post(  # type: ignore[attr-defined]
        screen,
        data={"csrf_token": token},
        files={"file": (f"case{case}.docx", data, "application/octet-stream")},
    )
    if response.status_code not in (200, 400, 413):
        raise PageFailure(f"{screen} answered {response.status_code}: {response.text[:300]}")
    return f"page {screen}: {response.status_code}"


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    slowest: float = 0.0
    slowest_cpu: float = 0.0
    """The slowest case in CPU seconds of its worker: what a case costs however loaded the machine is."""
    stages: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Outcome) -> None:
        self.cases += other.cases
        self.outcomes.update(other.outcomes)
        self.failures.extend(other.failures)
        self.slow.extend(other.slow)
        self.slowest = max(self.slowest, other.slowest)
        self.slowest_cpu = max(self.slowest_cpu, other.slowest_cpu)
        self.stages.update(other.stages)


def _stages() -> list[tuple[str, Callable[[object, Path, Path], object]]]:
    """The operations run on a readable mutated report: check, then draft (when available)."""
    stages: list[tuple[str, Callable[[object, Path, Path], object]]] = []
    try:
        from komae_docx.checks import check_report

        stages.append(("check", lambda report, src, out: check_report(report)))  # type: ignore[arg-type]
    except ImportError:
        pass
    try:
        from komae_docx.rollover import roll_forward
        from komae_docx.writing.writer import write_draft

        def draft(report: Report, src: Path, out: Path) -> object:
            """``api.draft`` without reading the file a second time: the template is ``src`` itself."""
            rolled = roll_forward(report)
            return write_draft(report, rolled.report, src, out, force=True)

        stages.append(("draft", draft))  # type: ignore[arg-type]
    except ImportError:
        pass
    from komae_docx import api

    if hasattr(api, "make_template"):
        stages.append(("template", lambda report, src, out: api.make_template(src, out, force=True)))
    return stages


def run_case(
    case: int,
    workdir: Path,
    stages: list[tuple[str, Callable[[object, Path, Path], object]]],
    draft_every: int = DRAFT_EVERY,
) -> str:
    """Run one city case; return its outcome name. Raises on anything but KomaeDocxError.

    The writing stages cost most: draft runs on every ``draft_every``-th case, make-template on
    the cases half-way between (both on every case when ``draft_every`` is 1)."""
    kind, data = case_bytes(case)
    src = workdir / f"case{case}.docx"
    src.write_bytes(data)
    try:
        result = read_report_result(src)
    except KomaeDocxError as error:
        return f"{kind}: refused {type(error).__name__}"
    outcome = f"{kind}: read"
    for name, stage in stages:
        if name == "draft" and case % draft_every:
            continue
        if name == "template" and case % draft_every != draft_every // 2:
            continue
        try:
            stage(result.value, src, workdir / f"case{case}.out.docx")
        except KomaeDocxError as error:
            return f"{outcome}, {name} refused {type(error).__name__}"
    src.unlink(missing_ok=True)
    (workdir / f"case{case}.out.docx").unlink(missing_ok=True)
    return outcome


def family(case: int) -> str:
    """The family of case ``case``: 70 % city files, 16 % filled drafts, 12 % results files, 2 % page."""
    slot = case % 50
    if slot < 35:
        return "city"
    if slot < 43:
        return "filled"
    return "results" if slot < 49 else "page"


def run_any(
    case: int,
    workdir: Path,
    stages: list[tuple[str, Callable[[object, Path, Path], object]]],
    draft_every: int,
    page: Callable[[], object],
) -> str:
    kind = family(case)
    if kind == "filled":
        return run_filled_case(case, workdir)
    if kind == "results":
        return run_results_case(case, workdir)
    if kind == "page":
        return run_page_case(case, page())
    return run_case(case, workdir, stages, draft_every)


def run_range(start: int, stop: int, draft_every: int = DRAFT_EVERY) -> Outcome:
    outcome = Outcome()
    stages = _stages()
    with tempfile.TemporaryDirectory(prefix="komae-fuzz-") as tmp, contextlib.ExitStack() as clients:
        workdir = Path(tmp)
        page = functools.cache(lambda: _page_client(clients, workdir))
        kinds = {family(case) for case in range(start, stop)}
        if kinds & {"filled", "page"}:
            _filled_parts()  # built once per process, outside any case's time
        if "page" in kinds:
            page()
        for case in range(start, stop):
            began, began_cpu = time.perf_counter(), time.process_time()
            try:
                name = run_any(case, workdir, stages, draft_every, page)
            except Exception:  # the defect we are looking for
                name = "FAILURE"
                outcome.failures.append(f"case {case}: {traceback.format_exc(limit=6)}")
            elapsed, cpu = time.perf_counter() - began, time.process_time() - began_cpu
            outcome.slowest = max(outcome.slowest, elapsed)
            outcome.slowest_cpu = max(outcome.slowest_cpu, cpu)
            if cpu > CASE_SECONDS:  # CPU, not wall time: a loaded machine must not fail the run
                outcome.slow.append(f"case {case}: {cpu:.1f} CPU-s ({elapsed:.1f}s)")
            outcome.cases += 1
            outcome.outcomes[name] += 1
            for path in workdir.glob(f"case{case}*"):
                path.unlink()
    outcome.stages.update(name for name, _ in stages)
    return outcome


def _page_client(clients: contextlib.ExitStack, workdir: Path) -> object:
    """An in-process client of the page, its jobs under ``workdir``; closed with the range."""
    from starlette.testclient import TestClient

    from komae_docx.frontends.web import create_app

    (workdir / "page").mkdir(exist_ok=True)
    return clients.enter_context(TestClient(create_app(workdir / "page"), base_url="http://127.0.0.1"))


def peak_memory_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run(
    cases: int, workers: int = 1, start: int = 0, progress: bool = False, draft_every: int = DRAFT_EVERY
) -> Outcome:
    if workers <= 1:
        return run_range(start, start + cases, draft_every)
    chunk = max(1, min(cases // (workers * 8), 1000))
    bounds = [(s, min(s + chunk, start + cases), draft_every) for s in range(start, start + cases, chunk)]
    total = Outcome()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(run_range, *zip(*bounds, strict=True)):
            total.merge(part)
            if progress:
                print(
                    f"... {total.cases} cases, {len(total.failures)} failures, slowest {total.slowest:.2f}s",
                    file=sys.stderr,
                    flush=True,
                )
    return total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--start", type=int, default=0)
    parser.add_argument(
        "--draft-every", type=int, default=DRAFT_EVERY, help="draft / make-template only every N-th city case"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    outcome = run(args.cases, args.workers, args.start, progress=True, draft_every=args.draft_every)
    seconds = time.perf_counter() - began
    print(
        f"cases {outcome.cases} in {seconds:.0f}s ({outcome.cases / seconds:.1f}/s); "
        f"city stages: parse, {', '.join(sorted(outcome.stages))}; also filled drafts, results files, page"
    )
    for name, number in outcome.outcomes.most_common():
        print(f"  {number:7d}  {name}")
    print(
        f"slowest case {outcome.slowest:.2f}s ({outcome.slowest_cpu:.2f} CPU-s); "
        f"over {CASE_SECONDS} CPU-s: {len(outcome.slow)}"
    )
    print(f"peak memory {peak_memory_mb():.0f} MB (limit {PEAK_MB} MB)")
    print(f"failures (exceptions other than KomaeDocxError): {len(outcome.failures)}")
    for failure in outcome.failures[:20]:
        print(failure)
    ok = not outcome.failures and not outcome.slow and peak_memory_mb() < PEAK_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
