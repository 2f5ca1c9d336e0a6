"""Issue 17: the published report is the city's report, and its results travel inside it.

The example's cycle through the command line: ``draft`` → filled as Word saves it (last year's
texts; results that give last year's grades, among them 「1/3」 and 「未達成」) → ``finalize``.
The published report's project Check cells are the example's (empty, or 「/」), only the grade
cells carry the evaluation, and ``grade`` of it reads the results kept in its Custom XML part.
"""

from __future__ import annotations

import json
import posixpath
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from komae_docx import api, read_report
from komae_docx.model import Report
from komae_docx.writing.draftmarks import SUMMARY_NOTE

from .conftest import EXAMPLE, writable_copy
from .docx_checks import audit_findings, pdf_pages, soffice
from .filler import expected_measures, fill_draft, fill_like_word, hand_results, last_years_fill
from .test_cli import run

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RESULTS_NS = "urn:komae-docx:results:1"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory, example_draft: Path) -> Path:
    """draft (the session's, tests/conftest.py; the draft command: test_cli_draft.py) → filled (number
    R7-15 typed) → finalize through the command line."""
    here = tmp_path_factory.mktemp("published_layout")
    writable_copy(example_draft, here / "r6_draft.docx")
    last = read_report(EXAMPLE)
    fill_like_word(here / "r6_draft.docx", here / "r6_filled.docx", last_year=last, number="R7-15")
    done = run("finalize", here / "r6_filled.docx", "-o", here / "r6_report.docx", "--pages", "fields")
    assert done.returncode == 0, done.stderr
    return here


def check_cells(report: Report) -> dict[str, list[str]]:
    return {project.id: [e.check for e in project.entries] for _, _, project in report.iter_projects()}


def letters(report: Report) -> list[str]:
    return ["".join(m.grade or "?" for m in plan.iter_measures()) for plan in report.plans]


def document_xml(path: Path) -> etree._Element:
    with zipfile.ZipFile(path) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def texts_of(path: Path) -> str:
    return "".join(t.text or "" for t in document_xml(path).iter(f"{W}t"))


# --------------------------------------------------------------------------- the city's layout


def test_the_results_filled_in_are_those_the_acceptance_names() -> None:
    chosen = hand_results()
    assert chosen["p1-3-1-1-b"] == "1/3" and chosen["p2-7-(2)"] == "未達成"


def test_the_published_reports_project_check_cells_are_the_examples(cycle: Path) -> None:
    published = read_report(cycle / "r6_report.docx")
    example = read_report(EXAMPLE)
    assert check_cells(published) == check_cells(example)
    assert check_cells(published)["p2-5-(1)"] == ["/"]  # the one cell the city marked
    every = [text for cells in check_cells(published).values() for text in cells]
    assert not {"達成", "未達成", "1/3", "未評価"} & set(every)


def test_only_the_grade_cells_carry_the_evaluation(cycle: Path) -> None:
    published = read_report(cycle / "r6_report.docx")
    assert letters(published) == ["AAAAC", "AAAAAABA"]
    assert letters(read_report(EXAMPLE)) == ["AAAAC", "AAAAAABA"]
    assert all(p.result is None for _, _, p in published.iter_projects())  # no controls left


def test_both_summary_tables_are_the_examples(cycle: Path) -> None:
    published, example = read_report(cycle / "r6_report.docx"), read_report(EXAMPLE)
    for ours, theirs in zip(published.plans, example.plans, strict=True):
        assert ours.summary is not None and theirs.summary is not None
        assert [(g.grade, g.count, [r.measure for r in g.rows]) for g in ours.summary.groups] == [
            (g.grade, g.count, [r.measure for r in g.rows]) for g in theirs.summary.groups
        ]
        assert ours.summary.total == theirs.summary.total
    groups = {g.grade: [r.measure for r in g.rows] for g in published.plans[0].summary.groups}  # type: ignore[union-attr]
    assert groups == {"A": ["1－(1)", "1－(2)－①", "1－(2)－③", "2－(3)"], "B": [], "C": ["3－(1)"], "D": []}


