"""The local page (``komae-docx serve``): a Starlette app over :mod:`komae_docx.api`.

:func:`create_app` builds the app (for tests and in-process clients); :func:`server.run` serves it
on 127.0.0.1.  Imported only by ``serve``: the rest of the CLI never loads the web stack.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
