"""Split: one copy of the draft per 担当課, open for editing only in that department's entry cells.

Each copy is the whole draft (the department sees its projects in context), with Word's own
editing restriction, no password (it guides, it does not lock anyone out):

* ``settings.xml``: ``<w:documentProtection w:edit="readOnly" w:enforcement="1"/>`` where the
  schema's sequence of ``CT_Settings`` wants it (after ``w:doNotTrackFormatting``, before
  ``w:autoFormatOverride`` … ``w:defaultTabStop``);
* ``document.xml``: a ``w:permStart w:edGrp="everyone"`` / ``w:permEnd`` pair around the content
  of each of the department's entry cells (Do, Act, the result control's Check cell; the editor's
  copy also the 委員会からの意見 cells).  ECMA-376 §17.13.4 lets range markup stand at block level
  in a ``w:tc`` and at run level in a ``w:p``; the pair goes *inside* the cell's first and last
  paragraphs (after ``w:pPr``, at the end), which is where Word puts it for a selected cell and what
  LibreOffice reads back.  ``w:colFirst``/``w:colLast`` are for a range that starts before a table
  row and covers a column of several rows; one range per cell needs neither;
* ``docProps/custom.xml``: custom document properties naming the department and the draft
  (:func:`~komae_docx.entrycells.draft_identity`), so that ``merge`` can check the copy.

What the department sees (LibreOffice does not stop typing outside the permitted ranges, so the
copy has to show it): its own entry cells shaded yellow (:data:`OWN_FILL`), the other departments'
entry cells without the draft's entry shading (plain text, not theirs to fill), and a notice at the
top of the first page naming the department and what to fill (:func:`copy_notice`).  All of it
lives in the copy only: ``merge`` takes cell contents into the draft, never cell properties or the
cover, and reads past the notice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..entrycells import COLUMN_NAMES, DepartmentCells, EntryCell
from ..errors import SheetFormatError
from ..opcnames import CT_CUSTOM_PROPERTIES, CUSTOM_PROPS_NS, REL_CUSTOM_PROPERTIES, VT_NS
from ..package import Package, parse_xml
from ..splitmark import PROP_CODE, PROP_DEPARTMENT, PROP_DRAFT
from .context import ENTRY_FILL
from .ooxml import (
    W,
    body_tables,
    cell_at,
    cell_fill,
    clear_cell_shading,
    run,
    set_cell_shading,
    table_rows,
    vmerge,
    w,
)

CUSTOM_PART = "docProps/custom.xml"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"
"""The format id Word gives every user-defined custom property."""

PERMISSION_BASE = 910000
OWN_FILL = "FFF2CC"
"""The department's own entry cells in its copy: light yellow, unlike the draft's blue entry cells."""
NOTICE_COLOR = "C00000"

_SETTINGS_BEFORE_PROTECTION = (
    "writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
    "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
    "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts", "embedSystemFonts",
    "saveSubsetFonts", "saveFormsData", "mirrorMargins", "alignBordersAndEdges",
    "bordersDoNotSurroundHeader", "bordersDoNotSurroundFooter", "gutterAtTop", "hideSpellingErrors",
    "hideGrammaticalErrors", "activeWritingStyle", "proofState", "formsDesign", "attachedTemplate",
    "linkStyles", "stylePaneFormatFilter", "stylePaneSortMethod", "documentType", "mailMerge",
    "revisionView", "trackRevisions", "doNotTrackMoves", "doNotTrackFormatting",
)  # fmt: skip
"""``CT_Settings``'s children before ``w:documentProtection`` (ECMA-376 Part 1, §17.15.1.78)."""


@dataclass(frozen=True)
class CopyMark:
    """What a split copy records about itself: its department and its draft."""

    department: str
    code: str
    draft: str


@dataclass(frozen=True)
class SplitCopy:
    """One department's copy, ready to be written."""

    name: str
    mark: CopyMark
    cells: int
    data: bytes


# --------------------------------------------------------------------------- the copies


