"""Fuzz harness: mutate the example at zip level and XML level, run parse, check and draft.

Only komae-docx's own exceptions (``KomaeDocxError``) may escape; no case may take over 5 s;
the process's peak memory must stay under 500 MB.  Every case is reproducible from its number.

Short run (CI):   python -m pytest tests/test_fuzz.py
Long run:         python -m tests.fuzzing --cases 100000 --workers 2
"""

from __future__ import annotations

import argparse
import contextlib
import io
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
    from copy import deepcopy

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


# --------------------------------------------------------------------------- running


@dataclass
class Outcome:
    cases: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    slow: list[str] = field(default_factory=list)
    slowest: float = 0.0
    stages: Counter[str] = field(default_factory=Counter)

    def merge(self, other: Outcome) -> None:
        self.cases += other.cases
        self.outcomes.update(other.outcomes)
        self.failures.extend(other.failures)
        self.slow.extend(other.slow)
        self.slowest = max(self.slowest, other.slowest)
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
        from komae_docx.writing.writer import DraftOptions, write_report

        def draft(report: Report, src: Path, out: Path) -> object:
            """``write_draft`` without reading the file a second time."""
            rolled = roll_forward(report)
            options = DraftOptions(previous=report, carry_text=False)
            return write_report(rolled.report, out, force=True, inputs=[src], draft=options)

        stages.append(("draft", draft))  # type: ignore[arg-type]
    except ImportError:
        pass
    return stages


def run_case(
    case: int, workdir: Path, stages: list[tuple[str, Callable[[object, Path, Path], object]]]
) -> str:
    """Run one case; return its outcome name. Raises on anything but KomaeDocxError."""
    kind, data = case_bytes(case)
    src = workdir / f"case{case}.docx"
    src.write_bytes(data)
    try:
        result = read_report_result(src)
    except KomaeDocxError as error:
        return f"{kind}: refused {type(error).__name__}"
    outcome = f"{kind}: read"
    for name, stage in stages:
        if name == "draft" and case % DRAFT_EVERY:
            continue
        try:
            stage(result.value, src, workdir / f"case{case}.out.docx")
        except KomaeDocxError as error:
            return f"{outcome}, {name} refused {type(error).__name__}"
    src.unlink(missing_ok=True)
    (workdir / f"case{case}.out.docx").unlink(missing_ok=True)
    return outcome


def run_range(start: int, stop: int) -> Outcome:
    outcome = Outcome()
    stages = _stages()
    with tempfile.TemporaryDirectory(prefix="komae-fuzz-") as tmp:
        workdir = Path(tmp)
        for case in range(start, stop):
            began = time.perf_counter()
            try:
                name = run_case(case, workdir, stages)
            except Exception:  # the defect we are looking for
                name = "FAILURE"
                outcome.failures.append(f"case {case}: {traceback.format_exc(limit=6)}")
            elapsed = time.perf_counter() - began
            outcome.slowest = max(outcome.slowest, elapsed)
            if elapsed > CASE_SECONDS:
                outcome.slow.append(f"case {case}: {elapsed:.1f}s")
            outcome.cases += 1
            outcome.outcomes[name] += 1
            for path in workdir.glob(f"case{case}*"):
                path.unlink()
    outcome.stages.update(name for name, _ in stages)
    return outcome


def peak_memory_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def run(cases: int, workers: int = 1, start: int = 0, progress: bool = False) -> Outcome:
    if workers <= 1:
        return run_range(start, start + cases)
    chunk = max(1, min(cases // (workers * 8), 1000))
    bounds = [(s, min(s + chunk, start + cases)) for s in range(start, start + cases, chunk)]
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
    args = parser.parse_args(argv)
    began = time.perf_counter()
    outcome = run(args.cases, args.workers, args.start, progress=True)
    seconds = time.perf_counter() - began
    print(f"cases {outcome.cases} in {seconds:.0f}s; stages: parse, {', '.join(sorted(outcome.stages))}")
    for name, number in outcome.outcomes.most_common():
        print(f"  {number:7d}  {name}")
    print(f"slowest case {outcome.slowest:.2f}s; over {CASE_SECONDS}s: {len(outcome.slow)}")
    print(f"peak memory {peak_memory_mb():.0f} MB (limit {PEAK_MB} MB)")
    print(f"failures (exceptions other than KomaeDocxError): {len(outcome.failures)}")
    for failure in outcome.failures[:20]:
        print(failure)
    ok = not outcome.failures and not outcome.slow and peak_memory_mb() < PEAK_MB
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
