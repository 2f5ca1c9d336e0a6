"""The page's request guards, as plain ASGI middleware around the Starlette app.

* :class:`HostCheck` answers only requests addressed to ``127.0.0.1`` or ``localhost``: a web page
  on the internet can make its own domain resolve to 127.0.0.1 (DNS rebinding), but its requests
  then carry that domain in the ``Host`` header, and are refused here.
* :class:`UploadLimit` refuses a request body over the limit, from ``Content-Length`` before a
  byte is read, and while streaming when the client sends no length (chunked).
* :class:`SecurityHeaders` forbids everything external (Content-Security-Policy ``'self'``),
  framing, sniffing, referrers and caching on every response.

CSRF tokens are checked by the routes (:func:`csrf_token_valid`): the token lives in the form body.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

ALLOWED_HOSTNAMES = frozenset({"127.0.0.1", "localhost"})
HOST_PATTERN = re.compile(r"(?:127\.0\.0\.1|localhost)(?::[0-9]{1,5})?", re.IGNORECASE)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
"""The largest request accepted (20 MB): the R5 report is under 1 MB; a .docx over 20 MB is not one."""

SECURITY_HEADERS = {
    "content-security-policy": (
        "default-src 'self'; img-src 'self'; style-src 'self'; script-src 'self'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "same-origin",  # "no-referrer" makes Chromium send "Origin: null" on form posts
    "cache-control": "no-store",
}

WRONG_HOST_MESSAGE = "このページは http://127.0.0.1 のアドレスで開いてください（ほかの名前では開けません）。"

ErrorPage = Callable[[int, str, str], Response]
"""Renders the Japanese refusal: (HTTP status, message, the request's path) → response; a refused
upload is shown on the form it came from."""


def host_allowed(host_header: str | None) -> bool:
    """``127.0.0.1``, ``localhost``, each with an optional port; nothing else (no user part, no path)."""
    return host_header is not None and HOST_PATTERN.fullmatch(host_header) is not None


def origin_allowed(origin: str | None) -> bool:
    """A browser's ``Origin`` (sent on form posts) must be this local page, when it is sent at all."""
    if origin is None:
        return True
    try:
        parts = urlsplit(origin)
        return parts.scheme == "http" and parts.hostname in ALLOWED_HOSTNAMES and host_allowed(parts.netloc)
    except ValueError:
        return False


def csrf_token_valid(expected: str, sent: object) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(expected.encode(), sent.encode())


class HostCheck:
    """Refuse (400) every request whose ``Host`` is not 127.0.0.1 / localhost, against DNS rebinding."""

    def __init__(self, app: ASGIApp, error_page: ErrorPage) -> None:
        self.app = app
        self.error_page = error_page

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not host_allowed(Headers(scope=scope).get("host")):
            await self.error_page(400, WRONG_HOST_MESSAGE, "")(scope, receive, send)
            return
        await self.app(scope, receive, send)


class UploadTooLarge(Exception):
    """Raised from ``receive`` when the streamed body passes the limit."""


class UploadLimit:
    """Refuse (413) a request body over ``max_bytes``, announced or streamed."""

    def __init__(self, app: ASGIApp, error_page: ErrorPage, max_bytes: int = MAX_UPLOAD_BYTES) -> None:
        self.app = app
        self.error_page = error_page
        self.max_bytes = max_bytes

    def too_large_message(self) -> str:
        megabytes = self.max_bytes / (1024 * 1024)
        return f"ファイルが大きすぎます（{megabytes:g} MB まで）"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self.error_page(413, self.too_large_message(), scope["path"])(scope, receive, send)
            return
        started = False
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise UploadTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except UploadTooLarge:
            if not started:
                await self.error_page(413, self.too_large_message(), scope["path"])(scope, receive, send)


class SecurityHeaders:
    """Add :data:`SECURITY_HEADERS` to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)
