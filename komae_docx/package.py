"""The package layer: the only place that opens a zip, parses XML parts and writes a package.

One :class:`Package` per job serves reading and writing: the input is opened once, each part is
parsed at most once when first asked for, the parts a job changes are tracked, and
:meth:`Package.save` serializes only those and copies every other member from the input as it came
(with its own date).  Relationships are resolved by the package (:meth:`Package.related`,
:meth:`Package.relate`), content types declared by it (:meth:`Package.set_override`); the package
vocabulary lives in :mod:`komae_docx.opcnames`.

The input may come from anyone (mail attachments, shared folders), so everything here assumes a
hostile file: it is read once, in full, into memory (capped by size) and never written; the zip's
central directory is checked for entry count, unsafe names and zip-bomb sizes before any data is
decompressed; every decompression is capped again while streaming because declared sizes can lie;
and every XML part goes through one hardened lxml parser that refuses DTDs outright.

Each refusal is an :class:`~komae_docx.errors.InputFileError` (or its subclass
:class:`~komae_docx.errors.UnsafeInputError` for safety limits and hostile content) with a short
Japanese message naming the file and, where known, the zip entry.  Error messages never quote the
content of the file (nor of any other file an entity might point at).
"""

from __future__ import annotations

import copy
import hashlib
import io
import lzma
import posixpath
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO
from urllib.parse import unquote

from lxml import etree

from .errors import InputFileError, SheetFormatError, UnsafeInputError, missing_file_text
from .opcnames import (
    CONTENT_TYPES_PART,
    CT_NS,
    CT_RELATIONSHIPS,
    CT_WORD_MAIN,
    CT_WORD_TEMPLATE_MAIN,
    CT_XML,
    PACKAGE_RELS_PART,
    PKG_REL_NS,
    STRICT_PREFIX,
    STRICT_REL_PREFIX,
    STRICT_REL_RENAMES,
    STRICT_TO_TRANSITIONAL,
    TRANSITIONAL_REL_PREFIX,
)
from .wordml import W_NS, W_STRICT_NS

__all__ = [
    "COUNTS", "DEFAULT_LIMITS", "Limits", "Package", "open_package", "package_of_parts", "parse_xml",
    "replace_parts", "serialize", "write_package",
]  # fmt: skip

