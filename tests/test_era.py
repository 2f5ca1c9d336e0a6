"""Tests of komae_docx.era: era boundaries, 元年, fiscal years, parsing and the in-text pattern."""

from __future__ import annotations

import datetime
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from komae_docx.era import (
    ERA_YEAR_PATTERN,
    ERAS,
    EraYear,
    era_of_date,
    era_of_fiscal_year,
    era_of_month,
    era_to_western,
    era_year_from_match,
    format_era_year,
    next_fiscal_year,
    parse_era_year,
    shift_years,
)


def test_eras_in_order() -> None:
    assert ERAS == ("明治", "大正", "昭和", "平成", "令和")


def test_str_uses_gannen() -> None:
    assert str(EraYear("令和", 5)) == "令和5"
    assert str(EraYear("令和", 1)) == "令和元"
    assert EraYear("令和", 5).western == 2023


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(1868, 10, 23), EraYear("明治", 1)),
        (datetime.date(1912, 7, 29), EraYear("明治", 45)),
        (datetime.date(1912, 7, 30), EraYear("大正", 1)),
        (datetime.date(1926, 12, 24), EraYear("大正", 15)),
        (datetime.date(1926, 12, 25), EraYear("昭和", 1)),
        (datetime.date(1989, 1, 7), EraYear("昭和", 64)),
        (datetime.date(1989, 1, 8), EraYear("平成", 1)),
        (datetime.date(2019, 4, 30), EraYear("平成", 31)),
        (datetime.date(2019, 5, 1), EraYear("令和", 1)),
        (datetime.date(2023, 4, 1), EraYear("令和", 5)),
        (datetime.datetime(2019, 4, 30, 23, 59), EraYear("平成", 31)),
    ],
)
def test_era_of_date_boundaries(day: datetime.date, expected: EraYear) -> None:
    assert era_of_date(day) == expected


def test_era_of_date_before_meiji() -> None:
    with pytest.raises(ValueError):
        era_of_date(datetime.date(1868, 10, 22))


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2019, 4, EraYear("平成", 31)),
        (2019, 5, EraYear("令和", 1)),
        (1989, 1, EraYear("昭和", 64)),
        (1989, 2, EraYear("平成", 1)),
        (2024, 9, EraYear("令和", 6)),
        (2014, 7, EraYear("平成", 26)),
    ],
)
def test_era_of_month(year: int, month: int, expected: EraYear) -> None:
    assert era_of_month(year, month) == expected


def test_era_of_month_invalid() -> None:
    with pytest.raises(ValueError):
        era_of_month(2024, 13)


@pytest.mark.parametrize(
    ("western", "expected"),
    [
        (2018, EraYear("平成", 30)),
        (2019, EraYear("令和", 1)),
        (2020, EraYear("令和", 2)),
        (2023, EraYear("令和", 5)),
        (2024, EraYear("令和", 6)),
        (1988, EraYear("昭和", 63)),
        (1989, EraYear("平成", 1)),
    ],
)
def test_fiscal_year_both_ways(western: int, expected: EraYear) -> None:
    assert era_of_fiscal_year(western) == expected
    assert era_to_western(expected.era, expected.year) == western


@pytest.mark.parametrize(
    ("era", "year", "western"),
    [
        ("令和", 5, 2023),
        ("令和", 1, 2019),
        ("平成", 31, 2019),
        ("平成", 1, 1989),
        ("昭和", 64, 1989),
        ("大正", 15, 1926),
        ("明治", 45, 1912),
    ],
)
def test_era_to_western(era: str, year: int, western: int) -> None:
    assert era_to_western(era, year) == western


@pytest.mark.parametrize(
    ("era", "year"),
    [
        ("令和", 0),
        ("令和", -1),
        ("平成", 32),
        ("昭和", 65),
        ("大正", 16),
        ("明治", 46),
        ("天保", 3),
        ("R", 5),
    ],
)
def test_era_to_western_invalid(era: str, year: int) -> None:
    with pytest.raises(ValueError):
        era_to_western(era, year)
    with pytest.raises(ValueError):
        EraYear(era, year)


def test_era_year_rejects_non_int() -> None:
    with pytest.raises(TypeError):
        EraYear("令和", True)
    with pytest.raises(TypeError):
        EraYear("令和", 5.0)  # type: ignore[arg-type]


def test_next_fiscal_year() -> None:
    assert next_fiscal_year(EraYear("平成", 30)) == EraYear("令和", 1)
    assert next_fiscal_year(EraYear("令和", 5)) == EraYear("令和", 6)
    assert next_fiscal_year(EraYear("昭和", 63)) == EraYear("平成", 1)
    assert next_fiscal_year(EraYear("平成", 31)) == EraYear("令和", 2)


def test_shift_years() -> None:
    assert shift_years(EraYear("令和", 6), -6) == EraYear("平成", 30)
    assert shift_years(EraYear("令和", 5), -4) == EraYear("令和", 1)
    assert shift_years(EraYear("平成", 31), 0) == EraYear("令和", 1)
    assert shift_years(EraYear("令和", 5), 10) == EraYear("令和", 15)
    with pytest.raises(ValueError):
        shift_years(EraYear("明治", 1), -1)


