"""The report check: what is inconsistent in a report before it is published.

Each finding has a severity, decided by one principle:

* **error** — a published grade, count or page of the 評価総括表 would be wrong, or the report breaks
  its own rules so that a reader cannot apply them: the 評価総括表 against the sheets, a grade that is
  not a letter of the 評価基準 table, a 再掲 sheet that does not say so or carries another grade, a
  measure whose sheets are not consecutive, a broken 評価基準 table, a 担当課 code the code table does
  not have, an empty Do / Act / measure Check cell, a measure without projects.
* **warning** — what a proof-reader should look at but that changes no grade and no count: sheet
  headers that differ from the canonical header, numbering duplicates / gaps / order, a measure title
  that differs between its sheets, 担当課 codes out of the table's order, a project row's Check cell
  holding something that is not a result, text the reader could not place.

Not reported, on purpose, because every year's report has them and a warning each year would teach
staff to ignore warnings:

* numbering gaps in the 地域福祉計画: its sheets show only the 重点施策's new and expanded projects
  (序章 2(1)), an excerpt of the plan — goal 2 starts at policy (3), 1-(2) has measures ① and ③,
  3-(1) has only project b.  (The 重層 plan is reported whole, so its gaps are warnings.)
* empty Check cells on project rows: the grade stands on the measure row; a published report has no
  per-project results.
* width, spacing and dash variants (１ / 1, A(再掲) / A（再掲）, ― / —): the same text typed differently.

**A draft is not a report with errors.**  A fresh or partly filled draft (``komae-docx draft``; see
:func:`~komae_docx.progress.looks_like_draft`) has empty grade cells and an empty 評価総括表 until
``finalize`` fills them: checking those against each other would report some ninety "errors" that
are only work not yet done.  For a draft the check therefore skips the 評価総括表 and the empty grade
cells, and lists instead what is left to fill in, per department (:mod:`progress`, ``incomplete.*``
warnings).  Everything else — criteria, 担当課 codes, headers, numbering, titles, bad result values —
is checked as in a published report.

``check_layout`` (``check --layout``) compares every printed page reference — the 評価総括表's
pages, the 目次, 「P.21」 references in the text — with the pages LibreOffice lays the document out on.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from fractions import Fraction
from typing import Any

from .model import (
    Criterion,
    Department,
    Intro,
    LayeredPlan,
    Measure,
    Project,
    Report,
    Sheet,
    SheetMeasure,
    SummaryTable,
    WelfarePlan,
)
from .pagemap import PageMap, locate
from .progress import incomplete_items, looks_like_draft
from .results import Location, Message
from .rules import (
    GradingError,
    PlanSummary,
    ResultValueError,
    criterion_holds,
    format_percent,
    grade,
    grade_report,
    measure_pages,
    measure_sheet_indices,
    pages_text,
    parse_outcome,
    summary_from_sheets,
)
from .textnorm import (
    circled_to_int,
    fold_dashes,
    fold_width,
    int_to_circled,
    is_blank,
    is_number,
    normalize_for_match,
    parse_grade_cell,
    parse_label,
    parse_paren_number,
    split_leading_label,
    squash_spaces,
)

Plan = WelfarePlan | LayeredPlan
CHAPTER1 = "第1章"

CANONICAL_HEADERS: dict[str, tuple[str, ...]] = {
    "welfare": (
        "基本目標",
        "施策",
        "地域福祉計画Plan(主な事業内容)",
        "担当課",
        "頁",
        "指標",
        "Do(実行)",
        "Check(評価)",
        "Act(事業を実施するに当たっての課題及び改善点)",
        "大",
        "小",
    ),
    "layered": (
        "重層的支援体制整備事業実施計画Plan(主な事業内容)",
        "担当課",
        "頁",
        "指標",
        "Do(実行)",
        "Check(評価)",
        "Act(事業を実施するに当たっての課題及び改善点)",
        "大",
        "中",
        "小",
    ),
}
"""The header cells of the city's sheet template, spaces and line breaks removed, widths folded.

