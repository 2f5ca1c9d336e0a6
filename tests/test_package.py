"""Tests for komae_docx.package: every hostile or wrong input is refused with a clear Japanese error."""

from __future__ import annotations

import hashlib
import io
import random
import struct
import time
import traceback
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from komae_docx import package as package_module
from komae_docx.errors import InputFileError, KomaeDocxError, UnsafeInputError
from komae_docx.package import Limits, Package, open_package, parse_xml

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "r5_report.docx"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
CORPUS_FILES = sorted(path.name for path in CORPUS.glob("*.docx")) if CORPUS.is_dir() else []

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
SECRET = "KOMAE-SECRET-7731"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOTM_MAIN = "application/vnd.ms-word.template.macroEnabledTemplate.main+xml"


# --------------------------------------------------------------------------- helpers


def example_entries() -> dict[str, bytes]:
    with zipfile.ZipFile(EXAMPLE) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def write_zip(path: Path, entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return path


def variant(tmp_path: Path, name: str, change: Callable[[dict[str, bytes]], None]) -> Path:
    """A copy of the example with ``change`` applied to its entries."""
    entries = example_entries()
    change(entries)
    return write_zip(tmp_path / name, entries)


def refused(
    path: Path, error_class: type[KomaeDocxError], phrase: str, limits: Limits | None = None
) -> KomaeDocxError:
    """Open ``path`` expecting exactly ``error_class`` with ``phrase`` and the file name in the message."""
    with pytest.raises(KomaeDocxError) as caught:
        open_package(path, limits) if limits else open_package(path)
    error = caught.value
    assert type(error) is error_class, f"{type(error).__name__}: {error}"
    assert phrase in str(error)
    assert path.name in str(error)
    return error


def patch_zip_entry(path: Path, name: str, patch: Callable[[bytearray, int, int], None]) -> None:
    """Patch the bytes of ``name``'s local header and central directory record.

    ``patch(data, local_offset, central_offset)`` edits ``data`` in place.
    """
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(name)
    encoded = name.encode()
    central = data.find(b"PK\x01\x02")
    while central >= 0:
        name_length = struct.unpack_from("<H", data, central + 28)[0]
        if bytes(data[central + 46 : central + 46 + name_length]) == encoded:
            break
        central = data.find(b"PK\x01\x02", central + 4)
    assert central >= 0
    patch(data, info.header_offset, central)
    path.write_bytes(bytes(data))


def set_uncompressed_size(size: int) -> Callable[[bytearray, int, int], None]:
    def patch(data: bytearray, local: int, central: int) -> None:
        struct.pack_into("<I", data, local + 22, size)
        struct.pack_into("<I", data, central + 24, size)

    return patch


def fake_ole(*stream_names: str, body: bytes = b"") -> bytes:
    """A minimal OLE2 compound file: header, then one directory sector holding ``stream_names``."""
    header = bytearray(512)
    header[:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHH", header, 0x18, 0x3E, 0x3, 0xFFFE)
    struct.pack_into("<H", header, 0x1E, 9)
    directory = bytearray()
    for name in ("Root Entry", *stream_names):
        entry = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entry[: len(encoded)] = encoded
        struct.pack_into("<H", entry, 64, len(encoded))
        entry[66] = 5 if name == "Root Entry" else 2
        directory += entry
    directory += bytes(-len(directory) % 512)
    return bytes(header) + bytes(directory) + body


def office_zip(path: Path, main: str, content_type: str) -> Path:
    """A minimal non-Word OOXML package (Excel, PowerPoint) with ``main`` as its officeDocument."""
    types = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        f'<Override PartName="/{main}" ContentType="{content_type}"/></Types>'
    )
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Target="' + main + '" '
        'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
        "</Relationships>"
    )
    entries = {"[Content_Types].xml": types.encode(), "_rels/.rels": rels.encode(), main: b"<x/>"}
    return write_zip(path, entries)


def document_xml(body: str) -> bytes:
    return f'<w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'.encode()


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "lol">'
    + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    + f']><w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>'
)


def xxe_document(secret_file: Path) -> str:
    return (
        f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY x SYSTEM "{secret_file.as_uri()}">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>'
    )


