"""Tests of komae_docx.textnorm on the variants found in hand-typed reports."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from komae_docx.textnorm import (
    CANONICAL_DASH,
    TAG_PATTERN,
    circled_to_int,
    fold_dashes,
    fold_width,
    int_to_circled,
    is_blank,
    normalize_for_match,
    parse_label,
    parse_paren_number,
    split_leading_label,
    split_tag,
    squash_spaces,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A（再掲）", "A(再掲)"),
        ("合\u3000計", "合 計"),
        ("（３）", "(3)"),
        ("ＡＢＣａｂｃ０１２３４５６７８９", "ABCabc0123456789"),
        ("開催回数：3回", "開催回数:3回"),
        ("12～13", "12~13"),
        ("12〜13", "12~13"),
        ("［注］＃＄％＆＊＋，．／；＜＝＞？＠＼＾＿｀｛｜｝！＂＇", "[注]#$%&*+,./;<=>?@\\^_`{|}!\"'"),
        ("ｱｲｳ ｶﾞｷﾞ ﾊﾟ ｰ", "アイウ ガギ パ ー"),
        ("ｶﾞ", "ガ"),
        ("カﾞ", "ガ"),
        ("｢ｱ｣｡･､", "「ア」。・、"),
    ],
)
def test_fold_width(text: str, expected: str) -> None:
    assert fold_width(text) == expected


@pytest.mark.parametrize(
    "text",
    ["①②③⑳㉑㊿", "ひらがなカタカナ漢字", "【拡充】", "「」。、", "ー", "…", "㈱", "☆〒", "—―－"],
)
def test_fold_width_keeps(text: str) -> None:
    folded = fold_width(text)
    if text == "—―－":
        assert folded == "—―-"
    else:
        assert folded == text


def test_fold_dashes() -> None:
    for dash in "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2500\ufe58\ufe63\uff0d":
        assert fold_dashes(f"1{dash}(2){dash}①") == "1—(2)—①"
    assert fold_dashes("―") == fold_dashes("—") == CANONICAL_DASH
    assert fold_dashes("コーディネーター") == "コーディネーター"
    assert fold_dashes("ｰ") == "ｰ"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("A（再掲）", "A(再掲)"),
        ("合\u3000計", "合 計"),
        ("―", "—"),
        ("－", "−"),
        ("－", "-"),
        ("1－(2)－①", "1-(2)-①"),
        ("（３）", "(3)"),
        ("  令和５年度\u3000報告書 ", "令和5年度 報告書"),
        ("a\u00a0\u00a0b", "a b"),
        ("a\u200bb", "ab"),
        ("12～13", "12〜13"),
        ("Ｐ－14", "P-14"),
    ],
)
def test_normalize_for_match_equates(a: str, b: str) -> None:
    assert normalize_for_match(a) == normalize_for_match(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [("①", "1"), ("ア", "ｱイ"), ("A", "a"), ("合計", "合 計"), ("ー", "―"), ("(1)", "(2)")],
)
def test_normalize_for_match_distinguishes(a: str, b: str) -> None:
    assert normalize_for_match(a) != normalize_for_match(b)


def test_normalize_for_match_form() -> None:
    assert normalize_for_match("\u3000 A（再掲）\n\t－ ") == "A(再掲) —"
    assert normalize_for_match("") == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("基本 目標", "基本目標"),
        ("基本\u3000目標", "基本目標"),
        ("合\u3000計", "合計"),
        (" 基\t本\n目\u00a0標\u200b ", "基本目標"),
    ],
)
def test_squash_spaces(text: str, expected: str) -> None:
    assert squash_spaces(text) == expected


def test_circled_numbers() -> None:
    assert circled_to_int("①") == 1
    assert circled_to_int("⑩") == 10
    assert circled_to_int("⑳") == 20
    assert circled_to_int("㉑") == 21
    assert circled_to_int("㉟") == 35
    assert circled_to_int("㊱") == 36
    assert circled_to_int("㊿") == 50
    for not_circled in ("1", "１", "(1)", "⑴", "①②", "", "ア"):
        assert circled_to_int(not_circled) is None
    assert int_to_circled(1) == "①"
    assert int_to_circled(20) == "⑳"
    assert int_to_circled(21) == "㉑"
    assert int_to_circled(50) == "㊿"
    for n in range(1, 51):
        assert circled_to_int(int_to_circled(n)) == n
    for bad in (0, -1, 51):
        with pytest.raises(ValueError):
            int_to_circled(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(3)", 3),
        ("（３）", 3),
        ("( 3 )", 3),
        ("（\u3000３\u3000）", 3),
        (" (12) ", 12),
        ("⑶", 3),
        ("⒇", 20),
        ("3", None),
        ("(a)", None),
        ("(3", None),
        ("(3) x", None),
        ("①", None),
        ("", None),
    ],
)
def test_parse_paren_number(text: str, expected: int | None) -> None:
    assert parse_paren_number(text) == expected


@pytest.mark.parametrize(
    ("text", "label", "rest"),
    [
        ("(1) 新しい包括的な支援体制", "(1)", "新しい包括的な支援体制"),
        ("(2) 新しい支援体制を", "(2)", "新しい支援体制を"),
        ("（３）x", "(3)", "x"),
        ("( 3 )y", "(3)", "y"),
        ("(1)", "(1)", ""),
        ("⑴\u3000地域", "(1)", "地域"),
        ("① 【拡充】福祉の担い手", "①", "【拡充】福祉の担い手"),
        ("①【拡充】災害時", "①", "【拡充】災害時"),
        ("①", "①", ""),
        ("1 普及啓発", "1", "普及啓発"),
        ("1\u3000進捗管理", "1", "進捗管理"),
        ("１\u3000地域福祉計画", "1", "地域福祉計画"),
        ("8 参加支援事業の実施", "8", "参加支援事業の実施"),
        ("ア 庁内連携", "ア", "庁内連携"),
        ("イ\u3000相談", "イ", "相談"),
        ("ｱ 庁内", "ア", "庁内"),
        ("(ア) 庁内", "(ア)", "庁内"),
        ("a 事業", "a", "事業"),
        ("ａ\u3000事業", "a", "事業"),
        ("第1章\u3000進捗管理シート", "第1章", "進捗管理シート"),
        ("第１章 進捗管理シート", "第1章", "進捗管理シート"),
        ("序章\u3000はじめに", "序章", "はじめに"),
        ("\u3000(1) 先頭の空白", "(1)", "先頭の空白"),
    ],
)
def test_split_leading_label(text: str, label: str, rest: str) -> None:
    assert split_leading_label(text) == (label, rest)


@pytest.mark.parametrize(
    "text",
    [
        "アンケート調査",
        "ア",
        "1",
        "1－(1)",
        "1－(2)－①",
        "12～13",
        "10月に開催",
        "2023 年度",
        "A（再掲）",
        "A 達成",
        "(再掲)",
        "(評価)",
        "(2023)年度",
        "【拡充】複雑化",
        "市民福祉推進委員会①",
        "第1章進捗",
        "",
    ],
)
def test_split_leading_label_none(text: str) -> None:
    assert split_leading_label(text) == (None, text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１", "1"),
        ("50", "50"),
        ("（６）", "(6)"),
        (" (6) ", "(6)"),
        ("ア", "ア"),
        ("ｱ", "ア"),
        ("ａ", "a"),
        ("①", "①"),
        ("第1章", "第1章"),
        ("序章", "序章"),
        ("(6) ア", None),
        ("ア 庁内", None),
        ("A(再掲)", None),
        ("123", None),
        ("", None),
        ("\u3000", None),
    ],
)
def test_parse_label(text: str, expected: str | None) -> None:
    assert parse_label(text) == expected


@pytest.mark.parametrize(
    ("text", "tag", "rest"),
    [
        ("【拡充】複雑化・複合化した課題", "拡充", "複雑化・複合化した課題"),
        ("【新規】x", "新規", "x"),
        (" 【 拡充 】 コーディネーター", "拡充", "コーディネーター"),
        ("\u3000【拡充】\u3000y", "拡充", "y"),
        ("【】x", None, "【】x"),
        ("①【拡充】x", None, "①【拡充】x"),
        ("福祉【拡充】", None, "福祉【拡充】"),
        ("", None, ""),
    ],
)
def test_split_tag(text: str, tag: str | None, rest: str) -> None:
    assert split_tag(text) == (tag, rest)


def test_label_then_tag() -> None:
    label, rest = split_leading_label("① 【拡充】災害時の福祉避難所の円滑な運営体制を整備します。")
    assert label == "①"
    assert split_tag(rest) == ("拡充", "災害時の福祉避難所の円滑な運営体制を整備します。")
    assert TAG_PATTERN.match(rest) is not None


@pytest.mark.parametrize(
    "text", ["", " ", "\u3000", "\u00a0", "\u200b", "\ufeff", " \t\n\u3000\u00a0\u200b "]
)
def test_is_blank(text: str) -> None:
    assert is_blank(text)


@pytest.mark.parametrize("text", ["―", "-", "a", "\u3000x", "①", "0"])
def test_is_not_blank(text: str) -> None:
    assert not is_blank(text)


@given(st.text())
def test_normalize_for_match_is_idempotent(text: str) -> None:
    once = normalize_for_match(text)
    assert normalize_for_match(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E)))
def test_fold_width_of_fullwidth_ascii(text: str) -> None:
    full = "".join(chr(ord(ch) + 0xFEE0) for ch in text)
    assert fold_width(full) == text


@given(st.text())
def test_squash_spaces_has_no_space(text: str) -> None:
    squashed = squash_spaces(text)
    assert not any(ch.isspace() for ch in squashed)
    assert is_blank(text) == (squashed == "")
