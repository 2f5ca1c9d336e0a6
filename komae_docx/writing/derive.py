"""The yearly places of the city's own file: tagged for a template, or filled in place for a draft.

The draft on the default path (:func:`draft_in_place`) edits the city's tree at the same places
with the values the template would be rendered with, and serializes it once; the derived template
(:func:`derive_template`, ``make-template``) is the same walk writing tags instead.  The tests hold
the two to the same document.

The derived template: a copy of the city's own file with only the yearly content turned into tags.

Word is the master: every part of the city's file (styles, numbering, settings, headers and footers,
theme, fonts, comments, media) is copied byte for byte, and in ``word/document.xml`` only what
changes from year to year becomes a docxtpl tag, where the city put it:

* each Do / Check / Act cell of a project row and each opinion cell → ``{{ c.<key>.text }}`` with
  ``{{r c.<key>.control }}`` / ``{{r c.<key>.note }}`` before it (the result control, a comment
  anchor) and ``{{ c.<key>.carried }}`` after it (last year's text, highlighted), the runs keeping
  the cell's first run formatting, and the cell shaded by ``{% cellbg c.<key>.fill or '<the city's
  fill>' %}``;
* each grade cell of a sheet → ``{{ c.<key>.text }}`` and ``{{r c.<key>.control }}``;
* the 評価総括表: each group's count, page and measure cells, one table row per row of the group
  (rows after the first kept by ``{%tr if c.<group>.n > k %}``), and the total;
* dates of the report's own year in the frame's prose → ``{{ roll('令和5年度', 2023) }}`` (the text
  and the fiscal year it belongs to; ``roll`` moves it to the year being written);
* the 刊行物番号 and the publication month → ``{{ publication.number }}``,
  ``{{ publication.month_text }}``.

Keys name the place in the city's file: ``t<table>r<row>c<grid column>`` (``t4r5c7`` = the fifth
top-level table's row 5, grid column 7), computed from the model's
:class:`~komae_docx.model.TableAnchor` by :func:`.context.cell_key`, for this module and the context
alike.  Anything else — added paragraphs, rows the reader reported, fonts, widths, shading, borders,
margins, footers — stays as the city wrote it.  A place
the model points at that the file does not have is refused with :class:`SheetFormatError` naming the
sheet, row and column, before anything is written.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from ..errors import SheetFormatError
from ..model import Entry, LayeredPlan, OpinionSheet, Report, Sheet, SummaryTable, TableAnchor, WelfarePlan
from ..opcnames import (
    PACKAGE_RELS_PART,
    PKG_REL_NS,
    REL_CORE_PROPERTIES,
    REL_CORE_PROPERTIES_LEGACY,
    REL_OFFICE_DOCUMENT,
)
from ..package import Package, open_package, package_parts, refuse_strict, write_package
from ..rollover import report_year_spans, roll_report_dates
from ..textnorm import fold_number_chars, fold_width
from ..wordml import R, accept_revisions, fill_grid_after, grid_widths
from . import ooxml
from .context import (
    CARRY_HIGHLIGHT,
    DraftOptions,
    build_context,
    cell_key,
    comment_elements,
    entries_by_sheet,
    group_key,
    total_key,
)
from .customxml import next_comment_id, put_comments
from .ooxml import W, w

Plan = WelfarePlan | LayeredPlan
ENTRY_COLUMNS = ("do", "check", "act")


@dataclass(frozen=True)
class DerivedTemplate:
    """The tagged copy of the city's file (``data``, a .docx), the fiscal year it was made from, and
    the texts of the paragraphs whose dates it tagged (as written), for the change log."""

    data: bytes
    fiscal_year: int
    dated: tuple[str, ...] = ()


def derive_template(source: str | Path | Package, report: Report) -> DerivedTemplate:
    """Tag the yearly content of ``source`` (the city's file, or the package the job opened and
    read it from) whose model is ``report``.

    Headers and footers are part of the frame: their dates of the report year are tagged too.
    """
    package = source if isinstance(source, Package) else open_package(source)
    deriver = _Deriver(report, package.path)
    changed = _derive(package, deriver)
    data = write_package(_package_parts(package, changed))
    return DerivedTemplate(data, report.fiscal_year.western_year, tuple(deriver.dated))


@dataclass
class DraftParts:
    """The in-place draft: every part of the package (name → bytes, in order), its main document
    part's name and its edited tree (not yet serialized: the draft's marks go into it first), and
    the texts of the paragraphs whose dates moved."""

    parts: dict[str, bytes]
    main: str
    document: etree._Element
    dated: tuple[str, ...]


def draft_in_place(package: Package, previous: Report, rolled: Report, options: DraftOptions) -> DraftParts:
    """Next year's draft made by editing the city's tree at the places the reader found.

    The same places :func:`derive_template` tags, filled with the values the template would be
    rendered with (:func:`.context.build_context` of ``rolled``): no template engine, one tree.
    ``previous`` is the model read from ``package`` (its anchors), ``rolled`` the draft's.  The
    package's parsed trees are edited (a package shared with the reader is read first); the main
    part's tree comes back unserialized, for the draft's marks (:mod:`.draftmarks`).
    """
    main = package.main_document_part
    texts: list[str] = []
    base = next_comment_id(package)

    def add_comment(text: str) -> int:
        texts.append(text)
        return base + len(texts) - 1

    values = build_context(rolled, draft=options, add_comment=add_comment)
    deriver = _Deriver(previous, package.path, values=values, new_year=rolled.fiscal_year.western_year)
    changed = _derive(package, deriver, keep_main=True)
    parts = dict(_package_parts(package, changed))
    parts = put_comments(parts, main, comment_elements(texts, base), path=package.path)
    return DraftParts(parts, main, package.xml(main), tuple(deriver.dated))


def _derive(package: Package, deriver: _Deriver, *, keep_main: bool = False) -> dict[str, bytes | None]:
    """Tag (or fill) the main part and its headers and footers; the changed parts by name (None:
    removed).  ``keep_main`` leaves the main part out: the caller serializes its tree later."""
    refuse_strict(package, "下書きの元にできません")
    main = package.main_document_part
    root = package.xml(main)
    accept_revisions(root)  # the draft shows what the reader read: last year's changes accepted
    deriver.derive(root)
    changed: dict[str, bytes | None] = {} if keep_main else {main: ooxml.serialize(root)}
    for part in [*package.related_part(main, "/header"), *package.related_part(main, "/footer")]:
        part_root = package.xml(part)
        accept_revisions(part_root)
        if deriver.values is None:
            _escape_braces(part_root)
        deriver.tag_dates(part_root.iter(w("p")))
        changed[part] = ooxml.serialize(part_root)
    changed.update(_unreferenced_images(package, root))
    return changed


def _unreferenced_images(package: Package, root: etree._Element) -> dict[str, bytes | None]:
    """The main part's relationships without the images nothing refers to any more (a picture in a
    cleared Do cell), and those image parts removed (None) when no other part relates to them."""
    main = package.main_document_part
    folder = posixpath.dirname(main)
    rels_part = package.relationships_part(main)
    if not package.has(rels_part):
        return {}
    rels = package.xml(rels_part)
    if not any(rel.get("Type", "").endswith(("/image", "/aFChunk")) for rel in rels):
        return {}  # nothing to look for: the walk over every attribute is not free
    used = {str(v) for el in root.iter() for key, v in el.attrib.items() if _is_relationship(str(key))}
    gone: list[str] = []
    for rel in list(rels):
        # an image, or an imported chunk (w:altChunk) of a cleared cell
        image = rel.get("Type", "").endswith(("/image", "/aFChunk")) and rel.get("TargetMode") != "External"
        if image and rel.get("Id") not in used:
            gone.append(posixpath.normpath(posixpath.join(folder, rel.get("Target", ""))))
            rels.remove(rel)
    if not gone:
        return {}
    elsewhere = {
        posixpath.basename(rel.get("Target", ""))
        for other in package.names()
        if other.endswith(".rels") and other != rels_part
        for rel in package.xml(other)
    }
    changes: dict[str, bytes | None] = {rels_part: ooxml.serialize(rels)}
    for part in gone:
        if posixpath.basename(part) not in elsewhere and package.has(part):
            changes[part] = None
    return changes


def _is_relationship(attribute: str) -> bool:
    """An attribute holding a relationship id: ``r:embed``, ``r:id``, ``r:link`` … and VML's ``o:relid``."""
    return attribute.startswith(R) or attribute == "{urn:schemas-microsoft-com:office:office}relid"