def test_the_drafts_marks_are_gone(cycle: Path) -> None:
    published = read_report(cycle / "r6_report.docx")
    assert published.cover.report_title == "令和6年度報告書"
    assert SUMMARY_NOTE not in texts_of(cycle / "r6_report.docx")
    assert published.publication.number == "R7-15"


def test_show_results_prints_the_results_in_the_check_cells(cycle: Path) -> None:
    out = cycle / "r6_report_shown.docx"
    done = run("finalize", cycle / "r6_filled.docx", "-o", out, "--pages", "fields", "--show-results")
    assert done.returncode == 0, done.stderr
    cells = check_cells(read_report(out))
    assert cells["p1-3-1-1-b"] == ["1/3"]
    assert cells["p2-7-(2)"] == ["未達成"]
    assert cells["p2-5-(1)"] == ["達成"]
    assert cells["p1-2-3-1-a"] == ["達成", "", ""]  # one result per project, on its first row


def test_finalize_help_documents_the_default() -> None:
    done = run("finalize", "-h")
    assert "市の様式どおり" in done.stdout and "--show-results" in done.stdout
    assert "Check 欄を元の報告書のまま" in done.stdout


# --------------------------------------------------------------------------- the results part


def results_part(path: Path) -> etree._Element:
    """The part the main document relates as customXml and whose root is in our namespace."""
    with zipfile.ZipFile(path) as archive:
        rels = etree.fromstring(archive.read("word/_rels/document.xml.rels"))
        targets = [
            rel.get("Target", "") for rel in rels if rel.get("Type", "").endswith("/relationships/customXml")
        ]
        for target in targets:
            name = target[1:] if target.startswith("/") else posixpath.normpath(f"word/{target}")
            root = etree.fromstring(archive.read(name))
            if root.tag == f"{{{RESULTS_NS}}}results":
                return root
    raise AssertionError(f"no results part in {path.name}")


def test_the_results_part_holds_each_projects_result_and_the_rule(cycle: Path) -> None:
    root = results_part(cycle / "r6_report.docx")
    assert root.get("stage") == "finalized" and root.get("fiscalYear") == "2024"
    projects = {p.get("id"): p for p in root.iter(f"{{{RESULTS_NS}}}project")}
    c = projects["p1-3-1-1-b"]
    assert (c.get("value"), c.get("achieved"), c.get("targets")) == ("1/3", "1", "3")
    assert projects["p2-7-(2)"].get("value") == "未達成"
    measures = {m.get("ref"): m for m in root.iter(f"{{{RESULTS_NS}}}measure")}
    assert measures["3－(1)"].get("grade") == "C" and measures["3－(1)"].get("share") == "1/3（33.3%）"
    criteria = [(c.get("letter"), c.get("lower")) for c in root.iter(f"{{{RESULTS_NS}}}criterion")]
    assert criteria == [("A", "70"), ("B", "40"), ("C", "20"), ("D", "0")]
    with zipfile.ZipFile(cycle / "r6_report.docx") as archive:
        types = archive.read("[Content_Types].xml").decode()
        props = [n for n in archive.namelist() if re.match(r"customXml/itemProps\d+\.xml$", n)]
        assert len(props) == 1 and f"/{props[0]}" in types
        assert RESULTS_NS in archive.read(props[0]).decode()


def test_grade_of_the_finalized_report_gives_the_grades_and_shares(cycle: Path) -> None:
    done = run("grade", cycle / "r6_report.docx")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ファイルの種類：仕上げた報告書（公表用）" in done.stdout
    assert "C       3－(1)（年次目標の達成 1/3（33.3%））" in done.stdout
    assert "B       7 アウトリーチ等事業の実施（年次目標の達成 1/2（50%））" in done.stdout
    assert "未確定" not in done.stdout
    data = json.loads(run("grade", cycle / "r6_report.docx", "--json").stdout)
    assert data["determined"] and data["kind"] == "finalized"
    assert ["".join(m["grade"] for m in plan["measures"]) for plan in data["plans"]] == ["AAAAC", "AAAAAABA"]
    shares = {m["ref"]: m["share"] for plan in data["plans"] for m in plan["measures"]}
    assert shares["3－(1)"] == "1/3（33.3%）" and shares["1－(1)"] == "1/1（100%）"
    assert shares == {m.ref: m.share for m in expected_measures()}  # the hand-written table


