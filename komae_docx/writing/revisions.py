"""What a published report may not carry: tracked changes and other people's comments.

A filled draft comes back from the departments with Word's review marks in it: insertions and
deletions typed with 変更履歴の記録 on, moved text, formatting changes, inserted or deleted table
rows, and comments staff wrote to each other.  The reader reads the text *as accepted*
(``w:ins`` / ``w:moveTo`` kept, ``w:del`` / ``w:moveFrom`` dropped); the published report must say
exactly that, with no marks left that Word would show as red text or margin balloons.

* :func:`remaining` lists what stands in the way, each with its place (sheet, row and column, or
  the body paragraph, header, footer, footnote): ``finalize`` refuses while it is not empty.
* :func:`accept_all_changes` accepts every tracked change the way the reader reads them: inserted
  and moved-to content stays without its wrapper, deleted and moved-from content goes, a deleted
  row goes, a deleted paragraph mark joins its paragraph to the next, and the old formatting kept
  by ``w:rPrChange`` / ``w:pPrChange`` / ``w:tblPrChange`` … is dropped (the new one stays).
* :func:`drop_other_comments` removes the comments not written by the tool, with their ranges and
  references, their ``commentsExtended`` / ``commentsIds`` / ``commentsExtensible`` entries, and
  the ``people`` entries of authors left with nothing.
* :func:`stop_tracking` switches ``w:trackRevisions`` off, so that the published report does not
  record the next person's edits as changes.

The tool's own reference comments (author ``komae-docx``) are not "other people's": the published
look removes them anyway (:func:`komae_docx.writing.finalize.publish_look`).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from ..checks import CHAPTER1
from ..model import Report
from ..package import Package
from ..results import Location, Message
from ..wordml import accept_revisions, revision_marks
from .context import COMMENT_AUTHOR
from .finalize import FinalizeOptions, open_filled
from .ooxml import body_tables, row_cells, table_rows, visible_text, w

W14_NS = "http://schemas.microsoft.com/office/word/2010/wordml"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
W16CID_NS = "http://schemas.microsoft.com/office/word/2016/wordml/cid"
W16CEX_NS = "http://schemas.microsoft.com/office/word/2018/wordml/cex"

STORY_PARTS = {
    "header": "ヘッダー",
    "footer": "フッター",
    "footnotes": "脚注",
    "endnotes": "文末脚注",
    "styles": "スタイル",
    "numbering": "段落番号",
}
"""Parts besides the body that carry review marks, by relationship type, with their Japanese names."""

_KIND_NAMES = {
    "insert": "挿入",
    "delete": "削除",
    "move": "移動",
    "format": "書式の変更",
    "row": "行の挿入・削除",
}


# --------------------------------------------------------------------------- the parts


@dataclass
class ReviewParts:
    """The filled package's parts that hold review marks or comment data, parsed once.

    ``stories`` maps a part name to its Japanese name (本文, ヘッダー, …); ``roots`` holds every
    parsed part, including the comment side parts, so that :meth:`store` can put the edited ones
    back into the package.
    """

    package: Package
    stories: dict[str, str] = field(default_factory=dict)
    roots: dict[str, etree._Element] = field(default_factory=dict)
    comment_extras: list[str] = field(default_factory=list)
    people: str | None = None

    def story_roots(self) -> Iterator[tuple[str, str, etree._Element]]:
        for name, label in self.stories.items():
            yield name, label, self.roots[name]

    def store(self) -> None:
        """Mark the parsed parts changed in the package (they are its own trees)."""
        for name in self.roots:
            self.package.mark_changed(name)


def review_parts(package: Package, related: Mapping[str, list[str]]) -> ReviewParts:
    """Parse the parts of ``package`` that may hold review marks.

    ``related`` maps a relationship type suffix (``header``, ``commentsExtended``, ``people`` …) to
    the parts the main document points at with it (``Package.related_part``).
    """
    parts = ReviewParts(package)
    parts.stories[package.main] = "本文"
    parts.roots[package.main] = package.document
    comments = package.related(package.main, "comments")
    if comments is not None:
        parts.roots[comments] = package.xml(comments)
    for suffix, label in STORY_PARTS.items():
        for name in related.get(suffix, []):
            parts.stories[name] = label
    for suffix in ("commentsExtended", "commentsIds", "commentsExtensible"):
        parts.comment_extras += related.get(suffix, [])
    people = related.get("people", [])
    parts.people = people[0] if people else None
    for name in [*parts.stories, *parts.comment_extras, *([parts.people] if parts.people else [])]:
        if name not in parts.roots and package.has(name):
            parts.roots[name] = package.xml(name)
    parts.stories = {name: label for name, label in parts.stories.items() if name in parts.roots}
    parts.comment_extras = [name for name in parts.comment_extras if name in parts.roots]
    if parts.people is not None and parts.people not in parts.roots:
        parts.people = None
    return parts


RELATED_SUFFIXES = (*STORY_PARTS, "commentsExtended", "commentsIds", "commentsExtensible", "people")
"""The relationship types :func:`review_parts` needs looked up."""


def open_review_parts(package: Package) -> ReviewParts:
    """:func:`review_parts` of ``package``, its relationships resolved by the package itself."""
    related = {suffix: package.related_part(package.main, suffix) for suffix in RELATED_SUFFIXES}
    return review_parts(package, related)


# --------------------------------------------------------------------------- what remains


def other_comments(comments: etree._Element | None) -> list[etree._Element]:
    """The comments written by people (not the tool's reference comments)."""
    if comments is None:
        return []
    return [c for c in comments.findall(w("comment")) if (c.get(w("author")) or "").strip() != COMMENT_AUTHOR]


def remaining(
    parts: ReviewParts, report: Report, *, changes: bool = True, comments: bool = True
) -> list[Message]:
    """What a published report may not carry, one error per place: tracked changes (``changes``)
    and other people's comments (``comments``)."""
    places = _Places(report, parts.package)
    out: list[Message] = []
    if changes:
        grouped: dict[tuple[Location, str], dict[str, int]] = {}
        for name, label, root in parts.story_roots():
            for el, kind in revision_marks(root):
                where = places.of(el, name, label)
                counts = grouped.setdefault(where, {})
                counts[kind] = counts.get(kind, 0) + 1
        for (location, found), counts in grouped.items():
            kinds = "、".join(f"{_KIND_NAMES[k]} {n}" for k, n in counts.items())
            text = (
                f"変更履歴（{kinds}）が残っています。Word で承諾・元に戻すか、"
                "--accept-changes ですべて承諾して仕上げてください"
            )
            out.append(_error("finalize.tracked_changes", text, location, found))
    if comments:
        anchors = _comment_anchors(parts)
        for comment in other_comments(parts.package.comments):
            author = (comment.get(w("author")) or "").strip() or "（名前なし）"
            anchor = anchors.get(comment.get(w("id")) or "")
            where = places.of(*anchor) if anchor else (Location(section="コメント"), "")
            said = _snippet(visible_text(comment))
            text = (
                f"{author} さんのコメント「{said}」が残っています。Word で削除するか、"
                "--drop-comments でほかの人のコメントを削除して仕上げてください"
            )
            out.append(_error("finalize.comments", text, where[0], where[1] or None))
    return out


def _comment_anchors(parts: ReviewParts) -> dict[str, tuple[etree._Element, str, str]]:
    found: dict[str, tuple[etree._Element, str, str]] = {}
    for name, label, root in parts.story_roots():
        for el in root.iter(w("commentRangeStart"), w("commentReference")):
            found.setdefault(el.get(w("id")) or "", (el, name, label))
    return found


def _error(code: str, text: str, location: Location, found: str | None) -> Message:
    return Message(severity="error", code=code, text=text, location=location, found=found)


def _snippet(text: str, limit: int = 24) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


_COLUMN_NAMES = {"do": "Do", "check": "Check", "act": "Act", "opinion": "意見"}


class _Places:
    """Where an element stands, as people find it: a sheet's row and column, or a body paragraph."""

    def __init__(self, report: Report, package: Package) -> None:
        # keyed by the elements themselves: the dicts keep lxml's proxies alive, so a later lookup
        # meets the same proxy (an id() of a proxy nobody holds is reused for another element)
        self.tables = {tbl: i for i, tbl in enumerate(body_tables(package.body))}
        self.sheets: dict[int, tuple[str, int, int | None, dict[int, str]]] = {}
        for plan in report.plans:
            for sheet in plan.sheets:
                if sheet.anchor is not None:
                    columns = {col: _COLUMN_NAMES.get(k, k) for k, col in sheet.anchor.columns.items()}
                    self.sheets[sheet.anchor.table] = (plan.heading, sheet.index, sheet.page, columns)
        outside = (
            p
            for p in package.body.iter(w("p"))
            if _ancestor(p, w("tbl")) is None and _ancestor(p, w("txbxContent")) is None
        )
        self.paragraphs = {p: i for i, p in enumerate(outside)}

    def of(self, el: etree._Element, part: str, label: str) -> tuple[Location, str]:
        """(location, the paragraph's text to recognise it by)."""
        p = el if el.tag == w("p") else next((a for a in el.iterancestors(w("p"))), None)
        text = _snippet(_paragraph_text(p)) if p is not None else ""
        if label != "本文":
            return Location(section=f"{label}（{part}）"), text
        tables = [a for a in el.iterancestors(w("tbl"))]
        outer = tables[-1] if tables else None
        ordinal = self.tables.get(outer) if outer is not None else None
        if outer is None or ordinal is None:
            number = self.paragraphs.get(p) if p is not None else None
            section = f"本文 {number + 1} 段落目" if number is not None else "本文"
            return Location(section=section), text
        rows = [a for a in el.iterancestors(w("tr"))]
        tr = rows[-1] if rows else (el if el.tag == w("tr") else None)
        row = _index(table_rows(outer), tr)
        column = self._column(tr, el) if tr is not None else None
        if ordinal in self.sheets:
            plan, sheet, page, columns = self.sheets[ordinal]
            name = columns.get(column) if column is not None else None
            return Location(section=CHAPTER1, plan=plan, sheet=sheet, page=page, row=row, column=name), text
        return Location(section=f"本文 表{ordinal + 1}", row=row), text

    @staticmethod
    def _column(tr: etree._Element, el: etree._Element) -> int | None:
        cells = [a for a in el.iterancestors(w("tc"))]
        tc = cells[-1] if cells else None
        return next((cell.col for cell in row_cells(tr) if cell.tc is tc), None)


def _paragraph_text(p: etree._Element) -> str:
    """The paragraph's text with its deleted text (a paragraph deleted whole is found by it)."""
    return "".join(node.text or "" for node in p.iter(w("t"), w("delText")))


def _index(items: list[etree._Element], item: etree._Element | None) -> int | None:
    return next((i for i, x in enumerate(items) if x is item), None)


# --------------------------------------------------------------------------- accepting


def accept_all_changes(parts: ReviewParts) -> int:
    """Accept every tracked change in every story part; the number of changes accepted."""
    accepted = 0
    for _, _, root in parts.story_roots():
        accepted += accept_changes_in(root)
    return accepted


accept_changes_in = accept_revisions
"""The floor's one way of accepting tracked changes (:func:`komae_docx.wordml.accept_revisions`)."""


def _remove(el: etree._Element | None) -> None:
    if el is None:
        return
    parent = el.getparent()
    if parent is not None:
        parent.remove(el)


def _ancestor(el: etree._Element, tag: str) -> etree._Element | None:
    return next((a for a in el.iterancestors(tag)), None)


# --------------------------------------------------------------------------- comments


def drop_other_comments(parts: ReviewParts) -> int:
    """Remove the comments people wrote, and everything that refers to them; how many went."""
    comments = parts.package.comments
    gone = other_comments(comments)
    if comments is None or not gone:
        return 0
    ids = {c.get(w("id")) or "" for c in gone}
    para_ids = {p.get(f"{{{W14_NS}}}paraId") for c in gone for p in c.iter(w("p"))} - {None}
    for comment in gone:
        comments.remove(comment)
    for _, _, root in parts.story_roots():
        _remove_anchors(root, ids)
    durable = _drop_extras(parts, para_ids)
    _drop_extensible(parts, durable)
    _drop_idle_people(parts)
    return len(gone)


def _remove_anchors(root: etree._Element, ids: set[str]) -> None:
    for el in list(root.iter(w("commentRangeStart"), w("commentRangeEnd"), w("commentReference"))):
        if el.get(w("id")) not in ids:
            continue
        parent = el.getparent()
        _remove(el)
        if parent is not None and parent.tag == w("r") and all(child.tag == w("rPr") for child in parent):
            _remove(parent)


def _drop_extras(parts: ReviewParts, para_ids: set[str | None]) -> set[str]:
    """commentsExtended / commentsIds entries of the removed comments (keyed by their paragraphs'
    ``w14:paraId``); the durable ids that went, for commentsExtensible."""
    durable: set[str] = set()
    for name in parts.comment_extras:
        root = parts.roots[name]
        for entry in list(root):
            para = entry.get(f"{{{W15_NS}}}paraId") or entry.get(f"{{{W16CID_NS}}}paraId")
            if para is not None and para in para_ids:
                durable.add(entry.get(f"{{{W16CID_NS}}}durableId") or "")
                root.remove(entry)
    return durable - {""}


def _drop_extensible(parts: ReviewParts, durable: set[str]) -> None:
    for name in parts.comment_extras:
        root = parts.roots[name]
        for entry in list(root):
            if entry.get(f"{{{W16CEX_NS}}}durableId") in durable:
                root.remove(entry)


def _drop_idle_people(parts: ReviewParts) -> None:
    """``people`` entries of authors who wrote no remaining comment and no remaining change."""
    if parts.people is None:
        return
    active = {
        el.get(w("author"))
        for _, _, root in [*parts.story_roots(), ("", "", parts.package.comments)]
        if root is not None
        for el in root.iter()
        if isinstance(el.tag, str) and el.get(w("author"))
    }
    people = parts.roots[parts.people]
    for person in list(people):
        if person.get(f"{{{W15_NS}}}author") not in active:
            people.remove(person)


# --------------------------------------------------------------------------- settings


def stop_tracking(settings: etree._Element | None) -> bool:
    """Switch 変更履歴の記録 off (``w:trackRevisions`` removed); True when it was on."""
    if settings is None:
        return False
    marks = settings.findall(w("trackRevisions"))
    for mark in marks:
        settings.remove(mark)
    return bool(marks)


# --------------------------------------------------------------------------- the finalize hook


def clear_review_marks(package: Package, options: FinalizeOptions) -> list[Message]:
    """Finalize's step: accept the changes and drop the comments as ``options`` say, and stop
    tracking; what was done, as info messages."""
    parts = open_review_parts(package)
    done: list[Message] = []
    if options.accept_changes and (accepted := accept_all_changes(parts)):
        text = f"変更履歴 {accepted} 箇所をすべて承諾しました"
        done.append(Message(severity="info", code="finalize.changes_accepted", text=text))
    if options.drop_comments and (dropped := drop_other_comments(parts)):
        text = f"ほかの人のコメント {dropped} 件を削除しました"
        done.append(Message(severity="info", code="finalize.comments_dropped", text=text))
    stop_tracking(package.settings)
    parts.store()
    return done


def review_findings(
    filled: str | Path | Package, report: Report, *, accept_changes: bool, drop_comments: bool
) -> list[Message]:
    """What would stay in the published report of ``filled`` that it may not carry (see :func:`remaining`)."""
    package = filled if isinstance(filled, Package) else open_filled(filled)
    return remaining(
        open_review_parts(package), report, changes=not accept_changes, comments=not drop_comments
    )
