"""Issue 27: the copies as staff have them on Windows, locked outputs, Windows paths.

* ``merge`` (command line, API and page) takes a folder of copies or a wildcard the shell did not
  expand (cmd.exe passes ``写し\\*.docx`` as typed); Word's owner file (``~$…``) and LibreOffice's
  lock file (``.~lock.…#``) beside a copy still open are skipped, each named in one line.
* An output another program holds (Word locks an open file on Windows: PermissionError, WinError
  32) is refused with 「…は Word などで開かれています。閉じてからもう一度実行してください」, exit 2,
  nothing written and no temporary file left.  Windows is not here, so the lock is simulated.
* Windows names (drive letters, backslashes, Japanese folder names with spaces, long paths) where
  the code builds paths, through :class:`pathlib.PureWindowsPath`.
"""

from __future__ import annotations

import shutil
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath
from typing import Any
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient

from komae_docx import api, filelists, safeio
from komae_docx.errors import InputFileError, OutputError
from komae_docx.frontends.cli import main
from komae_docx.frontends.web import create_app

from .conftest import EXAMPLE
from .filler import fill_draft, last_years_fill
from .test_cli import run
from .test_web import DOCX_TYPE, LOCAL, download_links

HEALTH_DO = "妊婦面談を全員に行った。"
OWNER = "~$_健康推進課.docx"
"""Word's owner file for r6_健康推進課.docx: the name's length kept, its first two characters ~$."""
SKIPPED_LINE = (
    "警告：「~$_健康推進課.docx」を飛ばしました。写し「r6_健康推進課.docx」がまだだれかの PC の Word で"
    "開かれています。まとめには保存済みのファイルを使いました"
)
HELD_OPEN = "このファイルは Word などで開かれています。閉じてからもう一度実行してください"


@dataclass(frozen=True)
class Office:
    """A folder as the 福祉政策課 has it: the draft, and the copies that came back (健康推進課's
    filled in and still open in Word, so its owner file sits beside it)."""

    path: Path
    draft: Path
    copies: Path


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Office:
    root = tmp_path_factory.mktemp("windows")
    draft = api.draft(EXAMPLE, root / "r6.docx").value.path
    copies = root / "戻った 写し"
    made = api.split(draft, copies).value.copies
    assert len(made) == 8
    health = copies / "r6_健康推進課.docx"
    fill = last_years_fill(api.read(EXAMPLE).value, api.read(health).value, departments=[])
    fill.entries[("plan2", "p2-4-(3)")] = [([HEALTH_DO], [])]
    typed = fill_draft(health, root / "typed.docx", fill)
    shutil.move(typed, health)
    (copies / OWNER).write_bytes(b"\x0bsomeone's name, as Word writes it")
    return Office(root, draft, copies)


# --------------------------------------------------------------------------- merge: folders, patterns


