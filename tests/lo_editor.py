"""A real editor in the tests: LibreOffice Writer driven through UNO, as a staff member uses it.

Tests that must hold for files *other software* wrote use this module to open a .docx in
LibreOffice, type into it through the view (the view cursor, Tab to the next cell, typing, Enter),
set the result content controls, and save it as .docx again ("MS Word 2007 XML").

Use (the ``lo_office`` fixture is session-scoped and registered in ``tests/conftest.py``)::

    from .lo_editor import Office, set_result, type_in_cell, type_over

    def test_x(lo_office: Office, tmp_path: Path) -> None:
        done = lo_office.edit(draft, tmp_path / "typed.docx", [
            # cursor into the table cell starting with this text (unique, or give occurrence=k,
            # 1-based in document order, -1 the last), Tab 4 cells to the right, type; "\\n" is Enter
            type_in_cell("重層的支援体制整備事業の実施に向けて", "一行目\\n二行目", cells=4),
            # ... Tab 4 cells, then Down into the row below (a project's second entry row)
            type_in_cell("地域づくりにおける官民協働", "二行目の Do", cells=4, rows=1),
            # the one content control in the same table row: through the content-control API
            # (text set, ShowingPlaceHolder off, as LibreOffice's own drop-down does) ...
            set_result("重層的支援体制整備事業の実施に向けて", "達成", how="api"),
            # ... or the keyboard path: select the grey placeholder (a click does) and type over it;
            # LibreOffice 7.4 leaves w:showingPlcHdr set then
            set_result("福祉の担い手となる人材を", "１／３", how="keyboard", occurrence=1),
            # select "〇〇" inside the unique text "R7-〇〇" and type "15"
            type_over("〇〇", "15", within="R7-〇〇"),
        ])
        done[0]["cell"], done[0]["table"], done[0]["text"]     # 'G6', 'Table5', '一行目\\n二行目'

``Office.edit(source, None, [])`` opens and closes without saving; ``Office.resave(source, target)``
opens and saves with no edits (LibreOffice's own rewrite of the file).  A step that cannot be done
(text not found or not unique, no or several controls in the row) raises ``AssertionError`` with the
worker's message.  A soffice that died (before the step or during it) or a worker that failed for
any other reason is restarted and the step retried once; a second failure raises with both
attempts' worker exit status, stderr and stdout, and the tail of soffice's own log.

How it runs (decided by trying):

* Debian's python3-uno is built for ``/usr/bin/python3``.  Importing it into the test venv happens to
  work when both are the same minor version (it binds to whichever libpython is loaded), but breaks
  as soon as they differ, so the UNO side runs as a worker subprocess,
  :mod:`tests.lo_uno_worker`, under the first Python that can ``import uno`` (``$KOMAE_UNO_PYTHON``,
  ``/usr/bin/python3``, ``python3``), fed a JSON plan on stdin.
* ``soffice --headless`` runs with its OWN throw-away profile (``-env:UserInstallation``) and listens
  on ``127.0.0.1`` on a free port; the fixture starts it once per session and stops it by its pid.
* Its fonts come from the package's fontconfig file (``komae_docx/fonts/fonts.conf``, via
  ``FONTCONFIG_FILE``: :func:`komae_docx.layout.libreoffice_env`), as every LibreOffice run of the
  product does.
* A document opened in a view needs Writer's UI files (the comments in the margin are widgets built
  from ``annotation.ui``).  Debian's ``libreoffice-writer-nogui`` lacks them and LibreOffice aborts on
  any document with comments, so the editor needs ``libreoffice-writer``.

Skips only where LibreOffice (with Writer's UI) or python3-uno is missing; with ``CI`` set, that is
a failure instead (``.ci/run`` installs them).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pytest

from komae_docx.layout import libreoffice_env

WORKER = Path(__file__).with_name("lo_uno_worker.py")
EDIT_TIMEOUT_SECONDS = 300
START_TIMEOUT_SECONDS = 60

Step = dict[str, Any]


def type_in_cell(
    row_text: str,
    text: str,
    *,
    cells: int = 0,
    rows: int = 0,
    occurrence: int | None = None,
    replace: bool = False,
) -> Step:
    """Click into the table cell whose text starts with ``row_text``, press Tab ``cells`` times and
    Down into the next row ``rows`` times, type ``text``.

    ``occurrence`` picks among several such cells (1-based in document order, -1 the last).  The
    text is typed at the end of the cell's text; ``replace=True`` selects the cell's text first (as a
    person drags over it) so that the typing replaces it.
    """
    return {
        "op": "type_in_cell",
        "row_text": row_text,
        "occurrence": occurrence,
        "cells": cells,
        "rows": rows,
        "text": text,
        "replace": replace,
    }


def set_result(
    row_text: str, value: str, *, how: Literal["api", "keyboard"] = "api", occurrence: int | None = None
) -> Step:
    """Set the one content control in the table row of the cell starting with ``row_text``."""
    return {"op": "set_result", "row_text": row_text, "occurrence": occurrence, "value": value, "how": how}


def edit_document() -> Step:
    """Click 「文書を編集」 (.uno:EditDoc): LibreOffice opens a file with Word's editing restriction
    read-only, and a person switches to editing before typing."""
    return {"op": "edit_document"}


def type_over(find: str, text: str, *, within: str | None = None, occurrence: int | None = None) -> Step:
    """Select ``find`` (inside the unique text ``within`` when given) and type ``text`` over it."""
    return {"op": "type_over", "find": find, "within": within, "occurrence": occurrence, "text": text}


def missing(reason: str) -> None:
    """Skip for a missing tool; in CI (``.ci/run`` installs everything) fail instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: a missing tool there is a defect)")
    pytest.skip(reason)


