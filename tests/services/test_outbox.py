"""The email outbox against a real SMTP server (aiosmtpd on a loopback port): a message is queued with
the change that caused it, retried while the server refuses for now, failed when it refuses for good,
kept while the server is down, and never sent twice by two senders."""
from __future__ import annotations

import logging
import threading
from datetime import timedelta
from email.utils import parsedate_to_datetime

import pytest
from mail_server import free_port, smtp_server, text_of

from globe.db import transaction
from globe.extensions import db
from globe.models import OutboxMessage
from globe.models.base import utcnow
from globe.services import outbox


def queue(address: str = "dana@example.org", *, name: str = "Dana", subject: str = "Your reset link") -> int:
    with transaction():
        message = outbox.queue_email(to_address=address, to_name=name, subject=subject,
                                     text="Open https://globe.example.org/reset/abc",
                                     html='<p><a href="https://globe.example.org/reset/abc">Reset</a></p>')
    return message.id


def row(message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def test_a_message_arrives_with_text_and_html_parts_and_correct_headers(mail_app, inbox):
    message_id = queue(name="Dana Łukasiewicz")
    [email] = inbox.to("dana@example.org")
    sent = row(message_id)
    assert email["From"] == "Globe <globe@example.org>"
    assert email["To"] == "Dana Łukasiewicz <dana@example.org>" and email["Subject"] == "Your reset link"
    assert email["Message-ID"] == sent.message_id and sent.message_id.endswith("@example.org>")
    assert abs(parsedate_to_datetime(email["Date"]) - sent.created_at) < timedelta(seconds=1)
    assert email.get_content_type() == "multipart/alternative"
    assert text_of(email) == "Open https://globe.example.org/reset/abc\n"
    assert 'href="https://globe.example.org/reset/abc"' in email.get_body(("html",)).get_content()
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None) and sent.sent_at is not None


def test_line_breaks_in_a_name_or_subject_never_reach_a_header(mail_app, inbox):
    queue(name="Eve\r\nBcc: victim@example.org", subject="Hello\r\nBcc: victim@example.org\n\nbody")
    [(recipients, email)] = inbox.messages
    assert recipients == ["dana@example.org"] and email["Bcc"] is None
    assert email["Subject"] == "Hello Bcc: victim@example.org body"
    assert email["To"].addresses[0].display_name == "Eve Bcc: victim@example.org"


def test_an_address_with_a_line_break_is_refused_not_sent(mail_app, inbox):
    message_id = queue("dana@example.org\r\nBcc: victim@example.org")
    refused = row(message_id)
    assert refused.status == "failed" and "Invalid addr_spec" in refused.last_error
    assert inbox.messages == []


def test_a_rolled_back_change_queues_nothing(mail_app, inbox):
    with pytest.raises(RuntimeError), transaction():
        outbox.queue_email(to_address="dana@example.org", to_name="Dana", subject="Never", text="x", html="x")
        raise RuntimeError("the change fails after the email was queued")
    assert inbox.messages == [] and db.session.scalar(db.select(db.func.count(OutboxMessage.id))) == 0


def test_a_temporary_refusal_is_retried_after_a_growing_delay(mail_app, inbox):
    inbox.busy = ["451 4.3.0 Try again later", "452 4.2.2 Mailbox full"]
    start = utcnow()
    message_id = queue()  # the first try, right after the commit, is refused
    first = row(message_id)
    assert (first.status, first.attempts) == ("queued", 1)
    assert first.last_error == "dana@example.org: 451 4.3.0 Try again later"
    assert outbox.send_queued(now=start + timedelta(seconds=30)) == 0  # not due before 60 s
    assert outbox.send_queued(now=start + timedelta(seconds=61)) == 0  # refused again: now 120 s more
    assert row(message_id).next_attempt_at > start + timedelta(seconds=180)
    assert outbox.send_queued(now=start + timedelta(seconds=190)) == 1
    assert (row(message_id).status, row(message_id).attempts) == ("sent", 3)
    assert len(inbox.to("dana@example.org")) == 1


def test_a_message_still_refused_after_the_last_attempt_fails(mail_app, inbox):
    mail_app.config["EMAIL_MAX_ATTEMPTS"] = 2
    inbox.busy = ["451 4.3.0 Try again later"] * 2
    message_id = queue()
    outbox.send_queued(now=utcnow() + timedelta(hours=1))
    failed = row(message_id)
    assert (failed.status, failed.attempts) == ("failed", 2)
    assert failed.last_error == "dana@example.org: 451 4.3.0 Try again later"
    assert outbox.send_queued(now=utcnow() + timedelta(days=1)) == 0 and inbox.messages == []


def test_a_permanent_refusal_fails_at_once_with_the_error(mail_app, inbox):
    message_id = queue("bounce@example.org")
    failed = row(message_id)
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == "bounce@example.org: 550 5.1.1 No such mailbox"
    assert outbox.send_queued(now=utcnow() + timedelta(days=1)) == 0 and inbox.messages == []


