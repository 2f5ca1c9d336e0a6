"""Reading the tables of a report: progress sheets (第1章), opinion sheets (第2章), 評価総括表.

Tables are recognised by their header rows and read by column *meaning* (the header cell
over a grid column), never by cell position: staff move labels between the 大/中/小 columns,
split or merge label cells, and still mean the same thing.  Works on :mod:`ooxml` blocks and
knows no XML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..errors import SheetFormatError
from ..model import (
    Band,
    Entry,
    Goal,
    Measure,
    OpinionRow,
    OpinionSheet,
    Policy,
    Project,
    ProjectOutcome,
    Sheet,
    SheetContext,
    SheetMeasure,
    SummaryGroup,
    SummaryRow,
    SummaryTable,
    TableAnchor,
)
from ..results import Location, Message
from ..rules import ResultValueError, parse_outcome
from ..textnorm import (
    circled_to_int,
    fold_dashes,
    fold_width,
    parse_grade_cell,
    split_leading_label,
    split_tag,
    squash_spaces,
)
from .ooxml import Cell, Row, Table
from .tracker import Tracker

HEADING_ONLY = re.compile(r"^【[^【】]+】$")


def squashed(text: str) -> str:
    """``text`` without spaces, widths folded: the form headers and labels are compared in.

    Short texts (header cells, labels, empty cells) are asked for again and again while tables
    are recognised, so their results are memoised; long texts are folded each time.
    """
    return _squashed_short(text) if len(text) <= _MEMO_MAX_CHARS else squash_spaces(fold_width(text))


_MEMO_MAX_CHARS = 80


@lru_cache(maxsize=4096)
def _squashed_short(text: str) -> str:
    return squash_spaces(fold_width(text))


def is_sheet_header(table: Table) -> bool:
    head = squashed(" ".join(c.text for row in table.rows[:2] for c in row.cells))
    return "担当課" in head and "Act" in head and ("Do" in head or "DO" in head)


def is_opinion_table(table: Table) -> bool:
    return bool(table.rows) and "委員会からの意見" in squashed(" ".join(c.text for c in table.rows[0].cells))


def is_summary_table(table: Table) -> bool:
    return bool(table.rows) and "施策の進捗状況" in squashed(" ".join(c.text for c in table.rows[0].cells))


grade_of_cell = parse_grade_cell


# --------------------------------------------------------------------------- columns


@dataclass
class Columns:
    """Grid columns of a progress sheet, found from its header rows."""

    header_rows: int
    dept: int
    pages: int
    indicator: int
    do: int
    check: int
    act: int
    goal: int | None
    header: list[str]


_HEADER_KEYS = {"担当課": "dept", "頁": "pages", "指標": "indicator", "Check": "check", "Act": "act"}


def sheet_columns(table: Table, where: str) -> Columns:
    found: dict[str, int] = {}
    header_rows = 0
    header: list[str] = []
    for row in table.rows[:3]:
        texts = [squashed(c.text) for c in row.cells]
        if not any(texts) or (header_rows and not _is_header_row(texts)):
            break
        header_rows += 1
        for cell, text in zip(row.cells, texts, strict=False):
            if cell.text:
                header.append(cell.text)
            key = _HEADER_KEYS.get(text) or ("do" if text.upper().startswith("DO") else None)
            key = key or next((v for k, v in _HEADER_KEYS.items() if text.startswith(k)), None)
            if text.startswith("基本目標"):
                key = "goal"
            if key and key not in found:
                found[key] = cell.col
    missing = [k for k in ("dept", "pages", "indicator", "do", "check", "act") if k not in found]
    if missing:
        raise SheetFormatError(
            f"進捗管理シートの見出し行に {', '.join(missing)} の列が見つかりません", where=where
        )
    return Columns(
        header_rows=header_rows,
        goal=found.get("goal"),
        header=header,
        **{k: found[k] for k in ("dept", "pages", "indicator", "do", "check", "act")},
    )


def _is_header_row(texts: list[str]) -> bool:
    return all(t in ("", "大", "中", "小") for t in texts)


# --------------------------------------------------------------------------- progress sheets


@dataclass
class SheetReader:
    """Reads the progress sheets of one plan, folding 再掲 sheets into their measures."""

    plan_key: str
    layered: bool
    tracker: Tracker
    goals: list[Goal] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    sheets: list[Sheet] = field(default_factory=list)
    plan_heading: str = ""
    departments: dict[str, str] = field(default_factory=dict)
    """担当課 code → name (序章's table), to name the department in a message about a project."""
    messages: list[Message] = field(default_factory=list)
    """Bad values in the result controls (「4/3」, 「達成済」), as errors naming sheet, row and project."""
    result_controls: int = 0
    """Project rows with a result control (a draft has one on each project's first row)."""
    bare_results: list[tuple[Project, str, Location]] = field(default_factory=list)
    """Project first rows without a result control: (project, Check cell text, place)."""
    _measure: Measure | None = None
    _band: str | None = None

    def read(self, table: Table) -> Sheet:
        index = len(self.sheets)
        where = f"{self.plan_key} シート{index + 1}({table.page}頁)"
        cols = sheet_columns(table, where)
        sheet = Sheet(index=index, page=table.page, header=cols.header, anchor=_sheet_anchor(table, cols))
        self.sheets.append(sheet)
        for row in table.rows[: cols.header_rows]:
            self.tracker.take_row(row)
        context = _ContextRows()
        self._measure = None
        self._band = None
        for row in table.rows[cols.header_rows :]:
            self._row(row, cols, sheet, context, where)
        if context.goal is not None and context.policy is not None:
            sheet.context = SheetContext(
                goal_label=context.goal[0],
                goal_title=context.goal[1],
                policy_label=context.policy[0],
                policy_title=context.policy[1],
            )
        return sheet

    def _row(self, row: Row, cols: Columns, sheet: Sheet, context: _ContextRows, where: str) -> None:
        left = [c for c in row.cells if c.col < cols.dept and c.col != cols.goal and c.vmerge != "continue"]
        goal_cell = next((c for c in row.cells if cols.goal is not None and c.col == cols.goal), None)
        check = _cell_text(row, cols.check)
        if goal_cell is not None and goal_cell.text and goal_cell.vmerge != "continue":
            title_cells = [c for c in row.cells if c is not goal_cell and c.text]
            context.goal = (goal_cell.text, " ".join(c.text for c in title_cells))
            self.tracker.take_row(row)
            return
        if (grade_of_cell(check) is not None and not _own_text(row, cols.do, cols.dept)) or _ungraded_measure(
            row, cols
        ):
            self._measure_row(row, cols, sheet, context, left, where)
            return
        texts = [c for c in row.cells if c.text]
        if len(texts) == 1 and texts[0].end > cols.dept and texts[0].col < cols.dept:
            label, title = split_leading_label(texts[0].text)
            if self.layered:
                self._band = label
                known = self._measure.bands if self._measure is not None else []
                if self._measure is not None and label is not None and all(b.label != label for b in known):
                    self._measure.bands.append(Band(label=label, title=title))
            else:
                context.policy = (label or "", title)
            self.tracker.take_row(row)
            return
        if not texts and not _empty_continuation(row, cols, self._measure):
            return
        self._project_row(row, cols, sheet, left, where)

    def _measure_row(
        self, row: Row, cols: Columns, sheet: Sheet, context: _ContextRows, left: list[Cell], where: str
    ) -> None:
        grade_text = _cell_text(row, cols.check)
        grade = grade_of_cell(grade_text)
        texts = [c.text for c in left if c.text]
        if not texts:
            raise SheetFormatError("施策の行に施策名がありません", where=f"{where} {row.index + 1}行")
        title_cell = texts[-1]
        label_text = " ".join(texts[:-1])
        label, title = (label_text, title_cell) if label_text else split_leading_label(title_cell)
        label = label or ""
        key = self._measure_key(label, context)
        measure = next((m for m in self.measures if m.id == key), None)
        if measure is None:
            tag, plain_title = split_tag(title)
            measure = Measure(
                id=key,
                ref="",
                label=_canonical_label(label),
                tag=tag,
                title=plain_title,
                grade=grade[0] if grade else None,
            )
            self.measures.append(measure)
            self._attach(measure, context)
        sheet.measures.append(
            SheetMeasure(
                measure_id=measure.id,
                label=label_text,
                title=title_cell,
                grade_cell=grade_text,
                row=row.index,
            )
        )
        self._measure = measure
        self._band = None
        self.tracker.take_row(row)

    def _measure_key(self, label: str, context: _ContextRows) -> str:
        if self.layered:
            return f"p2-{_canonical_label(label)}"
        goal = _canonical_label(context.goal[0]) if context.goal else "?"
        policy = _number(context.policy[0]) if context.policy else "?"
        return f"p1-{goal}-{policy}-{_number(label)}"

    def _attach(self, measure: Measure, context: _ContextRows) -> None:
        if self.layered or context.goal is None or context.policy is None:
            return
        goal_label = _canonical_label(context.goal[0])
        goal = next((g for g in self.goals if _canonical_label(g.label) == goal_label), None)
        if goal is None:
            goal = Goal(label=context.goal[0], title=context.goal[1])
            self.goals.append(goal)
        policy_label = context.policy[0]
        policy = next((p for p in goal.policies if _number(p.label) == _number(policy_label)), None)
        if policy is None:
            policy = Policy(label=policy_label, title=context.policy[1])
            goal.policies.append(policy)
        policy.measures.append(measure)

    def _project_row(self, row: Row, cols: Columns, sheet: Sheet, left: list[Cell], where: str) -> None:
        if self._measure is None:
            raise SheetFormatError("施策の行より前に事業の行があります", where=f"{where} {row.index + 1}行")
        plan_cell = row.cell_at(cols.dept - 1)
        entry = self._entry(row, cols, sheet)
        if plan_cell is None or plan_cell.vmerge == "continue":
            project = self._measure.projects[-1] if self._measure.projects else None
            if project is None:
                raise SheetFormatError(
                    "続きの行に対応する事業がありません", where=f"{where} {row.index + 1}行"
                )
            project.entries.append(entry)
            self.tracker.take_row(row)
            return
        labels = [c.text for c in left if c.text and c is not plan_cell]
        label = " ".join(labels)
        project = self._find_project(label, plan_cell.text)
        if project is None:
            project = Project(
                id=self._project_id(label),
                label=label,
                band=self._band,
                plan_text=plan_cell.text,
                departments=_split_codes(_cell_texts(row, cols.dept)),
                plan_pages=_split_pages(_cell_texts(row, cols.pages)),
                indicator=_cell_text(row, cols.indicator),
            )
            self._measure.projects.append(project)
        project.entries.append(entry)
        if len(project.entries) == 1:
            if _has_result_control(row, cols.check):
                self.result_controls += 1
            else:
                self.bare_results.append((project, entry.check, self._location(row, sheet, project)))
        if project.result is None:
            chosen = _result_choice(row, cols.check)
            if chosen is not None:
                project.result = self._result(chosen, project, self._location(row, sheet, project))
        self.tracker.take_row(row)

    def _result(self, chosen: str, project: Project, location: Location) -> ProjectOutcome | None:
        """The result picked or typed in the row's control; a bad value becomes an error message."""
        try:
            return parse_outcome(chosen)
        except ResultValueError as error:
            text = f"事業「{project.label}」の結果「{error.value}」は使えません：{error.reason}"
            found = error.value
            self.messages.append(
                Message(severity="error", code="result.value", text=text, location=location, found=found)
            )
            return None

    def _location(self, row: Row, sheet: Sheet, project: Project) -> Location:
        names = [self.departments.get(squashed(code), code) for code in project.departments]
        return Location(
            section="第1章",
            plan=self.plan_heading or None,
            sheet=sheet.index,
            page=sheet.page,
            row=row.index,
            column="Check",
            project=project.id,
            department="・".join(names) or None,
        )

    def read_bare_results(self) -> None:
        """In a draft (a file with result controls), a project row whose control was deleted: the
        result typed in its Check cell is read as typed, and a note says the control is gone (a
        blank cell reads 未評価, as an unset control does)."""
        for project, typed, location in self.bare_results:
            shown = typed.strip()
            said = f"「{shown}」を結果として読みました" if shown else "欄が空のため、結果は未評価です"
            self.messages.append(
                Message(
                    severity="warning",
                    code="result.control_removed",
                    text=f"事業「{project.label}」の結果の選択欄が削除されています。Check 欄の{said}",
                    location=location,
                )
            )
            if project.result is None and shown:
                project.result = self._result(shown, project, location)

    def _entry(self, row: Row, cols: Columns, sheet: Sheet) -> Entry:
        do = _cell_texts(row, cols.do)
        heading = None
        if do and HEADING_ONLY.match(do[0].strip()):
            heading, do = do[0], do[1:]
        return Entry(
            heading=heading,
            do=do,
            check=_cell_text(row, cols.check),
            act=_cell_texts(row, cols.act),
            sheet=sheet.index,
            row=row.index,
        )

    def _find_project(self, label: str, plan_text: str) -> Project | None:
        assert self._measure is not None
        for project in self._measure.projects:
            if (
                project.band == self._band
                and squashed(project.label) == squashed(label)
                and squashed(project.plan_text) == squashed(plan_text)
            ):
                return project
        return None

    def _project_id(self, label: str) -> str:
        assert self._measure is not None
        band = _canonical_label(self._band) if self._band else ""
        base = f"{self._measure.id}-{band}{_canonical_label(label) or '_'}"
        taken = {p.id for m in self.measures for p in m.projects}
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}#{n}"
        return candidate


