"""What a department's copy carries that no draft or published report may keep.

``split`` locks a copy (Word's ``w:documentProtection``, permission ranges ``w:permStart`` /
``w:permEnd`` around the department's cells) and marks it (custom properties naming the department
and the draft); a department may also have used 「最終版にする」 (the ``_MarkAsFinal`` custom
property, Word's and LibreOffice's).  :func:`without_copy_marks` removes them all from a package the
tool writes as a draft or a published report, so that it never opens locked.  The city's other
custom properties stay.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

from ..package import package_parts, write_package
from ..splitmark import MARK_AS_FINAL, MARK_PROPERTIES
from .ooxml import parse_part, serialize, w

_CUSTOM_REL = "/custom-properties"
_REMOVED_PROPERTIES = frozenset({*MARK_PROPERTIES, MARK_AS_FINAL})


def without_copy_marks(data: bytes) -> bytes:
    """``data`` (a .docx the tool made) without protection, permission ranges, split marks and
    _MarkAsFinal; the same bytes when it carries none."""
    raw = package_parts(data)
    names = list(raw)
    replaced: dict[str, bytes] = {}
    for name, part in raw.items():
        if not name.endswith(".xml"):
            continue
        if name.endswith("settings.xml") and b"documentProtection" in part:
            replaced[name] = _cleaned(part, name, lambda root: _remove(root, [w("documentProtection")]))
        elif name.startswith("word/") and (b"permStart" in part or b"permEnd" in part):
            replaced[name] = _cleaned(part, name, lambda root: _remove(root, [w("permStart"), w("permEnd")]))
        elif name.startswith("docProps/") and any(p.encode() in part for p in _REMOVED_PROPERTIES):
            replaced[name] = _cleaned(part, name, _remove_properties)
    if not replaced:
        return data
    return write_package((name, replaced.get(name, raw[name])) for name in names)


def _cleaned(part: bytes, name: str, clean: Callable[[etree._Element], None]) -> bytes:
    root = parse_part(part, path=name, part=name)
    clean(root)
    return serialize(root)


def _remove(root: etree._Element, tags: list[str]) -> None:
    for el in list(root.iter(*tags)):
        parent = el.getparent()
        if parent is not None:
            parent.remove(el)


def _remove_properties(root: etree._Element) -> None:
    for prop in list(root):
        if prop.get("name") in _REMOVED_PROPERTIES:
            root.remove(prop)
