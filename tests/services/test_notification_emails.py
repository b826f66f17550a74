"""Email notices through the outbox to a real SMTP server (aiosmtpd on a loopback port): queued with
the notice, sent after the commit, and a failing server never breaks what the user did."""
from __future__ import annotations

import logging
from datetime import timedelta

import mail_server as smtp
import pytest
from factories import make_user

from globe.db import transaction
from globe.extensions import db
from globe.models import Notification, OutboxMessage
from globe.models.base import utcnow
from globe.services import incubator, mentoring, notifications, outbox


def outbox_rows() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def submitted_proposal(lead):
    proposal = incubator.create_proposal(lead, title="Nursing English course", summary="Six weeks",
                                         description="Weekly tasks", needs="course design")
    incubator.transition(lead, proposal, "submitted")
    return proposal


def assign_through_the_web(make_web, lead, mentor):
    make_user("Admin", email="admin@example.org", admin=True)
    proposal = submitted_proposal(lead)
    admin = make_web()
    admin.login("admin@example.org")
    url = f"/incubator/{proposal.id}"
    response = admin.post(f"{url}/assign", {"mentor_id": str(mentor.id)}, token_from=url)
    return proposal, response, admin


def test_a_mentor_gets_the_assignment_notice_by_email(mail_app, inbox, make_web):
    lead, dana = make_user("Lead"), make_user("Dana", email="dana@example.org", mentor=True)
    proposal, response, _ = assign_through_the_web(make_web, lead, dana)
    assert response.status_code == 302

    [email] = inbox.to("dana@example.org")
    assert email["Subject"] == "Globe: You are asked to mentor “Nursing English course”."
    assert email["From"] == "Globe <globe@example.org>" and email["To"] == "Dana <dana@example.org>"
    body = smtp.text_of(email)
    assert "Hello Dana," in body and "You are asked to mentor “Nursing English course”." in body
    assert f"http://localhost/incubator/{proposal.id}\n" in body
    html = email.get_body(("html",)).get_content()
    assert f'<a href="http://localhost/incubator/{proposal.id}">Open it in Globe</a>' in html
    assert notifications.unread_count(dana) == 1  # and the same notice in the app


def test_a_notice_is_escaped_in_the_html_part(mail_app, inbox):
    dana = make_user("Dana <b>", email="dana@example.org")
    with transaction():
        notifications.notify(dana, "incubator", "A <script>alert(1)</script> & co", url="/incubator")
    html = inbox.to("dana@example.org")[0].get_body(("html",)).get_content()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in html and "Dana &lt;b&gt;" in html
    assert "<script>" not in html


def test_links_use_the_configured_site_address(mail_app, inbox):
    mail_app.config["SITE_URL"] = "https://globe.example.org/"
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    proposal = submitted_proposal(lead)
    mentoring.assign(make_user(admin=True), proposal, dana.id)  # no request: SITE_URL gives the address
    [email] = inbox.to("dana@example.org")
    assert f"https://globe.example.org/incubator/{proposal.id}\n" in smtp.text_of(email)


def test_without_smtp_settings_the_email_is_kept_in_the_outbox_and_written_to_the_log(app, inbox, caplog):
    assert app.config["SMTP_HOST"] == ""  # the default
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    with caplog.at_level(logging.WARNING):
        mentoring.assign(make_user(admin=True), submitted_proposal(lead), dana.id)
    assert notifications.unread_count(dana) == 1 and inbox.messages == []
    [row] = [row for row in outbox_rows() if row.to_address == "dana@example.org"]
    assert row.status == "sent" and "You are asked to mentor" in row.subject
    assert any("You are asked to mentor" in record.getMessage() for record in caplog.records)


def test_nothing_is_sent_for_a_change_that_is_rolled_back(mail_app, inbox):
    dana = make_user(email="dana@example.org")
    with pytest.raises(RuntimeError):
        with transaction():
            notifications.notify(dana, "incubator", "This never happened.", url="/incubator")
            raise RuntimeError("the change fails after the notice was written")
    assert inbox.messages == [] and outbox_rows() == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Notification)) == 0


def test_a_mail_server_down_during_the_request_never_breaks_it_and_gets_the_email_later(mail_app, inbox,
                                                                                         make_web, caplog):
    inbox.server.stop()
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    with caplog.at_level(logging.ERROR):
        proposal, response, admin = assign_through_the_web(make_web, lead, dana)
    assert response.status_code == 302
    assert "Mentor assigned" in admin.get(f"/incubator/{proposal.id}").get_data(as_text=True)
    db.session.refresh(proposal)
    assert proposal.status == "in_review" and [a.mentor_id for a in proposal.assignments] == [dana.id]
    assert notifications.unread_count(dana) == 1
    assert [row.status for row in outbox_rows() if row.to_address == "dana@example.org"] == ["queued"]
    assert any("Could not reach the mail server" in record.getMessage() for record in caplog.records)

    inbox.server = smtp.smtp_server(inbox, inbox.port)  # back up: the next round sends what waited
    outbox.send_queued(now=utcnow() + timedelta(minutes=2))
    [email] = inbox.to("dana@example.org")
    assert email["Subject"] == "Globe: You are asked to mentor “Nursing English course”."


def test_one_refused_address_does_not_stop_the_others(mail_app, inbox):
    proposal = submitted_proposal(make_user("Lead"))  # before the admins: only the decline reaches them
    admins = [make_user(email="bounce@example.org", admin=True), make_user(email="chief@example.org", admin=True)]
    dana = make_user("Dana", mentor=True)
    assignment = mentoring.assign(admins[1], proposal, dana.id)
    mentoring.answer(dana, assignment, accept=False, reason="No time this term\nsorry")
    [email] = inbox.to("chief@example.org")
    assert email["Subject"] == "Globe: Dana declined to mentor “Nursing English course”: No time this term sorry"
    assert inbox.to("bounce@example.org") == []
    [bounced] = [row for row in outbox_rows() if row.to_address == "bounce@example.org"]
    assert bounced.status == "failed" and "550 5.1.1 No such mailbox" in bounced.last_error


def test_the_mail_server_login_is_used_when_configured(mail_app, inbox):
    mail_app.config.update(SMTP_USERNAME="globe", SMTP_PASSWORD="s3cret")
    lead, dana = make_user("Lead"), make_user(email="dana@example.org", mentor=True)
    mentoring.assign(make_user(admin=True), submitted_proposal(lead), dana.id)
    assert ("globe", "s3cret") in inbox.logins and len(inbox.to("dana@example.org")) == 1


def test_an_unknown_security_setting_is_logged_not_raised(mail_app, inbox, caplog):
    mail_app.config["SMTP_SECURITY"] = "tls-please"
    dana = make_user(email="dana@example.org")
    with caplog.at_level(logging.ERROR), transaction():
        notifications.notify(dana, "incubator", "Hello", url="/incubator")
    assert inbox.messages == [] and notifications.unread_count(dana) == 1
    assert any("GLOBE_SMTP_SECURITY must be one of" in record.getMessage() for record in caplog.records)


def test_with_starttls_required_nothing_goes_in_clear_to_a_server_without_it(mail_app, inbox, caplog):
    mail_app.config["SMTP_SECURITY"] = "starttls"  # the default; this test server offers no STARTTLS
    dana = make_user(email="dana@example.org")
    with caplog.at_level(logging.ERROR), transaction():
        notifications.notify(dana, "incubator", "Hello", url="/incubator")
    assert inbox.messages == [] and notifications.unread_count(dana) == 1
    [row] = outbox_rows()
    assert row.status == "queued" and "STARTTLS" in row.last_error