def assert_secret_absent(error: BaseException) -> None:
    shown = "".join(traceback.format_exception(error)) + repr(error) + str(error)
    assert SECRET not in shown


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def gigabyte_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A real zip bomb: the example plus an entry of 1 GB of zeros (about 4.5 MB compressed)."""
    path = write_zip(tmp_path_factory.mktemp("bomb") / "bomb.docx", example_entries())
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive,
        archive.open("word/media/zeros.bin", "w", force_zip64=True) as stream,
    ):
        for _ in range(1024):
            stream.write(chunk)
    return path


@pytest.fixture
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"corpus not present: {CORPUS}")
    return CORPUS


# --------------------------------------------------------------------------- the example and the corpus


def test_example_opens() -> None:
    package = open_package(EXAMPLE)
    assert isinstance(package, Package)
    assert package.path == EXAMPLE
    assert package.strict is False
    assert package.main_document_part == "word/document.xml"
    assert package.xml("word/document.xml").tag == f"{W}document"
    assert "word/styles.xml" in package.names()
    assert package.related_part("word/document.xml", "/footer") == ["word/footer1.xml", "word/footer2.xml"]
    assert package.related_part("word/document.xml", "styles") == ["word/styles.xml"]
    assert package.related_part("word/document.xml", "/comments") == []
    assert package.related_part("", "officeDocument") == ["word/document.xml"]


def test_part_lookup_accepts_leading_slash_and_other_case() -> None:
    package = open_package(str(EXAMPLE))
    assert package.has("/word/document.xml")
    assert package.has("WORD/Document.XML")
    assert not package.has("word/missing.xml")
    assert package.read("/word/styles.xml") == package.read("word/styles.xml")


def test_read_of_missing_part_names_it() -> None:
    package = open_package(EXAMPLE)
    with pytest.raises(InputFileError) as caught:
        package.read("word/comments.xml")
    assert "必要なパーツがありません" in str(caught.value)
    assert "word/comments.xml" in str(caught.value)


def test_input_file_is_left_untouched(tmp_path: Path) -> None:
    copy = tmp_path / "copy.docx"
    copy.write_bytes(EXAMPLE.read_bytes())
    before = (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns)
    package = open_package(copy)
    for name in package.names():
        package.read(name)
    assert (hashlib.sha256(copy.read_bytes()).hexdigest(), copy.stat().st_mtime_ns) == before
    assert sorted(path.name for path in tmp_path.iterdir()) == ["copy.docx"]


@pytest.mark.parametrize("name", CORPUS_FILES or ["(no corpus)"])
def test_corpus_file_opens_or_is_refused_cleanly(corpus_dir: Path, name: str) -> None:
    try:
        package = open_package(corpus_dir / name)
        for part in package.names():
            if part.endswith((".xml", ".rels")):
                package.xml(part)
        package.related_part(package.main_document_part, "/comments")
    except InputFileError as error:
        assert name in str(error)


def test_strict_ooxml_is_translated_to_transitional(corpus_dir: Path) -> None:
    package = open_package(corpus_dir / "strict_ooxml.docx")
    assert package.strict is True
    root = package.xml(package.main_document_part)
    assert root.tag == f"{W}document"
    assert root.find(f"{W}body") is not None
    assert all("purl.oclc.org" not in element.tag for element in root.iter() if isinstance(element.tag, str))
    assert package.related_part(package.main_document_part, "/styles") == ["word/styles.xml"]
    types = {rel.get("Type") for rel in package.xml("_rels/.rels")}
    assert "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" in types


def test_strict_attributes_are_translated(tmp_path: Path) -> None:
    strict_w = "http://purl.oclc.org/ooxml/wordprocessingml/main"
    strict_r = "http://purl.oclc.org/ooxml/officeDocument/relationships"
    body = '<w:p><w:hyperlink r:id="rId9"><w:r><w:t>x</w:t></w:r></w:hyperlink></w:p>'
    document = f'<w:document xmlns:w="{strict_w}" xmlns:r="{strict_r}"><w:body>{body}</w:body></w:document>'
    path = variant(tmp_path, "strict.docx", lambda e: e.update({"word/document.xml": document.encode()}))
    package = open_package(path)
    assert package.strict
    link = package.xml("word/document.xml").find(f".//{W}hyperlink")
    assert link is not None
    assert link.get("{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id") == "rId9"


# --------------------------------------------------------------------------- the file itself


def test_missing_file(tmp_path: Path) -> None:
    refused(tmp_path / "nothing.docx", InputFileError, "ファイルが見つかりません")


def test_directory(tmp_path: Path) -> None:
    folder = tmp_path / "folder.docx"
    folder.mkdir()
    refused(folder, InputFileError, "フォルダーです")


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.docx"
    path.write_bytes(b"")
    refused(path, InputFileError, "ファイルが空です")


def test_file_too_big(tmp_path: Path) -> None:
    path = tmp_path / "big.docx"
    path.write_bytes(EXAMPLE.read_bytes())
    refused(path, UnsafeInputError, "ファイルが大きすぎます", Limits(max_file_bytes=1000))


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(EXAMPLE.read_bytes())

    def deny(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", deny)
    refused(path, InputFileError, "ファイルを読み込めません")


# --------------------------------------------------------------------------- OLE files


@pytest.mark.parametrize("stream", ["EncryptedPackage", "EncryptionInfo"])
def test_password_protected_file(tmp_path: Path, stream: str) -> None:
    path = tmp_path / "locked.docx"
    path.write_bytes(fake_ole("\x06DataSpaces", stream))
    error = refused(path, InputFileError, "パスワードで保護")
    assert ".docx 形式で保存し直してください" in str(error)


def test_legacy_doc(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    path.write_bytes(fake_ole("WordDocument", "1Table"))
    refused(path, InputFileError, "Word 文書 .docx 形式で保存し直してください")


def test_other_ole_file(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(fake_ole("Workbook"))
    refused(path, InputFileError, "古い形式の Office ファイル")


def test_encrypted_package_text_in_body_is_not_a_stream(tmp_path: Path) -> None:
    path = tmp_path / "old.doc"
    text = b"x" + "EncryptedPackage".encode("utf-16-le") + b"\x00\x00"
    path.write_bytes(fake_ole("WordDocument", body=text))
    error = refused(path, InputFileError, "古い形式の Word 文書(.doc)です")
    assert "パスワード" not in str(error)


# --------------------------------------------------------------------------- not a zip


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("notes.docx", "進捗管理報告書のメモです。\n".encode(), "テキスト"),
        ("sjis.docx", "進捗管理報告書のメモです。\n".encode("cp932"), "テキスト"),
        ("page.docx", b"<!DOCTYPE html><html><body>x</body></html>", "HTML"),
        ("scan.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "PDF"),
        ("noise.docx", random.Random(0).randbytes(5000), ""),
    ],
)
def test_not_a_zip(tmp_path: Path, name: str, content: bytes, kind: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = refused(path, InputFileError, "Word 文書(.docx)ではありません")
    assert kind in str(error)


# --------------------------------------------------------------------------- damaged zips


def test_truncated_zip(tmp_path: Path) -> None:
    path = tmp_path / "cut.docx"
    path.write_bytes(EXAMPLE.read_bytes()[:20000])
    refused(path, InputFileError, "ファイルが壊れています")


def test_bad_crc_names_the_entry(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "crc.docx", example_entries(), zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename) + 5000
    data[start] ^= 0x01
    path.write_bytes(bytes(data))
    error = refused(path, InputFileError, "ファイルが壊れています")
    assert "word/document.xml" in str(error)


def test_damaged_deflate_data(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "zlib.docx", example_entries())
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename)
    data[start + 100 : start + 400] = bytes(300)
    path.write_bytes(bytes(data))
    refused(path, InputFileError, "ファイルが壊れています")


def test_encrypted_zip_entry(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "zipcrypto.docx", example_entries())

    def set_encrypted(data: bytearray, local: int, central: int) -> None:
        data[local + 6] |= 1
        data[central + 8] |= 1

    patch_zip_entry(path, "word/styles.xml", set_encrypted)
    refused(path, InputFileError, "パスワード付き zip")


def test_unsupported_compression(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "deflate64.docx", example_entries())

    def set_method(data: bytearray, local: int, central: int) -> None:
        struct.pack_into("<H", data, local + 8, 9)
        struct.pack_into("<H", data, central + 10, 9)

    patch_zip_entry(path, "word/styles.xml", set_method)
    refused(path, InputFileError, "対応していない圧縮方式")


# --------------------------------------------------------------------------- entry count and names


def test_twenty_thousand_entries_refused_fast(tmp_path: Path) -> None:
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for index in range(20_000):
            archive.writestr(f"e/{index}", b"")
    started = time.perf_counter()
    refused(path, UnsafeInputError, "エントリ数が多すぎます")
    assert time.perf_counter() - started < 1.0


def test_entry_count_checked_after_parsing_too(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "count.docx", example_entries())
    refused(path, UnsafeInputError, "エントリ数が多すぎます", Limits(max_entries=5))


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("/etc/cron.d/x", "絶対パス"),
        ("C:/Windows/x.xml", "ドライブ名"),
        ("word/../../evil.xml", ".."),
        ("word\\document2.xml", "バックスラッシュ"),
        ("word/doc\x00.xml", "NUL"),
    ],
)
def test_unsafe_entry_names(tmp_path: Path, name: str, reason: str) -> None:
    placeholder = "Q" * len(name.encode())
    path = variant(tmp_path, "names.docx", lambda e: e.update({placeholder: b"x"}))
    path.write_bytes(path.read_bytes().replace(placeholder.encode(), name.encode()))
    error = refused(path, UnsafeInputError, "安全でないエントリ名")
    assert reason in str(error)


def test_duplicate_entry_names(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "dup.docx", example_entries())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "a") as archive:
            archive.writestr("word/document.xml", document_xml(""))
    error = refused(path, UnsafeInputError, "重複しています")
    assert "word/document.xml" in str(error)


# --------------------------------------------------------------------------- zip bombs


def test_gigabyte_zip_bomb_refused_fast(gigabyte_bomb: Path) -> None:
    started = time.perf_counter()
    refused(gigabyte_bomb, UnsafeInputError, "zip 爆弾の疑い")
    assert time.perf_counter() - started < 1.0


def test_declared_huge_size_refused_fast(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "huge.docx", example_entries())
    patch_zip_entry(path, "word/styles.xml", set_uncompressed_size(0xFFFF0000))
    started = time.perf_counter()
    error = refused(path, UnsafeInputError, "展開後の合計サイズが大きすぎます")
    assert time.perf_counter() - started < 1.0
    assert "zip 爆弾の疑い" in str(error)


def test_compression_ratio_refused(tmp_path: Path) -> None:
    path = variant(
        tmp_path, "ratio.docx", lambda e: e.update({"word/media/zeros.bin": bytes(5 * 1024 * 1024)})
    )
    error = refused(path, UnsafeInputError, "圧縮率が異常に高い")
    assert "word/media/zeros.bin" in str(error)


def test_part_size_limit(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "part.docx", example_entries())
    error = refused(path, UnsafeInputError, "展開後のサイズが大きすぎます", Limits(max_part_bytes=100_000))
    assert "word/document.xml" in str(error)


def test_lying_small_size_does_not_decompress_everything(tmp_path: Path) -> None:
    """An entry declaring 1,000 bytes but holding 50 MB is stopped at the declared size."""
    huge = b"<w:document" + bytes(50 * 1024 * 1024)
    path = variant(tmp_path, "liar.docx", lambda e: e.update({"word/document.xml": huge}))
    patch_zip_entry(path, "word/document.xml", set_uncompressed_size(1000))
    started = time.perf_counter()
    refused(path, InputFileError, "ファイルが壊れています")
    assert time.perf_counter() - started < 1.0


def test_read_stops_past_the_cap() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a.xml", bytes(10_000))
    with zipfile.ZipFile(buffer) as archive:
        info = archive.getinfo("a.xml")
        with pytest.raises(UnsafeInputError) as caught:
            package_module._read_capped(archive, info, 100, Path("x.docx"))
    assert "上限を超えました" in str(caught.value)
    assert "a.xml" in str(caught.value)


# --------------------------------------------------------------------------- OOXML content


def test_content_types_missing(tmp_path: Path) -> None:
    path = variant(tmp_path, "plain.docx", lambda e: e.pop("[Content_Types].xml"))
    refused(path, InputFileError, "Office Open XML 形式ではありません")


def test_opendocument_is_named(tmp_path: Path) -> None:
    path = write_zip(tmp_path / "report.odt", {"mimetype": b"application/vnd.oasis.opendocument.text"})
    refused(path, InputFileError, "OpenDocument")


@pytest.mark.parametrize("main_type", [DOCM_MAIN, DOTM_MAIN])
def test_docm_content_type_refused(tmp_path: Path, main_type: str) -> None:
    def to_docm(entries: dict[str, bytes]) -> None:
        types = entries["[Content_Types].xml"].decode()
        entries["[Content_Types].xml"] = types.replace(DOCX_MAIN, main_type).encode()

    refused(variant(tmp_path, "macro.docm", to_docm), InputFileError, "マクロを含むファイルは受け付けません")


def test_vba_project_part_refused(tmp_path: Path) -> None:
    path = variant(tmp_path, "macro.docx", lambda e: e.update({"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}))
    error = refused(path, InputFileError, "マクロを含むファイルは受け付けません")
    assert "word/vbaProject.bin" in str(error)


def test_vba_content_type_refused(tmp_path: Path) -> None:
    def add_vba_type(entries: dict[str, bytes]) -> None:
        types = entries["[Content_Types].xml"].decode()
        vba = '<Default Extension="vba" ContentType="application/vnd.ms-office.vbaProject"/>'
        entries["[Content_Types].xml"] = types.replace("</Types>", vba + "</Types>").encode()

    refused(
        variant(tmp_path, "vba.docx", add_vba_type), InputFileError, "マクロを含むファイルは受け付けません"
    )


def test_embedded_macro_workbook_is_not_a_docm(tmp_path: Path) -> None:
    def embed(entries: dict[str, bytes]) -> None:
        types = entries["[Content_Types].xml"].decode()
        xlsm = '<Default Extension="xlsm" ContentType="application/vnd.ms-excel.sheet.macroEnabled.12"/>'
        entries["[Content_Types].xml"] = types.replace("</Types>", xlsm + "</Types>").encode()
        entries["word/embeddings/Book.xlsm"] = b"PK\x05\x06" + bytes(18)

    assert open_package(variant(tmp_path, "embedded.docx", embed)).main_document_part == "word/document.xml"


def test_excel_file(tmp_path: Path) -> None:
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
    path = office_zip(tmp_path / "book.docx", "xl/workbook.xml", content_type)
    refused(path, InputFileError, "Word 文書ではありません（Excel")


def test_powerpoint_file(tmp_path: Path) -> None:
    content_type = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
    path = office_zip(tmp_path / "slides.docx", "ppt/presentation.xml", content_type)
    refused(path, InputFileError, "Word 文書ではありません（PowerPoint")


def test_main_document_missing(tmp_path: Path) -> None:
    path = variant(tmp_path, "hollow.docx", lambda e: e.pop("word/document.xml"))
    error = refused(path, InputFileError, "本文のパーツがありません")
    assert "word/document.xml" in str(error)


def test_main_document_found_without_package_rels(tmp_path: Path) -> None:
    path = variant(tmp_path, "norels.docx", lambda e: e.pop("_rels/.rels"))
    assert open_package(path).main_document_part == "word/document.xml"


def test_malformed_main_xml(tmp_path: Path) -> None:
    broken = f'<w:document xmlns:w="{W_NS}"><w:body>\n<w:p>\n</w:body></w:document>'.encode()
    path = variant(tmp_path, "malformed.docx", lambda e: e.update({"word/document.xml": broken}))
    error = refused(path, InputFileError, "XML が壊れています")
    assert "word/document.xml" in str(error)
    assert "行目" in str(error)


def test_main_part_not_a_word_document(tmp_path: Path) -> None:
    path = variant(tmp_path, "other.docx", lambda e: e.update({"word/document.xml": b"<html/>"}))
    refused(path, InputFileError, "Word 文書の XML ではありません")


def test_relationship_target_outside_package(tmp_path: Path) -> None:
    def add_escape(entries: dict[str, bytes]) -> None:
        rels = entries["word/_rels/document.xml.rels"].decode()
        bad = (
            '<Relationship Id="rId99" Target="../../../etc/passwd" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>'
        )
        entries["word/_rels/document.xml.rels"] = rels.replace(
            "</Relationships>", f"{bad}</Relationships>"
        ).encode()

    package = open_package(variant(tmp_path, "escape.docx", add_escape))
    with pytest.raises(UnsafeInputError) as caught:
        package.related_part(package.main_document_part, "/comments")
    assert "パッケージの外" in str(caught.value)
    assert "escape.docx" in str(caught.value)


def test_external_and_missing_targets_are_left_out(tmp_path: Path) -> None:
    def add_links(entries: dict[str, bytes]) -> None:
        rels = entries["word/_rels/document.xml.rels"].decode()
        extra = (
            '<Relationship Id="rId98" Target="https://example.com/c.xml" TargetMode="External" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>'
            '<Relationship Id="rId99" Target="../customXml/gone.xml" '
            'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/comments"/>'
        )
        entries["word/_rels/document.xml.rels"] = rels.replace(
            "</Relationships>", f"{extra}</Relationships>"
        ).encode()

    package = open_package(variant(tmp_path, "links.docx", add_links))
    assert package.related_part(package.main_document_part, "/comments") == []


# --------------------------------------------------------------------------- DTDs, entities, depth


def test_xxe_is_refused_without_leaking(tmp_path: Path, secret_file: Path) -> None:
    xxe = xxe_document(secret_file).encode()
    path = variant(tmp_path, "xxe.docx", lambda e: e.update({"word/document.xml": xxe}))
    error = refused(path, UnsafeInputError, "DTD(DOCTYPE)を含むため読み込みません")
    assert "word/document.xml" in str(error)
    assert_secret_absent(error)


def test_xxe_in_utf16_is_refused(secret_file: Path) -> None:
    data = xxe_document(secret_file).replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    with pytest.raises(UnsafeInputError) as caught:
        parse_xml(data.encode("utf-16"), path="x.docx", part="word/document.xml")
    assert_secret_absent(caught.value)


def test_doctype_found_after_parsing_when_byte_scan_misses(
    monkeypatch: pytest.MonkeyPatch, secret_file: Path
) -> None:
    monkeypatch.setattr(package_module, "_DTD_MARKERS", ())
    with pytest.raises(UnsafeInputError) as caught:
        parse_xml(xxe_document(secret_file).encode(), path="x.docx", part="word/document.xml")
    assert "DTD(DOCTYPE)" in str(caught.value)
    assert_secret_absent(caught.value)


def test_doctype_in_any_part_is_refused(tmp_path: Path) -> None:
    doctype = b'<?xml version="1.0"?><!DOCTYPE Types>'
    path = variant(
        tmp_path, "dt.docx", lambda e: e.update({"[Content_Types].xml": doctype + e["[Content_Types].xml"]})
    )
    error = refused(path, UnsafeInputError, "DTD(DOCTYPE)")
    assert "[Content_Types].xml" in str(error)


def test_billion_laughs_refused_fast(tmp_path: Path) -> None:
    path = variant(tmp_path, "lol.docx", lambda e: e.update({"word/document.xml": BILLION_LAUGHS.encode()}))
    started = time.perf_counter()
    refused(path, UnsafeInputError, "DTD(DOCTYPE)")
    assert time.perf_counter() - started < 1.0


def test_billion_laughs_harmless_even_past_the_byte_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(package_module, "_DTD_MARKERS", ())
    started = time.perf_counter()
    with pytest.raises(InputFileError):
        parse_xml(BILLION_LAUGHS.encode(), path="x.docx", part="word/document.xml")
    assert time.perf_counter() - started < 1.0


def test_excessive_depth_refused() -> None:
    deep = b"<a>" * 300 + b"</a>" * 300
    with pytest.raises(InputFileError) as caught:
        parse_xml(deep, path="x.docx", part="word/document.xml")
    assert "XML が壊れています" in str(caught.value)


def test_lower_depth_limit() -> None:
    nested = b"<a>" * 20 + b"</a>" * 20
    assert parse_xml(nested, path="x.docx", part="p.xml", max_depth=20).tag == "a"
    with pytest.raises(UnsafeInputError) as caught:
        parse_xml(nested, path="x.docx", part="p.xml", max_depth=10)
    assert "入れ子が深すぎます" in str(caught.value)


def test_parse_error_names_part_and_line() -> None:
    with pytest.raises(InputFileError) as caught:
        parse_xml(b"<a>\n<b>\n</a>", path="dir/x.docx", part="word/styles.xml")
    assert str(caught.value).startswith("dir/x.docx：word/styles.xml：XML が壊れています")
    assert "行目" in str(caught.value)


def test_comments_are_kept() -> None:
    root = parse_xml(b"<a><!-- note --><b/></a>", path="x.docx", part="p.xml")
    assert len(root) == 2


# --------------------------------------------------------------------------- fuzzing


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=st.lists(st.tuples(st.integers(-1500, 600_000), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_copies_never_raise_other_errors(tmp_path: Path, edits: list[tuple[int, int]]) -> None:
    """Byte edits anywhere, half of them in the central directory at the end of the file."""
    data = bytearray(EXAMPLE.read_bytes())
    for position, value in edits:
        data[position % len(data)] = value
    path = tmp_path / "fuzz.docx"
    path.write_bytes(bytes(data))
    try:
        package = open_package(path)
        package.xml(package.main_document_part)
        package.related_part(package.main_document_part, "/styles")
    except InputFileError as error:
        assert "fuzz.docx" in str(error)