@pytest.mark.parametrize("copies", ["戻った 写し", "戻った 写し/*.docx"], ids=["folder", "pattern"])
def test_merge_takes_the_folder_or_the_pattern_and_names_the_owner_file(office: Office, copies: str) -> None:
    out = f"まとめ_{'folder' if '*' not in copies else 'pattern'}.docx"
    done = run("merge", "r6.docx", copies, "-o", out, "--changes", out + ".md", cwd=office.path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [SKIPPED_LINE]
    assert f"{out} にまとめた案を書き出しました。" in done.stdout
    assert "取り込んだ記入 1 件（写し 8 件から）、食い違い 0 件、取り込まなかった変更 0 件。" in done.stdout
    log = (office.path / (out + ".md")).read_text(encoding="utf-8")
    assert f"| 健康推進課 | {HEALTH_DO} |" in log
    with zipfile.ZipFile(office.path / out) as merged:
        assert HEALTH_DO in merged.read("word/document.xml").decode("utf-8")


def test_an_owner_file_the_shell_expanded_is_skipped_too(office: Office) -> None:
    """bash expands 写し/*.docx to every name, ~$ files included (they are hidden only on Windows)."""
    names = sorted(p.name for p in office.copies.iterdir())
    assert OWNER in names
    given = [f"戻った 写し/{name}" for name in names]
    done = run("merge", "r6.docx", *given, "-o", "expanded.docx", cwd=office.path)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [SKIPPED_LINE]
    assert "（写し 8 件から）" in done.stdout


def test_api_merge_takes_a_folder_and_says_what_it_skipped(office: Office, tmp_path: Path) -> None:
    result = api.merge(office.draft, [office.copies], tmp_path / "merged.docx")
    assert result.value.path == tmp_path / "merged.docx"
    assert [cell.department for cell in result.value.filled] == ["健康推進課"]
    skipped = [m for m in result.messages if m.code == "files.open_elsewhere"]
    assert [m.text for m in skipped] == [SKIPPED_LINE.removeprefix("警告：")]


def test_a_libreoffice_lock_file_and_a_doc_are_named(office: Office, tmp_path: Path) -> None:
    folder = tmp_path / "写し"
    shutil.copytree(office.copies, folder)
    (folder / ".~lock.r6_児童育成課.docx#").write_text(
        ",職員,PC01,07.12.2026 10:00,file:///", encoding="utf-8"
    )
    (folder / "r6_地域活性課（古い形式）.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    (folder / "desktop.ini").write_text("[.ShellClassInfo]", encoding="utf-8")
    result = filelists.documents([folder])
    assert [p.name for p in result.value] == sorted(
        p.name for p in office.copies.iterdir() if p.name != OWNER
    )
    assert [m.text for m in result.messages] == [
        "「.~lock.r6_児童育成課.docx#」を飛ばしました。写し「r6_児童育成課.docx」がまだだれかの PC の "
        "LibreOffice で開かれています。まとめには保存済みのファイルを使いました",
        "「r6_地域活性課（古い形式）.doc」は Word 文書(.docx)ではないため、まとめに入れていません。"
        ".docx で保存し直してください",
        "「~$_健康推進課.docx」を飛ばしました。写し「r6_健康推進課.docx」がまだだれかの PC の Word で"
        "開かれています。まとめには保存済みのファイルを使いました",
    ]


def test_a_pattern_reports_the_lock_files_of_the_documents_it_matches(office: Office, tmp_path: Path) -> None:
    folder = tmp_path / "写し"
    shutil.copytree(office.copies, folder)
    (folder / ".~lock.r6_児童育成課.docx#").write_text("lock", encoding="utf-8")
    result = filelists.documents([f"{folder}/r6_*.docx"])
    assert len(result.value) == 8
    assert [m.text.split("」")[0] for m in result.messages] == [
        "「.~lock.r6_児童育成課.docx#",
        "「~$_健康推進課.docx",
    ]


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("空の フォルダー", "空の フォルダー：このフォルダーには Word 文書(.docx)がありません"),
        ("戻った 写し/*.doc", "戻った 写し/*.doc：当てはまるファイルがありません"),
        (
            "ない フォルダー/*.docx",
            "ない フォルダー/*.docx：当てはまるファイルがありません"
            "（フォルダー「ない フォルダー」がありません）",
        ),
        (
            f"戻った 写し/{OWNER}",
            f"戻った 写し/{OWNER}：まとめる写しがありません（どの写しもまだ Word などで開かれています）",
        ),
    ],
)
def test_nothing_to_merge_is_refused_with_the_reason(office: Office, given: str, message: str) -> None:
    (office.path / "空の フォルダー").mkdir(exist_ok=True)
    done = run("merge", "r6.docx", given, "-o", "none.docx", cwd=office.path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1].startswith(f"エラー：{message}")
    assert "Traceback" not in done.stderr
    assert not (office.path / "none.docx").exists()


def test_a_file_whose_name_looks_like_a_pattern_is_the_file(tmp_path: Path) -> None:
    """「写し[最終].docx」 exists: it is that file, not a pattern matching 写し最.docx."""
    odd = tmp_path / "写し[最終].docx"
    odd.write_bytes(b"x")
    assert filelists.documents([odd]).value == [odd]


# --------------------------------------------------------------------------- owner files, Windows names


@pytest.mark.parametrize(
    ("owner", "document"),
    [
        ("~$_draft_福祉政策課.docx", "r6_draft_福祉政策課.docx"),  # 8 characters or more: two replaced
        ("~$部資料.docx", "a部資料.docx"),  # 7 characters: the first one replaced
        ("~$写し.docx", "写し.docx"),  # 6 or fewer: ~$ in front
        ("~$知らない.docx", None),
    ],
)
def test_an_owner_file_names_its_document(owner: str, document: str | None) -> None:
    names = ["r6_draft_福祉政策課.docx", "a部資料.docx", "写し.docx", "r6_draft_健康推進課.docx", owner]
    assert filelists.open_document(owner, names) == document


