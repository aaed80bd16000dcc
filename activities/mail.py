"""Email activities: render a Jinja2 template, send it over SMTP, record it in the ledger once."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from typing import Any

from jinja2 import Environment
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from temporalio import activity

from activities import ledger
from activities.contracts import MailRequest
from activities.smtp import SmtpTransport
from activities.store import get_member
from activities.telemetry import EMAILS_SENT
from domain import sign_in
from domain.roles import Role
from models import Chapter, Member


class Mailer:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        smtp: SmtpTransport,
        templates: Environment,
        *,
        base_url: str,
        sign_in_secret: str,
        community_name: str,
        level_names: tuple[str, ...] = (),
    ) -> None:
        self._sessions = sessions
        self._smtp = smtp
        self._templates = templates
        self._base_url = base_url.rstrip("/")
        self._secret = sign_in_secret
        self._community = community_name
        self._levels = level_names

    @activity.defn
    def send_welcome(self, req: MailRequest) -> None:
        self._send_to_member(req, "welcome", "mail.welcome_sent", with_sign_in_link=True)

    @activity.defn
    def send_sign_in_link(self, req: MailRequest) -> None:
        self._send_to_member(req, "sign_in", "mail.sign_in_link_sent", with_sign_in_link=True)

    @activity.defn
    def send_nudge(self, req: MailRequest) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            member = get_member(session, req.member_id)
            payload: dict[str, Any] = {"step": req.step_id, "nth": req.nth, "idle_days": req.idle_days}
            if not member.consented_to("reminders"):
                payload["skipped"] = "member did not consent to reminder emails"
            else:
                self.deliver("nudge", [member.email], req.key, member=member, req=req)
            ledger.append(
                session, key=req.key, kind="journey.nudged", subject_id=member.id, at=req.at, payload=payload
            )

    @activity.defn
    def send_level_change(self, req: MailRequest) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            member = get_member(session, req.member_id)
            level = self._levels[req.nth] if req.nth < len(self._levels) else str(req.nth)
            self.deliver("level_change", [member.email], req.key, member=member, req=req, level=level)
            ledger.append(
                session,
                key=req.key,
                kind="mail.level_change_sent",
                subject_id=member.id,
                at=req.at,
                payload={"level": level, "action": req.step_id},
            )

    @activity.defn
    def send_escalation(self, req: MailRequest) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            member = get_member(session, req.member_id)
            organizers = organizers_for(session, member)
            if organizers:
                self.deliver(
                    "escalation",
                    [o.email for o in organizers],
                    req.key,
                    member=member,
                    req=req,
                    member_url=f"{self._base_url}/members/{member.id}",
                )
            ledger.append(
                session,
                key=req.key,
                kind="journey.escalated",
                subject_id=member.id,
                at=req.at,
                payload={
                    "step": req.step_id,
                    "idle_days": req.idle_days,
                    "organizer_ids": [o.id for o in organizers],
                },
            )

    @activity.defn
    def send_voucher_notice(self, req: MailRequest) -> None:
        self._send_about(req, "voucher_notice", "mail.voucher_notice_sent", penalty=req.nth)

    @activity.defn
    def send_vouch_ask(self, req: MailRequest) -> None:
        self._send_about(req, "vouch_ask", "mail.vouch_ask_sent", vouch_url=f"/members/{req.about_id}/vouch")

    def _send_about(self, req: MailRequest, template: str, kind: str, **context: Any) -> None:
        """A message to one member about another; the ledger records it under the other member."""
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            recipient = get_member(session, req.member_id)
            about = get_member(session, req.about_id or 0)
            self.deliver(template, [recipient.email], req.key, member=recipient, about=about, **context)
            ledger.append(
                session,
                key=req.key,
                kind=kind,
                subject_id=about.id,
                at=req.at,
                payload={"to": recipient.id},
            )

    def _send_to_member(self, req: MailRequest, template: str, kind: str, *, with_sign_in_link: bool) -> None:
        with self._sessions.begin() as session:
            if ledger.already_recorded(session, req.key):
                return
            member = get_member(session, req.member_id)
            link = self._sign_in_url(member) if with_sign_in_link else None
            self.deliver(template, [member.email], req.key, member=member, req=req, sign_in_url=link)
            ledger.append(session, key=req.key, kind=kind, subject_id=member.id, at=req.at)

    def _sign_in_url(self, member: Member) -> str:
        token = sign_in.issue_token(self._secret, sign_in.SignInClaim(member.id, member.sign_in_nonce))
        return f"{self._base_url}/signin/verify?token={token}"

    def deliver(self, template: str, recipients: list[str], key: str, **context: Any) -> None:
        rendered = self._templates.get_template(f"emails/{template}.txt").render(
            community=self._community, base_url=self._base_url, **context
        )
        subject, _, body = rendered.partition("\n")
        message = EmailMessage()
        # Names and subjects come from people; a line break in a header would make the message unsendable.
        message["Subject"] = " ".join(subject.removeprefix("Subject:").split())
        message["From"] = self._smtp.server.sender
        message["To"] = ", ".join(recipients)
        # A retry after a crash between sending and recording re-sends the *same* message; mail
        # clients and our outbox recognise it by this id.
        message["Message-ID"] = f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@perennial>"
        message.set_content(body.lstrip("\n"))
        self._smtp.send(message)
        EMAILS_SENT.labels(template).inc()


def organizers_for(session: Session, member: Member) -> list[Member]:
    """The member's chapter organizers, or the community admins when the chapter has none."""
    if member.chapter_id is not None:
        chapter = session.get(Chapter, member.chapter_id)
        if chapter is not None and chapter.organizers:
            return list(chapter.organizers)
    return list(session.scalars(select(Member).where(Member.role == Role.ADMIN).order_by(Member.id)))