_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Safety limits for one input file; the defaults suit real reports, tests may lower them."""

    max_file_bytes: int = 50 * _MB
    max_total_uncompressed: int = 200 * _MB
    max_part_bytes: int = 100 * _MB
    max_ratio: int = 100
    """Uncompressed / compressed size, per entry; only checked for entries larger than 1 MB."""
    max_entries: int = 2000
    max_xml_depth: int = 256
    """libxml2 (without ``huge_tree``) itself stops at 256 levels; lower values are checked after parsing."""


DEFAULT_LIMITS = Limits()

# --------------------------------------------------------------------------- vocabulary

_WORD_MAIN_TYPES = frozenset({CT_WORD_MAIN, CT_WORD_TEMPLATE_MAIN})
_MACRO_TYPES = frozenset(
    {
        "application/vnd.ms-word.document.macroenabled.main+xml",
        "application/vnd.ms-word.template.macroenabledtemplate.main+xml",
        "application/vnd.ms-office.vbaproject",
    }
)
"""Lower-cased; an embedded macro-enabled workbook (an OLE object) does not make the document a .docm."""

# --------------------------------------------------------------------------- limits and sniffing

_RATIO_MIN_BYTES = 1 * _MB
_READ_CHUNK = 256 * 1024
_SUPPORTED_COMPRESSION = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError, struct.error)

_OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_OLE_DIR_ENTRY_BYTES = 128
_OLE_HEADER_BYTES = 512
_ENCRYPTION_STREAMS = ("EncryptedPackage", "EncryptionInfo")

_DTD_MARKERS = tuple(
    marker.encode(encoding)
    for marker in ("<!DOCTYPE", "<!ENTITY")
    for encoding in ("utf-8", "utf-16-le", "utf-16-be")
)
_LIBXML_MAX_DEPTH = 256
_STRICT_MARKER = b"purl.oclc.org/ooxml"

_MSG_BROKEN = "ファイルが壊れています（Word の文書として開けません）"
_MSG_BROKEN_DATA = "ファイルが壊れています（データを展開できません）"
_MSG_NOT_DOCX = "Word 文書(.docx)ではありません"
_MSG_MACRO = "マクロを含むファイルは受け付けません。マクロなしの Word 文書(.docx)として保存し直してください"
_MSG_RESAVE = "Word 文書 .docx 形式で保存し直してください"
_MSG_RATIO = "圧縮率が異常に高いため読み込みません（zip 爆弾の疑い）"
_MSG_OVER_CAP = "展開後のサイズが上限を超えました（zip 爆弾の疑い）"


# --------------------------------------------------------------------------- public API


@dataclass
class OpenCounts:
    """How often the package layer opened an input and parsed each part (tests and benchmarks
    check that a job opens its input once and parses ``document.xml`` at most as often as it must)."""

    opens: dict[str, int] = field(default_factory=dict)
    """By file (its path as given, or the name given to bytes)."""
    parses: dict[tuple[str, str], int] = field(default_factory=dict)
    """By (file, part)."""

    def parses_of(self, part: str) -> int:
        """How often a part of this name was parsed, in any package (``document.xml``)."""
        return sum(n for (_, name), n in self.parses.items() if posixpath.basename(name) == part)

    def clear(self) -> None:
        self.opens.clear()
        self.parses.clear()


COUNTS = OpenCounts()
"""Counted for the whole process; cheap (two dict updates per open or parse)."""


def open_package(
    source: str | Path | bytes,
    limits: Limits = DEFAULT_LIMITS,
    *,
    for_reading: bool = False,
    name: str | Path | None = None,
    check_main: Callable[[Package, str, int], None] | None = None,
) -> Package:
    """Open ``source`` (a path, or the bytes of a package) as a Word document, refusing anything
    unreadable, unsafe or not a .docx.  ``name`` is what messages call bytes (default 「（メモリ上の文書）」).
    ``check_main`` is called with the package, its main part and the size the zip declares for it
    (reading never gets past that size) before the main part is parsed: it may refuse the file.

    ``for_reading`` is for the reading side only: the main part is then parsed without the
    formatting the reader never looks at (run properties: fonts, sizes; cell widths, shading,
    alignment; see :func:`_without_unread_formatting`).  That is over half of a report's
    elements, so the tree of a large report takes half the memory and less time.  A job that
    also writes the document opens it once without it and the reader reads that same full tree.
    """
    if isinstance(source, bytes):
        file_path = Path(name) if name is not None else Path("（メモリ上の文書）")
        data = source
        _check_file_size(len(data), file_path, limits)
    else:
        file_path = Path(source)
        data = _read_input_file(file_path, limits)
    _refuse_ole(data, file_path)
    archive = _open_zip(data, file_path, limits)
    _check_entries(archive.infolist(), file_path, limits)
    COUNTS.opens[str(file_path)] = COUNTS.opens.get(str(file_path), 0) + 1
    return Package(file_path, archive, limits, for_reading=for_reading, check_main=check_main)


def package_of_parts(parts: Mapping[str, bytes], name: str | Path) -> Package:
    """A package the tool made itself, held as its parts by name (a rendered document), as a
    :class:`Package` without zipping it again.  Not for input: it skips the zip checks of the gate
    (its XML still goes through the hardened parser)."""
    return Package(Path(name), None, DEFAULT_LIMITS, parts=parts)


def parse_xml(
    data: bytes, *, path: str | Path, part: str, max_depth: int = _LIBXML_MAX_DEPTH
) -> etree._Element:
    """Parse one XML part with the hardened parser; refuse any DTD, report errors by part and line.

    Word never writes a DOCTYPE, and a DTD is the only way to declare entities, so refusing it
    outright removes external entities (XXE) and entity expansion (billion laughs) as a class.
    The byte scan catches it before libxml2 sees the data; the docinfo check after parsing covers
    encodings the scan does not know.  The parser resolves no entities and loads nothing either way.
    """
    if any(marker in data for marker in _DTD_MARKERS):
        raise _dtd_error(path, part)
    try:
        root = etree.fromstring(data, _hardened_parser())
    except (etree.LxmlError, ValueError) as exc:
        raise InputFileError(f"XML が壊れています{_line_of(exc)}", path, where=part) from None
    docinfo = root.getroottree().docinfo
    if getattr(docinfo, "doctype", "") or docinfo.internalDTD is not None:
        raise _dtd_error(path, part)
    if max_depth < _LIBXML_MAX_DEPTH and _deeper_than(root, max_depth):
        raise UnsafeInputError(f"XML の入れ子が深すぎます（上限 {max_depth} 段）", path, where=part)
    key = (str(path), part)
    COUNTS.parses[key] = COUNTS.parses.get(key, 0) + 1
    return root


def serialize(root: etree._Element) -> bytes:
    """A part as Word writes it: UTF-8 with a standalone declaration."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True))


