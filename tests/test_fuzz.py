"""The short fuzz run (CI): mutated city files, filled drafts, results files and uploads.

The long run (100,000 cases) is ``python -m tests.fuzzing --cases 100000 --workers 2 --draft-every 10``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from .fuzzing import (
    CASE_SECONDS,
    PEAK_MB,
    _stages,
    case_bytes,
    family,
    filled_case_bytes,
    peak_memory_mb,
    results_case,
    run,
    run_case,
)

CASES = int(os.environ.get("KOMAE_FUZZ_CASES", "400"))
DRAFT_EVERY = int(os.environ.get("KOMAE_FUZZ_DRAFT_EVERY", "8"))


def test_mutations_are_reproducible_and_varied() -> None:
    assert case_bytes(17) == case_bytes(17)
    kinds = {case_bytes(case)[0] for case in range(300)}
    assert {"xml", "truncate", "flip_bytes", "lose_entry", "garble_entry"} <= kinds
    assert results_case(5) == results_case(5)
    assert {family(case) for case in range(50)} == {"city", "filled", "results", "page"}


def test_filled_mutations_are_reproducible_and_change_the_draft() -> None:
    assert filled_case_bytes(35) == filled_case_bytes(35)
    assert len({filled_case_bytes(case) for case in (35, 36, 37)}) == 3


def test_short_fuzz_run_raises_only_our_own_errors() -> None:
    outcome = run(CASES, workers=2, start=1_000_000, draft_every=DRAFT_EVERY)
    assert outcome.cases == CASES
    assert outcome.failures == []
    assert outcome.slow == [], f"cases over {CASE_SECONDS} CPU-s"
    assert peak_memory_mb() < PEAK_MB
    # the harness really reaches the reader and beyond, not only the zip checks
    read = sum(n for name, n in outcome.outcomes.items() if name.endswith(": read"))
    refused = sum(n for name, n in outcome.outcomes.items() if "refused" in name)
    assert read > CASES // 4 and refused > CASES // 10
    # every family ran, and the filled drafts reached finalize's writing, not only its refusals
    families = {name.split(":")[0].split(" ")[0] for name in outcome.outcomes}
    assert {"filled", "results", "page"} <= families
    assert outcome.outcomes["filled: finalized"] > 0
    assert any(name.startswith("results: refused") for name in outcome.outcomes)
    assert outcome.stages["template"] > 0 and outcome.stages["draft"] > 0


FOUND_BY_THE_LONG_RUN = [16191, 22213, 29458, 42218, 48680, 48914, 88364, 91305, 93982, 96705]
"""Cases of the first 100,000-case run that failed: ① in 評価総括表 page and count cells reached
``int()`` in the check (7), and mutations that found nothing left to mutate (3, the harness)."""


@pytest.mark.parametrize("case", FOUND_BY_THE_LONG_RUN)
def test_cases_the_long_run_found_stay_fixed(case: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        outcome = run_case(case, Path(tmp), _stages())
    assert ": read" in outcome or "refused" in outcome