@pytest.mark.parametrize(
    ("given", "folder"),
    [
        (
            r"C:\Users\福祉 太郎\Documents\令和6年度 進捗管理\戻った 写し\*.docx",
            r"C:\Users\福祉 太郎\Documents\令和6年度 進捗管理\戻った 写し",
        ),
        (r"戻った 写し\r6_*.docx", "戻った 写し"),
        (r"\\fileserver\福祉政策課\令和6年度\写し\*.docx", r"\\fileserver\福祉政策課\令和6年度\写し"),
        (
            "\\\\?\\D:\\"
            + "\\".join(["令和6年度 地域福祉計画 進捗管理報告書の作業用フォルダー"] * 8)
            + "\\*.docx",
            "\\\\?\\D:\\" + "\\".join(["令和6年度 地域福祉計画 進捗管理報告書の作業用フォルダー"] * 8),
        ),
    ],
    ids=["drive", "relative", "unc", "long"],
)
def test_a_cmd_pattern_splits_into_its_folder_and_file_pattern(given: str, folder: str) -> None:
    parts = filelists.pattern_parts(given, PureWindowsPath)
    assert parts == (PureWindowsPath(folder), PureWindowsPath(given).name)
    assert parts is not None and parts[1].endswith(".docx") and "\\" not in parts[1]


def test_wildcards_in_a_folder_name_are_not_split() -> None:
    assert filelists.pattern_parts(r"C:\写し*\a.docx", PureWindowsPath) is None
    assert filelists.pattern_parts(r"C:\写し\a.docx", PureWindowsPath) is None


def test_a_long_japanese_folder_with_spaces_is_taken(office: Office, tmp_path: Path) -> None:
    """A deep folder of long Japanese names with spaces (over Windows' old 260-character limit)."""
    deep = tmp_path.joinpath(*["令和6年度 進捗管理報告書 作業用 フォルダー"] * 10)
    deep.mkdir(parents=True)
    shutil.copy(office.copies / "r6_健康推進課.docx", deep)
    assert len(str(deep)) > 260
    result = api.merge(office.draft, [deep], deep / "まとめ 令和6年度.docx")
    assert result.value.path is not None and result.value.path.exists()
    assert [cell.text for cell in result.value.filled] == [HEALTH_DO]


# --------------------------------------------------------------------------- locked outputs


def sharing_violation(path: Any) -> PermissionError:
    """What Windows raises when Word holds ``path``: PermissionError with WinError 32."""
    error = PermissionError(13, "The process cannot access the file because it is being used", str(path))
    error.winerror = 32  # type: ignore[attr-defined]
    return error


