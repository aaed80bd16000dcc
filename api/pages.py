"""Server-rendered pages: one context dict per page, so page data is testable without parsing HTML."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.html import html_environment

templates = Jinja2Templates(env=html_environment())


def back_to(request: Request, fallback: str) -> str:
    """The page a form was posted from, when the Referer names a page of this site; otherwise `fallback`."""
    referer = urlsplit(request.headers.get("referer", ""))
    if (
        referer.netloc != request.url.netloc
        or not referer.path.startswith("/")
        or referer.path.startswith("//")
    ):
        return fallback
    return f"{referer.path}?{referer.query}" if referer.query else referer.path


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    csrf = request.scope.get("csrftoken")
    base = {"csrf_token": csrf() if csrf else "", "me": getattr(request.state, "me", None)}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
