"""Plant a fixed set of mutations in the product and check that the tests catch each one.

Each mutation is a textual patch of one line of ``komae_docx/`` (the grade bands, the fiscal-year
window, the share text on every front end, the publication number, the page numbers, the reading of
results).  The script copies the repository to a temporary folder once (``../shared`` is linked beside
it, so tests that read it run), applies one mutation at a time to the copy, runs the tests chosen for
it there (``PYTHONPATH`` = the copy, so the CLI in subprocesses is the mutated one too), restores the
file, and prints the mutations no test caught.  The working tree is never modified.

    .venv/bin/python tools/mutate.py              # every mutation; exit 1 when one survives
    .venv/bin/python tools/mutate.py --list       # the set, without running anything
    .venv/bin/python tools/mutate.py share-json number-fixed   # only these

A patch that no longer applies (the code it targets changed) is an error, not a silent pass: update
its ``old`` text here together with the code.  Before the mutations, the selected tests run once on
the unmutated copy; they must pass, or no survivor count means anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("komae_docx", "tests", "examples", "templates", "tools", "pyproject.toml")


@dataclass(frozen=True)
class Mutation:
    name: str
    area: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    """pytest arguments: node ids or files, optionally with ``-k`` expressions."""


SHARES = "tests/test_shares.py"
HAND_TABLE = "tests/test_progress.py::test_a_filled_draft_grades_as_the_hand_written_table_says"
CLI_GRADE = f"{SHARES}::test_grade_prints_the_hand_worked_grades_and_shares"
PAGE_STATUS = f"{SHARES}::test_status_screen_shows_the_hand_worked_grades_and_shares"
RESULTS_FILE = f"{SHARES}::test_grade_with_a_results_file_reads_the_same_results"
ROLLOVER = "tests/test_rollover.py"
ERA = "tests/test_era.py"
NUMBER = "tests/test_cli_finalize.py::test_finalize_of_a_filled_draft_writes_the_report"
NUMBER_FINAL = "tests/test_cli_finalize.py::test_the_final_version_is_not_marked_interim"
LIBREOFFICE_PAGES = (
    "tests/test_finalize.py::test_round_trip_reproduces_last_years_summary_tables_with_their_pages"
)
MOVED_PAGES = "tests/test_finalize.py::test_pages_moved_by_the_long_text_are_rewritten"
FIELD_PAGES = "tests/test_finalize.py::test_page_references_become_fields_where_they_stand_in_one_run"
SUMMARY_FIELDS = "tests/test_finalize.py::test_without_libreoffice_pages_are_fields_word_updates"

MUTATIONS: tuple[Mutation, ...] = (
    # ---- the grade bands (序章 3: A >= 70 %, B >= 40 %, C >= 20 %)
    Mutation(
        "band-b-55",
        "grade bands",
        "komae_docx/rules.py",
        "    if percent < criterion.lower_percent:\n",
        '    if percent < (55 if criterion.letter == "B" else criterion.lower_percent):\n',
        (HAND_TABLE,),
    ),
    Mutation(
        "band-a-71",
        "grade bands",
        "komae_docx/rules.py",
        "    if percent < criterion.lower_percent:\n",
        '    if percent < (71 if criterion.letter == "A" else criterion.lower_percent):\n',
        (HAND_TABLE,),
    ),
    Mutation(
        "band-upper-inclusive",
        "grade bands",
        "komae_docx/rules.py",
        "    return percent < criterion.upper_percent\n",
        "    return percent <= criterion.upper_percent\n",
        (HAND_TABLE,),
    ),
    Mutation(
        "grade-over-projects",
        "grade bands",
        "komae_docx/rules.py",
        "    letter = None if pending else grade(achieved, targets, criteria)\n",
        "    letter = None if pending else "
        "grade(sum(c.achieved == c.targets for c in known), len(known), criteria)\n",
        (HAND_TABLE,),
    ),
    # ---- the fiscal-year window (April of year N to March of N+1) and its era name
    Mutation(
        "window-starts-in-may",
        "fiscal-year window",
        "komae_docx/rollover.py",
        "(western, month) >= (fiscal_year, 4)",
        "(western, month) >= (fiscal_year, 5)",
        (ROLLOVER,),
    ),
    Mutation(
        "window-ends-in-february",
        "fiscal-year window",
        "komae_docx/rollover.py",
        "(western, month) <= (fiscal_year + 1, 3)",
        "(western, month) <= (fiscal_year + 1, 2)",
        (ROLLOVER,),
    ),
    Mutation(
        "fiscal-era-on-april-1",
        "fiscal-year window",
        "komae_docx/era.py",
        "    return era_of_date(datetime.date(western_fy, 12, 31))\n",
        "    return era_of_date(datetime.date(western_fy, 4, 1))\n",
        (ERA, ROLLOVER),
    ),
    # ---- the share text, in the one presenter and on every front end
    Mutation(
        "percent-truncated",
        "share text",
        "komae_docx/rules.py",
        "    whole, rest = divmod(int((percent * 10 + Fraction(1, 2)) // 1), 10)\n",
        "    whole, rest = divmod(int((percent * 10) // 1), 10)\n",
        (CLI_GRADE,),
    ),
    Mutation(
        "share-over-projects",
        "share text",
        "komae_docx/rules.py",
        "        return share_text(self.achieved, self.targets) if self.determined",
        "        return share_text(self.achieved, self.projects) if self.determined",
        (CLI_GRADE,),
    ),
    Mutation(
        "share-cli",
        "share text",
        "komae_docx/rules.py",
        '（年次目標の達成 {measure_share_text(measure)}）"\n',
        '（年次目標の達成 {measure.achieved}/{measure.projects}）"\n',
        (CLI_GRADE,),
    ),
    Mutation(
        "share-json",
        "share text",
        "komae_docx/rules.py",
        '                    "share": g.share_text,\n',
        '                    "share": f"{g.achieved}/{g.projects} 事業達成",\n',
        (RESULTS_FILE,),
    ),
    Mutation(
        "share-page",
        "share text",
        "komae_docx/frontends/web/views.py",
        "page, measure_share_text(g)))\n",
        'page, f"{g.achieved}/{g.projects} 事業達成"))\n',
        (PAGE_STATUS,),
    ),
    Mutation(
        "share-pending",
        "share text",
        "komae_docx/rules.py",
        "ほかの事業の年次目標 {measure.achieved}/{measure.targets} 達成",
        "ほかの事業の年次目標 {measure.achieved}/{measure.projects} 達成",
        (f"{SHARES}::test_a_measure_left_unevaluated_shows_what_is_known",),
    ),
    # ---- the publication number (finalize --number)
    Mutation(
        "number-fixed",
        "number replacement",
        "komae_docx/writing/finalize.py",
        '        if replace_text(p, NUMBER_PLACEHOLDER, number.replace("\\\\", "\\\\\\\\"), count=1):\n',
        '        if replace_text(p, NUMBER_PLACEHOLDER, "R7-15", count=1):\n',
        (NUMBER,),
    ),
    Mutation(
        "number-not-written",
        "number replacement",
        "komae_docx/writing/finalize.py",
        '        if replace_text(p, NUMBER_PLACEHOLDER, number.replace("\\\\", "\\\\\\\\"), count=1):\n',
        "        if False:\n",
        (NUMBER_FINAL,),
    ),
    # ---- the page numbers (pagination)
    Mutation(
        "pages-range-dropped",
        "page-number writing",
        "komae_docx/writing/pagination.py",
        "                    numbers.update(range(start, max([start, *ends]) + 1))\n",
        "                    numbers.update(range(start, start + 1))\n",
        (MOVED_PAGES,),
    ),
    Mutation(
        "toc-page-off-by-one",
        "page-number writing",
        "komae_docx/writing/pagination.py",
        "            _replace_page_after_last_tab(p, [run(str(pages[name]), text_rpr(p))])\n",
        "            _replace_page_after_last_tab(p, [run(str(pages[name] + 1), text_rpr(p))])\n",
        (LIBREOFFICE_PAGES,),
    ),
    Mutation(
        "prose-page-off-by-one",
        "page-number writing",
        "komae_docx/writing/pagination.py",
        "            (m.start(2), m.end(2), str(pages[name]))\n",
        "            (m.start(2), m.end(2), str(pages[name] - 1))\n",
        (MOVED_PAGES,),
    ),
    Mutation(
        "summary-field-range-dropped",
        "page-number writing",
        "komae_docx/writing/pagination.py",
        "                    bounds[measure.ref] = (start, ends[-1])\n",
        "                    bounds[measure.ref] = (start, start)\n",
        (SUMMARY_FIELDS,),
    ),
    # ---- the results: a results file, and the draft's result controls
    Mutation(
        "results-file-ignored",
        "results reading",
        "komae_docx/reading/results_file.py",
        "    known = {pid: result for pid, result in results_file.results.items() if pid in projects}\n",
        "    known = {pid: result for pid, result in results_file.results.items() if pid not in projects}\n",
        (RESULTS_FILE,),
    ),
    Mutation(
        "model-wins-over-results-file",
        "results reading",
        "komae_docx/rules.py",
        "    if results is not None and project_id in results:\n",
        "    if model_result is None and results is not None and project_id in results:\n",
        ("tests/test_rules.py", "tests/test_cli_check.py"),
    ),
    Mutation(
        "control-first-paragraph-skipped",
        "results reading",
        "komae_docx/reading/sheets.py",
        "    for paragraph in cell.paragraphs:\n        for choice in paragraph.choices:\n",
        "    for paragraph in cell.paragraphs[1:]:\n        for choice in paragraph.choices:\n",
        (HAND_TABLE,),
    ),
    Mutation(
        "result-width-not-folded",
        "results reading",
        "komae_docx/rules.py",
        '    folded = squash_spaces(fold_width(text)).replace("\\u2044", "/").replace("\\u2215", "/")\n',
        '    folded = squash_spaces(text).replace("\\u2044", "/").replace("\\u2215", "/")\n',
        ("tests/test_progress.py::test_a_full_width_k_of_n_counts",),
    ),
    Mutation(
        "k-of-n-swapped",
        "results reading",
        "komae_docx/rules.py",
        '    achieved, targets = int(match["k"]), int(match["n"])\n',
        '    achieved, targets = int(match["k"]), int(match["n"]) + int(match["k"] == "1")\n',
        (HAND_TABLE,),
    ),
)


# --------------------------------------------------------------------------- running


def copy_repository(into: Path) -> Path:
    """The repository's code, tests and data in ``into/repo``, with ``into/shared`` → ``../shared``."""
    repo = into / "repo"
    repo.mkdir()
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", ".lo-profile"))
        elif source.exists():
            shutil.copy2(source, repo / name)
    shared = ROOT.parent / "shared"
    if shared.is_dir():
        (into / "shared").symlink_to(shared)
    return repo


