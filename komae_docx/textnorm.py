"""Text normalisation for MATCHING hand-typed Word text: never use the results as text to store or write.

Why neither NFKC nor ``jaconv``: NFKC also rewrites ①→1, ㈱→(株), …→... and compatibility kanji, which our
labels and keys must keep; jaconv's ``z2h(ascii=True, digit=True, kana=False)`` is exactly the fixed block
U+FF01–FF5E → ASCII plus U+3000, a one-line ``str.translate`` table, so a runtime dependency buys nothing.

What counts as "the same" here:

* width: full-width ASCII (Ａ１（）：～ …) is half-width, U+3000 is a space, WAVE DASH 〜 is ``~`` (the JIS
  twin of ～), half-width katakana and punctuation (ｱ ｶﾞ ｰ ｡ ･) are their full-width forms; circled numbers,
  kana and kanji are kept;
* dashes: every dash, bar, hyphen and minus (- ‐ ‑ ‒ – — ― − ─ ﹘ ﹣ －) is ``—`` (U+2014), because
  typists use them interchangeably, both as empty-cell marks (―, —, －) and as separators
  (1－(2)－① vs 1-(2)-①); the katakana long vowel ー is not a dash;
* spaces: runs of any whitespace (ASCII, U+3000, U+00A0) are one space, zero-width characters vanish.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "CANONICAL_DASH",
    "TAG_PATTERN",
    "circled_to_int",
    "fold_dashes",
    "fold_number_chars",
    "fold_publication_number",
    "fold_width",
    "int_to_circled",
    "is_blank",
    "normalize_for_match",
    "parse_label",
    "parse_paren_number",
    "split_leading_label",
    "split_tag",
    "squash_spaces",
]

CANONICAL_DASH = "\u2014"

_WIDTH_TABLE: dict[int, str] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
_WIDTH_TABLE[0x3000] = " "
_WIDTH_TABLE[0x301C] = "~"  # WAVE DASH 〜, the JIS form of FULLWIDTH TILDE ～

# Half-width katakana and CJK punctuation (U+FF61–FF9F), with a preceding kana so that a lone sound mark
# (カﾞ) composes; NFKC applied to such a run only is the standard half- → full-width kana mapping.
_HALFWIDTH_KANA_RUN = re.compile("[\u3041-\u30ff]?[\uff61-\uff9f]+")
_HALFWIDTH_KANA = re.compile("[\uff61-\uff9f]")

_DASHES = (
    "-"  # U+002D HYPHEN-MINUS
    "\u2010"  # HYPHEN
    "\u2011"  # NON-BREAKING HYPHEN
    "\u2012"  # FIGURE DASH
    "\u2013"  # EN DASH
    "\u2014"  # EM DASH
    "\u2015"  # HORIZONTAL BAR
    "\u2212"  # MINUS SIGN
    "\u2500"  # BOX DRAWINGS LIGHT HORIZONTAL (offered by Japanese IMEs for ー)
    "\ufe58"  # SMALL EM DASH
    "\ufe63"  # SMALL HYPHEN-MINUS
    "\uff0d"  # FULLWIDTH HYPHEN-MINUS
)
_DASH_TABLE: dict[int, str] = {ord(ch): CANONICAL_DASH for ch in _DASHES}

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u180e"
_ZERO_WIDTH_TABLE: dict[int, None] = {ord(ch): None for ch in _ZERO_WIDTH}
_WHITESPACE_RUN = re.compile(r"\s+")

# Circled numbers: ①–⑳ U+2460–2473, ㉑–㉟ U+3251–325F, ㊱–㊿ U+32B1–32BF.
_CIRCLED: str = (
    "".join(chr(cp) for cp in range(0x2460, 0x2474))
    + "".join(chr(cp) for cp in range(0x3251, 0x3260))
    + "".join(chr(cp) for cp in range(0x32B1, 0x32C0))
)
_CIRCLED_VALUE: dict[str, int] = {ch: i + 1 for i, ch in enumerate(_CIRCLED)}
# Parenthesized numbers ⑴–⒇ U+2474–2487, read as (1)–(20).
_PAREN_CHAR_VALUE: dict[str, int] = {chr(0x2474 + i): i + 1 for i in range(20)}

_SP = r"[^\S\n]"  # whitespace other than a line break
_DIGIT = "[0-9０-９]"
_KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワヲン"
    "ｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜｦﾝ"  # half-width forms, canonicalised to full-width
)
_LATIN_LOWER = "a-zａ-ｚ"

_PAREN_NUMBER = re.compile(rf"{_SP}*[(（]{_SP}*(?P<n>{_DIGIT}+){_SP}*[)）]{_SP}*")

# Leading labels, tried in order.  The first group is the label; the rest follows the consumed spaces.
# Labels that are also ordinary words or numbers (1, ア, a, 第1章) need a space after them; bracketed and
# circled labels do not.
_LABEL_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("paren", re.compile(rf"[(（]{_SP}*(?P<v>{_DIGIT}{{1,3}}|[{_KATAKANA}]|[{_LATIN_LOWER}]){_SP}*[)）]")),
    ("parenchar", re.compile(f"(?P<v>[{''.join(_PAREN_CHAR_VALUE)}])")),
    ("circled", re.compile(f"(?P<v>[{_CIRCLED}])")),
    ("chapter", re.compile(rf"(?P<v>第{_SP}*{_DIGIT}{{1,2}}{_SP}*章|序章|終章)(?=\s|$)")),
    ("number", re.compile(rf"(?P<v>{_DIGIT}{{1,2}})(?=\s+\S)")),
    ("katakana", re.compile(rf"(?P<v>[{_KATAKANA}])(?=\s+\S)")),
    ("latin", re.compile(rf"(?P<v>[{_LATIN_LOWER}])(?=\s+\S)")),
)

TAG_PATTERN: re.Pattern[str] = re.compile(r"\s*【\s*(?P<tag>[^【】\s](?:[^【】]*[^【】\s])?)\s*】\s*")
"""A leading 【…】 tag such as 【拡充】 or 【新規】, with the spaces around it; group ``tag`` is its text."""


def fold_width(text: str) -> str:
    """Full-width ASCII → half-width, U+3000 → space, 〜 → ~, half-width kana → full-width.

    Circled numbers, full-width kana, kanji and CJK punctuation are kept.
    """
    folded = text.translate(_WIDTH_TABLE)
    if _HALFWIDTH_KANA.search(folded):  # a regex scan, not a Python loop per character (issue 13)
        folded = _HALFWIDTH_KANA_RUN.sub(lambda m: unicodedata.normalize("NFKC", m.group(0)), folded)
    return folded


def fold_dashes(text: str) -> str:
    """Every dash, bar, hyphen and minus sign → ``—`` (U+2014); the katakana long vowel ー is kept."""
    return text.translate(_DASH_TABLE)


def normalize_for_match(text: str) -> str:
    """The key to compare two hand-typed texts by: widths and dashes folded, spaces collapsed, stripped."""
    folded = fold_dashes(fold_width(text.translate(_ZERO_WIDTH_TABLE)))
    return _WHITESPACE_RUN.sub(" ", folded).strip()


def squash_spaces(text: str) -> str:
    """Remove every whitespace (ASCII, U+3000, U+00A0, line breaks) and zero-width character."""
    return _WHITESPACE_RUN.sub("", text.translate(_ZERO_WIDTH_TABLE))


def is_blank(text: str) -> bool:
    """True when the text is empty or only whitespace (incl. U+3000, U+00A0) and zero-width characters."""
    return not text.translate(_ZERO_WIDTH_TABLE).strip()


def circled_to_int(ch: str) -> int | None:
    """① → 1 … ⑳ → 20, ㉑ → 21 … ㊿ → 50; None for anything else (including longer strings)."""
    return _CIRCLED_VALUE.get(ch)


def int_to_circled(n: int) -> str:
    """1 → ① … 50 → ㊿; ValueError outside 1–50."""
    if isinstance(n, bool) or not 1 <= n <= len(_CIRCLED):
        raise ValueError(f"no circled number for {n!r} (1-{len(_CIRCLED)})")
    return _CIRCLED[n - 1]


def parse_paren_number(text: str) -> int | None:
    """Read a parenthesised number: "(3)", "（３）", "( 3 )", "⑶" → 3.

    None unless the whole text (spaces aside) is one such number.
    """
    m = _PAREN_NUMBER.fullmatch(text)
    if m is not None:
        return int(fold_width(m.group("n")))
    return _PAREN_CHAR_VALUE.get(text.strip())


def _canonical_label(kind: str, value: str) -> str:
    if kind == "paren":
        return f"({fold_width(value)})"
    if kind == "parenchar":
        return f"({_PAREN_CHAR_VALUE[value]})"
    if kind == "chapter":
        return squash_spaces(fold_width(value))
    return fold_width(value)


def _match_label(text: str) -> tuple[str, re.Match[str]] | None:
    for kind, pattern in _LABEL_PATTERNS:
        m = pattern.match(text)
        if m is not None:
            return _canonical_label(kind, m.group("v")), m
    return None


def split_leading_label(text: str) -> tuple[str | None, str]:
    """Split a leading outline label from a heading or item; the label comes back in canonical form.

    "(1) 新しい…" → ("(1)", "新しい…"); "（３）x" → ("(3)", "x"); "⑶ x" → ("(3)", "x");
    "① 【拡充】…" → ("①", "【拡充】…"); "1 普及啓発" / "1\\u3000進捗管理" → ("1", …);
    "ア 庁内…" → ("ア", …) and "a 事業" → ("a", …) only when a space follows; "(ア)" → ("(ア)", …);
    "第１章\\u3000進捗管理シート" → ("第1章", …), "序章 はじめに" → ("序章", …).
    Half-width katakana labels (ｱ) are read as their full-width forms.  The rest is the original text after
    the label, without the spaces in between.  Without a label: (None, text) unchanged.
    """
    stripped = text.lstrip()
    found = _match_label(stripped)
    if found is None:
        return None, text
    label, m = found
    return label, stripped[m.end() :].lstrip()


def parse_label(text: str) -> str | None:
    """The canonical label when the whole text (spaces aside) is one label, as in a label-only table cell.

    "１" → "1", "（６）" → "(6)", "ア" → "ア", "ａ" → "a", "①" → "①", "第1章" → "第1章"; None for
    "ア 庁内", "(6) ア", "A(再掲)", "123".  A one- or two-digit number is always a label here ("50" → "50"):
    only the caller knows whether a cell holds a label or a count.
    """
    stripped = fold_width(text).strip()
    if not stripped:
        return None
    label, rest = split_leading_label(stripped + " x")
    if label is None or rest != "x":
        return None
    return label


def split_tag(text: str) -> tuple[str | None, str]:
    """Split a leading 【…】 tag: "【拡充】複雑化…" → ("拡充", "複雑化…").

    A text that does not start with 【…】 (spaces aside) → (None, text).
    """
    m = TAG_PATTERN.match(text)
    if m is None:
        return None, text
    return m.group("tag"), text[m.end() :]


GRADE_CELL_PATTERN: re.Pattern[str] = re.compile(r"^\s*([A-Z])\s*(\(\s*再掲\s*\))?\s*$")


def parse_grade_cell(text: str) -> tuple[str, bool] | None:
    """A sheet's grade cell: ``'A（再掲）'`` → ``('A', True)``, ``'C'`` → ``('C', False)``; else None."""
    match = GRADE_CELL_PATTERN.match(fold_width(text))
    return (match.group(1), match.group(2) is not None) if match else None


