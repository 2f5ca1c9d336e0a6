"""Accounting for every text of the document, so that nothing is lost silently.

The reader *takes* each paragraph it places in the model.  Whatever non-empty text is
left untaken at the end becomes an ``unplaced_text`` warning with its location.
"""

from __future__ import annotations

from .ooxml import Paragraph, Row


class Tracker:
    def __init__(self) -> None:
        self._taken: set[int] = set()

    def take(self, paragraph: Paragraph) -> None:
        self._taken.add(paragraph.uid)

    def take_all(self, paragraphs: list[Paragraph]) -> None:
        for paragraph in paragraphs:
            self.take(paragraph)

    def take_row(self, row: Row) -> None:
        for cell in row.cells:
            self.take_all(cell.paragraphs)

    def is_taken(self, paragraph: Paragraph) -> bool:
        return paragraph.uid in self._taken
