"""Issue 24, item 4: exit codes hold when the reader of the output goes away.

``komae-docx … 2>&1 | head -1`` closes the pipe after the first line, while the command still has
lines to print on stdout and stderr.  The command must end with its own exit code every time (it
used to end with 0 in 10 of 12 merges with a conflict): each command runs at least eight times
under a real shell pipe and the code is read from bash's PIPESTATUS.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from .flow_files import FlowFiles, folder_contents

RUNS = 8
CLI = [sys.executable, "-m", "komae_docx"]


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> FlowFiles:
    return FlowFiles.make(tmp_path_factory.mktemp("pipes"))


def piped_codes(args: list[str], cwd: Path, runs: int = RUNS) -> list[int]:
    """The command's exit code in ``runs`` runs of ``command 2>&1 | head -1``."""
    command = " ".join(shlex.quote(part) for part in [*CLI, *args])
    script = f"{command} 2>&1 | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}
    codes = []
    for _ in range(runs):
        done = subprocess.run(["bash", "-c", script], cwd=cwd, capture_output=True, text=True, env=env)
        codes.append(int(done.stdout.strip()))
    return codes


def test_merge_with_a_conflict_exits_1_every_time(files: FlowFiles) -> None:
    before = folder_contents(files.folder)
    first, second = files.conflict
    codes = piped_codes(
        ["merge", str(files.draft), str(first), str(second), "-o", "merged.docx"], files.folder
    )
    assert codes == [1] * RUNS
    assert folder_contents(files.folder) == before


def test_finalize_with_blanks_exits_1_every_time(files: FlowFiles) -> None:
    before = folder_contents(files.folder)
    codes = piped_codes(
        ["finalize", str(files.draft), "-o", "r6_report.docx", "--pages", "fields"], files.folder
    )
    assert codes == [1] * RUNS
    assert folder_contents(files.folder) == before


def test_grade_with_a_bad_result_exits_1_every_time(files: FlowFiles, tmp_path: Path) -> None:
    results = tmp_path / "results.yaml"
    results.write_text("p1-1-1-1-a: たぶん達成\n", encoding="utf-8")
    codes = piped_codes(["grade", str(files.draft), "--results", str(results)], files.folder)
    assert codes == [1] * RUNS


def test_grade_with_a_broken_results_file_exits_2_every_time(files: FlowFiles, tmp_path: Path) -> None:
    results = tmp_path / "results.yaml"
    results.write_text("p1-1-1-1-a: [\n", encoding="utf-8")
    codes = piped_codes(["grade", str(files.draft), "--results", str(results)], files.folder)
    assert codes == [2] * RUNS


def test_status_of_a_fresh_draft_exits_4_every_time(files: FlowFiles) -> None:
    assert piped_codes(["status", str(files.draft)], files.folder) == [4] * RUNS


def test_check_and_parse_of_the_example_exit_0_every_time(files: FlowFiles) -> None:
    example = Path(__file__).parents[1] / "examples" / "r5_report.docx"
    assert piped_codes(["check", str(example)], files.folder) == [0] * RUNS
    assert piped_codes(["parse", str(example), "--json"], files.folder) == [0] * RUNS


def test_a_refused_draft_exits_2_every_time(files: FlowFiles) -> None:
    before = folder_contents(files.folder)
    codes = piped_codes(["draft", str(files.draft), "-o", "r7_draft.docx"], files.folder)
    assert codes == [2] * RUNS
    assert folder_contents(files.folder) == before
