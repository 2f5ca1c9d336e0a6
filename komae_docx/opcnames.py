"""The package vocabulary (Open Packaging Conventions), spelled once.

Every namespace, relationship type and content type the package layer and the tool's own parts
use.  Other modules import these names; none spells a package URI itself.
"""

from __future__ import annotations

_OPC = "http://schemas.openxmlformats.org/package/2006/"
_OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/"

PKG_REL_NS = _OPC + "relationships"
"""Namespace of ``*.rels`` parts (``<Relationships>``)."""
CT_NS = _OPC + "content-types"
CP_NS = _OPC + "metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
"""Namespace of ``[Content_Types].xml``."""
R_NS = _OFFICE + "relationships"
"""Namespace of relationship references inside parts (``r:id``, ``r:embed``)."""
CUSTOM_PROPS_NS = _OFFICE + "custom-properties"
VT_NS = _OFFICE + "docPropsVTypes"
DS_NS = _OFFICE + "customXml"
"""Namespace of a Custom XML part's properties (``ds:datastoreItem``)."""

CONTENT_TYPES_PART = "[Content_Types].xml"
PACKAGE_RELS_PART = "_rels/.rels"

_REL = _OFFICE + "relationships/"
REL_OFFICE_DOCUMENT = _REL + "officeDocument"
REL_STYLES = _REL + "styles"
REL_NUMBERING = _REL + "numbering"
REL_SETTINGS = _REL + "settings"
REL_COMMENTS = _REL + "comments"
REL_CUSTOM_XML = _REL + "customXml"
REL_CUSTOM_XML_PROPS = _REL + "customXmlProps"
REL_CUSTOM_PROPERTIES = _REL + "custom-properties"
REL_CORE_PROPERTIES = _OPC + "relationships/metadata/core-properties"
REL_CORE_PROPERTIES_LEGACY = (
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)
"""The pre-standard type LibreOffice writes for the core properties' relationship."""

CT_RELATIONSHIPS = "application/vnd.openxmlformats-package.relationships+xml"
CT_XML = "application/xml"
CT_CUSTOM_XML_PROPS = "application/vnd.openxmlformats-officedocument.customXmlProperties+xml"
CT_CUSTOM_PROPERTIES = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
CT_CORE_PROPERTIES = "application/vnd.openxmlformats-package.core-properties+xml"
CT_COMMENTS = "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"
CT_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_WORD_TEMPLATE_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"

# --------------------------------------------------------------------------- Strict OOXML

_TRANSITIONAL = "http://schemas.openxmlformats.org/"
STRICT_PREFIX = _STRICT = "http://purl.oclc.org/ooxml/"
STRICT_TO_TRANSITIONAL: dict[str, str] = {
    _STRICT + strict: _TRANSITIONAL + transitional
    for strict, transitional in (
        ("wordprocessingml/main", "wordprocessingml/2006/main"),
        ("officeDocument/relationships", "officeDocument/2006/relationships"),
        ("officeDocument/math", "officeDocument/2006/math"),
        ("officeDocument/sharedTypes", "officeDocument/2006/sharedTypes"),
        ("officeDocument/bibliography", "officeDocument/2006/bibliography"),
        ("officeDocument/characteristics", "officeDocument/2006/characteristics"),
        ("officeDocument/customXml", "officeDocument/2006/customXml"),
        ("officeDocument/docPropsVTypes", "officeDocument/2006/docPropsVTypes"),
        ("officeDocument/extendedProperties", "officeDocument/2006/extended-properties"),
        ("officeDocument/customProperties", "officeDocument/2006/custom-properties"),
        ("officeDocument/extended-properties", "officeDocument/2006/extended-properties"),
        ("officeDocument/custom-properties", "officeDocument/2006/custom-properties"),
        ("drawingml/main", "drawingml/2006/main"),
        ("drawingml/wordprocessingDrawing", "drawingml/2006/wordprocessingDrawing"),
        ("drawingml/picture", "drawingml/2006/picture"),
        ("drawingml/chart", "drawingml/2006/chart"),
        ("drawingml/chartDrawing", "drawingml/2006/chartDrawing"),
        ("drawingml/diagram", "drawingml/2006/diagram"),
        ("drawingml/lockedCanvas", "drawingml/2006/lockedCanvas"),
        ("drawingml/compatibility", "drawingml/2006/compatibility"),
        ("drawingml/spreadsheetDrawing", "drawingml/2006/spreadsheetDrawing"),
        ("schemaLibrary/main", "schemaLibrary/2006/main"),
        ("spreadsheetml/main", "spreadsheetml/2006/main"),
        ("presentationml/main", "presentationml/2006/main"),
    )
}
"""Strict (ISO/IEC 29500 Strict) namespace URI → its Transitional equivalent."""

STRICT_REL_PREFIX = _STRICT + "officeDocument/relationships/"
TRANSITIONAL_REL_PREFIX = _TRANSITIONAL + "officeDocument/2006/relationships/"
STRICT_REL_RENAMES = {"extendedProperties": "extended-properties", "customProperties": "custom-properties"}