Taken from the R5 report's sheets; the Act wording is the report's own (序章 2(1) writes
「Act(事業を実施するに当たっての課題及び改善点)」).  Case is kept: ``DO`` is a variant of ``Do``.
A changed template is passed to :func:`check_report` as ``canonical_headers``.
"""


Finding = Message
"""A check finding is a :class:`~komae_docx.results.Message` (one message type for every stage)."""


def _error(
    code: str, text: str, location: Location, expected: str | None = None, found: str | None = None
) -> Finding:
    return Finding(severity="error", code=code, text=text, location=location, expected=expected, found=found)


def _warning(
    code: str, text: str, location: Location, expected: str | None = None, found: str | None = None
) -> Finding:
    return Finding(
        severity="warning", code=code, text=text, location=location, expected=expected, found=found
    )


# --------------------------------------------------------------------------- entry point


def check_report(
    report: Report,
    reader_messages: Iterable[Message] = (),
    canonical_headers: Mapping[str, Sequence[str]] = CANONICAL_HEADERS,
    *,
    draft: bool | None = None,
) -> list[Finding]:
    """Every finding for the report, errors first, then in document order.

    ``draft`` (default: :func:`~komae_docx.progress.looks_like_draft`) checks a draft as a draft:
    what is left to fill in instead of 評価総括表 mismatches and empty cells.
    """
    is_draft = looks_like_draft(report) if draft is None else draft
    findings = [*check_criteria(report.intro.criteria), *check_worked_example(report.intro)]
    findings += check_department_table(report.intro)
    for plan in report.plans:
        findings += check_plan(plan, report.intro, canonical_headers, draft=is_draft)
    if is_draft:
        findings += incomplete_items(report)
    findings += check_record(report)
    findings += findings_from_messages(reader_messages)
    plan_rank = {plan.heading: i for i, plan in enumerate(report.plans)}
    return sorted(findings, key=lambda f: _sort_key(f, plan_rank))


def check_record(report: Report) -> list[Finding]:
    """A report ``finalize`` made keeps its project results inside (:mod:`komae_docx.record`): each
    grade printed on the sheets must be the one those results give (``grade.record``), or someone
    changed a grade by hand after finalizing."""
    from .record import recorded_results

    recorded = recorded_results(report)
    if recorded is None:
        return []
    findings: list[Finding] = []
    for plan, grades in zip(report.plans, grade_report(report, recorded), strict=True):
        for measure, computed in zip(plan.iter_measures(), grades.measures, strict=True):
            printed = fold_width(measure.grade or "").strip()
            if computed.letter is None or not printed or printed == computed.letter:
                continue
            findings.append(
                _error(
                    "grade.record",
                    f"施策 {measure.ref} の評価が、報告書に記録された事業の結果"
                    f"（年次目標の達成 {computed.share_text}）から求めた評価と違います",
                    Location(section=CHAPTER1, plan=plan.heading),
                    expected=computed.letter,
                    found=measure.grade,
                )
            )
    return findings


def check_plan(
    plan: Plan, intro: Intro, canonical_headers: Mapping[str, Sequence[str]], *, draft: bool = False
) -> list[Finding]:
    return [
        *([] if draft else check_summary(plan, intro.criteria)),
        *check_grades(plan, intro.criteria, draft=draft),
        *check_headers(plan, canonical_headers.get(plan.kind, ())),
        *check_titles(plan),
        *check_numbering(plan),
        *check_departments(plan, intro.departments),
        *check_required_cells(plan, draft=draft),
    ]


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


_SECTION_RANK = {"序章": 0, CHAPTER1: 1}


def _sort_key(finding: Finding, plan_rank: Mapping[str, int]) -> tuple[int, int, int, int, int]:
    where = finding.location
    return (
        0 if finding.severity == "error" else 1,
        _SECTION_RANK.get(where.section or "", 2),
        plan_rank.get(where.plan or "", -1),
        -1 if where.sheet is None else where.sheet,
        -1 if where.row is None else where.row,
    )


def findings_from_messages(messages: Iterable[Message]) -> list[Finding]:
    """The reader's messages belong in the check's list too: its warnings (unplaced text, tracked
    changes, comments) and its errors as they are (a bad value in a result control, ``result.value``)."""
    return [
        m
        if m.code.startswith("reader.") or m.severity == "error"
        else _warning(f"reader.{m.kind}", m.text, m.location)
        for m in messages
    ]


# --------------------------------------------------------------------------- places


def sheet_location(
    plan: Plan, sheet_index: int, row: int | None = None, column: str | None = None
) -> Location:
    page = next((sheet.page for sheet in plan.sheets if sheet.index == sheet_index), None)
    return Location(section=CHAPTER1, plan=plan.heading, sheet=sheet_index, page=page, row=row, column=column)


def project_location(plan: Plan, project: Project, column: str | None = None) -> Location:
    if not project.entries:
        return Location(section=CHAPTER1, plan=plan.heading, column=column)
    entry = project.entries[0]
    return sheet_location(plan, entry.sheet, entry.row, column)


def _plan_location(plan: Plan) -> Location:
    return Location(section=CHAPTER1, plan=plan.heading)


def summary_location(plan: Plan, column: str) -> Location:
    return Location(section=CHAPTER1, plan=plan.heading, column=f"評価総括表 {column}")


def _measure_appearances(plan: Plan, measure_id: str) -> list[tuple[Sheet, SheetMeasure]]:
    return [(sheet, sm) for sheet in plan.sheets for sm in sheet.measures if sm.measure_id == measure_id]


def _same(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _key(text: str) -> str:
    """Widths, dashes and spaces folded: the key by which two hand-typed texts are the same."""
    return squash_spaces(normalize_for_match(text))


# --------------------------------------------------------------------------- 評価基準 (序章 3)


def _criteria_location() -> Location:
    return Location(section="序章", column="評価基準")


def check_criteria(criteria: Sequence[Criterion]) -> list[Finding]:
    """Letters unique, bands contiguous and covering 0–100 %: every percentage gets exactly one letter."""
    if not criteria:
        return [_error("criteria.range", "評価基準の表に行がありません", _criteria_location())]
    letters = [c.letter for c in criteria]
    findings = [
        _error(
            "criteria.letters", f"評価基準の表で評価「{letter}」が2回以上使われています", _criteria_location()
        )
        for letter in sorted({x for x in letters if letters.count(x) > 1})
    ]
    findings += [
        _error(
            "criteria.range",
            f"評価「{c.letter}」の下限({c.lower_percent}%)が上限({c.upper_percent}%)以上です",
            _criteria_location(),
            found=c.text,
        )
        for c in criteria
        if c.upper_percent is not None and c.upper_percent <= c.lower_percent
    ]
    return findings + _coverage_findings(criteria)


@dataclass(frozen=True)
class _Sample:
    """A percentage to try: a bound of some band (``low == high == value``) or a point between two."""

    value: Fraction
    low: Fraction
    high: Fraction

    @property
    def is_bound(self) -> bool:
        return self.low == self.high


def _samples(criteria: Sequence[Criterion]) -> list[_Sample]:
    """Every bound and one point between neighbouring bounds: membership is constant in between."""
    bounds = {Fraction(0), Fraction(100), *(Fraction(c.lower_percent) for c in criteria)}
    bounds |= {Fraction(c.upper_percent) for c in criteria if c.upper_percent is not None}
    ordered = sorted(b for b in bounds if 0 <= b <= 100)
    samples = [_Sample(b, b, b) for b in ordered]
    samples += [_Sample((a + b) / 2, a, b) for a, b in itertools.pairwise(ordered)]
    return sorted(samples, key=lambda s: s.value)


def _coverage_findings(criteria: Sequence[Criterion]) -> list[Finding]:
    findings: list[Finding] = []
    run: list[_Sample] = []
    run_letters: tuple[str, ...] | None = None
    for sample in [*_samples(criteria), None]:
        letters = None if sample is None else _letters_at(criteria, sample.value)
        if run and letters != run_letters:
            findings.append(_coverage_finding(run, run_letters or ()))
            run = []
        if sample is not None and letters is not None and len(letters) != 1:
            run.append(sample)
            run_letters = letters
    return findings


def _letters_at(criteria: Sequence[Criterion], percent: Fraction) -> tuple[str, ...]:
    return tuple(c.letter for c in criteria if criterion_holds(c, percent))


def _coverage_finding(run: list[_Sample], letters: tuple[str, ...]) -> Finding:
    first, last = run[0], run[-1]
    start = format_percent(first.value) if first.is_bound else f"{format_percent(first.low)}超"
    end = format_percent(last.value) if last.is_bound else f"{format_percent(last.high)}未満"
    span = f"{start}ちょうど" if first is last and first.is_bound else f"{start}～{end}"
    if not letters:
        text = f"達成率 {span} に当たる評価が評価基準の表にありません"
    else:
        text = f"達成率 {span} に評価が2つ以上当たります（{'・'.join(letters)}）"
    return _error("criteria.range", text, _criteria_location())


EXAMPLE_GRADE = re.compile(r"評価は\s*([A-Z])")


def check_worked_example(intro: Intro) -> list[Finding]:
    """序章 3's worked example (2 of 4 achieved → B) must follow from the criteria table it explains."""
    example = intro.example
    stated = _stated_example_grade(intro)
    if example is None or not example.rows or stated is None:
        return []
    statuses = [_key(row.status) for row in example.rows]
    try:
        computed = grade(statuses.count("達成"), len(statuses), intro.criteria)
    except GradingError:
        return []  # the criteria table itself is reported by check_criteria
    if computed == stated:
        return []
    ratio = f"{statuses.count('達成')}/{len(statuses)}"
    return [
        _error(
            "criteria.example",
            f"序章の評価の例（{ratio} 達成）の評価が評価基準の表と合いません",
            Location(section="序章", column="評価の例"),
            expected=computed,
            found=stated,
        )
    ]


