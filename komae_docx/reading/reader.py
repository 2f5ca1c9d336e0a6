"""Last year's report (.docx) → :class:`~komae_docx.model.Report`, with warnings.

The document is cut into its parts by what they say — the 目次 heading, the chapter titles
(序章 / 第1章 / 第2章), plan headings, table header rows, the 刊行物番号 line — never by
position, so a note paragraph or an empty line added by staff does not break it.  Every
non-empty text is either placed in the model or reported as an ``unplaced_text`` warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import era
from ..errors import KomaeDocxError, NotAReportError, SheetFormatError
from ..model import (
    Colophon,
    Cover,
    Criterion,
    Department,
    EraMonth,
    FiscalYear,
    Intro,
    IntroBlock,
    LayeredPlan,
    Publication,
    Report,
    ResultsRecord,
    Schedule,
    ScheduleCell,
    TocEntry,
    WelfarePlan,
    WorkedExample,
    WorkedExampleRow,
)
from ..package import Package, open_package
from ..record import RecordError, is_record, parse_record
from ..results import Location, Message, Result
from ..textnorm import fold_dashes, fold_publication_number, fold_width, is_number, split_leading_label
from .copymark import read_split_mark
from .ooxml import Block, Body, Cell, Paragraph, Row, Table, read_body
from .sheets import (
    SheetReader,
    is_opinion_table,
    is_sheet_header,
    is_summary_table,
    measure_ref_welfare,
    read_opinion_sheet,
    read_summary,
    squashed,
)
from .tracker import Tracker

CHAPTER_TITLE = re.compile(r"^\s*(序章|第\s*[0-9０-９]+\s*章)[\s\u3000]*(\S.*)$")
TOC_LINE = re.compile(r"^(?P<label>\S+)[\t\s\u3000]+(?P<title>.+?)[\t\s\u3000.…・]*(?P<page>[0-9０-９]+)\s*$")
TOC_LINE_UNSPACED = re.compile(
    r"^(?P<label>序章|第\s*[0-9０-９]+\s*章|[(（][0-9０-９]+[)）]|[0-9０-９]+(?:[-－][0-9０-９]+)*|[①-⑳])"
    r"(?P<title>[^\s\t0-9０-９(（].*?)[\t\s\u3000.…・]*(?P<page>[0-9０-９]+)\s*$"
)
"""A 目次 line whose label runs into its title (「(1)進捗管理シート⇥3」, as Word's TOC field writes
a heading numbered without a space)."""
DEPARTMENT_LINE = re.compile(r"^[\s\u3000]*(?P<code>\S)[…:：・]+(?P<name>\S+)[\s\u3000]*$")
PLAN_HEADING = re.compile(r"^\s*(?P<label>[0-9０-９]+)[\s\u3000]+(?P<name>\S*計画)\s*$")


def plan_name(heading: str) -> str:
    """A plan's heading spelled one way (``1 地域福祉計画``), whether the report puts a space or an
    ideographic space (U+3000) after the number: staff and scripts see one name for one plan."""
    match = PLAN_HEADING.match(heading)
    return f"{match['label']} {match['name']}" if match else heading.strip()


FISCAL_YEAR = re.compile(r"(?P<era>明治|大正|昭和|平成|令和)(?P<year>[0-9０-９]+|元)年度")
ERA_MONTH = re.compile(r"(?P<era>明治|大正|昭和|平成|令和)(?P<year>[0-9０-９]+|元)年(?P<month>[0-9０-９]+)月")


def read_report(path: str | Path) -> Report:
    """Read a progress report; warnings are dropped (use :func:`read_report_result` to see them)."""
    return read_report_result(path).value


def read_report_result(source: str | Path | Package) -> Result[Report]:
    """Read a progress report and return it with the reader's warnings.

    ``source`` is a path (opened for reading only: the lean parse) or a package a job opened to
    edit too: the reader then reads the same full tree the writer edits, parsed once."""
    package = source if isinstance(source, Package) else open_package(source, for_reading=True)
    path = package.path
    body = read_body(package)
    try:
        result = _ReportReader(body, Path(path)).read()
    except KomaeDocxError as error:
        if error.path is None:
            error.path = str(path)
        raise
    record, messages = read_record(package)
    mark, mark_messages = read_split_mark(package)
    update: dict[str, object] = {}
    if record is not None:
        update["record"] = record
    if mark is not None:
        update["split_mark"] = mark
    report = result.value.model_copy(update=update) if update else result.value
    return Result(report, [*result.messages, *messages, *mark_messages])


def read_record(package: Package) -> tuple[ResultsRecord | None, list[Message]]:
    """The results part this tool wrote (:mod:`komae_docx.record`), found by its relationship from
    the main document and its namespace (Word and LibreOffice renumber ``customXml/itemN.xml``).

    Other Custom XML parts (SharePoint properties, cover page data) are none of ours and are skipped.
    A part of ours that cannot be read is a warning: the file is then read as without one.
    """
    for part in package.related_part(package.main_document_part, "customXml"):
        try:
            root = package.xml(part)
        except KomaeDocxError:
            continue
        if not is_record(root):
            continue
        try:
            return parse_record(root), []
        except RecordError as error:
            text = (
                f"このツールが記録した事業の結果（{part}）を読めません。"
                f"記録はないものとして読みます（{error}）"
            )
            location = Location(section="文書のデータ")
            return None, [Message(severity="warning", code="reader.record", text=text, location=location)]
    return None, []


@dataclass
class _Sections:
    cover: list[Block]
    toc: list[Block]
    intro_title: Paragraph
    intro: list[Block]
    chapter1_title: Paragraph
    chapter1: list[Block]
    chapter2_title: Paragraph
    chapter2: list[Block]
    colophon: list[Block]


@dataclass
class _ReportReader:
    body: Body
    path: Path
    tracker: Tracker = field(default_factory=Tracker)
    messages: list[Message] = field(default_factory=list)
    section_of: dict[int, str] = field(default_factory=dict)
    departments: dict[str, str] = field(default_factory=dict)
    """担当課 code (folded) → name from 序章's table, for messages that name a project's department."""

    def read(self) -> Result[Report]:
        sections = self._split()
        fiscal_year = self._fiscal_year(sections.cover)
        cover = self._cover(sections.cover)
        toc = self._toc(sections.toc)
        self._anchor_pages(toc)
        intro = self._intro(sections.intro_title, sections.intro)
        self.departments = {squashed(d.code): d.name for d in intro.departments}
        plans = self._chapter1(sections.chapter1)
        self._chapter2(sections.chapter2, plans)
        self._refuse_unread_chunks(plans)
        publication, colophon = self._colophon(sections.colophon)
        report = Report(
            fiscal_year=fiscal_year,
            cover=cover,
            toc=toc,
            intro=intro,
            chapter1_title=sections.chapter1_title.text,
            chapter2_title=sections.chapter2_title.text,
            plans=plans,
            publication=publication,
            colophon=colophon,
        )
        messages = [*self._document_messages(), *self.messages, *self._unplaced(), *self._unknown_symbols()]
        return Result(report, messages)

    # ---- sections

    def _split(self) -> _Sections:
        blocks = self.body.blocks
        toc_at = self._find(blocks, lambda p: squashed(p.text) == "目次", "目次")
        titles = [
            (i, b)
            for i, b in enumerate(blocks)
            if isinstance(b, Paragraph) and i > toc_at and _chapter_title(b) is not None
        ]
        intro = self._chapter(titles, "序章")
        ch1 = self._chapter(titles, "第1章")
        ch2 = self._chapter(titles, "第2章")
        colophon_at = self._find(blocks, lambda p: _number_line(p) is not None, "刊行物番号")
        if not toc_at < intro[0] < ch1[0] < ch2[0] < colophon_at:
            raise NotAReportError("目次・序章・第1章・第2章・奥付の順序が報告書の構成と異なります")
        names = [
            ("表紙", 0, toc_at),
            ("目次", toc_at, intro[0]),
            ("序章", intro[0], ch1[0]),
            ("第1章", ch1[0], ch2[0]),
            ("第2章", ch2[0], colophon_at),
            ("奥付", colophon_at, len(blocks)),
        ]
        for name, start, end in names:
            for block in blocks[start:end]:
                self.section_of[block.uid] = name
        for at in (toc_at, intro[0], ch1[0], ch2[0]):
            self._take_block(blocks[at])
        return _Sections(
            cover=blocks[:toc_at],
            toc=blocks[toc_at + 1 : intro[0]],
            intro_title=intro[1],
            intro=blocks[intro[0] + 1 : ch1[0]],
            chapter1_title=ch1[1],
            chapter1=blocks[ch1[0] + 1 : ch2[0]],
            chapter2_title=ch2[1],
            chapter2=blocks[ch2[0] + 1 : colophon_at],
            colophon=blocks[colophon_at:],
        )

    def _find(self, blocks: list[Block], test: object, what: str) -> int:
        for i, block in enumerate(blocks):
            if isinstance(block, Paragraph) and test(block):  # type: ignore[operator]
                return i
        raise NotAReportError(f"進捗管理報告書ではありません（「{what}」が見つかりません）")

    def _chapter(self, titles: list[tuple[int, Paragraph]], label: str) -> tuple[int, Paragraph]:
        for i, paragraph in titles:
            if _chapter_title(paragraph) == label:
                return i, paragraph
        raise NotAReportError(f"進捗管理報告書ではありません（章見出し「{label}」が見つかりません）")

    def _take_block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.tracker.take(block)
        else:
            self.tracker.take_all(list(block.paragraphs()))

    # ---- cover, toc

    def _fiscal_year(self, cover: list[Block]) -> FiscalYear:
        for paragraph in _paragraphs(cover):
            match = FISCAL_YEAR.search(paragraph.text)
            if match:
                era_name, year = match.group("era"), _era_number(match.group("year"))
                western = _western_year(era_name, year, match.group(0), "表紙")
                return FiscalYear(era=era_name, era_year=year, western_year=western)
        raise NotAReportError("表紙に報告書の年度(例：令和5年度)が見つかりません")

    def _cover(self, cover: list[Block]) -> Cover:
        lines: list[str] = []
        report_title = ""
        for paragraph in _paragraphs(cover):
            if not paragraph.text.strip():
                continue
            self.tracker.take(paragraph)
            if FISCAL_YEAR.search(paragraph.text) and not report_title:
                report_title = paragraph.text
            else:
                lines.append(paragraph.text)
        return Cover(title_lines=lines, report_title=report_title)

    def _toc(self, blocks: list[Block]) -> list[TocEntry]:
        entries: list[TocEntry] = []
        for paragraph in _paragraphs(blocks):
            parts = [part.strip() for part in paragraph.text.split("\t") if part.strip()]
            if len(parts) == 3:
                entries.append(TocEntry(label=parts[0], title=parts[1], page=parts[2]))
            else:
                match = TOC_LINE.match(paragraph.text) or TOC_LINE_UNSPACED.match(paragraph.text)
                if match is None:
                    continue
                entries.append(TocEntry(label=match["label"], title=match["title"], page=match["page"]))
            self.tracker.take(paragraph)
        return entries

    def _anchor_pages(self, toc: list[TocEntry]) -> None:
        """Correct counted page numbers with the pages the 目次 states.

        Explicit breaks give every block a page, but text that overflows a page (序章 1 runs over
        two) is invisible without a layout engine.  The 目次 is the document's own statement of
        where its headings stand, so each heading listed there re-anchors the count after it.
        """
        wanted = [
            (squashed(f"{e.label}{e.title}"), int(fold_width(e.page)))
            for e in toc
            if is_number(fold_width(e.page))
        ]
        keys = {key for key, _ in wanted}
        at = 0  # the 目次 lists its headings in document order: a heading repeated in two chapters
        offset = 0  # (「1 地域福祉計画」) is matched by its position, the next unmatched entry
        for block in self.body.blocks:
            if isinstance(block, Paragraph) and self.section_of.get(block.uid) not in ("表紙", "目次"):
                text = squashed(block.text)
                found = _next_entry(wanted, text, at) if text in keys else None
                if found is not None:
                    offset = wanted[found][1] - block.page
                    at = found + 1
            if offset:
                _shift_pages(block, offset)

    # ---- 序章

    def _intro(self, title: Paragraph, blocks: list[Block]) -> Intro:
        chapter = CHAPTER_TITLE.match(title.text)
        parts = _IntroParts()
        for block in blocks:
            if isinstance(block, Table):
                self._intro_table(block, parts)
            else:
                self._intro_paragraph(block, parts)
        if not parts.criteria:
            raise NotAReportError("序章に評価基準の表が見つかりません")
        return Intro(
            title=chapter.group(2) if chapter else title.text,
            blocks=parts.blocks,
            criteria_header=parts.criteria_header,
            criteria=parts.criteria,
            example=parts.example,
            departments=parts.departments,
            schedule=parts.schedule,
        )

    def _intro_paragraph(self, paragraph: Paragraph, parts: _IntroParts) -> None:
        text = paragraph.text
        if not text.strip():
            return
        department = DEPARTMENT_LINE.match(text)
        if department and len(text.strip()) <= 20:
            if not parts.blocks or parts.blocks[-1].kind != "departments":
                parts.blocks.append(IntroBlock(kind="departments"))
            parts.departments.append(Department(code=department["code"], name=department["name"]))
        elif paragraph.style == "heading 2" or (_looks_like_heading(text) and not paragraph.style):
            parts.blocks.append(IntroBlock(kind="heading", text=text))
        elif paragraph.style == "heading 3" or _looks_like_subheading(text):
            parts.blocks.append(IntroBlock(kind="subheading", text=text))
        else:
            parts.blocks.append(IntroBlock(kind="paragraph", text=text))
        self.tracker.take(paragraph)

    def _intro_table(self, table: Table, parts: _IntroParts) -> None:
        head = squashed(" ".join(c.text for c in table.rows[0].cells)) if table.rows else ""
        if "評価基準" in head and "評価指標" in head:
            parts.criteria_header = [c.text for c in table.rows[0].cells]
            parts.criteria = [
                _criterion(row.cells[0].text, row.cells[-1].text, self._where(table, row.index))
                for row in table.rows[1:]
                if row.cells and row.cells[0].text
            ]
            parts.blocks.append(IntroBlock(kind="criteria_table"))
        elif "達成状況" in head:
            parts.example = _worked_example(table)
            parts.blocks.append(IntroBlock(kind="example_table"))
        elif table.rows and all(is_number(fold_width(c.text).strip()) for c in table.rows[0].cells):
            months = [c.text for c in table.rows[0].cells]
            cells = [
                ScheduleCell(boxes=[box for p in cell.paragraphs for box in p.boxes], texts=cell.texts)
                for row in table.rows[1:]
                for cell in row.cells
            ]
            parts.schedule = Schedule(months=months, cells=cells)
            parts.blocks.append(IntroBlock(kind="schedule_table"))
        else:
            return
        self.tracker.take_all(list(table.paragraphs()))

    # ---- 第1章

    def _chapter1(self, blocks: list[Block]) -> list[WelfarePlan | LayeredPlan]:
        plans: list[WelfarePlan | LayeredPlan] = []
        readers: dict[str, SheetReader] = {}
        pending_summaries: list[tuple[str, Table]] = []
        last_paragraph = ""
        heading = ""
        current: WelfarePlan | LayeredPlan | None = None
        for block in blocks:
            if isinstance(block, Paragraph):
                if PLAN_HEADING.match(block.text):
                    current, heading = None, plan_name(block.text)
                    self.tracker.take(block)
                elif block.text.strip():
                    last_paragraph = block.text
                    if "評価総括表" in block.text:
                        self.tracker.take(block)
                continue
            if is_summary_table(block):
                pending_summaries.append((last_paragraph, block))
            elif is_sheet_header(block):
                if current is None:
                    current = self._new_plan(block, heading, plans, readers)
                    heading = ""
                readers[current.key].read(block)
        drafted = any(reader.result_controls for reader in readers.values())
        for plan in plans:
            reader = readers[plan.key]
            if drafted:  # a draft whose result control was deleted in a row: read what was typed
                reader.read_bare_results()
            plan.sheets = reader.sheets
            self.messages += reader.messages
            if isinstance(plan, WelfarePlan):
                plan.goals = reader.goals
                for goal in plan.goals:
                    for policy in goal.policies:
                        for measure in policy.measures:
                            measure.ref = measure_ref_welfare(goal, policy, measure)
            else:
                plan.measures = reader.measures
                for measure in plan.measures:
                    measure.ref = f"{measure.label} {measure.title}"
        for title, table in pending_summaries:
            owner = _plan_for_summary(title, plans)
            where = f"第1章 {owner.heading if owner else ''} 評価総括表"
            summary = read_summary(table, title, self.tracker, where)
            if owner is not None:
                owner.summary = summary
        if not plans:
            raise NotAReportError("第1章に進捗管理シートが見つかりません")
        return plans

    def _new_plan(
        self,
        table: Table,
        heading: str,
        plans: list[WelfarePlan | LayeredPlan],
        readers: dict[str, SheetReader],
    ) -> WelfarePlan | LayeredPlan:
        key = f"plan{len(plans) + 1}"
        layered = "基本目標" not in squashed(" ".join(c.text for c in table.rows[0].cells))
        plan: WelfarePlan | LayeredPlan = (
            LayeredPlan(key=key, heading=heading) if layered else WelfarePlan(key=key, heading=heading)
        )
        plans.append(plan)
        readers[key] = SheetReader(
            plan_key=key,
            layered=layered,
            tracker=self.tracker,
            plan_heading=heading,
            departments=self.departments,
        )
        return plan

    # ---- 第2章

    def _chapter2(self, blocks: list[Block], plans: list[WelfarePlan | LayeredPlan]) -> None:
        current: WelfarePlan | LayeredPlan | None = None
        for block in blocks:
            if isinstance(block, Paragraph):
                heading = PLAN_HEADING.match(block.text)
                if heading:
                    current = _plan_by_name(heading["name"], plans)
                    if current is not None:
                        current.opinions_heading = plan_name(block.text)
                        self.tracker.take(block)
                continue
            if is_opinion_table(block) and current is not None:
                where = f"第2章 {current.heading} 意見シート{len(current.opinion_sheets) + 1}"
                sheet = read_opinion_sheet(
                    block,
                    len(current.opinion_sheets),
                    isinstance(current, LayeredPlan),
                    current.measures_list(),
                    self.tracker,
                    where,
                )
                current.opinion_sheets.append(sheet)

    # ---- 奥付

    def _colophon(self, blocks: list[Block]) -> tuple[Publication, Colophon]:
        number_line = blocks[0]
        assert isinstance(number_line, Paragraph)
        self.tracker.take(number_line)
        raw = re.sub(r"^\s*刊行物番号[\s\u3000]*", "", _number_line(number_line) or "").strip()
        number = fold_publication_number(raw) or raw  # 「R7－15」 typed in Word is the number R7-15
        lines = [
            p for b in blocks[1:] for p in (b.paragraphs() if isinstance(b, Table) else [b]) if p.text.strip()
        ]
        fields: dict[str, str] = {}
        title_lines: list[str] = []
        month: EraMonth | None = None
        for paragraph in lines:
            text = paragraph.text.strip()
            flat = squashed(text)
            match = ERA_MONTH.search(text)
            if match and flat.endswith("発行") and month is None:
                month = _era_month(match)
            elif key := _colophon_key(flat):
                fields[key] = _colophon_value(text, key)
            else:
                title_lines.append(paragraph.text)
            self.tracker.take(paragraph)
        if month is None:
            raise SheetFormatError("奥付に発行年月(例：令和6年9月発行)が見つかりません", where="奥付")
        postal, _, address = fields.get("address", "").partition(" ")
        publication = Publication(
            number=number,
            month=month,
            publisher=fields.get("publisher", ""),
            editor=fields.get("editor", ""),
            postal_code=postal.lstrip("〒"),
            address=address.strip(),
            phone=fields.get("phone", ""),
            price=fields.get("price", ""),
        )
        return publication, Colophon(title_lines=title_lines)

    # ---- messages

    def _where(self, table: Table, row: int) -> str:
        return f"{self.section_of.get(table.uid, '')} {table.page}頁 表の{row + 1}行"

    def _document_messages(self) -> list[Message]:
        messages: list[Message] = []
        if self.body.tracked_changes:
            messages.append(
                Message(
                    code="reader.tracked_changes",
                    text=(
                        f"変更履歴が {self.body.tracked_changes} 箇所あります。"
                        "すべて承諾した状態として読みました。"
                    ),
                )
            )
        if self.body.hidden_runs:
            messages.append(
                Message(
                    severity="info",
                    code="reader.hidden_text",
                    text=(
                        f"隠し文字（印刷されない文字）が {self.body.hidden_runs} 箇所あります。"
                        "印刷されない文字は報告書の文として読み込んでいません。"
                    ),
                )
            )
        for text in self.body.unread_boxes:
            short = text if len(text) <= 30 else text[:30] + "…"
            messages.append(
                Message(
                    code="reader.text_box",
                    text=f"テキストボックス「{short}」の文字は、置かれた場所がわからないため読み込んでいません",
                )
            )
        if self.body.comments:
            messages.append(
                Message(
                    code="reader.comments",
                    text=(f"コメントが {self.body.comments} 件あります。コメントは読み込みません。"),
                )
            )
        return messages

    def _refuse_unread_chunks(self, plans: list[WelfarePlan | LayeredPlan]) -> None:
        """An imported chunk (``w:altChunk``) in a format the reader cannot read is refused with its
        place: reading its cell as empty would report a Do text as missing that Word shows."""
        columns: dict[int, _SheetColumns] = {}
        for plan in plans:
            for sheet in plan.sheets:
                if sheet.anchor is not None:
                    named = sheet.anchor.columns.items()
                    names = {col: _COLUMN_NAMES[name] for name, col in named if name in _COLUMN_NAMES}
                    columns[sheet.anchor.table] = (plan.heading, sheet.index, sheet.page or 0, names)
        for block in self.body.blocks:
            section = self.section_of.get(block.uid)
            if isinstance(block, Paragraph):
                if block.unread_chunk:
                    self._refuse_chunk(block.unread_chunk, Location(section=section, page=block.page))
                continue
            for row in block.rows:
                for cell in row.cells:
                    kind = next((p.unread_chunk for p in cell.paragraphs if p.unread_chunk), None)
                    if kind is None:
                        continue
                    place = _chunk_place(columns.get(block.ordinal), section, block, row, cell)
                    self._refuse_chunk(kind, place)

    def _refuse_chunk(self, kind: str, location: Location) -> None:
        raise SheetFormatError(
            f"{kind}で取り込まれた内容（w:altChunk）は読み込めません。"
            "Word で開き、「Word 文書 (*.docx)」として保存し直してください",
            self.path,
            where=location.describe(),
        )

    def _unknown_symbols(self) -> list[Message]:
        """A symbol (``w:sym``) with no Unicode twin is not in the model's text: say so, with its place."""
        messages: list[Message] = []
        for block in self.body.blocks:
            section = self.section_of.get(block.uid)
            if isinstance(block, Paragraph):
                here = Location(section=section, page=block.page)
                places = [(block, here)] if block.unknown_symbols else []
            else:
                places = [
                    (paragraph, _cell_location(section, block.page, row.index, cell.col))
                    for row in block.rows
                    for cell in row.cells
                    for paragraph in cell.paragraphs
                    if paragraph.unknown_symbols
                ]
            for paragraph, location in places:
                for symbol in paragraph.unknown_symbols:
                    short = paragraph.text if len(paragraph.text) <= 30 else paragraph.text[:30] + "…"
                    messages.append(
                        Message(
                            code="reader.format",
                            text=f"{symbol}は文字に置き換えられないため読み込んでいません（「{short}」の段落）",
                            location=location,
                        )
                    )
        return messages

    def _unplaced(self) -> list[Message]:
        messages: list[Message] = []
        for block in self.body.blocks:
            section = self.section_of.get(block.uid)
            if isinstance(block, Paragraph):
                taken = self.tracker.is_taken(block)
                texts = [] if taken else [block.text, *block.boxes, *_chosen(block)]
                for text in texts:
                    if text.strip():
                        messages.append(_unplaced(text, Location(section=section, page=block.page)))
                continue
            for row in block.rows:
                for cell in row.cells:
                    for paragraph in cell.paragraphs:
                        if self.tracker.is_taken(paragraph):
                            continue
                        for text in [paragraph.text, *paragraph.boxes, *_chosen(paragraph)]:
                            if text.strip():
                                location = Location(
                                    section=section,
                                    page=block.page,
                                    row=row.index,
                                    column=f"{cell.col + 1}列目",
                                )
                                messages.append(_unplaced(text, location))
        return messages