def pytest_args(tests: Sequence[str]) -> list[str]:
    args: list[str] = []
    for test in tests:
        args += test.split(" ")
    return args


def run_tests(repo: Path, tests: Sequence[str]) -> tuple[int, str]:
    env = {**os.environ, "PYTHONPATH": str(repo), "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *pytest_args(tests)]
    done = subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    failed = [line for line in lines if line.startswith(("FAILED", "ERROR"))]
    return done.returncode, (failed or lines or [""])[-1][:150]


def apply(repo: Path, mutation: Mutation) -> str:
    """Patch the copy; return the original text for the restore.  The old text must occur exactly once."""
    target = repo / mutation.path
    original = target.read_text(encoding="utf-8")
    found = original.count(mutation.old)
    if found != 1:
        raise SystemExit(
            f"mutation {mutation.name}: its text occurs {found} times in {mutation.path} "
            "(the code changed: update tools/mutate.py)"
        )
    target.write_text(original.replace(mutation.old, mutation.new), encoding="utf-8")
    return original


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("names", nargs="*", help="only these mutations (default: all)")
    parser.add_argument("--list", action="store_true", help="list the mutations and their tests, run nothing")
    args = parser.parse_args(argv)
    chosen = [m for m in MUTATIONS if not args.names or m.name in args.names]
    unknown = set(args.names) - {m.name for m in MUTATIONS}
    if unknown:
        parser.error(f"unknown mutations: {', '.join(sorted(unknown))}")
    if args.list:
        for m in chosen:
            print(f"{m.name:32} {m.area:20} {m.path}  ← {' '.join(m.tests)}")
        return 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="komae-mutate-") as temp:
        repo = copy_repository(Path(temp))
        for m in chosen:  # every patch applies, before anything runs
            (repo / m.path).write_text(apply(repo, m), encoding="utf-8")
        selection = list(dict.fromkeys(t for m in chosen for t in m.tests))
        code, tail = run_tests(repo, selection)
        if code != 0:
            print(f"the selected tests fail without any mutation ({tail}): fix them first", file=sys.stderr)
            return 2
        survivors: list[Mutation] = []
        for m in chosen:
            original = apply(repo, m)
            began = time.monotonic()
            try:
                code, tail = run_tests(repo, m.tests)
            finally:
                (repo / m.path).write_text(original, encoding="utf-8")
            verdict = {0: "SURVIVED", 5: "NO TESTS RAN"}.get(code, "caught")
            took = time.monotonic() - began
            print(f"{verdict:12} {m.name:32} {m.area:20} {took:6.1f}s  {tail}", flush=True)
            if code in (0, 5):
                survivors.append(m)
    caught = len(chosen) - len(survivors)
    print(f"\n{caught}/{len(chosen)} mutations caught in {time.monotonic() - started:.0f}s")
    for m in survivors:
        print(f"survivor: {m.name} ({m.area}, {m.path}): {m.old.strip()} → {m.new.strip()}")
    return 1 if survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
