"""The real-editor harness (tests/lo_editor.py) survives a LibreOffice that dies.

A red run from a flaky harness blocks a landing as surely as a real defect: a soffice that died
between two edits or in the middle of one is restarted and the edit retried once, and an edit that
fails twice says why (the worker's exit status and output, soffice's own log).  These tests kill
their own soffice (never the session's, by its own pid) and type into the example's draft.
"""

from __future__ import annotations

import os
import signal
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from komae_docx import api

from .conftest import writable_copy
from .lo_editor import Office, running_office, type_over

NUMBER_STEP = type_over("〇〇", "15", within="R7-〇〇")


@pytest.fixture(scope="module")
def office() -> Iterator[Office]:
    """An Office of this module's own: the session's is left alone."""
    with running_office() as started:
        yield started


@pytest.fixture
def draft(example_draft: Path, tmp_path: Path) -> Path:
    return writable_copy(example_draft, tmp_path / "r6_draft.docx")


def kill_soffice(office: Office) -> int:
    """SIGKILL the office's soffice (its own process group, by its pid) and wait for it."""
    assert office.process is not None and office.alive
    pid = office.process.pid
    os.killpg(pid, signal.SIGKILL)
    office.process.wait(timeout=30)
    return pid


def test_a_soffice_killed_between_two_edits_is_restarted(office: Office, draft: Path, tmp_path: Path) -> None:
    killed = kill_soffice(office)
    restarts = office.restarts
    done = office.edit(draft, tmp_path / "numbered.docx", [NUMBER_STEP])
    assert done == [{"text": "15"}]
    assert api.read(tmp_path / "numbered.docx").value.publication.number == "R7-15"
    assert office.restarts == restarts + 1
    assert office.process is not None and office.process.pid != killed and office.alive
    assert "soffice had died, exit status -9 (killed by SIGKILL)" in office.retried[-1]


def test_a_soffice_killed_during_an_edit_is_restarted_and_the_edit_retried(
    office: Office, draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    killed: list[int] = []

    def kill_once() -> None:
        if not killed:
            killed.append(kill_soffice(office))

    monkeypatch.setattr(office, "on_worker_started", kill_once)
    restarts = office.restarts
    done = office.edit(draft, tmp_path / "numbered.docx", [NUMBER_STEP])
    assert killed, "soffice was killed while the worker ran"
    assert done == [{"text": "15"}]
    assert api.read(tmp_path / "numbered.docx").value.publication.number == "R7-15"
    assert office.restarts == restarts + 1
    said = office.retried[-1]
    assert "soffice died, exit status -9 (killed by SIGKILL)" in said
    assert "worker exit status" in said


def fake_python(folder: Path, script: str) -> str:
    """A stand-in for the UNO Python that runs ``script`` (sh) instead of the worker."""
    path = folder / "python3"
    path.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.mark.parametrize(
    ("script", "status"),
    [
        ("echo 'the bridge was disposed' >&2; exit 3", "worker exit status 3"),
        ("echo 'the bridge was disposed' >&2; kill -SEGV $$", "worker exit status -11 (killed by SIGSEGV)"),
    ],
    ids=["exit-3", "segfault"],
)
def test_an_edit_that_fails_twice_says_the_workers_status_and_soffices_log(
    office: Office, draft: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, status: str
) -> None:
    monkeypatch.setattr(office, "python", fake_python(tmp_path, script))
    restarts = office.restarts
    with pytest.raises(AssertionError) as failed:
        office.edit(draft, tmp_path / "never.docx", [NUMBER_STEP])
    message = str(failed.value)
    assert "failed twice (soffice restarted in between)" in message
    assert message.count(status) == 2, message  # both attempts
    assert message.count("the bridge was disposed") == 2
    assert f"soffice log ({office.log})" in message
    assert "--- lo_editor: starting soffice on port" in message  # the log's own tail
    assert office.restarts == restarts + 1
    assert not (tmp_path / "never.docx").exists()


def test_a_plan_that_cannot_be_done_fails_at_once_without_a_restart(
    office: Office, draft: Path, tmp_path: Path
) -> None:
    restarts = office.restarts
    with pytest.raises(AssertionError) as failed:
        office.edit(draft, tmp_path / "never.docx", [type_over("存在しない文", "x")])
    message = str(failed.value)
    assert "text not found: '存在しない文'" in message and "worker exit status 1" in message
    assert office.restarts == restarts
    assert not (tmp_path / "never.docx").exists()