def _stated_example_grade(intro: Intro) -> str | None:
    """The letter in 「…となり、評価はBとします。」, the sentence after the example table."""
    for block in intro.blocks:
        match = EXAMPLE_GRADE.search(fold_width(block.text)) if block.kind == "paragraph" else None
        if match:
            return match.group(1)
    return None


# --------------------------------------------------------------------------- 評価総括表


def check_summary(plan: Plan, criteria: Sequence[Criterion]) -> list[Finding]:
    """The printed 評価総括表 against the grades and pages of the sheets."""
    printed = plan.summary
    if printed is None:
        location = Location(section=CHAPTER1, plan=plan.heading)
        return [_error("summary.missing", "評価総括表が見つかりません", location)]
    computed = summary_from_sheets(plan, criteria)
    return [
        *_summary_groups(plan, printed, criteria),
        *_summary_counts(plan, printed, computed),
        *_summary_measures(plan, printed, computed),
        *_summary_total(plan, printed, computed),
    ]


GROUP_LABEL_TAIL = re.compile(r"[・.…\s]*[A-Z]\s*$")


def _summary_groups(plan: Plan, printed: SummaryTable, criteria: Sequence[Criterion]) -> list[Finding]:
    by_letter = {c.letter: c for c in criteria}
    printed_letters = [g.grade for g in printed.groups]
    findings = [
        _error(
            "summary.letter",
            f"評価総括表に評価「{letter}」の行が2つ以上あります",
            summary_location(plan, letter),
        )
        for letter in sorted({x for x in printed_letters if printed_letters.count(x) > 1})
    ]
    findings += [
        _error(
            "summary.letter",
            f"評価総括表に評価「{c.letter}」の行がありません",
            summary_location(plan, c.letter),
            expected=c.text,
        )
        for c in criteria
        if c.letter not in printed_letters
    ]
    for group in printed.groups:
        criterion = by_letter.get(group.grade)
        where = summary_location(plan, group.grade)
        if criterion is None:
            text = f"評価総括表の評価「{group.grade}」は評価基準の表にありません"
            findings.append(_error("summary.letter", text, where, expected="・".join(by_letter)))
        elif not _same(GROUP_LABEL_TAIL.sub("", fold_width(group.label)), criterion.text):
            text = f"評価総括表の評価「{group.grade}」の説明が評価基準と異なります"
            findings.append(
                _warning("summary.label", text, where, expected=criterion.text, found=group.label)
            )
    return findings


def _as_int(text: str) -> int | None:
    folded = squash_spaces(fold_width(text))
    return int(folded) if is_number(folded) else None


def _summary_counts(plan: Plan, printed: SummaryTable, computed: PlanSummary) -> list[Finding]:
    findings: list[Finding] = []
    for group in computed.groups:
        shown = next((g for g in printed.groups if g.grade == group.letter), None)
        if shown is not None and _as_int(shown.count) != group.count:
            findings.append(
                _error(
                    "summary.count",
                    f"評価「{group.letter}」の件数がシートと合いません",
                    summary_location(plan, f"{group.letter}の件数"),
                    expected=str(group.count),
                    found=shown.count,
                )
            )
    return findings


def _summary_total(plan: Plan, printed: SummaryTable, computed: PlanSummary) -> list[Finding]:
    if _as_int(printed.total) == computed.total:
        return []
    return [
        _error(
            "summary.total",
            "合計がシートの施策数と合いません",
            summary_location(plan, "合計"),
            expected=str(computed.total),
            found=printed.total,
        )
    ]


