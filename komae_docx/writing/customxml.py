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
:func:`record_into` is the one place that writes it, on a :class:`~komae_docx.package.Package`;
:func:`put_record` does the same for a package held as bytes by part name.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from pathlib import Path

from lxml import etree

from ..errors import KomaeDocxError
from ..opcnames import (
    CT_COMMENTS,
    CT_CUSTOM_XML_PROPS,
    DS_NS,
    REL_COMMENTS,
    REL_CUSTOM_XML,
    REL_CUSTOM_XML_PROPS,
)
from ..package import Package, package_of_parts, serialize
from ..record import NAMESPACE, is_record
from ..wordml import W_NS

_ITEM = re.compile(r"^customXml/item(\d+)\.xml$", re.IGNORECASE)

Parts = dict[str, bytes]


def record_into(package: Package, data: bytes) -> None:
    """Put the record ``data`` into ``package``'s Custom XML part of ours (replaced, or added with
    its properties, relationships and content type)."""
    ours = our_item(package)
    if ours is not None:
        package.put(ours, data)
        return
    n = 1 + max((int(m.group(1)) for name in package.names() if (m := _ITEM.match(name))), default=0)
    item, props = f"customXml/item{n}.xml", f"customXml/itemProps{n}.xml"
    package.put(item, data)
    package.put(props, _item_props())
    package.relate(item, props, REL_CUSTOM_XML_PROPS)
    package.set_override(props, CT_CUSTOM_XML_PROPS)
    package.relate(package.main, item, REL_CUSTOM_XML)


def put_record(parts: Parts, main: str, data: bytes, *, path: str | Path) -> Parts:
    """``parts`` (a package the tool made, by part name) with the record ``data`` put in by
    :func:`record_into`.  ``main`` is the main part (the package finds it itself); ``path`` names
    the file in errors."""
    del main
    package = package_of_parts(parts, path)
    record_into(package, data)
    return {name: package.read(name) for name in package.names()}


def our_item(package: Package) -> str | None:
    """The Custom XML part holding our record, found by its relationship from the main part."""
    for name in package.related_part(package.main, "customXml"):
        if _is_ours(package, name):
            return name
    return None


def _is_ours(package: Package, name: str) -> bool:
    """Our record; another tool's part that does not even parse is not ours and stays as it is."""
    try:
        return is_record(package.xml(name))
    except KomaeDocxError:
        return False


def _item_props() -> bytes:
    root = etree.Element(f"{{{DS_NS}}}datastoreItem", nsmap={"ds": DS_NS})
    root.set(f"{{{DS_NS}}}itemID", "{" + str(uuid.uuid4()).upper() + "}")
    refs = etree.SubElement(root, f"{{{DS_NS}}}schemaRefs")
    etree.SubElement(refs, f"{{{DS_NS}}}schemaRef").set(f"{{{DS_NS}}}uri", NAMESPACE)
    return serialize(root)


# --------------------------------------------------------------------------- comments


def next_comment_id(package: Package) -> int:
    """The first comment id after those the package's comments part uses (0 without one)."""
    comments = package.comments
    if comments is None:
        return 0
    ids = [
        int(value)
        for c in comments.iter(f"{{{W_NS}}}comment")
        if (value := c.get(f"{{{W_NS}}}id") or "").lstrip("-").isdigit()
    ]
    return 1 + max(ids, default=-1)


def put_comments(parts: Parts, main: str, comments: list[etree._Element], *, path: str | Path) -> Parts:
    """``parts`` with ``comments`` (``w:comment`` elements) appended to the comments part, which is
    made (with its relationship and content type) when the package has none."""
    if not comments:
        return parts
    package = package_of_parts(parts, path)
    name = package.comments_part
    if name is None:
        name = posixpath.join(posixpath.dirname(package.main), "comments.xml")
        package.put(name, etree.Element(f"{{{W_NS}}}comments", nsmap={"w": W_NS}))
        package.relate(package.main, name, REL_COMMENTS)
        package.set_override(name, CT_COMMENTS)
    package.edit(name).extend(comments)
    return {part: package.read(part) for part in package.names()}
