"""``komae-docx draft`` for people and scripts (issue 12 items 1, 5, 8, 9, 11 and the acceptance):
a short summary, the change log in staff words, refusals that write nothing, the results file
template, and what the other commands say about a fresh draft; ``render``; and the drafts' pages
under LibreOffice.  (One file: test_draft_cli.py was merged here.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from komae_docx import read_report
from komae_docx.frontends.cli import main
from komae_docx.frontends.schemas import ChangeEntry, GradeOutput, StatusOutput
from komae_docx.model import Report

from .conftest import EXAMPLE, ROOT
from .docx_checks import audit_findings, pdf_pages
from .test_cli import run

INTERNAL_WORDS = ["grade_cell", "rows", "count", "opinions", "ブロック", "fiscal_year", "report_title"]


@dataclass(frozen=True)
class Drafted:
    folder: Path
    draft: Path
    done: subprocess.CompletedProcess[str]
    changes: list[dict[str, object]]


@pytest.fixture(scope="module")
def drafted(tmp_path_factory: pytest.TempPathFactory) -> Drafted:
    """The example's draft, written once for this module, with its change log as JSON."""
    folder = tmp_path_factory.mktemp("cli_draft")
    shutil.copyfile(EXAMPLE, folder / "r5.docx")
    done = run("draft", "r5.docx", "-o", "r6.docx", "--changes", "changes.json", cwd=folder)
    assert done.returncode == 0, done.stderr
    changes = json.loads((folder / "changes.json").read_text(encoding="utf-8"))
    return Drafted(folder, folder / "r6.docx", done, changes)


@pytest.fixture(scope="session")
def example_pages(tmp_path_factory: pytest.TempPathFactory) -> int:
    return pdf_pages(EXAMPLE, tmp_path_factory.mktemp("example_pdf"))


def test_draft_command_writes_the_next_years_draft(drafted: Drafted, expect: dict[str, Any]) -> None:
    logged = drafted.changes
    assert {"where", "field", "old", "new"} <= set(logged[0])
    # the log names what the report (expect.json, written from it) says changes, not what roll_forward says
    changed = {(c["where"], c["field"]): (c["old"], c["new"]) for c in logged}
    assert changed[("報告書", "fiscal_year")] == ("令和5年度（2023年度）", "令和6年度（2024年度）")
    assert changed[("奥付", "publication.number")] == ("R6-22", "R7-〇〇")
    assert changed[("奥付", "publication.month")] == ("令和6年9月", "令和7年9月")
    grades = [(c["where"], c["old"]) for c in logged if c["field"] == "grade" and c["new"] == ""]
    measures = [(plan["heading"], m) for plan in expect["plans"] for m in plan["measures"]]
    assert grades == [(f"第1章 {heading} {m['ref']}", m["grade"]) for heading, m in measures]
    assert sum(c["field"] == "grade_cell" for c in logged) == sum(
        len(m["grade_cells"]) for plan in expect["plans"] for m in plan["measures"]
    )  # 18 sheets, each with its grade cell
    entries = sum(p["entries"] for plan in expect["plans"] for m in plan["measures"] for p in m["projects"])
    assert sum(c["field"] == "do" for c in logged) == entries == 35
    assert sum(c["field"] == "act" for c in logged) == entries
    draft = read_report(drafted.draft)
    assert draft.fiscal_year.text == "令和6年度"
    assert audit_findings(drafted.draft) == []


# --------------------------------------------------------------------------- item 1: a short summary


def test_draft_prints_a_short_summary(drafted: Drafted) -> None:
    lines = drafted.done.stdout.splitlines()
    assert len(lines) <= 5 and drafted.done.stderr == ""
    assert lines[0] == "r6.docx に報告書（案）を書き出しました。"
    total = len(drafted.changes)
    assert lines[1].startswith(f"変更 {total} 件：") and "一覧は changes.json に書き出しました" in lines[1]
    assert lines[2] == "警告 0 件"
    assert "komae-docx status r6.docx" in lines[3]
    for word in INTERNAL_WORDS:
        assert word not in drafted.done.stdout