def _summary_measures(plan: Plan, printed: SummaryTable, computed: PlanSummary) -> list[Finding]:
    """Each graded measure listed once, under its grade, with its pages; nothing else listed."""
    placed: dict[str, list[tuple[str, str, str]]] = {}
    for group in printed.groups:
        for row in group.rows:
            placed.setdefault(_key(row.measure), []).append((group.grade, row.page, row.measure))
    findings: list[Finding] = []
    known: set[str] = set()
    for computed_group in computed.groups:
        for entry in computed_group.entries:
            known.add(_key(entry.ref))
            rows = placed.get(_key(entry.ref), [])
            findings += _summary_entry(plan, computed_group.letter, entry.ref, entry.pages, rows)
    for key, rows in placed.items():
        if key not in known and not any(_key(e.ref) == key for e in computed.ungraded):
            letter, page, measure = rows[0]
            findings.append(
                _error(
                    "summary.measure",
                    f"評価総括表の施策「{measure}」がシートにありません",
                    summary_location(plan, f"{letter}の施策"),
                    found=f"{page} {measure}".strip(),
                )
            )
    return findings


def _summary_entry(
    plan: Plan, letter: str, ref: str, pages: str, rows: list[tuple[str, str, str]]
) -> list[Finding]:
    where = summary_location(plan, f"{letter}の施策")
    if not rows:
        return [
            _error(
                "summary.measure",
                f"施策「{ref}」（シートの評価 {letter}）が評価総括表にありません",
                where,
                expected=f"{letter}：{pages} {ref}",
            )
        ]
    shown_letter, shown_pages, _ = rows[0]
    findings: list[Finding] = []
    if len(rows) > 1:
        findings.append(
            _error("summary.measure", f"施策「{ref}」が評価総括表に{len(rows)}回載っています", where)
        )
    if shown_letter != letter:
        findings.append(
            _error(
                "summary.measure",
                f"施策「{ref}」が評価「{shown_letter}」の欄に載っています",
                where,
                expected=letter,
                found=shown_letter,
            )
        )
    if page_set(shown_pages) != page_set(pages):
        findings.append(
            _error(
                "summary.pages",
                f"施策「{ref}」の頁が評価総括表とシートで異なります",
                summary_location(plan, f"{letter}の頁"),
                expected=pages,
                found=shown_pages,
            )
        )
    return findings


PAGE_RANGE = re.compile(r"^([0-9]{1,6})[~—]([0-9]{1,6})$")
MAX_PAGE_RANGE = 1000
"""A range longer than any report (「1～999999」 typed by mistake) is compared as text, not expanded."""


def page_set(text: str) -> frozenset[int] | str:
    """``12～13`` / ``12-13`` / ``12、13`` → {12, 13}; text that is no page list is kept for comparison."""
    pages: set[int] = set()
    for part in re.split(r"[、,\s]+", fold_dashes(fold_width(text)).strip()):
        bounds = PAGE_RANGE.match(part)
        if bounds and int(bounds.group(2)) - int(bounds.group(1)) <= MAX_PAGE_RANGE:
            pages |= set(range(int(bounds.group(1)), int(bounds.group(2)) + 1))
        elif is_number(part):
            pages.add(int(part))
        elif part:
            return _key(text)
    return frozenset(pages)


# --------------------------------------------------------------------------- grades on the sheets


def check_grades(plan: Plan, criteria: Sequence[Criterion], *, draft: bool = False) -> list[Finding]:
    """Grade letters of the criteria table, 再掲 sheets marked and agreeing, a measure's sheets adjacent.

    In a draft, grade cells still empty (or holding only 「(再掲)」) are work for ``finalize``.
    """
    letters = [c.letter for c in criteria]
    findings: list[Finding] = []
    for measure in plan.iter_measures():
        appearances = _measure_appearances(plan, measure.id)
        if draft:
            appearances = [
                (sheet, cell) for sheet, cell in appearances if not _ungraded_cell(cell.grade_cell)
            ]
        findings += _grade_cells(plan, measure, appearances, letters)
        findings += _consecutive_sheets(plan, measure)
    return findings


def _grade_cells(
    plan: Plan, measure: Measure, appearances: list[tuple[Sheet, SheetMeasure]], letters: list[str]
) -> list[Finding]:
    """The first sheet's letter is the measure's; every later sheet is its 再掲 and must say so."""
    findings: list[Finding] = []
    measure_letter: str | None = None
    for i, (sheet, cell) in enumerate(appearances):
        where = sheet_location(plan, sheet.index, cell.row, "Check")
        parsed = parse_grade_cell(cell.grade_cell)
        if parsed is None:
            findings.append(_unreadable_grade(measure, cell.grade_cell, where, letters))
            continue
        letter, reprinted = parsed
        measure_letter = measure_letter or letter
        reprint_of = measure_letter if i > 0 else None
        findings += _grade_cell(measure, where, cell.grade_cell, (letter, reprinted), letters, reprint_of)
    return findings


def _ungraded_cell(text: str) -> bool:
    return _key(text) in ("", "(再掲)")


def _unreadable_grade(measure: Measure, text: str, where: Location, letters: list[str]) -> Finding:
    wanted = "・".join(letters)
    if is_blank(text):
        return _error("cell.empty", f"施策「{measure.ref}」の評価(Check 欄)が空です", where, expected=wanted)
    return _error("grade.letter", f"施策「{measure.ref}」の評価が読み取れません", where, wanted, text)


def _grade_cell(
    measure: Measure,
    where: Location,
    text: str,
    parsed: tuple[str, bool],
    letters: list[str],
    reprint_of: str | None,
) -> list[Finding]:
    """One grade cell; ``reprint_of`` is the measure's letter on a 再掲 sheet, None on its first sheet."""
    letter, reprinted = parsed
    name = f"施策「{measure.ref}」"
    problems: list[tuple[str, str, str]] = []
    if letter not in letters:
        problems.append(
            ("grade.letter", f"{name}の評価「{letter}」は評価基準の表にありません", "・".join(letters))
        )
    if reprint_of is None and reprinted:
        problems.append(("grade.reprint", f"{name}の最初のシートに「(再掲)」があります", letter))
    if reprint_of is not None and not reprinted:
        problems.append(
            ("grade.reprint", f"{name}の再掲のシートに「(再掲)」がありません", f"{reprint_of}(再掲)")
        )
    if reprint_of is not None and letter != reprint_of:
        differs = f"{name}の再掲のシートの評価が最初のシートと異なります"
        problems.append(("grade.reprint", differs, f"{reprint_of}(再掲)"))
    return [_error(code, message, where, expected, text) for code, message, expected in problems]