def uno_python() -> str | None:
    """The first Python that imports Debian's ``uno`` module."""
    candidates = [os.environ.get("KOMAE_UNO_PYTHON"), "/usr/bin/python3", shutil.which("python3")]
    for candidate in dict.fromkeys(c for c in candidates if c):
        if not Path(candidate).exists():
            continue
        probe = subprocess.run([candidate, "-c", "import uno"], capture_output=True, check=False, timeout=60)
        if probe.returncode == 0:
            return candidate
    return None


def writer_with_ui(exe: str) -> bool:
    """True when the LibreOffice of ``exe`` has Writer's UI files (not the -nogui build)."""
    program = Path(exe).resolve().parent
    ui = program.parent / "share" / "config" / "soffice.cfg" / "modules" / "swriter" / "ui"
    return (ui / "annotation.ui").is_file()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PLAN_FAILED = 1
"""The worker's exit status for a plan that cannot be done (the test's mistake): never retried."""
POLL_SECONDS = 0.25


def exit_status(code: int | None) -> str:
    """A process's exit status in words: ``3``, ``-11 (killed by SIGSEGV)``, ``still running``."""
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"{code} (killed by {signal.Signals(-code).name})"
        except ValueError:
            return str(code)
    return str(code)


@dataclass
class Attempt:
    """One run of the worker: its exit status and output, and what became of soffice meanwhile."""

    returncode: int | None
    stdout: str
    stderr: str
    soffice_status: int | None
    """soffice's exit status when it died during the step; None while it runs."""
    timed_out: bool = False

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.soffice_status is None and not self.timed_out

    @property
    def retryable(self) -> bool:
        """Anything but a plan that cannot be done: LibreOffice (or the worker) failed, not the test."""
        return not self.ok and not (self.returncode == PLAN_FAILED and self.soffice_status is None)

    def describe(self) -> str:
        status = self.soffice_status
        soffice = "running" if status is None else f"died, exit status {exit_status(status)}"
        timeout = f" (killed after {EDIT_TIMEOUT_SECONDS}s)" if self.timed_out else ""
        return (
            f"worker exit status {exit_status(self.returncode)}{timeout}; soffice {soffice}\n"
            f"worker stderr: {self.stderr.strip()[-2000:] or '(empty)'}\n"
            f"worker stdout: {self.stdout.strip()[-500:] or '(empty)'}"
        )