class Package:
    """An opened .docx, for reading and for writing; create it with :func:`open_package`.

    The input's bytes are held once (the gate read them); each part is decompressed and parsed
    when first asked for, at most once.  A part the caller edits is marked changed (:meth:`edit`,
    :meth:`mark_changed`, :meth:`put`, :meth:`remove`); :meth:`save` serializes only those and
    copies every other member from the input as it came, one at a time.

    Part names are zip entry names without a leading slash (``word/document.xml``); lookups also
    accept a leading slash and fall back to a case-insensitive match, as OPC part names are
    case-insensitive.
    """

    def __init__(
        self,
        path: Path,
        archive: zipfile.ZipFile | None,
        limits: Limits,
        *,
        for_reading: bool = False,
        check_main: Callable[[Package, str, int], None] | None = None,
        parts: Mapping[str, bytes] | None = None,
    ) -> None:
        self._path = path
        self._zip = archive if archive is not None else zipfile.ZipFile(io.BytesIO(), "w")
        self._limits = limits
        self._for_reading = for_reading
        self._entries = {info.filename: info for info in self._zip.infolist() if not info.is_dir()}
        self._entries_lower = {name.lower(): info for name, info in self._entries.items()}
        self._strict = False  # read by xml() while the main part is being identified
        self._parsed: dict[str, etree._Element] = {}
        self._dirty: set[str] = set()
        """Parsed parts to serialize on save."""
        self._put: dict[str, bytes] = {}
        """Parts replaced or added as bytes."""
        self._added: list[str] = list(parts or {})
        self._removed: set[str] = set()
        self._put.update(parts or {})
        if parts is None:
            main, self._strict = _identify_main_document(self, check_main)
        else:  # a package the tool made: its main part is found, not judged (nor parsed)
            main = _main_part_name(self, _ContentTypes(self.xml(CONTENT_TYPES_PART)))
        info = self._lookup(main)
        self._main = info.filename if info is not None else main

    # ----------------------------------------------------------------- what it is

    @property
    def path(self) -> Path:
        return self._path

    @property
    def limits(self) -> Limits:
        return self._limits

    @property
    def strict(self) -> bool:
        """True when the file is Strict OOXML; :meth:`xml` then returns Transitional namespaces."""
        return self._strict

    @property
    def main_document_part(self) -> str:
        return self._main

    @property
    def main(self) -> str:
        """The main document part's name (``word/document.xml``)."""
        return self._main

    @property
    def lean(self) -> bool:
        """Whether the main part was parsed without the formatting the reader never reads."""
        return self._for_reading

    @property
    def document(self) -> etree._Element:
        """The main document part's tree (``w:document``)."""
        return self.xml(self._main)

    @property
    def body(self) -> etree._Element:
        body = self.document.find(f"{{{W_NS}}}body")
        if body is None:
            raise SheetFormatError("文書の本文(w:body)がありません", self._path)
        return body

    @property
    def comments_part(self) -> str | None:
        """The main document's comments part, if it has one."""
        return self.related(self._main, "comments")

    @property
    def comments(self) -> etree._Element | None:
        part = self.comments_part
        return self.xml(part) if part is not None else None

    @property
    def settings_part(self) -> str | None:
        """The main document's settings part (document protection, tracking), if it has one."""
        return self.related(self._main, "settings")

    @property
    def settings(self) -> etree._Element | None:
        part = self.settings_part
        return self.xml(part) if part is not None else None

    def names(self) -> list[str]:
        """The package's part names in order: the input's, then the added ones."""
        return [name for name in [*self._entries, *self._added] if name not in self._removed]

    def has(self, name: str) -> bool:
        return self._find(name) is not None

    def entry_size(self, name: str) -> int:
        """The uncompressed size the input declares for ``name`` (0 for a part added since)."""
        info = self._lookup(name)
        return info.file_size if info is not None else 0

    # ----------------------------------------------------------------- reading parts

    def read(self, name: str) -> bytes:
        """The bytes of part ``name``: as changed, or decompressed in chunks and refused past the cap."""
        part = self._find(name)
        if part is None:
            raise InputFileError("必要なパーツがありません", self._path, where=_printable(name))
        if part in self._dirty:
            return serialize(self._parsed[part])
        if part in self._put:
            return self._put[part]
        info = self._entries[part]
        cap = min(self._limits.max_part_bytes, info.file_size)
        return _read_capped(self._zip, info, cap, self._path)

    def xml(self, name: str) -> etree._Element:
        """Part ``name`` parsed by :func:`parse_xml` (once), with Strict namespaces mapped to Transitional."""
        part = self._find(name) or name
        if part in self._parsed:
            return self._parsed[part]
        data = self.read(part)
        root = parse_xml(data, path=self._path, part=part, max_depth=self._limits.max_xml_depth)
        if self._strict or _STRICT_MARKER in data:
            _translate_strict(root)
        self._parsed[part] = root
        return root

    def _remember(self, part: str, root: etree._Element) -> None:
        """Keep a part parsed during identification, so the reader does not parse it again."""
        self._parsed[part] = root

    # ----------------------------------------------------------------- relationships

    def related_part(self, source_part: str, rel_type_suffix: str) -> list[str]:
        """Parts that ``source_part`` points at with a relationship type ending in ``rel_type_suffix``.

        ``rel_type_suffix`` is the last segment of the type, with or without the slash
        (``"/comments"`` or ``"comments"``), or the whole type; Strict and Transitional types both
        match.  External targets and targets missing from the package are left out; a target
        outside the package is refused.  An empty ``source_part`` means the package itself
        (``_rels/.rels``).
        """
        rels_part = _rels_part_of(source_part)
        if not self.has(rels_part):
            return []
        suffix = "/" + rel_type_suffix.rsplit("/", 1)[-1]
        found: list[str] = []
        for rel in self.xml(rels_part).iter(f"{{{PKG_REL_NS}}}Relationship"):
            if not rel.get("Type", "").endswith(suffix) or rel.get("TargetMode") == "External":
                continue
            target = _resolve_target(source_part, rel.get("Target", ""), self._path, rels_part)
            part = self._find(target)
            if part is not None and part not in found:
                found.append(part)
        return found

    @staticmethod
    def relationships_part(source_part: str) -> str:
        """The name of the part holding ``source_part``'s relationships (``""``: the package's)."""
        return _rels_part_of(source_part)

    def related(self, source_part: str, rel_type: str) -> str | None:
        """The first part ``source_part`` points at with ``rel_type`` (see :meth:`related_part`)."""
        found = self.related_part(source_part, rel_type)
        return found[0] if found else None

    def relate(self, source_part: str, target_part: str, rel_type: str) -> str:
        """Add a relationship of ``rel_type`` from ``source_part`` (``""``: the package) to
        ``target_part``; returns its id.  The target is written relative to the source's folder."""
        rels_part = _rels_part_of(source_part)
        if self.has(rels_part):
            root = self.edit(rels_part)
        else:
            root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})  # type: ignore[dict-item]
            self.put(rels_part, root)
        taken = {rel.get("Id") for rel in root.iter(f"{{{PKG_REL_NS}}}Relationship")}
        rid = next(f"rIdKomae{n}" for n in range(1, len(taken) + 2) if f"rIdKomae{n}" not in taken)
        folder = posixpath.dirname(source_part.lstrip("/")) or "."
        target = posixpath.relpath(target_part.lstrip("/"), folder)
        etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship", Id=rid, Type=rel_type, Target=target)
        return rid

    # ----------------------------------------------------------------- content types

    def content_type(self, name: str) -> str | None:
        """The content type ``[Content_Types].xml`` gives part ``name`` (lower-cased)."""
        if not self.has(CONTENT_TYPES_PART):
            return None
        return _ContentTypes(self.xml(CONTENT_TYPES_PART)).of(name)

    def set_override(self, name: str, content_type: str) -> None:
        """Declare part ``name``'s content type (an Override), unless it is declared already."""
        part_name = "/" + name.lstrip("/")
        if self.has(CONTENT_TYPES_PART):
            root = self.xml(CONTENT_TYPES_PART)
        else:  # a package without content types: give it the least it needs
            root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})  # type: ignore[dict-item]
            for extension, kind in (("rels", CT_RELATIONSHIPS), ("xml", CT_XML)):
                etree.SubElement(root, f"{{{CT_NS}}}Default", Extension=extension, ContentType=kind)
            self.put(CONTENT_TYPES_PART, root)
        overrides = root.iter(f"{{{CT_NS}}}Override")
        if any(o.get("PartName", "").lower() == part_name.lower() for o in overrides):
            return
        etree.SubElement(root, f"{{{CT_NS}}}Override", PartName=part_name, ContentType=content_type)
        self.mark_changed(CONTENT_TYPES_PART)

    # ----------------------------------------------------------------- changing parts

    def edit(self, name: str) -> etree._Element:
        """Part ``name``'s tree, to be changed in place: it is serialized on save."""
        root = self.xml(name)
        self.mark_changed(name)
        return root

    def mark_changed(self, name: str) -> None:
        """Say that the tree of part ``name`` (from :meth:`xml`) was changed in place."""
        part = self._find(name) or name
        if part not in self._parsed:
            raise KeyError(part)
        if part == self._main and self._for_reading:
            raise ValueError("a package opened for reading has a lean main part: open it for writing")
        self._dirty.add(part)

    def put(self, name: str, content: bytes | etree._Element) -> None:
        """Replace part ``name`` (or add it, after the input's parts) with bytes or a tree."""
        part = self._find(name) or name.lstrip("/")
        self._removed.discard(part)
        if part not in self._entries and part not in self._added:
            self._added.append(part)
        self._parsed.pop(part, None)
        self._dirty.discard(part)
        self._put.pop(part, None)
        if isinstance(content, bytes):
            self._put[part] = content
        else:
            self._parsed[part] = content
            self._dirty.add(part)

    def remove(self, name: str) -> None:
        """Leave part ``name`` out of the saved package (its relationships are the caller's)."""
        part = self._find(name)
        if part is None:
            return
        self._removed.add(part)
        self._parsed.pop(part, None)
        self._dirty.discard(part)
        self._put.pop(part, None)

    def copy(self) -> Package:
        """An independent copy of the package and its changes (the input's members are shared:
        they are read-only)."""
        twin = object.__new__(Package)
        twin.__dict__.update(self.__dict__)
        # changed trees are copied; unchanged ones are parsed again if the copy asks for them (a
        # tree shared between the two would carry one's later edits into the other)
        twin._parsed = {name: copy.deepcopy(self._parsed[name]) for name in self._dirty}
        twin._dirty, twin._put = set(self._dirty), dict(self._put)
        twin._added, twin._removed = list(self._added), set(self._removed)
        return twin

    def changed_parts(self) -> list[str]:
        return [name for name in self.names() if name in self._dirty or name in self._put]

    # ----------------------------------------------------------------- saving

    def save(self) -> bytes:
        """The package with its changes, deterministic: changed parts serialized, every other member
        copied from the input in chunks (never all held at once), in the input's order."""
        out = io.BytesIO()
        self.save_to(out)
        return out.getvalue()

    def save_to(self, stream: IO[bytes]) -> None:
        changed_date = _changed_date(self._entries.values())
        with zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in self.names():
                if name in self._dirty or name in self._put:
                    data = self.read(name)
                    info = zipfile.ZipInfo(name, date_time=changed_date)
                    archive.writestr(info, data, zipfile.ZIP_DEFLATED)
                    continue
                _copy_member(self._zip, self._entries[name], archive, self._path)

    # ----------------------------------------------------------------- lookups

    def _find(self, name: str) -> str | None:
        """The package's spelling of part ``name``, or None when it has no such part."""
        bare = name.lstrip("/")
        for candidate in (bare, unquote(bare)):
            if (candidate in self._put or candidate in self._added) and candidate not in self._removed:
                return candidate
        info = self._lookup(bare)
        if info is None or info.filename in self._removed:
            return None
        return info.filename

    def fingerprint(self) -> str:
        """A digest of the input's members (names, sizes, CRC-32s): the same contents give the same
        digest (a copy given twice under two names), without decompressing anything."""
        digest = hashlib.sha256()
        for name in sorted(self._entries):
            info = self._entries[name]
            digest.update(f"{name}\0{info.file_size}\0{info.CRC}\n".encode())
        return digest.hexdigest()

    def _lookup(self, name: str) -> zipfile.ZipInfo | None:
        name = name.lstrip("/")
        for candidate in (name, unquote(name)):
            info = self._entries.get(candidate) or self._entries_lower.get(candidate.lower())
            if info is not None:
                return info
        return None


