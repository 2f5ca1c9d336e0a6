"""Uploads and outputs in one temporary folder: a job folder per upload, kept until removed.

Each upload gets its own folder named by a random id (``secrets``), so concurrent uploads never
share a path and no one can guess another's.  The uploaded file keeps its own name (made safe) so
that messages name the file the user chose.  A job's outputs, page images and result screen stay
until the user removes the job (the 「削除」 button) or the server stops (:meth:`JobStore.close`
deletes everything): a download, a second download, the browser's Back button and a preview all
find the job as it was left.
"""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JOB_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22}")
UNSAFE_NAME_CHARACTERS = re.compile(r'[\\/:*?"<>|]')
"""Characters Windows forbids in file names, and both path separators."""

MAX_NAME_BYTES = 150
"""File systems allow 255 bytes per name; outputs add a suffix such as ``_翌年度案`` to the name."""


def safe_file_name(name: str | None, default: str = "報告書.docx") -> str:
    """The last component of a browser's file name, without control or forbidden characters.

    Browsers send ``C:\\fakepath\\x.docx`` or ``x.docx``; a hostile client may send ``../../x`` or
    control characters.  The result never leaves the job folder.
    """
    base = re.split(r"[\\/]", name or "")[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch)[0] != "C")
    cleaned = UNSAFE_NAME_CHARACTERS.sub("_", cleaned).strip(" .")
    if not cleaned:
        return default
    stem, dot, suffix = cleaned.rpartition(".")
    if not (dot and stem and len(suffix) <= 10):
        stem, suffix = cleaned, ""
    ending = "." + suffix if suffix else ""
    return _cut_to_bytes(stem, MAX_NAME_BYTES - len(ending.encode())) + ending


def _cut_to_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` whose UTF-8 form fits in ``limit`` bytes."""
    while len(text.encode()) > limit:
        text = text[:-1]
    return text


@dataclass
class Job:
    """One upload's folder, the files offered for download (stored name → name the user sees) and
    the screens made for it (name → template and context), shown again on every GET."""

    id: str
    folder: Path
    source_name: str
    screen: str = ""
    """The screen the file was uploaded on (``draft``, ``status``, ``finalize``)."""
    downloads: dict[str, str] = field(default_factory=dict)
    views: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)

    @property
    def upload(self) -> Path:
        return self.folder / "in" / self.source_name

    def output(self, stored_name: str) -> Path:
        return self.folder / "out" / stored_name

    def offer(self, path: Path, download_name: str) -> str:
        """Offer ``path`` (in this job's ``out`` folder) for download; returns its stored name."""
        self.downloads[path.name] = download_name
        return path.name


class JobStore:
    """All jobs under one temporary root folder."""

    def __init__(self, parent: Path | None = None) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="komae-docx-web-", dir=parent))
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def new(self, source_name: str | None, screen: str = "") -> Job:
        job_id = secrets.token_urlsafe(16)
        folder = self.root / job_id
        (folder / "in").mkdir(parents=True, mode=0o700)
        (folder / "out").mkdir(mode=0o700)
        job = Job(job_id, folder, safe_file_name(source_name), screen)
        with self._lock:
            self._jobs[job_id] = job
        return job

    def get(self, job_id: str) -> Job | None:
        if not JOB_ID_PATTERN.fullmatch(job_id):
            return None
        with self._lock:
            return self._jobs.get(job_id)

    def download_path(self, job: Job, stored_name: str) -> Path | None:
        """The file behind a download link, or None when it is unknown or already gone."""
        if stored_name not in job.downloads:
            return None
        path = job.output(stored_name)
        return path if path.is_file() else None

    def remove(self, job: Job) -> None:
        with self._lock:
            self._jobs.pop(job.id, None)
        shutil.rmtree(job.folder, ignore_errors=True)

    def close(self) -> None:
        """Delete every upload and output (the server stops)."""
        with self._lock:
            self._jobs.clear()
        shutil.rmtree(self.root, ignore_errors=True)
