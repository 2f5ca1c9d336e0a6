"""``komae-docx check`` and ``komae-docx grade`` as staff run them: real files, exit codes, Japanese text."""

from __future__ import annotations

import json
from pathlib import Path

from komae_docx import Report

from .conftest import EXAMPLE
from .docx_edit import W, rewrite_part
from .test_cli import run

PLAN2 = "第1章 2 重層的支援体制整備事業実施計画"
ACT_WANTED = "Act(事業を実施するに当たっての課題及び改善点)"
ACT_FOUND = "Act(事業を実施するに当たったの課題及び改善点)"
ACT_LINE = f"見出しが標準の見出しと異なります（正しくは：「{ACT_WANTED}」、文書では：「{ACT_FOUND}」）"
EXAMPLE_CHECK_LINES = [
    "r5_report.docx の検査結果：エラー 0 件・警告 10 件",
    "ファイルの種類：公表済みの報告書",
    "  警告：第1章 1 地域福祉計画 シート5(15頁) 5行 施策欄：施策「1－(2)－③」の題名が14頁と異なります"
    "（正しくは：「③ 【拡充】コーディネーター人材を確保し、コーディネーター機能の強化を図ります。」、"
    "文書では：「③ 【拡充】コーディネート人材を確保し、コーディネート機能の強化を図ります。」）",
    f"  警告：{PLAN2} シート3(23頁) 1行 Act欄：{ACT_LINE}",
    f"  警告：{PLAN2} シート4(24頁) 1行 Act欄：{ACT_LINE}",
    f"  警告：{PLAN2} シート4(24頁) 5行 番号欄：施策「4 包括的相談支援事業の実施」の事業の番号 (1) が"
    "重複しています（正しくは：「(4)」、文書では：「(1)」）",
    f"  警告：{PLAN2} シート5(25頁) 1行 Act欄：{ACT_LINE}",
    f"  警告：{PLAN2} シート5(25頁) 4行 Check欄：施策「5 地域づくり事業の実施」の事業「(1)」の"
    " Check 欄に事業の結果ではない文字があります"
    "（正しくは：「空欄（施策の評価は施策の行、事業の結果は 達成・未達成・未評価・1/3）」、文書では：「/」）",
    f"  警告：{PLAN2} シート6(26頁) 1行 Act欄：{ACT_LINE}",
    f"  警告：{PLAN2} シート7(27頁) 5行 番号欄：施策「5 地域づくり事業の実施」の事業の番号 (7) がありません"
    "（(6) の次が (8)）（正しくは：「(7)」、文書では：「(8)」）",
    f"  警告：{PLAN2} シート9(29頁) 1行 Plan欄：見出しが標準の見出しと異なります"
    "（正しくは：「重層的支援体制整備事業実施計画Plan(主な事業内容)」、"
    "文書では：「重層的支援体制整備事業実施計画:Plan(主な事業内容(令和4年度))」）",
    f"  警告：{PLAN2} シート9(29頁) 1行 Do欄：見出しが標準の見出しと異なります"
    "（正しくは：「Do(実行)」、文書では：「DO(実行)」）",
]


def test_check_example_prints_its_warnings_and_exits_0() -> None:
    done = run("check", EXAMPLE.name, cwd=EXAMPLE.parent)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == EXAMPLE_CHECK_LINES


def test_check_json_for_scripts() -> None:
    done = run("check", EXAMPLE.name, "--json", cwd=EXAMPLE.parent)
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert (data["file"], data["errors"], data["warnings"]) == ("r5_report.docx", 0, 10)
    first = data["findings"][0]
    assert first["severity"] == "warning" and first["code"] == "title.mismatch"
    assert first["location"] == {
        "section": "第1章",
        "plan": "1 地域福祉計画",
        "sheet": 4,
        "page": 15,
        "row": 4,
        "column": "施策",
        "project": None,
        "department": None,
    }


def test_check_exits_1_on_errors(tmp_path: Path) -> None:
    def unmark(root) -> None:  # type: ignore[no-untyped-def]
        p = next(p for p in root.iter(f"{W}p") if "".join(p.itertext()).strip() == "A(再掲)")
        next(p.iter(f"{W}t")).text = "A"

    broken = rewrite_part(EXAMPLE, tmp_path / "broken.docx", "word/document.xml", unmark)
    done = run("check", broken.name, cwd=tmp_path)
    assert done.returncode == 1
    assert "broken.docx の検査結果：エラー 1 件・警告 10 件" in done.stdout
    wanted = "エラー：第1章 1 地域福祉計画 シート3(13頁) 5行 Check欄：施策「1－(2)－①」の再掲のシートに"
    assert wanted + "「(再掲)」がありません" in done.stdout


