"""Plain-text Japanese summaries of a report, for the CLI and for people reading logs."""

from __future__ import annotations

from ..model import Measure, Report
from ..results import Message


def describe_report(report: Report, source: str, messages: list[Message]) -> str:
    lines = [
        f"{report.fiscal_year.text} 進捗管理報告書（{source}）",
        f"刊行物番号 {report.publication.number}・{report.publication.month.text}発行",
    ]
    for plan in report.plans:
        measures = plan.measures_list()
        projects = [p for m in measures for p in m.projects]
        entries = sum(len(p.entries) for p in projects)
        opinions = sum(len(r.opinions) for s in plan.opinion_sheets for r in s.rows)
        lines.append("")
        lines.append(
            f"{plan.heading}：施策 {len(measures)}・シート {len(plan.sheets)}・事業 {len(projects)}"
            f"・Do/Act {entries}・委員会意見 {opinions}"
        )
        for measure in measures:
            pages = sorted({plan.sheets[e.sheet].page or 0 for p in measure.projects for e in p.entries})
            page_text = "～".join(str(p) for p in (pages[0], pages[-1]) if p) if pages else ""
            if pages and pages[0] == pages[-1]:
                page_text = str(pages[0])
            lines.append(
                f"  {measure.grade or '－'}  {measure.ref}{_title_after_ref(measure)}（{page_text}頁）"
            )
    lines.append("")
    lines.append(f"警告 {len(messages)} 件")
    lines.extend(f"  ・{message.describe()}" for message in messages)
    return "\n".join(lines)


def _title_after_ref(measure: Measure) -> str:
    """The title, unless the ref already says it (重層 refs are "1 普及啓発")."""
    if measure.title and measure.title in measure.ref:
        return ""
    title = measure.full_title
    return "　" + (title if len(title) <= 45 else title[:44] + "…")
