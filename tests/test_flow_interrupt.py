"""Issue 24, item 3: all or nothing.  Every output of a command is written to a temporary file and
renamed only when all are ready; Ctrl+C at any moment leaves nothing new, or everything.

Ctrl+C is a real SIGINT sent to the command at many points of its run (fractions of the time an
uninterrupted run takes, so the signal also lands while it writes), for the commands that write
more than one output (merge and draft with --changes) and finalize.  After each run the folder
holds no new file, or every output; never a temporary file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import EXAMPLE
from .flow_files import FlowFiles, folder_contents

CLI = [sys.executable, "-m", "komae_docx"]
FRACTIONS = (0.15, 0.35, 0.55, 0.7, 0.8, 0.88, 0.94, 0.98, 1.02)
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> FlowFiles:
    return FlowFiles.make(tmp_path_factory.mktemp("interrupt"))


def timed_run(args: list[str], cwd: Path) -> float:
    start = time.monotonic()
    done = subprocess.run([*CLI, *args], cwd=cwd, capture_output=True, env=ENV)
    assert done.returncode == 0, done.stderr.decode()
    return time.monotonic() - start


def interrupted_runs(args: list[str], outputs: list[str], cwd: Path, folder: str | None = None) -> list[int]:
    """Run ``args`` once to time it, then again with SIGINT at each fraction of that time; after
    each run, no output or all of them, and no temporary file.  Returns the exit codes."""
    duration = timed_run(args, cwd)
    for name in outputs:
        (cwd / name).unlink()
    if folder is not None:
        (cwd / folder).rmdir()
    before = folder_contents(cwd)
    codes = []
    for fraction in FRACTIONS:
        process = subprocess.Popen(
            [*CLI, *args], cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=120)
        codes.append(process.returncode)
        now = folder_contents(cwd)
        new = now - before
        assert not [name for name in now if name.endswith(".tmp")], (fraction, now)
        assert new in (set(), set(outputs)), (fraction, new, err.decode())
        if process.returncode == 0:
            assert new == set(outputs)
        for name in new:
            (cwd / name).unlink()
        if folder is not None:
            assert (cwd / folder).exists() == bool(new), (fraction, new)
            if new:
                (cwd / folder).rmdir()
    return codes


def test_merge_with_its_log_is_all_or_nothing_under_ctrl_c(files: FlowFiles) -> None:
    args = ["merge", str(files.draft), str(files.filled), "-o", "merged.docx", "--changes", "merged.md"]
    codes = interrupted_runs(args, ["merged.docx", "merged.md"], files.folder)
    assert 130 in codes


def test_draft_with_its_change_list_is_all_or_nothing_under_ctrl_c(files: FlowFiles, tmp_path: Path) -> None:
    args = ["draft", str(EXAMPLE), "-o", "r6_draft.docx", "--changes", "changes.md"]
    codes = interrupted_runs(args, ["r6_draft.docx", "changes.md"], tmp_path)
    assert 130 in codes


def test_finalize_is_all_or_nothing_under_ctrl_c(files: FlowFiles) -> None:
    args = ["finalize", str(files.draft), "-o", "interim.docx", "--pages", "fields", "--allow-incomplete"]
    codes = interrupted_runs(args, ["interim.docx"], files.folder)
    assert 130 in codes


def test_a_log_that_cannot_be_written_leaves_no_merged_draft(files: FlowFiles, tmp_path: Path) -> None:
    """The log's temporary name is too long for the file system: the merge writes neither."""
    log = "a" * 240 + ".md"
    before = folder_contents(tmp_path)
    args = ["merge", str(files.draft), str(files.filled), "-o", "merged.docx", "--changes", log]
    done = subprocess.run([*CLI, *args], cwd=tmp_path, capture_output=True, text=True, env=ENV)
    assert done.returncode == 2, done.stderr
    assert "どのファイルも書き出していません" in done.stderr
    assert folder_contents(tmp_path) == before


def test_draft_with_a_log_that_cannot_be_written_writes_no_draft(tmp_path: Path) -> None:
    log = "a" * 240 + ".md"
    done = subprocess.run(
        [*CLI, "draft", str(EXAMPLE), "-o", "r6_draft.docx", "--changes", log],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=ENV,
    )
    assert done.returncode == 2, done.stderr
    assert folder_contents(tmp_path) == set()


def test_split_is_all_or_nothing_under_ctrl_c(files: FlowFiles, tmp_path: Path) -> None:
    """Eight copies in a folder split makes: none (and no folder) or all eight."""
    names = [f"各課へ/{copy.path.name}" for copy in files.copies]
    args = ["split", str(files.draft), "-o", str(tmp_path / "各課へ")]
    codes = interrupted_runs(args, names, tmp_path, folder="各課へ")
    assert 130 in codes
