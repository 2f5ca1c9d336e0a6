"""Lint a docxtpl template: broken tags and names the writer's context does not have.

Staff edit the template in Word, and Word splits, merges and moves text freely; a tag that lost a
brace, a ``{%p for %}`` without its ``endfor``, or a misspelt ``{{ row.tittle }}`` should be reported
before anybody renders, with the place where it is: ``本文 段落12``, ``表3 2行 4列``, ``フッター``.

Names are checked against :data:`komae_docx.writing.context.CONTEXT_SCHEMA`, following ``for`` loops (the
loop variable takes the list's item schema) and ``set``.  docxtpl's own tags are understood:
``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``, ``{{r }}``, ``{% cellbg %}``, ``{% colspan %}``,
``{% vm %}``, ``{% hm %}``.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, nodes
from jinja2.exceptions import TemplateSyntaxError
from lxml import etree

from .. import wordml
from ..errors import KomaeDocxError, TemplateError
from ..package import Package, open_package
from ..results import Location, Message
from ..wordml import W
from .context import CONTEXT_SCHEMA

ANY = object()
"""Schema of a value the linter does not look into (``loop``, a string's methods, a filter's result)."""

_TAG = re.compile(r"\{\{(?P<out>.*?)\}\}|\{%(?P<stmt>.*?)%\}|\{#.*?#\}", re.DOTALL)
_PREFIX = re.compile(r"^(?:p|tr|tc|r)\s+")
_FOR = re.compile(r"^for\s+(?P<target>[A-Za-z_][\w\s,]*?)\s+in\s+(?P<expr>.+)$", re.DOTALL)
_SET = re.compile(r"^set\s+(?P<name>[A-Za-z_]\w*)\s*=\s*(?P<expr>.+)$", re.DOTALL)
_KNOWN_GLOBALS = {"loop": ANY, "range": ANY, "dict": ANY, "lipsum": ANY, "cycler": ANY, "joiner": ANY}


LintIssue = Message
"""A template problem is a :class:`~komae_docx.results.Message` with code ``template.tag``: ``location``
names the paragraph or table cell, ``found`` holds the tag's paragraph text."""


@dataclass
class _Para:
    where: str
    text: str


def lint_template(path: str | Path, schema: dict[str, Any] | None = None) -> list[LintIssue]:
    """Every problem found in the template at ``path`` (an empty list when it is sound)."""
    if schema is None:
        schema = CONTEXT_SCHEMA
    try:
        parts = _parts(open_package(path))
    except KomaeDocxError as error:
        raise TemplateError(f"テンプレートを開けません（{error}）", path) from error
    linter = _Linter(schema)
    for name, root in parts:
        for para in _paragraphs(root, name):
            linter.paragraph(para)
    linter.finish()
    return linter.issues


def check_template(path: str | Path) -> None:
    """Raise :class:`TemplateError` listing the problems of the template, if any."""
    issues = lint_template(path)
    if issues:
        lines = "\n".join(f"  {issue.describe()}" for issue in issues[:20])
        more = f"\n  ほか {len(issues) - 20} 件" if len(issues) > 20 else ""
        raise TemplateError(f"テンプレートに誤りがあります：\n{lines}{more}", path)


# --------------------------------------------------------------------------- reading the parts


def _parts(package: Package) -> list[tuple[str, etree._Element]]:
    """The parts docxtpl renders, as the renderer sees them: the main part, then the headers and
    footers it relates to (through the package: the one safe reader and its hardened parser)."""
    parts = [("本文", package.document)]
    for kind, label in (("header", "ヘッダー"), ("footer", "フッター")):
        for name in package.related_part(package.main, kind):
            parts.append((f"{label}({posixpath.basename(name)})", package.xml(name)))
    return parts


def _paragraphs(root: etree._Element, part: str) -> Iterator[_Para]:
    container = root.find(wordml.w("body"))
    top = wordml.body_tables(container if container is not None else root)
    tables: dict[etree._Element, int] = {tbl: number for number, tbl in enumerate(top, start=1)}
    body_count = 0
    for p in root.iter(f"{W}p"):
        text = "".join(t.text or "" for t in p.iter(f"{W}t") if _owner(t) is p)
        tc = next((a for a in p.iterancestors(f"{W}tc")), None)
        if tc is None:
            body_count += 1
            where = f"{part} 段落{body_count}"
        else:
            where = _cell_place(part, tc, tables)
        if "{" in text or "}" in text:
            yield _Para(where, text)


def _cell_place(part: str, tc: etree._Element, tables: dict[etree._Element, int]) -> str:
    """「本文 表3 2行 4列」: the cell's table numbered as the floor (and the reader) number them, the
    body's top-level tables in block order; a table inside a cell is named by its outer table's
    number (a cell or row inside a content control counts where it stands)."""
    tr = next(tc.iterancestors(wordml.TR), None)
    tbl = next(tc.iterancestors(wordml.TBL), None)
    if tbl is None or tr is None:
        return part
    outer = next((t for t in tc.iterancestors(wordml.TBL) if t in tables), None)
    number: int | str = tables[outer] if outer is not None else "?"
    if outer is not None and outer is not tbl:
        number = f"{number}内の表"
    rows = wordml.table_rows(tbl, deleted=True)
    cells = list(wordml.row_tcs(tr))
    row = f" {rows.index(tr) + 1}行" if tr in rows else ""
    cell = f" {cells.index(tc) + 1}列" if tc in cells else ""
    return f"{part} 表{number}{row}{cell}"


