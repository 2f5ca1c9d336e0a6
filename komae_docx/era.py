"""Japanese era (和暦) arithmetic: the one place komae-docx converts 令和5 ⇄ 2023.

Why a table and not ``japanera`` (2.1.3): it ships no type information (no ``py.typed``, so ``mypy --strict``
needs an ignore), pulls in ``kanjize``, carries 1,300 years of eras we never need, and knows nothing of 年度,
full-width digits or R/H abbreviations, so we would wrap it as much as we would use it; five rows are enough.

Conventions, all decided here and nowhere else:

* Era start dates are the conventional ones: 明治 1868-10-23, 大正 1912-07-30, 昭和 1926-12-25,
  平成 1989-01-08, 令和 2019-05-01.  An era's year N is the western calendar year ``start.year + N - 1``
  (元年 is year 1), so 平成31 and 令和元 are both 2019.
* A date or a month belongs to the era in force on that day (on the month's first day): 2019-04 → 平成31,
  2019-05 → 令和元, 1989-01-07 → 昭和64.
* A fiscal year (年度, April to March) is named after the era in force on 31 December of its first
  calendar year, i.e. its year number counts calendar years.  That gives 令和元年度 for FY2019 (the
  convention municipalities have used since May 2019 for the whole of FY2019, including April) and
  昭和63年度 for FY1988 (平成 began in its last quarter).  ``shift_years`` and ``next_fiscal_year`` return
  the same canonical name, so 平成30 → 令和元, never 平成31.
* An :class:`EraYear` always names a year that existed under that era: 平成31 is valid, 平成32 is not.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

__all__ = [
    "ERAS",
    "ERA_YEAR_PATTERN",
    "EraYear",
    "era_of_date",
    "era_of_fiscal_year",
    "era_of_month",
    "era_to_western",
    "era_year_from_match",
    "format_era_year",
    "next_fiscal_year",
    "parse_era_year",
    "shift_years",
]

# (name, single-letter abbreviation, first day), oldest first.
_ERA_TABLE: tuple[tuple[str, str, datetime.date], ...] = (
    ("明治", "M", datetime.date(1868, 10, 23)),
    ("大正", "T", datetime.date(1912, 7, 30)),
    ("昭和", "S", datetime.date(1926, 12, 25)),
    ("平成", "H", datetime.date(1989, 1, 8)),
    ("令和", "R", datetime.date(2019, 5, 1)),
)

ERAS: tuple[str, ...] = tuple(name for name, _, _ in _ERA_TABLE)

_START: dict[str, datetime.date] = {name: start for name, _, start in _ERA_TABLE}
# Last western year an era's numbering reaches: the start year of the following era (平成 → 2019).
_LAST_YEAR: dict[str, int | None] = {
    name: (_ERA_TABLE[i + 1][2].year if i + 1 < len(_ERA_TABLE) else None)
    for i, (name, _, _) in enumerate(_ERA_TABLE)
}
_BY_LETTER: dict[str, str] = {letter: name for name, letter, _ in _ERA_TABLE}

_GANNEN = "元"
_DIGITS = "0-9０-９"
_ERA_ALT = "|".join(ERAS)

# Full-width digits and Latin letters to ASCII (kept local: this module imports nothing from komae_docx).
_FOLD = str.maketrans(
    "０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ",
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
)

ERA_YEAR_PATTERN: re.Pattern[str] = re.compile(
    rf"(?P<era>{_ERA_ALT})\s*"
    rf"(?P<year>{_GANNEN}|[{_DIGITS}]{{1,2}})\s*"
    rf"(?:[(（]\s*(?P<western>[{_DIGITS}]{{4}})\s*[)）]\s*)?"
    rf"(?P<suffix>年度|年\s*(?P<month>[{_DIGITS}]{{1,2}})\s*月|年)"
)
"""An era year as written in running text, e.g. 令和5年度, 令和５年度, 令和元年度, 令和5(2023)年度,
令和5（2023）年度, 令和6年9月, 平成26年7月.  Groups: ``era``, ``year`` (digits, half- or full-width, or 元),
``western`` (the year in parentheses, or None), ``suffix`` (年度, 年N月 or 年, as written) and ``month``
(the N of 年N月, or None).  Use :func:`era_year_from_match` to turn a match into an :class:`EraYear`."""

_PARSE_PATTERN = re.compile(
    rf"\s*(?:(?P<era>{_ERA_ALT})|(?P<letter>[MTSHR]))\s*"
    rf"(?P<year>{_GANNEN}|[0-9]{{1,3}})\s*(?:年度|年)?\s*",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class EraYear:
    """A year of a Japanese era; ``str()`` gives 令和5 or 令和元.

    Construction checks that the era is one of :data:`ERAS`, that ``year >= 1`` and that the year lies
    within the era (平成31 is valid, 平成32 raises ValueError); a non-int year raises TypeError.
    """

    era: str
    year: int

    def __post_init__(self) -> None:
        _check(self.era, self.year)

    def __str__(self) -> str:
        return f"{self.era}{_GANNEN if self.year == 1 else self.year}"

    @property
    def western(self) -> int:
        """The western calendar year (= western fiscal year) this era year denotes."""
        return _START[self.era].year + self.year - 1


def _check(era: str, year: int) -> int:
    """Validate an era year and return its western year."""
    if era not in _START:
        raise ValueError(f"unknown era: {era!r} (expected one of {', '.join(ERAS)})")
    if isinstance(year, bool) or not isinstance(year, int):
        raise TypeError(f"era year must be an int, got {year!r}")
    if year < 1:
        raise ValueError(f"era year must be >= 1, got {era}{year}")
    western = _START[era].year + year - 1
    last = _LAST_YEAR[era]
    if last is not None and western > last:
        raise ValueError(f"{era}{year} does not exist: {era} ended in {last}")
    return western


def era_to_western(era: str, year: int) -> int:
    """令和5 → 2023.  ValueError for an unknown era, year < 1, or a year past the era's end (平成32)."""
    return _check(era, year)


