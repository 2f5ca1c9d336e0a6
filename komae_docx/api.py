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

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from .checks import check_report
from .filekind import FileKind, judge, require
from .filekind import label as kind_label
from .model import ProjectOutcome, Report
from .progress import Status, incomplete_items, looks_like_draft, with_result_errors
from .reading.reader import read_report_result
from .reading.results_file import match_results, read_results_file
from .results import Location, Message, Result
from .rollover import Change
from .rules import PlanGrades, grade_report

Source = str | Path

REVIEW_MARK_CODES = ("finalize.tracked_changes", "finalize.comments")
"""Codes of :func:`finalize`'s refusal items that are not work left but marks a published report may
not carry (tracked changes, other people's comments)."""

if TYPE_CHECKING:
    from .package import Package
    from .trend import Trend
    from .writing.merge import Conflict as MergeConflict
    from .writing.merge import Copy as MergeCopy
    from .writing.merge import Filled as MergedCell
    from .writing.merge import Outside as NotMerged
    from .writing.split import CopyMark as MergeMark
    from .yearcompare import Comparison, YearResults


def read(source: Source | Package) -> Result[Report]:
    """Read a report (.docx) into the model, with the texts the reader could not place.

    A job that also edits the file opens it once (:func:`~komae_docx.package.open_package`) and
    passes the package: the reader reads the tree the writer edits, parsed once.

    >>> result = read("examples/r5_report.docx")
    >>> result.value.fiscal_year.text
    '令和5年度'
    """
    return read_report_result(source)


def identify(source: Source | Result[Report]) -> Result[FileKind]:
    """What the file is: a published report, a fresh draft, a draft being filled, a filled draft,
    an interim version or a finalized report (:class:`~komae_docx.filekind.FileKind`, with a
    Japanese ``label``).  Every command and screen takes its judgement from here.

    >>> kind = identify("examples/r5_report.docx").value
    >>> kind.value, kind.label
    ('published', '公表済みの報告書')
    """
    read_result = source if isinstance(source, Result) else read(source)
    return Result(judge(read_result.value), list(read_result.messages))


def check(source: Source | Result[Report], *, layout: bool = False) -> Result[list[Message]]:
    """Check a report: the findings (errors first, then in document order).

    ``value`` and ``messages`` hold the same findings: the check's findings *are* its messages.
    A draft is checked as a draft: what is left to fill in (``incomplete.*``, per department), no
    評価総括表 mismatches.  ``layout=True`` also lays the file out with LibreOffice and compares
    every printed page reference (評価総括表, 目次, 「P.21」) with it; that needs a file, not a model,
    and raises :class:`~komae_docx.errors.LayoutError` when LibreOffice is missing.

    >>> findings = check("examples/r5_report.docx").value
    >>> [f for f in findings if f.severity == "error"]
    []
    """
    read_result = source if isinstance(source, Result) else read(source)
    findings = check_report(read_result.value, read_result.messages)
    if layout:
        if isinstance(source, Result):
            from .errors import LayoutError

            raise LayoutError("頁の検査（layout）には報告書のファイルを指定してください")
        findings += _layout_findings(read_result.value, Path(source))
    return Result(findings, list(findings))


def _layout_findings(report: Report, path: Path) -> list[Message]:
    import tempfile

    from .checks import check_layout
    from .layout import convert_to_pdf, pdf_page_texts

    with tempfile.TemporaryDirectory(prefix="komae-check-") as outdir:
        pages = pdf_page_texts(convert_to_pdf(path, Path(outdir)))
    return check_layout(report, pages)


def grade(
    source: Source | Result[Report],
    results: Source | Mapping[str, ProjectOutcome] | None = None,
    *,
    with_draft_results: bool = False,
) -> Result[list[PlanGrades]]:
    """Grade every measure by the report's own rule (序章 3): Σk / Σn of its projects' annual targets.

    ``results`` is a results file (.yaml / .json, keyed by project id; values 達成 / 未達成 /
    未評価 / "1/3") or a mapping; without it the file's own results are used
    (:func:`grades_in_file`: a draft's controls, a finalized report's results part, or a published
    report's printed grades).  A results file is used alone: a project it leaves out is listed
    (``results.missing_id``) and counts as 未評価, so its measure stays 未確定;
    ``with_draft_results`` takes such a project's result from the report's own cells instead
    (:func:`result_sources` counts how many came from each).  Bad values are error messages naming
    the project, its sheet and row; those projects stay undetermined.

    >>> plans = grade("examples/r5_report.docx").value
    >>> [plan.plan_key for plan in plans]
    ['plan1', 'plan2']
    """
    read_result = source if isinstance(source, Result) else read(source)
    messages = list(read_result.messages)
    if results is None:
        return Result(grades_in_file(read_result.value), messages)
    chosen: Mapping[str, ProjectOutcome]
    if isinstance(results, Mapping):
        chosen = results
    else:
        match = match_results(read_result.value, read_results_file(results), alone=not with_draft_results)
        chosen = match.results if with_draft_results else _file_alone(read_result.value, match.results)
        messages += match.messages
    return Result(grade_report(read_result.value, chosen), messages)


def _file_alone(report: Report, given: Mapping[str, ProjectOutcome]) -> dict[str, ProjectOutcome]:
    """Every project's result from the file; one it leaves out is 未評価 (not the report's cell)."""
    return {project.id: given.get(project.id, "未評価") for _, _, project in report.iter_projects()}


def result_sources(report: Report, results: Source) -> tuple[int, int]:
    """How many project results ``grade(…, with_draft_results=True)`` takes from the results file
    and how many from the report's own cells."""
    given = read_results_file(results).results
    ids = [project.id for _, _, project in report.iter_projects()]
    from_file = sum(1 for pid in ids if pid in given)
    from_cells = sum(
        1
        for _, _, project in report.iter_projects()
        if project.id not in given and project.result is not None
    )
    return from_file, from_cells


