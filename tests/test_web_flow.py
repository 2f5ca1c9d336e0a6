"""Issue 24 on the page (items 1, 2 and 8): the merge screens name the wrong file on its own
field, offer only the copies in conflict, refuse a choice that settles nothing on the form, put
the decision first and fold the long lists; staff words, no command names.  In-process (httpx)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from komae_docx import api
from komae_docx.frontends.web import create_app

from .conftest import EXAMPLE
from .filler import fill_draft, last_years_fill
from .test_web import DOCX_TYPE, LOCAL, download_links, error_summary, field_error
from .test_web_merge import post_merge


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path), base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """The draft; 健康推進課 and 子ども政策課 typing different Do texts in their shared project
    (重層 4 (3)), and 福祉政策課 filling its own projects (in conflict with nobody)."""
    folder = tmp_path_factory.mktemp("web-flow")
    draft = api.draft(EXAMPLE, folder / "r6_draft.docx").value.path
    split = {c.department: c for c in api.split(draft, folder / "copies").value.copies}
    last, report = api.read(EXAMPLE).value, api.read(draft).value
    made = []
    for department, do in (("健康推進課", "健康推進課の文"), ("子ども政策課", "子ども政策課の文")):
        fill = last_years_fill(last, report, departments=[])
        fill.entries[("plan2", "p2-4-(3)")] = [([do], [])]
        made.append(fill_draft(split[department].path, folder / split[department].path.name, fill))
    welfare = split["福祉政策課"]
    fill = last_years_fill(last, report, departments=[welfare.code])
    made.append(fill_draft(welfare.path, folder / welfare.path.name, fill))
    return draft, made


def options(html: str) -> list[str]:
    select = re.search(r'<select id="prefer-file" name="prefer">(.*?)</select>', html, re.DOTALL)
    assert select is not None
    return re.findall(r"<option [^>]*>([^<]*)</option>", select.group(1))


def visible_text(html: str) -> str:
    body = re.sub(r"<(script|style)[^>]*>.*?</\1>", "", html, flags=re.DOTALL)
    return re.sub(r"<[^>]+>", " ", body)


def test_a_published_report_as_the_draft_is_named_on_the_draft_field(
    client: TestClient, copies: tuple[Path, list[Path]]
) -> None:
    page = post_merge(client, EXAMPLE, [copies[1][2]])
    assert page.status_code == 400
    assert list(error_summary(page.text)) == ["#file"]
    assert "r5_report.docx：このファイルは公表済みの報告書です" in field_error(page.text, "file")
    assert 'id="copies-error"' not in page.text


def test_the_choice_offers_only_the_copies_in_conflict(
    client: TestClient, copies: tuple[Path, list[Path]]
) -> None:
    draft, made = copies
    page = client.get(post_merge(client, draft, made).headers["location"])
    assert "<h1>食い違いがあります</h1>" in page.text
    assert options(page.text) == ["r6_draft_健康推進課.docx", "r6_draft_子ども政策課.docx"]
    form_at, lists_at = page.text.index('id="prefer"'), page.text.index('id="conflict-list"')
    assert form_at < lists_at  # the decision first
    for heading in ("取り込まなかった変更", "取り込んだ記入"):
        section = page.text[page.text.index(f"{heading}（") :]
        assert section.index("<details") < section.index("<table")
    words = visible_text(page.text)
    for command in ("split", "merge", "komae-docx", "--prefer"):
        assert command not in words


def test_a_choice_that_settles_nothing_is_an_error_on_the_form(
    client: TestClient, copies: tuple[Path, list[Path]]
) -> None:
    draft, made = copies
    page = client.get(post_merge(client, draft, made).headers["location"])
    job = re.search(r'action="(/merge/[^"]+)"', page.text)
    assert job is not None
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    refused = client.post(job.group(1), data={"csrf_token": token, "prefer": "2"}, follow_redirects=False)
    assert refused.status_code == 400
    assert list(error_summary(refused.text)) == ["#prefer"]
    assert "選んだ写しは食い違いに関わっていません" in field_error(refused.text, "prefer")
    chosen = client.post(job.group(1), data={"csrf_token": token, "prefer": "1"}, follow_redirects=False)
    assert chosen.status_code == 303
    settled = client.get(chosen.headers["location"])
    assert "各課の記入をまとめました" in settled.text
    assert len(download_links(settled.text)) == 2


@pytest.mark.parametrize("screen", ["draft", "finalize"])
def test_a_departments_copy_is_sent_to_the_merge_screen(
    client: TestClient, copies: tuple[Path, list[Path]], screen: str
) -> None:
    """Item 1 on the page: a filled copy on 「翌年度の案を作る」 or 「報告書を仕上げる」 is refused on
    the file field, naming its department, with the way to 『各課の記入をまとめる』."""
    welfare = copies[1][2]
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    files = {"file": (welfare.name, welfare.read_bytes(), DOCX_TYPE)}
    page = client.post(f"/{screen}", data={"csrf_token": token}, files=files)
    assert page.status_code == 400
    assert list(error_summary(page.text)) == ["#file"]
    message = field_error(page.text, "file")
    assert f"{welfare.name}：これは福祉政策課の写し（記入中）です。『各課の記入をまとめる』" in message
    assert '<a href="/merge">各課の記入をまとめる</a>' in page.text
