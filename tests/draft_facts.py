"""What next year's draft of a report must hold, stated from the report and the rule, not from
``rollover.roll_forward`` (tests that compare a written draft with ``roll_forward()`` also call
:func:`assert_fresh_draft_of`, so that a wrong roll-forward cannot pass as its own expectation)."""

from __future__ import annotations

from komae_docx.model import Report


def assert_fresh_draft_of(
    last: Report, draft: Report, *, year: str = "令和6年度", number: str = "R7-〇〇"
) -> None:
    """``draft`` is ``last``'s next year: the year and number given, the plan content carried as
    written, every yearly field empty (grades, results, Do / Check / Act, opinions, 評価総括表)."""
    assert draft.fiscal_year.text == year
    assert draft.fiscal_year.western_year == last.fiscal_year.western_year + 1
    assert draft.publication.number == number
    assert draft.publication.month.western_year == last.publication.month.western_year + 1
    assert draft.publication.month.month == last.publication.month.month
    assert [p.key for p in draft.plans] == [p.key for p in last.plans]
    for old_plan, plan in zip(last.plans, draft.plans, strict=True):
        old_measures, measures = list(old_plan.iter_measures()), list(plan.iter_measures())
        assert [(m.ref, m.title) for m in measures] == [(m.ref, m.title) for m in old_measures]
        for old, new in zip(old_measures, measures, strict=True):
            assert new.grade is None, new.ref
            carried = [(p.id, p.label, p.plan_text, p.departments, len(p.entries)) for p in old.projects]
            kept = [(p.id, p.label, p.plan_text, p.departments, len(p.entries)) for p in new.projects]
            assert kept == carried, new.ref
            for project in new.projects:
                assert project.result is None, project.id
                assert all(not (e.heading or e.do or e.check or e.act) for e in project.entries), project.id
        assert all(not row.opinions for sheet in plan.opinion_sheets for row in sheet.rows)
        assert plan.summary is not None
        assert all(not group.rows and group.count == "" for group in plan.summary.groups)