def refuse_strict(package: Package, cannot: str) -> None:
    """Refuse a Strict OOXML file for writing: its parts are read in Transitional names (see
    :meth:`Package.xml`), and written back they would mix the two.  ``cannot`` says what cannot be
    done (「仕上げられません」)."""
    if package.strict:
        raise SheetFormatError(
            f"Strict Open XML 形式の文書は{cannot}。Word で「Word 文書 (*.docx)」として保存し直してください",
            package.path,
        )


# --------------------------------------------------------------------------- writing a package

PACKAGE_DATE = (2024, 4, 1, 0, 0, 0)
"""The timestamp of parts the tool writes when the input gives none better (a package the tool made
itself): fixed, so the same parts give the same bytes, and not the zip format's 1980 "no date"."""
_NO_DATE = (1980, 1, 1, 0, 0, 0)


def _changed_date(infos: Iterable[zipfile.ZipInfo]) -> tuple[int, int, int, int, int, int]:
    """The date for changed parts: the input's newest entry date (when it was last saved), so the
    same input gives the same bytes; :data:`PACKAGE_DATE` when the input carries no real date."""
    dates = [info.date_time for info in infos if info.date_time > _NO_DATE]
    newest = max(dates, default=PACKAGE_DATE)
    return (newest[0], newest[1], newest[2], newest[3], newest[4], newest[5])


