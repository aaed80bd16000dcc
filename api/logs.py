"""Logging that keeps personal data and credentials out: no emails, no sign-in tokens."""

from __future__ import annotations

import copy
import logging
from typing import Any

from uvicorn.config import LOGGING_CONFIG

ACCESS_LOG_ARGS = 5  # client, method, path with query, HTTP version, status


class DropQueryStrings(logging.Filter):
    """Sign-in links carry their token in the query string; access logs keep the path only."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == ACCESS_LOG_ARGS:
            client, method, path, version, status = record.args
            record.args = (client, method, str(path).split("?", 1)[0], version, status)
        return True


def uvicorn_log_config() -> dict[str, Any]:
    config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    config.setdefault("filters", {})["drop_query_strings"] = {"()": "api.logs.DropQueryStrings"}
    config["handlers"]["access"]["filters"] = ["drop_query_strings"]
    return config