def _sheet_anchor(table: Table, cols: Columns) -> TableAnchor | None:
    if table.ordinal < 0:
        return None
    columns = {"do": cols.do, "check": cols.check, "act": cols.act, "dept": cols.dept}
    return TableAnchor(table=table.ordinal, header_rows=cols.header_rows, columns=columns)


@dataclass
class _ContextRows:
    goal: tuple[str, str] | None = None
    policy: tuple[str, str] | None = None


def _cell_text(row: Row, col: int) -> str:
    cell = row.cell_at(col)
    return cell.text if cell is not None and cell.vmerge != "continue" else ""


def _empty_continuation(row: Row, cols: Columns, measure: Measure | None) -> bool:
    """An entry row left empty (a draft's second Do/Act row of a project): its plan cell continues."""
    plan_cell = row.cell_at(cols.dept - 1)
    continued = plan_cell is not None and plan_cell.vmerge == "continue"
    return continued and measure is not None and bool(measure.projects)


def _ungraded_measure(row: Row, cols: Columns) -> bool:
    """A measure row whose grade cell is still empty (a draft): its title spans over 担当課 to Do,
    and the Check column is a cell of its own holding nothing or only a 再掲 mark."""
    check = row.cell_at(cols.check)
    if check is None or check.col != cols.check or check.vmerge == "continue":
        return False
    if squashed(check.text) not in ("", "(再掲)"):
        return False
    return any(c.text and c.col < cols.dept < c.end and c.end <= cols.check for c in row.cells)


