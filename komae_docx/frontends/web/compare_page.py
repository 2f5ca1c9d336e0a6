"""「前年度と比べる」: the screen's work over :func:`komae_docx.api.compare` / :func:`~komae_docx.api.trend`.

The form takes the reports in one file field (two for the comparison, two or more for the trend),
in any order: the comparison takes the older as last year.  The answer shows the tables and the
chart (the trend's, of the years given) and offers the Word handout (and the trend's CSV).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ... import api
from ...trend import Trend, build_trend
from ...writing.chart import chart_description, trend_chart
from ...yearcompare import (
    DIRECTION_TEXT,
    HOW_TEXT,
    RESULTS_SOURCE_TEXT,
    Comparison,
    measure_label,
    summary_counts,
)
from .jobs import Job

MAX_REPORTS = 20
"""Reports one trend takes (a plan runs a handful of years)."""


def older_first(paths: Sequence[Path]) -> list[Path]:
    """The uploads in fiscal-year order (the comparison's last year first)."""
    years = {path: api.year_results(path).value.report.fiscal_year.western_year for path in paths}
    return sorted(paths, key=lambda path: years[path])


def comparison_context(job: Job, comparison: Comparison, names: dict[str, str]) -> dict[str, Any]:
    plans = []
    for key, heading in comparison.plan_headings.items():
        measures = [m for m in comparison.measures if m.plan == key]
        order = {"down": 0, "up": 1}
        rows = [
            {
                "label": measure_label(m.ref, m.title),
                "grade": m.grade_text,
                "share": m.share_text,
                "direction": DIRECTION_TEXT[m.direction],
                "moved": m.direction in order,
                "how": HOW_TEXT[m.how],
            }
            for m in sorted(measures, key=lambda m: order.get(m.direction, 2))
        ]
        plans.append({"heading": heading, "rows": rows})
    sides = [
        {
            "word": word,
            "year": side.fiscal_year,
            "file": names.get(side.file, side.file),
            "kind": side.kind_label,
            "source": RESULTS_SOURCE_TEXT[side.results_from],
        }
        for word, side in (("前年度", comparison.last), ("今年度", comparison.this))
    ]
    return {
        "sides": sides,
        "summary": summary_counts(comparison),
        "nothing_changed": comparison.nothing_changed,
        "plans": plans,
        "projects": [
            {
                "where": f"{p.measure_ref} 事業 {p.label}",
                "plan_text": p.plan_text,
                "change": f"{p.last_result}→{p.this_result}",
            }
            for p in comparison.changed_projects
        ],
        "revisions": [
            {
                "where": r.ref,
                "text": r.text,
                "detail": r.difference or (f"{r.old}→{r.new}" if r.old and r.new else r.new or r.old or ""),
            }
            for r in comparison.revisions
        ],
    }


def trend_context(trend: Trend, names: dict[str, str]) -> dict[str, Any]:
    return {
        "years": [
            {
                "year": y.fiscal_year,
                "file": names.get(y.file, y.file),
                "source": RESULTS_SOURCE_TEXT[y.results_from],
            }
            for y in trend.years
        ],
        "trend_plans": [
            {
                "heading": plan.heading,
                "rows": [
                    {
                        "label": measure_label(row.ref, row.title),
                        "cells": [c.text for c in row.cells],
                        "note": row.note,
                    }
                    for row in plan.rows
                ],
            }
            for plan in trend.plans
        ],
    }


def write_chart(job: Job, trend: Trend) -> tuple[str, str]:
    """The chart as a PNG among the job's outputs; (stored name, alt text)."""
    path = job.output("推移のグラフ.png")
    path.write_bytes(trend_chart(trend))
    job.offer(path, path.name)
    return path.name, chart_description(trend)


def two_year_trend(paths: Sequence[Path]) -> Trend:
    """The chart's table for a comparison: both years, whatever their kinds (a draft too)."""
    return build_trend([api.year_results(path).value for path in paths])
