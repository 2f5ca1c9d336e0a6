"""Which screen takes which kind of file, and what the page says when a file came to the wrong one.

The judgement of what a file is, and which step takes which kind, come from one place
(:mod:`komae_docx.filekind`: ``judge`` and ``ACCEPTED``, the CLI's table too); this module holds
only the screens' titles and the Japanese sentence that names the kind and the screens to use
instead.  Nothing is written for a refused file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ...filekind import FileKind, Job, accepts, fitting_job, judge
from ...filekind import label as kind_label
from ...model import Report

Screen = Literal["draft", "status", "finalize", "merge", "publish", "compare"]

SCREEN_TITLE: dict[Screen, str] = {
    "draft": "翌年度の案を作る",
    "status": "記入状況を見る",
    "finalize": "報告書を仕上げる",
    "merge": "各課の記入をまとめる",
    "compare": "前年度と比べる",
    "publish": "ホームページ用に書き出す",
}

SCREEN_TAKES: dict[Screen, str] = {
    "draft": "前年度の公表済みの報告書",
    "status": "報告書・報告書（案）のどれでも",
    "finalize": "各課が記入した報告書（案）か中間版",
    "merge": "各課に配る前の案と、各課が記入した写し",
    "compare": "同じ計画の報告書 2 つ（推移ならいくつでも）",
    "publish": "公表済みの報告書（市の報告書か、仕上げた報告書）",
}

_JOB_SCREENS: tuple[Job, ...] = ("draft", "finalize", "status")
_SCREEN_OF_JOB: dict[Job, Screen] = {
    "draft": "draft",
    "status": "status",
    "finalize": "finalize",
    "split": "merge",
    "merge": "merge",
}


def fitting_screens(kind: FileKind) -> tuple[Screen, ...]:
    """The screens that take ``kind``, the one it is for first: the CLI's table (filekind.ACCEPTED)."""
    job = fitting_job(kind)
    first: Screen = _SCREEN_OF_JOB[job]
    others = tuple(_SCREEN_OF_JOB[j] for j in _JOB_SCREENS if j != job and accepts(j, kind))
    return (first, *others)


@dataclass(frozen=True)
class WrongScreen:
    """A file that fits another screen: what it is, and where to take it."""

    kind: FileKind
    screens: tuple[Screen, ...]
    label: str | None = None
    """The file's own label when it says more than the kind (「福祉政策課の写し（記入中）」)."""

    @property
    def text(self) -> str:
        """「これは記入中の報告書（案）です。『報告書を仕上げる』か『記入状況を見る』を使ってください。」"""
        names = "か".join(f"『{SCREEN_TITLE[screen]}』" for screen in self.screens)
        return f"これは{self.label or self.kind.label}です。{names}を使ってください。"


def wrong_screen(screen: Screen, report: Report) -> WrongScreen | None:
    """None when ``screen`` takes this file; else what it is and which screens take it."""
    kind = judge(report)
    job = next((job for job in _JOB_SCREENS if job == screen), None)
    if job is None or accepts(job, kind):  # the merge screen judges its files itself
        return None
    return WrongScreen(kind, fitting_screens(kind), kind_label(report, kind))
