"""Imported chunks (``w:altChunk``): content in another format that Word and LibreOffice show in place.

A program that writes a .docx may put a cell's text into a separate part in HTML or plain text and
anchor it with ``<w:altChunk r:id="…"/>`` (ECMA-376 Part 1, 17.17.2.1; the relationship type ends in
``/aFChunk``, the part's content type says its format).  Word imports the chunk when it opens the
file, so what staff see is that text.  This module reads the chunk's paragraphs:

* HTML and XHTML (``text/html``, ``application/xhtml+xml``): each block element's text (``<p>``,
  ``<li>``, ``<div>``, headings, table cells) is a paragraph, ``<br>`` a line break;
* plain text (``text/plain``): each line is a paragraph (UTF-8, with or without its mark, else
  Shift_JIS as Japanese Windows writes it);
* anything else (RTF, MHTML, a Word document, a missing part) is not read: :class:`Chunk` says
  what it is, and the reader refuses with the place named (never an empty Do cell).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from lxml import etree, html

from ..opcnames import PKG_REL_NS
from ..package import Package
from ..wordml import R

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml", "application/html"})
_TEXT_TYPES = frozenset({"text/plain", "application/txt"})
_KIND_BY_TYPE = {
    "application/rtf": "RTF 形式",
    "text/rtf": "RTF 形式",
    "message/rfc822": "MHTML 形式",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": "Word 文書",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word 文書",
}
_BLOCKS = frozenset(
    {"p", "div", "li", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "pre", "blockquote",
     "address", "caption", "tr"}
)  # fmt: skip
_MAX_CHUNK = 8 * 1024 * 1024


@dataclass(slots=True)
class Chunk:
    """An imported chunk's paragraphs, or (``unreadable``) what it is, for a refusal."""

    paragraphs: list[str] = field(default_factory=list)
    unreadable: str | None = None


class ChunkReader:
    """Reads the chunks of the main document part of ``package`` by relationship id."""

    def __init__(self, package: Package) -> None:
        self.package = package
        self.main = package.main_document_part
        self._targets: dict[str, str] | None = None

    def read(self, alt_chunk: etree._Element) -> Chunk:
        rid = alt_chunk.get(f"{R}id") or ""
        part = self._relationships().get(rid)
        if part is None or not self.package.has(part):
            return Chunk(unreadable="ファイルの中にない取り込み内容")
        content_type = self._content_type(part)
        data = self.package.read(part)
        if len(data) > _MAX_CHUNK:
            return Chunk(unreadable="大きすぎる取り込み内容")
        if content_type in _HTML_TYPES or part.lower().endswith((".htm", ".html", ".xhtml")):
            return Chunk(_html_paragraphs(data))
        if content_type in _TEXT_TYPES or part.lower().endswith(".txt"):
            return Chunk(_text_paragraphs(data))
        return Chunk(unreadable=_KIND_BY_TYPE.get(content_type, f"「{content_type or '不明'}」形式"))

    def _relationships(self) -> dict[str, str]:
        if self._targets is None:
            self._targets = {}
            folder = posixpath.dirname(self.main)
            rels = self.package.relationships_part(self.main)
            if self.package.has(rels):
                for rel in self.package.xml(rels).iter(f"{{{PKG_REL_NS}}}Relationship"):
                    target = rel.get("Target", "")
                    if not rel.get("Type", "").endswith("/aFChunk") or rel.get("TargetMode") == "External":
                        continue
                    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                    self._targets[rel.get("Id", "")] = posixpath.normpath(path)
        return self._targets

    def _content_type(self, part: str) -> str:
        return (self.package.content_type(part) or "").lower()


def _html_paragraphs(data: bytes) -> list[str]:
    """The texts of an HTML chunk's innermost block elements (``<br>`` a line break), in order."""
    parser = html.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        return []
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for junk in list(root.iter("script", "style", "head", "title")):
        parent = junk.getparent()
        if parent is not None:
            tail = junk.tail
            parent.remove(junk)
            if tail:
                parent.text = (parent.text or "") + tail
    body = root.find("body")
    top = body if body is not None else root
    paragraphs: list[str] = []
    for el in top.iter():
        if not isinstance(el.tag, str) or _local(el.tag) not in _BLOCKS:
            continue
        if any(isinstance(d.tag, str) and _local(d.tag) in _BLOCKS for d in el.iterdescendants()):
            continue
        text = _clean(_text_of(el))
        if text:
            paragraphs.append(text)
    if not paragraphs:
        text = _clean(_text_of(top))
        paragraphs = [line for line in text.split("\n") if line.strip()]
    return paragraphs


def _text_of(el: etree._Element) -> str:
    return "".join(str(piece) for piece in el.itertext())


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _clean(text: str) -> str:
    """Runs of HTML whitespace as one space (a line break kept), trimmed."""
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    return "\n".join(line for line in lines if line).strip()


def _text_paragraphs(data: bytes) -> list[str]:
    """The non-blank lines of a plain-text chunk (UTF-16 by its mark, UTF-8, else Shift_JIS)."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16", errors="replace")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp932", errors="replace")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return [line.strip() for line in lines if line.strip()]