def era_of_date(d: datetime.date) -> EraYear:
    """The era year in force on a day: 1989-01-07 → 昭和64, 1989-01-08 → 平成元.

    ValueError for a day before 明治 (1868-10-23).  A ``datetime`` is taken by its date.
    """
    day = d.date() if isinstance(d, datetime.datetime) else d
    for name, _, start in reversed(_ERA_TABLE):
        if day >= start:
            return EraYear(name, day.year - start.year + 1)
    raise ValueError(f"{day.isoformat()} is before {ERAS[0]} ({_ERA_TABLE[0][2].isoformat()})")


def era_of_month(year: int, month: int) -> EraYear:
    """The era year of a month, judged on its first day: 2019-04 → 平成31, 2019-05 → 令和元."""
    return era_of_date(datetime.date(year, month, 1))


def era_of_fiscal_year(western_fy: int) -> EraYear:
    """The conventional name of a fiscal year: 2018 → 平成30, 2019 → 令和元, 1988 → 昭和63.

    The era is the one in force on 31 December of the fiscal year's first calendar year (see the module
    docstring), so the year number always equals ``western_fy - era start year + 1``.
    """
    return era_of_date(datetime.date(western_fy, 12, 31))


def shift_years(ey: EraYear, years: int) -> EraYear:
    """Move an (fiscal or calendar) era year by whole years through western years: 平成30 + 1 → 令和元.

    The result is named by :func:`era_of_fiscal_year`, so 平成31 shifted by 0 becomes 令和元.
    """
    return era_of_fiscal_year(ey.western + years)


def next_fiscal_year(ey: EraYear) -> EraYear:
    """The following fiscal year: 平成30 → 令和元, 令和5 → 令和6."""
    return shift_years(ey, 1)


def format_era_year(ey: EraYear, *, gannen: bool = True) -> str:
    """令和5 → "令和5年"; year 1 → "令和元年" (or "令和1年" with ``gannen=False``)."""
    if ey.year == 1 and gannen:
        return f"{ey.era}{_GANNEN}年"
    return f"{ey.era}{ey.year}年"


def parse_era_year(text: str) -> EraYear:
    """Parse one era year: "令和5", "令和５", "令和元", "R5", "h30" (M/T/S/H/R, either case, full-width too).

    Surrounding spaces and a trailing 年 or 年度 are allowed.  ValueError for anything else, and for
    years that do not exist (令和0, 平成32).
    """
    m = _PARSE_PATTERN.fullmatch(text.translate(_FOLD))
    if m is None:
        raise ValueError(f"not an era year: {text!r}")
    era = m.group("era") or _BY_LETTER[m.group("letter").upper()]
    raw = m.group("year")
    return EraYear(era, 1 if raw == _GANNEN else int(raw))


def era_year_from_match(m: re.Match[str]) -> EraYear:
    """The :class:`EraYear` of an :data:`ERA_YEAR_PATTERN` match.

    ValueError when the year does not exist in the era or the western year in parentheses disagrees
    (令和5(2024)年度).
    """
    raw = m.group("year")
    ey = EraYear(m.group("era"), 1 if raw == _GANNEN else int(raw.translate(_FOLD)))
    western = m.group("western")
    if western is not None and int(western.translate(_FOLD)) != ey.western:
        raise ValueError(f"{m.group(0)!r}: {ey} is {ey.western}, not {western}")
    return ey
