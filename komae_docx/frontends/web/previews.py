"""Page images of a .docx: LibreOffice lays it out (:mod:`komae_docx.layout`), pdftoppm draws it.

One conversion runs at a time (:data:`CONVERSION_LOCK`): a city PC has few cores, and a second
soffice beside the first only makes both slower.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import threading
from pathlib import Path

from ...errors import KomaeDocxError

PREVIEW_DPI = 110
"""An A4 page at 110 dpi is 909 × 1286 pixels: the report's 10.5 pt text stays readable at full size."""

CONVERSION_LOCK = threading.Lock()
PAGE_FILE = re.compile(r"page-(\d+)\.png")


class PreviewError(KomaeDocxError):
    """The page images could not be made (LibreOffice or poppler missing, or the conversion failed)."""


def previews_available() -> bool:
    """LibreOffice for the layout and poppler's pdftoppm for the images."""
    from ...layout import libreoffice_available

    return libreoffice_available() and shutil.which("pdftoppm") is not None


def make_page_images(docx: Path, outdir: Path) -> list[Path]:
    """Draw every page of ``docx`` as ``outdir/page-N.png`` (N from 1) and return them in page order."""
    from ...layout import convert_to_pdf

    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PreviewError("ページの画像には poppler（pdftoppm）が必要です。", docx)
    with CONVERSION_LOCK:
        pdf = convert_to_pdf(docx, outdir)
        done = subprocess.run(
            [pdftoppm, "-png", "-r", str(PREVIEW_DPI), str(pdf), str(outdir / "page")],
            capture_output=True,
            check=False,
            timeout=300,
        )
        pdf.unlink(missing_ok=True)
    if done.returncode != 0:
        raise PreviewError("PDF をページの画像にできませんでした。", docx)
    return page_images(outdir)


def page_images(outdir: Path) -> list[Path]:
    """The page images already made in ``outdir``, renamed ``page-N.png`` (pdftoppm pads N with zeros)."""
    images: list[tuple[int, Path]] = []
    for path in outdir.glob("page-*.png"):
        match = PAGE_FILE.fullmatch(path.name)
        if match is None:
            continue
        number = int(match.group(1))
        plain = path.with_name(f"page-{number}.png")
        if plain != path:
            path.rename(plain)
        images.append((number, plain))
    return [path for _, path in sorted(images)]
