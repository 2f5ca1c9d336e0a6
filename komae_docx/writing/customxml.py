"""Put the results part (:mod:`komae_docx.record`) into a package, as OPC wants a Custom XML part.

Three parts and two entries, as Word writes them:

* ``customXml/itemN.xml`` — the record itself;
* ``customXml/itemPropsN.xml`` — its ``ds:datastoreItem`` (a GUID of its own and the record's
  namespace as schema reference), content type ``…customXmlProperties+xml`` in
  ``[Content_Types].xml``;
* ``customXml/_rels/itemN.xml.rels`` — item → itemProps;
* a ``customXml`` relationship from the main document to the item.

A package that already holds our part (a draft's, then the finalized report's) gets it replaced in
place, whatever its number; other Custom XML parts (SharePoint's, a cover page's) are left alone.
Works on the package's parts as bytes (name → bytes, in package order), so the finalize package and
a freshly rendered draft go through the same code.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from pathlib import Path

from lxml import etree

from ..errors import KomaeDocxError
from ..package import parse_xml
from ..record import NAMESPACE, is_record
from .ooxml import serialize

PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
DS_NS = "http://schemas.openxmlformats.org/officeDocument/2006/customXml"
REL_CUSTOM_XML = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml"
REL_CUSTOM_XML_PROPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps"
PROPS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
CONTENT_TYPES = "[Content_Types].xml"
_ITEM = re.compile(r"^customXml/item(\d+)\.xml$", re.IGNORECASE)

Parts = dict[str, bytes]


def put_record(parts: Parts, main: str, data: bytes, *, path: str | Path) -> Parts:
    """``parts`` with the record ``data`` in our Custom XML part (replaced, or added with its
    properties, relationships and content type).  ``path`` names the file in errors."""
    ours = _our_item(parts, main, path)
    out = dict(parts)
    if ours is not None:
        out[ours] = data
        return out
    n = 1 + max((int(m.group(1)) for name in parts if (m := _ITEM.match(name))), default=0)
    item, props = f"customXml/item{n}.xml", f"customXml/itemProps{n}.xml"
    out[item] = data
    out[props] = _item_props()
    item_rels = [("rId1", REL_CUSTOM_XML_PROPS, f"itemProps{n}.xml")]
    out[f"customXml/_rels/item{n}.xml.rels"] = _relationships(item_rels)
    out[CONTENT_TYPES] = _with_override(parts.get(CONTENT_TYPES), f"/{props}", path)
    rels = _rels_part(main)
    target = posixpath.relpath(item, posixpath.dirname(main) or ".")
    out[rels] = _with_relationship(parts.get(rels), REL_CUSTOM_XML, target, path, rels)
    return out


def _our_item(parts: Parts, main: str, path: str | Path) -> str | None:
    rels = _rels_part(main)
    if rels not in parts:
        return None
    root = parse_xml(parts[rels], path=path, part=rels)
    folder = posixpath.dirname(main)
    for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship"):
        if not rel.get("Type", "").endswith("/customXml") or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        name = (
            target.lstrip("/")
            if target.startswith("/")
            else posixpath.normpath(posixpath.join(folder, target))
        )
        if name in parts and _is_ours(parts[name], path, name):
            return name
    return None


def _is_ours(data: bytes, path: str | Path, name: str) -> bool:
    """Our record; another tool's part that does not even parse is not ours and stays as it is."""
    try:
        return is_record(parse_xml(data, path=path, part=name))
    except KomaeDocxError:
        return False


def _rels_part(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def _item_props() -> bytes:
    root = etree.Element(f"{{{DS_NS}}}datastoreItem", nsmap={"ds": DS_NS})
    root.set(f"{{{DS_NS}}}itemID", "{" + str(uuid.uuid4()).upper() + "}")
    refs = etree.SubElement(root, f"{{{DS_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{DS_NS}}}schemaRef").set(f"{{{DS_NS}}}uri", NAMESPACE)
    return serialize(root)


def _relationships(rels: list[tuple[str, str, str]]) -> bytes:
    root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})  # type: ignore[dict-item]
    for rid, kind, target in rels:
        etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=kind, Target=target)
    return serialize(root)


def _with_override(
    data: bytes | None, part_name: str, path: str | Path, content_type: str = PROPS_CONTENT_TYPE
) -> bytes:
    if data is None:  # a package without content types: give it the least it needs
        root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})  # type: ignore[dict-item]
        for extension, kind in (
            ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
            ("xml", "application/xml"),
        ):
            etree.SubElement(root, f"{{{CT_NS}}}Default", Extension=extension, ContentType=kind)
    else:
        root = parse_xml(data, path=path, part=CONTENT_TYPES)
    if not any(o.get("PartName", "").lower() == part_name.lower() for o in root.iter(f"{{{CT_NS}}}Override")):
        etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=part_name, ContentType=content_type)
    return serialize(root)


def _with_relationship(data: bytes | None, kind: str, target: str, path: str | Path, part: str) -> bytes:
    if data is None:
        return _relationships([("rId1", kind, target)])
    root = parse_xml(data, path=path, part=part)
    taken = {rel.get("Id") for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship")}
    rid = next(f"rIdKomae{n}" for n in range(1, len(taken) + 2) if f"rIdKomae{n}" not in taken)
    etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=kind, Target=target)
    return serialize(root)


# --------------------------------------------------------------------------- comments

REL_COMMENTS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"
COMMENTS_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
_W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def comments_part(parts: Parts, main: str, path: str | Path) -> str | None:
    """The comments part the main document relates to, if any."""
    rels = _rels_part(main)
    if rels not in parts:
        return None
    folder = posixpath.dirname(main)
    for rel in parse_xml(parts[rels], path=path, part=rels).iter(f"{{{PKG_REL_NS}}}Relationship"):
        if rel.get("Type", "").endswith("/comments") and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            name = (
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
            if name in parts:
                return name
    return None


def next_comment_id(parts: Parts, main: str, path: str | Path) -> int:
    """The first comment id after those the package's comments part uses (0 without one)."""
    name = comments_part(parts, main, path)
    if name is None:
        return 0
    ids = [
        int(value)
        for c in parse_xml(parts[name], path=path, part=name).iter(f"{{{_W_NS}}}comment")
        if (value := c.get(f"{{{_W_NS}}}id") or "").lstrip("-").isdigit()
    ]
    return 1 + max(ids, default=-1)


def put_comments(parts: Parts, main: str, comments: list[etree._Element], *, path: str | Path) -> Parts:
    """``parts`` with ``comments`` (``w:comment`` elements) appended to the comments part, which is
    made (with its relationship and content type) when the package has none."""
    if not comments:
        return parts
    out = dict(parts)
    name = comments_part(parts, main, path)
    if name is None:
        name = posixpath.join(posixpath.dirname(main), "comments.xml")
        root = etree.Element(f"{{{_W_NS}}}comments", nsmap={"w": _W_NS})
        out[CONTENT_TYPES] = _with_override(parts.get(CONTENT_TYPES), f"/{name}", path, COMMENTS_CONTENT_TYPE)
        rels = _rels_part(main)
        target = posixpath.relpath(name, posixpath.dirname(main) or ".")
        out[rels] = _with_relationship(parts.get(rels), REL_COMMENTS, target, path, rels)
    else:
        root = parse_xml(parts[name], path=path, part=name)
    root.extend(comments)
    out[name] = serialize(root)
    return out
