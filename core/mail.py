"""Mail transports: how an outbox message leaves the building.

The outbox chooses one by setting: ``SMTPTransport`` when ``STATDESK_SMTP_HOST``
is set, ``HeldTransport`` (keep it for the admin outbox page) otherwise.
``MemoryTransport`` collects messages for tests.  All three satisfy ``Transport``.
"""

from __future__ import annotations

import email.policy
import smtplib
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Protocol


class DeliveryError(Exception):
    """The transport could not hand the message over; try again later."""


class Transport(Protocol):
    keeps_messages: bool

    def send(self, message: EmailMessage) -> None: ...


def build_message(sender: str, recipient: str, subject: str, text: str, html: str = "",
                  headers: dict | None = None) -> EmailMessage:
    # A header such as List-Unsubscribe holds one long URL: folded at 78 it would become RFC 2047 encoded
    # words, which mail clients do not decode there, so messages with extra headers allow RFC 5322's 998.
    message = EmailMessage(policy=email.policy.default.clone(max_line_length=998)) if headers else EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="statdesk.local")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


class SMTPTransport:
    keeps_messages = False

    def __init__(self, host: str, port: int, user: str = "", password: str = "",
                 starttls: bool = False, timeout: float = 20.0):
        self.host, self.port, self.user, self.password = host, port, user, password
        self.starttls, self.timeout = starttls, timeout

    def send(self, message: EmailMessage) -> None:
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except (OSError, smtplib.SMTPException) as exc:
            raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc


class HeldTransport:
    """No SMTP server: messages stay in the outbox, readable by administrators."""

    keeps_messages = True

    def send(self, message: EmailMessage) -> None:  # pragma: no cover - never called
        raise DeliveryError("no SMTP server configured")


class MemoryTransport:
    keeps_messages = False

    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send(self, message: EmailMessage) -> None:
        self.sent.append(message)


def transport_from_config(config) -> Transport:
    if config.get("STATDESK_MAIL_TRANSPORT") is not None:
        return config["STATDESK_MAIL_TRANSPORT"]
    if config["STATDESK_SMTP_HOST"]:
        return SMTPTransport(
            config["STATDESK_SMTP_HOST"], config["STATDESK_SMTP_PORT"],
            config["STATDESK_SMTP_USER"], config["STATDESK_SMTP_PASSWORD"],
            config["STATDESK_SMTP_STARTTLS"],
        )
    return HeldTransport()