@dataclass
class _IntroParts:
    blocks: list[IntroBlock] = field(default_factory=list)
    criteria_header: list[str] = field(default_factory=list)
    criteria: list[Criterion] = field(default_factory=list)
    example: WorkedExample | None = None
    departments: list[Department] = field(default_factory=list)
    schedule: Schedule | None = None


def _chosen(paragraph: Paragraph) -> list[str]:
    return [choice for choice in paragraph.choices if choice]


_COLUMN_NAMES = {"do": "Do", "check": "Check", "act": "Act", "dept": "担当課"}
_SheetColumns = tuple[str, int, int, dict[int, str]]
"""A progress sheet's plan heading, index, page and its columns' names, by table ordinal."""


def _chunk_place(
    sheet: _SheetColumns | None, section: str | None, table: Table, row: Row, cell: Cell
) -> Location:
    """A cell's place: on a progress sheet by its plan, sheet, row and column name (Do欄)."""
    if sheet is None:
        return _cell_location(section, table.page, row.index, cell.col)
    heading, index, page, names = sheet
    column = names.get(cell.col, f"{cell.col + 1}列目")
    plan = heading or None
    return Location(section=section, plan=plan, sheet=index, page=page, row=row.index, column=column)


def _cell_location(section: str | None, page: int, row: int, col: int) -> Location:
    return Location(section=section, page=page, row=row, column=f"{col + 1}列目")


