"""Roll a report forward: the model of 年度 N becomes the draft model of 年度 N+1, with a change log.

Pure functions over :mod:`model`; no I/O.  :func:`roll_forward` deep-copies its input (the caller's
``Report`` is never touched) and returns a :class:`Rollover`: the draft and one :class:`Change` per
changed field, in document order, each with its place in Japanese (``第1章 1 地域福祉計画 1－(2)－①
事業a 記入欄2 Do``), the field, and the old and new text.

Decisions (``tests/test_rollover.py`` pins each one):

* **Fiscal year**: +1 through :func:`era.next_fiscal_year`, so 平成30年度 → 令和元年度 (FY2019) and
  令和元年度 → 令和2年度; era year and western year always agree.
* **Year references in text** (:func:`move_fiscal_year`): a 年度 reference equal to the report's fiscal
  year moves to the new year; every other year stays.  Calendar dates (令和3年3月, 令和4年4月,
  平成26年7月), 年 without 度 (平成20年規則第3号, 昭和37年), other fiscal years (令和4年度 in a sheet
  header, 令和6年度 in last year's Act) are left alone.  Forms: 令和5年度, 令和５年度, 令和元年度,
  令和5(2023)年度, 令和5（2023）年度, 2023年度, 2023(令和5)年度; digits keep their width, brackets and
  spaces stay as written, an era change renames the era (平成30(2018)年度 → 令和元(2019)年度).  A
  reference whose era year and western year disagree (令和5(2024)年度) is not the report year's and stays.
* **Dates in prose** (:func:`roll_report_dates`): besides its 年度 references, a calendar date inside
  the report's fiscal year (April of year N to March of N+1) moves one year, so the as-of date
  令和6年3月31日現在 becomes 令和7年3月31日現在.  Dates outside that year are history and stay:
  平成26年7月, 令和3年3月に策定, 昭和37年総理府令 (年 without a month is never a date of the report).
  The draft's writer tags exactly the spans :func:`report_year_spans` finds, in every paragraph of
  the city's file outside the sheets' body rows, and each one moved is in the change log.
* **Where the rule applies**: the document's own frame — cover, 目次, every 序章 text (blocks,
  criteria table, worked example, departments, schedule), chapter titles, plan headings, 評価総括表
  titles and headers, sheet and opinion-sheet headers, colophon title lines.  Plan content (goals,
  policies, measures, projects, bands, 指標, 頁) is the plan's own wording and carries over untouched.
* **Publication**: the month moves one year with its era judged on the month (令和6年9月 → 令和7年9月,
  平成30年9月 → 令和元年9月); the number takes the new month's era prefix and the serial becomes
  :data:`PUBLICATION_SERIAL_PLACEHOLDER` for staff to fill (``R6-22`` → ``R7-〇〇``).
* **Do / Check / Act**: every entry's ``heading`` (the 【…】 line is last year's Do text), ``do``,
  ``check`` and ``act`` are emptied; its ``sheet`` and ``row`` stay.
* **Several entries on one project** (2－(3) has three Do/Act rows, 1－(2)－① one row on each of two
  再掲 sheets): every entry row is kept, empty, with its ``sheet`` and ``row``, so the draft has the
  same sheets, rows and page layout and staff write per row as last year (a row not needed this year
  is deleted in Word, as before).
* **Grades**: ``Project.result`` → None, ``Measure.grade`` → None; a sheet's grade cell loses its
  letter but keeps its 再掲 mark as written (``A(再掲)`` → ``(再掲)``, ``A`` → ``""``).
* **評価総括表**: title year moves; header, the groups as printed (one per criteria letter, with its
  grade and label) and the total label stay; each group's ``count`` → ``""`` and ``rows`` → ``[]``,
  ``total`` → ``""``.  The draft's table is recomputed from the grades when the report is finalised.
* **Committee opinions**: every ``OpinionRow.opinions`` → ``[]``; the rows, their labels, titles and
  ``opinion_rows`` stay.
* **Change log**: a list field's old text is its paragraphs joined by a line break; a cleared value's
  new text is ``""``; fields already empty produce no change.
  Places: ``報告書`` (fiscal year), ``表紙``, ``目次 <label>``, ``序章 ブロック<n>`` (1-based),
  ``序章 評価基準の表 <letter>``, ``序章 例の表``, ``第1章 <plan> 評価総括表 [<grade>]``,
  ``第1章 <plan> シート<n>（<p>頁） <ref>`` (grade cell), ``第1章 <plan> <ref>`` (grade),
  ``第1章 <plan> <ref> 事業<label>`` (result) ``… 記入欄<n> Do|Check|Act`` (the heading is field
  ``heading`` of ``Do``), ``第2章 <plan> 意見シート<n>（<p>頁） <ref> [<band>|事業<label>]``, ``奥付``.
  A project label shared by two projects of one measure gets ``（1件目）``/``（2件目）``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict

from .era import (
    ERA_YEAR_PATTERN,
    ERAS,
    EraYear,
    era_of_fiscal_year,
    era_of_month,
    era_year_from_match,
    next_fiscal_year,
    parse_era_year,
)
from .errors import KomaeDocxError
from .model import (
    EraMonth,
    FiscalYear,
    LayeredPlan,
    Measure,
    OpinionRow,
    Project,
    Publication,
    Report,
    SummaryTable,
    WelfarePlan,
)
from .progress import DRAFT_MARK
from .textnorm import fold_width, split_leading_label

__all__ = [
    "PUBLICATION_SERIAL_PLACEHOLDER",
    "Change",
    "Rollover",
    "RolloverError",
    "move_fiscal_year",
    "next_publication_month",
    "next_publication_number",
    "report_year_spans",
    "roll_forward",
    "roll_report_dates",
]

PUBLICATION_SERIAL_PLACEHOLDER = "〇〇"
"""The serial of the draft's 刊行物番号, for staff to replace (``R7-〇〇``): two KANJI ZERO (U+3007), the
usual Japanese "to be filled in" mark, which no real serial contains and a search for 〇〇 finds."""

Plan = WelfarePlan | LayeredPlan


class RolloverError(KomaeDocxError):
    """The report's dates cannot be moved (a fiscal year or month whose era and western year disagree)."""