def grades_in_file(report: Report) -> list[PlanGrades]:
    """The grades the file itself gives: from a draft's result controls; from the results part of
    a report ``finalize`` made (the same grades and shares it printed); for a published report
    without that part (every report before this tool), the grades printed on its sheets, marked
    ``printed`` (「公表済みの評価」: the per-project results are not in the file)."""
    from .record import recorded_results
    from .rules import printed_grades

    recorded = recorded_results(report)
    if recorded is not None:
        return grade_report(report, recorded)
    grades = grade_report(report)
    if judge(report) is FileKind.PUBLISHED:
        return printed_grades(report, grades)
    return grades


def status(source: Source | Result[Report]) -> Result[Status]:
    """Where a draft stands: what is still empty or undetermined, per department, and the grades so far.

    ``Status.items`` is the list staff send round (each item's ``location.department`` names the
    担当課 in charge); ``finalize`` refuses to finish while it is not empty.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r6_draft.docx"
    >>> _ = draft("examples/r5_report.docx", out)
    >>> now = status(out).value
    >>> now.is_draft, len(now.items) > 0, "福祉政策課" in now.by_department()
    (True, True, True)
    """
    read_result = source if isinstance(source, Result) else read(source)
    report = read_result.value
    items = with_result_errors(incomplete_items(report), read_result.messages)
    current = Status(looks_like_draft(report), items, grades_in_file(report))
    return Result(current, list(read_result.messages))


@dataclass(frozen=True)
class Draft:
    """What :func:`draft` made: the path written and the change log of the roll-forward."""

    path: Path
    changes: list[Change]
    source_kind: str = ""
    """What the given file was (:func:`komae_docx.filekind.label`), for 「ファイルの種類」."""


def draft(
    last_year: Source,
    target: Source,
    *,
    carry_text: bool = False,
    template: Source | None = None,
    force: bool = False,
    from_draft: bool = False,
    with_outputs: Callable[[Draft], Sequence[tuple[Source, bytes]]] | None = None,
) -> Result[Draft]:
    """Write next year's draft of ``last_year``'s report to ``target``: read → roll forward → write.

    The draft is a copy of the city's own file with only the yearly content replaced (Word is the
    master); ``template`` (a template from :func:`make_template`, possibly edited; a folder holding
    ``report.docx`` also works) is used instead when given.  The messages are the reader's (text it
    could not place stays in the draft as written and is reported).  ``last_year`` must be a
    published report (:func:`identify`); anything else raises
    :class:`~komae_docx.errors.WrongFileKindError` naming what it is, unless ``from_draft`` (a
    department's copy is refused even then).  ``with_outputs`` gives the files to write with the
    draft (the command's ``--changes``): all of them are written, or none.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r6_draft.docx"
    >>> made = draft("examples/r5_report.docx", out).value
    >>> made.path == out, any(c.new == "令和6年度報告書" for c in made.changes)
    (True, True)
    """
    from .package import open_package
    from .rollover import roll_forward
    from .writing.writer import refuse_early, write_draft

    refuse_early(target, force, [last_year])
    package = open_package(last_year) if template is None else None
    last = read(package if package is not None else last_year)
    kind = judge(last.value)
    if not from_draft or kind is FileKind.DEPARTMENT_COPY:
        require("draft", kind, str(last_year), kind_label(last.value, kind))
    rolled = roll_forward(last.value)
    years = (last.value.fiscal_year.western_year, rolled.report.fiscal_year.western_year)

    def made(dated: Sequence[str]) -> Draft:
        changes = [*rolled.changes, *_dates_outside_the_model(dated, rolled.changes, *years)]
        return Draft(Path(target), changes, kind_label(last.value, kind))

    def more(dated: Sequence[str]) -> Sequence[tuple[Source, bytes]]:
        return with_outputs(made(dated)) if with_outputs is not None else []

    dated = write_draft(
        last.value,
        rolled.report,
        last_year,
        target,
        carry_text=carry_text,
        template=template,
        force=force,
        with_outputs=more,
        package=package,
    )
    return Result(made(dated), list(last.messages))


_OUTSIDE_THE_MODEL = "本文（モデルにない段落）"


def _dates_outside_the_model(
    dated: Sequence[str], logged: Sequence[Change], old: int, new: int
) -> list[Change]:
    """Paragraphs whose dates the draft moved that the roll-forward's log does not hold yet (text
    the model does not keep, such as a header, or a paragraph the reader could not place)."""
    from .rollover import roll_report_dates

    flat_logged = [_flat(change.old) for change in logged if change.old]
    return [
        Change(where=_OUTSIDE_THE_MODEL, field="日付", old=text, new=roll_report_dates(text, old, new))
        for text in dated
        if not any(_flat(text) in old_text for old_text in flat_logged)
    ]


def _flat(text: str) -> str:
    return "".join(text.split())


def make_template(last_year: Source, target: Source, *, force: bool = False) -> Result[Path]:
    """Write the template :func:`draft` derives from ``last_year`` (for IT staff to inspect or edit).

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "template.docx"
    >>> make_template("examples/r5_report.docx", out).value == out
    True
    """
    from .writing.writer import refuse_early, write_template

    refuse_early(target, force, [last_year])
    last = read(last_year)
    return Result(write_template(last.value, last_year, target, force=force), list(last.messages))


def render(
    report: Report, target: Source, *, template: Source | None = None, force: bool = False
) -> Result[Path]:
    """Write the model as it is (same year) into a template (by default the bundled one).

    The template holds the layout and the fixed wording; the model fills the yearly content (Do,
    Check, Act, results, grades, opinions, 評価総括表, the year's dates, publication).  A model of
    another layout than the template's is refused; a text of the model the template words
    differently is reported (``render.not_in_template``), never dropped silently.

    >>> import tempfile, pathlib
    >>> report = read("examples/r5_report.docx").value
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "r5_again.docx"
    >>> done = render(report, out)
    >>> done.value == out, done.messages
    (True, [])
    """
    from .writing.writer import write_report

    path = write_report(report, target, force=force, template=template)
    return Result(path, _render_differences(report, read(path).value))