def _copy_member(
    source: zipfile.ZipFile, info: zipfile.ZipInfo, archive: zipfile.ZipFile, path: Path
) -> None:
    """Copy one untouched member in chunks, with its date (1980's "no date" becomes
    :data:`PACKAGE_DATE`), capped as every read of the input is."""
    date = info.date_time if info.date_time > _NO_DATE else PACKAGE_DATE
    out = zipfile.ZipInfo(info.filename, date_time=date)
    out.compress_type = zipfile.ZIP_DEFLATED
    total = 0
    try:
        with source.open(info) as stream, archive.open(out, "w") as sink:
            while chunk := stream.read(_READ_CHUNK):
                total += len(chunk)
                if total > info.file_size:
                    raise UnsafeInputError(_MSG_OVER_CAP, path, where=_printable(info.filename))
                sink.write(chunk)
    except (*_ZIP_ERRORS, NotImplementedError, RuntimeError):
        raise InputFileError(_MSG_BROKEN_DATA, path, where=_printable(info.filename)) from None


def write_package(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A package from ``(name, data)`` parts in order, deflated, with fixed timestamps (a bundle of
    files, a package built from scratch).  Writing it to disk is :mod:`komae_docx.safeio`'s job
    (atomic, never onto an input)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts:
            archive.writestr(zipfile.ZipInfo(name, date_time=PACKAGE_DATE), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def package_parts(data: bytes) -> dict[str, bytes]:
    """The parts of a package the tool made itself (a template, a rendered document), in order."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist() if not info.is_dir()}


def replace_parts(data: bytes, changes: Mapping[str, bytes | None]) -> bytes:
    """A package the tool made with some parts replaced, added, or (None) removed."""
    parts = package_parts(data)
    for name, content in changes.items():
        if content is None:
            parts.pop(name, None)
        else:
            parts[name] = content
    return write_package(parts.items())


# --------------------------------------------------------------------------- the input file


def _read_input_file(path: Path, limits: Limits) -> bytes:
    """Read the whole input (it is small by contract) so later checks see one consistent snapshot."""
    try:
        status = path.stat()
    except (FileNotFoundError, NotADirectoryError):
        raise InputFileError(missing_file_text(path), path) from None
    except OSError:
        raise InputFileError("ファイルを読み込めません（アクセス権を確認してください）", path) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputFileError("フォルダーです。Word 文書(.docx)のファイルを指定してください", path)
    if not stat.S_ISREG(status.st_mode):
        raise InputFileError("通常のファイルではありません", path)
    _check_file_size(status.st_size, path, limits)
    try:
        with path.open("rb") as stream:
            data = stream.read(limits.max_file_bytes + 1)
    except OSError:
        raise InputFileError("ファイルを読み込めません（アクセス権を確認してください）", path) from None
    _check_file_size(len(data), path, limits)
    return data


def _check_file_size(size: int, path: Path, limits: Limits) -> None:
    if size == 0:
        raise InputFileError("ファイルが空です（0 バイト）", path)
    if size > limits.max_file_bytes:
        raise UnsafeInputError(f"ファイルが大きすぎます（上限 {_size(limits.max_file_bytes)}）", path)


def _refuse_ole(data: bytes, path: Path) -> None:
    """Refuse OLE2 compound files: password-protected .docx files and legacy .doc/.xls/.ppt."""
    if not data.startswith(_OLE_MAGIC):
        return
    if any(_ole_has_stream(data, name) for name in _ENCRYPTION_STREAMS):
        raise InputFileError(
            "パスワードで保護（暗号化）されたファイルです。Word でパスワードを解除し、"
            ".docx 形式で保存し直してください",
            path,
        )
    if _ole_has_stream(data, "WordDocument"):
        raise InputFileError(f"古い形式の Word 文書(.doc)です。{_MSG_RESAVE}", path)
    raise InputFileError(f"古い形式の Office ファイル(.doc / .xls / .ppt など)です。{_MSG_RESAVE}", path)


def _ole_has_stream(data: bytes, name: str) -> bool:
    """Whether an OLE directory entry is named ``name``.

    Directory entries are 128-byte records inside sectors of 512 or 4096 bytes, so each one starts
    at a multiple of 128 after the header; the name is UTF-16LE with a NUL terminator and its
    byte length (terminator included) is stored at offset 64.  Matching all three keeps the
    same text inside a document's body from being mistaken for a stream.
    """
    needle = name.encode("utf-16-le") + b"\x00\x00"
    position = data.find(needle, _OLE_HEADER_BYTES)
    while position >= 0:
        length_at = position + 64
        aligned = position % _OLE_DIR_ENTRY_BYTES == 0 and length_at + 2 <= len(data)
        if aligned and struct.unpack_from("<H", data, length_at)[0] == len(needle):
            return True
        position = data.find(needle, position + 1)
    return False


def _describe_non_zip(data: bytes) -> str:
    """A cheap guess at what a non-zip file is, for the message ('' when unknown)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    lowered = head[:200].lower()
    if head.startswith(b"%PDF"):
        return "PDF"
    if lowered.startswith((b"<!doctype html", b"<html")):
        return "HTML"
    if head.startswith(b"{\\rtf"):
        return "RTF"
    if lowered.startswith(b"<?xml"):
        return "XML"
    if _looks_like_text(data[:4096]):
        return "テキスト"
    return ""


def _looks_like_text(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "cp932"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            # The 4 KB cut may split a character: retry without the last few bytes.
            try:
                head[:-3].decode(encoding)
            except UnicodeDecodeError:
                continue
        return True
    return False


# --------------------------------------------------------------------------- the zip container


def _open_zip(data: bytes, path: Path, limits: Limits) -> zipfile.ZipFile:
    """Open the zip, counting entries from the end record first so huge directories fail fast."""
    looks_like_zip = data.startswith(b"PK")
    declared = _declared_entry_count(data)
    if declared is None and not looks_like_zip:
        kind = _describe_non_zip(data)
        raise InputFileError(_MSG_NOT_DOCX + (f"（{kind} ファイルのようです）" if kind else ""), path)
    if declared is not None and declared > limits.max_entries:
        raise _too_many_entries(declared, path, limits)
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except (*_ZIP_ERRORS, NotImplementedError):
        if looks_like_zip:
            raise InputFileError(_MSG_BROKEN, path) from None
        raise InputFileError(_MSG_NOT_DOCX, path) from None


def _declared_entry_count(data: bytes) -> int | None:
    """Total entries from the end-of-central-directory record (zip64 aware); None if there is none."""
    position = data.rfind(b"PK\x05\x06", max(0, len(data) - (22 + 0xFFFF)))
    if position < 0 or position + 22 > len(data):
        return None
    total: int = struct.unpack_from("<H", data, position + 10)[0]
    locator = position - 20
    if total != 0xFFFF or locator < 0 or data[locator : locator + 4] != b"PK\x06\x07":
        return total
    record: int = struct.unpack_from("<Q", data, locator + 8)[0]
    if record + 56 > len(data) or data[record : record + 4] != b"PK\x06\x06":
        return total
    zip64_total: int = struct.unpack_from("<Q", data, record + 32)[0]
    return zip64_total


def _check_entries(infos: list[zipfile.ZipInfo], path: Path, limits: Limits) -> None:
    if len(infos) > limits.max_entries:
        raise _too_many_entries(len(infos), path, limits)
    seen: set[str] = set()
    for info in infos:
        name = info.orig_filename
        _check_entry_name(name, path)
        key = info.filename.lower()
        if key in seen:
            raise UnsafeInputError("同じ名前のエントリが重複しています", path, where=_printable(name))
        seen.add(key)
    _check_sizes(infos, path, limits)
    for info in infos:
        _check_entry_readable(info, path)


def _check_entry_name(name: str, path: Path) -> None:
    reason = _unsafe_name_reason(name)
    if reason:
        message = f"安全でないエントリ名（{reason}）を含むため読み込みません"
        raise UnsafeInputError(message, path, where=_printable(name))


def _unsafe_name_reason(name: str) -> str:
    if "\x00" in name:
        return "NUL 文字"
    if "\\" in name:
        return "バックスラッシュ"
    if name.startswith("/"):
        return "絶対パス"
    if re.match(r"[A-Za-z]:", name):
        return "ドライブ名"
    if ".." in name.split("/"):
        return "「..」"
    return ""


def _check_sizes(infos: list[zipfile.ZipInfo], path: Path, limits: Limits) -> None:
    """Refuse zip bombs by the declared sizes; :func:`_read_capped` enforces the caps again."""
    if sum(info.file_size for info in infos) > limits.max_total_uncompressed:
        limit = _size(limits.max_total_uncompressed)
        raise UnsafeInputError(f"展開後の合計サイズが大きすぎます（上限 {limit}、zip 爆弾の疑い）", path)
    for info in infos:
        where = _printable(info.filename)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_MIN_BYTES and ratio > limits.max_ratio:
            raise UnsafeInputError(_MSG_RATIO, path, where=where)
        if info.file_size > limits.max_part_bytes:
            raise UnsafeInputError(
                f"展開後のサイズが大きすぎます（上限 {_size(limits.max_part_bytes)}）", path, where=where
            )


def _check_entry_readable(info: zipfile.ZipInfo, path: Path) -> None:
    where = _printable(info.filename)
    if info.flag_bits & 0x1:
        raise InputFileError("パスワード付き zip のエントリを含むため読み込めません", path, where=where)
    if info.compress_type not in _SUPPORTED_COMPRESSION:
        raise InputFileError("対応していない圧縮方式のエントリを含むため読み込めません", path, where=where)


def _read_capped(archive: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, path: Path) -> bytes:
    """Decompress ``info`` in chunks, stopping as soon as more than ``cap`` bytes come out."""
    chunks: list[bytes] = []
    total = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_CHUNK):
                total += len(chunk)
                if total > cap:
                    raise UnsafeInputError(_MSG_OVER_CAP, path, where=_printable(info.filename))
                chunks.append(chunk)
    except (*_ZIP_ERRORS, NotImplementedError, RuntimeError):
        raise InputFileError(_MSG_BROKEN_DATA, path, where=_printable(info.filename)) from None
    return b"".join(chunks)


def _too_many_entries(count: int, path: Path, limits: Limits) -> UnsafeInputError:
    return UnsafeInputError(f"zip のエントリ数が多すぎます（{count} 個、上限 {limits.max_entries} 個）", path)


# --------------------------------------------------------------------------- OOXML identification


def _identify_main_document(
    package: Package, check_main: Callable[[Package, str, int], None] | None = None
) -> tuple[str, bool]:
    """Check the package is a macro-free Word document; return its main part and whether it is Strict."""
    path = package.path
    if not package.has(CONTENT_TYPES_PART):
        odf = "（OpenDocument 形式のようです）" if package.has("mimetype") else ""
        raise InputFileError(f"Office Open XML 形式ではありません。{_MSG_NOT_DOCX}{odf}", path)
    types = _ContentTypes(package.xml(CONTENT_TYPES_PART))
    _refuse_macros(package, types)
    main = _main_part_name(package, types)
    _refuse_other_office_kinds(package, types.of(main) if main else None)
    if not main or not package.has(main):
        raise InputFileError("本文のパーツがありません", path, where=main or "word/document.xml")
    if check_main is not None:
        check_main(package, main, package.entry_size(main))
    root = _parse_main(package, main)
    if root.tag not in (f"{{{W_NS}}}document", f"{{{W_STRICT_NS}}}document"):
        raise InputFileError("本文が Word 文書の XML ではありません", path, where=main)
    strict = root.tag == f"{{{W_STRICT_NS}}}document"
    if strict:
        _translate_strict(root)
    package._remember(main, root)
    return main, strict


def _parse_main(package: Package, main: str) -> etree._Element:
    """The main part parsed; for the reading side without unread formatting (see :func:`open_package`).

    When the lean text does not parse, the part is parsed as it is, so a damaged file gets the
    same error either way and a lean parse can never hide or cause one.
    """
    depth = package.limits.max_xml_depth
    data = package.read(main)
    if package._for_reading:
        lean = _without_unread_formatting(data)
        if lean is not None:
            del data  # the whole part is not kept beside its tree
            try:
                return parse_xml(lean, path=package.path, part=main, max_depth=depth)
            except InputFileError:
                data = package.read(main)
    return parse_xml(data, path=package.path, part=main, max_depth=depth)


_RUN_PROPERTIES = re.compile(rb"<w:rPr/>|<w:rPr>(?:[^<]++|<(?!/?w:rPr[\s/>]|!|\?))*+</w:rPr>")
"""An empty or complete ``w:rPr`` holding no other ``w:rPr`` (a ``w:rPrChange`` keeps its inner one
and so its outer one), no comment, CDATA section or processing instruction.  Possessive
quantifiers: a failed match gives up in linear time (no catastrophic backtracking on hostile text)."""
_UNREAD_EMPTY = re.compile(rb"<w:(?:snapToGrid|tcW|vAlign|jc|shd)(?:\s[^<>]*)?/>")
"""Empty layout elements of paragraphs and cells the reader never reads (grid snapping, cell
width, vertical and horizontal alignment, shading); together a third of a report's elements."""
_W_PREFIX = re.compile(rb"""xmlns:w\s*=\s*["']([^"']*)["']""")


def _without_unread_formatting(data: bytes) -> bytes | None:
    """``data`` without the formatting the reader never reads, or None when the bytes alone cannot
    tell it safely.

    The reading side (``reading/ooxml.py``) reads of ``w:rPr`` only what hides a run (``w:vanish``,
    ``w:specVanish``, ``w:rStyle``: kept when the part has any) and reads only ``w:pStyle``,
    ``w:pageBreakBefore`` and ``w:sectPr`` of paragraph properties and ``w:gridSpan`` and
    ``w:vMerge`` of cell properties; ``tests/test_hostile_reading.py`` checks that the lean parse
    gives the same body as the full one.

    Only done when every declaration of the prefix ``w`` names WordprocessingML (Word declares it
    once; other tools repeat the same declaration) and nothing could hide markup inside text
    (CDATA); anything else is parsed as it is.
    """
    declared = {uri.decode("ascii", "replace") for uri in _W_PREFIX.findall(data)}
    if len(declared) != 1 or not declared <= {W_NS, W_STRICT_NS}:
        return None
    if b"<![CDATA[" in data:
        return None
    lean = _UNREAD_EMPTY.sub(b"", data)
    if b"anish" in data or b"w:rStyle" in data:  # hidden text is no printed text: its marks are read
        return _RUN_PROPERTIES.sub(_hiding_properties, lean)
    return _RUN_PROPERTIES.sub(b"", lean)


_HIDING = re.compile(rb"<w:(?:rStyle|vanish|specVanish)(?:\s[^<>]*)?/>")
"""The run properties the reader does read: what hides a run (``w:vanish``, ``w:specVanish``, a
character style that may be hidden)."""


def _hiding_properties(match: re.Match[bytes]) -> bytes:
    """A ``w:rPr`` reduced to what hides its run (nothing when nothing does)."""
    props = match.group(0)
    if b"anish" not in props and b"w:rStyle" not in props:
        return b""
    kept = _HIDING.findall(props)
    return b"<w:rPr>" + b"".join(kept) + b"</w:rPr>" if kept else b""


class _ContentTypes:
    """The [Content_Types].xml table: part name → content type (lower-cased keys and values)."""

    def __init__(self, root: etree._Element) -> None:
        self.defaults = {
            el.get("Extension", "").lower(): el.get("ContentType", "").lower()
            for el in root.iter(f"{{{CT_NS}}}Default")
        }
        self.overrides = {
            el.get("PartName", "").lstrip("/").lower(): el.get("ContentType", "").lower()
            for el in root.iter(f"{{{CT_NS}}}Override")
        }

    def of(self, part: str) -> str | None:
        key = part.lstrip("/").lower()
        if key in self.overrides:
            return self.overrides[key]
        return self.defaults.get(posixpath.splitext(key)[1].lstrip("."))

    def all_types(self) -> set[str]:
        return set(self.defaults.values()) | set(self.overrides.values())


def _refuse_macros(package: Package, types: _ContentTypes) -> None:
    for name in package.names():
        if posixpath.basename(name).lower() == "vbaproject.bin":
            raise InputFileError(_MSG_MACRO, package.path, where=name)
    for content_type in types.all_types():
        if content_type in _MACRO_TYPES:
            raise InputFileError(_MSG_MACRO, package.path, where=CONTENT_TYPES_PART)


def _main_part_name(package: Package, types: _ContentTypes) -> str:
    """The officeDocument target of ``_rels/.rels`` (even if missing, so the message can name it);
    without one, the part [Content_Types].xml declares as the Word main part, then word/document.xml."""
    if package.has(PACKAGE_RELS_PART):
        for rel in package.xml(PACKAGE_RELS_PART).iter(f"{{{PKG_REL_NS}}}Relationship"):
            if rel.get("Type", "").endswith("/officeDocument") and rel.get("TargetMode") != "External":
                return _resolve_target("", rel.get("Target", ""), package.path, PACKAGE_RELS_PART)
    for part, content_type in types.overrides.items():
        if content_type in _WORD_MAIN_TYPES:
            return part
    return "word/document.xml" if package.has("word/document.xml") else ""


def _refuse_other_office_kinds(package: Package, main_type: str | None) -> None:
    if main_type in _WORD_MAIN_TYPES:
        return
    kind = _office_kind(package, main_type or "")
    if kind:
        raise InputFileError(f"Word 文書ではありません（{kind} ファイルです）", package.path)


def _office_kind(package: Package, main_type: str) -> str:
    if "spreadsheetml" in main_type or "ms-excel" in main_type or package.has("xl/workbook.xml"):
        return "Excel"
    if "presentationml" in main_type or "ms-powerpoint" in main_type or package.has("ppt/presentation.xml"):
        return "PowerPoint"
    return ""


def _rels_part_of(source_part: str) -> str:
    source = source_part.lstrip("/")
    if not source:
        return PACKAGE_RELS_PART
    folder, name = posixpath.split(source)
    return posixpath.join(folder, "_rels", name + ".rels")


def _resolve_target(source_part: str, target: str, path: Path, rels_part: str) -> str:
    """The part name a relationship target points at, refusing targets that climb out of the package."""
    target = target.split("#", 1)[0]
    folder = "" if target.startswith("/") else posixpath.dirname(source_part.lstrip("/"))
    if _escapes_root(folder, target):
        raise UnsafeInputError("パッケージの外を指す参照を含むため読み込みません", path, where=rels_part)
    return posixpath.normpath(posixpath.join("/", folder, target)).lstrip("/")


def _escapes_root(folder: str, target: str) -> bool:
    """Whether walking ``target`` from ``folder`` climbs above the package root at any step."""
    depth = len([segment for segment in folder.split("/") if segment])
    for segment in target.split("/"):
        if segment == "..":
            depth -= 1
            if depth < 0:
                return True
        elif segment not in ("", "."):
            depth += 1
    return False


# --------------------------------------------------------------------------- XML helpers


def _hardened_parser() -> etree.XMLParser:
    """A fresh parser per document (lxml parsers are not meant to be shared between threads)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


def _dtd_error(path: str | Path, part: str) -> UnsafeInputError:
    return UnsafeInputError("DTD(DOCTYPE)を含むため読み込みません", path, where=part)


def _line_of(exc: Exception) -> str:
    line = getattr(exc, "lineno", None)
    return f"（{line} 行目）" if isinstance(line, int) and line > 0 else ""


def _deeper_than(root: etree._Element, limit: int) -> bool:
    depth = 0
    for event, _ in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > limit:
            return True
    return False


def _translate_strict(root: etree._Element) -> None:
    """Rename Strict-namespace elements, attributes and relationship types to Transitional in place."""
    rel_tag = f"{{{PKG_REL_NS}}}Relationship"
    for element in root.iter(etree.Element):
        namespace, local = _split_tag(element.tag)
        if namespace in STRICT_TO_TRANSITIONAL:
            element.tag = f"{{{STRICT_TO_TRANSITIONAL[namespace]}}}{local}"
        _translate_strict_attributes(element)
        if element.tag == rel_tag:
            element.set("Type", _transitional_rel_type(element.get("Type", "")))


def _translate_strict_attributes(element: etree._Element) -> None:
    prefix = "{" + STRICT_PREFIX
    for name in [name for name in element.attrib if isinstance(name, str) and name.startswith(prefix)]:
        namespace, local = _split_tag(name)
        if namespace in STRICT_TO_TRANSITIONAL:
            value = element.attrib.pop(name)
            element.set(f"{{{STRICT_TO_TRANSITIONAL[namespace]}}}{local}", value)


def _split_tag(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        namespace, _, local = tag[1:].partition("}")
        return namespace, local
    return "", tag


def _transitional_rel_type(rel_type: str) -> str:
    if not rel_type.startswith(STRICT_REL_PREFIX):
        return rel_type
    name = rel_type[len(STRICT_REL_PREFIX) :]
    return TRANSITIONAL_REL_PREFIX + STRICT_REL_RENAMES.get(name, name)


# --------------------------------------------------------------------------- formatting


def _size(size: int) -> str:
    return f"{size / _MB:.0f} MB" if size >= _MB else f"{size:,} バイト"


def _printable(name: str, limit: int = 120) -> str:
    """An entry name safe to show: control characters escaped, very long names shortened."""
    shown = "".join(ch if ch.isprintable() else f"\\x{ord(ch):02x}" for ch in name)
    return shown if len(shown) <= limit else shown[:limit] + "…"