class Change(BaseModel):
    """One changed field of the draft: where (Japanese place), which field, old text → new text."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    where: str
    field: str
    old: str
    new: str

    def describe(self) -> str:
        """In the staff words of the CLI and the page, not field names:
        ``報告書 年度：「令和5年度（2023年度）」→「令和6年度（2024年度）」``."""
        from .changewords import staff_line

        return staff_line(self)


class Rollover(BaseModel):
    """The draft of the following year and the changes that made it from last year's report."""

    model_config = ConfigDict(extra="forbid")

    report: Report
    changes: list[Change]


# --------------------------------------------------------------------------- years in text

_DIGIT_WIDE = str.maketrans("0123456789", "０１２３４５６７８９")
_DIGIT_NARROW = str.maketrans("０１２３４５６７８９", "0123456789")
_WIDE_DIGITS = frozenset("０１２３４５６７８９")
_GANNEN = "元"

_WESTERN_FIRST = re.compile(
    r"(?<![0-9０-９])(?P<western>[0-9０-９]{4})\s*"
    rf"(?:[(（]\s*(?P<era>{'|'.join(ERAS)})\s*(?P<year>{_GANNEN}|[0-9０-９]{{1,2}})\s*[)）]\s*)?"
    r"年度"
)
"""2023年度 and 2023(令和5)年度: a 年度 reference led by its western year."""


def _digits_like(template: str, number: int) -> str:
    """``number`` in the digit width of ``template`` (full-width if it has a full-width digit)."""
    text = str(number)
    return text.translate(_DIGIT_WIDE) if any(ch in _WIDE_DIGITS for ch in template) else text


def _era_year_text(template: str, year: int) -> str:
    """An era year number written like ``template``: 1 is 元, otherwise digits in its width."""
    return _GANNEN if year == 1 else _digits_like(template, year)


def _year_number(raw: str) -> int:
    return 1 if raw == _GANNEN else int(raw.translate(_DIGIT_NARROW))