def _render_differences(wanted: Report, written: Report) -> list[Message]:
    """Texts of ``wanted`` that the written file holds otherwise (the template's own wording)."""
    from .writing.compare import model_differences

    return [
        Message(
            code="render.not_in_template",
            text="モデルのこの文はテンプレートの文言のまま書き出されました（テンプレートを直してください）",
            location=Location(section=where),
            expected=expected,
            found=found,
        )
        for where, expected, found in model_differences(wanted, written)
    ]


def results_template(draft: Source, target: Source, *, force: bool = False) -> Result[Path]:
    """Write a results file listing every project id of ``draft`` as 未評価, ready for ``grade``.

    ``.json`` targets get a plain mapping; any other target YAML with comments naming each
    project's plan, measure, title and department.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "results.yaml"
    >>> results_template("examples/r5_report.docx", out).value == out
    True
    """
    from .results_template import results_template_text
    from .safeio import write_text_atomic

    read_result = read(draft)
    kind = "json" if Path(target).suffix.lower() == ".json" else "yaml"
    text = results_template_text(read_result.value, kind)
    write_text_atomic(target, text, force=force, inputs=[draft])
    return Result(Path(target), list(read_result.messages))


def _recorded_elsewhere(message: Message, recorded: Mapping[str, ProjectOutcome]) -> bool:
    """A results file that leaves out a project whose result the report already keeps (an interim
    version finished with the results still missing) leaves out nothing."""
    from .rules import target_count

    project = message.location.project
    return (
        message.code == "results.missing_id"
        and project is not None
        and target_count(recorded.get(project)) is not None
    )


@dataclass(frozen=True)
class Finalized:
    """What :func:`finalize` did (see its example).

    ``path`` is None when nothing was written (work left and no ``allow_incomplete``); ``incomplete``
    lists what is left (severity error), each with its place and department; ``pages`` says how the
    page numbers were made: measured in LibreOffice's layout, or fields Word updates on opening.
    """

    path: Path | None
    interim: bool
    grades: list[PlanGrades]
    incomplete: list[Message]
    pages: Literal["libreoffice", "fields"]
    number_form: str = "R7-〇〇"
    source_kind: str = ""
    """What the given file was (:func:`komae_docx.filekind.label`), for 「ファイルの種類」."""
    """The form of this report's 刊行物番号, of its publication year (``R7-〇〇``), for a refusal
    that only the number is missing."""


def finalize(
    filled: Source,
    target: Source,
    *,
    results: Source | None = None,
    number: str | None = None,
    allow_incomplete: bool = False,
    pages: Literal["auto", "libreoffice", "fields"] = "auto",
    force: bool = False,
    show_results: bool = False,
    accept_changes: bool = False,
    drop_comments: bool = False,
) -> Result[Finalized]:
    """Turn the draft the departments filled in into the published report at ``target``.

    The filled draft is edited in place (Word is the master): grades on the sheets, both
    評価総括表, real page numbers (``pages="auto"``: LibreOffice when installed, else fields Word
    updates), entry controls, the tool's comments and entry shading removed, ``number`` over the
    publication number placeholder.  While anything is incomplete nothing is written and the items
    come back as errors; ``allow_incomplete`` writes an interim version marked 「（中間）」.

    The published report is in the city's layout: each project's Check cell gets back what the
    city's file had there (empty or 「/」) and only the measures' grade cells carry the evaluation;
    ``show_results`` prints each project's result in its Check cell instead.  Either way the
    project results travel inside the file (its results part), so :func:`grade` of the report
    gives the same grades and shares.  ``number`` (``R7-15``; full-width folded) must be of the
    report's publication year.  A published report is refused
    (:class:`~komae_docx.errors.WrongFileKindError`), nothing written.

    A published report carries no tracked changes and no comments of other people: while any
    remain, nothing is written either and each comes back as an error with its place
    (``finalize.tracked_changes``, ``finalize.comments``); ``accept_changes`` accepts them all as the
    reader reads them, ``drop_comments`` removes the comments.  変更履歴の記録 is switched off.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> fresh = draft("examples/r5_report.docx", folder / "r6_draft.docx").value
    >>> left = finalize(fresh.path, folder / "r6_report.docx", pages="fields").value
    >>> left.path is None, len(left.incomplete) > 0      # nothing filled in yet: nothing written
    (True, True)
    >>> interim = finalize(fresh.path, folder / "r6_interim.docx", pages="fields", allow_incomplete=True)
    >>> interim.value.interim, interim.value.path.name
    (True, 'r6_interim.docx')
    """
    from .layout import libreoffice_available
    from .package import open_package
    from .record import recorded_results
    from .rollover import publication_prefix
    from .rules import all_determined
    from .safeio import check_outputs, write_bytes_atomic
    from .writing.copymarks import without_copy_marks
    from .writing.finalize import FinalizeOptions, number_of_year, validate_number, with_printed_grades
    from .writing.publish import finalize_document
    from .writing.revisions import review_findings

    inputs = [filled, *([results] if results is not None else [])]
    if number is not None:
        number = validate_number(number)
    check_outputs([(target, "-o")], inputs=inputs, force=force)
    mode: Literal["libreoffice", "fields"] = (
        ("libreoffice" if libreoffice_available() else "fields") if pages == "auto" else pages
    )
    package = open_package(filled)  # once: read, checked and edited in the same tree
    read_result = read(package)
    report = read_result.value
    kind = judge(report)
    require("finalize", kind, str(filled), kind_label(report, kind))
    if number is not None:
        number_of_year(number, report, str(filled))
    messages = list(read_result.messages)
    chosen: Mapping[str, ProjectOutcome] | None = recorded_results(report)
    if results is not None:
        match = match_results(report, read_results_file(results))
        recorded = chosen or {}
        chosen = {**recorded, **match.results}
        messages += [m for m in match.messages if not _recorded_elsewhere(m, recorded)]
    grades = grade_report(report, chosen)
    if chosen is None:
        grades = with_printed_grades(report, grades)
    left = [
        item
        for item in with_result_errors(incomplete_items(report, chosen, severity="error"), messages)
        if not (number is not None and item.code == "incomplete.number")
    ]
    blocking = review_findings(package, report, accept_changes=accept_changes, drop_comments=drop_comments)
    if (left and not allow_incomplete) or blocking:
        form = f"{publication_prefix(report.publication)}-〇〇"
        refused = [*([] if allow_incomplete else left), *blocking]
        done = Finalized(None, False, grades, refused, mode, form, kind_label(report, kind))
        return Result(done, [*messages, *refused])
    interim = bool(left) or not all_determined(grades)
    options = FinalizeOptions(
        number=number,
        interim=interim,
        pages=mode,
        show_results=show_results,
        accept_changes=accept_changes,
        drop_comments=drop_comments,
    )
    document = finalize_document(package, report, grades, options, chosen)
    write_bytes_atomic(target, without_copy_marks(document.data), force=force, inputs=inputs)
    shown = [item.model_copy(update={"severity": "warning"}) for item in left]
    finalized = Finalized(Path(target), interim, grades, shown, mode, source_kind=kind_label(report, kind))
    return Result(finalized, [*messages, *shown, *document.messages])