def _next_entry(wanted: list[tuple[str, int]], text: str, start: int) -> int | None:
    """The first 目次 entry from ``start`` on whose label and title are ``text``."""
    return next((i for i in range(start, len(wanted)) if wanted[i][0] == text), None)


def _shift_pages(block: Block, offset: int) -> None:
    block.page += offset
    if isinstance(block, Table):
        for paragraph in block.paragraphs():
            paragraph.page += offset


def _unplaced(text: str, location: Location) -> Message:
    short = text if len(text) <= 40 else text[:40] + "…"
    return Message(
        code="reader.unplaced_text",
        text=f"モデルに取り込めなかった文字列があります：「{short}」",
        location=location,
    )


def _paragraphs(blocks: list[Block]) -> list[Paragraph]:
    return [b for b in blocks if isinstance(b, Paragraph)]


def _chapter_title(paragraph: Paragraph) -> str | None:
    if "\t" in paragraph.text or paragraph.style.startswith("toc"):
        return None
    match = CHAPTER_TITLE.match(paragraph.text)
    if match is None or len(paragraph.text) > 40:
        return None
    return squashed(match.group(1))


def _looks_like_heading(text: str) -> bool:
    label, rest = split_leading_label(text)
    return label is not None and label.isdigit() and 0 < len(rest) <= 20


