"""Development mail: an SMTP sink that keeps every message in a Maildir, and a page that lists them."""

from __future__ import annotations

import html
import mailbox
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route


@dataclass(frozen=True)
class StoredMessage:
    key: str
    subject: str
    to: str
    date: str
    body: str
    message_id: str


class Outbox:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        for sub in ("tmp", "new", "cur"):
            (directory / sub).mkdir(parents=True, exist_ok=True)

    @property
    def _maildir(self) -> mailbox.Maildir:
        # A fresh view each time: another process (the sink) adds messages behind our back.
        return mailbox.Maildir(self.directory, create=False)

    def add(self, raw: bytes) -> None:
        self._maildir.add(raw)

    def messages(self) -> list[StoredMessage]:
        stored = []
        for key, entry in self._maildir.iteritems():
            msg = message_from_bytes(bytes(entry), policy=policy.default)
            body = msg.get_body(("plain",))
            stored.append(
                StoredMessage(
                    key,
                    str(msg["Subject"]),
                    str(msg["To"]),
                    str(msg["Date"] or ""),
                    body.get_content() if body else "",
                    str(msg["Message-ID"] or ""),
                )
            )
        return sorted(
            stored,
            key=lambda m: (
                Path(self.directory, "new", m.key).stat().st_mtime
                if Path(self.directory, "new", m.key).exists()
                else 0
            ),
        )

    def to(self, address: str) -> list[StoredMessage]:
        return [m for m in self.messages() if address in m.to]

    def forget(self, address: str) -> int:
        """Delete every message to this address (a member's erasure); how many went."""
        gone = [m.key for m in self.to(address)]
        box = self._maildir
        for key in gone:
            box.discard(key)
        return len(gone)

    def clear(self) -> None:
        self._maildir.clear()


class _Handler:
    def __init__(self, outbox: Outbox) -> None:
        self._outbox = outbox

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 (aiosmtpd's name)
        self._outbox.add(envelope.original_content or envelope.content)
        return "250 Message accepted for delivery"


def start_sink(outbox: Outbox, host: str = "127.0.0.1", port: int = 1025) -> Controller:
    controller = Controller(_Handler(outbox), hostname=host, port=port)
    controller.start()
    return controller


def outbox_page(outbox: Outbox) -> Starlette:
    async def index(request: Request) -> HTMLResponse:
        rows = "".join(
            f"<article><h2>{html.escape(m.subject)}</h2>"
            f"<p>To: {html.escape(m.to)} · {html.escape(m.date)}</p>"
            f"<pre>{_linkify(m.body)}</pre></article>"
            for m in reversed(outbox.messages())
        )
        return HTMLResponse(
            "<!doctype html><meta name=viewport content='width=device-width,initial-scale=1'>"
            "<title>Perennial outbox (development)</title><style>body{font-family:system-ui;max-width:50rem;"
            "margin:auto;padding:1rem}pre{white-space:pre-wrap}article{border-bottom:1px solid #ccc}</style>"
            f"<h1>Outbox</h1><p>Every message the development server sent.</p>{rows or '<p>No mail yet.</p>'}"
        )

    return Starlette(routes=[Route("/", index)])


def _linkify(text: str) -> str:
    words = []
    for word in html.escape(text).split(" "):
        if word.startswith(("http://", "https://")):
            word = f'<a href="{word}">{word}</a>'
        words.append(word)
    return " ".join(words)
