"""The local page: a Starlette app over :mod:`komae_docx.api`, nothing else.

Screens (each a plain HTML form; JavaScript only disables a button while a file uploads):

* ``/draft``    翌年度の案を作る: summary, check findings, the draft and its change log.
* ``/status``   記入状況を見る: per department what is still empty, and the grades so far.
* ``/finalize`` 報告書を仕上げる: the grades and both 評価総括表, then the finished or interim report.
* ``/preview``  page images of an output (LibreOffice), when it is installed.

Every job runs in its own temporary folder (:mod:`.jobs`) in a worker thread, so the server keeps
answering while a report is read.  Errors the API raises (:class:`KomaeDocxError`, Japanese) become
a 400 page with that message; anything else becomes a 500 page without a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ... import api
from ...errors import KomaeDocxError
from . import views
from .guards import (
    MAX_UPLOAD_BYTES,
    HostCheck,
    SecurityHeaders,
    UploadLimit,
    csrf_token_valid,
    origin_allowed,
)
from .jobs import Job, JobStore
from .previews import make_page_images, page_images, previews_available

HERE = Path(__file__).resolve().parent
LOG = logging.getLogger("komae_docx.web")

RETRY = "ページを開き直して、もう一度お試しください。"
CHOOSE_REPORT = "報告書の .docx ファイルを選んでください。"
NUMBER_ITEM = "incomplete.number"
"""The one item the finalize form itself settles: the 刊行物番号 typed into its number field."""
HTTP_MESSAGES = {
    400: f"送られたフォームを読み取れませんでした。{RETRY}",
    403: f"このフォームは受け付けられません。{RETRY}",
    404: "お探しのページやファイルはありません。ダウンロード済みのファイルは一時フォルダから消えています。"
    "もう一度アップロードしてください。",
    405: "この操作はこのページではできません。",
}


def create_app(workdir: Path | None = None, *, max_upload_bytes: int = MAX_UPLOAD_BYTES) -> Starlette:
    """The page as an ASGI app; uploads and outputs live in a new folder under ``workdir``
    (the system's temporary folder by default), deleted when the app shuts down."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, undefined=jinja2.StrictUndefined
    )
    store = JobStore(workdir)
    pages = Pages(env, store, secrets.token_urlsafe(32))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            store.close()

    app = Starlette(
        routes=pages.routes(),
        middleware=[
            Middleware(SecurityHeaders),
            Middleware(HostCheck, error_page=pages.error),
            Middleware(UploadLimit, error_page=pages.error, max_bytes=max_upload_bytes),
        ],
        exception_handlers={HTTPException: pages.http_error, Exception: pages.unexpected_error},
        lifespan=lifespan,
    )
    app.state.store = store
    app.state.csrf_token = pages.csrf_token
    return app


