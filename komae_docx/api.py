"""The public API: every job komae-docx does, each returning a :class:`~komae_docx.results.Result`.

The command line and the local page call only this module.  Each function takes paths (or a
model) and returns the value together with the messages met on the way (one
:class:`~komae_docx.results.Message` type, with severity, code and location).  Errors that stop a
job are raised as :class:`~komae_docx.errors.KomaeDocxError` subclasses with Japanese messages.

Pipeline::

    read ──▶ Report ──▶ check / grade            (rules, pure)
                   └──▶ roll forward ──▶ draft    (output side: the city's own file is the template)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .checks import check_report
from .model import ProjectResult, Report
from .reading.reader import read_report_result
from .reading.results_file import match_results, read_results_file
from .results import Message, Result
from .rollover import Change
from .rules import PlanGrades, grade_report

Source = str | Path


def read(source: Source) -> Result[Report]:
    """Read a report (.docx) into the model, with the texts the reader could not place.

    >>> result = read("examples/r5_report.docx")
    >>> result.value.fiscal_year.text
    '令和5年度'
    """
    return read_report_result(source)


def check(source: Source | Result[Report]) -> Result[list[Message]]:
    """Check a report: the findings (errors first, then in document order).

    ``value`` and ``messages`` hold the same findings: the check's findings *are* its messages.

    >>> findings = check("examples/r5_report.docx").value
    >>> [f for f in findings if f.severity == "error"]
    []
    """
    read_result = source if isinstance(source, Result) else read(source)
    findings = check_report(read_result.value, read_result.messages)
    return Result(findings, list(findings))


def grade(
    source: Source | Result[Report], results: Source | Mapping[str, ProjectResult] | None = None
) -> Result[list[PlanGrades]]:
    """Grade every measure by the report's own rule from the project results.

    ``results`` is a results file (.yaml / .json, keyed by project id) or a mapping; without it
    the results chosen in the draft's controls are used.

    >>> plans = grade("examples/r5_report.docx").value
    >>> [plan.plan_key for plan in plans]
    ['1', '2']
    """
    read_result = source if isinstance(source, Result) else read(source)
    messages = list(read_result.messages)
    chosen: Mapping[str, ProjectResult] | None
    if results is None or isinstance(results, Mapping):
        chosen = results
    else:
        match = match_results(read_result.value, read_results_file(results))
        chosen = match.results
        messages += match.messages
    return Result(grade_report(read_result.value, chosen), messages)


@dataclass(frozen=True)
class Draft:
    """What :func:`draft` made: the path written and the change log of the roll-forward."""

    path: Path
    changes: list[Change]


def draft(
    last_year: Source,
    target: Source,
    *,
    carry_text: bool = False,
    template: Source | None = None,
    force: bool = False,
) -> Result[Draft]:
    """Write next year's draft of ``last_year``'s report to ``target`` (atomically).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r6_draft.docx"
    >>> made = draft("examples/r5_report.docx", out).value
    >>> made.path == out, len(made.changes) > 0
    (True, True)
    """
    from .writing.writer import write_draft

    rolled = write_draft(last_year, target, carry_text=carry_text, template_dir=template, force=force)
    return Result(Draft(Path(target), rolled.changes), [])


def render(
    report: Report, target: Source, *, template: Source | None = None, force: bool = False
) -> Result[Path]:
    """Write the model as it is (same year) in the city's layout.

    >>> import tempfile, pathlib
    >>> report = read("examples/r5_report.docx").value
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r5_again.docx"
    >>> render(report, out).value == out
    True
    """
    from .writing.writer import write_report

    write_report(report, target, force=force, template_dir=template)
    return Result(Path(target), [])