def _looks_like_subheading(text: str) -> bool:
    label, rest = split_leading_label(text)
    return label is not None and label.startswith("(") and 0 < len(rest) <= 20


def _number_line(paragraph: Paragraph) -> str | None:
    """The 刊行物番号 line: the paragraph's own text, or a text box's anchored in it (DrawingML or
    VML: a colophon laid out in a box); None when neither starts with 刊行物番号."""
    for text in (paragraph.text, *paragraph.boxes):
        if squashed(text).startswith("刊行物番号"):
            return text
    return None


def _era_number(text: str) -> int:
    return 1 if text == "元" else int(fold_width(text))


def _era_month(match: re.Match[str]) -> EraMonth:
    era_name, year, month = (
        match.group("era"),
        _era_number(match.group("year")),
        int(fold_width(match["month"])),
    )
    if not 1 <= month <= 12:
        raise SheetFormatError(f"発行年月の月が正しくありません：「{match.group(0)}」", where="奥付")
    western = _western_year(era_name, year, match.group(0), "奥付")
    return EraMonth(era=era_name, era_year=year, western_year=western, month=month)


def _western_year(era_name: str, year: int, written: str, where: str) -> int:
    try:
        return era.era_to_western(era_name, year)
    except ValueError:
        raise SheetFormatError(f"存在しない年の表記です：「{written}」", where=where) from None