@dataclass(frozen=True)
class DepartmentCopy:
    """One copy :func:`split` wrote: its path, its department and how many cells it opens."""

    path: Path
    department: str
    code: str
    cells: int


@dataclass(frozen=True)
class Split:
    """What :func:`split` wrote: one copy per 担当課 that has projects, in the report's order."""

    folder: Path
    copies: list[DepartmentCopy]
    source_kind: str = ""
    """What the given file was (:func:`komae_docx.filekind.label`), for 「ファイルの種類」."""


def split(draft: Source, folder: Source, *, force: bool = False) -> Result[Split]:
    """Write one copy of ``draft`` per 担当課 into ``folder`` (made when its parent exists).

    Each copy is the whole draft, read-only in Word except the department's own entry cells (Do,
    Act, the result control of its projects; the editor's copy also the committee's opinions), and
    records its department and draft for :func:`merge`.  All copies are written, or none.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> made = draft("examples/r5_report.docx", folder / "r6_draft.docx").value
    >>> copies = split(made.path, folder / "copies").value.copies
    >>> len(copies), copies[0].path.name
    (8, 'r6_draft_地域活性課.docx')
    """
    from .entrycells import departments_with_projects, draft_identity, entry_cells
    from .errors import NotAReportError, OutputError
    from .package import open_package, refuse_strict
    from .safeio import write_all_atomic
    from .writing.split import split_copies

    package = open_package(draft)
    read_result = read(package)
    report = read_result.value
    kind = judge(report)
    require("split", kind, str(draft), kind_label(report, kind))
    cells = entry_cells(report)
    departments = departments_with_projects(report, cells)
    if not departments:
        raise NotAReportError("担当課の表にある課が担当する事業がないため、課ごとに分けられません", draft)
    refuse_strict(package, "課ごとに分けられません")
    copies = split_copies(package, cells, departments, draft_identity(report))
    out = Path(folder)
    created = False
    if not out.exists() and out.parent.is_dir():
        try:
            out.mkdir()
        except OSError as exc:
            from .errors import os_error_text

            raise OutputError(f"フォルダーを作れません（{os_error_text(exc)}）", out) from exc
        created = True
    if out.exists() and not out.is_dir():
        raise OutputError("出力先はフォルダーを指定してください（ファイルがあります）", out)
    try:
        write_all_atomic([(out / c.name, c.data) for c in copies], force=force, inputs=[draft])
    except BaseException:  # Ctrl+C too: a folder made for the copies goes with them, if still empty
        if created:
            import contextlib

            with contextlib.suppress(OSError):
                out.rmdir()
        raise
    made = [DepartmentCopy(out / c.name, c.mark.department, c.mark.code, c.cells) for c in copies]
    return Result(Split(out, made, kind_label(report, kind)), list(read_result.messages))


@dataclass(frozen=True)
class Merged:
    """What :func:`merge` did (see :mod:`komae_docx.writing.merge` for the rules).

    ``path`` is None when nothing was written: a conflict no ``prefer`` settled.  ``filled`` is the
    merge log (who filled what), ``conflicts`` two copies' different texts for one cell,
    ``outside`` changes not merged (outside the entry cells, another department's cell), ``kept``
    cells a copy left empty where text stays, ``dropped`` what a merged cell held that the draft
    cannot take.
    """

    path: Path | None
    filled: list[MergedCell]
    conflicts: list[MergeConflict]
    outside: list[NotMerged]
    kept: list[MergedCell]
    dropped: list[NotMerged]
    copies: int = 0
    """How many different copies were merged (a copy given twice counts once)."""
    source_kind: str = ""
    """What the given file was (:func:`komae_docx.filekind.label`), for 「ファイルの種類」."""

    @property
    def unresolved(self) -> list[MergeConflict]:
        return [conflict for conflict in self.conflicts if conflict.chosen is None]