class BadUpload(Exception):
    """A form without a usable file, a bad CSRF token or a foreign origin: a Japanese 4xx page."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class Pages:
    """The routes, sharing the templates, the job store and this server's CSRF token."""

    def __init__(self, env: jinja2.Environment, store: JobStore, csrf_token: str) -> None:
        self.env = env
        self.store = store
        self.csrf_token = csrf_token

    def routes(self) -> list[Route | Mount]:
        return [
            Route("/", self.home),
            Route("/draft", self.draft_form, methods=["GET"]),
            Route("/draft", self.draft_submit, methods=["POST"]),
            Route("/status", self.status_form, methods=["GET"]),
            Route("/status", self.status_submit, methods=["POST"]),
            Route("/finalize", self.finalize_form, methods=["GET"]),
            Route("/finalize", self.finalize_submit, methods=["POST"]),
            Route("/finalize/{job_id}", self.finalize_make, methods=["POST"]),
            Route("/download/{job_id}/{name}", self.download, methods=["GET"]),
            Route("/preview/{job_id}/{name}", self.preview_make, methods=["POST"]),
            Route("/preview/{job_id}/{name}", self.preview_show, methods=["GET"]),
            Route("/pages/{job_id}/{name}/{number:int}", self.page_image, methods=["GET"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]

    # ------------------------------------------------------------------ rendering

    def render(self, template: str, status: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("csrf_token", self.csrf_token)
        context.setdefault("max_upload_mb", MAX_UPLOAD_BYTES // (1024 * 1024))
        return HTMLResponse(self.env.get_template(template).render(**context), status_code=status)

    def error(self, status: int, message: str) -> HTMLResponse:
        return self.render("error.html", status, message=message, status_code=status)

    async def http_error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return self.error(status, HTTP_MESSAGES.get(status, HTTP_MESSAGES[400]))

    async def unexpected_error(self, request: Request, exc: Exception) -> Response:
        LOG.error("unexpected error on %s", request.url.path, exc_info=exc)
        name = type(exc).__name__
        return self.error(500, f"予期しない問題が発生しました（{name}）。{RETRY}")

    # ------------------------------------------------------------------ forms

    async def home(self, request: Request) -> Response:
        return self.render("home.html")

    async def draft_form(self, request: Request) -> Response:
        return self.render("draft.html")

    async def status_form(self, request: Request) -> Response:
        return self.render("status.html")

    async def finalize_form(self, request: Request) -> Response:
        return self.render("finalize.html")

    async def accept_upload(self, request: Request) -> tuple[Job, FormData]:
        """Check origin and CSRF token, then copy the uploaded file into a new job folder."""
        form = await self.checked_form(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            raise BadUpload(400, f"ファイルが選ばれていません。{CHOOSE_REPORT}")
        job = self.store.new(upload.filename)
        await run_in_threadpool(_copy_upload, upload, job.upload)
        await upload.close()
        if job.upload.stat().st_size == 0:
            self.store.remove(job)
            raise BadUpload(400, f"{job.source_name}：ファイルが空です。{CHOOSE_REPORT}")
        return job, form

    async def checked_form(self, request: Request) -> FormData:
        if not origin_allowed(request.headers.get("origin")):
            raise BadUpload(403, HTTP_MESSAGES[403])
        form = await request.form(max_files=1, max_fields=10)
        if not csrf_token_valid(self.csrf_token, form.get("csrf_token")):
            raise BadUpload(403, f"フォームの確認用の値が正しくありません。{RETRY}")
        return form

    async def run_job(self, job: Job, work: Callable[[], Response], *, keep_job: bool = False) -> Response:
        """Run ``work`` in a worker thread; a refused input becomes a 400 page (and its job is dropped
        unless ``keep_job``: the user may correct a form field and send it again)."""
        try:
            return await run_in_threadpool(work)
        except KomaeDocxError as error:
            if not keep_job:
                self.store.remove(job)
            return self.error(400, self.without_folders(str(error)))

    def without_folders(self, message: str) -> str:
        """The message naming files as the user knows them: the temporary folders are cut out."""
        root = re.escape(str(self.store.root))
        return re.sub(rf"{root}[/\\][^/\\]+[/\\](?:in|out|pages)[/\\]", "", message)

    async def guarded(self, request: Request, handler: Callable[[Request], Any]) -> Response:
        try:
            response: Response = await handler(request)
            return response
        except BadUpload as refused:
            return self.error(refused.status, refused.message)

    # ------------------------------------------------------------------ 翌年度の案を作る

    async def draft_submit(self, request: Request) -> Response:
        return await self.guarded(request, self._draft_submit)

    async def _draft_submit(self, request: Request) -> Response:
        job, form = await self.accept_upload(request)
        carry_text = form.get("carry_text") == "on"
        return await self.run_job(job, lambda: self.make_draft(job, carry_text))

    def make_draft(self, job: Job, carry_text: bool) -> Response:
        read = api.read(job.upload)
        findings = api.check(read).value
        grades = api.grade(read).value
        stem = Path(job.source_name).stem
        made = api.draft(job.upload, job.output(f"{stem}_翌年度案.docx"), carry_text=carry_text).value
        changes = views.change_lines(made.changes)
        log = job.output(f"{stem}_変更一覧.txt")
        log.write_bytes(("\ufeff" + views.change_log_text(job.source_name, made.changes)).encode("utf-8"))
        job.upload.unlink()
        job.offer(made.path, made.path.name)
        job.offer(log, log.name)
        report = read.value
        return self.render(
            "draft_result.html",
            job=job,
            source_name=job.source_name,
            fiscal_year=report.fiscal_year.text,
            publication=report.publication.number,
            plans=views.report_plans(report, grades),
            warnings=views.message_rows(read.messages),
            findings=views.message_rows(findings),
            error_count=sum(1 for f in findings if f.severity == "error"),
            changes=changes,
            draft_link=self.link(job, made.path.name),
            log_link=self.link(job, log.name),
            previews=previews_available(),
        )

    # ------------------------------------------------------------------ 記入状況を見る

    async def status_submit(self, request: Request) -> Response:
        return await self.guarded(request, self._status_submit)

    async def _status_submit(self, request: Request) -> Response:
        job, _ = await self.accept_upload(request)
        return await self.run_job(job, lambda: self.show_status(job))

    def show_status(self, job: Job) -> Response:
        try:
            read = api.read(job.upload)
            status = api.status(read).value
            by_department = status.by_department().items()
            departments = [(department, views.message_rows(items)) for department, items in by_department]
            return self.render(
                "status_result.html",
                source_name=job.source_name,
                is_draft=status.is_draft,
                departments=departments,
                item_count=len(status.items),
                plans=views.graded_plans(status.grades, read.value),
                summaries=views.summary_tables(status.grades),
            )
        finally:
            self.store.remove(job)

    # ------------------------------------------------------------------ 報告書を仕上げる

    async def finalize_submit(self, request: Request) -> Response:
        return await self.guarded(request, self._finalize_submit)

    async def _finalize_submit(self, request: Request) -> Response:
        job, _ = await self.accept_upload(request)
        return await self.run_job(job, lambda: self.finalize_preview(job))

    def finalize_preview(self, job: Job) -> Response:
        """The grades and both 評価総括表 as they stand, and the buttons that write the report."""
        read = api.read(job.upload)
        grades = api.grade(read).value
        items = api.status(read).value.items
        incomplete = views.message_rows(items)
        only_number = bool(items) and all(item.code == NUMBER_ITEM for item in items)
        return self.render(
            "finalize_preview.html",
            job=job,
            source_name=job.source_name,
            fiscal_year=read.value.fiscal_year.text,
            plans=views.graded_plans(grades, read.value),
            summaries=views.summary_tables(grades),
            warnings=views.message_rows(read.messages),
            incomplete=incomplete,
            only_number=only_number,
        )

    async def finalize_make(self, request: Request) -> Response:
        return await self.guarded(request, self._finalize_make)

    async def _finalize_make(self, request: Request) -> Response:
        form = await self.checked_form(request)
        job = self.store.get(request.path_params["job_id"])
        if job is None or not job.upload.is_file():
            return self.error(404, HTTP_MESSAGES[404])
        interim = form.get("kind") == "interim"
        number = form.get("number")
        number_text = number.strip() if isinstance(number, str) and number.strip() else None
        review = {key: form.get(key) == "1" for key in ("accept_changes", "drop_comments")}
        # a refusal here (a mistyped number) keeps the upload: the user corrects and sends again
        return await self.run_job(
            job, lambda: self.make_final(job, interim, number_text, **review), keep_job=True
        )

    def make_final(
        self,
        job: Job,
        interim: bool,
        number: str | None,
        accept_changes: bool = False,
        drop_comments: bool = False,
    ) -> Response:
        stem = Path(job.source_name).stem
        target = job.output(f"{stem}_{'途中版' if interim else '完成版'}.docx")
        result = api.finalize(
            job.upload,
            target,
            number=number,
            allow_incomplete=interim,
            accept_changes=accept_changes,
            drop_comments=drop_comments,
        )
        done = result.value
        if done.path is None:
            return self.render(
                "finalize_result.html",
                source_name=job.source_name,
                written=False,
                incomplete=views.message_rows(done.incomplete),
                job=job,
                number=number or "",
                status=409,
            )
        report = api.read(done.path).value
        job.offer(done.path, done.path.name)
        return self.render(
            "finalize_result.html",
            source_name=job.source_name,
            written=True,
            interim=done.interim,
            incomplete=views.message_rows(done.incomplete),
            warnings=views.message_rows(m for m in result.messages if not m.code.startswith("incomplete.")),
            pages_measured=done.pages == "libreoffice",
            plans=views.graded_plans(done.grades, report),
            summaries=views.summary_tables(done.grades),
            link=self.link(job, done.path.name),
            job=job,
            previews=previews_available(),
        )

    # ------------------------------------------------------------------ files

    def link(self, job: Job, stored_name: str) -> dict[str, str]:
        quoted = quote(stored_name, safe="")
        return {
            "name": stored_name,
            "download": f"/download/{job.id}/{quoted}",
            "preview": f"/preview/{job.id}/{quoted}",
        }

    def find_output(self, request: Request) -> tuple[Job, str, Path] | None:
        job = self.store.get(request.path_params["job_id"])
        name = request.path_params["name"]
        path = self.store.download_path(job, name) if job is not None else None
        return (job, name, path) if job is not None and path is not None else None

    async def download(self, request: Request) -> Response:
        """Send an output once; it is deleted from the temporary folder right after."""
        found = self.find_output(request)
        if found is None:
            return self.error(404, HTTP_MESSAGES[404])
        job, name, path = found
        media = (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            if path.suffix == ".docx"
            else "text/plain; charset=utf-8"
        )
        sent_once = request.method == "GET"  # a HEAD (a virus scanner, a link checker) sends no file
        return FileResponse(
            path,
            media_type=media,
            filename=job.downloads[name],
            background=BackgroundTask(self.store.forget_download, job, name) if sent_once else None,
        )

    async def preview_make(self, request: Request) -> Response:
        return await self.guarded(request, self._preview_make)

    async def _preview_make(self, request: Request) -> Response:
        await self.checked_form(request)
        found = self.find_output(request)
        if found is None:
            return self.error(404, HTTP_MESSAGES[404])
        if not previews_available():
            return self.render("preview.html", available=False, name=found[1], images=[], status=503)
        job, name, path = found
        folder = job.folder / "pages" / name
        if folder.exists():
            shutil.rmtree(folder)
        folder.mkdir(parents=True)
        response = await self.run_job(job, lambda: self._made_images(path, folder), keep_job=True)
        if response.status_code != 200:
            return response
        return RedirectResponse(request.url.path, status_code=303)

    def _made_images(self, docx: Path, folder: Path) -> Response:
        make_page_images(docx, folder)
        return Response(status_code=200)

    async def preview_show(self, request: Request) -> Response:
        job = self.store.get(request.path_params["job_id"])
        name = request.path_params["name"]
        folder = job.folder / "pages" / name if job is not None and name in job.downloads else None
        images = page_images(folder) if folder is not None and folder.is_dir() else []
        if job is None or not images:
            return self.error(404, HTTP_MESSAGES[404])
        quoted = quote(name, safe="")
        urls = [f"/pages/{job.id}/{quoted}/{n}" for n in range(1, len(images) + 1)]
        return self.render("preview.html", available=True, name=name, images=urls, link=self.link(job, name))

    async def page_image(self, request: Request) -> Response:
        job = self.store.get(request.path_params["job_id"])
        name = request.path_params["name"]
        number = request.path_params["number"]
        if job is None or name not in job.downloads:
            return self.error(404, HTTP_MESSAGES[404])
        image = job.folder / "pages" / name / f"page-{number}.png"
        if not image.is_file():
            return self.error(404, HTTP_MESSAGES[404])
        return FileResponse(image, media_type="image/png")


def _copy_upload(upload: UploadFile, target: Path) -> None:
    upload.file.seek(0)
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