def _has_result_control(row: Row, col: int) -> bool:
    """Whether the Check cell holds a list control (picked, typed or showing its placeholder)."""
    cell = row.cell_at(col)
    return cell is not None and any(paragraph.choices for paragraph in cell.paragraphs)


def _result_choice(row: Row, col: int) -> str | None:
    """The text of the Check cell's result control: picked from its list or typed; None when unset."""
    cell = row.cell_at(col)
    if cell is None or cell.vmerge == "continue":
        return None
    for paragraph in cell.paragraphs:
        for choice in paragraph.choices:
            if choice is not None and choice.strip():
                return choice
    return None


def _own_text(row: Row, col: int, first_result_col: int) -> str:
    """The text of the cell at ``col`` unless it is a title cell spanning in from the left."""
    cell = row.cell_at(col)
    if cell is None or cell.vmerge == "continue" or cell.col < first_result_col:
        return ""
    return cell.text


def _cell_texts(row: Row, col: int) -> list[str]:
    cell = row.cell_at(col)
    return cell.texts if cell is not None and cell.vmerge != "continue" else []


def _canonical_label(label: str | None) -> str:
    return squash_spaces(fold_width(label or ""))


def _number(label: str) -> str:
    text = _canonical_label(label)
    circled = circled_to_int(text[:1]) if text else None
    if circled is not None:
        return str(circled)
    digits = re.sub(r"\D", "", text)
    return digits or text