def test_status_and_check_read_the_results_part(cycle: Path) -> None:
    status = api.status(cycle / "r6_report.docx").value
    assert not status.items
    assert ["".join(g.letter or "?" for g in plan.measures) for plan in status.grades] == [
        "AAAAC",
        "AAAAAABA",
    ]
    done = run("check", cycle / "r6_report.docx")
    assert done.returncode == 0, done.stdout
    assert "ファイルの種類：仕上げた報告書（公表用）" in done.stdout


def test_check_finds_a_grade_changed_by_hand_after_finalize(cycle: Path) -> None:
    """The grade of 3－(1) typed over from C to A: the results kept inside say C."""
    source = cycle / "r6_report.docx"
    edited = cycle / "r6_report_edited.docx"
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                cs = [t for t in root.iter(f"{W}t") if (t.text or "").strip() == "C"]
                assert cs, "the grade C of 3－(1) is on its sheet"
                cs[0].text = "A"
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    findings = api.check(edited).value
    assert [(f.code, f.expected, f.found) for f in findings if f.code == "grade.record"] == [
        ("grade.record", "C", "A")
    ]


def test_grade_of_the_citys_report_gives_its_printed_grades() -> None:
    done = run("grade", EXAMPLE)
    assert done.returncode == 0, done.stdout + done.stderr
    first = done.stdout.splitlines()[0]
    assert "公表済みの評価" in first and "事業ごとの結果はこのファイルにありません" in first
    assert "ファイルの種類：公表済みの報告書" in done.stdout
    assert "C       3－(1)（公表済みの評価）" in done.stdout
    assert "B       7 アウトリーチ等事業の実施（公表済みの評価）" in done.stdout
    assert "未確定" not in done.stdout
    data = json.loads(run("grade", EXAMPLE, "--json").stdout)
    assert data["determined"] and data["kind"] == "published"
    assert ["".join(m["grade"] for m in plan["measures"]) for plan in data["plans"]] == ["AAAAC", "AAAAAABA"]
    assert all(m["printed"] and m["share"] is None for plan in data["plans"] for m in plan["measures"])


def test_libreoffice_keeps_the_results_part_and_grade_still_reads_it(cycle: Path, tmp_path: Path) -> None:
    exe = soffice()
    profile = (tmp_path / "lo-profile").resolve().as_uri()
    subprocess.run(
        [
            exe,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "docx:MS Word 2007 XML",
            "--outdir",
            str(tmp_path),
            str(cycle / "r6_report.docx"),
        ],
        capture_output=True,
        check=False,
        timeout=300,
    )
    resaved = tmp_path / "r6_report.docx"
    assert resaved.is_file(), "LibreOffice did not re-save the report"
    assert results_part(resaved).get("stage") == "finalized"
    data = json.loads(run("grade", resaved, "--json").stdout)
    assert data["kind"] == "finalized"
    assert ["".join(m["grade"] for m in plan["measures"]) for plan in data["plans"]] == ["AAAAC", "AAAAAABA"]
    shares = {m["ref"]: m["share"] for plan in data["plans"] for m in plan["measures"]}
    assert shares["3－(1)"] == "1/3（33.3%）" and shares["7 アウトリーチ等事業の実施"] == "1/2（50%）"
    assert run("grade", resaved).returncode == 0


def test_the_finalized_report_passes_openxml_audit_and_lays_out_as_the_example(
    cycle: Path, tmp_path: Path
) -> None:
    assert audit_findings(cycle / "r6_report.docx") == []
    assert pdf_pages(cycle / "r6_report.docx", tmp_path / "ours") == pdf_pages(EXAMPLE, tmp_path / "theirs")


# --------------------------------------------------------------------------- the draft says it is a draft


def title_runs(path: Path) -> list[etree._Element]:
    """The runs of the cover's report title paragraph (the first with 年度報告書)."""
    for p in document_xml(path).iter(f"{W}p"):
        if "年度報告書" in "".join(t.text or "" for t in p.iter(f"{W}t")):
            return [r for r in p.iter(f"{W}r") if r.find(f"{W}t") is not None]
    raise AssertionError("no report title on the cover")