def _owner(t: etree._Element) -> etree._Element | None:
    return next(t.iterancestors(f"{W}p"), None)


# --------------------------------------------------------------------------- checking


class _Linter:
    def __init__(self, schema: dict[str, Any]) -> None:
        self.env = Environment()
        self.scopes: list[dict[str, Any]] = [dict(schema)]
        self.blocks: list[tuple[str, _Para]] = []
        self.issues: list[LintIssue] = []

    def issue(self, para: _Para, message: str) -> None:
        text = para.text if len(para.text) <= 60 else para.text[:60] + "…"
        self.issues.append(
            Message(
                severity="error",
                code="template.tag",
                text=message,
                location=Location(section=para.where),
                found=text,
            )
        )

    def paragraph(self, para: _Para) -> None:
        rest = _TAG.sub(" ", para.text)
        for opener in ("{{", "{%", "{#"):
            if opener in rest:
                self.issue(para, f"「{opener}」が閉じていません（タグは一つの段落の中に書きます）")
        for closer in ("}}", "%}", "#}"):
            if closer in rest:
                self.issue(para, f"「{closer}」に対応する開き括弧がありません")
        for match in _TAG.finditer(para.text):
            if match.group("out") is not None:
                self.expression(para, _PREFIX.sub("", match.group("out").strip()))
            elif match.group("stmt") is not None:
                self.statement(para, _PREFIX.sub("", match.group("stmt").strip()))

    def statement(self, para: _Para, stmt: str) -> None:
        word = stmt.split(maxsplit=1)[0] if stmt.split() else ""
        rest = stmt[len(word) :].strip()
        if word == "for":
            match = _FOR.match(stmt)
            if match is None:
                self.issue(para, f"for の書き方が違います：{{% {stmt} %}}")
                return
            item = self.expression(para, match["expr"])
            scope = {name.strip(): _item_of(item) for name in match["target"].split(",")}
            self.scopes.append(scope)
            self.blocks.append(("for", para))
        elif word == "if":
            self.expression(para, rest)
            self.blocks.append(("if", para))
        elif word == "elif":
            self.expression(para, rest)
            self.expect(para, "if", word)
        elif word == "else":
            if not self.blocks or self.blocks[-1][0] not in ("if", "for"):
                self.issue(para, "else に対応する if / for がありません")
        elif word in ("endfor", "endif"):
            opened = word[3:]
            if self.expect(para, opened, word):
                self.blocks.pop()
                if opened == "for":
                    self.scopes.pop()
        elif word == "set":
            match = _SET.match(stmt)
            if match is None:
                self.issue(para, f"set の書き方が違います：{{% {stmt} %}}")
                return
            self.scopes[-1][match["name"]] = self.expression(para, match["expr"])
        elif word in ("cellbg", "colspan"):
            self.expression(para, rest)
        elif word in ("vm", "hm"):
            return
        else:
            self.issue(para, f"使えないタグです：{{% {stmt} %}}")

    def expect(self, para: _Para, opened: str, word: str) -> bool:
        if not self.blocks or self.blocks[-1][0] != opened:
            self.issue(para, f"{word} に対応する {opened} がありません")
            return False
        return True

    def finish(self) -> None:
        for kind, para in self.blocks:
            self.issue(para, f"{kind} が閉じていません（end{kind} がありません）")
        self.blocks.clear()

    def expression(self, para: _Para, source: str) -> Any:
        if not source.strip():
            self.issue(para, "タグの中が空です")
            return ANY
        try:
            template = self.env.parse("{{ " + source + " }}")
        except TemplateSyntaxError as error:
            self.issue(para, f"タグが壊れています：{error.message}")
            return ANY
        output = template.body[0]
        if not isinstance(output, nodes.Output) or not output.nodes:
            return ANY
        return self.resolve(para, output.nodes[0])

    def resolve(self, para: _Para, node: nodes.Node) -> Any:
        if isinstance(node, nodes.Name):
            for scope in reversed(self.scopes):
                if node.name in scope:
                    return scope[node.name]
            if node.name in _KNOWN_GLOBALS:
                return ANY
            self.issue(para, f"テンプレートで使える名前にありません：{node.name}")
            return ANY
        if isinstance(node, nodes.Getattr):
            return self.member(para, node, self.resolve(para, node.node), node.attr)
        if isinstance(node, nodes.Getitem):
            base = self.resolve(para, node.node)
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self.member(para, node, base, node.arg.value)
            self.resolve(para, node.arg)
            return _item_of(base)
        for child in node.iter_child_nodes():
            self.resolve(para, child)
        return ANY

    def member(self, para: _Para, node: nodes.Node, base: Any, name: str) -> Any:
        if isinstance(base, dict):
            if name in base:
                return base[name]
            self.issue(para, f"テンプレートで使える名前にありません：{_dotted(node)}")
        return ANY


def _item_of(schema: Any) -> Any:
    return schema[0] if isinstance(schema, list) and schema else ANY


def _dotted(node: nodes.Node) -> str:
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_dotted(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        arg = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_dotted(node.node)}[{arg!r}]"
    return "…"
