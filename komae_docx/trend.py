"""A plan's years side by side: each measure's grade and share, year by year (issue 26).

Pure: the years (:class:`~komae_docx.yearcompare.YearResults`, in any order) in, a :class:`Trend`
out.  The years are sorted by fiscal year; the caller refuses the same year twice.  Measures are
followed from year to year the way ``compare`` matches them (id, then title, then id with a new
title), so a measure that exists only in some years is one row with 「―」 in the others and the
plan revision noted (added in, dropped from, renumbered).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from pydantic import BaseModel, ConfigDict, Field

from .model import Measure
from .rules import PRINTED_GRADE, MeasureGrade
from .yearcompare import NO_VALUE, YearResults, YearSide, match_items, match_text, year_side


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrendCell(_Out):
    """One measure in one year: its grade and share, or absent (「―」)."""

    present: bool = Field(description="この年度の報告書にこの施策があるか（なければ ―）")
    ref: str | None = Field(default=None, description="その年度の施策の表記")
    grade: str | None = None
    share: str | None = Field(default=None, description="達成の割合（例 3/3（100%））")
    percent: float | None = Field(default=None, description="達成率（%）。グラフ用、公表済みの評価なら null")
    printed: bool = Field(default=False, description="公表済みの評価（事業ごとの結果はファイルにない）")

    @property
    def text(self) -> str:
        """「A 3/3（100%）」, 「A（公表済みの評価）」, 「―」."""
        if not self.present:
            return NO_VALUE
        if self.printed:
            return f"{self.grade}（{PRINTED_GRADE}）"
        if self.grade is None:
            return "未確定"
        return f"{self.grade} {self.share}" if self.share else self.grade


class TrendRow(_Out):
    """A measure over the years (matched as ``compare`` matches)."""

    plan: str
    ref: str = Field(description="施策の表記（ある最後の年度のもの）")
    title: str
    cells: list[TrendCell] = Field(description="年度の順（years と同じ順）")
    note: str = Field(default="", description="計画の見直し（追加・廃止・番号の変更）")


class TrendPlan(_Out):
    key: str
    heading: str
    rows: list[TrendRow]


class Trend(_Out):
    years: list[YearSide] = Field(description="年度の順")
    plans: list[TrendPlan]
    letters: list[str] = Field(description="評価の文字（評価基準の順）")

    @property
    def rows(self) -> list[TrendRow]:
        return [row for plan in self.plans for row in plan.rows]

    def distribution(self) -> list[dict[str, int]]:
        """Per year, how many measures got each grade (both plans)."""
        out: list[dict[str, int]] = []
        for index in range(len(self.years)):
            counts = dict.fromkeys(self.letters, 0)
            for row in self.rows:
                grade = row.cells[index].grade
                if row.cells[index].present and grade in counts:
                    counts[grade] += 1
            out.append(counts)
        return out


def sort_years(years: Sequence[YearResults]) -> list[YearResults]:
    return sorted(years, key=lambda year: year.report.fiscal_year.western_year)


def build_trend(years: Sequence[YearResults]) -> Trend:
    """The trend of ``years`` (sorted here by fiscal year)."""
    ordered = sort_years(years)
    newest = ordered[-1].report
    plans = [
        TrendPlan(key=plan.key, heading=plan.heading, rows=_plan_rows(plan.key, ordered))
        for plan in newest.plans
    ]
    letters = [c.letter for c in newest.intro.criteria]
    return Trend(years=[year_side(year) for year in ordered], plans=plans, letters=letters)


class _Chain:
    """A measure followed through the years: the measure (or None) in each year seen so far."""

    def __init__(self, width: int) -> None:
        self.measures: list[Measure | None] = [None] * width
        self.notes: list[str] = []

    def latest(self) -> Measure | None:
        return next((m for m in reversed(self.measures) if m is not None), None)


def _plan_rows(plan_key: str, years: Sequence[YearResults]) -> list[TrendRow]:
    chains: list[_Chain] = []
    previous: list[_Chain] = []
    for index, year in enumerate(years):
        try:
            measures = year.report.plan(plan_key).measures_list()
        except KeyError:
            measures = []
        known = [(chain.latest(), chain) for chain in previous]
        last_measures = [m for m, _ in known if m is not None]
        by_measure = {id(m): chain for m, chain in known if m is not None}
        current: list[_Chain] = []
        for old, new, how in match_items(
            last_measures, measures, lambda m: m.id, lambda m: match_text(m.full_title)
        ):
            if new is None:
                assert old is not None
                if index > 0:
                    by_measure[id(old)].notes.append(f"{year.report.fiscal_year.text}からなし")
                continue
            if old is None:
                chain = _Chain(len(years))
                chains.append(chain)
                if index > 0:
                    chain.notes.append(f"{year.report.fiscal_year.text}に追加")
            else:
                chain = by_measure[id(old)]
                if how == "text" and old.ref != new.ref:
                    chain.notes.append(f"{year.report.fiscal_year.text}に番号変更（{old.ref}→{new.ref}）")
                if how == "id_text_changed":
                    chain.notes.append(f"{year.report.fiscal_year.text}に施策名変更")
            chain.measures[index] = new
            current.append(chain)
        # a measure dropped this year stays followable should it come back under its old id
        previous = current + [c for c in previous if c not in current]
    return [_row(plan_key, chain, years) for chain in _ordered(chains, years)]


def _ordered(chains: Sequence[_Chain], years: Sequence[YearResults]) -> list[_Chain]:
    """Rows in the newest year's order; a measure gone since sits where it last stood."""

    def key(chain: _Chain) -> tuple[int, int]:
        last_year = max(i for i, m in enumerate(chain.measures) if m is not None)
        measure = chain.measures[last_year]
        assert measure is not None
        plan = next(p for p in years[last_year].report.plans if any(m is measure for m in p.iter_measures()))
        position = next(i for i, m in enumerate(plan.iter_measures()) if m is measure)
        return position, -last_year

    return sorted(chains, key=key)


