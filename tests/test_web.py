"""The local page at HTTP level, in-process: screens, downloads, limits, Host check, CSRF, clean-up.

The browser tests (real Chromium) are in test_web_browser.py; the server process (127.0.0.1 binding,
Ctrl+C) is tested at the end of this file.
"""

from __future__ import annotations

import asyncio
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from komae_docx import api
from komae_docx.filekind import FileKind
from komae_docx.frontends.web import create_app
from komae_docx.frontends.web.guards import MAX_UPLOAD_BYTES
from komae_docx.frontends.web.jobs import safe_file_name
from komae_docx.frontends.web.server import ServeError, bind_socket

from .conftest import EXAMPLE
from .docx_checks import tools_present
from .test_safety_cli import hostile_files

LOCAL = "http://127.0.0.1"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def app(tmp_path: Path) -> Any:
    return create_app(tmp_path)


@pytest.fixture
def client(app: Any) -> Iterator[TestClient]:
    with TestClient(app, base_url=LOCAL) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def r6_draft(example_draft: Path) -> Path:
    """Next year's draft of the example, as staff receive it to fill in."""
    return example_draft


def upload(client: TestClient, path: str, file: Path, name: str | None = None, **fields: str) -> Any:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    files = {"file": (name or file.name, file.read_bytes(), DOCX_TYPE)}
    return client.post(path, data={"csrf_token": token, **fields}, files=files)


def jobs_left(app: Any) -> list[Path]:
    return sorted(app.state.store.root.iterdir())


def download_links(html: str) -> list[str]:
    return re.findall(r'href="(/download/[^"]+)"', html)


def lead_sentence(html: str) -> str:
    match = re.search(r'<p class="lead">(.*?)</p>', html, re.DOTALL)
    assert match is not None, "every screen says what it does in its lead paragraph"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


def error_summary(html: str) -> dict[str, str]:
    """The error summary box at the top of a refused form: link target → its text."""
    box = re.search(r'<div class="error-summary".*?</div>', html, re.DOTALL)
    assert box is not None, "a refusal is summarised at the top of its form"
    return {href: text for href, text in re.findall(r'<a href="(#[^"]+)">([^<]*)</a>', box.group(0))}


def field_error(html: str, field: str) -> str:
    """The message beside a field (GOV.UK ``…-error``), as text."""
    found = re.search(rf'<p class="error-message" id="{field}-error">(.*?)</p>', html, re.DOTALL)
    assert found is not None, f"the message is repeated beside #{field}"
    return re.sub(r"\s*\n\s*", "", re.sub(r"<[^>]+>", "", found.group(1)))


def pages_notation(pages: list[int]) -> str:
    """The report's own notation, written from the 評価総括表 of the published report: 12～13."""
    return str(pages[0]) if len(pages) == 1 else f"{pages[0]}～{pages[-1]}"


# --------------------------------------------------------------------------- screens


@pytest.mark.parametrize("path", ["/", "/draft", "/status", "/finalize"])
def test_every_screen_is_japanese_and_says_in_one_sentence_what_it_does(
    client: TestClient, path: str
) -> None:
    page = client.get(path)
    assert page.status_code == 200
    assert '<html lang="ja">' in page.text
    sentence = lead_sentence(page.text)
    assert sentence.count("。") == 1 and sentence.endswith("。"), sentence


@pytest.mark.parametrize("path", ["/", "/draft", "/status", "/finalize"])
def test_nothing_on_a_screen_is_loaded_from_outside(client: TestClient, path: str) -> None:
    page = client.get(path)
    sources = re.findall(r'(?:src|href|action)="([^"]*)"', page.text)
    local = [s for s in sources if s.startswith("#") or (s.startswith("/") and not s.startswith("//"))]
    assert sources and local == sources, sources
    policy = page.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "http" not in policy
    for static in ("/static/style.css", "/static/app.js"):
        body = client.get(static).text
        assert "http://" not in body and "https://" not in body and "@import" not in body


def test_upload_forms_work_without_javascript(client: TestClient) -> None:
    """Plain multipart forms posting to the page itself, each with its CSRF token."""
    for path in ("/draft", "/status", "/finalize"):
        html = client.get(path).text
        form = re.search(r"<form[^>]*>", html)
        assert form is not None
        assert f'action="{path}"' in form.group(0) and 'method="post"' in form.group(0)
        assert 'enctype="multipart/form-data"' in form.group(0)
        assert 'type="file"' in html and 'type="submit"' in html
        assert client.app.state.csrf_token in html  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- 翌年度の案を作る


