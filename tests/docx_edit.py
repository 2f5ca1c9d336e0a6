"""Make edited copies of real .docx files for tests: the test states the edit, on real XML."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
NSMAP = {"w": W_NS}


def rewrite_part(src: Path, dst: Path, part: str, edit: Callable[[etree._Element], None]) -> Path:
    """Copy ``src`` to ``dst`` with ``part`` parsed, edited in place by ``edit``, and written back."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                root = etree.fromstring(data)
                edit(root)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return dst


def replace_parts(src: Path, dst: Path, parts: dict[str, bytes | None]) -> Path:
    """Copy ``src`` with whole parts replaced (bytes), added, or removed (None)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename in parts:
                continue
            zout.writestr(item, zin.read(item.filename))
        for name, data in parts.items():
            if data is not None:
                zout.writestr(name, data)
    return dst


def paragraph_with_text(root: etree._Element, text: str) -> etree._Element:
    """The first paragraph whose text contains ``text``."""
    for p in root.iter(f"{W}p"):
        if text in "".join(p.itertext()):
            return p
    raise AssertionError(f"no paragraph with {text!r}")


def w(tag: str, **attrs: str) -> etree._Element:
    el = etree.Element(f"{W}{tag}")
    for key, value in attrs.items():
        el.set(f"{W}{key}", value)
    return el