def _replace_spans(text: str, replacements: list[tuple[int, int, str]]) -> str:
    out: list[str] = []
    pos = 0
    for start, end, new in sorted(replacements):
        out.append(text[pos:start])
        out.append(new)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def move_fiscal_year(text: str, old: int, new: int) -> str:
    """Move every 年度 reference to western fiscal year ``old`` to ``new``; leave every other year.

    ``move_fiscal_year("令和5(2023)年度の年次目標", 2023, 2024) == "令和6(2024)年度の年次目標"``;
    ``move_fiscal_year("令和3年3月に", 2023, 2024) == "令和3年3月に"``.  See the module docstring for
    the forms read and what is kept as written.
    """
    target = era_of_fiscal_year(new)
    replacements: list[tuple[int, int, str]] = []
    taken: list[tuple[int, int]] = []
    for m in ERA_YEAR_PATTERN.finditer(text):
        taken.append(m.span())
        if m.group("suffix") != "年度":
            continue
        try:
            found = era_year_from_match(m)
        except ValueError:
            continue
        if found.western != old:
            continue
        replacements.append((*m.span("era"), target.era))
        replacements.append((*m.span("year"), _era_year_text(m.group("year"), target.year)))
        if m.group("western") is not None:
            replacements.append((*m.span("western"), _digits_like(m.group("western"), new)))
    for m in _WESTERN_FIRST.finditer(text):
        if any(start < m.end() and m.start() < end for start, end in taken):
            continue
        if int(m.group("western").translate(_DIGIT_NARROW)) != old or not _era_agrees(m, old):
            continue
        replacements.append((*m.span("western"), _digits_like(m.group("western"), new)))
        if m.group("era") is not None:
            replacements.append((*m.span("era"), target.era))
            replacements.append((*m.span("year"), _era_year_text(m.group("year"), target.year)))
    return _replace_spans(text, replacements) if replacements else text


_DAY = re.compile(r"\s*[0-9０-９]{1,2}\s*日")


def _in_fiscal_year(western: int, month: int, fiscal_year: int) -> bool:
    """April of ``fiscal_year`` up to March of the next calendar year."""
    return (western, month) >= (fiscal_year, 4) and (western, month) <= (fiscal_year + 1, 3)


def report_year_spans(text: str, fiscal_year: int) -> list[tuple[int, int]]:
    """Where ``text`` names the report's own year: its 年度 references and calendar dates inside it.

    ``report_year_spans("令和6年3月31日現在", 2023) == [(0, 10)]`` (the day is part of the span);
    平成26年7月, 令和3年3月 and 昭和37年 lie outside the fiscal year and give no span.
    """
    spans: list[tuple[int, int]] = []
    for m in ERA_YEAR_PATTERN.finditer(text):
        try:
            found = era_year_from_match(m)
        except ValueError:
            continue
        if m.group("suffix") == "年度":
            if found.western == fiscal_year:
                spans.append(m.span())
        elif m.group("month") is not None:
            month = int(m.group("month").translate(_DIGIT_NARROW))
            if _in_fiscal_year(found.western, month, fiscal_year):
                day = _DAY.match(text, m.end())
                spans.append((m.start(), day.end() if day else m.end()))
    for m in _WESTERN_FIRST.finditer(text):
        if any(start < m.end() and m.start() < end for start, end in spans):
            continue
        if int(m.group("western").translate(_DIGIT_NARROW)) == fiscal_year and _era_agrees(m, fiscal_year):
            spans.append(m.span())
    return sorted(spans)


def roll_report_dates(text: str, old: int, new: int) -> str:
    """Move the dates of fiscal year ``old`` to fiscal year ``new``; every other date stays.

    The prose rule (module docstring, "Dates in prose"): a 年度 reference to the report's year moves
    (:func:`move_fiscal_year`), and so does a calendar date inside that fiscal year (April to the
    next March), such as the as-of date 令和6年3月31日現在 → 令和7年3月31日現在; its era is judged on
    the month (平成31年3月 + 1 year → 令和2年3月).  Dates outside the year are history and stay.
    """
    if old == new:
        return text
    replacements: list[tuple[int, int, str]] = []
    for m in ERA_YEAR_PATTERN.finditer(text):
        if m.group("month") is None:
            continue
        try:
            found = era_year_from_match(m)
        except ValueError:
            continue
        month = int(m.group("month").translate(_DIGIT_NARROW))
        if not _in_fiscal_year(found.western, month, old):
            continue
        target = era_of_month(found.western + new - old, month)
        replacements.append((*m.span("era"), target.era))
        replacements.append((*m.span("year"), _era_year_text(m.group("year"), target.year)))
        if m.group("western") is not None:
            replacements.append((*m.span("western"), _digits_like(m.group("western"), target.western)))
    moved = _replace_spans(text, replacements) if replacements else text
    return move_fiscal_year(moved, old, new)