def _consecutive_sheets(plan: Plan, measure: Measure) -> list[Finding]:
    indices = sorted(set(measure_sheet_indices(plan, measure.id)))
    for before, after in itertools.pairwise(indices):
        if after != before + 1:
            pages = "、".join(str(page) for page in measure_pages(plan, measure.id))
            text = f"施策「{measure.ref}」のシートが連続していません（番号の重複の可能性）"
            return [
                _error(
                    "grade.sheets",
                    text,
                    sheet_location(plan, after),
                    expected="連続したシート",
                    found=f"{pages}頁",
                )
            ]
    return []


# --------------------------------------------------------------------------- headers


_COLUMN_NAMES = ("基本目標", "Plan", "担当課", "指標", "Do", "Check", "Act", "施策", "頁", "大", "中", "小")


def _column_name(cell: str) -> str:
    return next((name for name in _COLUMN_NAMES if name.lower() in cell.lower()), cell[:10])


def _header_key(cell: str) -> str:
    return squash_spaces(fold_width(cell))


def check_headers(plan: Plan, canonical: Sequence[str]) -> list[Finding]:
    """Each sheet's header cells against the canonical header, cell by cell (one finding per cell)."""
    if not canonical:
        return []
    wanted = [_header_key(c) for c in canonical]
    findings: list[Finding] = []
    for sheet in plan.sheets:
        found = [_header_key(c) for c in sheet.header]
        matcher = SequenceMatcher(None, wanted, found, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "replace" and i2 - i1 == j2 - j1:
                findings += [
                    _header_cell(plan, sheet, wanted[i1 + k], sheet.header[j1 + k]) for k in range(i2 - i1)
                ]
            elif tag != "equal":
                findings += [_header_cell(plan, sheet, wanted[i], None) for i in range(i1, i2)]
                findings += [_header_cell(plan, sheet, None, sheet.header[j]) for j in range(j1, j2)]
    return findings


def _header_cell(plan: Plan, sheet: Sheet, expected: str | None, found: str | None) -> Finding:
    column = _column_name(expected or _header_key(found or ""))
    where = sheet_location(plan, sheet.index, 1 if column in ("大", "中", "小") else 0, column)
    shown = squash_spaces(found) if found is not None else None
    if expected is None:
        return _warning("header.cell", "標準の見出しにない見出しがあります", where, found=shown)
    if found is None:
        return _warning("header.cell", "見出しが標準の見出しより欠けています", where, expected=expected)
    return _warning("header.cell", "見出しが標準の見出しと異なります", where, expected=expected, found=shown)


# --------------------------------------------------------------------------- titles


def check_titles(plan: Plan) -> list[Finding]:
    """A measure's title (and, in the 地域福祉計画, a goal's or policy's) is the same on all its sheets."""
    findings: list[Finding] = []
    for measure in plan.iter_measures():
        appearances = _measure_appearances(plan, measure.id)
        if not appearances:
            continue
        first_sheet, first = appearances[0]
        first_text = f"{first.label} {first.title}".strip()
        for sheet, cell in appearances[1:]:
            text = f"{cell.label} {cell.title}".strip()
            if not _same(text, first_text):
                findings.append(
                    _warning(
                        "title.mismatch",
                        f"施策「{measure.ref}」の題名が{first_sheet.page}頁と異なります",
                        sheet_location(plan, sheet.index, cell.row, "施策"),
                        expected=first_text,
                        found=text,
                    )
                )
    return findings + _context_titles(plan)


def _context_titles(plan: Plan) -> list[Finding]:
    seen: dict[tuple[str, ...], tuple[str, Sheet]] = {}
    findings: list[Finding] = []
    for sheet in plan.sheets:
        context = sheet.context
        if context is None:
            continue
        goal = _number_key(context.goal_label)
        for key, title, column in (
            ((goal,), context.goal_title, "基本目標"),
            ((goal, _number_key(context.policy_label)), context.policy_title, "施策"),
        ):
            first = seen.setdefault(key, (title, sheet))
            if not _same(first[0], title):
                findings.append(
                    _warning(
                        "title.mismatch",
                        f"{column}の題名が{first[1].page}頁と異なります",
                        sheet_location(plan, sheet.index, None, column),
                        expected=first[0],
                        found=title,
                    )
                )
    return findings


# --------------------------------------------------------------------------- numbering


KANA_ORDER = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"


def label_parts(label: str) -> list[str]:
    """``"(6) ア"`` → ``["(6)", "ア"]``: a compound label's levels in canonical form."""
    parts: list[str] = []
    rest = label.strip()
    while rest:
        whole = parse_label(rest)
        if whole is not None:
            parts.append(whole)
            break
        head, rest = split_leading_label(rest)
        if head is None:
            break
        parts.append(head)
        rest = rest.strip()
    return parts


def label_number(part: str) -> int | None:
    """The position a label stands for: ① / (1) / 1 / a / ア / (ア) → 1."""
    text = fold_width(part).strip()
    inner = text[1:-1] if len(text) > 2 and text[0] == "(" and text[-1] == ")" else text
    if len(text) == 1 and circled_to_int(text) is not None:
        return circled_to_int(text)
    if parse_paren_number(text) is not None:
        return parse_paren_number(text)
    if is_number(inner):
        return int(inner)
    if len(inner) == 1 and inner in KANA_ORDER:
        return KANA_ORDER.index(inner) + 1
    if len(inner) == 1 and "a" <= inner <= "z":
        return ord(inner) - ord("a") + 1
    return None


def label_like(part: str, number: int) -> str:
    """The label for ``number`` in the style of ``part``: ``label_like("(8)", 7) == "(7)"``."""
    text = fold_width(part).strip()
    bracketed = len(text) > 2 and text[0] == "(" and text[-1] == ")"
    inner, wrap = (text[1:-1], "({})") if bracketed else (text, "{}")
    if len(text) == 1 and circled_to_int(text) is not None:
        return int_to_circled(number) if 1 <= number <= 50 else str(number)
    if is_number(inner):
        return wrap.format(number)
    if len(inner) == 1 and inner in KANA_ORDER and 1 <= number <= len(KANA_ORDER):
        return wrap.format(KANA_ORDER[number - 1])
    if len(inner) == 1 and "a" <= inner <= "z" and 1 <= number <= 26:
        return wrap.format(chr(ord("a") + number - 1))
    return str(number)


def _measure_label(plan: Plan, measure_id: str) -> str:
    return next((m.label for m in plan.iter_measures() if m.id == measure_id), "")


def _number_key(label: str) -> str:
    parts = label_parts(label)
    number = label_number(parts[0]) if parts else None
    return str(number) if number is not None else _key(label)


@dataclass(frozen=True)
class _Numbered:
    part: str
    number: int
    location: Location


def _sequence(items: list[_Numbered], what: str, gaps: bool) -> list[Finding]:
    """Siblings in document order: a number seen before, one going back, or (``gaps``) one skipped."""
    findings: list[Finding] = []
    seen: set[int] = set()
    last: _Numbered | None = None
    for item in items:
        if item.number in seen:
            following = label_like(item.part, last.number + 1) if last else None
            findings.append(
                _warning(
                    "numbering.duplicate",
                    f"{what}の番号 {item.part} が重複しています",
                    item.location,
                    expected=following,
                    found=item.part,
                )
            )
        elif last is not None and item.number < last.number:
            text = f"{what}の番号 {item.part} が {last.part} の後にあります"
            findings.append(_warning("numbering.order", text, item.location, found=item.part))
        elif gaps and item.number > (last.number if last else 0) + 1:
            findings.append(_gap(item, last, what))
        seen.add(item.number)
        if last is None or item.number > last.number:
            last = item
    return findings


def _gap(item: _Numbered, last: _Numbered | None, what: str) -> Finding:
    missing = [label_like(item.part, n) for n in range((last.number if last else 0) + 1, item.number)]
    after = f"{last.part} の次が " if last else "最初が "
    text = f"{what}の番号 {'・'.join(missing)} がありません（{after}{item.part}）"
    return _warning("numbering.gap", text, item.location, expected=missing[0], found=item.part)


def _numbered(label: str, location: Location) -> _Numbered | None:
    parts = label_parts(label)
    number = label_number(parts[0]) if parts else None
    return _Numbered(parts[0], number, location) if parts and number is not None else None


def check_numbering(plan: Plan) -> list[Finding]:
    """Duplicates and order everywhere; gaps only in the 重層 plan (the 地域福祉計画 shows an excerpt)."""
    gaps = isinstance(plan, LayeredPlan)
    findings = _context_numbering(plan) if isinstance(plan, WelfarePlan) else _layered_measure_numbering(plan)
    for measure in plan.iter_measures():
        if isinstance(plan, LayeredPlan):
            findings += _band_numbering(plan, measure)
        findings += _project_numbering(plan, measure, gaps)
    return findings


_Keyed = tuple[tuple[str, ...], _Numbered | None]
"""A numbered item with its parent's key: ``(("1",), (2))`` is policy (2) of goal 1."""


def _runs(keys: Sequence[_Keyed]) -> dict[tuple[str, ...], list[_Numbered]]:
    """Collapse consecutive repeats (a goal printed on every sheet is one goal) and group by parent."""
    groups: dict[tuple[str, ...], list[_Numbered]] = {}
    previous: tuple[tuple[str, ...], int] | None = None
    for parent, item in keys:
        if item is None or previous == (parent, item.number):
            continue
        groups.setdefault(parent, []).append(item)
        previous = (parent, item.number)
    return groups


def _context_numbering(plan: Plan) -> list[Finding]:
    goals: list[_Keyed] = []
    policies: list[_Keyed] = []
    measures: list[_Keyed] = []
    for sheet in plan.sheets:
        context = sheet.context
        if context is None:
            continue
        goal, policy = _number_key(context.goal_label), _number_key(context.policy_label)
        at = sheet_location(plan, sheet.index, None, "基本目標")
        goals.append(((), _numbered(context.goal_label, at)))
        policies.append(((goal,), _numbered(context.policy_label, at.model_copy(update={"column": "施策"}))))
        for cell in sheet.measures:
            at = sheet_location(plan, sheet.index, cell.row, "施策")
            measures.append(((goal, policy), _numbered(_measure_label(plan, cell.measure_id), at)))
    findings: list[Finding] = []
    for what, keys in (("基本目標", goals), ("施策(大)", policies), ("施策(小)", measures)):
        flagged = {f.location.sheet for f in findings}  # a repeated goal repeats its policies: say it once
        for items in _runs(keys).values():
            findings += [f for f in _sequence(items, what, gaps=False) if f.location.sheet not in flagged]
    return findings


def _layered_measure_numbering(plan: Plan) -> list[Finding]:
    keys: list[_Keyed] = []
    for sheet in plan.sheets:
        for cell in sheet.measures:
            at = sheet_location(plan, sheet.index, cell.row, "大")
            keys.append(((), _numbered(_measure_label(plan, cell.measure_id), at)))
    return [f for items in _runs(keys).values() for f in _sequence(items, "施策", gaps=True)]


def _band_numbering(plan: Plan, measure: Measure) -> list[Finding]:
    items: list[_Numbered] = []
    for band in measure.bands:
        first = next((p for p in measure.projects if p.band == band.label), None)
        location = project_location(plan, first, "中") if first else _plan_location(plan)
        item = _numbered(band.label, location)
        if item is not None:
            items.append(item)
    return _sequence(items, f"施策「{measure.ref}」の中項目", gaps=True)


def _project_numbering(plan: Plan, measure: Measure, gaps: bool) -> list[Finding]:
    """Projects per band; a compound label such as ``(6) ア`` is a level of its own under ``(6)``."""
    bands: dict[str | None, list[Project]] = {}
    for project in measure.projects:
        bands.setdefault(project.band, []).append(project)
    what = f"施策「{measure.ref}」の事業"
    findings: list[Finding] = []
    for projects in bands.values():
        top, subs = _project_label_levels(plan, projects)
        findings += _sequence(top, what, gaps)
        for items in subs.values():
            findings += _sequence(items, what, gaps)
    return findings


def _project_label_levels(
    plan: Plan, projects: list[Project]
) -> tuple[list[_Numbered], dict[int, list[_Numbered]]]:
    """First label parts in order (``(6) ア`` and ``(6) イ`` give one ``(6)``), and the parts under each."""
    top: list[_Numbered] = []
    subs: dict[int, list[_Numbered]] = {}
    for project in projects:
        parts = label_parts(project.label)
        where = project_location(plan, project, "番号")
        head = _numbered(parts[0], where) if parts else None
        if head is None:
            continue
        sub = _numbered(parts[1], where) if len(parts) > 1 else None
        continuing = sub is not None and bool(top) and top[-1].number == head.number and head.number in subs
        if not continuing:
            top.append(head)
        if sub is not None:
            subs.setdefault(head.number, []).append(sub)
    return top, subs


# --------------------------------------------------------------------------- 担当課


def check_department_table(intro: Intro) -> list[Finding]:
    if intro.departments:
        return []
    return [
        _error(
            "department.table",
            "序章に担当課の表（地…地域活性課 など）が見つかりません",
            Location(section="序章", column="担当課"),
        )
    ]


def check_departments(plan: Plan, departments: Sequence[Department]) -> list[Finding]:
    """Codes from the table (序章 3(3)), several in one cell in the table's order (組織規則の順序)."""
    if not departments:
        return []
    order = {_key(d.code): i for i, d in enumerate(departments)}
    table = "・".join(d.code for d in departments)
    findings: list[Finding] = []
    for measure in plan.iter_measures():
        for project in measure.projects:
            where = project_location(plan, project, "担当課")
            codes = project.departments
            findings += [
                _error(
                    "department.code",
                    f"担当課「{code}」は序章の担当課の表にありません",
                    where,
                    expected=table,
                    found=code,
                )
                for code in codes
                if _key(code) not in order
            ]
            ranks = [order[_key(code)] for code in codes if _key(code) in order]
            if ranks != sorted(set(ranks)):
                wanted = " ".join(departments[r].code for r in sorted(set(ranks)))
                text = "担当課が担当課の表（組織規則）の順序になっていません"
                findings.append(
                    _warning("department.order", text, where, expected=wanted, found=" ".join(codes))
                )
    return findings


# --------------------------------------------------------------------------- required cells


def check_required_cells(plan: Plan, *, draft: bool = False) -> list[Finding]:
    """Do and Act need text in a published report; a project row's Check is empty or a result.

    In a draft empty cells are not errors: :func:`~komae_docx.progress.incomplete_items` lists them.
    """
    findings: list[Finding] = []
    for measure in plan.iter_measures():
        if not measure.projects:
            sheets = measure_sheet_indices(plan, measure.id)
            location = sheet_location(plan, sheets[0]) if sheets else _plan_location(plan)
            text = f"施策「{measure.ref}」に事業の行がありません"
            findings.append(_error("measure.no_projects", text, location))
        for project in measure.projects:
            findings += _project_cells(plan, measure, project, draft)
    return findings


def _project_cells(plan: Plan, measure: Measure, project: Project, draft: bool = False) -> list[Finding]:
    name = f"施策「{measure.ref}」の事業「{project.label or project.plan_text[:15]}」"
    findings: list[Finding] = []
    if draft:
        return _check_cells(plan, project, name)
    if not any(entry.heading or _has_text(entry.do) for entry in project.entries):
        where = project_location(plan, project, "Do")
        findings.append(_error("cell.empty", f"{name}の Do(実行)欄が空です", where))
    if not any(_has_text(entry.act) for entry in project.entries):
        where = project_location(plan, project, "Act")
        findings.append(_error("cell.empty", f"{name}の Act 欄が空です", where))
    return findings + _check_cells(plan, project, name)


def _check_cells(plan: Plan, project: Project, name: str) -> list[Finding]:
    """A project row's Check cell holds nothing, or a result (達成・未達成・未評価・1/3)."""
    findings: list[Finding] = []
    for entry in project.entries:
        if not is_blank(entry.check) and not _is_result(entry.check):
            findings.append(
                _warning(
                    "cell.check",
                    f"{name}の Check 欄に事業の結果ではない文字があります",
                    sheet_location(plan, entry.sheet, entry.row, "Check"),
                    expected="空欄（施策の評価は施策の行、事業の結果は 達成・未達成・未評価・1/3）",
                    found=entry.check,
                )
            )
    return findings


def _is_result(text: str) -> bool:
    try:
        parse_outcome(text)
    except ResultValueError:
        return False
    return True


def _has_text(texts: list[str]) -> bool:
    return any(not is_blank(text) for text in texts)


# --------------------------------------------------------------------------- presenting


def describe_findings(findings: Sequence[Finding], source: str) -> str:
    """The Japanese text ``komae-docx check`` prints."""
    errors = sum(1 for f in findings if f.severity == "error")
    lines = [f"{source} の検査結果：エラー {errors} 件・警告 {len(findings) - errors} 件"]
    lines += [f"  {f.describe_with_severity()}" for f in findings]
    return "\n".join(lines)


def findings_as_json(findings: Sequence[Finding], source: str) -> dict[str, Any]:
    errors = sum(1 for f in findings if f.severity == "error")
    return {
        "file": source,
        "errors": errors,
        "warnings": len(findings) - errors,
        "findings": [f.model_dump() for f in findings],
    }


# --------------------------------------------------------------------------- pages in the layout

PAGE_REF = re.compile(r"(?<![A-Za-z])P\s*[.\-‐－]?\s*([0-9]{1,3})(?![0-9])")
"""A page reference in the text: 「P.21」, 「P-13」, 「Ｐ．２１」 (matched on width-folded text)."""


def check_layout(report: Report, page_texts: Sequence[str]) -> list[Finding]:
    """Every printed page reference against the pages LibreOffice lays the document out on.

    ``page_texts`` is each page's text (:func:`komae_docx.layout.pdf_page_texts`).  Compared: the
    目次's pages, the 評価総括表's pages, and 「P.21」 references, whose target is what the document
    itself places on that page (the sheet or heading the reader counts there).
    """
    pages = locate(report, page_texts)
    findings = [*_layout_toc(report, pages), *_layout_unlocated(report, pages)]
    for plan in report.plans:
        findings += _layout_summary(plan, pages)
    findings += _layout_page_refs(report, pages)
    return findings


def _layout_location(column: str, section: str = "目次", plan: str | None = None) -> Location:
    return Location(section=section, plan=plan, column=column)


def _layout_toc(report: Report, pages: PageMap) -> list[Finding]:
    findings: list[Finding] = []
    for i, entry in enumerate(report.toc):
        actual = pages.headings.get(i)
        if actual is not None and _as_int(entry.page) != actual:
            findings.append(
                _error(
                    "layout.toc",
                    f"目次の「{entry.label} {entry.title}」の頁が実際の頁と異なります",
                    _layout_location(f"{entry.label} {entry.title}"),
                    expected=str(actual),
                    found=entry.page,
                )
            )
    return findings


def _layout_unlocated(report: Report, pages: PageMap) -> list[Finding]:
    findings = [
        _warning(
            "layout.unlocated",
            f"目次の「{entry.label} {entry.title}」の見出しが LibreOffice の組版に見つかりません",
            _layout_location(f"{entry.label} {entry.title}"),
        )
        for i, entry in enumerate(report.toc)
        if pages.headings.get(i) is None
    ]
    for plan in report.plans:
        findings += [
            _warning(
                "layout.unlocated",
                "シートが LibreOffice の組版に見つかりません（頁の検査をしていません）",
                sheet_location(plan, sheet.index),
            )
            for sheet in plan.sheets
            if pages.sheet_page(plan, sheet.index) is None
        ]
    return findings


def _layout_summary(plan: Plan, pages: PageMap) -> list[Finding]:
    if plan.summary is None:
        return []
    measures = {_key(m.ref): m for m in plan.iter_measures()}
    findings: list[Finding] = []
    for group in plan.summary.groups:
        for row in group.rows:
            measure = measures.get(_key(row.measure))
            if measure is None:
                continue  # check_summary reports a measure the sheets do not have
            spans = [pages.sheet_pages(plan, i) for i in sorted(set(measure_sheet_indices(plan, measure.id)))]
            known = sorted({page for span in spans if span is not None for page in span})
            if not known or None in spans or page_set(row.page) == frozenset(known):
                continue
            findings.append(
                _error(
                    "layout.summary_pages",
                    f"評価総括表の施策「{measure.ref}」の頁が実際の頁と異なります",
                    summary_location(plan, f"{group.grade}の頁"),
                    expected=pages_text(known),
                    found=row.page,
                )
            )
    return findings


def _layout_page_refs(report: Report, pages: PageMap) -> list[Finding]:
    """「P.21」: the page the document places its target on (the reader's count) must be the real one."""
    targets = _stated_targets(report, pages)
    findings: list[Finding] = []
    for text, location in _texts_with_places(report):
        for match in PAGE_REF.finditer(fold_width(text)):
            stated = int(match.group(1))
            target = targets.get(stated)
            if target is None or target[1] is None or target[1] == stated:
                continue
            what, actual = target
            findings.append(
                _error(
                    "layout.page_ref",
                    f"「{match.group(0)}」の参照先（{what}）は実際には {actual}頁です",
                    location,
                    expected=f"P.{actual}",
                    found=match.group(0),
                )
            )
    return findings


def _stated_targets(report: Report, pages: PageMap) -> dict[int, tuple[str, int | None]]:
    """Stated page → (what stands there by the document's own count, its page in the layout)."""
    targets: dict[int, tuple[str, int | None]] = {}
    for i, entry in enumerate(report.toc):
        stated = _as_int(entry.page)
        if stated is not None:
            targets.setdefault(stated, (f"{entry.label} {entry.title}", pages.headings.get(i)))
    for plan in report.plans:
        for sheet in plan.sheets:
            if sheet.page is not None:
                what = f"{plan.heading} シート{sheet.index + 1}"
                targets.setdefault(sheet.page, (what, pages.sheet_page(plan, sheet.index)))
    return targets


def _texts_with_places(report: Report) -> Iterable[tuple[str, Location]]:
    """The texts staff write page references in: 序章's paragraphs, the sheets' cells, the opinions."""
    for block in report.intro.blocks:
        yield block.text, Location(section="序章")
    for plan in report.plans:
        for measure in plan.iter_measures():
            for project in measure.projects:
                for entry in project.entries:
                    for column, texts in (("Do", entry.do), ("Act", entry.act)):
                        for text in texts:
                            yield text, sheet_location(plan, entry.sheet, entry.row, column)
        for opinion_sheet in plan.opinion_sheets:
            for row in opinion_sheet.rows:
                for text in row.opinions:
                    where = Location(section="第2章", plan=plan.heading, page=opinion_sheet.page, row=row.row)
                    yield text, where