def is_number(text: str) -> bool:
    """ASCII digits only, as ``int()`` accepts them.

    ``str.isdigit`` also says yes to ①, ² and other digit-like characters that ``int`` refuses;
    staff type ① in cells, so every count, page or label that becomes an ``int`` is tested here.
    """
    return text.isascii() and text.isdigit() and len(text) < 10


NUMBER_DASHES = "‐‑‒–—―−－ー"
"""The dashes staff type between a 刊行物番号's year and serial (ー: the IME's long vowel, typed for
a minus in full-width input), all read as ``-``."""
_NUMBER_DASH_TABLE = str.maketrans(dict.fromkeys(NUMBER_DASHES, "-"))
PUBLICATION_NUMBER_PATTERN: re.Pattern[str] = re.compile(
    r"^(?P<prefix>[A-Za-z]{0,3}[0-9]{1,4})-(?P<serial>[0-9]{1,5}|〇〇|○○)$"
)
"""A 刊行物番号 once folded: ``R7-15``, or the draft's placeholder ``R7-〇〇``."""


def fold_number_chars(text: str) -> str:
    """``text`` with full-width ASCII half-width and number dashes ``-``, one character for one
    (offsets hold), for finding a number in text as staff typed it."""
    return text.translate(_WIDTH_TABLE).translate(_NUMBER_DASH_TABLE)


def fold_publication_number(text: str) -> str | None:
    """A 刊行物番号 as ``--number`` takes it: widths and dashes folded, spaces removed, the era
    letter upper-case (「Ｒ７－１５」, 「r7 - 15」 → ``R7-15``); None when it is not of that shape."""
    folded = fold_number_chars(squash_spaces(text))
    if not PUBLICATION_NUMBER_PATTERN.match(folded):
        return None
    return folded[0].upper() + folded[1:]