def test_a_message_waits_while_the_server_is_down_and_goes_out_when_it_is_back(mail_app, inbox, caplog):
    inbox.server.stop()
    with caplog.at_level(logging.ERROR):
        message_id = queue()  # the commit succeeds; the send after it finds nobody listening
    waiting = row(message_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1) and "Connection" in waiting.last_error
    assert any("Could not reach the mail server" in record.getMessage() for record in caplog.records)
    inbox.server = smtp_server(inbox, inbox.port)
    assert outbox.send_queued(now=utcnow() + timedelta(minutes=2)) == 1
    assert row(message_id).status == "sent" and len(inbox.to("dana@example.org")) == 1


def test_a_mistake_in_the_mail_settings_keeps_messages_waiting_instead_of_failing_them(mail_app, inbox):
    mail_app.config["SMTP_PORT"] = "twenty-five"
    message_id = queue()
    assert row(message_id).status == "queued" and row(message_id).last_error.startswith("ValueError")
    mail_app.config["SMTP_PORT"] = inbox.port  # fixed: the next round sends it
    assert outbox.send_queued(now=utcnow() + timedelta(minutes=2)) == 1


def test_a_message_claimed_by_a_sender_is_left_to_it_until_its_claim_expires(mail_app, inbox):
    mail_app.config["SMTP_PORT"] = free_port()  # the first send after the commit finds nobody: stays queued
    message_id = queue()
    mail_app.config["SMTP_PORT"] = inbox.port
    later = utcnow() + timedelta(minutes=5)
    [claimed] = outbox._claim(later, 20)  # another sender took it, then crashed before sending
    assert claimed.id == message_id and row(message_id).status == "sending"
    assert outbox.send_queued(now=later) == 0 and inbox.messages == []
    assert outbox.send_queued(now=later + outbox.CLAIM + timedelta(seconds=1)) == 1
    assert row(message_id).status == "sent" and len(inbox.messages) == 1


def test_two_senders_at_once_never_send_one_message_twice(mail_app, inbox):
    mail_app.config["SMTP_PORT"] = free_port()  # queue 40 messages while nobody listens
    ids = [queue(f"teacher{n}@example.org") for n in range(40)]
    mail_app.config["SMTP_PORT"] = inbox.port
    later, start, counts = utcnow() + timedelta(minutes=5), threading.Barrier(2), []

    def sender():
        with mail_app.app_context():
            start.wait()
            counts.append(outbox.send_queued(now=later))
            db.session.remove()

    threads = [threading.Thread(target=sender) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 40 and len(inbox.messages) == 40
    assert sorted(recipients[0] for recipients, _ in inbox.messages) == sorted(f"teacher{n}@example.org"
                                                                               for n in range(40))
    assert {row(message_id).status for message_id in ids} == {"sent"}


def test_without_a_mail_server_messages_are_written_to_the_log(app, caplog):
    assert app.config["SMTP_HOST"] == ""  # the default
    with caplog.at_level(logging.WARNING):
        message_id = queue()
    assert row(message_id).status == "sent"
    [record] = [r for r in caplog.records if "Email not sent through a mail server" in r.getMessage()]
    assert "Open https://globe.example.org/reset/abc" in record.getMessage()


def test_with_echo_on_messages_go_to_the_log_instead_of_the_server(mail_app, inbox, caplog):
    mail_app.config["SMTP_ECHO"] = True
    with caplog.at_level(logging.WARNING):
        queue()
    assert inbox.messages == []
    assert any("To: Dana <dana@example.org>" in record.getMessage() for record in caplog.records)


def test_by_default_the_message_is_sent_in_a_background_thread(mail_app, inbox):
    mail_app.config["SEND_EMAIL_IN_BACKGROUND"] = True
    message_id = queue()
    mail_app.extensions[outbox.EXECUTOR_KEY].shutdown(wait=True)  # wait for the thread, not for a time
    assert row(message_id).status == "sent" and len(inbox.to("dana@example.org")) == 1


def test_the_index_worker_and_send_email_commands_send_the_outbox(mail_app, inbox):
    mail_app.config.update(SMTP_PORT=free_port(), EMAIL_RETRY_SECONDS=0)  # retried as soon as asked
    queue("one@example.org")
    queue("two@example.org")
    mail_app.config["SMTP_PORT"] = inbox.port
    runner = mail_app.test_cli_runner()
    status = runner.invoke(args=["globe", "email-status"])
    assert status.exit_code == 0 and "queued: 2" in status.output
    result = runner.invoke(args=["globe", "send-email", "--limit", "1"])
    assert result.exit_code == 0 and "Sent 1 email(s)." in result.output
    result = runner.invoke(args=["globe", "index-worker", "--once"])
    assert result.exit_code == 0 and "Sent 1 email(s)." in result.output
    assert len(inbox.messages) == 2 and "sent: 2" in runner.invoke(args=["globe", "email-status"]).output