def _era_agrees(m: re.Match[str], western: int) -> bool:
    """For 2023(令和5)年度: the era year in brackets names the same year (or there is none)."""
    if m.group("era") is None:
        return True
    try:
        return EraYear(m.group("era"), _year_number(m.group("year"))).western == western
    except ValueError:
        return False


# --------------------------------------------------------------------------- dates of the report


def _fiscal_era_year(fy: FiscalYear) -> EraYear:
    try:
        ey = EraYear(fy.era, fy.era_year)
    except ValueError as exc:
        raise RolloverError(
            f"報告書の年度（{fy.text}）が和暦として成り立ちません", where="報告書の年度"
        ) from exc
    if ey.western != fy.western_year:
        raise RolloverError(
            f"報告書の年度の和暦（{fy.text}）と西暦（{fy.western_year}年度）が食い違っています",
            where="報告書の年度",
        )
    return ey


def _fiscal_year_model(ey: EraYear) -> FiscalYear:
    return FiscalYear(era=ey.era, era_year=ey.year, western_year=ey.western)


def next_publication_month(month: EraMonth) -> EraMonth:
    """The same month one year later, named by the era in force on that month's first day.

    令和6年9月 → 令和7年9月; 平成30年9月 → 令和元年9月; 平成30年4月 → 平成31年4月.
    """
    try:
        ey = EraYear(month.era, month.era_year)
    except ValueError as exc:
        raise RolloverError(f"発行年月（{month.text}）が和暦として成り立ちません", where="奥付") from exc
    if ey.western != month.western_year:
        raise RolloverError(
            f"発行年月の和暦（{month.text}）と西暦（{month.western_year}年）が食い違っています", where="奥付"
        )
    moved = era_of_month(month.western_year + 1, month.month)
    return EraMonth(era=moved.era, era_year=moved.year, western_year=moved.western, month=month.month)


# Era → its one-letter abbreviation (令和 → R), read back through era.py's own parser so that the
# letters stay defined in one place.
_ERA_LETTER: dict[str, str] = {parse_era_year(f"{letter}1").era: letter for letter in "MTSHR"}

_PUBLICATION_NUMBER = re.compile(
    r"^\s*(?P<letter>[A-Za-zＡ-Ｚａ-ｚ])\s*(?P<year>[0-9０-９]{1,2})\s*(?P<sep>[-‐‑‒–—―−－])\s*(?P<serial>.*?)\s*$"
)


def next_publication_number(number: str, month: EraMonth) -> str:
    """The draft's 刊行物番号: the prefix of the (new) publication ``month``, the serial left to staff.

    ``next_publication_number("R6-22", 令和7年9月) == "R7-〇〇"``.  The separator is kept as written;
    a number in another shape is replaced by the standard ``R7-〇〇`` form.
    """
    ey = EraYear(month.era, month.era_year)
    m = _PUBLICATION_NUMBER.match(number)
    sep = m.group("sep") if m is not None else "-"
    return f"{_ERA_LETTER[ey.era]}{ey.year}{sep}{PUBLICATION_SERIAL_PLACEHOLDER}"


def publication_prefix(publication: Publication) -> str:
    """The 刊行物番号's prefix of the publication year: ``R7`` for a report published in 令和7年.

    The placeholder the draft carries (``R7-〇〇``) says it; else the publication month does.
    """
    m = _PUBLICATION_NUMBER.match(fold_width(publication.number))
    if m is not None:
        return f"{m.group('letter').upper()}{int(m.group('year'))}"
    month = publication.month
    ey = EraYear(month.era, month.era_year)
    return f"{_ERA_LETTER[ey.era]}{ey.year}"


# --------------------------------------------------------------------------- places


def _spaced(text: str) -> str:
    """A heading as one line with single ASCII spaces (``1\u3000地域福祉計画`` → ``1 地域福祉計画``)."""
    return " ".join(text.split())


def _joined(items: Sequence[str]) -> str:
    return "\n".join(items)


def _project_names(measure: Measure) -> dict[str, str]:
    """Project id → ``事業a`` / ``事業(2)イ``; a name shared by several projects gets ``（2件目）``."""
    base = {p.id: "事業" + "".join(f"{p.band or ''}{p.label}".split()) for p in measure.projects}
    seen: dict[str, int] = {}
    names: dict[str, str] = {}
    for project in measure.projects:
        name = base[project.id]
        total = sum(1 for other in base.values() if other == name)
        seen[name] = seen.get(name, 0) + 1
        names[project.id] = f"{name}（{seen[name]}件目）" if total > 1 else name
    return names


