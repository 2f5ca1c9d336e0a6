"""Rendering: a derived template (.docx bytes) and a context → the .docx bytes of the document.

docxtpl does the rendering; two of its steps are replaced for size and speed (see
:class:`_StreamingTemplate` and :func:`render_template`).  Text is inserted literally: the Jinja
environment autoescapes, and braces in values are written as character references, so report text
holding ``&``, ``<``, ``>``, ``{{ }}`` or ``{% %}`` comes out as written.  Writing to disk is
:mod:`komae_docx.safeio`'s job (atomic, never onto an input).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import Environment, StrictUndefined
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.exceptions import UndefinedError
from lxml import etree
from markupsafe import Markup, escape

from ..errors import SheetFormatError, TemplateError
from ..package import package_of_parts, package_parts, parse_xml, replace_parts, write_package
from ..wordml import TCPR_ORDER
from .context import comment_elements
from .customxml import next_comment_id, put_comments


def jinja_environment() -> Environment:
    """Autoescaping, strict about unknown names, braces in values written as character references."""
    return Environment(autoescape=True, undefined=StrictUndefined, finalize=_literal)


def _literal(value: Any) -> Any:
    if hasattr(value, "__html__"):
        return value
    if isinstance(value, str):
        return Markup(str(escape(value)).replace("{", "&#123;").replace("}", "&#125;"))
    if value is None:
        return ""
    return value


_JINJA_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_STATIC = "_komae_static"


def hoist_static(source: str) -> tuple[str, list[Markup]]:
    """The template with each stretch of plain XML between tags replaced by ``{{ _komae_static[i] }}``.

    A derived template is the whole of the city's document with a few thousand tags in it: compiled
    as it is, Jinja turns every byte of it into Python source and byte code (for a report 50 times
    the example, gigabytes).  Hoisted, Jinja compiles only the tags; the XML goes out as it is.
    """
    static: list[Markup] = []
    parts: list[str] = []
    position = 0
    for match in _JINJA_TAG.finditer(source):
        if match.start() > position:
            static.append(Markup(source[position : match.start()]))
            parts.append(_placeholder(len(static) - 1))
        parts.append(match.group(0))
        position = match.end()
    if position < len(source):
        static.append(Markup(source[position:]))
        parts.append(_placeholder(len(static) - 1))
    return "".join(parts), static


def _placeholder(index: int) -> str:
    """``{{ _komae_static[i] -}}`` and a line break: each stretch of XML ends a line of the hoisted
    template (the ``-`` drops the break from the output), so the line Jinja names in an error tells
    which stretches of the document stand around the broken tag (:func:`neighbourhood`)."""
    return f"{{{{ {_STATIC}[{index}] -}}}}\n"


_PLACEHOLDER = re.compile(r"\{\{ " + _STATIC + r"\[(\d+)\] -\}\}")
_XML_TAG = re.compile(r"<[^>]+>")


def neighbourhood(piece: str, lineno: int | None, static: Sequence[str]) -> list[str]:
    """docxtpl's error context for a hoisted template: the document's visible text just before the
    broken tag, the tags on its line, and the text just after (the 「付近」 of the message)."""
    lines = piece.split("\n")
    if lineno is None or not 1 <= lineno <= len(lines):
        return []
    line = lines[lineno - 1]
    after = _PLACEHOLDER.search(line)
    before = next((m for text in reversed(lines[: lineno - 1]) for m in _PLACEHOLDER.finditer(text)), None)
    tags = _PLACEHOLDER.sub("", line).strip()
    text_before = _XML_TAG.sub("", static[int(before.group(1))]) if before else ""
    text_after = _XML_TAG.sub("", static[int(after.group(1))]) if after else ""
    return [text_before.strip()[-30:], tags[:40], text_after.strip()[:20]]


_RENDERING_ERRORS = (JinjaTemplateError, TypeError, ValueError, ArithmeticError, LookupError, AttributeError)
"""What a tag a person typed can raise while it renders: a syntax error, or ``{{ number + 1 }}``."""


def _template_line(error: BaseException) -> int | None:
    """The template line a runtime error was raised on (Jinja maps its frames to ``<template>``)."""
    line = None
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


_SEGMENT_TAGS = 2000
_OPENERS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "raw", "autoescape", "trans"})
_WHOLE_TEMPLATE_ONLY = re.compile(r"\{%-?\s*(?:set|macro|import|from|extends|include|block)\b")
_STATEMENT = re.compile(r"\{%-?\s*(\w+)")


def segments(template: str, size: int = _SEGMENT_TAGS) -> list[str]:
    """``template`` cut between top-level tags into pieces of about ``size`` tags each.

    Jinja's compiler needs memory in proportion to the template: compiled piece by piece (each one
    rendered and dropped), a report 50 times the example stays in hundreds of megabytes, not a
    gigabyte.  A cut falls only where no block is open; a template with names or macros defined
    at the top (``set``, ``macro``, ``import`` …) stays whole, as they would not reach later pieces.
    """
    if _WHOLE_TEMPLATE_ONLY.search(template):
        return [template]
    pieces: list[str] = []
    depth, count, start = 0, 0, 0
    for match in _JINJA_TAG.finditer(template):
        count += 1
        statement = _STATEMENT.match(match.group(0))
        if statement is not None:
            word = statement.group(1)
            if word in _OPENERS:
                depth += 1
            elif word.startswith("end"):
                depth = max(0, depth - 1)
        if depth == 0 and count >= size:
            pieces.append(template[start : match.end()])
            start, count = match.end(), 0
    pieces.append(template[start:])
    return [piece for piece in pieces if piece]


class _StreamingTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, compiling only the tags, piece by piece, and rendering into a buffer.

    docxtpl renders with Jinja's ``Template.render``, which joins *all* output chunks at once — for
    a report 50 times the example that list alone is a hundred megabytes.  The steps are docxtpl
    0.20's ``render_xml_part``, with the plain XML hoisted out of the template (:func:`hoist_static`)
    and ``generate`` streamed into a ``StringIO``.
    """

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        self.current_rendering_part = part
        tags_only, static = hoist_static(src_xml)
        del src_xml
        env = jinja_env or Environment()
        values = {**context, _STATIC: static}
        buffer = io.StringIO()
        for piece in segments(tags_only):
            try:
                for chunk in env.from_string(piece).generate(values):
                    buffer.write(chunk)
            except _RENDERING_ERRORS as error:  # docxtpl's context: where in the document it broke
                line = getattr(error, "lineno", None) or _template_line(error)
                error.docx_context = neighbourhood(piece, line, static)  # type: ignore[union-attr]
                raise
        dst_xml = buffer.getvalue()
        del buffer
        for escaped, plain in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            if escaped in dst_xml:
                dst_xml = dst_xml.replace(escaped, plain)
        return str(self.resolve_listing(dst_xml))


