"""The HTML templates' environment, one setup for the web's pages and the worker's cooked journey steps
(api/journey_steps.py), so both render alike."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader

TEMPLATES_DIR = Path(__file__).resolve().parents[1] / "templates"
WHEN = "%a %d %b %Y, %H:%M UTC"


def _when(value: datetime | None) -> str:
    return value.strftime(WHEN) if value else ""


def _day(value: datetime | None) -> str:
    return value.strftime("%d %b %Y") if value else ""


def html_environment() -> Environment:
    # Templates change only with a deploy (a restart): auto_reload would stat each template on every render.
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, auto_reload=False)
    env.filters["when"] = _when
    env.filters["day"] = _day
    return env
