"""Model → Word: fill the docxtpl template in the city's layout (the only module writing OOXML).

:func:`build_context` turns a :class:`~komae_docx.model.Report` into the plain dictionaries the
template reads (the tags are documented in ``templates/README.md`` and listed in
:data:`CONTEXT_SCHEMA`, which :mod:`komae_docx.templatelint` checks templates against);
:func:`render_report` renders it to bytes and :func:`write_report` / :func:`write_draft` write it
atomically through :mod:`komae_docx.safeio`.

Text is inserted literally: the Jinja environment autoescapes, and braces are written as character
references, so report text holding ``&``, ``<``, ``>``, ``{{ }}`` or ``{% %}`` comes out as written.

Draft mode adds what staff need to fill the draft in Word:

* each project row's Check cell holds a dropdown content control (未評価 / 達成 / 未達成) — its
  choice is the project's :attr:`~komae_docx.model.Project.result` when read back;
* Do and Act cells are shaded for entry, and last year's Do / Act text is attached to the cell as a
  Word comment — or, with ``carry_text``, put into the cell highlighted.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import gc
import io
import itertools
import re
import zipfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate  # type: ignore[import-untyped]
from jinja2 import Environment, StrictUndefined
from jinja2.exceptions import TemplateError as JinjaTemplateError
from jinja2.exceptions import UndefinedError
from lxml import etree
from markupsafe import Markup, escape

from ..errors import OutputError, SheetFormatError, TemplateError
from ..model import (
    PROJECT_RESULTS,
    Entry,
    LayeredPlan,
    Measure,
    OpinionSheet,
    Project,
    Report,
    Sheet,
    WelfarePlan,
)
from ..reading.reader import read_report
from ..rollover import Rollover, roll_forward
from ..safeio import write_bytes_atomic
from ..textnorm import fold_width, is_number, squash_spaces

TEMPLATE_NAME = "report.docx"
ENTRY_FILL = "DEEAF6"
"""Shading of the Do / Act cells staff fill in (a pale blue, distinct from the grey headers)."""
CARRY_HIGHLIGHT = "yellow"
COMMENT_AUTHOR = "komae-docx"
COMMENT_INITIALS = "前年"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"

Plan = WelfarePlan | LayeredPlan
Context = dict[str, Any]


# --------------------------------------------------------------------------- the context schema

_ROW_FIELDS = {
    "kind": str, "label": str, "title": str, "tag": str, "rest": str, "grade": str, "plan": str,
    "departments": str, "pages": str, "indicator": str, "do": str, "act": str, "check": str,
    "result": str, "fill": str, "carry": bool, "do_note": str, "act_note": str,
}  # fmt: skip

CONTEXT_SCHEMA: dict[str, Any] = {
    "draft": bool,
    "fiscal_year": str,
    "cover": {"title_lines": [str], "report_title": str},
    "toc": [{"label": str, "title": str, "page": str, "level": int}],
    "intro": {
        "title": str,
        "blocks": [{"kind": str, "text": str, "page_break": bool}],
        "criteria_header": [str],
        "criteria": [{"letter": str, "label": str, "text": str}],
        "example": {"header": str, "measure": str, "rows": [{"project": str, "status": str}]},
        "departments": [{"code": str, "name": str}],
        "schedule": {"months": [str], "cells": [{"boxes": [str], "text": str}]},
    },
    "chapter1_title": str,
    "chapter2_title": str,
    "plans": [
        {
            "key": str,
            "kind": str,
            "heading": str,
            "summary": {
                "title": str,
                "header": [str],
                "rows": [{"first": bool, "label": str, "count": str, "page": str, "measure": str}],
                "total_label": str,
                "total": str,
            },
            "sheets": [{"index": int, "page": int, "header": [str], "rows": [_ROW_FIELDS]}],
            "opinions_heading": str,
            "opinion_sheets": [
                {
                    "header": [str],
                    "break_after": bool,
                    "rows": [{"kind": str, "label": str, "title": str, "opinions": str}],
                }
            ],
        }
    ],
    "publication": {
        "number": str, "month_text": str, "publisher": str, "editor": str, "postal_code": str,
        "address": str, "phone": str, "price": str,
    },
    "colophon": {"title_lines": [str]},
}  # fmt: skip
"""Every name the template may use: a dict is an object, ``[item]`` a list, a type a leaf."""


# --------------------------------------------------------------------------- options


@dataclass(frozen=True)
class DraftOptions:
    """What the draft adds for data entry; ``previous`` is last year's report (for its texts)."""

    previous: Report | None = None
    carry_text: bool = False


