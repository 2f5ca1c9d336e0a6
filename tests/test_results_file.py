"""Results files (YAML / JSON keyed by project id): reading, refusing with a place, matching the report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from komae_docx import Report, ResultsFileError
from komae_docx.model import PROJECT_RESULTS, ProjectResult, TargetCount
from komae_docx.reading.results_file import (
    MAX_RESULTS_FILE_BYTES,
    ResultsFile,
    match_results,
    parse_results_text,
    read_results_file,
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def all_ids(report: Report) -> list[str]:
    return [project.id for _, _, project in report.iter_projects()]


def test_yaml_keyed_by_the_ids_parse_json_shows(tmp_path: Path, report: Report) -> None:
    path = write(tmp_path, "results.yaml", "p2-7-(1): 達成\np2-7-(2): 未達成\np2-4-(1)#2: 未評価\n")
    read = read_results_file(path)
    assert read.results == {"p2-7-(1)": "達成", "p2-7-(2)": "未達成", "p2-4-(1)#2": "未評価"}
    assert read.lines == {"p2-7-(1)": 1, "p2-7-(2)": 2, "p2-4-(1)#2": 3}
    assert set(read.results) <= set(all_ids(report))


def test_json_file(tmp_path: Path) -> None:
    path = write(tmp_path, "results.json", '{\n  "p2-7-(1)": "達成",\n  "p2-7-(2)": "未達成"\n}\n')
    read = read_results_file(path)
    assert read.results == {"p2-7-(1)": "達成", "p2-7-(2)": "未達成"}
    assert read.lines == {"p2-7-(1)": 2, "p2-7-(2)": 3}


def test_hand_typed_widths_and_blank_values(tmp_path: Path) -> None:
    # full-width parentheses and hyphens in the id; an empty value means not judged yet
    path = write(tmp_path, "results.yml", "p2－7－（1）: 達成\np2-7-(2):\np2-8-(1): ''\n")
    assert read_results_file(path).results == {"p2-7-(1)": "達成", "p2-7-(2)": "未評価", "p2-8-(1)": "未評価"}


def test_a_windows_shift_jis_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, "results.yaml", "p2-7-(1): 達成\n", encoding="cp932")
    assert read_results_file(path).results == {"p2-7-(1)": "達成"}


def test_an_empty_file_has_no_results(tmp_path: Path) -> None:
    assert read_results_file(write(tmp_path, "results.yaml", "# まだ空です\n")).results == {}


@pytest.mark.parametrize(
    ("name", "text", "message", "where"),
    [
        ("r.yaml", "p2-7-(1): 達成\np2-7-(1): 未達成\n", "2回", "2行目"),
        ("r.yaml", "p2-7-(1): 達成\n  - x: [\n", "YAML として読めません", "2行目"),
        ("r.yaml", "- p2-7-(1)\n- p2-7-(2)\n", "対応表", "1行目"),
        ("r.yaml", "12: 達成\n", "文字列", "1行目"),
        ("r.json", '{"p2-7-(1)": "達成",\n "p2-7-(2)": }', "JSON として読めません", "2行目"),
        ("r.json", '{"p2-7-(1)": "達成",\n "p2-7-(1)": "未達成"}', "2回", "1行目"),
        ("r.json", '["p2-7-(1)"]', "対応表", None),
    ],
)
def test_a_bad_file_names_file_and_place(
    tmp_path: Path, name: str, text: str, message: str, where: str | None
) -> None:
    with pytest.raises(ResultsFileError) as info:
        read_results_file(write(tmp_path, name, text))
    assert message in str(info.value)
    assert info.value.path is not None and Path(info.value.path).name == name and name in str(info.value)
    assert (info.value.where or "").startswith(where or "") and (where is not None) == (
        info.value.where is not None
    )


@pytest.mark.parametrize("name", ["results.xlsx", "results.csv", "results.txt"])
def test_unsupported_kinds_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ResultsFileError, match=r"\.yaml"):
        read_results_file(write(tmp_path, name, "p2-7-(1): 達成\n"))


def test_missing_file_and_oversized_file(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError, match="開けません") as info:
        read_results_file(tmp_path / "none.yaml")
    assert "none.yaml" in str(info.value)
    big = write(tmp_path, "big.yaml", "#" * (MAX_RESULTS_FILE_BYTES + 1))
    with pytest.raises(ResultsFileError, match="大きすぎ"):
        read_results_file(big)


def test_undecodable_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "r.yaml"
    path.write_bytes(b"p2-7-(1): \x82\xff\xfe\n")
    with pytest.raises(ResultsFileError, match="UTF-8"):
        read_results_file(path)


# ---- against the report


def test_unknown_ids_and_missing_results_are_reported_by_id(report: Report) -> None:
    results: dict[str, ProjectResult] = {pid: "達成" for pid in all_ids(report)}
    del results["p1-3-1-1-b"]
    results["p2-8-(9)"] = "達成"
    match = match_results(report, ResultsFile(Path("r.yaml"), results, {"p2-8-(9)": 31}))
    assert match.unknown_ids == ("p2-8-(9)",)
    assert match.missing_ids == ("p1-3-1-1-b",)
    assert not match.complete
    assert "p2-8-(9)" not in match.results
    unknown, missing = (m.describe() for m in match.messages)
    assert unknown == (
        "r.yaml 31行目：結果ファイルの事業 id「p2-8-(9)」はこの報告書にありません"
        "（「p2-8-(2)」の誤りではありませんか）"
    )
    assert missing.startswith(
        "第1章 1 地域福祉計画 シート7(17頁) 6行 Check欄 事業 p1-3-1-1-b （福祉政策課）："
        "事業「p1-3-1-1-b」（b）の結果がありません"
    )
    assert match.describe_lines()[0].startswith("エラー：") and match.describe_lines()[1].startswith("警告：")
    assert match.as_json() == {
        "file": "r.yaml",
        "unknown_ids": ["p2-8-(9)"],
        "missing_ids": ["p1-3-1-1-b"],
        "invalid_ids": [],
    }


def test_a_result_in_the_model_is_not_missing(report: Report) -> None:
    filled = report.model_copy(deep=True)
    next(p for _, _, p in filled.iter_projects() if p.id == "p1-1-1-1-a").result = "達成"
    match = match_results(filled, ResultsFile(Path("r.yaml"), {}))
    assert "p1-1-1-1-a" not in match.missing_ids and len(match.missing_ids) == len(all_ids(report)) - 1


def test_a_complete_file_for_the_example(report: Report) -> None:
    match = match_results(report, ResultsFile(Path("r.json"), {pid: "未達成" for pid in all_ids(report)}))
    assert match.complete and match.messages == ()


ids = st.text(alphabet="p12-()アイウab#", min_size=1, max_size=12).filter(lambda s: s.strip() == s)


@given(st.dictionaries(ids, st.sampled_from(PROJECT_RESULTS), max_size=30))
def test_yaml_and_json_round_trip(results: dict[str, ProjectResult]) -> None:
    as_yaml = yaml.safe_dump(results, allow_unicode=True)
    as_json = json.dumps(results, ensure_ascii=False, indent=1)
    assert parse_results_text(as_yaml, "yaml").results == results
    assert parse_results_text(as_json, "json").results == results


# ---- k of n annual targets (issue 10) and bad values


def test_k_of_n_targets_in_every_width(tmp_path: Path) -> None:
    path = write(tmp_path, "results.yaml", "p1-3-1-1-b: 1/3\np2-7-(1): １／３\np2-7-(2): ' 2 / 5 '\n")
    read = read_results_file(path)
    assert read.results == {
        "p1-3-1-1-b": TargetCount(achieved=1, targets=3),
        "p2-7-(1)": TargetCount(achieved=1, targets=3),
        "p2-7-(2)": TargetCount(achieved=2, targets=5),
    }
    assert read.invalid == {}


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("4/3", "超えています"),
        ("0/0", "0 です"),
        ("a/b", "達成・未達成・未評価"),
        ("達成済", "達成・未達成・未評価"),
        ("完了", "達成・未達成・未評価"),
        ("[達成]", "達成・未達成・未評価"),
        ("true", "達成・未達成・未評価"),
        ("3", "達成・未達成・未評価"),
    ],
)
def test_a_bad_value_is_an_error_naming_file_line_sheet_row_and_project(
    tmp_path: Path, report: Report, value: str, reason: str
) -> None:
    path = write(tmp_path, "r.yaml", f"p2-7-(1): 達成\np1-3-1-1-b: {value}\n")
    read = read_results_file(path)  # a bad value does not stop the file: every one is listed
    assert read.results == {"p2-7-(1)": "達成"} and list(read.invalid) == ["p1-3-1-1-b"]
    match = match_results(report, read)
    assert match.invalid_ids == ("p1-3-1-1-b",) and "p1-3-1-1-b" not in match.missing_ids
    assert not match.complete
    [bad] = [m for m in match.messages if m.code == "results.invalid_value"]
    assert bad.severity == "error"
    where = bad.location
    assert (where.plan, where.sheet, where.page, where.row, where.column) == (
        "1 地域福祉計画",
        6,
        17,
        5,
        "Check",
    )
    assert (where.project, where.department) == ("p1-3-1-1-b", "福祉政策課")
    assert "r.yaml 2行目" in bad.text and reason in bad.text and bad.found is not None
    assert bad.describe().startswith("第1章 1 地域福祉計画 シート7(17頁) 6行 Check欄 事業 p1-3-1-1-b")


def test_an_unknown_id_with_a_bad_value_is_reported_as_unknown(tmp_path: Path, report: Report) -> None:
    match = match_results(report, read_results_file(write(tmp_path, "r.yaml", "p9-9: 4/3\n")))
    assert match.unknown_ids == ("p9-9",) and match.invalid_ids == ()


def test_the_readme_example_is_a_results_file_for_the_example(tmp_path: Path, report: Report) -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("```yaml\n", 1)[1].split("```", 1)[0]
    match = match_results(report, read_results_file(write(tmp_path, "results.yaml", block)))
    assert match.unknown_ids == () and match.invalid_ids == ()
    assert match.results["p1-3-1-1-b"] == TargetCount(achieved=1, targets=3)