def split_copies(
    package: Package, cells: Sequence[EntryCell], departments: Sequence[DepartmentCells], draft_id: str
) -> list[SplitCopy]:
    """One copy per department: the draft with the department's cells open for editing.  The draft
    is opened once; each copy edits its own copy of the main and settings trees."""
    settings = package.settings_part
    for part in (package.main, settings):
        if part is not None:
            package.edit(part)  # so that every copy gets trees of its own
    stem = Path(package.path).stem
    copies: list[SplitCopy] = []
    for department in departments:
        twin = package.copy()
        document = twin.document
        opened = open_cells(document, [cell for cell in cells if cell.key in department.keys])
        plain_cells(document, [cell for cell in cells if cell.key not in department.keys])
        add_notice(document, department.name, {cell.kind for cell in cells if cell.key in department.keys})
        if settings is not None:
            protect(twin.edit(settings))
        mark = CopyMark(department.name, department.code, draft_id)
        write_mark(twin, mark)
        copies.append(SplitCopy(copy_name(stem, department.name), mark, opened, twin.save()))
    return copies


def copy_name(stem: str, department: str) -> str:
    """``r6_draft`` + 福祉政策課 → ``r6_draft_福祉政策課.docx`` (characters no file name may hold removed)."""
    safe = re.sub(r'[\\/:*?"<>|\s]+', "", department) or "担当課"
    return f"{stem}_{safe}.docx"


# --------------------------------------------------------------------------- protection


def open_cells(document: etree._Element, cells: Sequence[EntryCell]) -> int:
    """Put a permission range around each cell's content; returns how many cells were opened."""
    body = document.find(w("body"))
    if body is None:
        raise SheetFormatError("文書の本文(w:body)がありません")
    tables = body_tables(body)
    rows = {index: table_rows(tbl) for index, tbl in enumerate(tables)}
    opened = 0
    for cell in cells:
        table = rows.get(cell.table, [])
        found = cell_at(table[cell.row], cell.col) if cell.row < len(table) else None
        if found is None or found.col != cell.col or vmerge(found.tc) == "continue":
            continue
        add_permission(found.tc, PERMISSION_BASE + opened)
        set_cell_shading(found.tc, OWN_FILL)
        opened += 1
    return opened


def plain_cells(document: etree._Element, cells: Sequence[EntryCell]) -> None:
    """Other departments' entry cells without the draft's entry shading: text, not a place to fill."""
    body = document.find(w("body"))
    tables = body_tables(body) if body is not None else []
    for cell in cells:
        rows = table_rows(tables[cell.table]) if cell.table < len(tables) else []
        found = cell_at(rows[cell.row], cell.col) if cell.row < len(rows) else None
        if found is not None and (cell_fill(found.tc) or "").upper() == ENTRY_FILL:
            clear_cell_shading(found.tc)


NOTICE_MARK = "の写し】"
"""What the notice on a copy's first page starts with (「【福祉政策課の写し】…」); merge reads past it."""


def copy_notice(department: str, kinds: set[str]) -> str:
    """The notice at the top of a department's copy: whose copy, what to fill, what not to touch."""
    names = "・".join(COLUMN_NAMES[kind] for kind in ("do", "act", "result", "opinion") if kind in kinds)
    return (
        f"【{department}{NOTICE_MARK}この写しで記入するのは、黄色の欄（{department}の {names}）だけです。"
        "ほかの欄は変えないでください（変えても、まとめるときに取り込みません）。"
        "この案内は、まとめた案には残りません。"
    )


def is_notice(text: str) -> bool:
    return text.startswith("【") and NOTICE_MARK in text[:40]


def add_notice(document: etree._Element, department: str, kinds: set[str]) -> None:
    """The notice as the first paragraph of the body, shaded like the department's cells."""
    body = document.find(w("body"))
    if body is None:
        return
    p = etree.Element(w("p"))
    ppr = etree.SubElement(p, w("pPr"))
    etree.SubElement(ppr, w("shd"), {w("val"): "clear", w("color"): "auto", w("fill"): OWN_FILL})
    rpr = etree.Element(w("rPr"))
    etree.SubElement(rpr, w("b"))
    etree.SubElement(rpr, w("color"), {w("val"): NOTICE_COLOR})
    p.append(run(copy_notice(department, kinds), rpr))
    body.insert(0, p)