def _package_parts(package: Package, tagged: Mapping[str, bytes | None]) -> Iterator[tuple[str, bytes]]:
    """The package's parts with the tagged ones (a part tagged None is left out); unchanged parts
    as they came.  Written with :func:`write_package` (fixed timestamps: the same input gives the
    same bytes)."""
    if not package.has(_PACKAGE_RELS):
        yield _PACKAGE_RELS, _package_relationships(package.main_document_part)
    for name in package.names():
        if name in tagged and tagged[name] is None:
            continue  # a part nothing refers to any more
        data = tagged.get(name) or package.read(name)
        if name == _PACKAGE_RELS:
            data = data.replace(_LEGACY_CORE_PROPERTIES, _CORE_PROPERTIES)
        yield name, data


_PACKAGE_RELS = PACKAGE_RELS_PART


def _package_relationships(main: str) -> bytes:
    """``_rels/.rels`` for a package that lacks it (the reader found the main part by its content
    type; python-docx under docxtpl finds it only through this part).  Core properties are left
    out: python-docx makes its own when none are related."""
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Relationships xmlns="{PKG_REL_NS}">'
        f'<Relationship Id="rId1" Type="{REL_OFFICE_DOCUMENT}" Target="/{main}"/></Relationships>'
    ).encode()


_LEGACY_CORE_PROPERTIES = REL_CORE_PROPERTIES_LEGACY.encode()
_CORE_PROPERTIES = REL_CORE_PROPERTIES.encode()
"""LibreOffice writes the core properties' relationship with a pre-standard type; python-docx (under
docxtpl) does not recognise it and adds a second ``docProps/core.xml``.  The copy uses the standard
type, which Word and LibreOffice both read."""


