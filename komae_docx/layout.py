"""The LibreOffice adapter: lay a .docx out headless and read back the text of each page.

Why LibreOffice: a .docx stores no page numbers; only a layout engine knows where each sheet
and heading falls.  Word is not available on a server, LibreOffice is, and the city's report
paginates the same in both for the parts we anchor on (explicit page and section breaks).

Every run uses the package's fontconfig file (:func:`libreoffice_env`), so the pages break alike
whatever other fonts the machine has.  Every conversion runs with its own throw-away profile
(``-env:UserInstallation``): parallel soffice runs sharing the user's profile block or fail
silently.  soffice exits 0 even when it wrote nothing, so success is judged by the PDF on disk,
never by the exit code.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import LayoutError

CONVERT_TIMEOUT_SECONDS = 300.0
"""A 40-page report converts in 5-15 s; a hung soffice must not hang the caller."""

FONTS_CONF = Path(__file__).with_name("fonts") / "fonts.conf"
"""The package's fontconfig file: the city's fonts (ＭＳ 明朝, ＭＳ ゴシック, Century …) fall back to the
metric-compatible IPAex fonts before any other, so pages break the same on every machine."""


def libreoffice_env() -> dict[str, str]:
    """The environment every LibreOffice run gets: this one's, with ``FONTCONFIG_FILE`` set to
    :data:`FONTS_CONF` (which includes the system's configuration, so all other fonts still work).

    Without it, a machine with more CJK fonts than the IPAex ones (fonts-noto-cjk, say) lays the
    report out in those, and finalize's page numbers and ``check --layout`` depend on what happens
    to be installed.
    """
    env = dict(os.environ)
    if FONTS_CONF.is_file():
        env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


def soffice_executable() -> str | None:
    """The LibreOffice command (``soffice`` or ``libreoffice``), or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_available() -> bool:
    """True when both LibreOffice and poppler's ``pdftotext`` are installed."""
    return soffice_executable() is not None and shutil.which("pdftotext") is not None


def convert_to_pdf(
    docx: Path, outdir: Path, *, timeout: float = CONVERT_TIMEOUT_SECONDS, convert_to: str = "pdf"
) -> Path:
    """Convert ``docx`` to ``outdir/<stem>.pdf`` with headless LibreOffice and return that path.

    ``convert_to`` is what ``--convert-to`` gets: ``pdf``, or ``pdf:writer_pdf_Export:{…}`` with the
    export filter's options (the tagged export of :mod:`komae_docx.website.pdfexport`).
    The conversion writes into a fresh directory first, so a stale PDF of the same name in
    ``outdir`` can never pass for a successful conversion; ``docx`` itself is only read.
    """
    exe = soffice_executable()
    if exe is None:
        raise LayoutError("LibreOffice（soffice）が見つかりません。インストールしてください", docx)
    docx = Path(docx)
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="komae-lo-") as work:
        staging = Path(work) / "out"
        profile = Path(work) / "profile"
        command = [
            exe,
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            convert_to,
            "--outdir",
            str(staging),
            str(docx.resolve()),
        ]
        try:
            subprocess.run(command, capture_output=True, check=False, timeout=timeout, env=libreoffice_env())
        except subprocess.TimeoutExpired as error:
            message = f"LibreOffice が {timeout:g} 秒以内に PDF に変換できませんでした"
            raise LayoutError(message, docx) from error
        produced = staging / (docx.stem + ".pdf")
        if not produced.is_file() or produced.stat().st_size == 0:
            message = "LibreOffice が PDF を作れませんでした（文書を開けなかった可能性があります）"
            raise LayoutError(message, docx)
        target = outdir / produced.name
        shutil.move(str(produced), str(target))
    return target


def pdf_page_texts(pdf: Path, *, layout: bool = True) -> list[str]:
    """The text of each page of ``pdf`` (index 0 = page 1), by poppler's ``pdftotext``.

    ``layout=True`` (``-layout``) keeps each printed line a line: the footer's page number stays
    the page's last line and a heading its own line, which :mod:`komae_docx.pagemap` relies on.
    ``layout=False`` gives reading order instead (a table cell's lines together).
    pdftotext ends every page with a form feed, so splitting on it gives one text per page.
    """
    exe = shutil.which("pdftotext")
    if exe is None:
        raise LayoutError("pdftotext（poppler-utils）が見つかりません。インストールしてください", pdf)
    done = subprocess.run(
        [exe, *(["-layout"] if layout else []), "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        check=False,
        timeout=120,
        env={**os.environ, "LC_ALL": "C.UTF-8"},
    )
    if done.returncode != 0:
        raise LayoutError("PDF から文字を取り出せませんでした", pdf)
    pages = done.stdout.decode("utf-8", errors="replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return pages
