"""publish: the accessible PDF and the open data for the city's website (issue 25).

The open data is checked against the FY2023 report as published (../shared/seed): 13 measures,
grades AAAAC (地域福祉計画) and AAAAAABA (重層的支援体制整備事業実施計画), 狛江市's code 132195.
The PDF is checked by two checkers nobody here wrote (``pdfua``, ``outloud``, from PyPI), on the
example's PDF and on a PDF of a report made by ``finalize``.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from komae_docx import api
from komae_docx.errors import LayoutError, WrongFileKindError
from komae_docx.frontends.cli import main
from komae_docx.layout import convert_to_pdf, libreoffice_available, pdf_page_texts
from komae_docx.website.opendata import City, json_schema

from .conftest import EXAMPLE, corpus_files
from .filler import fill_draft, hand_results, last_years_fill

needs_libreoffice = pytest.mark.skipif(not libreoffice_available(), reason="LibreOffice がありません")
BIN = Path(sys.executable).parent
EXAMPLE_BEFORE = EXAMPLE.read_bytes()


def read_csv(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM, so Excel opens the Japanese intact"
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


# --------------------------------------------------------------------------- open data (no LibreOffice)


@pytest.fixture(scope="module")
def data_only(tmp_path_factory: pytest.TempPathFactory) -> api.Published:
    folder = tmp_path_factory.mktemp("opendata") / "web"
    return api.publish(EXAMPLE, folder, pdf=False).value


def test_the_measures_csv_has_the_reports_thirteen_grades(data_only: api.Published) -> None:
    assert data_only.measures_csv is not None
    rows = read_csv(data_only.measures_csv)
    assert len(rows) == 13
    welfare = [r["評価"] for r in rows if r["計画"] == "地域福祉計画"]
    layered = [r["評価"] for r in rows if r["計画"] == "重層的支援体制整備事業実施計画"]
    assert "".join(welfare) == "AAAAC"
    assert "".join(layered) == "AAAAAABA"


def test_every_row_starts_with_the_city_and_the_year_in_both_calendars(data_only: api.Published) -> None:
    assert data_only.measures_csv is not None and data_only.projects_csv is not None
    for path in (data_only.measures_csv, data_only.projects_csv):
        header = path.read_bytes().decode("utf-8-sig").splitlines()[0].split(",")
        lead = ["全国地方公共団体コード", "都道府県名", "市区町村名", "年度（和暦）", "年度（西暦）"]
        assert header[:5] == lead
        for row in read_csv(path):
            assert (row["全国地方公共団体コード"], row["都道府県名"], row["市区町村名"]) == (
                "132195",
                "東京都",
                "狛江市",
            )
            assert (row["年度（和暦）"], row["年度（西暦）"]) == ("令和5年度", "2023")


def test_measure_rows_as_the_report_prints_them(data_only: api.Published) -> None:
    assert data_only.measures_csv is not None
    rows = {r["施策番号"]: r for r in read_csv(data_only.measures_csv)}
    # 評価総括表: 1－(2)－① on pages 12～13, 3－(1) graded C on page 17 (the seed text).
    assert rows["1－(2)－①"]["掲載頁"] == "12～13"
    assert rows["3－(1)"]["評価"] == "C"
    assert rows["3－(1)"]["掲載頁"] == "17"
    assert rows["3－(1)"]["施策"] == "災害時の福祉避難所の円滑な運営体制を整備します。"
    # a report from before this tool has no per-project results: no counts, the printed grade
    assert rows["3－(1)"]["達成数"] == "" and rows["3－(1)"]["評価の出典"] == "報告書に記載の評価"
    assert rows["7"]["施策"] == "アウトリーチ等事業の実施" and rows["7"]["評価"] == "B"


def test_project_rows_name_the_departments_and_leave_results_empty(data_only: api.Published) -> None:
    assert data_only.projects_csv is not None and data_only.explanation is not None
    rows = read_csv(data_only.projects_csv)
    first = rows[0]
    assert first["施策番号"] == "1－(1)" and first["事業記号"] == "a"
    assert first["担当課コード"] == "福" and first["担当課名"] == "福祉政策課"
    assert first["事業内容（Plan）"].startswith("重層的支援体制整備事業の実施に向けて")
    assert all(row["結果"] == "" for row in rows)
    assert len({(row["計画"], row["施策番号"]) for row in rows}) == 13, "every measure has its projects"
    note = data_only.explanation.read_bytes().decode("utf-8-sig")
    assert "事業ごとの結果の記録がありません" in note
    for column in ("全国地方公共団体コード", "掲載頁", "担当課名", "結果"):
        assert f"{column}：" in note


def test_a_cell_with_a_comma_or_a_line_break_is_quoted() -> None:
    from komae_docx.website.opendata import csv_bytes

    data = csv_bytes([["a", "b"], ["1,2", "上\n下"]])
    assert data == '\ufeffa,b\r\n"1,2","上\n下"\r\n'.encode()


def test_another_city_passes_its_own_code(tmp_path: Path) -> None:
    made = api.publish(EXAMPLE, tmp_path / "web", pdf=False, city=City("131016", "東京都", "千代田区")).value
    assert made.measures_csv is not None
    assert {r["全国地方公共団体コード"] for r in read_csv(made.measures_csv)} == {"131016"}


def test_komae_docx_schema_opendata_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "opendata"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == json_schema()
    assert "全国地方公共団体コード" in printed["$defs"]["施策"]["required"]


def test_the_schema_lists_the_csv_columns_in_order(data_only: api.Published) -> None:
    schema = json_schema()
    assert data_only.measures_csv is not None
    header = data_only.measures_csv.read_bytes().decode("utf-8-sig").splitlines()[0].split(",")
    assert schema["$defs"]["施策"]["x-column-order"] == header
    assert schema["$defs"]["事業"]["properties"]["年度（西暦）"]["type"] == ["integer", "null"]


# --------------------------------------------------------------------------- refusals and no LibreOffice


def test_a_draft_is_refused_by_kind_and_nothing_is_written(tmp_path: Path) -> None:
    draft = api.draft(EXAMPLE, tmp_path / "r6_draft.docx").value.path
    with pytest.raises(WrongFileKindError) as refused:
        api.publish(draft, tmp_path / "web", pdf=False)
    assert "記入前の報告書（案）" in str(refused.value)
    assert not (tmp_path / "web").exists()
    assert main(["publish", str(draft), "-o", str(tmp_path / "web"), "--data-only"]) == 2


def test_without_libreoffice_the_data_is_written_and_the_pdf_explained(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("komae_docx.layout.libreoffice_available", lambda: False)
    with pytest.raises(LayoutError, match="LibreOffice"):
        api.publish(EXAMPLE, tmp_path / "pdf", data=False)
    assert not (tmp_path / "pdf").exists()
    assert main(["publish", str(EXAMPLE), "-o", str(tmp_path / "pdf"), "--pdf-only"]) == 2
    made = api.publish(EXAMPLE, tmp_path / "web")
    assert made.value.pdf is None and made.value.measures_csv is not None
    assert [m.code for m in made.messages] == ["publish.no_libreoffice"]
    assert "インストール" in made.messages[0].text
    assert sorted(p.name for p in (tmp_path / "web").iterdir()) == [
        "r5_report_事業.csv",
        "r5_report_施策.csv",
        "r5_report_説明.txt",
    ]


def test_an_existing_file_is_not_overwritten_and_nothing_else_is_written(tmp_path: Path) -> None:
    folder = tmp_path / "web"
    folder.mkdir()
    (folder / "r5_report_事業.csv").write_text("city's own", encoding="utf-8")
    assert main(["publish", str(EXAMPLE), "-o", str(folder), "--data-only"]) == 2
    assert sorted(p.name for p in folder.iterdir()) == ["r5_report_事業.csv"]
    assert (folder / "r5_report_事業.csv").read_text(encoding="utf-8") == "city's own"


# --------------------------------------------------------------------------- the PDF


def pdfua_check(pdf: Path) -> tuple[int, str]:
    done = subprocess.run(
        [str(BIN / "pdfua"), "check", str(pdf)], capture_output=True, text=True, timeout=300
    )
    return done.returncode, done.stdout


def outloud_fails(pdf: Path) -> dict[str, list[str]]:
    """The failing PDF/UA-1 checkpoints and WCAG 2.2 A/AA criteria of outloud's criteria view."""
    done = subprocess.run(
        [str(BIN / "outloud"), "--json", "-", "--criteria", "-q", "--fail-on", "never", str(pdf)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    criteria = json.loads(done.stdout)["results"][0]["criteria"]
    return {name: [c["id"] for c in items if c["status"] == "fail"] for name, items in criteria.items()}


@pytest.fixture(scope="module")
def example_pdf(tmp_path_factory: pytest.TempPathFactory) -> api.Published:
    if not libreoffice_available() or not shutil.which("pdftoppm"):
        pytest.skip("LibreOffice がありません")
    return api.publish(EXAMPLE, tmp_path_factory.mktemp("publish") / "web").value


@needs_libreoffice
def test_the_example_pdf_passes_both_checkers(example_pdf: api.Published) -> None:
    assert example_pdf.pdf is not None
    code, text = pdfua_check(example_pdf.pdf)
    assert code == 0, text
    assert outloud_fails(example_pdf.pdf) == {"pdfua1": [], "wcag22": []}


@needs_libreoffice
def test_viewer_page_17_is_the_page_the_summary_calls_17(example_pdf: api.Published) -> None:
    assert example_pdf.pdf is not None
    texts = pdf_page_texts(example_pdf.pdf, layout=False)
    with pikepdf.open(example_pdf.pdf) as pdf:
        labels = pikepdf.NumberTree(pdf.Root.PageLabels)
        assert len(pdf.pages) == 39
        assert pdf.Root.Lang == "ja-JP"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert str(pdf.docinfo["/Title"]).endswith("令和5年度報告書")
        assert str(labels[0].P) == "表紙" and str(labels[1].P) == "目次"
    page_17 = example_pdf.page_labels.index("17")
    # 評価総括表: 3－(1) 「災害時の福祉避難所…」 is on 17頁
    assert "災害時の福祉避難所" in "".join(texts[page_17].split())
    assert example_pdf.page_labels[:3] == ["表紙", "目次", "1"]
    assert example_pdf.page_labels[-1] == "奥付"


def page_images(pdf: Path, folder: Path) -> list[bytes]:
    """Every page at 60 dpi in grey (pdftoppm's PGM: plain bytes to compare)."""
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "60", "-gray", str(pdf), str(folder / "p")], check=True, timeout=300)
    return [path.read_bytes() for path in sorted(folder.glob("p-*.pgm"))]


