"""Emails go out once per key, respect consent, and reach the right organizers."""

from __future__ import annotations

from datetime import UTC, datetime

from activities.contracts import MailRequest
from activities.mail import Mailer
from activities.smtp import SmtpServer, SmtpTransport
from api.outbox import Outbox, start_sink
from domain.roles import Role
from tests.conftest import free_port
from tests.factories import Db

AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def test_a_retried_nudge_sends_one_email_and_records_one_event(
    mailer: Mailer, db: Db, outbox: Outbox
) -> None:
    member = db.member("nudged@example.org", name="Nadia")
    request = MailRequest(member.id, AT, "member-1/idle/0/remind-3", "profile", nth=1, idle_days=3)

    mailer.send_nudge(request)
    mailer.send_nudge(request)

    [message] = outbox.to("nudged@example.org")
    assert message.subject == "Your next step with Test Community"
    assert "Hi Nadia" in message.body and "http://perennial.test/journey" in message.body
    assert [e.payload for e in db.events(member.id, "journey.nudged")] == [
        {"step": "profile", "nth": 1, "idle_days": 3}
    ]


def test_escalation_goes_to_the_admins_when_the_chapter_has_no_organizer(
    mailer: Mailer, db: Db, outbox: Outbox
) -> None:
    admin = db.member("admin@example.org", role=Role.ADMIN)
    orphan_chapter = db.chapter("Nowhere")
    member = db.member("stuck@example.org", chapter_id=orphan_chapter.id, name="Sam")

    mailer.send_escalation(MailRequest(member.id, AT, "member-2/idle/0/escalate", "profile", idle_days=10))

    [message] = outbox.to("admin@example.org")
    assert message.subject == 'Sam seems stuck at "profile"'
    assert f"http://perennial.test/members/{member.id}" in message.body
    [event] = db.events(member.id, "journey.escalated")
    assert event.payload["organizer_ids"] == [admin.id]


def test_the_transport_reconnects_when_the_server_dropped_the_connection(tmp_path: object, db: Db) -> None:
    port = free_port()
    box = Outbox(tmp_path / "box")  # type: ignore[operator]
    transport = SmtpTransport(SmtpServer("127.0.0.1", port, "noreply@example.org"))
    from email.message import EmailMessage

    def message(n: int) -> EmailMessage:
        m = EmailMessage()
        m["Subject"], m["From"], m["To"] = f"m{n}", "noreply@example.org", "x@example.org"
        m.set_content("hello")
        return m

    sink = start_sink(box, port=port)
    transport.send(message(1))
    sink.stop()  # the server goes away, closing our open connection
    sink = start_sink(box, port=port)
    transport.send(message(2))
    sink.stop()

    assert sorted(m.subject for m in box.messages()) == ["m1", "m2"]
