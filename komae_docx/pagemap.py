"""Where the parts of a report fall in a laid-out document (the PDF LibreOffice renders).

Pure: it takes the text of each page (:func:`komae_docx.layout.pdf_page_texts`) and the model, and
says on which printed page each progress sheet and each 目次 heading stands.  The printed number of a
physical page is the number its footer prints (the page's last line), so the cover and the 目次,
which print none, never count.

How things are found: texts are compared with all white space removed and widths folded (pdftotext
breaks table cells into lines).  A sheet is found by the start of its first measure row (label and
title) or, on a sheet without one, of its first project's Plan text; a heading by its label and title
at the start of a line.  Sheets and headings are searched in document order, each from the page after
the previous one, so a 再掲 sheet, which repeats its measure's row, is found on its own page.  A sheet
ends on the page that holds the start of its last row's last text (before the next sheet starts):
a sheet whose text grew runs over onto the next page, and the 評価総括表 then prints ``16～17``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .model import LayeredPlan, Report, Sheet, WelfarePlan
from .textnorm import fold_width

Plan = WelfarePlan | LayeredPlan
KEY_CHARS = 12
"""Enough of a title to tell sheets apart, short enough to stay on the first line of its cell."""
TAIL_KEY_CHARS = 10
"""The start of a Do / Act paragraph: on one line of its (narrower) cell."""

_SPACE = re.compile(r"\s+")
_FOOTER_NUMBER = re.compile(r"^[-‐－―—\s]*([0-9]{1,4})[-‐－―—\s]*$")


def squeezed(text: str) -> str:
    """Widths folded, all white space removed: how a text is searched for in a page's text."""
    return _SPACE.sub("", fold_width(text))


def footer_number(page_text: str) -> int | None:
    """The number the page's footer prints (its last non-empty line), or None (cover, 目次, 奥付)."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    if not lines:
        return None
    match = _FOOTER_NUMBER.match(fold_width(lines[-1]))
    return int(match.group(1)) if match else None


@dataclass(frozen=True)
class LaidOut:
    """The pages of a laid-out document: searchable texts and printed numbers, by physical index."""

    texts: tuple[str, ...]
    lines: tuple[tuple[str, ...], ...]
    numbers: tuple[int | None, ...]

    @classmethod
    def from_page_texts(cls, page_texts: Sequence[str]) -> LaidOut:
        lines = tuple(
            tuple(squeezed(line) for line in text.splitlines() if line.strip()) for text in page_texts
        )
        return cls(
            texts=tuple(squeezed(text) for text in page_texts),
            lines=lines,
            numbers=tuple(footer_number(text) for text in page_texts),
        )

    def find(self, key: str, start: int = 0, *, line_start: bool = False) -> int | None:
        """The first physical page from ``start`` holding ``key`` (at the start of a line if asked)."""
        if not key:
            return None
        for index in range(max(start, 0), len(self.texts)):
            if line_start and any(line.startswith(key) for line in self.lines[index]):
                return index
            if not line_start and key in self.texts[index]:
                return index
        return None


@dataclass
class PageMap:
    """Printed page numbers of the report's parts in one layout (None: not found or not numbered)."""

    sheets: dict[tuple[str, int], int | None] = field(default_factory=dict)
    """(plan key, sheet index) → printed page the sheet starts on."""
    sheet_ends: dict[tuple[str, int], int | None] = field(default_factory=dict)
    """(plan key, sheet index) → printed page it ends on (a sheet whose text grew runs over)."""
    headings: dict[int, int | None] = field(default_factory=dict)
    """Index in ``report.toc`` → printed page of that heading in the body."""

    def sheet_page(self, plan: Plan, index: int) -> int | None:
        return self.sheets.get((plan.key, index))

    def sheet_pages(self, plan: Plan, index: int) -> list[int] | None:
        """Every printed page the sheet covers (``[12]``, or ``[12, 13]`` when it runs over)."""
        start = self.sheets.get((plan.key, index))
        if start is None:
            return None
        end = self.sheet_ends.get((plan.key, index)) or start
        return list(range(start, max(start, end) + 1))


def locate(report: Report, page_texts: Sequence[str]) -> PageMap:
    """Find every 目次 heading and every progress sheet of ``report`` in the laid-out pages."""
    laid = LaidOut.from_page_texts(page_texts)
    pages = PageMap()
    toc_page = laid.find("目次", line_start=True)
    at = 0 if toc_page is None else toc_page + 1
    for i, entry in enumerate(report.toc):
        found = laid.find(squeezed(f"{entry.label}{entry.title}"), at, line_start=True)
        pages.headings[i] = None if found is None else laid.numbers[found]
        at = at if found is None else found  # the next heading may stand on the same page
    chapter1 = laid.find(squeezed(report.chapter1_title), 0 if toc_page is None else toc_page + 1)
    at = 0 if chapter1 is None else chapter1
    for plan in report.plans:
        heading = laid.find(squeezed(plan.heading), at, line_start=True) if plan.heading else None
        at = at if heading is None else heading  # past the 評価総括表, which lists the measures too
        starts: list[int | None] = []
        for sheet in plan.sheets:
            found = laid.find(sheet_key(plan, sheet), at)
            starts.append(found)
            pages.sheets[(plan.key, sheet.index)] = None if found is None else laid.numbers[found]
            at = at if found is None else found + 1
        for sheet, start, following in zip(plan.sheets, starts, [*starts[1:], None], strict=True):
            if start is not None:
                end = _sheet_end(laid, sheet_tail_key(plan, sheet), start, following)
                pages.sheet_ends[(plan.key, sheet.index)] = laid.numbers[end]
    return pages


def _sheet_end(laid: LaidOut, tail: str, start: int, following: int | None) -> int:
    """The page holding the sheet's last row: the start page, or a later one before the next sheet."""
    limit = len(laid.texts) if following is None else following
    found = laid.find(tail, start)
    return found if found is not None and found < limit else start


def sheet_tail_key(plan: Plan, sheet: Sheet) -> str:
    """The start of the last text in the sheet's last row (its Act, else its Do), or "" if empty."""
    rows = [
        (entry.row, [*entry.do, *entry.act])
        for measure in plan.iter_measures()
        for project in measure.projects
        for entry in project.entries
        if entry.sheet == sheet.index
    ]
    if not rows:
        return ""
    texts = [text for text in max(rows, key=lambda row: row[0])[1] if text.strip()]
    return squeezed(texts[-1])[:TAIL_KEY_CHARS] if texts else ""


def sheet_key(plan: Plan, sheet: Sheet) -> str:
    """The start of the sheet's first measure row, else of its first project's Plan text."""
    if sheet.measures:
        first = sheet.measures[0]
        return squeezed(f"{first.label}{first.title}")[:KEY_CHARS]
    for measure in plan.iter_measures():
        for project in measure.projects:
            if any(entry.sheet == sheet.index for entry in project.entries):
                return squeezed(project.plan_text)[:KEY_CHARS]
    return ""