def _row(plan_key: str, chain: _Chain, years: Sequence[YearResults]) -> TrendRow:
    latest = chain.latest()
    assert latest is not None
    cells = [
        _cell(measure, _grade(year, plan_key, measure))
        for measure, year in zip(chain.measures, years, strict=True)
    ]
    return TrendRow(
        plan=plan_key, ref=latest.ref, title=latest.full_title, cells=cells, note="、".join(chain.notes)
    )


def _grade(year: YearResults, plan_key: str, measure: Measure | None) -> MeasureGrade | None:
    if measure is None:
        return None
    return next(
        (
            g
            for plan in year.grades
            if plan.plan_key == plan_key
            for g in plan.measures
            if g.measure_id == measure.id
        ),
        None,
    )


def _cell(measure: Measure | None, grade: MeasureGrade | None) -> TrendCell:
    if measure is None:
        return TrendCell(present=False)
    if grade is None:
        return TrendCell(present=True, ref=measure.ref)
    percent: Fraction | None = grade.percent
    return TrendCell(
        present=True,
        ref=measure.ref,
        grade=grade.letter,
        share=grade.share_text,
        percent=float(percent) if percent is not None else None,
        printed=grade.printed,
    )


def trend_csv_rows(trend: Trend) -> list[list[str]]:
    """The table as CSV rows: 計画, 施策, then per year 評価 and 達成の割合, then 見直し."""
    header = ["計画", "施策"]
    for year in trend.years:
        header += [f"{year.fiscal_year} 評価", f"{year.fiscal_year} 達成の割合"]
    header.append("計画の見直し")
    rows = [header]
    for plan in trend.plans:
        for row in plan.rows:
            line = [plan.heading, f"{row.ref} {row.title}"]
            for cell in row.cells:
                if not cell.present:
                    line += [NO_VALUE, NO_VALUE]
                else:
                    line += [cell.grade or "未確定", PRINTED_GRADE if cell.printed else (cell.share or "")]
            line.append(row.note)
            rows.append(line)
    return rows


def describe_trend(trend: Trend) -> str:
    """The Japanese text ``komae-docx trend`` prints: per plan, each measure's cells year by year."""
    years = [year.fiscal_year for year in trend.years]
    lines = [f"施策の評価の推移（{'・'.join(years)}）"]
    for year in trend.years:
        lines.append(f"  {year.fiscal_year}：{year.file}")
    for plan in trend.plans:
        lines += ["", plan.heading]
        for row in plan.rows:
            cells = " ｜ ".join(cell.text for cell in row.cells)
            note = f"（{row.note}）" if row.note else ""
            lines.append(f"  {row.ref}：{cells}{note}")
    return "\n".join(lines)