def open_template(data: bytes, name: str = "template.docx") -> Any:
    """The docxtpl template held in ``data`` (comments can be added before rendering)."""
    try:
        template = _StreamingTemplate(io.BytesIO(data))
        template.init_docx()
    except Exception as error:  # python-docx raises several types for a damaged file
        raise TemplateError(f"テンプレートを開けません（{type(error).__name__}）", name) from error
    return template


def render_template(
    data: bytes, build: Callable[[Callable[[str], int]], Mapping[str, Any]], *, name: str = "template.docx"
) -> bytes:
    """Render the template ``data`` with the context ``build(add_comment)`` makes; the .docx bytes.

    ``add_comment(text)`` adds a comment by ``komae-docx`` and returns its id (after the ids the
    file already uses).  The steps of docxtpl's ``render`` (patch the tags, render with Jinja,
    headers, footers, properties), except that the body stays a string: python-docx opens a shell
    of the package whose body is only its last section (docxtpl would parse the whole body into
    python-docx's tree only to serialise it again — for a large report, hundreds of megabytes).
    """
    shell_data, body_xml = _split_body(data)
    template = open_template(shell_data, name)
    comments: list[str] = []
    base = next_comment_id(package_of_parts(package_parts(data), name))

    def add_comment(text: str) -> int:
        comments.append(text)
        return base + len(comments) - 1

    values = dict(build(add_comment))
    env = jinja_environment()
    try:
        template.render_init()
        body = template.render_xml_part(template.patch_xml(body_xml), template.docx.part, values, env)
        del body_xml
        for uri in (template.HEADER_URI, template.FOOTER_URI):
            for rel_key, xml in list(template.build_headers_footers_xml(values, uri, env)):
                template.map_headers_footers_xml(rel_key, xml)
        template.render_properties(values, env)
        template.render_footnotes(values, env)
    except UndefinedError as error:
        raise SheetFormatError(
            f"報告書の表の形がテンプレートの様式と合わないため書き出せません（{error}）。"
            "元の報告書を check で確認してください",
            name,
        ) from error
    except _RENDERING_ERRORS as error:
        where = getattr(error, "docx_context", None)
        hint = f"（付近：{' '.join(s.strip() for s in where if s.strip())[:100]}）" if where else ""
        raise TemplateError(f"テンプレートを埋められません：{error}{hint}", name) from error
    shell = io.BytesIO()
    template.docx.save(shell)
    return _with_body(shell.getvalue(), _tcpr_in_order(body), comment_elements(comments, base), name)