def merge(
    draft: Source,
    copies: Sequence[Source],
    target: Source,
    *,
    prefer: Source | None = None,
    force: bool = False,
    with_outputs: Callable[[Merged], Sequence[tuple[Source, bytes]]] | None = None,
) -> Result[Merged]:
    """Merge the departments' copies of ``draft`` into one draft at ``target``.

    Each entry cell is taken from the copy that changed it; a copy made by :func:`split` only in its
    department's cells.  Two copies that changed a cell differently are a conflict: nothing is
    written (``path`` None, the conflicts as errors) unless ``prefer`` names the copy to follow.  A
    copy of another draft is refused (:class:`~komae_docx.errors.NotAReportError`).  A copy may
    also be a folder (its .docx files) or a wildcard pattern (``写し/*.docx``); Word's owner files
    (``~$…``) and LibreOffice's lock files are skipped with a message (:mod:`komae_docx.filelists`).
    ``with_outputs`` gives the files to write with the merged draft (the command's ``--changes``):
    all of them are written, or none.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> made = draft("examples/r5_report.docx", folder / "r6_draft.docx").value
    >>> parts = [c.path for c in split(made.path, folder / "copies").value.copies]
    >>> merged = merge(made.path, parts, folder / "r6_merged.docx").value
    >>> merged.path.name, merged.filled, merged.conflicts
    ('r6_merged.docx', [], [])
    """
    from .filelists import documents
    from .package import open_package
    from .safeio import check_outputs, write_all_atomic
    from .writing.copymarks import without_copy_marks
    from .writing.finalize import open_filled
    from .writing.merge import merge_copies

    given = documents(copies)
    copies = given.value
    inputs = [draft, *copies]
    check_outputs([(target, "-o")], inputs=inputs, force=force)
    preferred = _preferred_label(copies, prefer)
    package = open_package(draft)
    master = read(package)
    kind = judge(master.value)
    require("merge", kind, str(draft), kind_label(master.value, kind))
    read_notes: list[Message] = []
    loaded: list[str] = []
    copies_read = _copies_one_at_a_time(master.value, package, copies, read_notes, loaded)
    outcome = merge_copies(master.value, open_filled(package), copies_read, preferred)
    path = Path(target) if outcome.data is not None else None
    merged = Merged(
        path,
        outcome.filled,
        outcome.conflicts,
        outcome.outside,
        outcome.kept,
        outcome.dropped,
        len(loaded),
        kind_label(master.value),
    )
    if outcome.data is not None:
        more = list(with_outputs(merged)) if with_outputs is not None else []
        files = [(target, without_copy_marks(outcome.data)), *more]
        write_all_atomic(files, force=force, inputs=inputs)
    return Result(merged, [*given.messages, *master.messages, *read_notes, *merge_messages(merged)])


def _copies_one_at_a_time(
    master: Report, package: Package, copies: Sequence[Source], notes: list[Message], loaded: list[str]
) -> Iterator[MergeCopy]:
    """Each copy opened once, when the merge asks for it, judged, and let go before the next: only
    the draft and one copy are in memory.  A copy must be a copy of the draft by content
    (:mod:`.copycheck`), whatever mark it carries, and not far larger than the draft (refused before
    its main part is parsed); a copy given twice (also under another name) is merged once.  A
    refusal names the file; nothing is written then.  ``loaded`` gets the label of each copy merged."""
    from .copycheck import first_difference
    from .errors import NotAReportError
    from .package import open_package
    from .writing.merge import Copy

    draft_size = package.entry_size(package.main)
    seen: dict[str, Source] = {}
    for source in _unique(copies, notes):
        opened = open_package(source, check_main=_not_far_larger(draft_size))
        copy_read = read(opened)
        _refuse_unless_copy_of(master, copy_read, source)
        digest = opened.fingerprint()
        if digest in seen:
            notes.append(_twice(source, seen[digest]))
            continue
        seen[digest] = source
        difference = first_difference(master, copy_read.value)
        if difference is not None:
            raise NotAReportError(f"この案の写しではありません：{difference}", source)
        notes.extend(_in_copy(message, source) for message in copy_read.messages)
        loaded.append(str(source))
        yield Copy(str(source), _mark_of(copy_read.value), copy_read.value, opened)
        del opened, copy_read


def _refuse_unless_copy_of(master: Report, copy_read: Result[Report], source: Source) -> None:
    """Refuse a file that is no draft nor department's copy, or whose copy mark cannot be read."""
    from .errors import NotAReportError

    broken = next((m for m in copy_read.messages if m.code == "reader.custom_properties"), None)
    if broken is not None:
        text = (
            "文書のプロパティ（docProps/custom.xml）が壊れているため、この案の写しか確かめられません"
            f"（{broken.found}）。各課に配り直した写しか、案の写しを指定してください"
        )
        raise NotAReportError(text, source)
    copy_kind = judge(copy_read.value)
    if not (copy_kind.is_draft or copy_kind is FileKind.DEPARTMENT_COPY):
        theirs, ours = copy_read.value.fiscal_year.text, master.fiscal_year.text
        year = f"（{theirs}）" if theirs != ours else ""
        raise NotAReportError(
            f"このファイルは{kind_label(copy_read.value, copy_kind)}{year}で、"
            f"この案（{ours}）の写しではありません。各課が記入した写しを指定してください",
            source,
        )


def _unique(copies: Sequence[Source], notes: list[Message]) -> list[Source]:
    """The copies without one given twice (the same file under two names too)."""
    out: list[Source] = []
    for source in copies:
        same = next((given for given in out if _same_file(given, source)), None)
        if same is None:
            out.append(source)
        else:
            notes.append(_twice(source, same))
    return out


def _same_file(first: Source, second: Source) -> bool:
    import os

    try:
        return str(first) == str(second) or bool(os.path.samefile(first, second))
    except OSError:
        return False


def _twice(source: Source, first: Source) -> Message:
    text = (
        f"「{source}」は「{first}」と同じ写しです。一度だけまとめました"
        if str(source) != str(first)
        else f"「{source}」が二度指定されています。一度だけまとめました"
    )
    return Message(severity="warning", code="merge.same_copy", text=text, location=Location(section="写し"))


def _mark_of(report: Report) -> MergeMark | None:
    from .writing.split import CopyMark

    mark = report.split_mark
    return CopyMark(mark.department, mark.code, mark.draft) if mark is not None else None


