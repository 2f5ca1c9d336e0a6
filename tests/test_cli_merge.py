"""``komae-docx split`` and ``komae-docx merge`` (issue 18) from the command line: exit codes,
Japanese messages, and refusals that write nothing."""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import EXAMPLE, writable_copy
from .filler import type_do
from .test_cli import run


@dataclass(frozen=True)
class Folder:
    path: Path
    copies: list[Path]


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory, example_draft: Path) -> Folder:
    """The example's draft (r6.docx) split by the command into 各課へ/."""
    path = tmp_path_factory.mktemp("cli_merge")
    writable_copy(example_draft, path / "r6.docx")
    done = run("split", "r6.docx", "-o", "各課へ", cwd=path)
    assert done.returncode == 0, done.stderr
    return Folder(path, sorted((path / "各課へ").iterdir()))


def _filled(folder: Folder, department: str, do: str, name: str) -> Path:
    """The department's copy with the shared 重層 4 (3) project's Do typed in (``do``)."""
    return type_do(folder.path / "各課へ" / f"r6_{department}.docx", folder.path / name, do)


def test_split_says_what_it_wrote(folder: Folder) -> None:
    done = run("split", "r6.docx", "-o", "各課へ", "--force", cwd=folder.path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "各課へ に担当課ごとの写しを 8 件書き出しました。"
    assert "  r6_健康推進課.docx（健康推進課：記入欄 3）" in lines
    assert len(folder.copies) == 8


def test_split_refuses_a_file_as_its_folder(folder: Folder) -> None:
    done = run("split", "r6.docx", "-o", "r6.docx", cwd=folder.path)
    assert done.returncode == 2
    assert "フォルダー" in done.stderr and "Traceback" not in done.stderr


def test_merge_writes_the_draft_and_the_log(folder: Folder) -> None:
    health = _filled(folder, "健康推進課", "健康推進課の記入", "health.docx")
    done = run("merge", "r6.docx", health, "-o", "merged.docx", "--changes", "log.md", cwd=folder.path)
    assert done.returncode == 0, done.stderr
    assert "merged.docx にまとめた案を書き出しました。" in done.stdout
    assert "取り込んだ記入 1 件（写し 1 件から）、食い違い 0 件、取り込まなかった変更 0 件。" in done.stdout
    log = (folder.path / "log.md").read_text(encoding="utf-8")
    assert "## 取り込んだ記入（誰が何を）（1 件）" in log
    assert "| 健康推進課 | 健康推進課の記入 |" in log
    as_json = run("merge", "r6.docx", health, "-o", "m2.docx", "--changes", "log.json", cwd=folder.path)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads((folder.path / "log.json").read_text(encoding="utf-8"))
    assert data["filled"][0]["department"] == "健康推進課"
    assert data["filled"][0]["location"]["project"] == "p2-4-(3)"


def test_a_conflict_exits_1_lists_both_sides_and_writes_nothing(folder: Folder) -> None:
    health = _filled(folder, "健康推進課", "健康推進課の文", "a.docx")
    children = _filled(folder, "子ども政策課", "子ども政策課の文", "b.docx")
    done = run(
        "merge", "r6.docx", health, children, "-o", "conflict.docx", "--changes", "c.md", cwd=folder.path
    )
    assert done.returncode == 1
    assert "同じ欄に違う記入をした写しがあり（1 件）、何も書き出しませんでした" in done.stderr
    assert "事業 p2-4-(3)" in done.stderr and "Do欄" in done.stderr
    assert f"{health}（健康推進課）：「健康推進課の文」" in done.stderr
    assert f"{children}（子ども政策課）：「子ども政策課の文」" in done.stderr
    assert not (folder.path / "conflict.docx").exists() and not (folder.path / "c.md").exists()
    preferred = run(
        "merge", "r6.docx", health, children, "-o", "p.docx", "--prefer", children, cwd=folder.path
    )
    assert preferred.returncode == 0, preferred.stderr
    assert f"「{children}」の記入を採りました" in preferred.stderr


def test_prefer_must_be_one_of_the_copies(folder: Folder) -> None:
    done = run("merge", "r6.docx", folder.copies[0], "-o", "x.docx", "--prefer", "r6.docx", cwd=folder.path)
    assert done.returncode == 2
    assert "--prefer のファイルが、まとめる写しの中にありません" in done.stderr


def test_a_copy_of_another_report_is_refused_with_exit_2(folder: Folder) -> None:
    shutil.copyfile(EXAMPLE, folder.path / "r5.docx")
    done = run("merge", "r6.docx", "r5.docx", "-o", "x.docx", cwd=folder.path)
    assert done.returncode == 2
    assert (
        "r5.docx：このファイルは公表済みの報告書（令和5年度）で、この案（令和6年度）の写しではありません"
        in done.stderr
    )
    assert not (folder.path / "x.docx").exists()


def test_merge_refuses_to_write_over_a_copy(folder: Folder) -> None:
    before = folder.copies[0].read_bytes()
    done = run("merge", "r6.docx", folder.copies[0], "-o", folder.copies[0], "--force", cwd=folder.path)
    assert done.returncode == 2
    assert "入力ファイルと同じファイルには書き込めません" in done.stderr
    assert folder.copies[0].read_bytes() == before


def test_help_is_japanese() -> None:
    for command in ("split", "merge"):
        done = run(command, "-h")
        assert done.returncode == 0
        assert "終了コード:" in done.stdout and "例:" in done.stdout
    assert "食い違いがあり、何も書き出さなかった" in run("merge", "-h").stdout
