"""The LibreOffice adapter, where the parts of a report fall in its layout, and ``check --layout``.

One conversion of the example and one of each edited copy (a page break typed into 序章, as staff do
with Ctrl+Enter; lines typed into a sheet's last Act cell until it runs over) are shared by the
module: each costs seconds.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import Report, read_report
from komae_docx.api import check, read
from komae_docx.checks import check_layout
from komae_docx.errors import KomaeDocxError, LayoutError
from komae_docx.layout import convert_to_pdf, libreoffice_available, pdf_page_texts
from komae_docx.pagemap import footer_number, locate

from .conftest import EXAMPLE
from .docx_checks import soffice
from .docx_edit import W, paragraph_with_text, rewrite_part

BREAK_BEFORE = "本計画の実効性を担保"
"""序章 1's second paragraph: a page break typed before it pushes everything after down a page."""


@pytest.fixture(scope="module")
def example_pages(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    soffice()
    return pdf_page_texts(convert_to_pdf(EXAMPLE, tmp_path_factory.mktemp("example")))


@pytest.fixture(scope="module")
def shifted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    soffice()
    out = tmp_path_factory.mktemp("shifted")

    def page_break(root: etree._Element) -> None:
        p = paragraph_with_text(root, BREAK_BEFORE)
        run = etree.Element(f"{W}r")
        etree.SubElement(run, f"{W}br").set(f"{W}type", "page")
        ppr = p.find(f"{W}pPr")
        (ppr.addnext if ppr is not None else lambda el: p.insert(0, el))(run)

    docx = rewrite_part(EXAMPLE, out / "shifted.docx", "word/document.xml", page_break)
    return docx, pdf_page_texts(convert_to_pdf(docx, out))


# ---- layout.py


def test_the_example_converts_to_its_39_pages(example_pages: list[str]) -> None:
    assert libreoffice_available()
    assert len(example_pages) == 39
    assert "目次" in example_pages[1]
    assert footer_number(example_pages[12]) == 11 and "1 地域福祉計画" in example_pages[12]
    assert footer_number(example_pages[0]) is None  # the cover prints no number


def test_convert_never_trusts_a_stale_pdf_or_the_exit_code(tmp_path: Path) -> None:
    soffice()
    not_a_document = tmp_path / "broken.docx"
    not_a_document.write_bytes(b"PK\x03\x04 this is no zip")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "broken.pdf").write_bytes(b"%PDF-1.4 stale")
    with pytest.raises(LayoutError) as info:
        convert_to_pdf(not_a_document, tmp_path / "out")
    assert "PDF を作れませんでした" in str(info.value) and "broken.docx" in str(info.value)
    assert isinstance(info.value, KomaeDocxError) and info.value.exit_code == 2


def test_a_missing_libreoffice_is_a_japanese_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("komae_docx.layout.shutil.which", lambda name: None)
    assert not libreoffice_available()
    with pytest.raises(LayoutError, match="LibreOffice（soffice）が見つかりません"):
        convert_to_pdf(EXAMPLE, tmp_path)
    with pytest.raises(LayoutError, match="LibreOffice"):
        check(EXAMPLE, layout=True)