def _split_codes(texts: list[str]) -> list[str]:
    return [part for text in texts for part in re.split(r"[\s、,・/]+", text) if part]


def _split_pages(texts: list[str]) -> list[str]:
    return [part for text in texts for part in re.split(r"[\s、,]+", text) if part]


def measure_ref_welfare(goal: Goal, policy: Policy, measure: Measure) -> str:
    """The report's notation: ``1－(2)－①``, or ``1－(1)`` when the policy has one measure."""
    base = f"{_canonical_label(goal.label)}－{policy.label.strip()}"
    if len(policy.measures) == 1:
        return base
    return f"{base}－{measure.label}"


# --------------------------------------------------------------------------- opinion sheets


def read_opinion_sheet(
    table: Table, index: int, layered: bool, measures: list[Measure], tracker: Tracker, where: str
) -> OpinionSheet:
    opinion_col = next((c.col for c in table.rows[0].cells if "委員会からの意見" in squashed(c.text)), None)
    if opinion_col is None:
        raise SheetFormatError("委員会からの意見の列が見つかりません", where=where)
    header_rows = 1
    if len(table.rows) > 1 and _is_header_row([squashed(c.text) for c in table.rows[1].cells]):
        header_rows = 2
    header = [c.text for row in table.rows[:header_rows] for c in row.cells if c.text]
    for row in table.rows[:header_rows]:
        tracker.take_row(row)
    anchor = (
        TableAnchor(table=table.ordinal, header_rows=header_rows, columns={"opinion": opinion_col})
        if table.ordinal >= 0
        else None
    )
    sheet = OpinionSheet(index=index, page=table.page, header=header, rows=[], anchor=anchor)
    state = _OpinionState()
    for row in table.rows[header_rows:]:
        parsed = _opinion_row(row, opinion_col, layered, measures, state, table)
        if parsed is not None:
            sheet.rows.append(parsed)
            tracker.take_row(row)
    return sheet