# --------------------------------------------------------------------------- the context


def build_context(
    report: Report, *, draft: DraftOptions | None = None, add_comment: Callable[[str], int] | None = None
) -> Context:
    """The template's context for ``report``.

    In draft mode last year's texts become comments: ``add_comment(text)`` creates one and returns
    its id (by default ids are just counted, for a context built without a document).
    """
    return _ContextBuilder(report, draft, add_comment or _counter()).context()


def _counter() -> Callable[[str], int]:
    count = itertools.count()
    return lambda _text: next(count)


class _ContextBuilder:
    def __init__(self, report: Report, draft: DraftOptions | None, add_comment: Callable[[str], int]) -> None:
        self.report = report
        self.draft = draft
        self.add_comment = add_comment
        self.controls = 0
        self.previous_entries = _entries_by_project(draft.previous) if draft and draft.previous else {}

    def context(self) -> Context:
        r = self.report
        intro = r.intro
        return {
            "draft": self.draft is not None,
            "fiscal_year": r.fiscal_year.text,
            "cover": {"title_lines": list(r.cover.title_lines), "report_title": r.cover.report_title},
            "toc": [
                {"label": e.label, "title": e.title, "page": e.page, "level": _toc_level(e.label)}
                for e in r.toc
            ],
            "intro": {
                "title": intro.title,
                "blocks": self._intro_blocks(),
                "criteria_header": list(intro.criteria_header),
                "criteria": [{"letter": c.letter, "label": c.label, "text": c.text} for c in intro.criteria],
                "example": (
                    {
                        "header": intro.example.header,
                        "measure": intro.example.measure,
                        "rows": [{"project": x.project, "status": x.status} for x in intro.example.rows],
                    }
                    if intro.example
                    else None
                ),
                "departments": [{"code": d.code, "name": d.name} for d in intro.departments],
                "schedule": (
                    {
                        "months": list(intro.schedule.months),
                        "cells": [
                            {"boxes": list(c.boxes), "text": _paras(c.texts)} for c in intro.schedule.cells
                        ],
                    }
                    if intro.schedule
                    else None
                ),
            },
            "chapter1_title": r.chapter1_title,
            "chapter2_title": r.chapter2_title,
            "plans": [self._plan(plan, i == len(r.plans) - 1) for i, plan in enumerate(r.plans)],
            "publication": {
                "number": r.publication.number,
                "month_text": r.publication.month.text,
                "publisher": r.publication.publisher,
                "editor": r.publication.editor,
                "postal_code": r.publication.postal_code,
                "address": r.publication.address,
                "phone": r.publication.phone,
                "price": r.publication.price,
            },
            "colophon": {"title_lines": list(r.colophon.title_lines)},
        }

    # ---- 序章

    def _intro_blocks(self) -> list[dict[str, Any]]:
        """Blocks in order; a heading the 目次 puts on a later page than the last one starts a page."""
        toc_pages = {
            _flat(e.label + e.title): int(fold_width(e.page))
            for e in self.report.toc
            if is_number(fold_width(e.page))
        }
        blocks: list[dict[str, Any]] = []
        last_page: int | None = None
        for block in self.report.intro.blocks:
            page_break = False
            if block.kind == "heading":
                page = toc_pages.get(_flat(block.text))
                if page is not None:
                    page_break = last_page is not None and page > last_page
                    last_page = page
            blocks.append({"kind": block.kind, "text": block.text, "page_break": page_break})
        return blocks

    # ---- plans

    def _plan(self, plan: Plan, last: bool) -> dict[str, Any]:
        summary = plan.summary
        return {
            "key": plan.key,
            "kind": plan.kind,
            "heading": plan.heading,
            "summary": (
                {
                    "title": summary.title,
                    "header": list(summary.header),
                    "rows": list(_summary_rows(summary.groups)),
                    "total_label": summary.total_label,
                    "total": summary.total,
                }
                if summary
                else None
            ),
            "sheets": [self._sheet(plan, sheet) for sheet in plan.sheets],
            "opinions_heading": plan.opinions_heading,
            "opinion_sheets": [
                _opinion_sheet(
                    sheet, isinstance(plan, LayeredPlan), not (last and i == len(plan.opinion_sheets) - 1)
                )
                for i, sheet in enumerate(plan.opinion_sheets)
            ],
        }

    def _sheet(self, plan: Plan, sheet: Sheet) -> dict[str, Any]:
        rows: list[tuple[float, dict[str, Any]]] = []
        if sheet.context is not None:
            c = sheet.context
            rows.append((-2, _row("goal", label=c.goal_label, title=c.goal_title)))
            rows.append((-1, _row("policy", title=_join_label(c.policy_label, c.policy_title))))
        measures = {m.id: m for m in plan.iter_measures()}
        for printed in sorted(sheet.measures, key=lambda m: m.row):
            tag, rest = _split_title_tag(printed.title)
            kind = "measure" if printed.label else "measure_nolabel"
            rows.append(
                (
                    printed.row,
                    _row(
                        kind,
                        label=printed.label,
                        title=printed.title,
                        tag=tag,
                        rest=rest,
                        grade=printed.grade_cell,
                    ),
                )
            )
            measure = measures.get(printed.measure_id)
            if measure is not None:
                rows.extend(self._entry_rows(plan, measure, sheet))
        rows.sort(key=lambda item: item[0])
        return {
            "index": sheet.index,
            "page": sheet.page or 0,
            "header": list(sheet.header),
            "rows": [row for _, row in rows],
        }

    def _entry_rows(
        self, plan: Plan, measure: Measure, sheet: Sheet
    ) -> Iterator[tuple[float, dict[str, Any]]]:
        band: str | None = None
        on_sheet = sorted(
            ((entry.row, project, entry) for project in measure.projects for entry in project.entries
             if entry.sheet == sheet.index),
            key=lambda item: item[0],
        )  # fmt: skip
        seen: set[str] = set()
        for at, project, entry in on_sheet:
            if isinstance(plan, LayeredPlan) and project.band is not None and project.band != band:
                band = project.band
                title = next((f"{b.label} {b.title}" for b in measure.bands if b.label == band), band)
                yield at - 0.5, _row("band", title=title)
            first = project.id not in seen
            seen.add(project.id)
            yield at, self._entry_row(plan, project, entry, first)

    def _entry_row(self, plan: Plan, project: Project, entry: Entry, first: bool) -> dict[str, Any]:
        do = _paras([entry.heading, *entry.do] if entry.heading else entry.do)
        act = _paras(entry.act)
        row = _row(
            "project" if first else "continued",
            label=project.label,
            plan=project.plan_text,
            departments=_paras(project.departments),
            pages=_paras(project.plan_pages),
            indicator=project.indicator,
            do=do,
            act=act,
            check=entry.check,
        )
        if first and (self.draft is not None or project.result is not None):
            row["result"] = self._dropdown(project.result)
        if self.draft is not None:
            row["fill"] = ENTRY_FILL
            last = self._previous_entry(plan, project, entry)
            if last is not None:
                last_do = _paras([last.heading, *last.do] if last.heading else last.do)
                last_act = _paras(last.act)
                if self.draft.carry_text:
                    row["carry"] = True
                    row["do"] = _join_nonempty(do, last_do)
                    row["act"] = _join_nonempty(act, last_act)
                else:
                    row["do_note"] = self._comment("Do", last_do)
                    row["act_note"] = self._comment("Act", last_act)
        return row

    def _previous_entry(self, plan: Plan, project: Project, entry: Entry) -> Entry | None:
        entries = self.previous_entries.get((plan.key, project.id))
        if not entries:
            return None
        index = project.entries.index(entry)
        return entries[index] if index < len(entries) else None

    def _comment(self, column: str, text: str) -> Markup:
        if not text.strip():
            return Markup("")
        year = self.draft.previous.fiscal_year.text if self.draft and self.draft.previous else "前年度"
        n = self.add_comment(f"{year}の{column}：\n" + text.replace("\a", "\n"))
        return Markup(
            f'<w:commentRangeStart w:id="{n}"/><w:commentRangeEnd w:id="{n}"/>'
            f'<w:r><w:commentReference w:id="{n}"/></w:r>'
        )

    def _dropdown(self, value: str | None) -> Markup:
        """A dropdown content control; showing its placeholder (未評価, grey) while unset."""
        self.controls += 1
        items = "".join(f'<w:listItem w:displayText="{v}" w:value="{v}"/>' for v in PROJECT_RESULTS)
        shown = value if value is not None else PROJECT_RESULTS[0]
        placeholder = "<w:showingPlcHdr/>" if value is None else ""
        color = '<w:color w:val="808080"/>' if value is None else ""
        rpr = f'<w:rPr>{color}<w:sz w:val="18"/><w:szCs w:val="18"/></w:rPr>'
        return Markup(
            f'<w:sdt><w:sdtPr>{rpr}<w:alias w:val="評価"/><w:tag w:val="komae-docx:result"/>'
            f'<w:id w:val="{700000 + self.controls}"/>{placeholder}'
            f'<w:dropDownList w:lastValue="{shown}">{items}</w:dropDownList></w:sdtPr>'
            f"<w:sdtContent><w:r>{rpr}<w:t>{escape(shown)}</w:t></w:r></w:sdtContent></w:sdt>"
        )


