"""The mark a department's copy carries: custom document properties ``split`` wrote.

``split`` names the department and the draft in ``docProps/custom.xml`` (the property names are
:data:`PROP_DEPARTMENT`, :data:`PROP_CODE`, :data:`PROP_DRAFT`); Word and LibreOffice keep custom
properties when they save.  The reader reads them into :attr:`~komae_docx.model.Report.split_mark`,
so that :mod:`komae_docx.filekind` knows a copy.  A custom properties part that cannot be read is a
warning here (the file is read as no copy); ``merge`` names the file when it needs the part.
"""

from __future__ import annotations

from ..errors import KomaeDocxError
from ..model import SplitMark
from ..package import Package
from ..results import Location, Message
from ..splitmark import MARK_PROPERTIES, PROP_CODE, PROP_DEPARTMENT, PROP_DRAFT


def read_split_mark(package: Package) -> tuple[SplitMark | None, list[Message]]:
    """The copy's mark, or None; a part that cannot be read is a warning naming it."""
    for part in package.related_part("", "custom-properties"):
        try:
            root = package.xml(part)
        except KomaeDocxError as error:
            text = (
                f"文書のプロパティ（{part}）を読めません。"
                f"各課の写しの印はないものとして読みます（{error.message}）"
            )
            where = Location(section="文書のデータ")
            code = "reader.custom_properties"
            return None, [
                Message(severity="warning", code=code, text=text, location=where, found=error.message)
            ]
        values: dict[str, str] = {}
        for prop in root:
            name = prop.get("name")
            if name in MARK_PROPERTIES:
                values[str(name)] = "".join(str(text) for text in prop.itertext()).strip()
        if PROP_DRAFT in values:
            return SplitMark(
                department=values.get(PROP_DEPARTMENT, ""),
                code=values.get(PROP_CODE, ""),
                draft=values[PROP_DRAFT],
            ), []
    return None, []