_COLOPHON_KEYS = (
    ("発行", "publisher"),
    ("編集", "editor"),
    ("〒", "address"),
    ("電話", "phone"),
    ("頒布価格", "price"),
)


def _colophon_key(flat: str) -> str | None:
    for prefix, key in _COLOPHON_KEYS:
        if flat.startswith(prefix):
            return key
    return None


def _colophon_value(text: str, key: str) -> str:
    if key == "address":
        return re.sub(r"[\s\u3000]+", " ", text.strip())
    prefix = next(p for p, k in _COLOPHON_KEYS if k == key)
    return re.sub(rf"^\s*{prefix}[\s\u3000]*", "", text).strip()


def _criterion(letter_cell: str, text: str, where: str) -> Criterion:
    match = re.match(r"^\s*([A-Z])\s*[(]?(.*?)[)]?\s*$", fold_width(letter_cell))
    lower = re.search(r"(\d+)\s*%\s*以上", fold_width(text))
    upper = re.search(r"(\d+)\s*%\s*(未満|以下)", fold_width(text))
    if match is None or lower is None:
        raise SheetFormatError(
            "評価基準の表の行が読み取れません(例：A (進捗している) … 70%以上)", where=where
        )
    return Criterion(
        letter=match.group(1),
        label=match.group(2).strip(),
        lower_percent=int(lower.group(1)),
        upper_percent=int(upper.group(1)) if upper else None,
        upper_inclusive=bool(upper and upper.group(2) == "以下"),
        text=text,
    )