@dataclass
class Office:
    """A headless LibreOffice listening on 127.0.0.1 with its own profile (see the module doc).

    A step whose soffice died (before or during it), or whose worker failed for any reason but a plan
    that cannot be done, is retried once on a restarted soffice; a second failure raises with both
    attempts' worker exit status and output and the tail of soffice's own log.  ``restarts`` counts
    the restarts, ``retried`` holds what each retried attempt said (both for the harness's tests);
    ``on_worker_started`` is called once the worker runs (the tests of the harness kill soffice there).
    """

    soffice: str
    python: str
    home: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path = field(init=False)
    restarts: int = 0
    retried: list[str] = field(default_factory=list)
    on_worker_started: Callable[[], None] | None = None

    def __post_init__(self) -> None:
        self.log = self.home / "soffice.log"

    @property
    def url(self) -> str:
        return f"uno:socket,host=127.0.0.1,port={self.port};urp;StarOffice.ComponentContext"

    @property
    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start soffice on a free port with a fresh profile; a second port is tried once when the
        first start fails (another process may have taken the port in between)."""
        try:
            self._start_once()
        except AssertionError as first:
            self.stop()
            try:
                self._start_once()
            except AssertionError as second:
                raise AssertionError(f"{first}\nagain on another port: {second}") from None

    def _start_once(self) -> None:
        self.port = free_port()
        profile = self.home / f"profile-{self.port}"
        command = [
            self.soffice,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--invisible",
            "--nologo",
            "--norestore",
            "--nodefault",
            "--nolockcheck",
            f"--accept=socket,host=127.0.0.1,port={self.port};urp;StarOffice.ComponentContext",
        ]
        with self.log.open("ab") as log:
            log.write(f"--- lo_editor: starting soffice on port {self.port}\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                command, stdout=log, stderr=log, env=libreoffice_env(), start_new_session=True
            )
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            status = self.process.poll()
            if status is not None:
                raise AssertionError(
                    f"soffice exited at start, exit status {exit_status(status)}\n"
                    f"soffice log ({self.log}): {self._log_tail()}"
                )
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.3)
        raise AssertionError(
            f"soffice did not listen on 127.0.0.1:{self.port} in {START_TIMEOUT_SECONDS}s\n"
            f"soffice log ({self.log}): {self._log_tail()}"
        )

    def stop(self) -> None:
        """Stop the soffice this fixture started (its own process group, by its pid)."""
        if self.process is None:
            return
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        else:  # soffice itself is gone: end what it left in its group (its helper processes)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
        self.process = None

    def restart(self) -> None:
        self.stop()
        self.restarts += 1
        self.start()

    def edit(self, source: Path, target: Path | None, steps: Sequence[Step]) -> list[dict[str, Any]]:
        """Open ``source``, do ``steps``, save as .docx to ``target`` (None: don't save); per step
        what was done (table, cell, text afterwards)."""
        plan = {
            "url": "",
            "source": str(Path(source).resolve()),
            "target": str(Path(target).resolve()) if target is not None else None,
            "steps": list(steps),
        }
        attempt = self._attempt(plan)
        if attempt.retryable:
            first = attempt.describe()
            self.retried.append(first)
            self.restart()
            attempt = self._attempt(plan)
            if not attempt.ok:
                raise AssertionError(
                    f"LibreOffice edit of {Path(source).name} failed twice (soffice restarted in between)\n"
                    f"first attempt: {first}\nsecond attempt: {attempt.describe()}\n"
                    f"soffice log ({self.log}): {self._log_tail()}"
                )
        elif not attempt.ok:
            raise AssertionError(
                f"LibreOffice edit of {Path(source).name} failed: {attempt.describe()}\n"
                f"soffice log ({self.log}): {self._log_tail()}"
            )
        if target is not None and not Path(target).is_file():
            raise AssertionError(f"LibreOffice did not save {target}")
        steps_done: list[dict[str, Any]] = json.loads(attempt.stdout)["steps"]
        return steps_done

    def _attempt(self, plan: dict[str, Any]) -> Attempt:
        """Run the worker once, watching soffice: a soffice that dies meanwhile ends the attempt."""
        if not self.alive:
            if self.process is not None:  # LibreOffice died after an earlier document
                self.retried.append(f"soffice had died, exit status {exit_status(self.process.poll())}")
                self.restart()
            else:
                self.start()
        plan = {**plan, "url": self.url}
        with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile(
            "w+", encoding="utf-8"
        ) as err:
            worker = subprocess.Popen(
                [self.python, str(WORKER)], stdin=subprocess.PIPE, stdout=out, stderr=err, text=True
            )
            assert worker.stdin is not None
            with contextlib.suppress(BrokenPipeError):  # a worker that died at once: its status says why
                worker.stdin.write(json.dumps(plan, ensure_ascii=False))
                worker.stdin.close()
            if self.on_worker_started is not None:
                self.on_worker_started()
            soffice_status, timed_out = None, False
            deadline = time.monotonic() + EDIT_TIMEOUT_SECONDS
            while worker.poll() is None:
                assert self.process is not None
                soffice_status = self.process.poll()
                timed_out = time.monotonic() > deadline
                if soffice_status is not None or timed_out:
                    worker.kill()
                    worker.wait()
                    break
                time.sleep(POLL_SECONDS)
            if soffice_status is None and self.process is not None:
                soffice_status = self.process.poll()
            out.seek(0)
            err.seek(0)
            return Attempt(worker.returncode, out.read(), err.read(), soffice_status, timed_out)

    def resave(self, source: Path, target: Path) -> Path:
        """Open ``source`` and save it as .docx, unedited."""
        self.edit(source, target, [])
        return target

    def _log_tail(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-1500:] if self.log.exists() else ""


@contextlib.contextmanager
def running_office() -> Iterator[Office]:
    """A started :class:`Office` with its own home folder, stopped at the end (skips or, in CI, fails
    where LibreOffice with Writer's UI or python3-uno is missing)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        missing("LibreOffice (soffice) is not installed")
        raise AssertionError("unreachable")
    if not writer_with_ui(exe):
        missing("LibreOffice Writer's UI files are missing (install libreoffice-writer, not -nogui)")
    python = uno_python()
    if python is None:
        missing("python3-uno (Debian's uno module for /usr/bin/python3) is not installed")
        raise AssertionError("unreachable")
    with tempfile.TemporaryDirectory(prefix="komae-lo-editor-") as home:
        office = Office(exe, python, Path(home))
        office.start()
        try:
            yield office
        finally:
            office.stop()


@pytest.fixture(scope="session")
def lo_office() -> Iterator[Office]:
    """LibreOffice as the staff member's editor (started once per session, stopped at its end)."""
    with running_office() as office:
        yield office
