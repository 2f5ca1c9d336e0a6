"""Values that travel with their messages, as in python-mammoth's ``results`` module.

Every stage returns a :class:`Result`: the value plus the warnings it met, each with a
:class:`Location`.  Nothing the reader could not place is dropped silently: it becomes a
message the CLI prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")

Severity = Literal["error", "warning", "info"]
"""``error``: the report (or the input) is wrong; ``warning``: look at it; ``info``: for the record."""

SEVERITY_TEXT: dict[str, str] = {"error": "エラー", "warning": "警告", "info": "情報"}

INCOMPLETE_PREFIX = "incomplete."
INCOMPLETE_WORD = "未記入"
"""What is still to fill in is named so wherever it is shown (``check``, ``status``, the page), whether
a draft's list holds it as a warning or ``finalize`` raises it to an error."""


def severity_word(severity: str, code: str) -> str:
    """The one word staff see before a message: 未記入 for what is left to fill in, else its severity."""
    return INCOMPLETE_WORD if code.startswith(INCOMPLETE_PREFIX) else SEVERITY_TEXT[severity]

MessageKind = Literal[
    "unplaced_text", "tracked_changes", "comments", "content_control", "layout", "format", "other"
]
"""The reader's kinds; a reader message's code is ``reader.<kind>``."""


class Location(BaseModel):
    """Where in the report a message points: section, plan, sheet (and its page), row, column."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    section: str | None = None
    plan: str | None = None
    sheet: int | None = None
    page: int | None = None
    row: int | None = None
    column: str | None = None
    project: str | None = None
    """A project id (``p1-1-2-1-a``) when the message concerns one project."""
    department: str | None = None
    """The department (担当課) in charge, as the report's own 担当課 table names it."""

    def describe(self) -> str:
        """A short Japanese description such as ``第1章 1 地域福祉計画 シート3(13頁) 5行 Do欄``."""
        parts = [self.section or "", self.plan or ""]
        if self.sheet is not None:
            page = f"({self.page}頁)" if self.page is not None else ""
            parts.append(f"シート{self.sheet + 1}{page}")
        elif self.page is not None:
            parts.append(f"{self.page}頁")
        if self.row is not None:
            parts.append(f"{self.row + 1}行")
        if self.column:
            parts.append(f"{self.column}欄")
        if self.project:
            parts.append(f"事業 {self.project}")
        if self.department:
            parts.append(f"（{self.department}）")
        return " ".join(part for part in parts if part)


class Message(BaseModel):
    """The one message type of every stage: reader warnings, check findings, results-file and
    template problems.

    ``code`` is stable (``reader.unplaced_text``, ``summary.count``, ``results.unknown_id``, …) for
    scripts; ``text`` is the Japanese sentence for people; ``expected`` / ``found`` say what the check
    wanted and what stands in the document.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: Severity = "warning"
    code: str
    text: str
    location: Location = Location()
    expected: str | None = None
    found: str | None = None

    @property
    def kind(self) -> str:
        """The code without its stage prefix (``reader.comments`` → ``comments``)."""
        return self.code.rpartition(".")[2]

    @property
    def value_labels(self) -> tuple[str, str]:
        """What ``expected`` and ``found`` are, in staff words: for a merge the text already in the
        merged draft and the copy's; otherwise what is right and what the document says."""
        return ("まとめた案", "写し") if self.code.startswith("merge.") else ("正しくは", "文書では")

    def describe(self) -> str:
        """``<where>：<text>（正しくは：「…」、文書では：「…」）`` on one line."""
        where = self.location.describe()
        expected, found = self.value_labels
        pairs = ((expected, self.expected), (found, self.found))
        detail = "、".join(f"{label}：「{value}」" for label, value in pairs if value is not None)
        text = self.text + (f"（{detail}）" if detail else "")
        return f"{where}：{text}" if where else text

    def describe_with_severity(self) -> str:
        """``警告：<where>：<text>…``, as the check prints it (``未記入：…`` for what is left to fill in)."""
        return f"{severity_word(self.severity, self.code)}：{self.describe()}"


@dataclass(frozen=True)
class Result(Generic[T]):
    """A value with the messages produced while computing it."""

    value: T
    messages: list[Message] = field(default_factory=list)

    def with_messages(self, more: Iterable[Message]) -> Result[T]:
        return Result(self.value, [*self.messages, *more])