# --------------------------------------------------------------------------- the walk


class _Roller:
    """Applies the rules to the draft in document order and logs every change."""

    def __init__(self, old_year: int, new_year: int) -> None:
        self.old_year = old_year
        self.new_year = new_year
        self.changes: list[Change] = []

    def log(self, where: str, field: str, old: str, new: str) -> None:
        if old != new:
            self.changes.append(Change(where=where, field=field, old=old, new=new))

    # texts of the document's frame: the report year moves

    def text(self, where: str, field: str, value: str) -> str:
        moved = roll_report_dates(value, self.old_year, self.new_year)
        self.log(where, field, value, moved)
        return moved

    def draft_title(self, value: str) -> str:
        """The cover's report title of the draft: the year moved and 「（案）」 after it (once)."""
        moved = roll_report_dates(value, self.old_year, self.new_year)
        if DRAFT_MARK not in moved:
            moved += DRAFT_MARK
        self.log("表紙", "report_title", value, moved)
        return moved

    def texts(self, where: str, field: str, values: Sequence[str]) -> list[str]:
        return [self.text(where, f"{field}[{i}]", value) for i, value in enumerate(values)]

    # cells of last year's results: emptied

    def cleared(self, where: str, field: str, value: str | None) -> str:
        self.log(where, field, value or "", "")
        return ""

    def cleared_list(self, where: str, field: str, values: Sequence[str]) -> list[str]:
        self.log(where, field, _joined(values), "")
        return []

    # the parts

    def report(self, draft: Report) -> None:
        cover = draft.cover
        cover.title_lines = self.texts("表紙", "title_lines", cover.title_lines)
        cover.report_title = self.draft_title(cover.report_title)
        for entry in draft.toc:
            entry.title = self.text(f"目次 {entry.label}", "title", entry.title)
        self.intro(draft)
        draft.chapter1_title = self.text("第1章", "chapter1_title", draft.chapter1_title)
        for plan in draft.plans:
            self.chapter1(plan)
        draft.chapter2_title = self.text("第2章", "chapter2_title", draft.chapter2_title)
        for plan in draft.plans:
            self.chapter2(plan)
        draft.colophon.title_lines = self.texts("奥付", "title_lines", draft.colophon.title_lines)

    def intro(self, draft: Report) -> None:
        intro = draft.intro
        intro.title = self.text("序章", "title", intro.title)
        for i, block in enumerate(intro.blocks, start=1):
            block.text = self.text(f"序章 ブロック{i}", "text", block.text)
        intro.criteria_header = self.texts("序章 評価基準の表", "criteria_header", intro.criteria_header)
        for criterion in intro.criteria:
            where = f"序章 評価基準の表 {criterion.letter}"
            criterion.label = self.text(where, "label", criterion.label)
            criterion.text = self.text(where, "text", criterion.text)
        if intro.example is not None:
            example = intro.example
            example.header = self.text("序章 例の表", "header", example.header)
            example.measure = self.text("序章 例の表", "measure", example.measure)
            for row in example.rows:
                row.project = self.text(f"序章 例の表 {row.project}", "project", row.project)
                row.status = self.text(f"序章 例の表 {row.project}", "status", row.status)
        for department in intro.departments:
            department.name = self.text(f"序章 担当課 {department.code}", "name", department.name)
        if intro.schedule is not None:
            schedule = intro.schedule
            for i, (month, cell) in enumerate(zip(schedule.months, schedule.cells, strict=False), start=1):
                where = f"序章 進捗評価の流れの表 {i}列目（{month}月）"
                cell.boxes = self.texts(where, "boxes", cell.boxes)
                cell.texts = self.texts(where, "texts", cell.texts)

    def chapter1(self, plan: Plan) -> None:
        name = _spaced(plan.heading)
        plan.heading = self.text(f"第1章 {name}", "heading", plan.heading)
        if plan.summary is not None:
            self.summary(f"第1章 {name} 評価総括表", plan.summary)
        refs = {measure.id: measure.ref for measure in plan.iter_measures()}
        for sheet in plan.sheets:
            page = f"（{sheet.page}頁）" if sheet.page is not None else ""
            where = f"第1章 {name} シート{sheet.index + 1}{page}"
            sheet.header = self.texts(where, "header", sheet.header)
            for printed in sheet.measures:
                ref = refs.get(printed.measure_id, printed.measure_id)
                printed.grade_cell = self.grade_cell(f"{where} {ref}", printed.grade_cell)
        for measure in plan.iter_measures():
            self.measure(f"第1章 {name} {measure.ref}", measure)

    def summary(self, where: str, table: SummaryTable) -> None:
        table.title = self.text(where, "title", table.title)
        table.header = self.texts(where, "header", table.header)
        for group in table.groups:
            group_where = f"{where} {group.grade}"
            group.label = self.text(group_where, "label", group.label)
            group.count = self.cleared(group_where, "count", group.count)
            rows = [f"{row.page}頁 {row.measure}" if row.page else row.measure for row in group.rows]
            self.log(group_where, "rows", _joined(rows), "")
            group.rows = []
        table.total_label = self.text(where, "total_label", table.total_label)
        table.total = self.cleared(where, "total", table.total)

    def grade_cell(self, where: str, cell: str) -> str:
        mark = _REPRINT_MARK.search(cell)
        kept = mark.group(0) if mark is not None else ""
        self.log(where, "grade_cell", cell, kept)
        return kept

    def measure(self, where: str, measure: Measure) -> None:
        self.log(where, "grade", measure.grade or "", "")
        measure.grade = None
        names = _project_names(measure)
        for project in measure.projects:
            self.project(f"{where} {names[project.id]}", project)

    def project(self, where: str, project: Project) -> None:
        self.log(where, "result", str(project.result or ""), "")
        project.result = None
        for i, entry in enumerate(project.entries, start=1):
            entry_where = f"{where} 記入欄{i}"
            self.log(f"{entry_where} Do", "heading", entry.heading or "", "")
            entry.heading = None
            entry.do = self.cleared_list(f"{entry_where} Do", "do", entry.do)
            entry.check = self.cleared(f"{entry_where} Check", "check", entry.check)
            entry.act = self.cleared_list(f"{entry_where} Act", "act", entry.act)

    def chapter2(self, plan: Plan) -> None:
        name = _spaced(plan.heading)
        plan.opinions_heading = self.text(f"第2章 {name}", "opinions_heading", plan.opinions_heading)
        measures = {measure.id: measure for measure in plan.iter_measures()}
        for sheet in plan.opinion_sheets:
            page = f"（{sheet.page}頁）" if sheet.page is not None else ""
            where = f"第2章 {name} 意見シート{sheet.index + 1}{page}"
            sheet.header = self.texts(where, "header", sheet.header)
            for row in sheet.rows:
                place = f"{where} {_opinion_place(row, measures)}"
                row.opinions = self.cleared_list(place, "opinions", row.opinions)


