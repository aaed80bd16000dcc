"""Sending mail over SMTP, keeping one open connection per activity thread."""

from __future__ import annotations

import smtplib
import threading
from dataclasses import dataclass
from email.message import EmailMessage


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    sender: str
    username: str | None = None
    password: str | None = None
    starttls: bool = False


class SmtpTransport:
    """Reuses connections (a handshake per message cost more CPU than the message itself), and
    reconnects once when the server has closed an idle one."""

    def __init__(self, server: SmtpServer) -> None:
        self.server = server
        self._local = threading.local()

    def send(self, message: EmailMessage) -> None:
        try:
            self._connection().send_message(message)
        except smtplib.SMTPServerDisconnected:
            self._local.client = None
            self._connection().send_message(message)

    def _connection(self) -> smtplib.SMTP:
        client: smtplib.SMTP | None = getattr(self._local, "client", None)
        if client is None:
            client = smtplib.SMTP(self.server.host, self.server.port, timeout=20)
            if self.server.starttls:
                client.starttls()
            if self.server.username and self.server.password:
                client.login(self.server.username, self.server.password)
            self._local.client = client
        return client