def test_draft_screen_summarises_the_example_and_offers_the_draft(
    client: TestClient, app: Any, expect: dict[str, Any], tmp_path: Path, example_drafted: api.Draft
) -> None:
    page = upload(client, "/draft", EXAMPLE)
    assert page.status_code == 200, page.text
    html = page.text
    assert "令和5年度" in html and expect["publication"]["number"] in html
    for plan in expect["plans"]:
        assert plan["heading"] in html
        for measure in plan["measures"]:
            pages = pages_notation(measure["sheet_pages"])
            row = f'<td class="grade">{measure["grade"]}</td><td>{pages}</td>'
            assert re.search(re.escape(measure["ref"]) + r"[^<]*</td>" + re.escape(row), html), measure["ref"]
    assert "検査の結果" in html
    assert "報告書 年度：「令和5年度（2023年度）」→「令和6年度（2024年度）」" in html
    assert "fiscal_year" not in html and "ブロック" not in html, "staff words, not the model's names"

    draft_link, log_link, copies_link = download_links(html)  # the copies per 担当課: test_web_merge.py
    assert copies_link.endswith(".zip")
    got = client.get(draft_link)
    assert got.status_code == 200 and got.headers["content-type"] == DOCX_TYPE
    disposition = f"attachment; filename*=utf-8''{quote('r5_report_翌年度案.docx')}"
    assert got.headers["content-disposition"] == disposition
    saved = tmp_path / "downloaded.docx"
    saved.write_bytes(got.content)
    assert api.read(saved).value.fiscal_year.text == "令和6年度"

    log = client.get(log_link).content
    assert log.startswith("\ufeff".encode()), "a BOM: old Notepad reads the file as UTF-8"
    lines = log.decode("utf-8-sig").split("\r\n")
    changes = example_drafted.changes
    assert lines[0] == f"「r5_report.docx」から翌年度の案を作ったときの変更（{len(changes)} 件）"
    items = [line.removeprefix("  ・") for line in lines if line.startswith("  ・")]
    assert len(items) == len(changes)
    assert "年度：「令和5年度（2023年度）」→「令和6年度（2024年度）」" in items
    assert "fiscal_year" not in log.decode("utf-8-sig"), "staff words, as in --changes x.txt"


def test_a_result_stays_downloadable_after_its_download_until_it_is_removed(
    client: TestClient, app: Any
) -> None:
    page = upload(client, "/draft", EXAMPLE)
    draft_link, log_link, copies_link = download_links(page.text)
    first = client.get(draft_link)
    assert first.status_code == 200
    again = client.get(draft_link)
    assert again.status_code == 200 and again.content == first.content, "a second download gets the same file"
    assert client.get(log_link).status_code == 200
    shown = client.get(str(page.url))
    assert shown.status_code == 200 and download_links(shown.text) == [draft_link, log_link, copies_link]
    assert "何度でもダウンロードできます" in shown.text
    (job,) = jobs_left(app)

    remove = re.search(r'action="(/remove/[^"]+)"', shown.text)
    assert remove is not None, "the result screen has a 削除 button"
    assert "削除" in shown.text.split(remove.group(0), 1)[1].split("</form>", 1)[0]
    removed = client.post(remove.group(1), data={"csrf_token": app.state.csrf_token})
    assert removed.status_code == 200 and str(removed.url).endswith("/draft?removed=1")
    assert "ファイルを削除しました" in removed.text
    assert jobs_left(app) == [] and not job.exists()
    gone = client.get(draft_link)
    assert gone.status_code == 404 and "もう一度アップロードしてください" in gone.text
    assert client.get(str(page.url)).status_code == 404


def test_removing_needs_the_token(client: TestClient, app: Any) -> None:
    page = upload(client, "/draft", EXAMPLE)
    remove = re.search(r'action="(/remove/[^"]+)"', page.text)
    assert remove is not None
    assert client.post(remove.group(1), data={"csrf_token": "wrong"}).status_code == 403
    assert len(jobs_left(app)) == 1


def test_carry_text_keeps_last_years_text_in_the_draft(client: TestClient, tmp_path: Path) -> None:
    html = upload(client, "/draft", EXAMPLE, carry_text="on").text
    saved = tmp_path / "carried.docx"
    saved.write_bytes(client.get(download_links(html)[0]).content)
    with zipfile.ZipFile(saved) as package:
        body = package.read("word/document.xml").decode("utf-8")
    assert "福祉カレッジ2023を実施した" in body


def test_the_uploaded_file_is_named_in_messages_and_never_leaves_its_job_folder(
    client: TestClient, app: Any
) -> None:
    page = upload(client, "/draft", EXAMPLE, name="..\\..\\C:\\fakepath\\前年度 報告書.docx")
    assert page.status_code == 200
    assert "「前年度 報告書.docx」" in page.text
    (job,) = jobs_left(app)
    names = [p.name for p in job.rglob("*") if p.is_file()]
    assert sorted(names) == ["前年度 報告書_変更一覧.txt", "前年度 報告書_翌年度案.docx"]


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\fakepath\\r5_report.docx", "r5_report.docx"),
        ("../../etc/passwd", "passwd"),
        ("報告書\x00\x1b[31m.docx", "報告書[31m.docx"),
        ('a<b>:"c|?*.docx', "a_b___c___.docx"),
        ("..", "報告書.docx"),
        ("", "報告書.docx"),
        ("長" * 200 + ".docx", "長" * 48 + ".docx"),  # 150 bytes of UTF-8 at most
        ("😀" * 100 + ".docx", "😀" * 36 + ".docx"),
        (".docx", "docx"),
    ],
)
def test_a_browsers_file_name_is_made_safe(sent: str, kept: str) -> None:
    assert safe_file_name(sent) == kept


# --------------------------------------------------------------------------- 記入状況・仕上げ


