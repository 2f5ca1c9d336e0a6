"""The UNO side of :mod:`tests.lo_editor`: run under the Python that has Debian's ``uno`` module.

``python3 lo_uno_worker.py < plan.json`` connects to a LibreOffice that listens on a UNO socket,
opens ``source`` the way a person does (a document window with a view and a cursor), performs the
plan's steps through the view cursor and the dispatcher (Tab / next cell, typing, Enter), and saves
the document as ``target`` with the "MS Word 2007 XML" filter (written beside it and renamed, so a
failed run leaves no target).  It prints one JSON object: what each step did (the table and cell
typed into, the cell's text afterwards).

Exit status: 0 done; 1 the plan cannot be done (text not found, not unique, …: the test's mistake,
not retried); 3 LibreOffice failed (the connection, the document, a UNO error; the traceback on
stderr): :mod:`tests.lo_editor` restarts soffice and retries once.  A crash of this process itself
(a signal) prints its stack through :mod:`faulthandler`.

This file must import nothing but the standard library and ``uno``: Debian's python3-uno works with
the system Python only, not with the test suite's virtual environment (see :mod:`tests.lo_editor`).

The plan::

    {"url": "uno:socket,host=127.0.0.1,port=N;urp;StarOffice.ComponentContext",
     "source": "/abs/in.docx", "target": "/abs/out.docx" (or null: nothing saved),
     "steps": [{"op": "type_in_cell", "row_text": ..., "occurrence": null, "cells": 4, "rows": 0,
                "text": "line 1\\nline 2", "replace": false},
               {"op": "set_result", "row_text": ..., "occurrence": null, "value": "達成",
                "how": "api" | "keyboard"},
               {"op": "type_over", "find": "〇〇", "within": "R7-〇〇", "occurrence": null,
                "text": "15"}]}
"""

from __future__ import annotations

import contextlib
import faulthandler
import json
import os
import sys
import time
import traceback
from typing import Any

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

WORD_FILTER = "MS Word 2007 XML"
PLAN_FAILED = 1
OFFICE_FAILED = 3


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

    def find(self, text: str, occurrence: int | None, *, cell_start: bool = False) -> Any:
        """The hit of ``text`` (the ``occurrence``-th in document order, 1-based, negative from the
        end); ``cell_start``: only hits in a table cell whose text starts with ``text``."""
        descriptor = self.doc.createSearchDescriptor()
        descriptor.SearchString = text
        found = self.doc.findAll(descriptor)
        hits = [found.getByIndex(i) for i in range(found.getCount())]
        if cell_start:
            hits = [h for h in hits if _in_table(h) and h.Cell.getString().strip().startswith(text)]
        count = len(hits)
        if count == 0:
            raise PlanError(f"text not found{' at a cell start' if cell_start else ''}: {text!r}")
        if occurrence is None:
            if count > 1:
                raise PlanError(f"text found {count} times, give an occurrence: {text!r}")
            return hits[0]
        if not 1 <= abs(occurrence) <= count:
            raise PlanError(f"occurrence {occurrence} of {text!r} asked, found {count}")
        return hits[occurrence - 1 if occurrence > 0 else occurrence]

    def cell_of(self, step: dict[str, Any]) -> Any:
        """Put the view cursor into the cell starting with ``row_text`` and return that hit."""
        hit = self.find(step["row_text"], step.get("occurrence"), cell_start=True)
        self.cursor.gotoRange(hit.getStart(), False)
        return hit

    def move_cells(self, cells: int) -> None:
        for _ in range(cells):  # Tab in a table cell
            self.dispatch("JumpToNextCell")

    def move_rows(self, rows: int) -> None:
        """Press Down until the cursor is in the cell below, ``rows`` times."""
        for _ in range(rows):
            start = self.cursor.Cell.CellName
            for _ in range(500):
                self.dispatch("GoDown")
                if self.cursor.Cell is None:
                    raise PlanError("the cursor left the table going down")
                if self.cursor.Cell.CellName != start:
                    break
            else:
                raise PlanError(f"Down never left cell {start}")

    # ---- the steps

    def type_in_cell(self, step: dict[str, Any]) -> dict[str, Any]:
        self.cell_of(step)
        self.move_cells(int(step.get("cells", 0)))
        self.move_rows(int(step.get("rows", 0)))
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
        anchor = control.getAnchor()  # the control's content (its own getString() is empty)
        if step.get("how", "api") == "api":
            self.replace_content(control, step["value"])
            control.ShowingPlaceHolder = False  # what LibreOffice's own drop-down does on a choice
        else:  # click on the grey placeholder (LibreOffice selects it), then type over it
            self.select(anchor.getStart(), anchor.getEnd())
            self.type_text(step["value"])
        return {
            "table": hit.TextTable.Name,
            "cell": cell.CellName,
            "text": control.getAnchor().getString(),
            "showing_placeholder": bool(control.ShowingPlaceHolder),
        }

    @staticmethod
    def replace_content(control: Any, value: str) -> None:
        """The control's text becomes ``value``.  Replacing the anchor's range (or inserting at its
        start) puts the text *beside* the control in LibreOffice 7.4; only an insertion at its end
        lands inside, so insert there, then delete the old text before it (selected from the end:
        the start holds the control's mark)."""
        text = control.getText()
        old = control.getAnchor().getString()
        text.insertString(control.getAnchor().getEnd(), value, False)
        if old:  # select back from the end, over the new text, then over the old one
            doomed = text.createTextCursorByRange(control.getAnchor().getEnd())
            doomed.goLeft(len(value), False)
            doomed.goLeft(len(old), True)
            doomed.setString("")
        if control.getAnchor().getString() != value:
            raise PlanError(f"the control holds {control.getAnchor().getString()!r}, not {value!r}")

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
        part = f"{target}.part.docx"
        url = uno.systemPathToFileUrl(part)
        self.doc.storeToURL(url, (prop("FilterName", WORD_FILTER), prop("Overwrite", True)))
        os.replace(part, target)

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
    except BaseException:
        with contextlib.suppress(Exception):  # the office may be gone: keep the first error
            session.close()
        raise
    session.close()
    return {"steps": done}


def main() -> int:
    faulthandler.enable()
    plan = json.load(sys.stdin)
    try:
        print(json.dumps(run(plan), ensure_ascii=False))
    except PlanError as error:
        print(f"lo_uno_worker: {error}", file=sys.stderr)
        return PLAN_FAILED
    except Exception:
        print(f"lo_uno_worker: LibreOffice failed:\n{traceback.format_exc()}", file=sys.stderr)
        return OFFICE_FAILED
    return 0


if __name__ == "__main__":
    sys.exit(main())