@needs_libreoffice
def test_the_pages_look_like_the_reports_under_libreoffice(
    example_pdf: api.Published, tmp_path: Path
) -> None:
    """Same page count (39), and every page drawn the same as the report's: the copy's edits (alt
    text, header rows, title, the Japanese text's language) move no line and no break."""
    assert example_pdf.pdf is not None
    plain = convert_to_pdf(EXAMPLE, tmp_path)
    report = page_images(plain, tmp_path / "report")
    published = page_images(example_pdf.pdf, tmp_path / "published")
    assert len(published) == len(report) == 39
    different = [i + 1 for i, (a, b) in enumerate(zip(report, published, strict=True)) if a != b]
    assert different == []


@needs_libreoffice
def test_the_summary_rows_are_read_in_order(example_pdf: api.Published) -> None:
    assert example_pdf.pdf is not None
    texts = ["".join(t.split()) for t in pdf_page_texts(example_pdf.pdf, layout=False)]
    page = next(t for t in texts if "評価総括表" in t and "1－(2)－①" in t)
    order = ["1－(1)", "1－(2)－①", "1－(2)－③", "2－(3)", "3－(1)"]
    positions = [page.index(ref) for ref in order]
    assert positions == sorted(positions)


@needs_libreoffice
def test_bookmarks_follow_the_chapters_and_sheets(example_pdf: api.Published) -> None:
    assert example_pdf.pdf is not None
    with pikepdf.open(example_pdf.pdf) as pdf, pdf.open_outline() as outline:
        top = [item.title for item in outline.root]
        chapter1 = next(item for item in outline.root if item.title.startswith("第1章"))
        plans = [(item.title, len(item.children)) for item in chapter1.children]
    assert top[:2] == ["目次", "序章\u3000はじめに"]
    assert any(title.startswith("第2章") for title in top)
    assert plans == [("1 地域福祉計画", 7), ("2 重層的支援体制整備事業実施計画", 10)]


