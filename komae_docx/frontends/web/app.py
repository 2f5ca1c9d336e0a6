"""The local page: a Starlette app over :mod:`komae_docx.api`, nothing else.

Screens (each a plain HTML form; JavaScript only disables a button while a file uploads):

* ``/draft``    翌年度の案を作る: summary, check findings, the draft and its change log.
* ``/status``   記入状況を見る: per department what is still empty, and the grades so far.
* ``/finalize`` 報告書を仕上げる: the grades and both 評価総括表, then the finished or interim report.
* ``/merge``    各課の記入をまとめる: the draft and the departments' copies in one form, the merge log
  and any conflicts in tables, the merged draft (the copies per 担当課 come as one .zip from ``/draft``).
* ``/preview``  page images of an output (LibreOffice), when it is installed.

Every form posts, and its answer is a redirect to a page of its own (POST-redirect-GET): the
browser's Back and Reload never send a file twice, and a result stays where it was until the user
removes it (「削除」) or the server stops.  Every job runs in its own temporary folder
(:mod:`.jobs`) in a worker thread, so the server keeps answering while a report is read.

A refused input is shown on the form it came from, GOV.UK style: a summary box at the top linking
to the field, and the message with its fix beside the field (:class:`FormError`).  A file of the
wrong kind for the screen is refused there too, naming the screen that takes it (:mod:`.screens`).
Anything unexpected becomes a 500 page without a traceback.
"""

from __future__ import annotations

import contextlib
import logging
import re
import secrets
import shutil
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ... import api
from ...entrycells import departments_with_projects, entry_cells
from ...errors import (
    InputFileError,
    KomaeDocxError,
    NotAReportError,
    PublicationNumberError,
    SheetFormatError,
)
from ...filelists import DOCX_SUFFIX, NOT_DOCX_SUFFIXES, is_marker, not_docx, skipped_marker
from ...model import Report
from ...package import write_package
from ...progress import SHARED_NOTE, department_total
from ...results import Message, Result
from .. import mergelog
from . import compare_page, views
from .guards import (
    MAX_UPLOAD_BYTES,
    HostCheck,
    SecurityHeaders,
    UploadLimit,
    csrf_token_valid,
    origin_allowed,
)
from .jobs import Job, JobStore, safe_file_name
from .previews import make_page_images, page_images, previews_available
from .screens import SCREEN_TAKES, SCREEN_TITLE, Screen, wrong_screen

HERE = Path(__file__).resolve().parent
MEDIA_TYPES = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".zip": "application/zip",
    ".png": "image/png",
    ".csv": "text/csv; charset=utf-8",
}
LOG = logging.getLogger("komae_docx.web")

RETRY = "ページを開き直して、もう一度お試しください。"
CHOOSE_AGAIN = "報告書の .docx ファイルを選び直して、もう一度ボタンを押してください。"
NUMBER_ITEM = "incomplete.number"
"""The one item the finalize form itself settles: the 刊行物番号 typed into its number field."""
UPLOAD_SCREENS: tuple[Screen, ...] = ("draft", "status", "finalize", "merge", "publish", "compare")
SPLIT_SUFFIX = "_担当課別.zip"
"""The .zip of the draft's copies per 担当課 is named after the draft: 案_担当課別.zip."""
MAX_COPIES = 50
"""Copies one merge takes (the city has eight 担当課; a copy per department and a few plain ones)."""
HTTP_MESSAGES = {
    400: f"送られたフォームを読み取れませんでした。{RETRY}",
    403: f"このフォームは受け付けられません。{RETRY}",
    404: "お探しのページやファイルはありません。削除したファイルや、ツールを起動し直す前のファイルは、"
    "もう一度アップロードしてください。",
    405: "この操作はこのページではできません。",
}

FIXES: list[tuple[type[KomaeDocxError], str]] = [
    (
        InputFileError,
        "Word で開けるか確かめ、「名前を付けて保存」で「Word 文書 (*.docx)」として保存し直してから、"
        "そのファイルを選び直してください。",
    ),
    (NotAReportError, "進捗管理報告書の .docx ファイルを選び直してください。"),
    (SheetFormatError, "Word で開いて、示された所を市の様式のとおりに直してから、選び直してください。"),
]
"""The fix shown with a refusal, by its kind; other refusals get :data:`CHOOSE_AGAIN`."""


@dataclass(frozen=True)
class FormError:
    """A refusal shown on its form: the summary's link goes to ``field`` (an element id), where the
    message is repeated with its fix; ``links`` point to the screens that take the file."""

    field: str
    message: str
    fix: str = ""
    links: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        return f"{_sentence(self.message)}{self.fix}"