def _worked_example(table: Table) -> WorkedExample:
    header = next((c.text for c in table.rows[0].cells if c.text), "")
    measure = ""
    rows: list[WorkedExampleRow] = []
    for row in table.rows[1:]:
        texts = [c.text for c in row.cells if c.vmerge != "continue"]
        if len(texts) == 3:
            measure = measure or texts[0]
            texts = texts[1:]
        if len(texts) >= 2:
            rows.append(WorkedExampleRow(project=texts[-2], status=texts[-1]))
    return WorkedExample(header=header, measure=measure, rows=rows)


def _plan_by_name(name: str, plans: list[WelfarePlan | LayeredPlan]) -> WelfarePlan | LayeredPlan | None:
    for plan in plans:
        if squashed(plan.heading).endswith(squashed(name)):
            return plan
    return None


def _plan_for_summary(title: str, plans: list[WelfarePlan | LayeredPlan]) -> WelfarePlan | LayeredPlan | None:
    flat = squashed(title)
    for plan in plans:
        match = PLAN_HEADING.match(plan.heading)
        name = squashed(match["name"]) if match else ""
        if (
            name
            and name in flat
            and not any(
                other is not plan and name in squashed(other.heading) and squashed(other.heading) in flat
                for other in plans
            )
        ):
            return plan
    return None


def normalized(text: str) -> str:
    return fold_dashes(fold_width(text))
