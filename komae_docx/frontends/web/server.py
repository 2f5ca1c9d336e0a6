"""``komae-docx serve``: the local page on 127.0.0.1, in the browser, until Ctrl+C.

The socket is bound here, before uvicorn starts, so that the address printed is the one served
(port 0 asks the system for a free port) and a taken ``--port`` is a Japanese message, not a
traceback.  Uploads and outputs live in one temporary folder, deleted when the server stops.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import sys
import tempfile
import threading
import time
import webbrowser
from pathlib import Path

from ...errors import KomaeDocxError

HOST = "127.0.0.1"
"""Loopback only: the page is never reachable from another PC."""

FOLDER_PREFIX = "komae-docx-serve-"
LEFTOVER_AGE_SECONDS = 24 * 60 * 60
"""A serve folder untouched this long was left by a server that could not clean up (its window was
closed on Windows, the PC was switched off): the next start deletes it."""


class ServeError(KomaeDocxError):
    """The local page cannot start (the port is taken or not allowed)."""


def bind_socket(port: int | None) -> socket.socket:
    """A listening socket on 127.0.0.1, on ``port`` or a free port the system chooses."""
    if port is not None and not 0 <= port <= 65535:
        raise ServeError(f"ポート番号 {port} は使えません（0～65535）。")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        if sys.platform != "win32":  # on Windows this flag would let two servers share a port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((HOST, port or 0))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise ServeError(
            f"ポート {port} は使えません（ほかのプログラムが使っているようです）。"
            "--port を付けずに起動すると、空いているポートを使います。"
        ) from error
    return sock


def run(port: int | None = None, open_browser: bool = True) -> int:
    """Serve the page until Ctrl+C; 0 after a clean stop.  Raises :class:`ServeError` for a taken port."""
    import uvicorn

    from .app import create_app

    sock = bind_socket(port)
    remove_leftover_folders(Path(tempfile.gettempdir()))
    workdir = Path(tempfile.mkdtemp(prefix=FOLDER_PREFIX))
    try:
        url = f"http://{HOST}:{sock.getsockname()[1]}/"
        server = uvicorn.Server(
            uvicorn.Config(create_app(workdir), log_level="warning", access_log=False, lifespan="on")
        )
        print(f"進捗管理報告書ツールのページ：{url}", flush=True)
        print("ブラウザでこのアドレスを開いてください。終えるときは Ctrl+C を押します。", flush=True)
        if open_browser:
            threading.Thread(target=_open_when_started, args=(server, url), daemon=True).start()
        with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises Ctrl+C after its clean shutdown
            server.run(sockets=[sock])
    finally:
        sock.close()
        shutil.rmtree(workdir, ignore_errors=True)
    print("終了しました。一時フォルダのファイルは消しました。", flush=True)
    return 0


def remove_leftover_folders(temp: Path, now: float | None = None) -> None:
    """Delete serve folders older than :data:`LEFTOVER_AGE_SECONDS` in ``temp``."""
    now = time.time() if now is None else now
    for folder in temp.glob(FOLDER_PREFIX + "*"):
        with contextlib.suppress(OSError):
            if folder.is_dir() and now - folder.stat().st_mtime > LEFTOVER_AGE_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)


def _open_when_started(server: object, url: str, wait_seconds: float = 30.0) -> None:
    deadline = time.monotonic() + wait_seconds
    while not getattr(server, "started", False):
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)
    webbrowser.open(url)