@needs_libreoffice
def test_the_schedule_figures_say_what_happens_when(example_pdf: api.Published) -> None:
    assert example_pdf.pdf is not None
    with pikepdf.open(example_pdf.pdf) as pdf:
        alts = [str(obj.Alt) for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and "/Alt" in obj]
    assert "進捗評価の流れ：5月 市民福祉推進委員会①（報告書(案)を審議）" in alts
    assert "進捗評価の流れ：10月 報告書をHPに公開" in alts


@needs_libreoffice
def test_the_input_is_not_changed(example_pdf: api.Published) -> None:
    """The alt texts, header rows and title went into a copy: the city's file is as it was."""
    assert example_pdf.pdf is not None
    assert EXAMPLE.read_bytes() == EXAMPLE_BEFORE


@needs_libreoffice
def test_a_finalized_report_publishes_with_its_results(tmp_path: Path) -> None:
    last_year = api.read(EXAMPLE).value
    draft = api.draft(EXAMPLE, tmp_path / "r6_draft.docx").value.path
    fill = last_years_fill(last_year, api.read(draft).value, results=hand_results(), number="R7-15")
    filled = fill_draft(draft, tmp_path / "r6_filled.docx", fill)
    report = api.finalize(filled, tmp_path / "r6_report.docx", pages="libreoffice").value
    assert report.path is not None
    made = api.publish(report.path, tmp_path / "web").value
    assert made.pdf is not None and made.projects_csv is not None and made.measures_csv is not None
    code, text = pdfua_check(made.pdf)
    assert code == 0, text
    assert outloud_fails(made.pdf) == {"pdfua1": [], "wcag22": []}
    projects = read_csv(made.projects_csv)
    assert {row["年度（和暦）"] for row in projects} == {"令和6年度"}
    # finalize keeps each project's result in the file, as the departments chose it
    assert {row["事業ID"]: row["結果"] for row in projects} == hand_results()
    measures = {r["施策番号"]: r for r in read_csv(made.measures_csv)}
    assert measures["3－(1)"]["達成割合"] == "1/3（33.3%）"
    assert measures["3－(1)"]["評価の出典"] == "事業ごとの結果から算出"