def rpr_xml(run_el: etree._Element) -> bytes:
    rpr = run_el.find(f"{W}rPr")
    return b"" if rpr is None else etree.tostring(rpr)


@pytest.fixture(scope="module")
def from_template(cycle: Path) -> Path:
    assert run("make-template", EXAMPLE, "-o", cycle / "template.docx").returncode == 0
    done = run("draft", EXAMPLE, "-o", cycle / "r6_from_template.docx", "--template", cycle / "template.docx")
    assert done.returncode == 0, done.stderr
    return cycle / "r6_from_template.docx"


@pytest.mark.parametrize("which", ["direct", "template"])
def test_the_draft_says_it_is_a_draft(cycle: Path, from_template: Path, which: str) -> None:
    path = cycle / "r6_draft.docx" if which == "direct" else from_template
    draft = read_report(path)
    assert draft.cover.report_title == "令和6年度報告書（案）"
    runs = title_runs(path)
    assert "".join(t.text or "" for t in runs[-1].iter(f"{W}t")) == "（案）"
    assert rpr_xml(runs[-1]) == rpr_xml(runs[-2])  # the title's own formatting
    assert texts_of(path).count(SUMMARY_NOTE) == 2  # both blank 評価総括表
    assert api.identify(path).value.label == "記入前の報告書（案）"


def test_the_summary_note_stands_in_the_total_rows_wide_cell(cycle: Path) -> None:
    body = document_xml(cycle / "r6_draft.docx")
    for tbl in body.iter(f"{W}tbl"):
        text = "".join(t.text or "" for t in tbl.iter(f"{W}t"))
        if "施策の進捗状況" not in text:
            continue
        total = next(tr for tr in tbl.iter(f"{W}tr") if "".join(tr.itertext()).strip().startswith("合"))
        cells = total.findall(f"{W}tc")
        assert "".join(cells[-1].itertext()) == SUMMARY_NOTE
        assert "".join(cells[0].itertext()).replace(" ", "").replace("\u3000", "") == "合計"


def test_the_draft_passes_openxml_audit(cycle: Path) -> None:
    assert audit_findings(cycle / "r6_draft.docx") == []


# --------------------------------------------------------------------------- the wrong file at the wrong step


@pytest.mark.parametrize(
    ("name", "label"),
    [("r6_draft.docx", "記入前の報告書（案）"), ("r6_filled.docx", "記入済みの報告書（案）")],
)
def test_draft_of_a_draft_is_refused_and_writes_nothing(cycle: Path, name: str, label: str) -> None:
    out = cycle / "r7_never.docx"
    done = run("draft", cycle / name, "-o", out)
    assert done.returncode == 2
    assert f"このファイルは{label}です" in done.stderr and "--from-draft" in done.stderr
    assert "Traceback" not in done.stderr and not out.exists()


def test_draft_of_an_interim_version_is_refused(cycle: Path) -> None:
    interim = cycle / "r6_interim.docx"
    made = run("finalize", cycle / "r6_draft.docx", "-o", interim, "--allow-incomplete", "--pages", "fields")
    assert made.returncode == 0, made.stderr
    done = run("draft", interim, "-o", cycle / "r7_never.docx")
    assert done.returncode == 2 and "このファイルは中間版の報告書" in done.stderr
    assert not (cycle / "r7_never.docx").exists()


def test_draft_from_a_draft_with_from_draft_goes_through(cycle: Path) -> None:
    done = run("draft", cycle / "r6_draft.docx", "-o", cycle / "r7_from_draft.docx", "--from-draft")
    assert done.returncode == 0, done.stderr
    again = read_report(cycle / "r7_from_draft.docx")
    assert again.fiscal_year.text == "令和7年度" and again.cover.report_title.count("（案）") == 1


def test_draft_of_the_finalized_report_is_a_draft_of_a_published_report(cycle: Path) -> None:
    done = run("draft", cycle / "r6_report.docx", "-o", cycle / "r7_draft.docx")
    assert done.returncode == 0, done.stderr
    assert read_report(cycle / "r7_draft.docx").cover.report_title == "令和7年度報告書（案）"