def test_a_hung_conversion_times_out(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr("komae_docx.layout.shutil.which", lambda name: "/usr/bin/" + name)

    def hang(*args: object, **kwargs: object) -> None:
        raise subprocess.TimeoutExpired(cmd="soffice", timeout=1)

    monkeypatch.setattr("komae_docx.layout.subprocess.run", hang)
    with pytest.raises(LayoutError, match="1 秒以内に"):
        convert_to_pdf(EXAMPLE, tmp_path, timeout=1)


def test_a_layout_check_needs_a_file() -> None:
    with pytest.raises(LayoutError, match="ファイル"):
        check(read(EXAMPLE), layout=True)


# ---- pagemap: where sheets and headings fall


def test_every_sheet_and_heading_is_found_where_the_example_prints_it(
    report: Report, example_pages: list[str]
) -> None:
    pages = locate(report, example_pages)
    assert [pages.headings[i] for i in range(len(report.toc))] == [int(e.page) for e in report.toc]
    summary_pages = {  # what the 評価総括表 prints, e.g. 12～13: the measure's sheets
        row.measure: row.page
        for plan in report.plans
        if plan.summary
        for g in plan.summary.groups
        for row in g.rows
    }
    assert summary_pages["1－(2)－①"] == "12～13"
    welfare = report.plans[0]
    assert [pages.sheet_page(welfare, s.index) for s in welfare.sheets] == list(range(11, 18))
    layered = report.plans[1]
    assert [pages.sheet_page(layered, s.index) for s in layered.sheets] == list(range(21, 31))


def test_the_published_example_is_true_to_its_layout(report: Report, example_pages: list[str]) -> None:
    assert check_layout(report, example_pages) == []


# ---- check --layout on a copy whose layout moved


def test_a_typed_page_break_is_found_in_every_printed_reference(shifted: tuple[Path, list[str]]) -> None:
    docx, texts = shifted
    model = read_report(docx)
    assert len(texts) == 40
    findings = check_layout(model, texts)
    by_code: dict[str, list[object]] = {}
    for finding in findings:
        assert finding.severity == "error", finding.describe()
        by_code.setdefault(finding.code, []).append(finding)
    # 目次: everything from 「2 本報告書の構成」 on moved one page down
    toc = {f.location.column: (f.expected, f.found) for f in findings if f.code == "layout.toc"}
    assert toc == {f"{e.label} {e.title}": (str(int(e.page) + 1), e.page) for e in model.toc[2:]}
    # 評価総括表: every measure's pages, one down
    rows = [
        (row.measure, row.page)
        for plan in model.plans
        if plan.summary
        for g in plan.summary.groups
        for row in g.rows
    ]
    summary = sorted((f.found, f.expected) for f in findings if f.code == "layout.summary_pages")
    assert summary == sorted((page, _plus_one(page)) for _, page in rows)
    # 「詳細はP.21からP.30までを参照」 on 1－(1)'s sheet: both targets moved
    refs = {(f.found, f.expected) for f in findings if f.code == "layout.page_ref"}
    assert {("P.21", "P.22"), ("P.30", "P.31")} <= refs
    assert set(by_code) == {"layout.toc", "layout.summary_pages", "layout.page_ref"}


def test_check_layout_through_the_api(shifted: tuple[Path, list[str]]) -> None:
    docx, _ = shifted
    codes = {f.code for f in check(docx, layout=True).value}
    assert {"layout.toc", "layout.summary_pages", "layout.page_ref"} <= codes
    assert not {f.code for f in check(docx).value} & {"layout.toc", "layout.summary_pages", "layout.page_ref"}


def _plus_one(pages: str) -> str:
    """「12～13」 → 「13～14」, 「22」 → 「23」."""
    return "～".join(str(int(part) + 1) for part in pages.split("～"))


@pytest.mark.parametrize(
    ("text", "pages"),
    [
        ("(詳細はP.21からP.30までを参照)", ["21", "30"]),
        ("詳細はP-13参照", ["13"]),
        ("詳細はＰ．２１参照", ["21"]),
        ("PDCAサイクルで進めます", []),
        ("令和5年度", []),
    ],
)
def test_page_references_as_staff_write_them(text: str, pages: list[str]) -> None:
    from komae_docx.checks import PAGE_REF
    from komae_docx.textnorm import fold_width

    assert [m.group(1) for m in PAGE_REF.finditer(fold_width(text))] == pages


# ---- a sheet whose text grew runs onto a second page

GROWN_ROW_LAST_ACT = "今後も、クラウドファンディング等の民間財源"
"""2－(3)'s sheet (page 16): the last row's Act; lines typed before it push it onto page 17."""


@pytest.fixture(scope="module")
def grown(tmp_path_factory: pytest.TempPathFactory) -> tuple[Report, list[str]]:
    soffice()
    out = tmp_path_factory.mktemp("grown")

    def long_act(root: etree._Element) -> None:
        last = paragraph_with_text(root, GROWN_ROW_LAST_ACT)
        for n in range(1, 16):
            typed = etree.Element(f"{W}p")
            run = etree.SubElement(typed, f"{W}r")
            etree.SubElement(run, f"{W}t").text = f"追記した課題その{n}について検討する。"
            last.addprevious(typed)

    docx = rewrite_part(EXAMPLE, out / "grown.docx", "word/document.xml", long_act)
    return read_report(docx), pdf_page_texts(convert_to_pdf(docx, out))


def test_a_sheet_that_runs_over_covers_both_pages(grown: tuple[Report, list[str]]) -> None:
    model, texts = grown
    pages = locate(model, texts)
    welfare, layered = model.plans
    assert [pages.sheet_pages(welfare, s.index) for s in welfare.sheets] == [
        [11],
        [12],
        [13],
        [14],
        [15],
        [16, 17],
        [18],
    ]
    assert pages.sheet_pages(layered, 0) == [22]  # everything after moved one page down
    findings = {f.expected for f in check_layout(model, texts) if f.code == "layout.summary_pages"}
    assert "16～17" in findings and "18" in findings and "12～13" not in findings