@pytest.mark.parametrize("document", corpus_files(), ids=lambda path: path.name)
def test_a_document_that_is_no_report_is_refused_without_a_traceback(
    document: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """../shared/corpus: real .docx from other tools, none a progress report (skipped when absent)."""
    assert main(["publish", str(document), "-o", str(tmp_path / "web")]) == 2
    assert not (tmp_path / "web").exists()
    error = capsys.readouterr().err
    assert error.startswith("エラー：") and "Traceback" not in error


def test_a_drawing_that_shows_nothing_is_marked_decorative() -> None:
    from lxml import etree

    from komae_docx.website.accessible import ADEC_NS, DECORATIVE_TEXT, WP_NS, describe_figures

    body = (
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
        f' xmlns:wp="{WP_NS}">'
        "<w:body><w:p><w:r><w:drawing><wp:anchor>"
        '<wp:docPr id="7" name="直線 7"/>'
        "</wp:anchor></w:drawing></w:r></w:p></w:body></w:document>"
    )
    document = etree.fromstring(body.encode())
    report = api.read(EXAMPLE).value
    assert describe_figures(document, report) == [DECORATIVE_TEXT]
    doc_pr = next(document.iter(f"{{{WP_NS}}}docPr"))
    assert doc_pr.get("descr") == DECORATIVE_TEXT
    assert next(doc_pr.iter(f"{{{ADEC_NS}}}decorative")).get("val") == "1"


@needs_libreoffice
@pytest.mark.parametrize("make", ["with_grid_after", "with_cell_content_control"])
def test_word_365s_habits_publish_as_cleanly(make: str, tmp_path: Path) -> None:
    """Rows Word shortened (``w:gridAfter``) and cells in content controls: every table's spans
    are still set (no ``publish.table_spans``) and both checkers pass."""
    from . import word365

    source = getattr(word365, make)(tmp_path)
    made = api.publish(source, tmp_path / "web")
    assert made.value.pdf is not None
    assert [m.code for m in made.messages] == []
    code, text = pdfua_check(made.value.pdf)
    assert code == 0, text
    assert outloud_fails(made.value.pdf) == {"pdfua1": [], "wcag22": []}
