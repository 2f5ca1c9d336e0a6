"""「前年度と比べる」 on the page, driven in-process (Starlette's TestClient): the years made from
the example (tests/compare_years.py), two files for the comparison, three for the trend."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from komae_docx.frontends.web import create_app

from .compare_years import EXAMPLE, Years

LOCAL = "http://127.0.0.1"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return create_app(tmp_path)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


def post_reports(client: TestClient, files: list[Path], mode: str = "compare") -> Any:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    uploads = [("files", (path.name, path.read_bytes(), DOCX_TYPE)) for path in files]
    return client.post("/compare", data={"csrf_token": token, "mode": mode}, files=uploads)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def table_rows(html: str, caption: str) -> list[list[str]]:
    table = re.search(
        rf"<table[^>]*>\s*<caption>{re.escape(caption)}</caption>(.*?)</table>", html, re.DOTALL
    )
    assert table is not None, caption
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.group(1), re.DOTALL)
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", r, re.DOTALL)]
        for r in rows
    ]


def test_the_screen_is_in_the_navigation_and_says_what_it_does(client: TestClient) -> None:
    home = client.get("/")
    assert 'href="/compare"' in home.text
    page = client.get("/compare")
    assert page.status_code == 200
    assert "<h1>前年度と比べる</h1>" in page.text
    assert 'name="files" type="file" multiple' in page.text


def test_two_years_in_any_order_give_the_comparison_the_chart_and_the_handout(
    client: TestClient, compare_years: Years
) -> None:
    answer = post_reports(client, [compare_years.r7, compare_years.r6])  # newer first: the page sorts them
    assert answer.status_code == 200 and answer.url.path.startswith("/compare/")
    html = answer.text
    assert "前年度：令和6年度「r6_report.docx」" in text_of(html)
    assert "評価が下がった施策 1 件・上がった施策 2 件・結果が変わった事業 4 件・計画の見直し 2 件" in html
    plan2 = table_rows(html, "2 重層的支援体制整備事業実施計画：評価が動いた施策が先")
    assert plan2[1][:4] == ["2 相談支援包括化推進体制の構築", "A→D", "1/1（100%）→ 0/1（0%）", "下がった"]
    assert plan2[2][:2] == ["7 アウトリーチ等事業の実施", "B→A"]
    revisions = table_rows(html, "施策・事業の追加・廃止・文の変更")
    assert revisions[2] == [
        "1－(2)－① 事業 a",
        "Plan の文が変わりました",
        "…をするための研修等を［強化します→充実させます］。",
    ]
    chart = re.search(r'<img src="([^"]+)" alt="([^"]+)"', html)
    assert chart is not None
    assert chart.group(2).startswith("令和6年度から令和7年度までの施策の評価の推移。")
    picture = client.get(chart.group(1))
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG")
    handout = re.search(r'href="(/download/[^"]+\.docx)"', html)
    assert handout is not None
    document = client.get(handout.group(1))
    assert document.status_code == 200
    with zipfile.ZipFile(__import__("io").BytesIO(document.content)) as archive:
        body = archive.read("word/document.xml").decode("utf-8")
    assert "令和6年度と令和7年度の比較" in body
    assert "読み取れなかった文字列などはありません。" in html
    assert "削除（「r7_report.docx ほか 1 件」とここで作ったファイルを消します）" in html


def test_three_years_give_the_trend_table_and_its_csv(client: TestClient, compare_years: Years) -> None:
    answer = post_reports(client, [compare_years.r6, compare_years.r7, EXAMPLE], mode="trend")
    assert answer.status_code == 200
    rows = table_rows(answer.text, "1 地域福祉計画")
    assert rows[0] == ["施策", "令和5年度", "令和6年度", "令和7年度", "計画の見直し"]
    assert rows[1][1:4] == ["A（公表済みの評価）", "D 0/1（0%）", "A 2/2（100%）"]
    assert len(rows) == 6 and len(table_rows(answer.text, "2 重層的支援体制整備事業実施計画")) == 9
    csv_link = re.search(r'href="(/download/[^"]+\.csv)"', answer.text)
    assert csv_link is not None
    assert client.get(csv_link.group(1)).content.startswith(b"\xef\xbb\xbf")


def test_refusals_are_shown_on_the_form_and_nothing_is_kept(
    app: Any, client: TestClient, compare_years: Years
) -> None:
    one = post_reports(client, [compare_years.r6])
    assert one.status_code == 400 and "報告書が 1 つ選ばれています" in one.text
    draft_first = post_reports(client, [compare_years.r7_draft, compare_years.r7])
    assert draft_first.status_code == 400
    # the draft is 令和7 like the report and comes first: taken as last year, refused by its kind
    assert "記入前の報告書（案）です。前年度には公表済みの報告書を指定してください" in draft_first.text
    twice = post_reports(client, [compare_years.r6, compare_years.r6, EXAMPLE], mode="trend")
    assert twice.status_code == 400 and "同じ年度（令和6年度）の報告書が 2 つあります" in twice.text
    assert str(app.state.store.root) not in twice.text  # the temporary folders are not shown
    assert list(app.state.store.root.iterdir()) == []