class Refused(Exception):
    """A request refused on its form (a missing file, a bad CSRF token, a file of the wrong kind)."""

    def __init__(self, status: int, error: FormError) -> None:
        super().__init__(error.text)
        self.status = status
        self.error = error


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


class Pages:
    """The routes, sharing the templates, the job store and this server's CSRF token."""

    def __init__(self, env: jinja2.Environment, store: JobStore, csrf_token: str) -> None:
        self.env = env
        self.store = store
        self.csrf_token = csrf_token

    def routes(self) -> list[Route | Mount]:
        return [
            Route("/", self.home),
            *(Route(f"/{screen}", self.form, methods=["GET"], name=screen) for screen in UPLOAD_SCREENS),
            Route("/draft", self.draft_submit, methods=["POST"]),
            Route("/status", self.status_submit, methods=["POST"]),
            Route("/finalize", self.finalize_submit, methods=["POST"]),
            Route("/merge", self.merge_submit, methods=["POST"]),
            Route("/publish", self.publish_submit, methods=["POST"]),
            Route("/publish/{job_id}", self.show_job, methods=["GET"]),
            Route("/merge/{job_id}", self.show_job, methods=["GET"]),
            Route("/compare", self.compare_submit, methods=["POST"]),
            Route("/compare/{job_id}", self.show_job, methods=["GET"]),
            Route("/merge/{job_id}", self.merge_prefer, methods=["POST"]),
            Route("/draft/{job_id}", self.show_job, methods=["GET"]),
            Route("/status/{job_id}", self.show_job, methods=["GET"]),
            Route("/finalize/{job_id}", self.show_job, methods=["GET"]),
            Route("/finalize/{job_id}", self.finalize_make, methods=["POST"]),
            Route("/finalize/{job_id}/done", self.show_job, methods=["GET"]),
            Route("/remove/{job_id}", self.remove, methods=["POST"]),
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
        context.setdefault("errors", [])
        return HTMLResponse(self.env.get_template(template).render(**context), status_code=status)

    def error(self, status: int, message: str, path: str = "") -> HTMLResponse:
        """A refusal: on the upload form when it came from one (a file too large), else its own page."""
        for screen in UPLOAD_SCREENS:
            if path == f"/{screen}":
                return self.form_page(screen, status, FormError("file", message, CHOOSE_AGAIN))
        return self.render("error.html", status, message=message, status_code=status)

    def form_page(
        self, screen: Screen, status: int = 200, *errors: FormError, removed: bool = False
    ) -> HTMLResponse:
        return self.render(f"{screen}.html", status, errors=list(errors), removed=removed)

    async def http_error(self, request: Request, exc: Exception) -> Response:
        status = exc.status_code if isinstance(exc, HTTPException) else 500
        return self.error(status, HTTP_MESSAGES.get(status, HTTP_MESSAGES[400]))

    async def unexpected_error(self, request: Request, exc: Exception) -> Response:
        LOG.error("unexpected error on %s", request.url.path, exc_info=exc)
        name = type(exc).__name__
        return self.error(500, f"予期しない問題が発生しました（{name}）。{RETRY}")

    def without_folders(self, message: str) -> str:
        """The message naming files as the user knows them: the temporary folders are cut out."""
        root = re.escape(str(self.store.root))
        return re.sub(rf"{root}[/\\][^/\\]+[/\\](?:in|out|pages)[/\\]", "", message)

    def refusal(self, error: KomaeDocxError) -> FormError:
        """An API refusal of an uploaded file, on the file field, with the fix for its kind."""
        fix = next((text for kind, text in FIXES if isinstance(error, kind)), CHOOSE_AGAIN)
        return FormError("file", self.without_folders(str(error)), fix)

    # ------------------------------------------------------------------ forms

    async def home(self, request: Request) -> Response:
        return self.render("home.html")

    async def form(self, request: Request) -> Response:
        screen: Screen = request.url.path.strip("/")  # type: ignore[assignment]
        return self.form_page(screen, removed="removed" in request.query_params)

    async def upload_job(
        self, request: Request, screen: Screen, work: Callable[[Job, FormData], str]
    ) -> Response:
        """Accept the upload, run ``work`` (which stores the job's screen and returns its address)
        in a worker thread, and redirect there; a refusal is shown on the form, nothing kept."""
        job: Job | None = None
        try:
            job, form = await self.accept_upload(request, screen)
            ready = job
            address = await run_in_threadpool(lambda: work(ready, form))
        except Refused as refused:
            if job is not None:
                self.store.remove(job)
            return self.form_page(screen, refused.status, refused.error)
        except KomaeDocxError as error:
            if job is not None:
                self.store.remove(job)
            return self.form_page(screen, 400, self.refusal(error))
        return RedirectResponse(address, status_code=303)

    async def accept_upload(self, request: Request, screen: Screen) -> tuple[Job, FormData]:
        """Check origin and CSRF token, then copy the uploaded file into a new job folder."""
        form = await self.checked_form(request)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            pick = "「ファイルを選択」から報告書の .docx を選んでください。"
            no_file = FormError("file", "ファイルが選ばれていません", pick)
            raise Refused(400, no_file)
        job = self.store.new(upload.filename, screen)
        await run_in_threadpool(_copy_upload, upload, job.upload)
        await upload.close()
        if job.upload.stat().st_size == 0:
            self.store.remove(job)
            pick = "中身のある報告書の .docx を選び直してください。"
            empty = FormError("file", f"{job.source_name}：ファイルが空です", pick)
            raise Refused(400, empty)
        return job, form

    async def checked_form(self, request: Request, max_files: int = 1) -> FormData:
        if not origin_allowed(request.headers.get("origin")):
            raise Refused(403, FormError("file", HTTP_MESSAGES[403]))
        form = await request.form(max_files=max_files, max_fields=10)
        if not csrf_token_valid(self.csrf_token, form.get("csrf_token")):
            raise Refused(403, FormError("file", "フォームの確認用の値が正しくありません", RETRY))
        return form

    def read_for(self, screen: Screen, job: Job) -> Result[Report]:
        """Read the upload and refuse it when it is not the kind of file this screen takes."""
        read = api.read(job.upload)
        wrong = wrong_screen(screen, read.value)
        if wrong is not None:
            links = tuple((f"/{other}", SCREEN_TITLE[other]) for other in wrong.screens)
            fix = f"この画面で使うのは{SCREEN_TAKES[screen]}です。"
            raise Refused(400, FormError("file", f"{job.source_name}：{wrong.text}", fix, links))
        return read

    def keep(self, job: Job, view: str, template: str, address: str, **context: Any) -> str:
        """Store a screen of the job (shown by :meth:`show_job` on every GET); returns its address."""
        context.update(job=job, source_name=job.source_name, screen=job.screen, view_address=address)
        job.views[view] = (template, context)
        return address

    # ------------------------------------------------------------------ 翌年度の案を作る

    async def draft_submit(self, request: Request) -> Response:
        return await self.upload_job(request, "draft", self.make_draft)

    def make_draft(self, job: Job, form: FormData) -> str:
        read = self.read_for("draft", job)
        findings = api.check(read).value
        grades = api.grade(read).value
        stem = Path(job.source_name).stem
        carry_text = form.get("carry_text") == "on"
        made = api.draft(job.upload, job.output(f"{stem}_翌年度案.docx"), carry_text=carry_text).value
        log = job.output(f"{stem}_変更一覧.txt")
        log.write_bytes(("\ufeff" + views.change_log_text(job.source_name, made.changes)).encode("utf-8"))
        job.upload.unlink()
        job.offer(made.path, made.path.name)
        job.offer(log, log.name)
        copies = job.offer(job.output(made.path.stem + SPLIT_SUFFIX), made.path.stem + SPLIT_SUFFIX)
        report = read.value
        return self.keep(
            job,
            "result",
            "draft_result.html",
            f"/draft/{job.id}",
            split_link=self.link(job, copies),
            split_departments=[d.name for d in departments_with_projects(report, entry_cells(report))],
            fiscal_year=report.fiscal_year.text,
            publication=report.publication.number,
            plans=views.report_plans(report, grades),
            warnings=views.message_rows(read.messages),
            findings=views.message_rows(findings),
            error_count=sum(1 for f in findings if f.severity == "error"),
            changes=views.change_lines(made.changes),
            draft_link=self.link(job, made.path.name),
            log_link=self.link(job, log.name),
            previews=previews_available(),
        )

    def split_copies(self, job: Job, name: str) -> None:
        """The draft split per 担当課 (:func:`api.split`), the copies in one .zip to send round.

        Made on its first download, not with the draft: splitting takes half as long as drafting,
        and not every user sends copies round.
        """
        draft = job.output(name.removesuffix(SPLIT_SUFFIX) + ".docx")
        folder = job.folder / "split"
        shutil.rmtree(folder, ignore_errors=True)
        try:
            made = api.split(draft, folder).value
            year = api.read(draft).value.fiscal_year.text
            staged = job.folder / f".{name}.tmp"
            bundle = write_package(
                (_copy_name(year, copy.path.name, draft.stem), copy.path.read_bytes()) for copy in made.copies
            )
            staged.write_bytes(bundle)
            staged.replace(job.output(name))
        finally:
            shutil.rmtree(folder, ignore_errors=True)  # the .zip holds them

    # ------------------------------------------------------------------ ホームページ用に書き出す

    async def publish_submit(self, request: Request) -> Response:
        return await self.upload_job(request, "publish", self.make_publication)

    def make_publication(self, job: Job, form: FormData) -> str:
        """:func:`api.publish` into the job's folder, the files in one .zip (the one package writer)."""
        stem = Path(job.source_name).stem
        folder = job.folder / "publish"
        shutil.rmtree(folder, ignore_errors=True)
        try:
            made = api.publish(job.upload, folder, name=stem)
            done = made.value
            files = [p for p in (done.pdf, done.measures_csv, done.projects_csv, done.explanation) if p]
            bundle = job.output(f"{stem}_ホームページ用.zip")
            bundle.parent.mkdir(parents=True, exist_ok=True)
            bundle.write_bytes(write_package((path.name, path.read_bytes()) for path in files))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        job.upload.unlink()
        job.offer(bundle, bundle.name)
        return self.keep(
            job,
            "result",
            "publish_result.html",
            f"/publish/{job.id}",
            zip_link=self.link(job, bundle.name),
            files=[path.name for path in files],
            pdf_made=done.pdf is not None,
            warnings=views.message_rows(made.messages),
        )

    # ------------------------------------------------------------------ 記入状況を見る

    async def status_submit(self, request: Request) -> Response:
        return await self.upload_job(request, "status", self.show_status)

    def show_status(self, job: Job, form: FormData) -> str:
        read = self.read_for("status", job)
        status = api.status(read).value
        job.upload.unlink()
        by_department = status.by_department().items()
        return self.keep(
            job,
            "result",
            "status_result.html",
            f"/status/{job.id}",
            departments=[(department, views.message_rows(items)) for department, items in by_department],
            item_count=len(status.items),
            department_total=department_total(status),
            shared_note=SHARED_NOTE,
            plans=views.graded_plans(status.grades, read.value),
            summaries=views.summary_tables(status.grades),
        )

    # ------------------------------------------------------------------ 報告書を仕上げる

    async def finalize_submit(self, request: Request) -> Response:
        return await self.upload_job(request, "finalize", self.finalize_preview)

    def finalize_preview(self, job: Job, form: FormData) -> str:
        """The grades and both 評価総括表 as they stand, and the buttons that write the report."""
        read = self.read_for("finalize", job)
        grades = api.grade(read).value
        items = api.status(read).value.items
        return self.keep(
            job,
            "preview",
            "finalize_preview.html",
            f"/finalize/{job.id}",
            fiscal_year=read.value.fiscal_year.text,
            plans=views.graded_plans(grades, read.value),
            summaries=views.summary_tables(grades),
            warnings=views.message_rows(read.messages),
            incomplete=views.message_rows(items),
            only_number=bool(items) and all(item.code == NUMBER_ITEM for item in items),
            number="",
        )

    async def finalize_make(self, request: Request) -> Response:
        job = self.store.get(request.path_params["job_id"])
        try:
            form = await self.checked_form(request)
        except Refused as refused:
            if job is None or "preview" not in job.views:
                return self.error(refused.status, refused.error.message)
            return self.show_view(job, "preview", refused.status, refused.error)
        if job is None or not job.upload.is_file():
            return self.error(404, HTTP_MESSAGES[404])
        interim = form.get("kind") == "interim"
        number = form.get("number")
        number_text = number.strip() if isinstance(number, str) and number.strip() else None
        review = {key: form.get(key) == "1" for key in ("accept_changes", "drop_comments")}
        try:
            address, refusal, left = await run_in_threadpool(
                self.make_final, job, interim, number_text, **review
            )
        except PublicationNumberError as error:
            fix = "番号を直して、もう一度ボタンを押してください。"
            wrong = FormError("number", self.without_folders(error.message), fix)
            return self.show_view(job, "preview", 400, wrong, number=number_text or "")
        except KomaeDocxError as error:
            failed = FormError("buttons", self.without_folders(str(error)), RETRY)
            return self.show_view(job, "preview", 400, failed, number=number_text or "")
        if refusal is not None:
            listed = {"incomplete": left} if left else {}
            return self.show_view(job, "preview", 409, refusal, number=number_text or "", **listed)
        return RedirectResponse(address, status_code=303)

    def make_final(
        self,
        job: Job,
        interim: bool,
        number: str | None,
        accept_changes: bool = False,
        drop_comments: bool = False,
    ) -> tuple[str, FormError | None, list[views.MessageRow]]:
        """The report written and its screen kept; or, while work is left or tracked changes and
        other people's comments remain, the refusal to show (with the places, for the list)."""
        stem = Path(job.source_name).stem
        target = job.output(f"{stem}_{'途中版' if interim else '完成版'}.docx")
        shutil.rmtree(job.folder / "pages" / target.name, ignore_errors=True)  # images of a former try
        result = api.finalize(
            job.upload,
            target,
            number=number,
            allow_incomplete=interim,
            force=True,
            accept_changes=accept_changes,
            drop_comments=drop_comments,
        )
        done = result.value
        if done.path is None:
            marks = [m for m in done.incomplete if m.code in api.REVIEW_MARK_CODES]
            if marks:
                message = (
                    f"変更履歴・ほかの人のコメントが {len(marks)} 箇所に残っているため、"
                    "仕上げた報告書は作りませんでした"
                )
                fix = (
                    "Word で承諾・削除するか、下の「すべて承諾して仕上げる」「削除して仕上げる」にチェックを"
                    "入れて、もう一度ボタンを押してください（場所は下の一覧にあります）。"
                )
                return "", FormError("incomplete", message, fix), views.message_rows(done.incomplete)
            if all(item.code == NUMBER_ITEM for item in done.incomplete):
                placeholder = done.incomplete[0].found or ""
                fix = f"「刊行物番号」に番号を入れて、もう一度押してください（案では「{placeholder}」です）。"
                return "", FormError("number", "刊行物番号がまだ決まっていません", fix), []
            left = len(done.incomplete)
            message = f"未記入・未確定の所が {left} 件あるため、仕上げた報告書は作りませんでした"
            fix = "各課の記入を待つか、「途中版を作る」を押してください（未記入の所は下の一覧にあります）。"
            return "", FormError("incomplete", message, fix), []
        report = api.read(done.path).value
        job.offer(done.path, done.path.name)
        address = self.keep(
            job,
            "done",
            "finalize_result.html",
            f"/finalize/{job.id}/done",
            interim=done.interim,
            incomplete=views.message_rows(done.incomplete),
            warnings=views.message_rows(m for m in result.messages if not m.code.startswith("incomplete.")),
            pages_measured=done.pages == "libreoffice",
            plans=views.graded_plans(done.grades, report),
            summaries=views.summary_tables(done.grades),
            link=self.link(job, done.path.name),
            previews=previews_available(),
        )
        return address, None, []

    # ------------------------------------------------------------------ 各課の記入をまとめる

    async def merge_submit(self, request: Request) -> Response:
        """The draft and the copies uploaded in one form; the merge's screen, or the refusal."""
        job: Job | None = None
        copies: list[Path] = []
        try:
            job, copies, skipped = await self.accept_copies(request)
            ready, given = job, copies
            address = await run_in_threadpool(lambda: self.make_merge(ready, given, None, skipped))
        except Refused as refused:
            if job is not None:
                self.store.remove(job)
            return self.form_page("merge", refused.status, refused.error)
        except KomaeDocxError as error:
            if job is not None:
                self.store.remove(job)
            return self.form_page("merge", 400, self.copy_refusal(error, copies))
        return RedirectResponse(address, status_code=303)

    async def accept_copies(self, request: Request) -> tuple[Job, list[Path], list[Message]]:
        """The draft (field ``file``) and the copies (field ``copies``, several files or a folder) in
        a new job folder; Word's owner files and LibreOffice's lock files among them are skipped,
        each with its message (:func:`_open_elsewhere`)."""
        form = await self.checked_form(request, max_files=MAX_COPIES + 1)
        upload = form.get("file")
        given = [c for c in form.getlist("copies") if isinstance(c, UploadFile) and c.filename]
        given, skipped = _open_elsewhere(given)
        if not isinstance(upload, UploadFile) or not upload.filename:
            pick = "「ファイルを選択」から、各課に配る前の報告書（案）の .docx を選んでください。"
            raise Refused(400, FormError("file", "もとの報告書（案）が選ばれていません", pick))
        if not given and skipped:
            pick = "写しを開いている人に保存して閉じてもらい、もう一度選んでください。"
            text = "まとめられる写しがありません。" + " ".join(m.text for m in skipped)
            raise Refused(400, FormError("copies", text, pick))
        if not given:
            pick = "各課が記入した写しの .docx を選んでください（いくつでも選べます）。"
            raise Refused(400, FormError("copies", "写しが選ばれていません", pick))
        job = self.store.new(upload.filename, "merge")
        await run_in_threadpool(_copy_upload, upload, job.upload)
        await upload.close()
        copies = []
        for number, copy in enumerate(given, start=1):
            folder = job.folder / "in" / "copies" / str(number)
            folder.mkdir(parents=True)
            path = folder / safe_file_name(copy.filename)
            await run_in_threadpool(_copy_upload, copy, path)
            await copy.close()
            copies.append(path)
        for path, field_name in [(job.upload, "file"), *((c, "copies") for c in copies)]:
            if path.stat().st_size == 0:
                self.store.remove(job)
                pick = "中身のある .docx を選び直してください。"
                raise Refused(400, FormError(field_name, f"{path.name}：ファイルが空です", pick))
        return job, copies, skipped

    def copy_refusal(self, error: KomaeDocxError, copies: Sequence[Path]) -> FormError:
        """A refused draft or copy, on its field, named as the user chose it."""
        refusal = self.refusal(error)
        message = self.without_folders(_with_names(str(error), copies))
        field_name = "copies" if error.path is not None and Path(error.path) in copies else "file"
        return FormError(field_name, message, refusal.fix, refusal.links)

    def make_merge(
        self, job: Job, copies: Sequence[Path], prefer: Path | None, skipped: Sequence[Message] = ()
    ) -> str:
        """Merge and keep the screen: the log and the download, or the conflicts and the choice.

        The merged draft and its log are written together (all or nothing)."""
        stem = Path(job.source_name).stem
        target = job.output(f"{stem}_まとめ.docx")
        log = job.output(f"{stem}_まとめの記録.txt")

        def log_file(merged: api.Merged) -> list[tuple[Path, bytes]]:
            heading = f"「{job.source_name}」と写し {merged.copies} 件のまとめの記録"
            text = _with_names(mergelog.as_text(merged, heading, markdown=False), copies)
            return [(log, ("\ufeff" + text.replace("\n", "\r\n")).encode("utf-8"))]

        result = api.merge(job.upload, copies, target, prefer=prefer, force=True, with_outputs=log_file)
        merged = result.value
        names = {str(path): path.name for path in copies}
        in_conflict = {name for c in merged.unresolved for name in (c.first.file, c.second.file)}
        context: dict[str, Any] = {
            "written": merged.path is not None,
            "copy_count": merged.copies or len(copies),
            "copy_names": [path.name for path in copies],
            "choices": [(index, path.name) for index, path in enumerate(copies) if str(path) in in_conflict],
            "chosen": None,
            "unresolved": len(merged.unresolved),
            "summary": mergelog.summary_line(merged, merged.copies or len(copies)),
            "conflicts": _named_rows(mergelog.conflict_rows(merged), names),
            "outside": _named_rows(mergelog.outside_rows(merged), names),
            "kept": _named_rows(mergelog.kept_rows(merged), names),
            "filled": _named_rows(mergelog.filled_rows(merged), names),
            "warnings": views.message_rows(
                [*skipped]
                + [
                    m.model_copy(update={"text": _with_names(m.text, copies)})
                    for m in result.messages
                    if not m.code.startswith("merge.") or m.code in ("merge.same_copy", "merge.others_cells")
                ]
            ),
            "skipped": list(skipped),
            "previews": previews_available(),
        }
        if merged.path is not None:
            job.offer(merged.path, merged.path.name)
            job.offer(log, log.name)
            context.update(link=self.link(job, merged.path.name), log_link=self.link(job, log.name))
        return self.keep(job, "result", "merge_result.html", f"/merge/{job.id}", **context)

    async def merge_prefer(self, request: Request) -> Response:
        """「この写しに決めてまとめる」: the conflicts settled in favour of one copy."""
        job = self.store.get(request.path_params["job_id"])
        try:
            form = await self.checked_form(request)
        except Refused as refused:
            return self.error(refused.status, refused.error.message)
        if job is None or job.screen != "merge" or "result" not in job.views:
            return self.error(404, HTTP_MESSAGES[404])
        copies = _job_copies(job)
        chosen = form.get("prefer")
        index = int(chosen) if isinstance(chosen, str) and chosen.isdigit() else -1
        offered = [number for number, _ in job.views["result"][1].get("choices", [])]
        if index not in offered:
            wrong = FormError(
                "prefer",
                "選んだ写しは食い違いに関わっていません",
                "一覧にある、食い違いのどちらかの写しを選んでください。",
            )
            return self.show_view(job, "result", 400, wrong, chosen=index)
        before = job.views["result"]
        try:
            skipped = job.views["result"][1].get("skipped", [])
            address = await run_in_threadpool(self.make_merge, job, copies, copies[index], skipped)
        except KomaeDocxError as error:
            failed = FormError("prefer", _with_names(self.without_folders(str(error)), copies), RETRY)
            return self.show_view(job, "result", 400, failed, chosen=index)
        if not job.views["result"][1]["written"]:
            left = job.views["result"][1]["unresolved"]
            still = FormError(
                "prefer",
                f"「{copies[index].name}」に決めても、ほかの写しどうしの食い違いが {left} 件残ります",
                "残った食い違いのどちらかの写しを選ぶか、写しを直してもう一度まとめてください。",
            )
            job.views["result"] = before
            return self.show_view(job, "result", 400, still, chosen=index)
        return RedirectResponse(address, status_code=303)

    # ------------------------------------------------------------------ 前年度と比べる

    async def compare_submit(self, request: Request) -> Response:
        """Two reports (or several for the trend) in one field, in any order; the screen or the refusal."""
        job: Job | None = None
        try:
            form = await self.checked_form(request, max_files=compare_page.MAX_REPORTS)
            given = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
            trend = form.get("mode") == "trend"
            if len(given) < 2 or (not trend and len(given) != 2):
                pick = "比べる報告書を 2 つ（推移なら 2 つ以上）、Ctrl キーを押しながら選んでください。"
                raise Refused(400, FormError("file", f"報告書が {len(given)} つ選ばれています", pick))
            job = self.store.new(given[0].filename, "compare")
            job.source_name += f" ほか {len(given) - 1} 件"  # the remove button names them all
            paths = []
            for number, upload in enumerate(given, start=1):
                folder = job.folder / "in" / str(number)
                folder.mkdir(parents=True)
                path = folder / safe_file_name(upload.filename)
                await run_in_threadpool(_copy_upload, upload, path)
                await upload.close()
                paths.append(path)
            ready = job
            address = await run_in_threadpool(self.make_compare, ready, paths, trend)
        except Refused as refused:
            if job is not None:
                self.store.remove(job)
            return self.form_page("compare", refused.status, refused.error)
        except KomaeDocxError as error:
            if job is not None:
                self.store.remove(job)
            return self.form_page("compare", 400, self.refusal(error))
        return RedirectResponse(address, status_code=303)

    def make_compare(self, job: Job, paths: Sequence[Path], trend: bool) -> str:
        names = {str(path): path.name for path in paths}
        context: dict[str, Any] = {"mode": "trend" if trend else "compare", "csv_link": None}
        if trend:
            handout, table = job.output("推移.docx"), job.output("推移.csv")
            trended = api.trend(paths, handout=handout, csv=table, force=True)
            made, messages = trended.value, trended.messages
            context.update(compare_page.trend_context(made, names), csv_link=self.link(job, table.name))
            job.offer(table, table.name)
            chart_table = made
        else:
            last, this = compare_page.older_first(paths)
            handout = job.output("前年度との比較.docx")
            compared = api.compare(last, this, handout=handout, force=True)
            comparison, messages = compared.value, compared.messages
            context.update(compare_page.comparison_context(job, comparison, names))
            chart_table = compare_page.two_year_trend([last, this])
            context.update(compare_page.trend_context(chart_table, names))
        job.offer(handout, handout.name)
        chart, description = compare_page.write_chart(job, chart_table)
        context.update(
            link=self.link(job, handout.name),
            chart=self.link(job, chart),
            chart_description=description,
            warnings=views.message_rows(
                m.model_copy(update={"text": self.without_folders(_with_names(m.text, paths))})
                for m in messages
            ),
        )
        return self.keep(job, "result", "compare_result.html", f"/compare/{job.id}", **context)

    # ------------------------------------------------------------------ a job's screens

    async def show_job(self, request: Request) -> Response:
        """A screen made for a job, as it was left (the target of every redirect, and of Back)."""
        job = self.store.get(request.path_params["job_id"])
        screen = request.url.path.split("/")[1]
        view = {"finalize": "preview"}.get(screen, "result")
        if request.url.path.endswith("/done"):
            view = "done"
        if job is None or job.screen != screen or view not in job.views:
            return self.error(404, HTTP_MESSAGES[404])
        return self.show_view(job, view)

    def show_view(
        self, job: Job, view: str, status: int = 200, *errors: FormError, **more: Any
    ) -> HTMLResponse:
        template, context = job.views[view]
        return self.render(template, status, **{**context, **more, "errors": list(errors)})

    async def remove(self, request: Request) -> Response:
        """The 「削除」 button: the job's upload, outputs, page images and screens are deleted."""
        job = self.store.get(request.path_params["job_id"])
        try:
            await self.checked_form(request)
        except Refused as refused:
            return self.error(refused.status, refused.error.message)
        if job is None:
            return self.error(404, HTTP_MESSAGES[404])
        self.store.remove(job)
        return RedirectResponse(f"/{job.screen}?removed=1", status_code=303)

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
        """Send an output; it stays for another download until the job is removed."""
        found = self.find_output(request)
        job = self.store.get(request.path_params["job_id"])
        name = request.path_params["name"]
        if found is None and job is not None and name in job.downloads and name.endswith(SPLIT_SUFFIX):
            try:
                await run_in_threadpool(self.split_copies, job, name)
            except KomaeDocxError as error:
                return self.error(400, self.without_folders(str(error)))
            found = self.find_output(request)
        if found is None:
            return self.error(404, HTTP_MESSAGES[404])
        job, name, path = found
        media = MEDIA_TYPES.get(path.suffix, "text/plain; charset=utf-8")
        return FileResponse(path, media_type=media, filename=job.downloads[name])

    async def preview_make(self, request: Request) -> Response:
        found = self.find_output(request)
        try:
            await self.checked_form(request)
        except Refused as refused:
            return self.error(refused.status, refused.error.message)
        if found is None:
            return self.error(404, HTTP_MESSAGES[404])
        job, name, path = found
        if not previews_available():
            return self.render("preview.html", available=False, name=name, images=[], status=503)
        folder = job.folder / "pages" / name
        if not (folder.is_dir() and page_images(folder)):  # made once, shown until the job is removed
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            try:
                await run_in_threadpool(make_page_images, path, folder)
            except KomaeDocxError as error:
                shutil.rmtree(folder, ignore_errors=True)
                failed = FormError("preview", self.without_folders(str(error)), RETRY)
                view = "done" if "done" in job.views else "result"
                return self.show_view(job, view, 500, failed)
        return RedirectResponse(request.url.path, status_code=303)

    async def preview_show(self, request: Request) -> Response:
        job = self.store.get(request.path_params["job_id"])
        name = request.path_params["name"]
        folder = job.folder / "pages" / name if job is not None and name in job.downloads else None
        images = page_images(folder) if folder is not None and folder.is_dir() else []
        if job is None or not images:
            return self.error(404, HTTP_MESSAGES[404])
        quoted = quote(name, safe="")
        urls = [f"/pages/{job.id}/{quoted}/{n}" for n in range(1, len(images) + 1)]
        back = next(iter(job.views.values()))[1]["view_address"] if job.views else "/"
        if "done" in job.views:
            back = job.views["done"][1]["view_address"]
        return self.render(
            "preview.html",
            available=True,
            name=name,
            images=urls,
            link=self.link(job, name),
            job=job,
            back=back,
        )

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


def _open_elsewhere(given: list[UploadFile]) -> tuple[list[UploadFile], list[Message]]:
    """The uploads that are documents, and a message for each one that is not: Word's owner file
    (``~$…``) or LibreOffice's lock file, which a folder upload brings along while a copy is open,
    and a folder's non-Word files (``.doc`` named, ``desktop.ini`` and the like passed over)."""
    names = [safe_file_name(upload.filename) for upload in given]
    kept: list[UploadFile] = []
    skipped: list[Message] = []
    for upload, name in zip(given, names, strict=True):
        suffix = Path(name).suffix.lower()
        folder_upload = "/" in (upload.filename or "") or "\\" in (upload.filename or "")
        if is_marker(name):
            skipped.append(skipped_marker(name, names))
        elif folder_upload and suffix in NOT_DOCX_SUFFIXES:
            skipped.append(not_docx(name))
        elif folder_upload and suffix != DOCX_SUFFIX:
            continue
        else:
            kept.append(upload)
    return kept, skipped


def _copy_name(year: str, name: str, draft_stem: str) -> str:
    """A copy in the .zip named for the draft's year and its department:
    「令和6年度_報告書案_福祉政策課.docx」 (not after last year's file the draft was made from)."""
    department = name.removeprefix(draft_stem + "_")
    return f"{year}_報告書案_{department}"


def _job_copies(job: Job) -> list[Path]:
    """The copies uploaded with a merge job, in the order they were chosen."""
    folders = sorted((job.folder / "in" / "copies").iterdir(), key=lambda folder: int(folder.name))
    return [next(folder.iterdir()) for folder in folders]


def _with_names(text: str, copies: Sequence[Path]) -> str:
    """``text`` naming each copy as the user chose it, not by its place in the job folder."""
    for path in copies:
        text = text.replace(str(path), path.name)
    return text


def _named_rows(rows: Sequence[mergelog.Row], names: dict[str, str]) -> list[mergelog.Row]:
    def named(text: str) -> str:
        for label, name in names.items():
            text = text.replace(label, name)
        return text

    return [
        mergelog.Row(named(r.place), named(r.file), r.department, named(r.text), named(r.other)) for r in rows
    ]


def _sentence(text: str) -> str:
    """A message as a sentence: one 「。」 at its end."""
    return text if text.endswith(("。", "）。")) else text + "。"


def _copy_upload(upload: UploadFile, target: Path) -> None:
    upload.file.seek(0)
    with target.open("wb") as out:
        shutil.copyfileobj(upload.file, out)
