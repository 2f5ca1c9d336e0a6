"""The Report model: a plain pydantic tree of everything a progress report holds.

No I/O and no imports from the rest of komae-docx: the reader builds it, the rules and the
rollover transform it, the writer renders it.  Texts are stored *as written* (full-width
characters, dashes and all); code that compares texts normalises them on the fly.

The two plans have different shapes and are modelled as such:

* 地域福祉計画 (``WelfarePlan``): 基本目標 → 施策(大) → 施策(小) = the graded measure → 事業.
* 重層的支援体制整備事業実施計画 (``LayeredPlan``): 大 = the graded measure → 中 (an optional
  "band" such as ``(1) 重層的支援体制整備事業の広報を行います。``) → 小 = 事業.

Both share :class:`Measure`, :class:`Project` and :class:`Entry`.  A measure may stand on several
sheets (its 「再掲」 sheets) and a sheet may hold several measures, so every entry records the
sheet it came from, and every sheet lists the measures printed on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

ProjectResult = Literal["達成", "未達成", "未評価"]
"""A project's result for the year, as staff choose it in the draft's Check cell."""

PROJECT_RESULTS: tuple[ProjectResult, ...] = ("未評価", "達成", "未達成")


class _Node(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class TargetCount(_Node):
    """k of n annual targets (年次目標) achieved, typed as 「1/3」 into the draft's result control.

    序章 3 counts a measure's share over its projects' annual targets: 達成 is 1/1, 未達成 0/1, and
    a project with several targets reports how many it reached (the R5 report's 3－(1), one
    project graded C, needs e.g. 1/3).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    achieved: int = Field(ge=0)
    targets: int = Field(ge=1)

    @model_validator(mode="after")
    def _achieved_within_targets(self) -> TargetCount:
        if self.achieved > self.targets:
            raise ValueError(f"達成した目標の数({self.achieved})が目標の数({self.targets})を超えています")
        return self

    def __str__(self) -> str:
        return f"{self.achieved}/{self.targets}"


ProjectOutcome = ProjectResult | TargetCount
"""What a project reports: 達成 / 未達成 / 未評価 picked from the list, or k/n targets typed in."""


# --------------------------------------------------------------------------- dates and metadata


class FiscalYear(_Node):
    """A Japanese fiscal year (年度) in both calendars: 令和5年度 = FY2023."""

    era: str
    era_year: int = Field(ge=1)
    western_year: int = Field(ge=1868)

    @property
    def text(self) -> str:
        year = "元" if self.era_year == 1 else str(self.era_year)
        return f"{self.era}{year}年度"


class EraMonth(_Node):
    """A month written in 和暦, such as the publication month 令和6年9月."""

    era: str
    era_year: int = Field(ge=1)
    western_year: int = Field(ge=1868)
    month: int = Field(ge=1, le=12)

    @property
    def text(self) -> str:
        year = "元" if self.era_year == 1 else str(self.era_year)
        return f"{self.era}{year}年{self.month}月"


class Publication(_Node):
    """The colophon's facts (奥付).  ``number`` is the 刊行物番号 such as ``R6-22``."""

    number: str
    month: EraMonth
    publisher: str
    editor: str
    postal_code: str
    address: str
    phone: str
    price: str


class TocEntry(_Node):
    label: str
    title: str
    page: str


class Cover(_Node):
    """The cover's title lines as written (plan titles first, the report title last)."""

    title_lines: list[str]
    report_title: str


# --------------------------------------------------------------------------- 序章


IntroBlockKind = Literal[
    "heading", "subheading", "paragraph", "criteria_table", "example_table", "departments", "schedule_table"
]


class IntroBlock(_Node):
    """One block of 序章 in document order: a heading, a paragraph, or where a table stands."""

    kind: IntroBlockKind
    text: str = ""


class Criterion(_Node):
    """One row of the 評価基準 table: ``A (進捗している)`` from 70 % up to (not including) the next."""

    letter: str
    label: str
    lower_percent: int = Field(ge=0, le=100)
    upper_percent: int | None = Field(default=None, ge=0, le=100)
    upper_inclusive: bool = False
    text: str


class WorkedExampleRow(_Node):
    project: str
    status: str


class WorkedExample(_Node):
    """The worked example table: a measure's projects and their 達成 / 未達成 status."""

    header: str
    measure: str
    rows: list[WorkedExampleRow]


class Department(_Node):
    code: str
    name: str


class ScheduleCell(_Node):
    """One month's cell of the schedule: texts in rounded boxes, then plain texts."""

    boxes: list[str] = []
    texts: list[str] = []