_TCPR_RANK = {name: i for i, name in enumerate(TCPR_ORDER)}
_SHADED_TCPR = re.compile(
    r"<w:tcPr>(<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"[^\"]*\"/>.*?)</w:tcPr>", re.DOTALL
)
_TCPR_CHILD = re.compile(r"<w:(\w+)\b[^>]*?/>|<w:(\w+)\b[^>]*>.*?</w:\2>", re.DOTALL)


def _tcpr_in_order(body: str) -> str:
    """docxtpl's ``{% cellbg %}`` puts ``w:shd`` first in ``w:tcPr``; the schema wants it later."""

    def reorder(match: re.Match[str]) -> str:
        children = [(m.group(1) or m.group(2), m.group(0)) for m in _TCPR_CHILD.finditer(match.group(1))]
        children.sort(key=lambda child: _TCPR_RANK.get(child[0], len(_TCPR_RANK)))
        return "<w:tcPr>" + "".join(xml for _, xml in children) + "</w:tcPr>"

    return _SHADED_TCPR.sub(reorder, body)


def _split_body(data: bytes) -> tuple[bytes, str]:
    """The package with a body of just its last section properties, and the body's XML (``w:body``)."""
    parts = package_parts(data)
    main = _main_part_name(parts)
    try:
        document = parts[main].decode("utf-8")
    except (KeyError, UnicodeDecodeError) as error:
        raise TemplateError(f"テンプレートの本文を読めません（{type(error).__name__}）") from error
    start, end = document.find("<w:body"), document.rfind("</w:body>")
    if start < 0 or end < 0:
        raise TemplateError("テンプレートに本文(w:body)がありません")
    end += len("</w:body>")
    body = document[start:end]
    last_section = body.rfind("<w:sectPr")
    tail = body[last_section:] if last_section >= 0 and "</w:p>" not in body[last_section:] else "</w:body>"
    shell_document = document[:start] + "<w:body>" + tail + document[end:]
    shell = _replace_part(data, main, shell_document.encode("utf-8"))
    return shell, body


def _replace_part(data: bytes, name: str, content: bytes) -> bytes:
    return replace_parts(data, {name: content})


def _with_body(package: bytes, body: str, comments: list[etree._Element], name: str) -> bytes:
    """The package with ``word/document.xml``'s body replaced by ``body`` (a ``w:body`` element)
    and the draft's comments added (the same way as the in-place draft adds them)."""
    parts = package_parts(package)
    main = _main_part_name(parts)
    document = parts[main].decode("utf-8")
    head = document[: document.index("<w:body")]
    tail = document[document.rindex("</w:body>") + len("</w:body>") :]
    parts[main] = (head + body + tail).encode("utf-8")
    return write_package(put_comments(parts, main, comments, path=name).items())


def _main_part_name(parts: Mapping[str, bytes]) -> str:
    if "_rels/.rels" not in parts:  # python-docx then refuses it by the template's name
        return "word/document.xml"
    rels = parse_xml(parts["_rels/.rels"], path="template", part="_rels/.rels")
    for rel in rels:
        if (rel.get("Type") or "").endswith("/officeDocument"):
            return (rel.get("Target") or "word/document.xml").lstrip("/")
    return "word/document.xml"