def _row(kind: str, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {key: (False if typ is bool else "") for key, typ in _ROW_FIELDS.items()}
    row["kind"] = kind
    row["fill"] = "auto"
    row["result"] = Markup("")
    row["do_note"] = Markup("")
    row["act_note"] = Markup("")
    row.update(values)
    return row


def _summary_rows(groups: Sequence[Any]) -> Iterator[dict[str, Any]]:
    for group in groups:
        if not group.rows:
            yield {"first": True, "label": group.label, "count": group.count, "page": "", "measure": ""}
        for i, item in enumerate(group.rows):
            yield {
                "first": i == 0,
                "label": group.label if i == 0 else "",
                "count": group.count if i == 0 else "",
                "page": item.page,
                "measure": item.measure,
            }


def _opinion_sheet(sheet: OpinionSheet, layered: bool, break_after: bool) -> dict[str, Any]:
    rows: list[dict[str, Any]] = []
    merged_left = 0
    for item in sheet.rows:
        merged = merged_left > 0
        merged_left = max(0, merged_left - 1)
        if item.opinion_rows > 1 and not merged:
            merged_left = item.opinion_rows - 1
        if item.kind in ("goal",) or (layered and item.kind == "measure"):
            kind = "group"
        elif item.kind == "policy":
            kind = "sub"
        elif item.kind == "band":
            kind = "band_merged" if merged else "band"
        else:
            kind = "item_merged" if merged else "item"
        title = _join_label(item.label, item.title) if kind == "sub" else item.title
        rows.append({"kind": kind, "label": item.label, "title": title, "opinions": _paras(item.opinions)})
    return {"header": list(sheet.header), "break_after": break_after, "rows": rows}


def _entries_by_project(report: Report) -> dict[tuple[str, str], list[Entry]]:
    return {(plan.key, project.id): project.entries for plan, _, project in report.iter_projects()}


def _paras(texts: Sequence[str | None]) -> str:
    """Paragraphs for one template tag: docxtpl turns ``\\a`` into a new paragraph, ``\\n`` a break."""
    return "\a".join(t for t in texts if t)


def _join_nonempty(*parts: str) -> str:
    return "\a".join(p for p in parts if p)


def _join_label(label: str, title: str) -> str:
    return f"{label} {title}" if label and title else label or title


_TAG = re.compile(r"^(【[^【】]*】)(.*)$", re.DOTALL)


def _split_title_tag(title: str) -> tuple[str, str]:
    match = _TAG.match(title)
    return (match.group(1), match.group(2)) if match else ("", title)


def _toc_level(label: str) -> int:
    return 1 if label.startswith(("序章", "第")) else 2


def _flat(text: str) -> str:
    return squash_spaces(fold_width(text))


# --------------------------------------------------------------------------- rendering


def template_path(template_dir: str | Path | None = None) -> Path:
    """The template file: ``report.docx`` in ``template_dir``, else the bundled one."""
    if template_dir is not None:
        path = Path(template_dir)
        path = path / TEMPLATE_NAME if path.is_dir() else path
        if not path.is_file():
            raise TemplateError("テンプレートが見つかりません", path)
        return path
    try:
        bundled = Path(str(resources.files("komae_docx.templates").joinpath(TEMPLATE_NAME)))
    except ModuleNotFoundError:  # a source checkout: templates/ sits beside the package
        bundled = Path(__file__).resolve().parents[2] / "templates" / TEMPLATE_NAME
    return bundled


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


def render_report(
    report: Report, *, draft: DraftOptions | None = None, template_dir: str | Path | None = None
) -> bytes:
    """Render ``report`` in the city's layout; ``draft`` adds the data-entry features."""
    path = template_path(template_dir)
    if template_dir is not None:  # a template staff edited: report broken tags before rendering
        from .templatelint import check_template

        check_template(path)
    template = open_template(path)
    comments: list[str] = []
    has_comments = any(rel.reltype.endswith("/comments") for rel in template.docx.part.rels.values())
    base = 1 + max((c.comment_id for c in template.docx.comments), default=-1) if has_comments else 0

    def add_comment(text: str) -> int:
        comments.append(text)
        return base + len(comments) - 1

    context = build_context(report, draft=draft, add_comment=add_comment)
    _attach_comments(template.docx, comments, base)
    return render_context(template, path, context)


def _attach_comments(document: Any, texts: Sequence[str], base: int) -> None:
    """Add the comments (ids ``base``, ``base + 1``, …) to the comments part in one pass.

    python-docx's ``add_comment`` looks for the next free id with an XPath over all comments, which
    makes thousands of comments quadratic: it makes the first (and the part), the rest are copies.
    """
    if not texts:
        return
    first = document.comments.add_comment(texts[0], author=COMMENT_AUTHOR, initials=COMMENT_INITIALS)
    element = first._comment_elm  # python-docx 1.2: the w:comment element of a Comment
    element.set(f"{W}id", str(base))
    parent = element.getparent()
    style = element.find(f"{W}p/{W}pPr")
    reference = element.find(f"{W}p/{W}r")
    for offset, text in enumerate(texts[1:], start=1):
        clone = etree.SubElement(parent, f"{W}comment", {k: v for k, v in element.attrib.items()})
        clone.set(f"{W}id", str(base + offset))
        for i, line in enumerate(text.split("\n")):
            p = etree.SubElement(clone, f"{W}p")
            if style is not None:
                p.append(copy.deepcopy(style))
            if i == 0 and reference is not None:
                p.append(copy.deepcopy(reference))
            t = etree.SubElement(etree.SubElement(p, f"{W}r"), f"{W}t")
            t.text = line
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")


class _StreamingTemplate(DocxTemplate):  # type: ignore[misc]
    """docxtpl's template, rendering a part's XML chunk by chunk into a buffer.

    docxtpl renders with Jinja's ``Template.render``, which joins *all* output chunks at once — for
    a report 50 times the example that list alone is a hundred megabytes.  The steps are docxtpl
    0.20's ``render_xml_part``, with ``generate`` streamed into a ``StringIO``.
    """

    def render_xml_part(self, src_xml: str, part: Any, context: Any, jinja_env: Any = None) -> str:
        src_xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", src_xml)
        self.current_rendering_part = part
        template = (jinja_env or Environment()).from_string(src_xml)
        del src_xml
        buffer = io.StringIO()
        for chunk in template.generate(context):
            buffer.write(chunk)
        dst_xml = buffer.getvalue()
        del buffer
        dst_xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", dst_xml)
        for escaped, plain in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
            if escaped in dst_xml:
                dst_xml = dst_xml.replace(escaped, plain)
        return str(self.resolve_listing(dst_xml))


def open_template(path: Path) -> Any:
    """The docxtpl template at ``path``, loaded (comments can be added before rendering)."""
    try:
        template = _StreamingTemplate(str(path))
        template.init_docx()
    except Exception as error:  # python-docx raises several types for a damaged file
        raise TemplateError(f"テンプレートを開けません（{type(error).__name__}）", path) from error
    return template


def render_context(template: Any, path: Path, context: Mapping[str, Any]) -> bytes:
    """Render a prepared context with an opened template; returns the .docx bytes.

    The steps of docxtpl's ``render`` (patch the tags, render with Jinja, headers, footers,
    properties), except that the body stays a string: docxtpl would parse it into python-docx's
    tree only to serialise it again, which for a large report costs hundreds of megabytes.
    """
    env = jinja_environment()
    values = dict(context)
    try:
        template.render_init()
        body = template.render_xml_part(
            template.patch_xml(template.get_xml()), template.docx.part, values, env
        )
        for uri in (template.HEADER_URI, template.FOOTER_URI):
            for rel_key, xml in list(template.build_headers_footers_xml(values, uri, env)):
                template.map_headers_footers_xml(rel_key, xml)
        template.render_properties(values, env)
        template.render_footnotes(values, env)
    except UndefinedError as error:
        raise SheetFormatError(
            "報告書の表の形(見出しの欄の数など)がテンプレートの様式と合わないため書き出せません"
            f"（{error}）。元の報告書を check で確認してください",
            path,
        ) from error
    except JinjaTemplateError as error:
        where = getattr(error, "docx_context", None)
        hint = f"（付近：{' '.join(s.strip() for s in where if s.strip())[:80]}）" if where else ""
        raise TemplateError(f"テンプレートを埋められません：{error}{hint}", path) from error
    body = _fix_body(body)
    shell = io.BytesIO()
    template.docx.save(shell)
    return _with_body(shell.getvalue(), body)


_TCPR_ORDER = [
    "cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
    "textDirection", "tcFitText", "vAlign", "hideMark", "headers", "cellIns", "cellDel", "cellMerge",
    "tcPrChange",
]  # fmt: skip
_TCPR = re.compile(r"<w:tcPr>(<w:(?:shd|gridSpan)\b.*?)</w:tcPr>", re.DOTALL)
_DOCPR_ID = re.compile(r'(<wp:docPr\b[^>]*?\sid=")\d+(")')


def _fix_body(body: str) -> str:
    """Valid OOXML from docxtpl's output: cell properties in schema order, unique drawing ids.

    ``{% cellbg %}`` and ``{% colspan %}`` put ``w:shd`` / ``w:gridSpan`` first in ``w:tcPr``;
    repeated text boxes repeat the template's ``wp:docPr`` id.
    """
    rank = {name: i for i, name in enumerate(_TCPR_ORDER)}

    def reorder(match: re.Match[str]) -> str:
        tcpr = etree.fromstring(f'<w:tcPr xmlns:w="{W_NS}">{match.group(1)}</w:tcPr>')
        children = sorted(tcpr, key=lambda el: rank.get(etree.QName(el).localname, len(rank)))
        inner = "".join(etree.tostring(child, encoding="unicode") for child in children)
        return "<w:tcPr>" + inner.replace(f' xmlns:w="{W_NS}"', "") + "</w:tcPr>"

    ids = itertools.count(1001)
    body = _TCPR.sub(reorder, body)
    return _DOCPR_ID.sub(lambda m: f"{m.group(1)}{next(ids)}{m.group(2)}", body)


def _with_body(package: bytes, body: str) -> bytes:
    """The package with ``word/document.xml``'s body replaced by ``body`` (a ``w:body`` element)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        main = _main_part_name(zin)
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == main:
                document = data.decode("utf-8")
                head = document[: document.index("<w:body")]
                tail = document[document.rindex("</w:body>") + len("</w:body>") :]
                data = (head + body + tail).encode("utf-8")
            zout.writestr(item, data)
    return out.getvalue()


def _main_part_name(package: zipfile.ZipFile) -> str:
    rels = etree.fromstring(package.read("_rels/.rels"))
    for rel in rels:
        if (rel.get("Type") or "").endswith("/officeDocument"):
            return (rel.get("Target") or "word/document.xml").lstrip("/")
    return "word/document.xml"


# --------------------------------------------------------------------------- writing


def write_report(
    report: Report,
    target: str | Path,
    *,
    force: bool = False,
    inputs: Sequence[str | Path] = (),
    template_dir: str | Path | None = None,
    draft: DraftOptions | None = None,
) -> None:
    """Render and write atomically (temp file beside ``target``, then rename); never onto an input."""
    _refuse_early(target, force, inputs)
    data = render_report(report, draft=draft, template_dir=template_dir)
    write_bytes_atomic(target, data, force=force, inputs=[*inputs, *_template_inputs(template_dir)])


_MSG_SAME_AS_INPUT = "入力ファイルと同じファイルには書き込めません。別の出力先を指定してください"


def _refuse_early(target: str | Path, force: bool, inputs: Sequence[str | Path]) -> None:
    """Refuse before the (slow) rendering when the target is an input or exists without force."""
    path = Path(target)
    for given in inputs:
        if Path(given).exists() and path.exists() and path.resolve() == Path(given).resolve():
            raise OutputError(
                "入力ファイルと同じファイルには書き込めません。別の出力先を指定してください", path
            )
    if path.exists() and not force and not path.is_dir():
        raise OutputError("既に存在します。上書きするには --force を指定してください", path)


def _template_inputs(template_dir: str | Path | None) -> list[Path]:
    return [template_path(template_dir)] if template_dir is not None else []


def write_draft(
    last_year: str | Path,
    target: str | Path,
    *,
    carry_text: bool = False,
    template_dir: str | Path | None = None,
    force: bool = False,
) -> Rollover:
    """Read last year's report, roll it forward and write next year's draft; returns the change log."""
    _refuse_early(target, force, [last_year])
    previous = read_report(last_year)
    rolled = roll_forward(previous)
    _release_memory()
    write_report(
        rolled.report,
        target,
        force=force,
        inputs=[last_year],
        template_dir=template_dir,
        draft=DraftOptions(previous=previous, carry_text=carry_text),
    )
    return rolled


def _release_memory() -> None:
    """Hand the parsed source document's freed memory back to the system before rendering.

    lxml frees a large tree into the C heap, which glibc keeps; without this a large report's
    reading and rendering peaks add up.  Best effort: elsewhere than glibc it does nothing.
    """
    gc.collect()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)