_REPRINT_MARK = re.compile(r"[(（]\s*再掲\s*[)）]")


def _opinion_place(row: OpinionRow, measures: dict[str, Measure]) -> str:
    """``1－(2)－①``, ``4 包括的相談支援事業の実施 (2)``, ``8 参加支援事業の実施 事業(1)``."""
    measure = measures.get(row.measure_id) if row.measure_id is not None else None
    if measure is None or row.kind in ("goal", "policy"):
        return _spaced(f"{row.label} {row.title}")
    if row.kind == "measure":
        return measure.ref
    if row.kind == "band":
        label, title = split_leading_label(row.title)
        return f"{measure.ref} {label or title}"
    return f"{measure.ref} 事業{row.label}"


def roll_forward(report: Report) -> Rollover:
    """The draft of the following fiscal year and the log of every change (see the module docstring).

    The input is not modified.  :class:`RolloverError` when the report's fiscal year or publication
    month is not a consistent era date.
    """
    old = _fiscal_era_year(report.fiscal_year)
    new = next_fiscal_year(old)
    draft = report.model_copy(deep=True)
    draft.record = None  # last year's results are not next year's: the draft writes its own part
    roller = _Roller(old.western, new.western)
    draft.fiscal_year = _fiscal_year_model(new)
    roller.log(
        "報告書",
        "fiscal_year",
        f"{report.fiscal_year.text}（{old.western}年度）",
        f"{draft.fiscal_year.text}（{new.western}年度）",
    )
    roller.report(draft)
    month = next_publication_month(report.publication.month)
    draft.publication.month = month
    roller.log("奥付", "publication.month", report.publication.month.text, month.text)
    number = next_publication_number(report.publication.number, month)
    draft.publication.number = number
    roller.log("奥付", "publication.number", report.publication.number, number)
    return Rollover(report=draft, changes=roller.changes)
