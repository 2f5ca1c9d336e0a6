"""Hostile results files (issue 13): what the fuzz run found, as small regression inputs.

A results file is a flat map "事業 id: 結果"; anything built to exhaust the parser is refused with a
Japanese message naming the file and line, quickly, before it is expanded.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path

import pytest

from komae_docx import api
from komae_docx.errors import ResultsFileError
from komae_docx.reading.results_file import read_results_file

from .conftest import EXAMPLE


def written(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused_quickly(path: Path) -> str:
    started = time.process_time()
    with pytest.raises(ResultsFileError) as refused:
        read_results_file(path)
    assert time.process_time() - started < 1.0
    return str(refused.value)


def test_yaml_alias_bomb_is_refused_before_expansion(tmp_path: Path) -> None:
    """Twenty lines of anchors, each ten aliases of the one before: 10**20 values if expanded
    (the fuzz run's case hung the reader and its memory grew without bound)."""
    names = [f"k{level}" for level in range(20)]
    lines = [f"{names[0]}: &{names[0]} [達成, 達成, 達成, 達成, 達成, 達成, 達成, 達成, 達成, 達成]"]
    lines += [f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]" for prev, name in itertools.pairwise(names)]
    message = refused_quickly(written(tmp_path, "bomb.yaml", "\n".join(lines)))
    assert "bomb.yaml" in message and "2行目" in message and "別名" in message


def test_a_single_alias_is_refused_too(tmp_path: Path) -> None:
    path = written(tmp_path, "alias.yaml", "p1-1-1-1-a: &r 達成\np1-1-1-2-a: *r\n")
    assert "2行目" in refused_quickly(path)


def test_deeply_nested_yaml_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    """Case 1,000,093 of the short fuzz run: 4,000 "[" raised RecursionError out of PyYAML."""
    message = refused_quickly(written(tmp_path, "deep.yaml", "[" * 4000))
    assert "入れ子が深すぎます" in message


def test_deeply_nested_json_is_refused_not_a_recursion_error(tmp_path: Path) -> None:
    path = written(tmp_path, "deep.json", '{"p1-1-1-1-a": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert "deep.json" in refused_quickly(path)


def test_grade_with_a_hostile_file_raises_our_error(tmp_path: Path) -> None:
    with pytest.raises(ResultsFileError):
        api.grade(EXAMPLE, written(tmp_path, "deep.yml", "a: " + "[" * 3000))


def test_an_ordinary_nested_value_is_still_reported_as_a_wrong_value(tmp_path: Path) -> None:
    """The depth limit leaves room for the mistakes staff make: a list where a result goes."""
    results = read_results_file(written(tmp_path, "list.yaml", "p1-1-1-1-a: [達成, 未達成]\n"))
    assert "p1-1-1-1-a" in results.invalid