def test_summary_counts_add_up_to_the_change_log(drafted: Drafted) -> None:
    line = drafted.done.stdout.splitlines()[1]
    cleared = re.search(
        r"空欄にした欄 (\d+)（Do・Check・Act (\d+)、評価・事業の結果 (\d+)、"
        r"評価総括表 (\d+)、委員会意見 (\d+)）",
        line,
    )
    year = re.search(r"年度・日付などの書き換え (\d+)", line)
    assert cleared and year
    kinds = [entry["kind"] for entry in drafted.changes]
    assert int(year[1]) == kinds.count("year")
    assert [int(n) for n in cleared.groups()[1:]] == [
        kinds.count("cleared_entries"),
        kinds.count("cleared_grades"),
        kinds.count("cleared_summary"),
        kinds.count("cleared_opinions"),
    ]
    assert int(cleared[1]) + int(year[1]) + kinds.count("other") == len(kinds)
    # The example's draft empties every Do/Act entry and all 8 committee opinion sheets' rows.
    assert kinds.count("cleared_opinions") == 8


def test_change_log_json_follows_its_schema(drafted: Drafted) -> None:
    entries = [ChangeEntry.model_validate(entry) for entry in drafted.changes]
    fiscal = next(e for e in entries if e.field == "fiscal_year")
    assert (fiscal.old, fiscal.new, fiscal.kind, fiscal.item) == (
        "令和5年度（2023年度）",
        "令和6年度（2024年度）",
        "year",
        "年度",
    )
    grade_cells = [e for e in entries if e.field == "grade_cell"]
    assert grade_cells and {e.item for e in grade_cells} == {"シートの評価欄"}
    assert {e.kind for e in grade_cells} == {"cleared_grades"}


@pytest.mark.parametrize("suffix", [".md", ".txt"])
def test_change_log_for_people_uses_staff_words(drafted: Drafted, tmp_path: Path, suffix: str) -> None:
    target = tmp_path / f"変更{suffix}"
    done = run("draft", EXAMPLE, "-o", tmp_path / "r6.docx", "--changes", target)
    assert done.returncode == 0, done.stderr
    text = target.read_text(encoding="utf-8")
    heading = "## 第1章" if suffix == ".md" else "■ 第1章"
    assert heading in text and ("## 序章" in text if suffix == ".md" else "■ 序章" in text)
    assert "1 地域福祉計画 評価総括表 A 件数：空欄にしました（前年度：「4」）" in text
    assert "18番目の段落 本文：「【例】" in text
    assert re.search(r"シート\d+（\d+頁） .* シートの評価欄：空欄にしました（前年度：「A」）", text)
    for word in INTERNAL_WORDS:
        assert word not in text, word
    items = [line for line in text.splitlines() if line.startswith(("- ", "  ・"))]
    assert len(items) == len(drafted.changes)


def test_verbose_prints_the_whole_change_log(drafted: Drafted, tmp_path: Path) -> None:
    done = run("draft", EXAMPLE, "-o", tmp_path / "r6.docx", "-v")
    assert done.returncode == 0
    assert "令和5年度報告書" in done.stdout and "令和6年度報告書" in done.stdout
    items = [line for line in done.stdout.splitlines() if line.startswith("  ・")]
    assert len(items) == len(drafted.changes)


def test_change_log_to_standard_output(drafted: Drafted, tmp_path: Path) -> None:
    done = run("draft", EXAMPLE, "-o", tmp_path / "r6.docx", "--changes", "-")
    assert done.returncode == 0
    assert json.loads(done.stdout) == drafted.changes
    assert "報告書（案）を書き出しました" in done.stderr


