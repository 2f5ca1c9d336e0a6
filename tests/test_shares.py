"""One text for a measure's share on every front end, held to the report and the rule by hand.

Three filled drafts of the example (``tests/data/r5_results.yaml``: last year's own results, a
variant with every grade letter, and one with k/n results such as 1/3, 9/10 and 7/10): for each,
the grades and shares that 序章 3 gives were worked out by hand and written in that table.  The page's
status, finalize and result screens, ``grade`` (text and ``--json``) and ``grade --results`` must all
show exactly those, and the page must show what ``grade`` prints.
"""

from __future__ import annotations

import functools
import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from komae_docx import api
from komae_docx.frontends.web import create_app

from .conftest import EXAMPLE
from .filler import (
    ExpectedMeasure,
    expected_measures,
    expected_summary,
    fill_draft,
    hand_results,
    last_years_fill,
)
from .test_cli import run

DRAFTS = ["published", "variant", "fractions"]
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HEADINGS = {"plan1": "1 地域福祉計画", "plan2": "2 重層的支援体制整備事業実施計画"}


@pytest.fixture(scope="module")
def r6_draft(example_draft: Path) -> Path:
    return example_draft


@pytest.fixture(scope="module")
def filled(r6_draft: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each set of the table typed into the draft as departments do in Word (with last year's texts)."""
    folder = tmp_path_factory.mktemp("filled")
    last_year, draft = api.read(EXAMPLE).value, api.read(r6_draft).value
    return {
        name: fill_draft(
            r6_draft, folder / f"{name}.docx", last_years_fill(last_year, draft, results=hand_results(name))
        )
        for name in DRAFTS
    }


@pytest.fixture
def client(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    # the result screen's pages are test_web's business: here Word fields, without a LibreOffice run each
    monkeypatch.setattr(api, "finalize", functools.partial(api.finalize, pages="fields"))
    with TestClient(create_app(tmp_path), base_url="http://127.0.0.1") as test_client:
        yield test_client


def upload(client: TestClient, path: str, file: Path) -> Any:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    return client.post(
        path, data={"csrf_token": token}, files={"file": (file.name, file.read_bytes(), DOCX_TYPE)}
    )


def shown_measures(page: str) -> list[tuple[str, str, str, str]]:
    """Every measure row of the page's grade tables: (ref and title, grade, pages, share)."""
    rows = re.findall(
        r'<tr><td>([^<]*)</td><td class="grade">([^<]*)</td><td>([^<]*)</td><td>([^<]*)</td></tr>', page
    )
    return [tuple(html.unescape(cell).strip() for cell in row) for row in rows]  # type: ignore[misc]


def shown_summary(page: str, heading: str) -> dict[str, tuple[int, str]]:
    """A 評価総括表 on the page: grade letter → (count, its measures with pages)."""
    table = page.split(f"<caption>評価総括表　{heading}</caption>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<tr><td class="grade">(\w)</td><td>[^<]*</td><td class="count">(\d+)</td><td>([^<]*)</td></tr>',
        table,
    )
    return {letter: (int(count), html.unescape(measures)) for letter, count, measures in rows}


def assert_screen_shows_the_table(page: str, name: str) -> None:
    """Grades, shares, pages and both 評価総括表 exactly as the hand-written table has them."""
    measures = expected_measures(name)
    shown = shown_measures(page)
    assert len(shown) == len(measures) == 13
    for (ref_title, grade, pages, share), m in zip(shown, measures, strict=True):
        assert ref_title.startswith(m.ref), (ref_title, m.ref)
        assert (grade, pages, share) == (m.grade, m.pages, m.share), m.ref
    for plan, groups in expected_summary(name).items():
        table = shown_summary(page, HEADINGS[plan])
        for letter, entries in groups.items():
            listed = "、".join(f"{ref}（{pages}頁）" for ref, pages in entries) or "－"
            assert table[letter] == (len(entries), listed), (plan, letter)
        totals = re.search(
            rf"<caption>評価総括表　{re.escape(HEADINGS[plan])}</caption>.*?"
            r'<th scope="row" colspan="2">合計</th><td class="count">(\d+)</td>',
            page,
            re.DOTALL,
        )
        assert totals is not None and int(totals.group(1)) == sum(len(e) for e in groups.values())


def cli_shares(file: Path, *results: str | Path) -> list[tuple[str, str, str | None]]:
    done = run("grade", file, *results, "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    return [(m["ref"], m["grade"], m["share"]) for plan in data["plans"] for m in plan["measures"]]


def table_shares(measures: list[ExpectedMeasure]) -> list[tuple[str, str, str | None]]:
    return [(m.ref, m.grade, m.share) for m in measures]


# --------------------------------------------------------------------------- the CLI


@pytest.mark.parametrize("name", DRAFTS)
def test_grade_prints_the_hand_worked_grades_and_shares(filled: dict[str, Path], name: str) -> None:
    done = run("grade", filled[name])
    assert done.returncode == 0, done.stderr
    for m in expected_measures(name):
        assert f"{m.grade}       {m.ref}（年次目標の達成 {m.share}）" in done.stdout, m.ref
    assert cli_shares(filled[name]) == table_shares(expected_measures(name))


@pytest.mark.parametrize("name", DRAFTS)
def test_grade_with_a_results_file_reads_the_same_results(r6_draft: Path, tmp_path: Path, name: str) -> None:
    """The same results given as a file (``--results``) for the unfilled draft give the same shares."""
    results = tmp_path / "results.yaml"
    lines = [f'"{pid}": "{value}"' for pid, value in hand_results(name).items()]
    results.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli_shares(r6_draft, "--results", results) == table_shares(expected_measures(name))


# --------------------------------------------------------------------------- the page


@pytest.mark.parametrize("name", DRAFTS)
def test_status_screen_shows_the_hand_worked_grades_and_shares(
    client: TestClient, filled: dict[str, Path], name: str
) -> None:
    page = upload(client, "/status", filled[name])
    assert page.status_code == 200, page.text[:500]
    assert_screen_shows_the_table(page.text, name)


@pytest.mark.parametrize("name", DRAFTS)
def test_finalize_screens_show_the_hand_worked_grades_and_shares(
    client: TestClient, filled: dict[str, Path], name: str
) -> None:
    preview = upload(client, "/finalize", filled[name])
    assert preview.status_code == 200, preview.text[:500]
    assert_screen_shows_the_table(preview.text, name)
    action = re.search(r'action="(/finalize/[^"]+)"', preview.text)
    assert action is not None
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    made = client.post(action.group(1), data={"csrf_token": token, "kind": "final", "number": "R7-15"})
    assert made.status_code == 200 and "仕上げた報告書ができました" in made.text, made.text[:500]
    assert_screen_shows_the_table(made.text, name)


@pytest.mark.parametrize("name", DRAFTS)
def test_the_page_shows_the_shares_grade_prints(
    client: TestClient, filled: dict[str, Path], name: str
) -> None:
    """Same files, two front ends: the page's grade and share per measure are ``grade --json``'s."""
    page = upload(client, "/status", filled[name]).text
    on_page = [(ref_title, grade, share) for ref_title, grade, _, share in shown_measures(page)]
    cli = cli_shares(filled[name])
    assert len(on_page) == len(cli)
    for (ref_title, grade, share), (ref, cli_grade, cli_share) in zip(on_page, cli, strict=True):
        assert ref_title.startswith(ref) and (grade, share) == (cli_grade, cli_share), ref


def test_a_measure_left_unevaluated_shows_what_is_known(
    client: TestClient, r6_draft: Path, tmp_path: Path
) -> None:
    """8 参加支援事業の実施, (2) 未評価 and (1) 0/3: 未確定, one project pending, 0 of 3 targets so far."""
    results = hand_results("fractions")
    results["p2-8-(2)"] = "未評価"
    last_year, draft = api.read(EXAMPLE).value, api.read(r6_draft).value
    partly = fill_draft(
        r6_draft, tmp_path / "partly.docx", last_years_fill(last_year, draft, results=results)
    )
    rows = {row[0]: row for row in shown_measures(upload(client, "/status", partly).text)}
    row = rows["8 参加支援事業の実施"]
    assert (row[1], row[3]) == ("未確定", "未評価 1 事業・ほかの事業の年次目標 0/3 達成")
    done = run("grade", partly)
    assert done.returncode == 4
    assert "未確定  8 参加支援事業の実施（未評価 1 事業・ほかの事業の年次目標 0/3 達成）" in done.stdout