def test_check_refuses_a_file_that_is_not_a_report(tmp_path: Path) -> None:
    bogus = tmp_path / "memo.docx"
    bogus.write_text("not a zip", encoding="utf-8")
    done = run("check", bogus)
    assert done.returncode == 2
    assert "memo.docx" in done.stderr and "Traceback" not in done.stderr


def results_yaml(report: Report, tmp_path: Path, **changes: str) -> Path:
    lines = {project.id: "達成" for _, _, project in report.iter_projects()}
    lines.update(changes)
    path = tmp_path / "results.yaml"
    path.write_text("".join(f"{pid}: {result}\n" for pid, result in lines.items()), encoding="utf-8")
    return path


def test_grade_with_results_prints_grades_and_summary(report: Report, tmp_path: Path) -> None:
    path = results_yaml(report, tmp_path, **{"p2-7-(2)": "未達成", "p1-3-1-1-b": "未達成"})
    done = run("grade", EXAMPLE, "--results", path.name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.startswith(f"{EXAMPLE} の評価（事業の結果：results.yaml）")
    assert "  B       7 アウトリーチ等事業の実施（年次目標の達成 1/2（50%））" in out
    assert "  D       3－(1)（年次目標の達成 0/1（0%））" in out
    assert "    A  7件  当該施策に係る事業の当該年度までの年次目標の70%以上を達成できた" in out
    assert "          23～24頁  4 包括的相談支援事業の実施" in out
    assert "    合計  8件" in out
    assert done.stderr == ""


def test_grade_reports_unknown_and_missing_ids_and_exits_1(report: Report, tmp_path: Path) -> None:
    path = results_yaml(report, tmp_path, **{"p2-8-(9)": "達成", "p2-8-(2)": "未評価"})
    done = run("grade", EXAMPLE, "--results", path)
    assert done.returncode == 1
    pending = "未確定  8 参加支援事業の実施（未評価 1 事業・ほかの事業の年次目標 1/1 達成）"
    pending += "未評価の事業：p2-8-(2)"
    assert pending in done.stdout
    wanted = "エラー：results.yaml 32行目：結果ファイルの事業 id「p2-8-(9)」はこの報告書にありません"
    assert wanted in done.stderr


def test_grade_json(report: Report, tmp_path: Path) -> None:
    results = results_yaml(report, tmp_path)
    done = run("grade", EXAMPLE, "--results", results.name, "--json", cwd=tmp_path)
    assert done.returncode == 0
    data = json.loads(done.stdout)
    assert [p["summary"]["total"] for p in data["plans"]] == [5, 8]
    assert (data["file"], data["results"], data["determined"]) == (str(EXAMPLE), "results.yaml", True)
    assert [m for m in data["messages"] if m["code"].startswith("results.")] == []


def test_grade_without_results_is_undetermined_with_its_own_exit_code(example_draft: Path) -> None:
    """A fresh draft has no results yet (a published report has its printed grades: exit 0)."""
    done = run("grade", example_draft)
    assert done.returncode == 4
    assert "--results" in done.stdout


def test_grade_with_a_broken_results_file_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "results.yaml"
    path.write_text("p2-7-(1): 達成\np2-7-(1): 未達成\n", encoding="utf-8")
    done = run("grade", EXAMPLE, "--results", path.name, cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.startswith("エラー：results.yaml：2行目：")
    assert "2回" in done.stderr and "Traceback" not in done.stderr


def test_grade_with_a_bad_value_names_project_sheet_row_and_line_and_exits_1(tmp_path: Path) -> None:
    # issue 10: a bad value (「まる」, 「4/3」) is listed with its place, every one of them, not a stop
    path = tmp_path / "results.yaml"
    path.write_text("p2-7-(1): 達成\np2-7-(2): まる\np1-3-1-1-b: 4/3\n", encoding="utf-8")
    done = run("grade", EXAMPLE, "--results", path.name, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "シート9(29頁) 5行 Check欄 事業 p2-7-(2)" in done.stderr and "results.yaml 2行目" in done.stderr
    assert "「まる」" in done.stderr and "「4/3」" in done.stderr and "results.yaml 3行目" in done.stderr