def docx_parts(data: bytes) -> dict[str, bytes]:
    """The parts of a .docx by name (to compare two packages whatever their zip bytes)."""
    return package_parts(data)


# --------------------------------------------------------------------------- the deriver

_TEXT_CELL = "{{ c.%s.text }}"


class _Deriver:
    """Finds the yearly places of the city's tree (at the model's anchors) and either tags them
    (``values`` None: the derived template) or fills them with ``values``, the context the template
    would be rendered with (the in-place draft)."""

    def __init__(
        self,
        report: Report,
        path: Path,
        *,
        values: Mapping[str, Any] | None = None,
        new_year: int | None = None,
    ) -> None:
        self.report = report
        self.path = path
        self.values = values
        self.year = report.fiscal_year.western_year
        self.new_year = new_year if new_year is not None else self.year
        # Elements, not their id(): lxml proxies are only stable while referenced.
        self.tagged: set[etree._Element] = set()  # w:tc whose content is now a tag
        self.plan_rows: set[etree._Element] = set()  # w:tr holding plan content (not rolled)
        self.dated: list[str] = []  # paragraphs whose dates were tagged, as written

    def derive(self, root: etree._Element) -> None:
        body = root.find(w("body"))
        if body is None:
            return
        if self.values is None:
            _escape_braces(root)
        tables = ooxml.body_tables(body)
        for plan in self.report.plans:
            on_sheet = entries_by_sheet(plan)
            for sheet in plan.sheets:
                self._sheet(plan, sheet, tables, [entry for _, entry in on_sheet.get(sheet.index, [])])
            for opinion in plan.opinion_sheets:
                self._opinion_sheet(plan, opinion, tables)
            if plan.summary is not None:
                self._summary(plan, plan.summary, tables)
        self._refuse_unmapped_sheets(tables)
        self._prose(body)

    # ---- places

    def _table(self, anchor: TableAnchor | None, tables: list[etree._Element], where: str) -> etree._Element:
        if anchor is None or anchor.table >= len(tables):
            raise SheetFormatError(
                "表の位置が元の報告書と対応しません（モデルに表の位置がありません）", where=where
            )
        return tables[anchor.table]

    def _cell(
        self, rows: list[etree._Element], row: int, col: int, where: str, column: str
    ) -> etree._Element:
        cell = ooxml.cell_at(rows[row], col) if row < len(rows) else None
        if cell is None or cell.col != col:
            raise SheetFormatError(
                f"{column}の欄を置き換えられません"
                f"（{row + 1}行の{col + 1}列目にその欄の始まりがありません）。"
                "列を消したり結合したりした場合は元に戻してください",
                self.path,
                where=f"{where} {row + 1}行 {column}欄",
            )
        return cell.tc

    def _refuse_unmapped_sheets(self, tables: list[etree._Element]) -> None:
        """A table headed like a progress sheet that the model does not hold cannot be drafted.

        Its Do / Check / Act cells would keep last year's text: refuse, naming the sheet, its header
        rows and the missing column, before anything is written.
        """
        mapped = {
            anchor.table
            for plan in self.report.plans
            for anchor in [
                *(s.anchor for s in plan.sheets),
                *(s.anchor for s in plan.opinion_sheets),
                plan.summary.anchor if plan.summary else None,
            ]
            if anchor is not None
        }
        number = 0
        for ordinal, tbl in enumerate(tables):
            rows = ooxml.table_rows(tbl)[:2]
            head = fold_width(" ".join("".join(t.text or "" for t in tr.iter(f"{W}t")) for tr in rows))
            if "担当課" not in head or not ("Act" in head or "Check" in head):
                continue
            number += 1
            if ordinal in mapped:
                continue
            missing = [name for name in ("Do", "Check", "Act") if name.lower() not in head.lower()]
            column = "・".join(missing) or "Do・Check・Act"
            raise SheetFormatError(
                f"進捗管理シートの見出し行に {column} の列がないため、案を作れません。"
                "列を消した場合は元に戻してください",
                self.path,
                where=f"第1章 進捗管理シート{number}（文書の{ordinal + 1}番目の表） "
                f"1～{len(rows)}行 {column}欄",
            )

    # ---- progress sheets

    def _sheet(self, plan: Plan, sheet: Sheet, tables: list[etree._Element], entries: list[Entry]) -> None:
        where = f"{plan.heading or plan.key} シート{sheet.index + 1}（{sheet.page}頁）"
        tbl = self._table(sheet.anchor, tables, where)
        anchor = sheet.anchor
        assert anchor is not None
        rows = ooxml.table_rows(tbl)
        self.plan_rows.update(rows[anchor.header_rows :])
        names = {"do": "Do", "check": "Check", "act": "Act"}
        for entry in entries:
            for column in ENTRY_COLUMNS:
                col = anchor.columns[column]
                tc = self._cell(rows, entry.row, col, where, names[column])
                if ooxml.vmerge(tc) == "continue":
                    continue
                self._entry_cell(tc, cell_key(anchor.table, entry.row, col), column != "check")
        for printed in sheet.measures:
            col = anchor.columns["check"]
            tc = self._cell(rows, printed.row, col, where, "評価")
            self._value_cell(tc, cell_key(anchor.table, printed.row, col), control=True)

    def _entry_cell(self, tc: etree._Element, key: str, shaded: bool) -> None:
        self._value_cell(tc, key, control=not shaded, note=shaded, carried=shaded, shaded=shaded)

    def _value_cell(
        self,
        tc: etree._Element,
        key: str,
        *,
        control: bool = False,
        note: bool = False,
        carried: bool = False,
        shaded: bool = False,
    ) -> None:
        """Replace the cell's content by the tags of ``key`` (or their values), in its first
        paragraph's and run's format.

        Every tag stands in text (never in an attribute), so the template itself is a valid
        document: shading is docxtpl's ``{% cellbg %}`` (the city's own fill when the value is
        empty), last year's carried text a second run, highlighted, left out when there is none.
        An entry cell (``shaded``) keeps the city's run formatting on its paragraph mark, so text
        typed into the emptied cell comes out as the city's (:func:`.ooxml.settle_entry_cell`).
        """
        ppr, rpr = ooxml.first_ppr(tc), ooxml.first_rpr(tc)
        city = ooxml.city_rpr(tc) if shaded else None
        fill = ooxml.cell_fill(tc) or "auto"
        if self.values is not None:
            self._fill_cell(tc, key, ppr, rpr, city, fill if shaded else None)
            return
        runs: list[etree._Element] = []
        if shaded:
            runs.append(ooxml.run(f"{{% cellbg c.{key}.fill or '{fill}' %}}"))
        if control:
            runs.append(ooxml.run(f"{{{{r c.{key}.control }}}}"))
        if note:
            runs.append(ooxml.run(f"{{{{r c.{key}.note }}}}"))
        runs.append(ooxml.run(_TEXT_CELL % key, rpr))
        if carried:
            carried_run = ooxml.run(f"{{{{ c.{key}.carried }}}}", rpr)
            ooxml.set_highlight(carried_run, CARRY_HIGHLIGHT)
            runs += [ooxml.run(f"{{%r if c.{key}.carried %}}"), carried_run, ooxml.run("{%r endif %}")]
        p = ooxml.paragraph(ppr, runs)
        if shaded:
            ooxml.set_mark_rpr(p, city)
        ooxml.set_cell_paragraphs(tc, [p])
        self.tagged.add(tc)

    def _value(self, key: str, where: str = "") -> Any:
        assert self.values is not None
        try:
            return self.values["c"][key]
        except KeyError as error:
            raise SheetFormatError(
                f"報告書の表の形が読み取った様式と合わないため書き出せません（{key}）。"
                "元の報告書を check で確認してください",
                self.path,
                where=where or None,
            ) from error

    def _fill_cell(
        self,
        tc: etree._Element,
        key: str,
        ppr: etree._Element | None,
        rpr: etree._Element | None,
        city: etree._Element | None,
        fill: str | None,
    ) -> None:
        """The cell's content replaced by ``key``'s value, as the template's tags would render."""
        value = self._value(key)
        runs: list[etree._Element | ooxml.TextRun] = [
            *_elements(value["control"]),
            *_elements(value["note"]),
            (_text(value["text"]), rpr),
        ]
        if value["carried"]:
            runs.append((_text(value["carried"]), ooxml.highlighted(rpr, CARRY_HIGHLIGHT)))
        paragraphs = ooxml.listing_paragraphs(ppr, runs)
        if fill is not None:
            ooxml.set_cell_shading(tc, value["fill"] or fill)
            for p in paragraphs:
                ooxml.set_mark_rpr(p, city)
        ooxml.set_cell_paragraphs(tc, paragraphs)
        if fill is not None:
            ooxml.settle_entry_cell(tc, city)
        self.tagged.add(tc)

    # ---- opinion sheets

    def _opinion_sheet(self, plan: Plan, sheet: OpinionSheet, tables: list[etree._Element]) -> None:
        where = f"{plan.opinions_heading or plan.key} 意見シート{sheet.index + 1}（{sheet.page}頁）"
        tbl = self._table(sheet.anchor, tables, where)
        anchor = sheet.anchor
        assert anchor is not None
        rows = ooxml.table_rows(tbl)
        self.plan_rows.update(rows[anchor.header_rows :])
        col = anchor.columns["opinion"]
        for item in sheet.rows:
            cell = ooxml.cell_at(rows[item.row], col) if item.row < len(rows) else None
            if cell is None or cell.col != col or ooxml.vmerge(cell.tc) == "continue":
                continue  # a row whose opinion cell is merged into the one above
            self._value_cell(cell.tc, cell_key(anchor.table, item.row, col), shaded=True)

    # ---- 評価総括表

    def _summary(self, plan: Plan, summary: SummaryTable, tables: list[etree._Element]) -> None:
        where = f"{plan.heading or plan.key} 評価総括表"
        tbl = self._table(summary.anchor, tables, where)
        anchor = summary.anchor
        assert anchor is not None
        rows = ooxml.table_rows(tbl)
        widths = grid_widths(tbl)
        for tr in rows:
            fill_grid_after(tr, widths)  # the tags go into every column of a group's rows
        starts = [g.row for g in summary.groups if g.row is not None]
        ends = [*starts[1:], summary.total_row if summary.total_row is not None else len(rows)]
        for start, end in zip(starts, ends, strict=True):
            self._summary_group(rows, anchor, start, end, where)
        if summary.total_row is not None:
            self._summary_cell(rows[summary.total_row], anchor, summary.total_row, 1, "total", where)

    def _summary_group(
        self, rows: list[etree._Element], anchor: TableAnchor, start: int, end: int, where: str
    ) -> None:
        group = group_key(anchor.table, start)
        value = self._value(group, where) if self.values is not None else None
        for k, tr in enumerate(rows[start:end]):
            at = start + k
            if value is not None and k > 0 and not value["n"] > k:
                parent = tr.getparent()
                if parent is not None:
                    parent.remove(tr)  # {%tr if c.<group>.n > k %} renders nothing
                continue
            if k == 0:
                self._summary_cell(tr, anchor, at, anchor.columns["count"], "count", where, group)
            self._summary_cell(tr, anchor, at, anchor.columns["page"], "page", where, group, k)
            self._summary_cell(tr, anchor, at, anchor.columns["measure"], "measure", where, group, k)
            if k > 0 and value is None:
                tr.addprevious(_control_row(f"{{%tr if c.{group}.n > {k} %}}"))
                tr.addnext(_control_row("{%tr endif %}"))

    def _summary_cell(
        self,
        tr: etree._Element,
        anchor: TableAnchor,
        at: int,
        position: int,
        field: str,
        where: str,
        group: str | None = None,
        k: int = 0,
    ) -> None:
        cells = ooxml.row_cells(tr)
        if position >= len(cells):
            raise SheetFormatError(
                f"評価総括表の{at + 1}行に{position + 1}番目の欄がありません",
                self.path,
                where=f"{where} {at + 1}行",
            )
        tc = cells[position].tc
        if ooxml.vmerge(tc) == "continue":
            return
        if group is None:
            expression = f"c.{total_key(anchor.table)}"
        elif field == "count":
            expression = f"c.{group}.count"
        else:
            expression = f"c.{group}.rows[{k}].{field}"
        ppr, rpr = ooxml.first_ppr(tc), ooxml.first_rpr(tc)
        if self.values is None:
            runs = [ooxml.run(f"{{{{ {expression} }}}}", rpr)]
            ooxml.set_cell_paragraphs(tc, [ooxml.paragraph(ppr, runs)])
        else:
            shown = self._summary_value(anchor, field, group, k, where)
            ooxml.set_cell_paragraphs(tc, ooxml.listing_paragraphs(ppr, [(shown, rpr)]))
        self.tagged.add(tc)

    def _summary_value(self, anchor: TableAnchor, field: str, group: str | None, k: int, where: str) -> str:
        if group is None:
            return _text(self._value(total_key(anchor.table), where))
        value = self._value(group, where)
        if field == "count":
            return _text(value["count"])
        return _text(value["rows"][k][field])

    # ---- prose

    def _prose(self, body: etree._Element) -> None:
        """Tag the report year's dates and the publication's number and month in the frame's text."""
        publication = self.report.publication
        fixed = [
            (publication.number, "publication.number"),
            (publication.month.text, "publication.month_text"),
        ]
        self.tag_dates(self._frame_paragraphs(body), fixed)

    def _expression(self, expression: str) -> str:
        """A fixed text's value in the in-place draft (``publication.number`` → 「R6-〇〇」)."""
        assert self.values is not None
        head, name = expression.split(".")
        return _text(self.values[head][name])

    def tag_dates(self, paragraphs: Iterable[etree._Element], fixed: Sequence[tuple[str, str]] = ()) -> None:
        """Tag the report year's dates (and the ``fixed`` texts) in ``paragraphs``, runs kept."""
        for p in paragraphs:
            nodes = ooxml.paragraph_text_nodes(p)
            text = "".join(node.text for node in nodes)
            if not text:
                continue
            replacements = _fixed_spans(text, fixed)
            dates = [
                (start, end)
                for start, end in report_year_spans(text, self.year)
                if not any(s < end and start < e for s, e, _ in replacements)
            ]
            if self.values is not None:
                replacements = [(s, e, self._expression(x[3:-3])) for s, e, x in replacements]
            for start, end in dates:
                if self.values is None:
                    replacements.append((start, end, f"{{{{ roll('{text[start:end]}', {self.year}) }}}}"))
                else:
                    rolled = roll_report_dates(text[start:end], self.year, self.new_year)
                    replacements.append((start, end, rolled))
            if dates:
                self.dated.append(_unescaped(text))
            if replacements:
                ooxml.replace_spans(nodes, replacements)

    def _frame_paragraphs(self, body: etree._Element) -> Iterator[etree._Element]:
        """Every paragraph (text boxes included) outside tagged cells and the sheets' body rows."""
        for p in body.iter(w("p")):
            ancestors = list(p.iterancestors(w("tc"), w("tr")))
            if any(el in self.tagged or el in self.plan_rows for el in ancestors):
                continue
            yield p


