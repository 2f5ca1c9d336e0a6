"""One judgement of what a file is (issue 17, item 3): each kind of the year's cycle, on real files."""

from __future__ import annotations

from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.filekind import FileKind, accepts, fitting_job, refusal
from komae_docx.model import Report

from .conftest import EXAMPLE, writable_copy
from .filler import fill_like_word


@pytest.fixture(scope="module")
def cycle(
    tmp_path_factory: pytest.TempPathFactory,
    example_draft: Path,
    example_filled: Path,
    example_finalized: Path,
    report: Report,
) -> Path:
    """The example's cycle: a fresh draft, one department's part filled, everything filled, the
    fresh draft finalized as an interim version, and the filled one as the report (number R7-15)."""
    here = tmp_path_factory.mktemp("filekind")
    writable_copy(example_draft, here / "fresh.docx")
    fill_like_word(here / "fresh.docx", here / "half.docx", last_year=report, departments={"地"})
    writable_copy(example_filled, here / "filled.docx")
    api.finalize(here / "fresh.docx", here / "interim.docx", pages="fields", allow_incomplete=True)
    writable_copy(example_finalized, here / "report.docx")
    return here


def test_the_citys_report_is_a_published_report() -> None:
    kind = api.identify(EXAMPLE).value
    assert kind is FileKind.PUBLISHED
    assert kind.label == "公表済みの報告書"
    assert kind.is_published and not kind.is_draft


@pytest.mark.parametrize(
    ("name", "kind", "label"),
    [
        ("fresh.docx", FileKind.FRESH_DRAFT, "記入前の報告書（案）"),
        ("half.docx", FileKind.DRAFT_IN_PROGRESS, "記入中の報告書（案）"),
        ("filled.docx", FileKind.FILLED_DRAFT, "記入済みの報告書（案）"),
        ("interim.docx", FileKind.INTERIM, "中間版の報告書"),
        ("report.docx", FileKind.FINALIZED, "仕上げた報告書（公表用）"),
    ],
)
def test_each_file_of_the_cycle_is_judged_for_what_it_is(
    cycle: Path, name: str, kind: FileKind, label: str
) -> None:
    judged = api.identify(cycle / name).value
    assert judged is kind
    assert judged.label == label


def test_a_finalized_report_is_a_published_report_and_drafts_are_drafts() -> None:
    assert FileKind.FINALIZED.is_published
    assert all(k.is_draft for k in (FileKind.FRESH_DRAFT, FileKind.DRAFT_IN_PROGRESS, FileKind.FILLED_DRAFT))
    assert not FileKind.INTERIM.is_draft and not FileKind.INTERIM.is_published


def test_each_step_takes_its_kind_and_names_the_step_that_fits_the_others() -> None:
    assert accepts("draft", FileKind.PUBLISHED) and accepts("draft", FileKind.FINALIZED)
    assert not accepts("draft", FileKind.FILLED_DRAFT)
    assert not accepts("finalize", FileKind.PUBLISHED) and not accepts("finalize", FileKind.FINALIZED)
    assert accepts("finalize", FileKind.FILLED_DRAFT) and accepts("finalize", FileKind.INTERIM)
    assert all(accepts("status", kind) for kind in FileKind)
    assert fitting_job(FileKind.FILLED_DRAFT) == "finalize"
    assert fitting_job(FileKind.FINALIZED) == "draft"
    assert refusal("draft", FileKind.PUBLISHED) is None
    text = refusal("draft", FileKind.FILLED_DRAFT)
    assert text is not None and "記入済みの報告書（案）です" in text
    assert "報告書を仕上げる（finalize）" in text
    text = refusal("finalize", FileKind.PUBLISHED)
    assert text is not None and "公表済みの報告書です" in text and "翌年度の案を作る（draft）" in text


def test_the_judgements_examples_run() -> None:
    import doctest

    from komae_docx import filekind

    failures, tried = doctest.testmod(filekind, report=True)
    assert tried >= 2 and failures == 0
