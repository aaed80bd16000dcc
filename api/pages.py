"""Server-rendered pages: one context dict per page, so page data is testable without parsing HTML."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.worker import TEMPLATES_DIR

templates = Jinja2Templates(directory=TEMPLATES_DIR)
# Templates change only with a deploy (a restart); checking each file's time on every render costs a stat
# call per template per page.
templates.env.auto_reload = False


def _when(value: datetime | None) -> str:
    return value.strftime("%a %d %b %Y, %H:%M UTC") if value else ""


def _day(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


templates.env.filters["when"] = _when
templates.env.filters["day"] = _day


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> HTMLResponse:
    csrf = request.scope.get("csrftoken")
    base = {"csrf_token": csrf() if csrf else "", "me": getattr(request.state, "me", None)}
    return templates.TemplateResponse(request, name, {**base, **context}, status_code=status_code)
