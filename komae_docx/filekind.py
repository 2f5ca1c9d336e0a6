"""What a file is, judged once for every command and every screen of the page.

The year's cycle passes one file through several hands: last year's published report → the
fresh draft (``draft``) → the draft being filled by the departments → the filled draft →
the published report (``finalize``; an interim version 「（中間）」 on the way).  Each step takes
one kind of file: :func:`judge` tells which kind a report is, :func:`refusal` says in Japanese why
a step does not take it and which step does.

Pure over the model (the results part is :attr:`Report.record`); :func:`komae_docx.api.identify`
reads a file and judges it.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal

from .errors import WrongFileKindError
from .model import Report
from .progress import DRAFT_MARK, INTERIM_MARK, incomplete_items, looks_like_draft

Job = Literal["draft", "status", "finalize", "split", "merge"]
"""The steps that take one kind of file (``komae-docx draft`` / ``status`` / ``finalize``; ``split``
and ``merge`` for the draft they split or merge into)."""


class FileKind(str, Enum):  # noqa: UP042 (StrEnum would change what str() and f-strings give)
    """The kind of a report file; ``value`` is stable for scripts, :attr:`label` is for staff."""

    PUBLISHED = "published"
    """A published report of the city (every report before this tool, last year's)."""
    FRESH_DRAFT = "fresh_draft"
    """Next year's draft as ``draft`` made it: nothing filled in yet."""
    DRAFT_IN_PROGRESS = "draft_in_progress"
    """A draft the departments are filling in: some entries written, some left."""
    FILLED_DRAFT = "filled_draft"
    """A draft with nothing left to fill in (the publication number may still be open)."""
    INTERIM = "interim"
    """``finalize --allow-incomplete``: a version marked 「（中間）」."""
    FINALIZED = "finalized"
    """A published report made by ``finalize`` (it keeps the project results inside the file)."""
    DEPARTMENT_COPY = "department_copy"
    """One department's copy of a draft (``split``): it goes back through ``merge``, never further."""

    @property
    def label(self) -> str:
        """The Japanese name staff read: 「公表済みの報告書」, 「記入中の案」, …"""
        return LABELS[self]

    @property
    def is_published(self) -> bool:
        """A published report: the city's or one ``finalize`` made (which is one too)."""
        return self in (FileKind.PUBLISHED, FileKind.FINALIZED)

    @property
    def is_draft(self) -> bool:
        return self in (FileKind.FRESH_DRAFT, FileKind.DRAFT_IN_PROGRESS, FileKind.FILLED_DRAFT)


LABELS: dict[FileKind, str] = {
    FileKind.PUBLISHED: "公表済みの報告書",
    FileKind.FRESH_DRAFT: "記入前の報告書（案）",
    FileKind.DRAFT_IN_PROGRESS: "記入中の報告書（案）",
    FileKind.FILLED_DRAFT: "記入済みの報告書（案）",
    FileKind.INTERIM: "中間版の報告書",
    FileKind.FINALIZED: "仕上げた報告書（公表用）",
    FileKind.DEPARTMENT_COPY: "担当課の写し（記入中）",
}


def label(report: Report, kind: FileKind | None = None) -> str:
    """The kind's label with what the file says of itself: 「福祉政策課の写し（記入中）」."""
    kind = judge(report) if kind is None else kind
    mark = report.split_mark
    if kind is FileKind.DEPARTMENT_COPY and mark is not None and mark.department:
        return f"{mark.department}の写し（記入中）"
    return kind.label


JOB_NAMES: dict[Job, str] = {
    "draft": "翌年度の案を作る（draft）",
    "status": "記入状況を見る（status）",
    "finalize": "報告書を仕上げる（finalize）",
    "split": "課ごとの写しを作る（split）",
    "merge": "各課の記入をまとめる（merge）",
}
"""Each step in the page's words, with the command's name."""


def judge(report: Report) -> FileKind:
    """The kind of ``report`` (see :class:`FileKind`).

    The order matters: a finalized report's results part says so outright; the cover's 「（中間）」
    marks an interim version; a draft has ungraded sheets, a placeholder number or 「（案）」;
    how far it is filled in decides which draft.  Anything else is a published report.
    """
    kind = _content_kind(report)
    if kind.is_draft and report.split_mark is not None:
        return FileKind.DEPARTMENT_COPY
    return kind


def _content_kind(report: Report) -> FileKind:
    """The kind by content alone; a split mark on a published report is no copy (only a hint)."""
    interim = _cover_has(report, INTERIM_MARK)
    if report.record is not None and report.record.stage in ("finalized", "interim"):
        return FileKind.INTERIM if interim or report.record.stage == "interim" else FileKind.FINALIZED
    if interim:
        return FileKind.INTERIM
    if looks_like_draft(report) or _cover_has(report, DRAFT_MARK):
        return _draft_kind(report)
    return FileKind.PUBLISHED


def _cover_has(report: Report, mark: str) -> bool:
    return mark in report.cover.report_title or any(mark in line for line in report.cover.title_lines)


def _draft_kind(report: Report) -> FileKind:
    """Fresh when every place to fill is still open, filled when none is (the number aside)."""
    left = [item for item in incomplete_items(report) if item.code != "incomplete.number"]
    if not left:
        return FileKind.FILLED_DRAFT
    places = sum(
        1 + 2 * len(project.entries)
        for plan in report.plans
        for measure in plan.iter_measures()
        for project in measure.projects
    ) + sum(len(plan.opinion_sheets) for plan in report.plans)
    return FileKind.FRESH_DRAFT if len(left) >= places else FileKind.DRAFT_IN_PROGRESS


ACCEPTED: dict[Job, frozenset[FileKind]] = {
    "draft": frozenset({FileKind.PUBLISHED, FileKind.FINALIZED}),
    "status": frozenset(FileKind),
    "finalize": frozenset(
        {FileKind.FRESH_DRAFT, FileKind.DRAFT_IN_PROGRESS, FileKind.FILLED_DRAFT, FileKind.INTERIM}
    ),
    "split": frozenset({FileKind.FRESH_DRAFT, FileKind.DRAFT_IN_PROGRESS, FileKind.FILLED_DRAFT}),
    "merge": frozenset({FileKind.FRESH_DRAFT, FileKind.DRAFT_IN_PROGRESS, FileKind.FILLED_DRAFT}),
}
"""Which kinds each step takes.  ``finalize`` takes every draft (an unfilled one is then listed,
not written) and an interim version (to finish it); ``draft`` takes a published report only
(the command's ``--from-draft`` lets any report through)."""


def fitting_job(kind: FileKind) -> Job:
    """The step this kind of file is for: a published report → draft; a filled draft → finalize."""
    if kind.is_published:
        return "draft"
    if kind in (FileKind.FILLED_DRAFT, FileKind.INTERIM):
        return "finalize"
    if kind is FileKind.DEPARTMENT_COPY:
        return "merge"
    return "status"


def accepts(job: Job, kind: FileKind) -> bool:
    return kind in ACCEPTED[job]


def refusal(job: Job, kind: FileKind, what: str | None = None) -> str | None:
    """Why ``job`` does not take this kind of file, and what to do (Japanese); None when it does.

    >>> refusal("draft", FileKind.FRESH_DRAFT)
    'このファイルは記入前の報告書（案）です。翌年度の案は前年度の公表済みの報告書から作ります。このファイルには「記入状況を見る（status）」が使えます'
    >>> refusal("finalize", FileKind.PUBLISHED)
    'このファイルは公表済みの報告書です。仕上げるのは各課が記入した報告書（案）です。このファイルには「翌年度の案を作る（draft）」が使えます'
    """
    if accepts(job, kind):
        return None
    said = f"このファイルは{what or kind.label}です。"
    if kind is FileKind.DEPARTMENT_COPY and job == "merge":
        return (
            f"{said}各課の写しは、まとめる写しの方に指定します。"
            "もとの案には、課ごとに分ける前の報告書（案）を指定してください"
        )
    if kind is FileKind.DEPARTMENT_COPY:
        why = "各課の写しは、記入が済んだら案にまとめます（写しから報告書や翌年度の案は作りません）。"
        return f"{said}{why}「{JOB_NAMES['merge']}」で、分ける前の案と各課の写しをまとめてください"
    if job == "draft":
        why = "翌年度の案は前年度の公表済みの報告書から作ります。"
    elif job in ("split", "merge"):
        why = "課ごとに分け、各課の記入をまとめるのは、翌年度の報告書（案）です。"
    else:
        why = "仕上げるのは各課が記入した報告書（案）です。"
    return f"{said}{why}このファイルには「{JOB_NAMES[fitting_job(kind)]}」が使えます"


def require(job: Job, kind: FileKind, path: str | None = None, what: str | None = None) -> None:
    """Raise :class:`~komae_docx.errors.WrongFileKindError` (exit 2) when ``job`` does not take ``kind``
    (``what``: the file's own label, :func:`label`)."""
    text = refusal(job, kind, what)
    if text is not None:
        raise WrongFileKindError(text, path, kind=kind.value, job=job)
