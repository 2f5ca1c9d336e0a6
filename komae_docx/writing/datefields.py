"""Date fields (DATE, CREATEDATE, SAVEDATE, PRINTDATE): rolled in the draft, frozen when published.

Staff put the publication month on the cover or the colophon as a field (Insert → Date and Time
with 「自動的に更新する」 writes ``DATE \\@ "ggge年M月"``).  Word shows such a field's cached result
until it updates it — on opening (DATE), on saving (SAVEDATE), on printing (PRINTDATE) — so a
published report would print the day it is opened.  Word writes a field two ways (ECMA-376 Part 1,
17.16): ``w:fldSimple w:instr="…"`` holding the result runs, or a complex field, runs with
``w:fldChar w:fldCharType="begin"``, ``w:instrText``, ``"separate"``, the result runs, ``"end"``.

* :func:`roll_date_fields` (the draft): each date field's cached text becomes next year's month in
  the field's own picture (``\\@``), or, for a picture with a day, its years move one year on;
* :func:`freeze_date_fields` (finalize): each date field is replaced by plain text, the publication
  month in the field's picture; a picture that needs a day or a time (the publication has a month
  only) is refused with the place named — a published report never prints the day it is opened.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..errors import SheetFormatError
from ..model import EraMonth
from ..wordml import RPR, RUN, XML_SPACE, T, visible_text, w

DATE_FIELDS = frozenset({"DATE", "CREATEDATE", "SAVEDATE", "PRINTDATE"})
_FLD_SIMPLE, _FLD_CHAR, _INSTR = w("fldSimple"), w("fldChar"), w("instrText")
_FLD_TYPE, _INSTR_ATTR = w("fldCharType"), w("instr")
_PICTURE = re.compile(r'\\@\s*(?:"(?P<quoted>[^"]*)"|(?P<bare>\S+))')
_TOKEN = re.compile(r"'[^']*'|g{1,3}|e{1,2}|y{4}|y{2}|M{1,4}|d{1,4}|[hHmsAaP]+|\\.|.", re.DOTALL)
_ERA_LETTER = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}


@dataclass
class DateField:
    """One date field: its kind (DATE …), its picture (``\\@``; None when absent), the element that
    is the whole field (``w:fldSimple``) or the runs from its begin to its end, and its result runs."""

    kind: str
    picture: str | None
    runs: list[etree._Element]
    result: list[etree._Element]
    simple: etree._Element | None = None
    code: str = ""


@dataclass
class _Open:
    begin: etree._Element
    instr: list[str] = field(default_factory=list)
    result: list[etree._Element] = field(default_factory=list)
    separated: bool = False


def _kind_and_picture(code: str) -> tuple[str, str | None] | None:
    words = code.split()
    if not words or words[0].upper() not in DATE_FIELDS:
        return None
    match = _PICTURE.search(code)
    if match is None:
        return words[0].upper(), None
    quoted = match.group("quoted")
    return words[0].upper(), quoted if quoted is not None else match.group("bare")


def date_fields(root: etree._Element) -> list[DateField]:
    """The date fields under ``root`` in document order (fields nested in them are their text)."""
    found: list[DateField] = []
    stack: list[_Open] = []
    for el in root.iter(_FLD_SIMPLE, RUN):
        if el.tag == _FLD_SIMPLE:
            code = el.get(_INSTR_ATTR) or ""
            known = _kind_and_picture(code)
            if known is not None:
                runs = list(el.iter(RUN))
                found.append(DateField(known[0], known[1], [el], runs, simple=el, code=code.strip()))
            continue
        for child in el:
            if child.tag == _FLD_CHAR:
                kind = child.get(_FLD_TYPE)
                if kind == "begin":
                    stack.append(_Open(el))
                elif kind == "separate" and stack:
                    stack[-1].separated = True
                elif kind == "end" and stack:
                    done = stack.pop()
                    _close(done, el, found)
                    if stack and stack[-1].separated:
                        stack[-1].result.append(el)
            elif child.tag == _INSTR and stack and not stack[-1].separated:
                stack[-1].instr.append(child.text or "")
            elif child.tag == T and stack and stack[-1].separated and el not in stack[-1].result:
                stack[-1].result.append(el)
    return found


def _close(done: _Open, end: etree._Element, found: list[DateField]) -> None:
    code = "".join(done.instr)
    known = _kind_and_picture(code)
    if known is None:
        return
    parent = done.begin.getparent()
    runs: list[etree._Element] = []
    if parent is not None and end.getparent() is parent:
        siblings = list(parent)
        runs = siblings[siblings.index(done.begin) : siblings.index(end) + 1]
    found.append(DateField(known[0], known[1], runs, done.result, code=code.strip()))


def month_text(picture: str | None, month: EraMonth) -> str | None:
    """``month`` written in a date picture (``ggge年M月`` → 令和7年9月); None when the picture asks for
    a day or a time, or has none (Word's default shows the day)."""
    if not picture:
        return None
    out: list[str] = []
    for token in _TOKEN.findall(picture):
        if token.startswith("'") and token.endswith("'") and len(token) >= 2:
            out.append(token[1:-1])
        elif token.startswith("\\") and len(token) == 2:
            out.append(token[1])
        elif token[0] == "g":
            out.append({3: month.era, 2: month.era[:1], 1: _ERA_LETTER.get(month.era, month.era)}[len(token)])
        elif token[0] == "e":
            out.append(f"{month.era_year:02d}" if len(token) == 2 else _era_year(month.era_year))
        elif token[0] == "y":
            out.append(str(month.western_year) if len(token) == 4 else f"{month.western_year % 100:02d}")
        elif token[0] == "M" and len(token) <= 2:
            out.append(f"{month.month:02d}" if len(token) == 2 else str(month.month))
        elif token[0] in "MdhHmsAaP" and token.isascii() and token.isalpha():
            return None  # a month name, a day or a time: not what the publication has
        else:
            out.append(token)
    return "".join(out)


def _era_year(year: int) -> str:
    return "元" if year == 1 else str(year)


_YEARS = re.compile(
    r"(?P<era>明治|大正|昭和|平成|令和)(?P<year>元|\d{1,2})(?=年)|(?P<western>\d{4})(?=[年/.\-])"
)


def _next_year_text(text: str) -> str:
    """Cached date text with its years one year on (令和6年9月1日 → 令和7年9月1日, 2024/9/1 → 2025/9/1)."""

    def bump(match: re.Match[str]) -> str:
        if match.group("western"):
            return str(int(match.group("western")) + 1)
        year = match.group("year")
        return match.group("era") + str((1 if year == "元" else int(year)) + 1)

    return _YEARS.sub(bump, text)


def _set_result(result: list[etree._Element], text: str) -> None:
    """The result runs show ``text``: the first run's first ``w:t`` gets it, the others are emptied."""
    texts = [t for r in result for t in r.iter(T)]
    if not texts:
        return
    texts[0].text = text
    texts[0].set(XML_SPACE, "preserve")
    for t in texts[1:]:
        t.text = ""


def roll_date_fields(body: etree._Element, month: EraMonth) -> int:
    """The draft: each date field's cached text is next year's publication ``month`` in its picture
    (the years moved on when the picture has a day); how many fields."""
    fields = date_fields(body)
    for date in fields:
        shown = "".join(visible_text(r) for r in date.result)
        text = month_text(date.picture, month)
        _set_result(date.result, text if text is not None else _next_year_text(shown))
    return len(fields)


def freeze_date_fields(body: etree._Element, month: EraMonth, path: str | Path | None = None) -> int:
    """Finalize: each date field becomes plain text, the publication ``month`` in its picture, in the
    formatting of its result; a field that cannot be written so is refused with its place."""
    fields = date_fields(body)
    for date in fields:
        text = month_text(date.picture, month)
        if text is None or not date.runs:
            raise SheetFormatError(
                f"日付のフィールド（{date.code}）は開いた日・保存した日・印刷した日で変わり、"
                f"日付まで表示する形のため、発行年月（{month.text}）の文字に置き換えられません。"
                "Word でこのフィールドを選び、発行年月の文字を入力してください",
                path,
                where=_place(body, date),
            )
        _replace_with_text(date, text)
    return len(fields)


def _replace_with_text(date: DateField, text: str) -> None:
    first = date.runs[0]
    parent = first.getparent()
    if parent is None:
        return
    rpr = next((r.find(RPR) for r in date.result if r.find(RPR) is not None), None)
    run = etree.Element(RUN)
    if rpr is not None:
        run.append(copy.deepcopy(rpr))
    t = etree.SubElement(run, T)
    t.text = text
    t.set(XML_SPACE, "preserve")
    parent.insert(parent.index(first), run)
    for el in date.runs:
        if el.tag == _FLD_SIMPLE or el.tag == RUN:
            el_parent = el.getparent()
            if el_parent is not None:
                el_parent.remove(el)


def _place(body: etree._Element, date: DateField) -> str:
    """Where a field stands, in the report's words: 表紙, 奥付 or 本文, and its paragraph's text."""
    anchor = date.runs[0] if date.runs else date.simple
    paragraph = next(anchor.iterancestors(w("p")), None) if anchor is not None else None
    section = "表紙"
    for p in body.iter(w("p")):
        text = visible_text(p).strip()
        if p is paragraph:
            break
        if text.replace(" ", "").replace("\u3000", "") == "目次":
            section = "本文"
        elif text.startswith("刊行物番号"):
            section = "奥付"
    shown = visible_text(paragraph).strip() if paragraph is not None else ""
    return f"{section}「{shown}」" if shown else section