class Schedule(_Node):
    months: list[str]
    cells: list[ScheduleCell]


class Intro(_Node):
    title: str
    blocks: list[IntroBlock]
    criteria_header: list[str]
    criteria: list[Criterion]
    example: WorkedExample | None = None
    departments: list[Department]
    schedule: Schedule | None = None


# --------------------------------------------------------------------------- 第1章: sheets


class Entry(_Node):
    """One Do/Check/Act row of a project; ``sheet`` is the index of the sheet it stands on."""

    heading: str | None = None
    do: list[str] = []
    check: str = ""
    act: list[str] = []
    sheet: int
    row: int


class Project(_Node):
    """事業: a row of a sheet, continued by vertically merged rows and by 再掲 sheets."""

    id: str
    label: str
    band: str | None = None
    plan_text: str
    departments: list[str] = []
    plan_pages: list[str] = []
    indicator: str = ""
    result: ProjectResult | TargetCount | None = None
    entries: list[Entry] = []

    @property
    def sheets(self) -> list[int]:
        return sorted({entry.sheet for entry in self.entries})


class Band(_Node):
    """重層 plan only: a 中 row such as ``(1) 重層的支援体制整備事業の広報を行います。``."""

    label: str
    title: str


class Measure(_Node):
    """The graded unit (施策).  ``ref`` is the report's own notation, e.g. ``1－(2)－①``."""

    id: str
    ref: str
    label: str
    tag: str | None = None
    title: str
    grade: str | None = None
    bands: list[Band] = []
    projects: list[Project] = []

    @property
    def full_title(self) -> str:
        tag = f"【{self.tag}】" if self.tag else ""
        return f"{tag}{self.title}"


class TableAnchor(_Node):
    """Where a table stands in the city's file, so the output side can edit it in place.

    ``table`` is its ordinal among the body's top-level tables, ``header_rows`` the rows of its
    header, ``columns`` grid columns by meaning (``do``, ``check``, ``act``, ``opinion``, ``count``,
    ``page``, ``measure``).  Plain data: the reader fills it, nothing else reads XML positions.
    """

    table: int = Field(ge=0)
    header_rows: int = Field(default=0, ge=0)
    columns: dict[str, int] = {}


class SheetMeasure(_Node):
    """A measure as printed on one sheet: its label and title cells and the grade cell."""

    measure_id: str
    label: str
    title: str
    grade_cell: str
    row: int


class SheetContext(_Node):
    """Goal and policy rows as printed at the top of a 地域福祉計画 sheet."""

    goal_label: str
    goal_title: str
    policy_label: str
    policy_title: str


class Sheet(_Node):
    """One 進捗管理シート (one table, one printed page)."""

    index: int
    page: int | None = None
    header: list[str]
    context: SheetContext | None = None
    measures: list[SheetMeasure] = []
    anchor: TableAnchor | None = None


class Policy(_Node):
    """地域福祉計画 施策(大)."""

    label: str
    title: str
    measures: list[Measure] = []


class Goal(_Node):
    """地域福祉計画 基本目標."""

    label: str
    title: str
    policies: list[Policy] = []


class SummaryRow(_Node):
    page: str
    measure: str


class SummaryGroup(_Node):
    grade: str
    label: str
    count: str
    rows: list[SummaryRow] = []
    row: int | None = None
    """The table row the group starts on (its rows follow until the next group)."""


class SummaryTable(_Node):
    """評価総括表 exactly as printed (strings), to be checked against the sheets."""

    title: str
    header: list[str]
    groups: list[SummaryGroup]
    total_label: str
    total: str
    total_row: int | None = None
    anchor: TableAnchor | None = None


class OpinionRow(_Node):
    """A row of a 委員会からの意見 sheet, with the opinions that start on it."""

    kind: Literal["goal", "policy", "measure", "band", "project"]
    label: str
    title: str
    opinions: list[str] = []
    opinion_rows: int = 1
    measure_id: str | None = None
    row: int


class OpinionSheet(_Node):
    index: int
    page: int | None = None
    header: list[str]
    rows: list[OpinionRow]
    anchor: TableAnchor | None = None


