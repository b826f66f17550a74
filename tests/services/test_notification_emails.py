"""Email notices through a real SMTP server (aiosmtpd on a loopback port): sent after the commit,
never when SMTP is not configured, and a failing server never breaks what the user did."""
from __future__ import annotations

import logging
import re
import socket
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from factories import make_user

from globe.db import transaction
from globe.extensions import db
from globe.models import Notification
from globe.services import incubator, mentoring, notifications


class Inbox:
    """An aiosmtpd handler keeping every message; addresses starting with "bounce" are refused."""

    def __init__(self) -> None:
        self.messages = []
        self.logins = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [message for recipients, message in self.messages if address in recipients]

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append((auth_data.login.decode(), auth_data.password.decode()))
        return AuthResult(success=auth_data.password == b"s3cret")


def text_of(email) -> str:
    return email.get_content().replace("\r\n", "\n")  # lines end in CRLF on the wire


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox():
    """A real SMTP server on a free loopback port for the length of one test."""
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), authenticator=handler.authenticate,
                            auth_require_tls=False)
    controller.start()
    handler.port = controller.port
    yield handler
    controller.stop()


@pytest.fixture
def mail_app(app, inbox):
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=inbox.port, SMTP_SECURITY="none",
                      SMTP_FROM="Globe <globe@example.org>")
    return app


def submitted_proposal(lead):
    proposal = incubator.create_proposal(lead, title="Nursing English course", summary="Six weeks",
                                         description="Weekly tasks", needs="course design")
    incubator.transition(lead, proposal, "submitted")
    return proposal


def test_a_mentor_gets_the_assignment_notice_by_email(mail_app, inbox, make_web):
    lead, dana = make_user("Lead"), make_user("Dana", email="dana@example.org", mentor=True)
    make_user("Admin", email="admin@example.org", admin=True)
    proposal = submitted_proposal(lead)
    admin = make_web()
    admin.login("admin@example.org")
    url = f"/incubator/{proposal.id}"
    assert admin.post(f"{url}/assign", {"mentor_id": str(dana.id)}, token_from=url).status_code == 302

    [email] = inbox.to("dana@example.org")
    assert email["Subject"] == "Globe: You are asked to mentor “Nursing English course”."
    assert email["From"] == "Globe <globe@example.org>" and email["To"] == "dana@example.org"
    body = text_of(email)
    assert "Hello Dana," in body and "You are asked to mentor “Nursing English course”." in body
    assert f"http://localhost/incubator/{proposal.id}\n" in body
    assert notifications.unread_count(dana) == 1  # and the same notice in the app


def test_links_use_the_configured_site_address(mail_app, inbox):
    mail_app.config["SITE_URL"] = "https://globe.example.org/"
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    proposal = submitted_proposal(lead)
    mentoring.assign(make_user(admin=True), proposal, dana.id)  # no request: SITE_URL gives the address
    [email] = inbox.to("dana@example.org")
    assert f"https://globe.example.org/incubator/{proposal.id}\n" in text_of(email)


def test_without_smtp_settings_notices_stay_in_the_app(app, inbox):
    assert app.config["SMTP_HOST"] == ""  # the default
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    mentoring.assign(make_user(admin=True), submitted_proposal(lead), dana.id)
    assert notifications.unread_count(dana) == 1
    assert inbox.messages == []


def test_nothing_is_sent_for_a_change_that_is_rolled_back(mail_app, inbox):
    dana = make_user(email="dana@example.org")
    with pytest.raises(RuntimeError):
        with transaction():
            notifications.notify(dana, "This never happened.", "/incubator")
            raise RuntimeError("the change fails after the notice was written")
    assert inbox.messages == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0


def test_a_failing_mail_server_never_breaks_the_action(mail_app, make_web, caplog):
    mail_app.config["SMTP_PORT"] = free_port()  # nothing listens there
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    make_user(email="admin@example.org", admin=True)
    proposal = submitted_proposal(lead)
    admin = make_web()
    admin.login("admin@example.org")
    url = f"/incubator/{proposal.id}"
    with caplog.at_level(logging.ERROR):
        response = admin.post(f"{url}/assign", {"mentor_id": str(dana.id)}, token_from=url)
    assert response.status_code == 302
    assert "Mentor assigned" in admin.get(url).get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == "in_review" and [a.mentor_id for a in proposal.assignments] == [dana.id]
    assert notifications.unread_count(dana) == 1
    assert any("Could not send 1 notification email(s)" in record.getMessage() for record in caplog.records)


def test_one_refused_address_does_not_stop_the_others(mail_app, inbox):
    lead = make_user("Lead")
    admins = [make_user(email="bounce@example.org", admin=True), make_user(email="chief@example.org", admin=True)]
    dana = make_user("Dana", mentor=True)
    assignment = mentoring.assign(admins[1], submitted_proposal(lead), dana.id)
    mentoring.answer(dana, assignment, accept=False, reason="No time this term\nsorry")
    [email] = inbox.to("chief@example.org")
    assert email["Subject"] == "Globe: Dana declined to mentor “Nursing English course”: No time this term sorry"
    assert inbox.to("bounce@example.org") == []


def test_the_mail_server_login_is_used_when_configured(mail_app, inbox):
    mail_app.config.update(SMTP_USERNAME="globe", SMTP_PASSWORD="s3cret")
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    mentoring.assign(make_user(admin=True), submitted_proposal(lead), dana.id)
    assert inbox.logins == [("globe", "s3cret")] and len(inbox.to("dana@example.org")) == 1


def test_an_unknown_security_setting_is_logged_not_raised(mail_app, inbox, caplog):
    mail_app.config["SMTP_SECURITY"] = "tls-please"
    dana = make_user(email="dana@example.org")
    with caplog.at_level(logging.ERROR), transaction():
        notifications.notify(dana, "Hello", "/incubator")
    assert inbox.messages == [] and notifications.unread_count(dana) == 1
    assert any(re.search("GLOBE_SMTP_SECURITY must be one of", str(r.exc_info)) for r in caplog.records)


def test_with_starttls_required_nothing_goes_in_clear_to_a_server_without_it(mail_app, inbox, caplog):
    mail_app.config["SMTP_SECURITY"] = "starttls"  # the default; this test server offers no STARTTLS
    dana = make_user(email="dana@example.org")
    with caplog.at_level(logging.ERROR), transaction():
        notifications.notify(dana, "Hello", "/incubator")
    assert inbox.messages == [] and notifications.unread_count(dana) == 1
    assert any("Could not send 1 notification email(s)" in record.getMessage() for record in caplog.records)