def test_readme_first_command_works_as_written(tmp_path: Path) -> None:
    """README はじめに 1 (after the install): parse, then draft into r6_draft.docx."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = next(line for line in readme.splitlines() if "komae-docx parse examples/r5_report.docx" in line)
    commands = [part.strip().split() for part in line.split("&&") if "komae-docx " in part]
    assert [command[1] for command in commands] == ["parse", "draft"]
    (tmp_path / "examples").mkdir()
    shutil.copyfile(EXAMPLE, tmp_path / "examples" / "r5_report.docx")
    for command in commands:
        done = run(*command[1:], cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert len(done.stdout.splitlines()) <= 40
    assert (tmp_path / "r6_draft.docx").exists()


# --------------------------------------------------------------------------- item 5: refusals


def test_draft_refuses_an_existing_output_without_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r6.docx"
    out.write_bytes(b"old")
    assert main(["draft", str(EXAMPLE), "-o", str(out)]) == 2
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"old"
    assert main(["draft", str(EXAMPLE), "-o", str(out), "--force", "--carry-text"]) == 0
    assert read_report(out).plans


def test_draft_never_writes_onto_its_input(tmp_path: Path) -> None:
    copy = tmp_path / "r5.docx"
    copy.write_bytes(EXAMPLE.read_bytes())
    assert main(["draft", str(copy), "-o", str(copy), "--force"]) == 2
    assert copy.read_bytes() == EXAMPLE.read_bytes()


def test_a_refused_changes_file_writes_nothing_at_all(tmp_path: Path) -> None:
    source = tmp_path / "r5.docx"
    shutil.copyfile(EXAMPLE, source)
    done = run("draft", "r5.docx", "-o", "out.docx", "--changes", "r5.docx", "--force", cwd=tmp_path)
    assert done.returncode == 2
    assert (
        done.stderr
        == "エラー：r5.docx：入力ファイルと同じファイルには書き込めません。別の出力先を指定してください\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r5.docx"]
    assert source.read_bytes() == EXAMPLE.read_bytes()


def test_changes_equal_to_the_output_says_so(tmp_path: Path) -> None:
    shutil.copyfile(EXAMPLE, tmp_path / "r5.docx")
    done = run("draft", "r5.docx", "-o", "out.docx", "--changes", "./out.docx", cwd=tmp_path)
    assert done.returncode == 2
    assert "-o と --changes に同じファイルが指定されています" in done.stderr
    assert "入力ファイル" not in done.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r5.docx"]


def test_an_existing_changes_file_keeps_the_draft_unwritten(tmp_path: Path) -> None:
    (tmp_path / "changes.json").write_text("old", encoding="utf-8")
    done = run("draft", EXAMPLE, "-o", "out.docx", "--changes", "changes.json", cwd=tmp_path)
    assert done.returncode == 2 and "changes.json：既に存在します" in done.stderr
    assert not (tmp_path / "out.docx").exists()
    assert (tmp_path / "changes.json").read_text(encoding="utf-8") == "old"


# --------------------------------------------------------------------------- items 8, 9: results


def test_results_template_lists_every_project_and_grade_accepts_it(drafted: Drafted) -> None:
    folder = drafted.folder
    made = run("results-template", "r6.docx", "-o", "results.yaml", cwd=folder)
    assert made.returncode == 0, made.stderr
    text = (folder / "results.yaml").read_text(encoding="utf-8")
    parsed = json.loads(run("parse", drafted.draft, "--json").stdout)
    ids = [
        project["id"]
        for plan in parsed["plans"]
        for measure in _measures(plan)
        for project in measure["projects"]
    ]
    assert [json.loads(key) for key in re.findall(r'^(".*"): 未評価$', text, re.M)] == list(
        dict.fromkeys(ids)
    )
    assert "# 施策 1－(1) 【拡充】複雑化・複合化した課題" in text
    assert "（担当：福祉政策課）" in text and "# ■ 2 重層的支援体制整備事業実施計画" in text

    as_is = run("grade", "r6.docx", "--results", "results.yaml", "--json", cwd=folder)
    assert as_is.returncode == 4, as_is.stderr
    data = json.loads(as_is.stdout)
    GradeOutput.model_validate(data)
    assert data["determined"] is False and not [m for m in data["messages"] if m["severity"] == "error"]

    (folder / "all.yaml").write_text(text.replace(": 未評価", ": 達成"), encoding="utf-8")
    achieved = run("grade", "r6.docx", "--results", "all.yaml", cwd=folder)
    assert achieved.returncode == 0, achieved.stderr
    assert "未確定" not in achieved.stdout


def test_results_template_to_standard_output_and_as_json(drafted: Drafted, tmp_path: Path) -> None:
    done = run("results-template", drafted.draft, "-o", "-", cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("# 令和6年度 進捗管理報告書の事業の結果")
    assert list(tmp_path.iterdir()) == []
    assert run("results-template", drafted.draft, "-o", tmp_path / "r.json").returncode == 0
    mapping = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert set(mapping.values()) == {"未評価"} and "p1-1-1-1-a" in mapping


def test_grade_shows_shares_as_fraction_and_rounded_percent(drafted: Drafted, tmp_path: Path) -> None:
    """3－(1) has one project; its annual targets given as 2/3 make the share 2/3（66.7%）, grade B."""
    text = run("results-template", drafted.draft, "-o", "-").stdout
    values = dict.fromkeys((json.loads(key) for key in re.findall(r'^(".*"): 未評価$', text, re.M)), "達成")
    single = [pid for pid in values if pid.startswith("p1-3-1-1-")]
    assert len(single) == 1
    values[single[0]] = "2/3"
    results = tmp_path / "r.yaml"
    results.write_text(
        "".join(f"{json.dumps(k, ensure_ascii=False)}: {v}\n" for k, v in values.items()), encoding="utf-8"
    )
    done = run("grade", drafted.draft, "--results", results)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if "3－(1)" in line and "2/3" in line)
    assert "2/3（66.7%）" in line and line.split()[0] == "B"


# --------------------------------------------------------------------------- item 11 and acceptance


def test_the_tools_own_comments_bring_no_warning(drafted: Drafted) -> None:
    for command in ("parse", "check", "grade"):
        done = run(command, drafted.draft)
        assert "コメント" not in done.stdout + done.stderr, command


def test_check_on_a_fresh_draft_lists_what_is_left_not_summary_errors(drafted: Drafted) -> None:
    done = run("check", drafted.draft, "--json")
    data = json.loads(done.stdout)
    codes = {finding["code"] for finding in data["findings"]}
    assert not [f for f in data["findings"] if f["severity"] == "error" and f["code"].startswith("summary.")]
    assert any(code.startswith("incomplete.") for code in codes)
    assert done.returncode == 0


def test_status_of_a_fresh_draft_lists_departments_and_exits_4(drafted: Drafted) -> None:
    done = run("status", "r6.docx", cwd=drafted.folder)
    assert done.returncode == 4
    assert done.stdout.startswith("r6.docx：未記入・未確定")
    assert "■ 福祉政策課" in done.stdout
    data = json.loads(run("status", drafted.draft, "--json").stdout)
    StatusOutput.model_validate(data)
    assert data["complete"] is False and data["is_draft"] is True
    welfare = [data["items"][i] for i in data["by_department"]["福祉政策課"]]
    assert welfare and all("福祉政策課" in item["location"]["department"] for item in welfare)


def _measures(plan: dict[str, object]) -> list[dict[str, list[dict[str, str]]]]:
    if "goals" in plan:
        return [m for goal in plan["goals"] for policy in goal["policies"] for m in policy["measures"]]  # type: ignore[attr-defined,index]
    return plan["measures"]  # type: ignore[return-value]


def test_every_code_the_commands_print_is_documented(drafted: Drafted, tmp_path: Path) -> None:
    """README (English, Usage) lists the stable finding codes: each code met here must be there."""
    results = tmp_path / "r.yaml"
    results.write_text('"p9-9-9": 達成\n"p1-1-1-1-a": まる\n', encoding="utf-8")
    outputs = [
        json.loads(run("check", EXAMPLE, "--json").stdout)["findings"],
        json.loads(run("check", drafted.draft, "--json").stdout)["findings"],
        json.loads(run("grade", drafted.draft, "--results", results, "--json").stdout)["messages"],
    ]
    codes = {message["code"] for messages in outputs for message in messages}
    assert {"incomplete.do", "results.unknown_id", "title.mismatch"} <= codes
    readme = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    for code in sorted(codes):
        family, _, name = code.partition(".")
        rows = [line for line in readme if f"`{code}`" in line or f"`{family}.*`" in line]
        assert any(f"`{code}`" in row or f"`{name}`" in row for row in rows), code


def test_quiet_draft_prints_nothing(tmp_path: Path) -> None:
    done = run("draft", EXAMPLE, "-o", tmp_path / "r6.docx", "-q")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
    assert (tmp_path / "r6.docx").exists()


# --------------------------------------------------------------------------- render; pages under LibreOffice


def test_render_command_renders_a_model_as_it_is(tmp_path: Path, report: Report) -> None:
    model = tmp_path / "r5.json"
    assert main(["parse", str(EXAMPLE), "-o", str(model)]) == 0
    out = tmp_path / "r5.docx"
    assert main(["render", str(model), "-o", str(out)]) == 0
    assert read_report(out) == report
    assert main(["render", str(tmp_path / "missing.json"), "-o", str(tmp_path / "x.docx")]) == 2


def test_draft_pdf_has_the_examples_page_count(
    drafted: Drafted, tmp_path: Path, example_pages: int, expect: dict[str, Any]
) -> None:
    assert example_pages == expect["pages"]["pdf_pages"]
    assert pdf_pages(drafted.draft, tmp_path / "pdf") == example_pages


def test_rendered_example_pdf_has_the_examples_page_count(
    tmp_path: Path, example_pages: int, report: Report
) -> None:
    model = tmp_path / "r5.json"
    model.write_text(report.model_dump_json(), encoding="utf-8")
    out = tmp_path / "render.docx"
    assert main(["render", str(model), "-o", str(out)]) == 0
    assert pdf_pages(out, tmp_path / "pdf") == example_pages
