"""The UNO side of :mod:`tests.lo_editor`: run under the Python that has Debian's ``uno`` module.

``python3 lo_uno_worker.py < plan.json`` connects to a LibreOffice that listens on a UNO socket,
opens ``source`` the way a person does (a document window with a view and a cursor), performs the
plan's steps through the view cursor and the dispatcher (Tab / next cell, typing, Enter), and saves
the document as ``target`` with the "MS Word 2007 XML" filter.  It prints one JSON object: what each
step did (the table and cell typed into, the cell's text afterwards).  Any failure prints a message
on stderr and exits 1.

This file must import nothing but the standard library and ``uno``: Debian's python3-uno works with
the system Python only, not with the test suite's virtual environment (see :mod:`tests.lo_editor`).

The plan::

    {"url": "uno:socket,host=127.0.0.1,port=N;urp;StarOffice.ComponentContext",
     "source": "/abs/in.docx", "target": "/abs/out.docx" (or null: nothing saved),
     "steps": [{"op": "type_in_cell", "row_text": ..., "occurrence": null, "cells": 4,
                "text": "line 1\\nline 2", "replace": false},
               {"op": "set_result", "row_text": ..., "occurrence": null, "value": "達成",
                "how": "api" | "keyboard"},
               {"op": "type_over", "find": "〇〇", "within": "R7-〇〇", "occurrence": null,
                "text": "15"}]}
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

WORD_FILTER = "MS Word 2007 XML"


class PlanError(Exception):
    """A step cannot be done as asked (text not found, not unique, no control in the row)."""


def prop(name: str, value: Any) -> Any:
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(url: str, attempts: int = 60) -> Any:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for attempt in range(attempts):
        try:
            return resolver.resolve(url)
        except Exception:
            if attempt == attempts - 1:
                raise
            time.sleep(0.5)
    raise AssertionError("unreachable")


class Session:
    """One open document, its view (controller, view cursor) and the dispatcher."""

    def __init__(self, ctx: Any, source: str) -> None:
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(source)
        self.doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        if self.doc is None:
            raise PlanError(f"LibreOffice could not open {source}")
        self.controller = self.doc.getCurrentController()
        self.frame = self.controller.getFrame()
        self.cursor = self.controller.getViewCursor()
        self.dispatcher = smgr.createInstanceWithContext("com.sun.star.frame.DispatchHelper", ctx)

    # ---- what a person does with the keyboard

    def dispatch(self, command: str, **args: Any) -> None:
        props = tuple(prop(k, v) for k, v in args.items())
        self.dispatcher.executeDispatch(self.frame, f".uno:{command}", "", 0, props)

    def type_text(self, text: str) -> None:
        """Type ``text``; each newline is the Enter key (a new paragraph)."""
        for i, line in enumerate(text.split("\n")):
            if i:
                self.dispatch("InsertPara")
            if line:
                self.dispatch("InsertText", Text=line)

    def select(self, start: Any, end: Any) -> None:
        self.cursor.gotoRange(start, False)
        self.cursor.gotoRange(end, True)

    def edit_document(self, step: dict[str, Any]) -> dict[str, Any]:
        """Click 「文書を編集」 in the bar of a document LibreOffice opened read-only (a file with
        Word's editing restriction)."""
        self.dispatch("EditDoc")
        return {"op": "edit_document"}

    # ---- finding places

    def find(self, text: str, occurrence: int | None) -> Any:
        descriptor = self.doc.createSearchDescriptor()
        descriptor.SearchString = text
        hits = self.doc.findAll(descriptor)
        count = hits.getCount()
        if count == 0:
            raise PlanError(f"text not found: {text!r}")
        if occurrence is None:
            if count > 1:
                raise PlanError(f"text found {count} times, give an occurrence: {text!r}")
            return hits.getByIndex(0)
        if not 1 <= occurrence <= count:
            raise PlanError(f"occurrence {occurrence} of {text!r} asked, found {count}")
        return hits.getByIndex(occurrence - 1)

    def cell_of(self, step: dict[str, Any]) -> Any:
        """Put the view cursor into the cell holding ``row_text`` and return that hit."""
        hit = self.find(step["row_text"], step.get("occurrence"))
        if not _in_table(hit):
            raise PlanError(f"{step['row_text']!r} is not in a table cell")
        self.cursor.gotoRange(hit.getStart(), False)
        return hit

    def move_cells(self, cells: int) -> None:
        for _ in range(cells):  # Tab in a table cell
            self.dispatch("JumpToNextCell")

    # ---- the steps

    def type_in_cell(self, step: dict[str, Any]) -> dict[str, Any]:
        self.cell_of(step)
        self.move_cells(int(step.get("cells", 0)))
        cell = self.cursor.Cell
        if cell is None:
            raise PlanError("the cursor left the table")
        if cell.getString() and step.get("replace"):
            self.select(cell.getStart(), cell.getEnd())
        else:
            self.cursor.gotoRange(cell.getEnd(), False)
        self.type_text(step["text"])
        return {"table": self.cursor.TextTable.Name, "cell": cell.CellName, "text": cell.getString()}

    def set_result(self, step: dict[str, Any]) -> dict[str, Any]:
        hit = self.cell_of(step)
        control, cell = self.control_in_row(hit)
        inner = control.createTextCursor()
        inner.gotoStart(False)
        inner.gotoEnd(True)
        if step.get("how", "api") == "api":
            inner.setString(step["value"])
            control.ShowingPlaceHolder = False
        else:  # click on the grey placeholder (LibreOffice selects it), then type over it
            self.select(inner.getStart(), inner.getEnd())
            self.type_text(step["value"])
        return {
            "table": hit.TextTable.Name,
            "cell": cell.CellName,
            "text": control.getString(),
            "showing_placeholder": bool(control.ShowingPlaceHolder),
        }

    def control_in_row(self, hit: Any) -> tuple[Any, Any]:
        """The one content control in the table row of ``hit`` (and its cell)."""
        table = hit.TextTable
        row = _row_of(hit.Cell.CellName)
        found = []
        for name in table.getCellNames():
            if _row_of(name) != row:
                continue
            cell = table.getCellByName(name)
            found += [(control, cell) for control in _controls(cell)]
        if len(found) != 1:
            raise PlanError(f"{len(found)} content controls in the row of {hit.getString()!r}, expected 1")
        return found[0]

    def type_over(self, step: dict[str, Any]) -> dict[str, Any]:
        within = step.get("within") or step["find"]
        hit = self.find(within, step.get("occurrence"))
        offset = within.find(step["find"])
        if offset < 0:
            raise PlanError(f"{step['find']!r} is not part of {within!r}")
        span = hit.getText().createTextCursorByRange(hit.getStart())
        span.goRight(offset, False)
        span.goRight(len(step["find"]), True)
        self.select(span.getStart(), span.getEnd())
        self.type_text(step["text"])
        return {"text": step["text"]}

    def save(self, target: str) -> None:
        url = uno.systemPathToFileUrl(target)
        self.doc.storeToURL(url, (prop("FilterName", WORD_FILTER), prop("Overwrite", True)))

    def close(self) -> None:
        self.doc.close(True)


def _in_table(hit: Any) -> bool:
    try:
        return hit.Cell is not None
    except Exception:
        return False


def _row_of(cell_name: str) -> str:
    """'H6' → '6'; a split cell 'B6.1.1' keeps the row of its top cell."""
    head = cell_name.split(".")[0]
    return head.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")


def _controls(text: Any) -> list[Any]:
    out = []
    paragraphs = text.createEnumeration()
    while paragraphs.hasMoreElements():
        paragraph = paragraphs.nextElement()
        if not paragraph.supportsService("com.sun.star.text.Paragraph"):
            continue
        portions = paragraph.createEnumeration()
        while portions.hasMoreElements():
            portion = portions.nextElement()
            if portion.TextPortionType == "ContentControl":
                out.append(portion.ContentControl)
    return out


def run(plan: dict[str, Any]) -> dict[str, Any]:
    ctx = connect(plan["url"])
    session = Session(ctx, plan["source"])
    try:
        done = [getattr(session, step["op"])(step) for step in plan.get("steps", [])]
        if plan.get("target"):
            session.save(plan["target"])
    finally:
        session.close()
    return {"steps": done}


def main() -> int:
    plan = json.load(sys.stdin)
    try:
        print(json.dumps(run(plan), ensure_ascii=False))
    except PlanError as error:
        print(f"lo_uno_worker: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