@dataclass
class _OpinionState:
    goal: str = ""
    policy: str = ""
    measure_id: str | None = None


def _opinion_row(
    row: Row, opinion_col: int, layered: bool, measures: list[Measure], state: _OpinionState, table: Table
) -> OpinionRow | None:
    opinion_cell = row.cell_at(opinion_col)
    opinions: list[str] = []
    span_rows = 1
    if opinion_cell is not None and opinion_cell.col == opinion_col and opinion_cell.vmerge != "continue":
        opinions = opinion_cell.texts
        span_rows = _vmerge_extent(table, row, opinion_col) if opinion_cell.vmerge == "restart" else 1
    cells = [c for c in row.cells if c.col < opinion_col and c.vmerge != "continue" and c.text]
    spans_opinion = [c for c in row.cells if c.text and c.col < opinion_col < c.end]
    texts = [c.text for c in cells]
    if not texts and not opinions:
        return None
    first_col = cells[0].col if cells else None
    if layered:
        return _layered_opinion_row(
            row, texts, first_col, opinions, span_rows, spans_opinion, measures, state
        )
    return _welfare_opinion_row(row, texts, first_col, opinions, span_rows, spans_opinion, measures, state)


def _welfare_opinion_row(
    row: Row,
    texts: list[str],
    first_col: int | None,
    opinions: list[str],
    span_rows: int,
    spans: list[Cell],
    measures: list[Measure],
    state: _OpinionState,
) -> OpinionRow:
    if first_col == 0 and spans:
        state.goal = texts[0]
        return OpinionRow(kind="goal", label=texts[0], title=" ".join(texts[1:]), row=row.index)
    if spans:
        label, title = split_leading_label(texts[0])
        state.policy = label or ""
        return OpinionRow(kind="policy", label=label or "", title=title, row=row.index)
    label = texts[0] if len(texts) > 1 else (split_leading_label(texts[0])[0] or "") if texts else ""
    title = texts[-1] if texts else ""
    key = f"p1-{_canonical_label(state.goal)}-{_number(state.policy)}-{_number(label)}"
    measure_id = key if any(m.id == key for m in measures) else None
    return OpinionRow(
        kind="measure",
        label=label,
        title=title,
        opinions=opinions,
        opinion_rows=span_rows,
        measure_id=measure_id,
        row=row.index,
    )