def test_format_era_year() -> None:
    assert format_era_year(EraYear("令和", 1)) == "令和元年"
    assert format_era_year(EraYear("令和", 1), gannen=False) == "令和1年"
    assert format_era_year(EraYear("令和", 5)) == "令和5年"
    assert format_era_year(EraYear("平成", 30), gannen=False) == "平成30年"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("令和5", EraYear("令和", 5)),
        ("令和５", EraYear("令和", 5)),
        ("令和１０", EraYear("令和", 10)),
        ("令和元", EraYear("令和", 1)),
        ("平成元", EraYear("平成", 1)),
        ("R5", EraYear("令和", 5)),
        ("r5", EraYear("令和", 5)),
        ("Ｒ５", EraYear("令和", 5)),
        ("H30", EraYear("平成", 30)),
        ("S64", EraYear("昭和", 64)),
        ("T15", EraYear("大正", 15)),
        ("M45", EraYear("明治", 45)),
        ("R元", EraYear("令和", 1)),
        (" 令和 5 ", EraYear("令和", 5)),
        ("令和5年", EraYear("令和", 5)),
        ("令和5年度", EraYear("令和", 5)),
        ("令和元年度", EraYear("令和", 1)),
    ],
)
def test_parse_era_year(text: str, expected: EraYear) -> None:
    assert parse_era_year(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "令和",
        "令和0",
        "令和-1",
        "平成32",
        "昭和65",
        "X5",
        "5",
        "R",
        "RR5",
        "令和5年9月",
        "令和五",
        "2023",
        "天保3",
        "令和5x",
    ],
)
def test_parse_era_year_invalid(text: str) -> None:
    with pytest.raises(ValueError):
        parse_era_year(text)


@pytest.mark.parametrize(
    ("text", "matched", "era", "year", "western", "suffix", "month"),
    [
        ("令和5年度報告書", "令和5年度", "令和", "5", None, "年度", None),
        ("令和5(2023)年度の年次目標", "令和5(2023)年度", "令和", "5", "2023", "年度", None),
        ("令和5（2023）年度の達成", "令和5（2023）年度", "令和", "5", "2023", "年度", None),
        ("令和5 ( 2023 ) 年度", "令和5 ( 2023 ) 年度", "令和", "5", "2023", "年度", None),
        ("令和6年9月発行", "令和6年9月", "令和", "6", None, "年9月", "9"),
        ("平成26年7月に、", "平成26年7月", "平成", "26", None, "年7月", "7"),
        ("市では、令和3年3月にあいとぴあ", "令和3年3月", "令和", "3", None, "年3月", "3"),
        ("令和元年度", "令和元年度", "令和", "元", None, "年度", None),
        ("令和５年度", "令和５年度", "令和", "５", None, "年度", None),
        ("昭和37年総理府令", "昭和37年", "昭和", "37", None, "年", None),
        ("令和6年12月", "令和6年12月", "令和", "6", None, "年12月", "12"),
    ],
)
def test_pattern_on_report_strings(
    text: str, matched: str, era: str, year: str, western: str | None, suffix: str, month: str | None
) -> None:
    m = ERA_YEAR_PATTERN.search(text)
    assert m is not None
    assert m.group(0) == matched
    assert m.group("era") == era
    assert m.group("year") == year
    assert m.group("western") == western
    assert m.group("suffix") == suffix
    assert m.group("month") == month


def test_pattern_finds_all_in_sentence() -> None:
    text = "令和5年度は既存の取組を継続し、令和6年度から上乗せする(令和4年度))。"
    assert [m.group(0) for m in ERA_YEAR_PATTERN.finditer(text)] == ["令和5年度", "令和6年度", "令和4年度"]


@pytest.mark.parametrize("text", ["令和年度", "2023年度", "令和123年度", "R5年度", "令和5", "平成"])
def test_pattern_no_match(text: str) -> None:
    assert ERA_YEAR_PATTERN.fullmatch(text) is None


def test_era_year_from_match() -> None:
    def from_text(text: str) -> EraYear:
        m = ERA_YEAR_PATTERN.search(text)
        assert m is not None
        return era_year_from_match(m)

    assert from_text("令和5(2023)年度") == EraYear("令和", 5)
    assert from_text("令和５（２０２３）年度") == EraYear("令和", 5)
    assert from_text("令和元年度") == EraYear("令和", 1)
    with pytest.raises(ValueError):
        from_text("令和5(2024)年度")
    with pytest.raises(ValueError):
        from_text("平成32年度")


def test_pattern_is_compiled() -> None:
    assert isinstance(ERA_YEAR_PATTERN, re.Pattern)


@given(st.integers(min_value=1990, max_value=2100))
def test_fiscal_year_round_trip(western: int) -> None:
    ey = era_of_fiscal_year(western)
    assert era_to_western(ey.era, ey.year) == western
    assert parse_era_year(str(ey)) == ey


@given(st.integers(min_value=1869, max_value=2200))
def test_next_fiscal_year_adds_one(western: int) -> None:
    ey = era_of_fiscal_year(western)
    nxt = next_fiscal_year(ey)
    assert era_to_western(nxt.era, nxt.year) == western + 1
    assert nxt == era_of_fiscal_year(western + 1)


@given(st.dates(min_value=datetime.date(1868, 11, 1), max_value=datetime.date(2200, 12, 31)))
def test_era_of_date_consistent(day: datetime.date) -> None:
    ey = era_of_date(day)
    assert ey.western == day.year
    assert era_of_month(day.year, day.month) == era_of_date(day.replace(day=1))


@given(st.integers(min_value=1869, max_value=2200), st.integers(min_value=-50, max_value=50))
def test_shift_years_is_western_arithmetic(western: int, years: int) -> None:
    ey = era_of_fiscal_year(western)
    if western + years < 1868:
        return
    assert shift_years(ey, years).western == western + years