_COPY_GROWTH = 4
_COPY_MARGIN = 2 * 1024 * 1024


def _not_far_larger(draft_size: int) -> Callable[[Package, str, int], None]:
    """A check that refuses a copy whose main part is far larger than the draft's, before it is
    parsed: a department fills in cells, it does not multiply the document (a copy of another
    file, or a pasted flood, would take the merge's memory past what a report needs)."""

    def check(package: Package, part: str, size: int) -> None:
        if size > _COPY_GROWTH * draft_size + _COPY_MARGIN:
            from .errors import InputFileError

            raise InputFileError(
                f"写しの本文（{_megabytes(size)}）が案の本文（{_megabytes(draft_size)}）より大きすぎるため"
                "取り込みません。この案から作った各課の写しか確かめてください",
                package.path,
                where=part,
            )

    return check


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def _in_copy(message: Message, source: Source) -> Message:
    """A reader message about a copy, naming the copy (a result the copy's control holds that is no
    result, such as 「達成未評価」, is not merged: the message says so)."""
    return message.model_copy(update={"text": f"「{source}」：{message.text}"})


def _preferred_label(copies: Sequence[Source], prefer: Source | None) -> str | None:
    if prefer is None:
        return None
    import os

    for copy in copies:
        try:
            if str(copy) == str(prefer) or os.path.samefile(copy, prefer):
                return str(copy)
        except OSError:
            continue
    from .errors import InputFileError

    raise InputFileError(
        "--prefer のファイルが、まとめる写しの中にありません。写しの一つを指定してください", prefer
    )


def merge_messages(merged: Merged) -> list[Message]:
    """The merge's findings as messages: conflicts (errors while unresolved), changes not merged,
    what was left out, the cells kept, and the log of cells taken."""
    messages: list[Message] = []
    for conflict in merged.conflicts:
        first, second = conflict.first, conflict.second
        text = (
            f"「{first.file}」（{first.department}）と「{second.file}」（{second.department}）が"
            f"違う内容を記入しています：「{_short(first.text)}」／「{_short(second.text)}」"
        )
        if conflict.chosen is not None:
            text += f"。「{conflict.chosen}」の記入を採りました"
        severity: Literal["error", "warning"] = "error" if conflict.chosen is None else "warning"
        messages.append(
            Message(severity=severity, code="merge.conflict", text=text, location=conflict.location)
        )
    messages += _others_cells(merged)
    for item in [*[o for o in merged.outside if not o.others_cell], *merged.dropped]:
        code = "merge.dropped" if item in merged.dropped else "merge.outside"
        text = f"「{item.file}」（{item.department}）の{item.what}：{item.reason}"
        messages.append(
            Message(
                code=code,
                text=text,
                location=item.location,
                expected=_short(item.master) if item.master else None,
                found=_short(item.copy) if item.copy else None,
            )
        )
    for cell in merged.kept:
        text = f"「{cell.file}」ではこの欄が空ですが、空欄では上書きしません"
        messages.append(Message(severity="info", code="merge.kept", text=text, location=cell.location))
    for cell in merged.filled:
        text = f"「{cell.file}」（{cell.department}）の記入を取り込みました"
        messages.append(
            Message(
                severity="info",
                code="merge.filled",
                text=text,
                location=cell.location,
                found=_short(cell.text),
            )
        )
    return messages


def _others_cells(merged: Merged) -> list[Message]:
    """Edits a department's copy made in other departments' cells: one warning per copy and kind of
    cell, with the count (a department that typed into all 35 Do cells gets one line, not 35)."""
    counts: dict[tuple[str, str, str], int] = {}
    for item in merged.outside:
        if item.others_cell:
            key = (item.file, item.department, item.what)
            counts[key] = counts.get(key, 0) + 1
    return [
        Message(
            code="merge.others_cells",
            text=(
                f"「{file}」（{department}）は、ほかの課の{what}欄を {count} か所変えています。"
                f"ほかの課の欄は、その課の写しから取り込むため、この写しからは取り込みません"
            ),
            location=Location(section="写し"),
        )
        for (file, department, what), count in counts.items()
    ]


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --------------------------------------------------------------------------- the committee's view


def year_results(source: Source | Result[Report], file: str | None = None) -> Result[YearResults]:
    """One year as :func:`compare` and :func:`trend` see it: the model, the grades the file gives
    (:func:`grades_in_file`: a draft's cells, a finalized report's results part, an older report's
    printed grades) and each project's result where the file holds one."""
    from .record import recorded_results
    from .rules import outcome_text, target_count
    from .yearcompare import YearResults

    read_result = source if isinstance(source, Result) else read(source)
    report = read_result.value
    kind = judge(report)
    grades = grades_in_file(report)
    recorded = recorded_results(report)
    chosen: Mapping[str, ProjectOutcome | None] = (
        recorded if recorded is not None else {p.id: p.result for _, _, p in report.iter_projects()}
    )
    outcomes = {pid: outcome_text(value) for pid, value in chosen.items() if target_count(value) is not None}
    if recorded is not None and report.record is not None:  # as staff gave it: 達成, not 1/1
        outcomes = {p.id: p.value for p in report.record.projects if p.id in outcomes}
    if recorded is not None:
        where: Literal["cells", "record", "printed"] = "record"
    elif kind is FileKind.PUBLISHED and not outcomes:
        where = "printed"
    else:
        where = "cells"
    name = file if file is not None else ("" if isinstance(source, Result) else str(source))
    year = YearResults(name, report, grades, outcomes, where, kind.value, kind.label)
    return Result(year, list(read_result.messages))