def _elements(markup: Any) -> list[etree._Element]:
    """The run-level elements a context value inserts (``{{r }}``): the element it was made from,
    else its XML parsed."""
    elements = getattr(markup, "elements", None)
    return list(elements) if elements is not None else ooxml.fragment(str(markup))


def _text(value: Any) -> str:
    """A value as the template shows it (None as nothing)."""
    return "" if value is None else str(value)


def _unescaped(text: str) -> str:
    return text.replace("{{ '{' }}", "{").replace("{{ '}' }}", "}")


def _fixed_spans(text: str, fixed: Sequence[tuple[str, str]]) -> list[tuple[int, int, str]]:
    spans: list[tuple[int, int, str]] = []
    for value, expression in fixed:
        at = text.find(value) if value else -1
        if at < 0 and value and expression == "publication.number":  # typed 「R6－22」, read R6-22
            at = fold_number_chars(text).find(value)
        if at >= 0 and (expression != "publication.month_text" or "発行" in text[at:]):
            spans.append((at, at + len(value), f"{{{{ {expression} }}}}"))
    return spans


def _control_row(tag: str) -> etree._Element:
    """A table row holding only a docxtpl row tag (removed when the template is rendered)."""
    tr = etree.Element(w("tr"))
    tc = etree.SubElement(tr, w("tc"))
    tc.append(ooxml.paragraph(None, [ooxml.run(tag)]))
    return tr


def _escape_braces(root: etree._Element) -> None:
    """The city's own ``{`` and ``}`` become Jinja string literals, so they are never read as tags."""
    for t in root.iter(f"{W}t"):
        text = t.text or ""
        if "{" in text or "}" in text:
            t.text = "".join(f"{{{{ '{ch}' }}}}" if ch in "{}" else ch for ch in text)