def add_permission(tc: etree._Element, ident: int) -> None:
    """``w:permStart`` at the start of the cell's first paragraph, ``w:permEnd`` at its last's end."""
    paragraphs = [child for child in tc if child.tag == w("p")]
    if not paragraphs:
        paragraphs = [etree.SubElement(tc, w("p"))]
    first, last = paragraphs[0], paragraphs[-1]
    start = etree.Element(w("permStart"), {w("id"): str(ident), w("edGrp"): "everyone"})
    first.insert(1 if len(first) and first[0].tag == w("pPr") else 0, start)
    last.append(etree.Element(w("permEnd"), {w("id"): str(ident)}))


def protect(settings: etree._Element) -> None:
    """Word's read-only restriction without a password, in the schema's place among the settings."""
    for old in settings.findall(w("documentProtection")):
        settings.remove(old)
    protection = etree.Element(w("documentProtection"), {w("edit"): "readOnly", w("enforcement"): "1"})
    before = [
        child
        for child in settings
        if isinstance(child.tag, str) and child.tag.startswith(W) and etree.QName(child).localname in _BEFORE
    ]
    if before:
        before[-1].addnext(protection)
    else:
        settings.insert(0, protection)


_BEFORE = frozenset(_SETTINGS_BEFORE_PROTECTION)


def unprotect(document: etree._Element, settings: etree._Element | None) -> int:
    """Remove the restriction and every permission range (the merged draft is everyone's again)."""
    removed = 0
    for tag in ("permStart", "permEnd"):
        for el in list(document.iter(w(tag))):
            parent = el.getparent()
            if parent is not None:
                parent.remove(el)
                removed += 1
    if settings is not None:
        for old in settings.findall(w("documentProtection")):
            settings.remove(old)
    return removed


# --------------------------------------------------------------------------- the copy's mark


def custom_part(package: Package) -> str | None:
    """The package's custom properties part, when it has one."""
    return package.related("", REL_CUSTOM_PROPERTIES)


def write_mark(package: Package, mark: CopyMark) -> None:
    """Record ``mark`` in the package's custom properties (the part added when there is none)."""
    target = custom_part(package)
    if target is None:
        target = CUSTOM_PART
        root = parse_xml(_EMPTY_PROPERTIES, path=CUSTOM_PART, part=CUSTOM_PART)
        package.put(target, root)
        package.relate("", target, REL_CUSTOM_PROPERTIES)
        package.set_override(target, CT_CUSTOM_PROPERTIES)
    else:
        root = package.edit(target)
    _set_properties(root, {PROP_DEPARTMENT: mark.department, PROP_CODE: mark.code, PROP_DRAFT: mark.draft})


_EMPTY_PROPERTIES = f'<Properties xmlns="{CUSTOM_PROPS_NS}" xmlns:vt="{VT_NS}"/>'.encode()


def _set_properties(root: etree._Element, values: Mapping[str, str]) -> None:
    for prop in list(root):
        if prop.get("name") in values:
            root.remove(prop)
    pids = [int(p.get("pid") or 0) for p in root if (p.get("pid") or "").isdigit()]
    pid = max([1, *pids]) + 1
    for name, value in values.items():
        prop = etree.SubElement(root, f"{{{CUSTOM_PROPS_NS}}}property", fmtid=FMTID, pid=str(pid), name=name)
        etree.SubElement(prop, f"{{{VT_NS}}}lpwstr").text = value
        pid += 1


def remove_mark(package: Package) -> None:
    """Take the split mark out of the custom properties (for the merged draft)."""
    target = custom_part(package)
    if target is None:
        return
    root = package.edit(target)
    for prop in list(root):
        if prop.get("name") in (PROP_DEPARTMENT, PROP_CODE, PROP_DRAFT):
            root.remove(prop)
