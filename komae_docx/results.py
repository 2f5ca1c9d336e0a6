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

MessageKind = Literal[
    "unplaced_text", "tracked_changes", "comments", "content_control", "layout", "format", "other"
]


class Location(BaseModel):
    """Where in the report a message points: section, plan, sheet (and its page), row, column."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    section: str | None = None
    plan: str | None = None
    sheet: int | None = None
    page: int | None = None
    row: int | None = None
    column: str | None = None

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
        return " ".join(part for part in parts if part)


class Message(BaseModel):
    """A warning for the user (Japanese text) with its place in the document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: MessageKind
    text: str
    location: Location = Location()

    def describe(self) -> str:
        where = self.location.describe()
        return f"{where}：{self.text}" if where else self.text


@dataclass(frozen=True)
class Result(Generic[T]):
    """A value with the messages produced while computing it."""

    value: T
    messages: list[Message] = field(default_factory=list)

    def with_messages(self, more: Iterable[Message]) -> Result[T]:
        return Result(self.value, [*self.messages, *more])
