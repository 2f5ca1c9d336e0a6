"""Which screen takes which kind of file, and what the page says when a file came to the wrong one.

The judgement of what a file is comes from one place (:func:`komae_docx.filekind.judge`, through
:func:`file_kind`); this module only holds the page's table of which screen fits which kind, and
the Japanese sentence that names the kind and the screen to use instead.  Nothing is written for
a refused file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ...filekind import FileKind as Kind
from ...filekind import judge
from ...model import Report

Screen = Literal["draft", "status", "finalize", "merge"]
FileKind = Literal["published", "fresh_draft", "being_filled", "filled", "interim", "finalized"]

SCREEN_TITLE: dict[Screen, str] = {
    "draft": "翌年度の案を作る",
    "status": "記入状況を見る",
    "finalize": "報告書を仕上げる",
    "merge": "各課の記入をまとめる",
}

SCREEN_TAKES: dict[Screen, str] = {
    "draft": "前年度の公表済みの報告書",
    "status": "各課が記入している案",
    "finalize": "各課が記入を終えた案",
    "merge": "各課に配る前の案と、各課が記入した写し",
}

KIND_TEXT: dict[FileKind, str] = {
    "published": "公表済みの報告書",
    "fresh_draft": "記入前の案",
    "being_filled": "記入中の案",
    "filled": "記入を終えた案",
    "interim": "中間版（途中版）の報告書",
    "finalized": "仕上げた報告書",
}

FITTING_SCREENS: dict[FileKind, tuple[Screen, ...]] = {
    "published": ("draft",),
    "finalized": ("draft",),
    "fresh_draft": ("status", "finalize"),
    "being_filled": ("finalize", "status"),
    "filled": ("finalize", "status"),
    "interim": ("status",),
}
"""Each kind's screens, the likelier first.  A screen refuses every kind not listed for it here."""

KIND_HINT: dict[FileKind, str] = {
    "interim": "中間版は記入の途中で作った写しです。記入は案のほうで続け、その案を選んでください。",
    "fresh_draft": "",
    "published": "",
    "finalized": "",
    "being_filled": "",
    "filled": "",
}


@dataclass(frozen=True)
class WrongScreen:
    """A file that fits another screen: what it is, and where to take it."""

    kind: FileKind
    screens: tuple[Screen, ...]

    @property
    def text(self) -> str:
        """「これは記入中の案です。『報告書を仕上げる』か『記入状況を見る』を使ってください。」"""
        names = "か".join(f"『{SCREEN_TITLE[screen]}』" for screen in self.screens)
        return f"これは{KIND_TEXT[self.kind]}です。{names}を使ってください。{KIND_HINT[self.kind]}"


def file_kind(report: Report) -> FileKind:
    """What the file is: the one judgement (:func:`komae_docx.filekind.judge`), in the page's names."""
    return _PAGE_KIND[judge(report)]


_PAGE_KIND: dict[Kind, FileKind] = {
    Kind.PUBLISHED: "published",
    Kind.FRESH_DRAFT: "fresh_draft",
    Kind.DRAFT_IN_PROGRESS: "being_filled",
    Kind.FILLED_DRAFT: "filled",
    Kind.INTERIM: "interim",
    Kind.FINALIZED: "finalized",
}


def wrong_screen(screen: Screen, report: Report) -> WrongScreen | None:
    """None when ``screen`` takes this file; else what it is and which screens take it."""
    kind = file_kind(report)
    screens = FITTING_SCREENS[kind]
    return None if screen in screens else WrongScreen(kind, screens)