def compare(
    last_year: Source, this_year: Source, *, handout: Source | None = None, force: bool = False
) -> Result[Comparison]:
    """What changed from ``last_year`` (a published report) to ``this_year`` (a published report or
    a draft being filled): measures that moved (grade and share in each year), projects whose result
    changed, and the plan's revisions, each match saying how it was made
    (:mod:`komae_docx.yearcompare`).  ``handout`` writes the committee's Word handout (A4 landscape).

    A ``last_year`` that is no published report, or two files of different plans, raise
    :class:`~komae_docx.errors.WrongFileKindError`; nothing is written.

    >>> same = compare("examples/r5_report.docx", "examples/r5_report.docx").value
    >>> same.nothing_changed, len(same.measures)
    (True, 13)
    """
    from .safeio import check_outputs, write_bytes_atomic
    from .yearcompare import compare_years

    if handout is not None:
        check_outputs([(handout, "-o")], inputs=[last_year, this_year], force=force)
    last = year_results(last_year)
    this = year_results(this_year)
    _require_published(last.value, "compare")
    _require_same_plan([last.value, this.value], "compare")
    _require_older_first(last.value, this.value)
    comparison = compare_years(last.value, this.value)
    if handout is not None:
        from .writing.handout import comparison_handout

        data = comparison_handout(comparison)
        write_bytes_atomic(handout, data, force=force, inputs=[last_year, this_year])
    return Result(comparison, [*_named(last.messages, last_year), *_named(this.messages, this_year)])


def trend(
    reports: Sequence[Source],
    *,
    handout: Source | None = None,
    csv: Source | None = None,
    force: bool = False,
) -> Result[Trend]:
    """Two or more published reports of one plan, in any order, as a table of measures × years
    (grade and share; 「―」 where a measure is absent, the revision noted).  ``handout`` writes the
    Word handout with the chart (grade distribution per year, each measure's share over the years),
    ``csv`` the table (UTF-8 with BOM, for Excel); all outputs or none.

    The same fiscal year twice is refused naming both files
    (:class:`~komae_docx.errors.InputFileError`), as is a report of another plan.
    """
    from .errors import InputFileError
    from .safeio import check_distinct, check_outputs, write_all_atomic
    from .trend import build_trend, trend_csv_rows

    if len(reports) < 2:
        raise InputFileError("推移には同じ計画の報告書を 2 つ以上指定してください")
    outputs = [(path, option) for path, option in ((handout, "-o"), (csv, "--csv")) if path is not None]
    check_distinct(outputs, inputs=list(reports))
    check_outputs(outputs, inputs=list(reports), force=force)
    years = [year_results(source) for source in reports]
    for year in years:
        _require_published(year.value, "trend")
    _require_same_plan([year.value for year in years], "trend")
    seen: dict[int, Source] = {}
    for source, year in zip(reports, years, strict=True):
        western = year.value.report.fiscal_year.western_year
        if western in seen:
            raise InputFileError(
                f"同じ年度（{year.value.report.fiscal_year.text}）の報告書が 2 つあります："
                f"「{seen[western]}」と「{source}」。年度ごとに 1 つ指定してください"
            )
        seen[western] = source
    table = build_trend([year.value for year in years])
    files: list[tuple[Source, bytes]] = []
    if handout is not None:
        from .writing.handout import trend_handout

        files.append((handout, trend_handout(table)))
    if csv is not None:
        text = _csv_text(trend_csv_rows(table))
        files.append((csv, text.encode("utf-8-sig")))
    if files:
        write_all_atomic(files, force=force, inputs=list(reports))
    return Result(
        table, [m for source, year in zip(reports, years, strict=True) for m in _named(year.messages, source)]
    )


def _named(messages: Sequence[Message], source: Source) -> list[Message]:
    """A reader's messages about one of several files, each naming its file."""
    return [message.model_copy(update={"text": f"「{source}」：{message.text}"}) for message in messages]


def _csv_text(rows: Sequence[Sequence[str]]) -> str:
    import csv as csv_module
    import io

    buffer = io.StringIO()
    csv_module.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def _require_published(year: YearResults, job: str) -> None:
    from .errors import WrongFileKindError

    kind = FileKind(year.kind)
    if kind.is_published:
        return
    what = "前年度" if job == "compare" else "推移に使う報告書"
    text = f"このファイルは{kind.label}です。{what}には公表済みの報告書を指定してください"
    raise WrongFileKindError(text, year.file, kind=year.kind, job=job)


def _require_older_first(last: YearResults, this: YearResults) -> None:
    """LAST is the earlier year (the same file twice compares a year with itself: nothing moved)."""
    from .errors import InputFileError

    before, after = last.report.fiscal_year, this.report.fiscal_year
    if before.western_year > after.western_year:
        raise InputFileError(
            f"前年度のファイルが{before.text}、今年度のファイルが{after.text}です。"
            "古い年度の報告書を先に、新しい年度の報告書を後に指定してください",
            last.file,
        )


def plan_identity(report: Report) -> str:
    """The plan a report is of: its cover's title lines without the year (「…第4次地域福祉計画及び
    重層的支援体制整備事業実施計画進捗管理」), widths and spaces folded."""
    from .textnorm import normalize_for_match

    return "".join(normalize_for_match("".join(report.cover.title_lines)).split())


def _require_same_plan(years: Sequence[YearResults], job: str) -> None:
    from .errors import WrongFileKindError

    first = years[0]
    for other in years[1:]:
        keys = [p.key for p in other.report.plans] != [p.key for p in first.report.plans]
        if keys or plan_identity(other.report) != plan_identity(first.report):
            raise WrongFileKindError(
                f"このファイルは「{first.file}」とは別の計画の報告書です"
                f"（表紙：{' '.join(' '.join(other.report.cover.title_lines).split())}）。"
                "同じ計画の報告書どうしを比べてください",
                other.file,
                kind="other_plan",
                job=job,
            )
if TYPE_CHECKING:
    from .website.opendata import City