def test_status_screen_lists_what_is_empty_per_department(client: TestClient, r6_draft: Path) -> None:
    page = upload(client, "/status", r6_draft)
    assert page.status_code == 200, page.text
    status = api.status(r6_draft).value
    for department, items in status.by_department().items():
        heading = re.search(rf'<h3 id="([^"]+)">{re.escape(department)}（{len(items)} 件）</h3>', page.text)
        assert heading is not None, department
        assert f'href="#{heading.group(1)}"' in page.text, "the index at the top links to each department"
    shared_extra = sum(len((i.location.department or "").split("・")) - 1 for i in status.items)
    assert f"担当課ごとの未記入（{len(status.items)} 件）" in page.text
    per_department = len(status.items) + shared_extra
    shared = f"複数の課が担当する事業は各課に数えています（課ごとの合計 {per_department} 件）。"
    assert shared in page.text
    assert "<td>未記入</td>" in page.text and "<td>警告</td>" not in page.text, "the CLI's word for the items"
    assert page.text.count("評価総括表　") == 2
    # and as the report says, not only as api.status says: per department, each of its projects' entry
    # rows needs Do and Act and each project a result (序章 3 (3) names the departments of the codes);
    # 福祉政策課 also has the four 委員会からの意見 sheets and the 刊行物番号.  35 + 35 + 31 + 4 + 1 = 106.
    by_hand = {
        "福祉政策課": 70, "地域活性課": 7, "福祉相談課": 15, "高齢障がい課": 12,
        "健康推進課": 3, "子ども政策課": 3, "子ども発達支援課": 6, "児童育成課": 3,
    }  # fmt: skip
    shown = dict(re.findall(r'<h3 id="[^"]+">([^<（]+)（(\d+) 件）</h3>', page.text))
    assert {department: int(count) for department, count in shown.items()} == by_hand
    assert "担当課ごとの未記入（106 件）" in page.text and "課ごとの合計 119 件" in page.text


def test_finalize_screen_previews_grades_and_both_summary_tables(
    client: TestClient, app: Any, r6_draft: Path, expect: dict[str, Any]
) -> None:
    page = upload(client, "/finalize", r6_draft)
    assert page.status_code == 200, page.text
    for plan in expect["plans"]:
        assert f"評価総括表　{plan['heading']}" in page.text
        for measure in plan["measures"]:
            assert measure["ref"] in page.text
    assert 'name="kind" value="final"' in page.text and 'name="kind" value="interim"' in page.text
    assert "未記入・未確定の所が" in page.text, "an unfilled draft cannot be finished yet"


def test_finalize_refuses_an_unfilled_draft_and_makes_the_interim_version(
    client: TestClient, app: Any, r6_draft: Path, tmp_path: Path
) -> None:
    page = upload(client, "/finalize", r6_draft)
    action = re.search(r'action="(/finalize/[^"]+)"', page.text)
    assert action is not None
    token = app.state.csrf_token
    refused = client.post(action.group(1), data={"csrf_token": token, "kind": "final"})
    left = len(api.status(r6_draft).value.items)
    assert refused.status_code == 409 and download_links(refused.text) == []
    summary = error_summary(refused.text)
    assert summary == {
        "#incomplete": f"未記入・未確定の所が {left} 件あるため、仕上げた報告書は作りませんでした。"
        "各課の記入を待つか、「途中版を作る」を押してください（未記入の所は下の一覧にあります）。"
    }
    assert 'id="incomplete"' in refused.text and 'name="kind" value="interim"' in refused.text
    typo = {"csrf_token": token, "kind": "interim", "number": "<b>R7</b>"}
    mistyped = client.post(action.group(1), data=typo)
    assert mistyped.status_code == 400 and "刊行物番号「&lt;b&gt;R7&lt;/b&gt;」" in mistyped.text
    assert list(error_summary(mistyped.text)) == ["#number"], "the summary links to the number field"
    assert 'value="&lt;b&gt;R7&lt;/b&gt;"' in mistyped.text, "the number typed is kept to be corrected"
    made = client.post(action.group(1), data={"csrf_token": token, "kind": "interim", "number": "R7-15"})
    assert made.status_code == 200 and "途中版ができました" in made.text, "the upload was kept for the retry"
    (link,) = download_links(made.text)
    saved = tmp_path / "interim.docx"
    saved.write_bytes(client.get(link).content)
    interim = api.read(saved).value
    assert interim.fiscal_year.text == "令和6年度" and interim.publication.number == "R7-15"