class _PlanBase(_Node):
    key: str
    heading: str
    summary: SummaryTable | None = None
    sheets: list[Sheet] = []
    opinions_heading: str = ""
    opinion_sheets: list[OpinionSheet] = []

    def iter_measures(self) -> Iterator[Measure]:
        raise NotImplementedError

    def measures_list(self) -> list[Measure]:
        return list(self.iter_measures())

    def measure(self, measure_id: str) -> Measure:
        for measure in self.iter_measures():
            if measure.id == measure_id:
                return measure
        raise KeyError(measure_id)

    def opinions_for(self, measure_id: str) -> list[str]:
        return [
            text
            for sheet in self.opinion_sheets
            for row in sheet.rows
            if row.measure_id == measure_id
            for text in row.opinions
        ]


class WelfarePlan(_PlanBase):
    """あいとぴあレインボープラン 地域福祉計画: goals → policies → measures → projects."""

    kind: Literal["welfare"] = "welfare"
    goals: list[Goal] = []

    def iter_measures(self) -> Iterator[Measure]:
        for goal in self.goals:
            for policy in goal.policies:
                yield from policy.measures


class LayeredPlan(_PlanBase):
    """重層的支援体制整備事業実施計画: measures (大) → bands (中) → projects (小)."""

    kind: Literal["layered"] = "layered"
    measures: list[Measure] = []

    def iter_measures(self) -> Iterator[Measure]:
        yield from self.measures


Plan = Annotated[WelfarePlan | LayeredPlan, Field(discriminator="kind")]


class Colophon(_Node):
    """奥付: the report's title lines as written in the colophon box (the rest is ``Publication``)."""

    title_lines: list[str]


# --------------------------------------------------------------------------- the results part


RecordStage = Literal["draft", "interim", "finalized"]
"""Who wrote the results part: ``draft`` (no results yet), ``finalize --allow-incomplete``, ``finalize``."""


class ProjectRecord(_Node):
    """One project in the results part: its result as given, k/n, and the city's Check cells.

    ``value`` is the result as the draft's control or the results file gave it (達成, 未達成,
    未評価, 「1/3」); ``achieved`` / ``targets`` its k/n (None while 未評価).  ``check_cells`` holds,
    per entry row, what the city's file had in the project's Check cell (empty or 「/」): finalize
    puts that back, the result travels here instead.
    """

    id: str
    plan: str
    value: str = "未評価"
    achieved: int | None = Field(default=None, ge=0)
    targets: int | None = Field(default=None, ge=1)
    check_cells: list[str] = []


class MeasureRecord(_Node):
    """A measure's computed grade and share (Σk / Σn) as finalize wrote it."""

    id: str
    plan: str
    ref: str
    grade: str | None = None
    achieved: int = Field(default=0, ge=0)
    targets: int = Field(default=0, ge=0)
    share: str | None = None
    """「2/3（66.7%）」 as printed by ``grade``."""


class CriterionRecord(_Node):
    """A threshold of the rule (評価基準) the grades were computed with."""

    letter: str
    lower_percent: int
    upper_percent: int | None = None
    upper_inclusive: bool = False


class ResultsRecord(_Node):
    """The per-project results, kept inside the .docx as a Custom XML part (invisible to readers).

    The published report shows only the measures' grades (the city's layout); this part keeps
    what they were computed from, so ``grade`` of a finalized report gives the same grades and
    shares.  Word and LibreOffice keep such a part when they save the file.
    """

    stage: RecordStage
    fiscal_year: int | None = None
    """The report's fiscal year (western) the part was written for."""
    criteria: list[CriterionRecord] = []
    projects: list[ProjectRecord] = []
    measures: list[MeasureRecord] = []


class SplitMark(_Node):
    """What a department's copy (made by ``split``) says of itself in its custom properties: its
    department and the draft it was made from.  Only a hint: merge judges a copy by its content."""

    department: str
    code: str = ""
    draft: str


class Report(_Node):
    """A whole 進捗管理報告書."""

    fiscal_year: FiscalYear
    cover: Cover
    toc: list[TocEntry]
    intro: Intro
    chapter1_title: str
    chapter2_title: str
    plans: list[Plan]
    publication: Publication
    colophon: Colophon
    record: ResultsRecord | None = None
    """The results part (``customXml``) written by this tool, when the file has one."""
    split_mark: SplitMark | None = None
    """The department and draft a copy made by ``split`` names (None for any other file)."""

    def plan(self, key: str) -> WelfarePlan | LayeredPlan:
        for plan in self.plans:
            if plan.key == key:
                return plan
        raise KeyError(key)

    def iter_projects(self) -> Iterator[tuple[WelfarePlan | LayeredPlan, Measure, Project]]:
        for plan in self.plans:
            for measure in plan.iter_measures():
                for project in measure.projects:
                    yield plan, measure, project