@dataclass(frozen=True)
class Published:
    """What :func:`publish` wrote into ``folder`` (None: not written).

    ``pdf`` is None when LibreOffice is not installed (the CSVs are written all the same, and a
    message says how to install it) or when only the open data was asked for; ``page_labels`` are
    the viewer's page numbers of the PDF's pages (the printed ones, 表紙 and 目次 by name).
    """

    folder: Path
    pdf: Path | None
    measures_csv: Path | None
    projects_csv: Path | None
    explanation: Path | None
    grades: list[PlanGrades]
    page_labels: list[str]


NO_LIBREOFFICE_TEXT = (
    "PDF を作るには LibreOffice が必要です。LibreOffice（と poppler-utils）をインストールしてから"
    "もう一度実行してください（Debian・Ubuntu：sudo apt install libreoffice-writer poppler-utils、"
    "Windows・Mac：LibreOffice の公式サイトからインストール）"
)


def publish(
    report: Source,
    folder: Source,
    *,
    pdf: bool = True,
    data: bool = True,
    city: City | None = None,
    name: str | None = None,
    force: bool = False,
) -> Result[Published]:
    """Write a published report for the city's website into ``folder`` (made when its parent exists):
    ``<name>.pdf``, a tagged PDF (PDF/UA-1) with the report's pages, and the open data
    ``<name>_施策.csv``, ``<name>_事業.csv`` with ``<name>_説明.txt`` (``name``: the report's file
    name without .docx).  All files are written, or none.

    ``report`` must be a published report (the city's, or one from :func:`finalize`); anything else
    raises :class:`~komae_docx.errors.WrongFileKindError`.  The PDF is exported from a fixed copy
    (:mod:`komae_docx.website.accessible`); the city's file is only read.  Without LibreOffice the
    open data is written and a warning says how to install it; with ``data=False`` (the PDF only)
    that is a :class:`~komae_docx.errors.LayoutError` instead.  ``city`` is a
    :class:`komae_docx.website.opendata.City` for a report of a city this tool does not know.

    >>> import tempfile, pathlib
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "web"
    >>> made = publish("examples/r5_report.docx", out, pdf=False).value
    >>> made.measures_csv.name, made.pdf
    ('r5_report_施策.csv', None)
    """
    from .errors import LayoutError, OutputError, WrongFileKindError
    from .filekind import JOB_NAMES, fitting_job
    from .layout import libreoffice_available
    from .safeio import check_outputs, write_all_atomic
    from .website.opendata import city_of, csv_bytes, explanation, open_data

    stem = name or Path(report).stem
    out = Path(folder)
    targets = {
        "pdf": out / f"{stem}.pdf",
        "measures": out / f"{stem}_施策.csv",
        "projects": out / f"{stem}_事業.csv",
        "explanation": out / f"{stem}_説明.txt",
    }
    if out.exists() and not out.is_dir():
        raise OutputError("出力先はフォルダーを指定してください（ファイルがあります）", out)
    if not pdf and not data:
        raise OutputError("書き出すものがありません（PDF かオープンデータのどちらかを選んでください）", out)
    make_pdf = pdf and libreoffice_available()
    if pdf and not data and not make_pdf:
        raise LayoutError(NO_LIBREOFFICE_TEXT, report)
    wanted = [k for k in targets if (k == "pdf" and make_pdf) or (k != "pdf" and data)]
    if out.is_dir():
        check_outputs([(targets[k], targets[k].name) for k in wanted], inputs=[report], force=force)
    read_result = read(report)
    model = read_result.value
    kind = judge(model)
    if not kind.is_published:
        text = (
            f"このファイルは{kind.label}です。ホームページ用に書き出すのは公表済みの報告書"
            f"（市の報告書か、finalize で仕上げた報告書）です。"
            f"このファイルには「{JOB_NAMES[fitting_job(kind)]}」が使えます"
        )
        raise WrongFileKindError(text, str(report), kind=kind.value, job="publish")
    messages = list(read_result.messages)
    grades = grades_in_file(model)
    files: list[tuple[Path, bytes]] = []
    labels: list[str] = []
    if make_pdf:
        from .website.accessible import accessible_copy
        from .website.pdfexport import export_pdf

        exported = export_pdf(accessible_copy(report, model), model)
        files.append((targets["pdf"], exported.data))
        labels = exported.labels
        if exported.unmatched_tables:
            messages.append(
                Message(
                    code="publish.table_spans",
                    text=f"PDF の表のうち {exported.unmatched_tables} 個は結合したセルの範囲を"
                    "付けられませんでした（LibreOffice の書き出しのまま）",
                )
            )
    elif pdf:
        text = NO_LIBREOFFICE_TEXT + "。CSV と説明は書き出しました"
        messages.append(Message(code="publish.no_libreoffice", text=text))
    chosen_city = city if city is not None else city_of(model)
    if data:
        tables = open_data(model, grades, chosen_city)
        if chosen_city is None:
            messages.append(
                Message(
                    code="publish.unknown_city",
                    text="報告書の市区町村が分からないため、全国地方公共団体コードの列を空欄にしました",
                )
            )
        files += [
            (targets["measures"], csv_bytes(tables.measures)),
            (targets["projects"], csv_bytes(tables.projects)),
            (targets["explanation"], explanation(stem, tables, model, chosen_city).encode("utf-8-sig")),
        ]
    created = _make_folder(out)
    try:
        write_all_atomic(files, force=force, inputs=[report])
    except Exception:
        if created:
            out.rmdir()
        raise
    written = {path for path, _ in files}
    done = {k: (path if path in written else None) for k, path in targets.items()}
    published = Published(
        out, done["pdf"], done["measures"], done["projects"], done["explanation"], grades, labels
    )
    return Result(published, messages)


def _make_folder(out: Path) -> bool:
    """Make ``out`` when only it is missing; True when it was made here."""
    if out.exists() or not out.parent.is_dir():
        return False
    from .errors import OutputError, os_error_text

    try:
        out.mkdir()
    except OSError as exc:
        raise OutputError(f"フォルダーを作れません（{os_error_text(exc)}）", out) from exc
    return True