@pytest.mark.parametrize("which", ["example", "finalized"])
def test_finalize_of_a_published_report_is_refused_and_writes_nothing(cycle: Path, which: str) -> None:
    source = EXAMPLE if which == "example" else cycle / "r6_report.docx"
    out = cycle / "never_finalized.docx"
    done = run("finalize", source, "-o", out, "--pages", "fields", "--number", "R7-15")
    assert done.returncode == 2
    assert "公表済みの報告書" in done.stderr or "仕上げた報告書" in done.stderr
    assert "翌年度の案を作る（draft）" in done.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- --number


@pytest.fixture(scope="module")
def unnumbered(cycle: Path) -> Path:
    last = read_report(EXAMPLE)
    return fill_like_word(cycle / "r6_draft.docx", cycle / "r6_unnumbered.docx", last_year=last)


def test_a_full_width_number_is_written_half_width(cycle: Path, unnumbered: Path) -> None:
    out = cycle / "r6_number.docx"
    done = run("finalize", unnumbered, "-o", out, "--pages", "fields", "--number", "Ｒ７－１５")
    assert done.returncode == 0, done.stderr
    assert read_report(out).publication.number == "R7-15"


@pytest.mark.parametrize(
    ("number", "says"),
    [("R6-22", "「R6-22」は前年度の番号です"), ("R9-1", "「R9-1」の年（R9）が発行の年と合いません")],
)
def test_a_number_of_another_year_is_refused_and_nothing_written(
    cycle: Path, unnumbered: Path, number: str, says: str
) -> None:
    out = cycle / "never_numbered.docx"
    done = run("finalize", unnumbered, "-o", out, "--pages", "fields", "--number", number)
    assert done.returncode == 2
    assert says in done.stderr and "R7-〇〇 の形です（発行 令和7年9月）" in done.stderr
    assert str(unnumbered) in done.stderr
    assert not out.exists()


def test_when_only_the_number_is_missing_finalize_says_how_to_give_it(cycle: Path, unnumbered: Path) -> None:
    out = cycle / "never_unnumbered.docx"
    done = run("finalize", unnumbered, "-o", out, "--pages", "fields")
    assert done.returncode == 1
    assert "--number R7-〇〇 で刊行物番号を指定してください" in done.stderr
    assert "未記入・未確定が" not in done.stderr
    assert not out.exists()


# --------------------------------------------------------------------------- an interim version finished


def test_an_interim_version_is_finished_with_the_missing_result_alone(cycle: Path) -> None:
    """3－(1)'s result came late: the interim keeps the others inside, the results file gives it."""
    last, draft = read_report(EXAMPLE), read_report(cycle / "r6_draft.docx")
    results = hand_results()
    del results["p1-3-1-1-b"]
    fill = last_years_fill(last, draft, results=results, number="R7-15")
    partly = fill_draft(cycle / "r6_draft.docx", cycle / "r6_partly.docx", fill)
    interim = cycle / "r6_partly_interim.docx"
    made = run("finalize", partly, "-o", interim, "--allow-incomplete", "--pages", "fields")
    assert made.returncode == 0, made.stderr
    assert api.identify(interim).value.label == "中間版の報告書"
    (cycle / "late.yaml").write_text("p1-3-1-1-b: 1/3\n", encoding="utf-8")
    done = run(
        "finalize",
        interim,
        "-o",
        cycle / "r6_late.docx",
        "--pages",
        "fields",
        "--results",
        cycle / "late.yaml",
    )
    assert done.returncode == 0, done.stderr
    assert "結果がありません" not in done.stderr  # the other results are kept inside the interim
    report = read_report(cycle / "r6_late.docx")
    assert report.cover.report_title == "令和6年度報告書"
    assert all("（中間）" not in plan.summary.title for plan in report.plans if plan.summary is not None)
    assert letters(report) == ["AAAAC", "AAAAAABA"]
    assert check_cells(report) == check_cells(last)
    assert api.identify(cycle / "r6_late.docx").value.label == "仕上げた報告書（公表用）"