def _layered_opinion_row(
    row: Row,
    texts: list[str],
    first_col: int | None,
    opinions: list[str],
    span_rows: int,
    spans: list[Cell],
    measures: list[Measure],
    state: _OpinionState,
) -> OpinionRow:
    if first_col == 0 and texts:
        label, _ = split_leading_label(texts[0])
        key = f"p2-{_canonical_label(label or texts[0])}"
        state.measure_id = key if any(m.id == key for m in measures) else None
        if spans and not opinions and len(texts) == 2:
            return OpinionRow(
                kind="measure", label=texts[0], title=texts[1], measure_id=state.measure_id, row=row.index
            )
        return OpinionRow(
            kind="band",
            label=texts[0],
            title=" ".join(texts[1:]),
            opinions=opinions,
            opinion_rows=span_rows,
            measure_id=state.measure_id,
            row=row.index,
        )
    label = texts[0] if len(texts) > 1 else ""
    return OpinionRow(
        kind="project",
        label=label,
        title=texts[-1] if texts else "",
        opinions=opinions,
        opinion_rows=span_rows,
        measure_id=state.measure_id,
        row=row.index,
    )


def _vmerge_extent(table: Table, row: Row, col: int) -> int:
    extent = 1
    for later in table.rows[row.index + 1 :]:
        cell = later.cell_at(col)
        if cell is None or cell.vmerge != "continue":
            break
        extent += 1
    return extent


# --------------------------------------------------------------------------- 評価総括表


def read_summary(table: Table, title: str, tracker: Tracker, where: str) -> SummaryTable:
    header = [c.text for row in table.rows[:2] for c in row.cells if c.text]
    groups: list[SummaryGroup] = []
    total_label, total = "", ""
    total_row: int | None = None
    for row in table.rows[2:]:
        tracker.take_row(row)
        first = row.cells[0] if row.cells else None
        texts = [c.text if c.vmerge != "continue" else "" for c in row.cells]
        if first is None:
            continue
        if squashed(first.text).startswith("合計"):
            total_label, total = first.text, texts[1] if len(texts) > 1 else ""
            total_row = row.index
            continue
        if first.vmerge != "continue":
            grade = re.search(r"([A-Z])\s*$", fold_width(first.text))
            if grade is None:
                raise SheetFormatError(
                    "評価総括表の行に評価(A～D)が読み取れません", where=f"{where} {row.index + 1}行"
                )
            groups.append(
                SummaryGroup(
                    grade=grade.group(1),
                    label=first.text,
                    count=texts[1] if len(texts) > 1 else "",
                    row=row.index,
                )
            )
        if not groups:
            raise SheetFormatError("評価総括表の形式が読み取れません", where=f"{where} {row.index + 1}行")
        page, measure = (texts[2], texts[3]) if len(texts) >= 4 else ("", "")
        if page or measure:
            groups[-1].rows.append(SummaryRow(page=page, measure=measure))
    for row in table.rows[:2]:
        tracker.take_row(row)
    anchor = (
        TableAnchor(table=table.ordinal, header_rows=2, columns={"count": 1, "page": 2, "measure": 3})
        if table.ordinal >= 0
        else None
    )
    return SummaryTable(
        title=title,
        header=header,
        groups=groups,
        total_label=total_label,
        total=total,
        total_row=total_row,
        anchor=anchor,
    )


def normalized_indicator(text: str) -> str:
    return fold_dashes(text)
