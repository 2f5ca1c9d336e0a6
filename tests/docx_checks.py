"""Checks on .docx files the tests write: openxml-audit, and LibreOffice page counts."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from komae_docx.layout import libreoffice_env

AUDIT_BASELINE = ("not in stylesWithEffects", "docDefaults differ")
"""openxml-audit's two messages about any python-docx package: tolerated, nothing else is."""


def audit_findings(path: Path) -> list[str]:
    """openxml-audit's findings for ``path`` beyond its two baseline messages."""
    exe = Path(sys.executable).with_name("openxml-audit")
    command = [str(exe)] if exe.exists() else [shutil.which("openxml-audit") or "openxml-audit"]
    done = subprocess.run([*command, "-o", "json", str(path)], capture_output=True, text=True, check=False)
    report = json.loads(done.stdout)[0]
    return [
        finding["description"]
        for finding in report["errors"]
        if not any(base in finding["description"] for base in AUDIT_BASELINE)
    ]


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None or shutil.which("pdfinfo") is None:
        if os.environ.get("CI"):  # .ci/run installs them: a missing LibreOffice there is a defect
            pytest.fail("LibreOffice (soffice) or poppler (pdfinfo) is missing in CI")
        pytest.skip("LibreOffice (soffice) or poppler (pdfinfo) is not installed")
    return exe


def tools_present(*names: str) -> bool:
    """Whether the external tools are on PATH, looked up here and not by the product's own
    ``libreoffice_available()`` / ``previews_available()`` (a broken one must not hide a test).
    In CI a missing tool fails: .ci/run installs them all."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing and os.environ.get("CI"):
        pytest.fail(f"{'、'.join(missing)} is missing in CI")
    return not missing


def pdf_pages(docx: Path, outdir: Path) -> int:
    """Convert ``docx`` with LibreOffice and count the PDF's pages (soffice exits 0 even on failure)."""
    (count,) = pdf_page_counts([docx], outdir)
    return count


def pdf_page_counts(docs: list[Path], outdir: Path) -> list[int]:
    """Page counts of several documents converted by one LibreOffice run (one profile start-up)."""
    assert len({doc.stem for doc in docs}) == len(docs), "the PDFs would overwrite each other"
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"  # one profile per conversion: parallel soffice runs never collide
    subprocess.run(
        [
            soffice(),
            f"-env:UserInstallation={profile.resolve().as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, docs),
        ],
        capture_output=True,
        check=False,
        timeout=600,
        env=libreoffice_env(),  # the package's fonts.conf, as every LibreOffice run of the product
    )
    counts: list[int] = []
    for doc in docs:
        pdf = outdir / (doc.stem + ".pdf")
        assert pdf.is_file(), f"LibreOffice did not convert {doc.name}"
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        match = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
        assert match is not None
        counts.append(int(match.group(1)))
    return counts