@pytest.fixture
def held(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """Make ``os.replace`` onto a file of the given name fail as it does while Word holds it."""

    def hold(name: str) -> None:
        real = safeio.os.replace

        def replace(source: Any, target: Any) -> None:
            if Path(target).name == name:
                raise sharing_violation(target)
            real(source, target)

        monkeypatch.setattr(safeio.os, "replace", replace)

    return hold


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def run_in_process(capsys: pytest.CaptureFixture[str], cwd: Path, *args: str) -> tuple[int, str, str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(cwd)
        code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_merge_onto_an_output_open_in_word_exits_2_and_leaves_nothing(
    office: Office, tmp_path: Path, held: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(office.draft, tmp_path / "r6.docx")
    shutil.copytree(office.copies, tmp_path / "写し")
    before = sorted(p.name for p in tmp_path.iterdir())
    held("まとめ.docx")
    code, _, err = run_in_process(capsys, tmp_path, "merge", "r6.docx", "写し", "-o", "まとめ.docx")
    assert code == 2
    assert err.splitlines()[-1] == f"エラー：まとめ.docx：{HELD_OPEN}。どのファイルも書き出していません"
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert leftovers(tmp_path) == []


def test_draft_with_its_change_list_open_in_word_writes_neither(
    tmp_path: Path, held: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    held("変更.md")
    code, _, err = run_in_process(
        capsys, tmp_path, "draft", str(EXAMPLE), "-o", "r6 案.docx", "--changes", "変更.md"
    )
    assert code == 2
    assert err.splitlines()[-1] == f"エラー：変更.md：{HELD_OPEN}。どのファイルも書き出していません"
    assert list(tmp_path.iterdir()) == []


def test_split_with_one_copy_open_in_word_writes_no_copy(
    office: Office, tmp_path: Path, held: Callable[[str], None], capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(office.draft, tmp_path / "r6.docx")
    held("r6_福祉相談課.docx")
    code, _, err = run_in_process(capsys, tmp_path, "split", "r6.docx", "-o", "各課へ")
    assert code == 2
    assert (
        err.splitlines()[-1]
        == f"エラー：各課へ/r6_福祉相談課.docx：{HELD_OPEN}。どのファイルも書き出していません"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r6.docx"]


def test_force_over_an_output_open_in_word_is_refused_before_any_work(
    office: Office, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """On Windows the lock is seen before the merge is done: opening the old output for writing
    fails with WinError 32 while Word has it."""
    shutil.copy(office.draft, tmp_path / "r6.docx")
    (tmp_path / "まとめ.docx").write_bytes(b"last run's output, open in Word")
    monkeypatch.setattr(safeio, "_ON_WINDOWS", True)

    def open_for_writing(path: Path) -> None:
        if path.name == "まとめ.docx":
            raise sharing_violation(path)

    monkeypatch.setattr(safeio, "_open_for_writing", open_for_writing)
    copy = str(office.copies / "r6_健康推進課.docx")
    code, _, err = run_in_process(capsys, tmp_path, "merge", "r6.docx", copy, "-o", "まとめ.docx", "--force")
    assert code == 2
    assert err.splitlines()[-1] == f"エラー：まとめ.docx：{HELD_OPEN}"
    assert (tmp_path / "まとめ.docx").read_bytes() == b"last run's output, open in Word"
    assert leftovers(tmp_path) == []


def test_a_plain_permission_error_is_not_called_open_in_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Off Windows, a refused replace is a permission problem, and says so."""

    def replace(source: Any, target: Any) -> None:
        raise PermissionError(13, "Permission denied", str(target))

    monkeypatch.setattr(safeio.os, "replace", replace)
    with pytest.raises(OutputError) as refused:
        safeio.write_text_atomic(tmp_path / "out.md", "本文")
    assert refused.value.message == "書き込めませんでした（アクセスが許可されていません）"
    assert leftovers(tmp_path) == []


def test_the_api_raises_the_same_refusal(office: Office, tmp_path: Path, held: Callable[[str], None]) -> None:
    held("merged.docx")
    with pytest.raises(OutputError) as refused:
        api.merge(office.draft, [office.copies], tmp_path / "merged.docx")
    assert refused.value.message == f"{HELD_OPEN}。どのファイルも書き出していません"
    assert refused.value.exit_code == 2
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- the page


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(tmp_path), base_url=LOCAL) as test_client:
        yield test_client


def test_the_page_takes_a_folder_and_skips_the_owner_file(client: TestClient, office: Office) -> None:
    """A folder chosen in the browser comes as its files, named with the folder (Chromium's
    ``webkitdirectory``); the draft as a Windows path (what old browsers send)."""
    page = client.get("/merge")
    assert '<input id="copies-folder" name="copies" type="file" webkitdirectory multiple>' in page.text
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    draft_name = r"C:\Users\福祉 太郎\Documents\令和6年度 進捗管理\r6 案.docx"
    files = [("file", (draft_name, office.draft.read_bytes(), DOCX_TYPE))]
    for path in sorted(office.copies.iterdir()):
        files.append(("copies", (f"戻った 写し/{path.name}", path.read_bytes(), DOCX_TYPE)))
    files.append(("copies", ("戻った 写し/desktop.ini", b"[.ShellClassInfo]", "text/plain")))
    sent = client.post("/merge", data={"csrf_token": token}, files=files, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    html = client.get(sent.headers["location"]).text
    assert "「r6 案.docx」に写し 8 件の記入をまとめました" in html
    assert SKIPPED_LINE.removeprefix("警告：") in html
    link = download_links(html)[0]
    got = client.get(link)
    assert got.headers["content-disposition"] == f"attachment; filename*=utf-8''{quote('r6 案_まとめ.docx')}"


def test_the_page_refuses_copies_that_are_all_still_open(client: TestClient, office: Office) -> None:
    token = client.app.state.csrf_token  # type: ignore[attr-defined]
    files = [
        ("file", ("r6.docx", office.draft.read_bytes(), DOCX_TYPE)),
        ("copies", (f"写し/{OWNER}", b"owner", DOCX_TYPE)),
    ]
    sent = client.post("/merge", data={"csrf_token": token}, files=files, follow_redirects=False)
    assert sent.status_code == 400
    assert "まとめられる写しがありません。「~$_健康推進課.docx」を飛ばしました。" in sent.text


def test_refusals_name_the_missing_copy_as_typed() -> None:
    with pytest.raises(InputFileError) as refused:
        filelists.documents([r"Z:\福祉政策課\戻った 写し\*.docx"])
    assert str(refused.value).startswith(r"Z:\福祉政策課\戻った 写し\*.docx：当てはまるファイルがありません")
