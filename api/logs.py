"""Logging that keeps personal data and credentials out: structured (JSON in production), with emails,
tokens, secrets and client addresses removed before anything is written."""

from __future__ import annotations

import copy
import logging
import re
from collections.abc import MutableMapping
from typing import Any

import structlog
from uvicorn.config import LOGGING_CONFIG

ACCESS_LOG_ARGS = 5  # client, method, path with query, HTTP version, status
REDACTED = "[redacted]"
SECRET_WORDS = ("secret", "token", "password", "authorization", "cookie", "api_key", "email", "payload_key")
EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(\.[\w-]+)+")
# Our API tokens and webhook secrets, and GitHub's token formats.
CREDENTIAL = re.compile(r"\b(pnl_|whsec_|ghp_|gho_|ghs_|ghu_|github_pat_)[\w-]{6,}")


class DropQueryStrings(logging.Filter):
    """Access logs keep the method, path and status: sign-in links carry their token in the query
    string, and a client's address is personal data."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == ACCESS_LOG_ARGS:
            _client, method, path, version, status = record.args
            record.args = ("-", method, str(path).split("?", 1)[0], version, status)
        return True


def scrub(text: str) -> str:
    return CREDENTIAL.sub(lambda m: m.group(1) + REDACTED, EMAIL.sub("[email]", text))


def redact(_logger: Any, _method: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key, value in list(event.items()):
        if any(word in key.lower() for word in SECRET_WORDS):
            event[key] = REDACTED
        elif isinstance(value, str):
            event[key] = scrub(value)
    return event


def structured_formatter(kind: str = "text") -> logging.Formatter:
    renderer: Any = (
        structlog.processors.JSONRenderer() if kind == "json" else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.stdlib.ExtraAdder(),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,  # before redact: tracebacks quote SQL parameters
            redact,
            renderer,
        ],
    )


def configure_logging(kind: str = "text", level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(structured_formatter(kind))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


def uvicorn_log_config(kind: str = "text") -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    for name in ("default", "access"):
        config["formatters"][name] = {"()": "api.logs.structured_formatter", "kind": kind}
    config.setdefault("filters", {})["drop_query_strings"] = {"()": "api.logs.DropQueryStrings"}
    config["handlers"]["access"]["filters"] = ["drop_query_strings"]
    return config
