"""A real SMTP server for the tests (aiosmtpd on a free loopback port) and a Globe app that mails it.

The `inbox` fixture (conftest.py) is the running server's handler: `inbox.to(address)` lists the
messages it accepted for an address, and `link_in(message, "/password-reset/")` the link a message
holds. The `mailing_site` fixture is Globe at SITE sending each email to it right after the commit."""
from __future__ import annotations

import re
import socket
from email import message_from_bytes, policy
from urllib.parse import urlsplit

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from testapp import app_config

from globe import create_app

SITE = "http://globe.example.org"  # plain http: a test client sends no Referer for the HTTPS CSRF check
PASSWORD_FOR_SMTP_LOGIN = b"s3cret"


class Inbox:
    """An aiosmtpd handler keeping every message. Addresses starting with "bounce" are refused for good;
    while `busy` holds replies, each recipient gets the next one instead of being accepted."""

    def __init__(self) -> None:
        self.messages = []
        self.logins = []
        self.busy: list[str] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        if self.busy:
            return self.busy.pop(0)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for recipients, message in self.messages if address in recipients]

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == PASSWORD_FOR_SMTP_LOGIN)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_server(handler: Inbox, port: int) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate,
                            auth_require_tls=False)
    controller.start()
    return controller


def mail_settings(inbox: Inbox) -> dict:
    """Settings sending through the test server, right after each commit so a test sees the outcome."""
    return {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": inbox.port, "SMTP_SECURITY": "none",
            "SMTP_FROM": "Globe <globe@example.org>", "SEND_EMAIL_IN_BACKGROUND": False}


def mailing_app(tmp_path, inbox: Inbox, **config):
    """Globe at SITE (the address its emailed links start with), mailing the test server."""
    return create_app(app_config(tmp_path, SITE_URL=SITE, **mail_settings(inbox), **config))


def text_of(email) -> str:
    return email.get_body(("plain",)).get_content().replace("\r\n", "\n")  # lines end in CRLF on the wire


def link_in(email, path: str) -> str:
    """The path of the one link to `path`... in the email's text, checked to be the same in its HTML part."""
    [link] = re.findall(re.escape(SITE + path) + r"[A-Za-z0-9_-]+", email.get_body(("plain",)).get_content())
    assert f'href="{link}"' in email.get_body(("html",)).get_content()
    return urlsplit(link).path
