"""What the SMTP sink (`perennial outbox`, its own process) received, indexed as it arrives: each file
of the Maildir is read once, and the folder is listed at most four times a second however many
members wait for their email, so the bench's own CPU stays out of the figures."""

from __future__ import annotations

import hashlib
import re
import time
from collections import defaultdict
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

from api.outbox import Outbox

SIGN_IN_LINK = re.compile(r"/signin/verify\?token=(\S+)")


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    message_id: str
    token: str | None  # the sign-in token a welcome or sign-in message carries


def message_id_for(key: str) -> str:
    """The Message-ID activities/mail.py gives the message sent under this idempotency key."""
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@perennial>"


class MailIndex:
    def __init__(self, directory: Path) -> None:
        self.outbox = Outbox(directory)
        self._seen: set[str] = set()
        self.by_recipient: dict[str, list[Mail]] = defaultdict(list)
        self.all: list[Mail] = []
        self._listed_at = 0.0

    def refresh(self, *, now: bool = False) -> None:
        if not now and time.monotonic() - self._listed_at < 0.25:
            return
        self._listed_at = time.monotonic()
        for folder in ("new", "cur"):
            for path in (self.outbox.directory / folder).iterdir():
                if path.name in self._seen:
                    continue
                self._seen.add(path.name)
                message = message_from_bytes(path.read_bytes(), policy=policy.default)
                body = message.get_body(("plain",))
                found = SIGN_IN_LINK.search(body.get_content()) if body else None
                mail = Mail(
                    str(message["To"]),
                    str(message["Subject"]),
                    str(message["Message-ID"] or ""),
                    found.group(1) if found else None,
                )
                self.all.append(mail)
                for address in mail.to.split(", "):
                    self.by_recipient[address].append(mail)

    def tokens_for(self, address: str) -> list[str]:
        return [m.token for m in self.by_recipient.get(address, []) if m.token]
