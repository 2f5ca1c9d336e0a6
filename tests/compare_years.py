"""Three years of the plan made from the example, once per session, for ``compare`` and ``trend``.

令和5 is the example (printed grades only).  令和6: ``draft`` of it, filled as departments do in Word
(tests/filler.py) with the hand-written results of tests/data/compare_years.yaml, finalized.  令和7:
``draft`` of 令和6, revised the way Word writes it (one project's Plan text reworded with a new run,
as Word saves an edit; one project row added by copying a row, as staff do with 行の挿入 and paste),
filled and finalized.  Drafting and finalizing are slow, hence one session fixture.
"""

from __future__ import annotations

import copy
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from lxml import etree

from komae_docx import api

from .filler import fill_draft, hand_results, last_years_fill

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "r5_report.docx"
TABLE = Path(__file__).parent / "data" / "compare_years.yaml"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
W14 = "{http://schemas.microsoft.com/office/word/2010/wordml}"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def table() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(TABLE.read_text(encoding="utf-8"))
    return data


def year_results(name: str) -> dict[str, str]:
    """The example's published results with the year's own results over them."""
    return {**hand_results(), **{str(k): str(v) for k, v in table()[name]["results"].items()}}


@dataclass(frozen=True)
class Years:
    r5: Path
    r6: Path
    r7: Path
    r7_draft: Path
    folder: Path


# --------------------------------------------------------------------------- editing like Word


def _rewrite(source: Path, target: Path, edit: Any) -> Path:
    with zipfile.ZipFile(source) as zin:
        root = etree.fromstring(zin.read("word/document.xml"))
        edit(root)
        data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
            for item in zin.infolist():
                zout.writestr(item, data if item.filename == "word/document.xml" else zin.read(item.filename))
    return target


def reword_plan_text(root: etree._Element, old_tail: str, new_tail: str, anchor: str) -> int:
    """Select ``old_tail`` at the end of a Plan text and type ``new_tail``: Word keeps the run's
    start and saves the typed text as a run of its own, with the editing session's rsid."""
    edited = 0
    for t in list(root.iter(f"{W}t")):
        text = t.text or ""
        if anchor not in text or old_tail not in text:
            continue
        run = t.getparent()
        assert run is not None
        head, _, rest = text.partition(old_tail)
        t.text = head
        typed = copy.deepcopy(run)
        typed.set(f"{W}rsidR", "00C0FFEE")
        typed_t = typed.find(f"{W}t")
        assert typed_t is not None
        typed_t.text = new_tail + rest
        typed_t.set(XML_SPACE, "preserve")
        run.addnext(typed)
        edited += 1
    return edited


def add_project_row(root: etree._Element, after_text: str, label: str, plan_text: str) -> None:
    """Insert a copy of the row holding ``after_text`` below it (行の挿入 + paste) and type the new
    label and Plan text; the copy's comment marks, bookmarks and ids are not copied (Word gives
    the pasted row fresh ones, and comments stay with the original text)."""
    t = next(t for t in root.iter(f"{W}t") if after_text in (t.text or ""))
    row = next(a for a in t.iterancestors() if a.tag == f"{W}tr")
    new = copy.deepcopy(row)
    for tag in ("commentRangeStart", "commentRangeEnd", "bookmarkStart", "bookmarkEnd"):
        for el in list(new.iter(f"{W}{tag}")):
            el.getparent().remove(el)  # type: ignore[union-attr]
    for reference in list(new.iter(f"{W}commentReference")):
        run = reference.getparent()
        run.getparent().remove(run)  # type: ignore[union-attr]
    for el in new.iter():
        for name in (f"{W14}paraId", f"{W14}textId"):
            if name in el.attrib:
                del el.attrib[name]
    for number, sdt_id in enumerate(new.iter(f"{W}id")):
        if sdt_id.getparent() is not None and sdt_id.getparent().tag == f"{W}sdtPr":  # type: ignore[union-attr]
            sdt_id.set(f"{W}val", str(918273645 + number))
    for tc in (tc for tc in new if tc.tag == f"{W}tc"):
        runs = list(tc.iter(f"{W}t"))
        whole = "".join(t_el.text or "" for t_el in runs)
        if whole.strip() == "a":
            runs[0].text = label
        elif after_text in whole:
            runs[0].text = plan_text
            for rest in runs[1:]:
                rest.text = ""
    row.addnext(new)


# --------------------------------------------------------------------------- the years


def make_years(folder: Path) -> Years:
    data = table()
    # 令和6
    d6 = api.draft(EXAMPLE, folder / "r6_draft.docx").value.path
    r5 = api.read(EXAMPLE).value
    fill6 = last_years_fill(r5, api.read(d6).value, results=year_results("r6"), number="R7-15")
    filled6 = fill_draft(d6, folder / "r6_filled.docx", fill6)
    made6 = api.finalize(filled6, folder / "r6_report.docx", pages="fields")
    assert made6.value.path is not None, [m.describe() for m in made6.value.incomplete]
    # 令和7: revised in the draft, then filled
    d7 = api.draft(made6.value.path, folder / "r7_draft_fresh.docx").value.path
    revisions = data["r7"]["revisions"]
    added = revisions["added"]

    def revise(root: etree._Element) -> None:
        edited = reword_plan_text(
            root, revisions["plan_text"]["old"], revisions["plan_text"]["new"], "養成をする"
        )
        assert edited >= 1
        add_project_row(root, "重層的支援体制整備事業の実施に向けて", added["label"], added["plan_text"])

    revised = _rewrite(d7, folder / "r7_draft.docx", revise)
    r6 = api.read(made6.value.path).value
    draft7 = api.read(revised).value
    fill7 = last_years_fill(r6, draft7, results=year_results("r7"), number="R8-3")
    fill7.entries[("plan1", added["project"])] = [
        (["相談支援包括化推進会議を4回開催した。"], ["関係機関を増やす。"])
    ]
    fill7.results[added["project"]] = year_results("r7")[added["project"]]
    filled7 = fill_draft(revised, folder / "r7_filled.docx", fill7)
    made7 = api.finalize(filled7, folder / "r7_report.docx", pages="fields")
    assert made7.value.path is not None, [m.describe() for m in made7.value.incomplete]
    return Years(EXAMPLE, made6.value.path, made7.value.path, revised, folder)


@pytest.fixture(scope="session")
def compare_years(tmp_path_factory: pytest.TempPathFactory) -> Years:
    return make_years(tmp_path_factory.mktemp("compare_years"))
