"""Tests for komae_docx.safeio: outputs are written atomically and never over an input."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import pytest

from komae_docx import safeio
from komae_docx.errors import OutputError, os_error_text
from komae_docx.safeio import check_outputs, write_bytes_atomic, write_text_atomic


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if path.name.endswith(".tmp"))


def test_writes_new_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_bytes_atomic(target, b"{}\n")
    assert target.read_bytes() == b"{}\n"
    assert leftovers(tmp_path) == []


def test_writes_text_as_utf8_keeping_newlines(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text_atomic(target, "達成\r\n未達成\n")
    assert target.read_bytes() == "達成\r\n未達成\n".encode()


def test_accepts_str_paths(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    write_text_atomic(str(target), "x", inputs=[str(tmp_path / "in.docx")])
    assert target.read_text(encoding="utf-8") == "x"


def test_text_that_cannot_be_encoded(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    with pytest.raises(OutputError) as caught:
        write_text_atomic(target, "😀", encoding="cp932")
    assert "書けない文字" in str(caught.value)
    assert "out.txt" in str(caught.value)
    assert not target.exists()


def test_new_file_gets_umask_permissions_not_0600(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        target = tmp_path / "out.txt"
        write_bytes_atomic(target, b"x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644


def test_existing_file_refused_without_force(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    with pytest.raises(OutputError) as caught:
        write_bytes_atomic(target, b"new")
    assert "既に存在します。上書きするときは force=True を渡してください" in str(caught.value)
    assert "--force" not in str(caught.value), "a Python caller has no command-line options"
    assert "out.json" in str(caught.value)
    assert target.read_bytes() == b"old"


def test_existing_file_replaced_with_force_keeping_mode(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")
    target.chmod(0o640)
    write_bytes_atomic(target, b"new", force=True)
    assert target.read_bytes() == b"new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("force", [False, True])
def test_input_never_overwritten(tmp_path: Path, force: bool) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(b"input")
    with pytest.raises(OutputError) as caught:
        write_bytes_atomic(source, b"output", force=force, inputs=[source])
    assert "入力ファイルと同じファイルには書き込めません" in str(caught.value)
    assert "report.docx" in str(caught.value)
    assert source.read_bytes() == b"input"


def test_input_reached_by_another_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(b"input")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")
    with pytest.raises(OutputError):
        write_bytes_atomic(Path("../report.docx"), b"x", force=True, inputs=[source])
    assert source.read_bytes() == b"input"


def test_input_through_symlink_and_hard_link(tmp_path: Path) -> None:
    source = tmp_path / "report.docx"
    source.write_bytes(b"input")
    link = tmp_path / "link.docx"
    link.symlink_to(source)
    hard = tmp_path / "hard.docx"
    os.link(source, hard)
    for target in (link, hard):
        with pytest.raises(OutputError) as caught:
            write_bytes_atomic(target, b"x", force=True, inputs=[source])
        assert "入力ファイルと同じ" in str(caught.value)
    assert source.read_bytes() == b"input"


def test_missing_parent_directory_names_the_outermost_missing_folder(tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "deeper" / "out.json"
    with pytest.raises(OutputError) as caught:
        write_bytes_atomic(target, b"x")
    assert f"出力先のフォルダー「{tmp_path / 'nowhere'}」がありません" in str(caught.value)
    assert str(caught.value).startswith(f"{target}：")


def test_parent_that_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "memo").write_text("x", encoding="utf-8")
    with pytest.raises(OutputError) as caught:
        write_bytes_atomic(tmp_path / "memo" / "out.json", b"x")
    assert f"出力先の「{tmp_path / 'memo'}」はフォルダーではありません" in str(caught.value)


def test_check_outputs_refuses_two_outputs_that_are_one_file_before_writing(tmp_path: Path) -> None:
    source = tmp_path / "in.docx"
    source.write_bytes(b"input")
    with pytest.raises(OutputError) as caught:
        outputs = [(tmp_path / "out.docx", "-o"), (tmp_path / "." / "out.docx", "--changes")]
        check_outputs(outputs, inputs=[source])
    assert "-o と --changes に同じファイルが指定されています" in str(caught.value)
    assert "入力ファイル" not in str(caught.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.docx"]


def test_check_outputs_names_the_input_reason_first_and_checks_every_output(tmp_path: Path) -> None:
    source = tmp_path / "in.docx"
    source.write_bytes(b"input")
    existing = tmp_path / "changes.json"
    existing.write_bytes(b"old")
    with pytest.raises(OutputError) as caught:
        check_outputs([(tmp_path / "out.docx", "-o"), (source, "--changes")], inputs=[source], force=True)
    assert "入力ファイルと同じ" in str(caught.value) and str(source) in str(caught.value)
    with pytest.raises(OutputError) as caught:
        check_outputs([(tmp_path / "out.docx", "-o"), (existing, "--changes")], inputs=[source])
    assert "force=True" in str(caught.value) and str(existing) in str(caught.value)
    check_outputs([(tmp_path / "out.docx", "-o"), (existing, "--changes")], inputs=[source], force=True)
    assert existing.read_bytes() == b"old" and not (tmp_path / "out.docx").exists()


@pytest.mark.parametrize(
    "number, text",
    [
        (errno.ENOENT, "ありません"),
        (errno.EACCES, "アクセスが許可されていません"),
        (errno.ENOSPC, "空き"),
        (9999, "エラー番号 9999"),
    ],
)
def test_os_errors_are_told_in_japanese(number: int, text: str) -> None:
    told = os_error_text(OSError(number, "English strerror"))
    assert text in told and "English" not in told


def test_failed_write_is_told_in_japanese(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_space(*args: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(safeio.os, "replace", no_space)
    with pytest.raises(OutputError) as caught:
        write_bytes_atomic(tmp_path / "out.json", b"x")
    assert "書き込めませんでした（ディスクの空きがありません）" in str(caught.value)
    assert "No space" not in str(caught.value)


def test_target_is_a_directory(tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(OutputError) as caught:
        write_bytes_atomic(folder, b"x", force=True)
    assert "フォルダーです" in str(caught.value)


def test_failed_write_leaves_no_temp_file_and_old_content(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"old")

    def fail(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(safeio.os, "fsync", fail)
    with pytest.raises(OutputError) as caught:
        write_bytes_atomic(target, b"new", force=True)
    assert "書き込めませんでした" in str(caught.value)
    assert target.read_bytes() == b"old"
    assert leftovers(tmp_path) == []


def test_failed_replace_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "out.json"

    def fail(*args: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(safeio.os, "replace", fail)
    with pytest.raises(OutputError):
        write_bytes_atomic(target, b"new")
    assert not target.exists()
    assert leftovers(tmp_path) == []
    assert list(tmp_path.iterdir()) == []


def test_interrupt_leaves_no_temp_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupt(*args: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(safeio.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        write_bytes_atomic(tmp_path / "out.json", b"new")
    assert list(tmp_path.iterdir()) == []


def test_temp_file_is_hidden_next_to_target(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []
    real_replace = os.replace

    def spy(source: str, destination: Path) -> None:
        seen.append(source)
        real_replace(source, destination)

    monkeypatch.setattr(safeio.os, "replace", spy)
    write_bytes_atomic(tmp_path / "out.json", b"x")
    assert len(seen) == 1
    temp = Path(seen[0])
    assert temp.parent == tmp_path
    assert temp.name.startswith(".out.json.")
    assert temp.name.endswith(".tmp")