def test_without_libreoffice_the_page_says_previews_need_it(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from komae_docx.frontends.web import app as web_app

    monkeypatch.setattr(web_app, "previews_available", lambda: False)
    html = upload(client, "/draft", EXAMPLE).text
    notice = "ページの画像を見るには LibreOffice（と poppler の pdftoppm）が必要です"
    assert notice in html and "ページの画像を見る（" not in html
    preview = download_links(html)[0].replace("/download/", "/preview/")
    refused = client.post(preview, data={"csrf_token": client.app.state.csrf_token})  # type: ignore[attr-defined]
    assert refused.status_code == 503 and notice in refused.text


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_previews_are_readable_open_full_size_and_stay_with_their_result(
    client: TestClient, app: Any, tmp_path: Path
) -> None:
    from .docx_checks import pdf_pages, soffice

    soffice()
    result = upload(client, "/draft", EXAMPLE)
    draft_link = download_links(result.text)[0]
    assert client.get(draft_link).status_code == 200, "downloaded before the preview"
    token = app.state.csrf_token
    preview_form = draft_link.replace("/download/", "/preview/")
    made = client.post(preview_form, data={"csrf_token": token}, follow_redirects=False)
    assert made.status_code == 303, "POST-redirect-GET: Back from the images finds a GET page"
    preview = client.get(made.headers["location"])
    assert preview.status_code == 200
    assert f'href="{result.url.path}"' in preview.text, "a link back to the result it came from"
    images = re.findall(r'<a href="([^"]+)" target="_blank" rel="noopener"><img src="([^"]+)"', preview.text)
    saved = tmp_path / "draft.docx"
    saved.write_bytes(client.get(draft_link).content)
    assert len(images) == pdf_pages(saved, tmp_path / "pdf"), "one image per page, each a link"
    assert all(href == src for href, src in images), "each image opens itself full size"
    width, height = png_size(client.get(images[0][0]).content)
    assert width >= 909 and height >= 1286, "A4 at 110 dpi or more: 8.27 × 11.69 in"
    assert client.get(str(result.url)).status_code == 200, "the result is still there"
    assert client.get(made.headers["location"]).status_code == 200, "the previews too"


@pytest.fixture(scope="module")
def filled_draft(example_filled: Path) -> Path:
    """The draft as departments return it: last year's texts, and results that give last year's grades."""
    return example_filled


@pytest.fixture(scope="module")
def r6_published(example_finalized: Path) -> Path:
    """The filled draft finalized: the R6 report as published, next year's source."""
    assert api.identify(example_finalized).value is FileKind.FINALIZED, "not an interim version"
    return example_finalized


def summary_rows(html: str, heading: str) -> dict[str, tuple[int, str]]:
    """A 評価総括表 on the page: grade letter → (count, measures cell)."""
    table = html.split(f"<caption>評価総括表　{heading}</caption>", 1)[1].split("</table>", 1)[0]
    rows = re.findall(
        r'<tr><td class="grade">(\w)</td><td>[^<]*</td>'
        r'<td class="count">(\d+)</td><td>([^<]*)</td></tr>',
        table,
    )
    return {letter: (int(count), measures) for letter, count, measures in rows}


def test_a_filled_draft_is_finalized_with_last_years_grades(
    client: TestClient, app: Any, filled_draft: Path, expect: dict[str, Any], tmp_path: Path
) -> None:
    preview = upload(client, "/finalize", filled_draft).text
    assert "下の「刊行物番号」に入れると、仕上げた報告書を作れます" in preview, "only the number is left"
    for plan in expect["plans"]:
        shown = summary_rows(preview, plan["heading"])
        for letter, refs in plan["summary"].items():
            count, measures = shown[letter]
            assert count == len(refs) and all(ref in measures for ref in refs), (plan["heading"], letter)
    action = re.search(r'action="(/finalize/[^"]+)"', preview)
    assert action is not None
    no_number = client.post(action.group(1), data={"csrf_token": app.state.csrf_token, "kind": "final"})
    assert no_number.status_code == 409 and download_links(no_number.text) == []
    assert error_summary(no_number.text) == {
        "#number": "刊行物番号がまだ決まっていません。"
        "「刊行物番号」に番号を入れて、もう一度押してください（案では「R7-〇〇」です）。"
    }, "the fix is the number field, not the interim version"
    final_form = {"csrf_token": app.state.csrf_token, "kind": "final", "number": "R7-15"}
    made = client.post(action.group(1), data=final_form)
    assert made.status_code == 200 and "仕上げた報告書ができました" in made.text
    measured = "頁番号は LibreOffice で組んだ頁を数えて書き込みました" in made.text
    assert measured == tools_present("soffice")
    (link,) = download_links(made.text)
    assert link.endswith(quote("r6_filled_完成版.docx"))
    saved = tmp_path / "final.docx"
    saved.write_bytes(client.get(link).content)
    final = api.read(saved).value
    assert final.publication.number == "R7-15"
    grades = {(plan.key, m.ref): m.grade for plan in final.plans for m in plan.iter_measures()}
    published = {(plan["key"], m["ref"]): m["grade"] for plan in expect["plans"] for m in plan["measures"]}
    assert grades == published


# --------------------------------------------------------------------------- bad uploads


@pytest.mark.parametrize("kind", ["text", "macro", "truncated", "encrypted-or-ole"])
@pytest.mark.parametrize("path", ["/draft", "/status", "/finalize"])
def test_hostile_uploads_get_the_clis_japanese_message_and_leave_nothing(
    client: TestClient, app: Any, tmp_path: Path, kind: str, path: str
) -> None:
    file, phrase = hostile_files(tmp_path)[kind]
    page = upload(client, path, file)
    assert page.status_code == 400
    assert file.name in page.text and phrase in page.text
    assert "Traceback" not in page.text and 'File "' not in page.text
    assert str(app.state.store.root) not in page.text, "the file is named as the user chose it"
    assert jobs_left(app) == []
    assert client.get("/").status_code == 200, "the server keeps serving"


SCREEN_HEADINGS = {"/draft": "翌年度の案を作る", "/status": "記入状況を見る", "/finalize": "報告書を仕上げる"}


@pytest.mark.parametrize("path", ["/draft", "/status", "/finalize"])
def test_a_broken_upload_is_refused_on_its_own_form_with_the_fix(
    client: TestClient, app: Any, tmp_path: Path, path: str
) -> None:
    """GOV.UK's error summary: a box at the top linking to the field, the same words beside it."""
    broken, _ = hostile_files(tmp_path)["truncated"]
    page = upload(client, path, broken)
    assert page.status_code == 400 and str(page.url).endswith(path), "no redirect: the form answers"
    assert f"<h1>{SCREEN_HEADINGS[path]}</h1>" in page.text and 'type="file"' in page.text
    assert "<title>エラー：" in page.text
    fix = (
        "Word で開けるか確かめ、「名前を付けて保存」で「Word 文書 (*.docx)」として保存し直してから、"
        "そのファイルを選び直してください。"
    )
    said = "truncated.docx：ファイルが壊れています（Word の文書として開けません）。"
    assert error_summary(page.text) == {"#file": said + fix}
    assert field_error(page.text, "file") == "エラー：" + said + fix
    assert 'aria-describedby="file-error"' in page.text
    assert "zip" not in page.text and "はじめの画面に戻る" not in page.text
    assert jobs_left(app) == []


def test_a_missing_file_and_a_file_over_the_limit_are_shown_on_the_form(client: TestClient, app: Any) -> None:
    token = app.state.csrf_token
    none = client.post("/status", data={"csrf_token": token})
    assert none.status_code == 400 and "<h1>記入状況を見る</h1>" in none.text
    assert error_summary(none.text) == {
        "#file": "ファイルが選ばれていません。「ファイルを選択」から報告書の .docx を選んでください。"
    }
    big = io.BytesIO(b"PK" + b"\0" * MAX_UPLOAD_BYTES)
    files = {"file": ("大きい.docx", big, DOCX_TYPE)}
    too_large = client.post("/finalize", data={"csrf_token": token}, files=files)
    assert too_large.status_code == 413 and "<h1>報告書を仕上げる</h1>" in too_large.text
    assert list(error_summary(too_large.text)) == ["#file"]
    assert "ファイルが大きすぎます（20 MB まで）" in field_error(too_large.text, "file")


@pytest.fixture(scope="module")
def being_filled(r6_draft: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A draft one department has begun: one project's result chosen, nothing else."""
    from .filler import Fill, fill_draft

    plans = api.read(r6_draft).value.plans
    first = next(p for plan in plans for m in plan.iter_measures() for p in m.projects)
    target = tmp_path_factory.mktemp("begun") / "r6_記入中.docx"
    return fill_draft(r6_draft, target, Fill(results={first.id: "達成"}))


@pytest.fixture(scope="module")
def interim(r6_draft: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("interim") / "r6_中間.docx"
    return api.finalize(r6_draft, target, allow_incomplete=True, pages="fields").value.path or target


TO_STATUS_OR_FINALIZE = "『記入状況を見る』か『報告書を仕上げる』を使ってください。"
TO_FINALIZE_OR_STATUS = "『報告書を仕上げる』か『記入状況を見る』を使ってください。"
TO_DRAFT_OR_STATUS = "『翌年度の案を作る』か『記入状況を見る』を使ってください。"
WRONG_SCREENS = [
    ("/draft", "r6_draft", "これは記入前の報告書（案）です。" + TO_STATUS_OR_FINALIZE),
    ("/draft", "being_filled", "これは記入中の報告書（案）です。" + TO_STATUS_OR_FINALIZE),
    ("/draft", "filled_draft", "これは記入済みの報告書（案）です。" + TO_FINALIZE_OR_STATUS),
    ("/finalize", "example", "これは公表済みの報告書です。" + TO_DRAFT_OR_STATUS),
    # finalize made it: a published report, judged as the finalized one it is (filekind.judge)
    ("/finalize", "r6_published", "これは仕上げた報告書（公表用）です。" + TO_DRAFT_OR_STATUS),
    ("/draft", "interim", "これは中間版の報告書です。" + TO_FINALIZE_OR_STATUS),
]
"""The page refuses what the CLI refuses (komae_docx.filekind.ACCEPTED), in the same words."""


@pytest.mark.parametrize(("path", "fixture", "said"), WRONG_SCREENS)
def test_each_screen_refuses_the_wrong_kind_of_file_naming_the_screen_that_fits(
    client: TestClient, app: Any, request: pytest.FixtureRequest, path: str, fixture: str, said: str
) -> None:
    file = EXAMPLE if fixture == "example" else request.getfixturevalue(fixture)
    page = upload(client, path, file)
    assert page.status_code == 400 and f"<h1>{SCREEN_HEADINGS[path]}</h1>" in page.text
    ((target, text),) = error_summary(page.text).items()
    assert target == "#file" and text.startswith(f"{file.name}：{said}"), text
    assert field_error(page.text, "file").startswith(f"エラー：{file.name}：{said}")
    for screen, title in SCREEN_HEADINGS.items():
        if f"『{title}』" in said:
            link = f'<a href="{screen}">『{title}』を開く</a>'
            assert link in page.text, "the screen that fits is one click away"
    assert jobs_left(app) == [], "nothing is kept of a refused file"


@pytest.mark.parametrize(
    ("path", "fixture"),
    [
        ("/draft", "example"),
        ("/status", "being_filled"),
        ("/status", "example"),
        ("/finalize", "filled_draft"),
        ("/finalize", "interim"),
    ],
)
def test_each_screen_takes_its_own_kind_of_file(
    client: TestClient, request: pytest.FixtureRequest, path: str, fixture: str
) -> None:
    file = EXAMPLE if fixture == "example" else request.getfixturevalue(fixture)
    page = upload(client, path, file)
    assert page.status_code == 200 and "error-summary" not in page.text


@pytest.mark.parametrize(
    ("path", "fixture"), [("/draft", "example"), ("/status", "r6_draft"), ("/finalize", "r6_draft")]
)
def test_every_upload_answers_with_a_redirect_to_a_page_of_its_own(
    app: Any, request: pytest.FixtureRequest, path: str, fixture: str
) -> None:
    """POST-redirect-GET: Back and Reload show the result again without sending the file twice."""
    file = EXAMPLE if fixture == "example" else request.getfixturevalue(fixture)
    with TestClient(app, base_url=LOCAL, follow_redirects=False) as plain:
        posted = upload(plain, path, file)
        assert posted.status_code == 303
        address = posted.headers["location"]
        assert re.fullmatch(rf"{path}/[A-Za-z0-9_-]{{22}}", address), address
        first, second = plain.get(address), plain.get(address)
        assert first.status_code == second.status_code == 200
        assert first.text == second.text and f"「{file.name}」" in first.text
        assert len(jobs_left(app)) == 1, "showing the result again reads nothing again"


def test_a_readable_word_file_that_is_not_a_report_is_refused(client: TestClient, tmp_path: Path) -> None:
    import docx

    letter = tmp_path / "お知らせ.docx"
    document = docx.Document()
    document.add_paragraph("市民の皆さまへのお知らせ")
    document.save(str(letter))
    page = upload(client, "/draft", letter)
    assert page.status_code == 400 and "お知らせ.docx" in page.text and "進捗管理報告書" in page.text


def test_an_empty_file_and_a_missing_file_are_refused_in_japanese(client: TestClient, tmp_path: Path) -> None:
    empty = tmp_path / "空.docx"
    empty.write_bytes(b"")
    page = upload(client, "/draft", empty)
    assert page.status_code == 400 and "空.docx：ファイルが空です" in page.text
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    page = client.post("/draft", data={"csrf_token": token})
    assert page.status_code == 400 and "ファイルが選ばれていません" in page.text


def test_an_upload_over_20_mb_is_refused_before_it_is_read(client: TestClient, app: Any) -> None:
    token = app.state.csrf_token
    big = io.BytesIO(b"PK" + b"\0" * MAX_UPLOAD_BYTES)
    page = client.post("/draft", data={"csrf_token": token}, files={"file": ("大きい.docx", big, DOCX_TYPE)})
    assert page.status_code == 413
    assert "ファイルが大きすぎます（20 MB まで）" in page.text
    assert jobs_left(app) == []
    assert upload(client, "/draft", EXAMPLE).status_code == 200, "the next upload is served"


def test_a_streamed_upload_without_length_is_cut_at_the_limit(tmp_path: Path) -> None:
    """Chunked bodies (no Content-Length) are counted as they arrive and cut at the limit.

    Driven at ASGI level: the test client would read the whole body before the app sees it.
    """
    limit = 64 * 1024
    small = create_app(tmp_path, max_upload_bytes=limit)
    pulled: list[int] = []
    sent: list[dict[str, Any]] = []

    part_header = (
        b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.docx"\r\n'
        b"Content-Type: application/octet-stream\r\n\r\n"
    )

    async def receive() -> dict[str, Any]:
        pulled.append(1)  # a valid part, then 100 × 16 KiB = 1.6 MB of file data offered
        body = part_header if len(pulled) == 1 else b"x" * 16 * 1024
        return {"type": "http.request", "body": body, "more_body": len(pulled) < 101}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/draft",
        "raw_path": b"/draft",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8765"), (b"content-type", b"multipart/form-data; boundary=b")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8765),
        "app": small,
    }
    asyncio.run(small(scope, receive, send))
    assert sent[0]["status"] == 413
    assert "ファイルが大きすぎます" in b"".join(m.get("body", b"") for m in sent[1:]).decode("utf-8")
    # the header and four chunks pass 64 KiB: the fifth pull is the last
    assert len(pulled) == 1 + limit // (16 * 1024), "reading stops at the first chunk past the limit"
    small.state.store.close()


def test_an_unexpected_error_shows_a_japanese_page_without_traceback(
    app: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(source: object) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(api, "read", broken)
    with TestClient(app, base_url=LOCAL, raise_server_exceptions=False) as client:
        page = upload(client, "/draft", EXAMPLE)
        assert page.status_code == 500
        assert "予期しない問題が発生しました" in page.text
        assert "Traceback" not in page.text and "secret internal detail" not in page.text
        assert client.get("/").status_code == 200


def test_unknown_pages_and_methods_answer_in_japanese(client: TestClient) -> None:
    missing = client.get("/nothing-here")
    assert missing.status_code == 404 and "お探しのページやファイルはありません" in missing.text
    wrong = client.put("/draft")
    assert wrong.status_code == 405 and "この操作はこのページではできません" in wrong.text
    forged = client.get("/download/AAAAAAAAAAAAAAAAAAAAAA/..%2F..%2Fetc%2Fpasswd")
    assert forged.status_code == 404


# --------------------------------------------------------------------------- Host check, CSRF


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.1:8765", "localhost:8765", "LOCALHOST"])
def test_the_local_addresses_are_served(client: TestClient, host: str) -> None:
    assert client.get("/", headers={"host": host}).status_code == 200


@pytest.mark.parametrize(
    "host", ["attacker.example", "attacker.example:8765", "127.0.0.1.attacker.example", "x@127.0.0.1", ""]
)
def test_other_host_names_are_refused_against_dns_rebinding(client: TestClient, host: str) -> None:
    page = client.get("/", headers={"host": host})
    assert page.status_code == 400
    assert "http://127.0.0.1 のアドレスで開いてください" in page.text


def test_an_upload_under_a_rebound_host_name_is_refused(client: TestClient, app: Any) -> None:
    token = app.state.csrf_token
    files = {"file": ("r5_report.docx", EXAMPLE.read_bytes(), DOCX_TYPE)}
    page = client.post(
        "/draft", data={"csrf_token": token}, files=files, headers={"host": "attacker.example:8765"}
    )
    assert page.status_code == 400 and jobs_left(app) == []


@pytest.mark.parametrize("token", [None, "", "wrong-token"])
@pytest.mark.parametrize("path", ["/draft", "/status", "/finalize"])
def test_a_form_without_the_csrf_token_is_refused(
    client: TestClient, app: Any, path: str, token: str | None
) -> None:
    data = {} if token is None else {"csrf_token": token}
    files = {"file": ("r5_report.docx", EXAMPLE.read_bytes(), DOCX_TYPE)}
    page = client.post(path, data=data, files=files)
    assert page.status_code == 403 and "フォームの確認用の値が正しくありません" in page.text
    assert jobs_left(app) == []


def test_a_post_from_a_foreign_origin_is_refused_even_with_the_token(client: TestClient, app: Any) -> None:
    token = app.state.csrf_token
    files = {"file": ("r5_report.docx", EXAMPLE.read_bytes(), DOCX_TYPE)}
    for origin in ("http://attacker.example", "null", "https://127.0.0.1.attacker.example"):
        page = client.post("/draft", data={"csrf_token": token}, files=files, headers={"origin": origin})
        assert page.status_code == 403, origin
    page = client.post("/draft", data={"csrf_token": token}, files=files, headers={"origin": LOCAL + ":8765"})
    assert page.status_code == 200


def test_every_form_on_every_screen_carries_the_csrf_token(client: TestClient, r6_draft: Path) -> None:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    pages = {path: client.get(path).text for path in ("/", "/draft", "/status", "/finalize")}
    pages["draft result"] = upload(client, "/draft", EXAMPLE).text
    pages["status result"] = upload(client, "/status", r6_draft).text
    pages["finalize preview"] = upload(client, "/finalize", r6_draft).text
    forms = 0
    for where, html in pages.items():
        for form in re.findall(r"<form.*?</form>", html, re.DOTALL):
            forms += 1
            assert 'method="post"' in form, where
            assert f'<input type="hidden" name="csrf_token" value="{token}">' in form, where
    # three upload forms, the finalize form, a 削除 button per result, and the preview button when
    # LibreOffice and pdftoppm are there
    assert forms == 4 + 3 + (1 if tools_present("soffice", "pdftoppm") else 0)


def test_result_and_error_screens_say_in_one_sentence_what_they_show(
    client: TestClient, app: Any, r6_draft: Path, tmp_path: Path
) -> None:
    screens = {
        "draft result": upload(client, "/draft", EXAMPLE).text,
        "status result": upload(client, "/status", r6_draft).text,
        "finalize preview": upload(client, "/finalize", r6_draft).text,
        "error": upload(client, "/draft", hostile_files(tmp_path)["text"][0]).text,
    }
    action = re.search(r'action="(/finalize/[^"]+)"', screens["finalize preview"])
    assert action is not None
    refused = client.post(action.group(1), data={"csrf_token": app.state.csrf_token, "kind": "final"})
    screens["finalize refused"] = refused.text
    for where, html in screens.items():
        sentence = lead_sentence(html)
        assert sentence.count("。") == 1 and sentence.endswith("。"), (where, sentence)


def test_each_app_has_its_own_csrf_token(tmp_path: Path) -> None:
    first, second = create_app(tmp_path), create_app(tmp_path)
    assert len(first.state.csrf_token) >= 32 and first.state.csrf_token != second.state.csrf_token


def test_preview_and_finalize_posts_need_the_token_too(client: TestClient) -> None:
    html = upload(client, "/draft", EXAMPLE).text
    draft_link = download_links(html)[0]
    preview = draft_link.replace("/download/", "/preview/")
    assert client.post(preview, data={"csrf_token": "wrong"}).status_code == 403
    assert client.post("/finalize/AAAAAAAAAAAAAAAAAAAAAA", data={"kind": "final"}).status_code == 403


# --------------------------------------------------------------------------- concurrency, clean-up


def test_concurrent_uploads_never_mix(app: Any, r6_published: Path) -> None:
    """Six uploads at once (three of each year): each page and each draft belongs to its own file."""
    import httpx2

    token = app.state.csrf_token
    sources = {f"r5_{n}.docx": (EXAMPLE, "令和6年度") for n in range(3)}
    sources |= {f"r6_{n}.docx": (r6_published, "令和7年度") for n in range(3)}

    async def one(client: httpx2.AsyncClient, name: str, file: Path) -> tuple[str, str, bytes]:
        files = {"file": (name, file.read_bytes(), DOCX_TYPE)}
        page = await client.post("/draft", data={"csrf_token": token}, files=files)
        assert page.status_code == 200, page.text
        got = await client.get(download_links(page.text)[0])
        return name, page.text, got.content

    async def all_at_once() -> list[tuple[str, str, bytes]]:
        transport = httpx2.ASGITransport(app=app)
        async with httpx2.AsyncClient(transport=transport, base_url=LOCAL, follow_redirects=True) as client:
            return await asyncio.gather(*(one(client, name, file) for name, (file, _) in sources.items()))

    results = asyncio.run(all_at_once())
    for name, html, content in results:
        others = [other for other in sources if other != name]
        assert f"「{name}」" in html and not any(f"「{other}」" in html for other in others)
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            body = package.read("word/document.xml").decode("utf-8")
        assert sources[name][1] in body, name
    app.state.store.close()


def test_results_are_kept_however_many_uploads_follow(client: TestClient, app: Any) -> None:
    """Nothing is swept by age: a result stays until its 削除 or the server's end."""
    first = upload(client, "/draft", EXAMPLE)
    upload(client, "/draft", EXAMPLE)
    assert len(jobs_left(app)) == 2
    assert client.get(download_links(first.text)[0]).status_code == 200


def test_every_upload_and_output_is_deleted_when_the_app_stops(app: Any) -> None:
    with TestClient(app, base_url=LOCAL) as client:
        upload(client, "/draft", EXAMPLE)
        root = app.state.store.root
        assert any(root.rglob("*.docx"))
    assert not root.exists()


# --------------------------------------------------------------------------- the server process


def test_the_socket_listens_on_127_0_0_1_only() -> None:
    sock = bind_socket(None)
    try:
        host, port = sock.getsockname()
        assert host == "127.0.0.1" and port > 0
        with pytest.raises(ServeError, match=r"ポート \d+ は使えません"):
            bind_socket(port)
    finally:
        sock.close()


def test_the_browser_is_opened_only_once_the_server_has_started(monkeypatch: pytest.MonkeyPatch) -> None:
    from komae_docx.frontends.web import server as web_server

    opened: list[str] = []
    monkeypatch.setattr(web_server.webbrowser, "open", opened.append)

    class Starting:
        started = False

    starting = Starting()
    waiter = threading.Thread(target=web_server._open_when_started, args=(starting, "http://127.0.0.1:1/"))
    waiter.start()
    waiter.join(0.3)
    assert opened == [] and waiter.is_alive()
    starting.started = True
    waiter.join(5)
    assert opened == ["http://127.0.0.1:1/"]


def test_a_serve_folder_left_behind_is_deleted_at_the_next_start(tmp_path: Path) -> None:
    from komae_docx.frontends.web.server import LEFTOVER_AGE_SECONDS, remove_leftover_folders

    left, running = tmp_path / "komae-docx-serve-old", tmp_path / "komae-docx-serve-new"
    other = tmp_path / "x"
    for folder in (left, running, other):
        (folder / "job").mkdir(parents=True)
    long_ago = time.time() - LEFTOVER_AGE_SECONDS - 60
    os.utime(left, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    remove_leftover_folders(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["komae-docx-serve-new", "x"]


def listening_addresses(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp) with a listening socket on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, _, hex_port = local.partition(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.append(address)
    return found


@pytest.mark.skipif(sys.platform == "win32", reason="Ctrl+C is sent as SIGINT")
def test_serve_prints_its_address_serves_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    code = "from komae_docx.frontends.web.server import run; raise SystemExit(run(None, False))"
    server = subprocess.Popen(
        [sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert server.stdout is not None
        first = server.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert match is not None, first + (server.stderr.read() if server.stderr else "")
        port = int(match.group(1))
        if os.path.exists("/proc/net/tcp"):
            assert listening_addresses(port) == ["0100007F"], "bound to 127.0.0.1 and nothing else"
        with urllib.request.urlopen(match.group(0) + "draft", timeout=10) as page:
            assert "翌年度の案を作る" in page.read().decode("utf-8")
        assert list(tmp_path.glob("komae-docx-serve-*")), "the temporary folder exists while serving"
        server.send_signal(signal.SIGINT)
        out, err = server.communicate(timeout=20)
    finally:
        if server.poll() is None:
            server.kill()
    assert server.returncode == 0, err
    assert "終了しました" in out and "Traceback" not in err
    assert list(tmp_path.iterdir()) == [], "the temporary folder is gone"
