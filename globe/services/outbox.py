"""Email through the outbox: a message is a row written in the caller's transaction, sent after it.

A sender claims due rows with a conditional UPDATE, so two senders never send one row twice, and
records each message as sent as soon as the server accepted it: a crash between the two sends that
message again once its claim expires (twice, never zero times). Temporary refusals are retried with
growing delays, permanent ones fail at once; the row keeps the last error."""
from __future__ import annotations

import smtplib
import ssl
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from datetime import datetime, timedelta
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from flask import Flask, current_app
from sqlalchemy import func, select, update
from sqlalchemy.engine import Row

from ..db import current_transaction, transaction
from ..errors import Conflict, NotFound
from ..extensions import db
from ..models.base import utcnow
from ..models.outbox import STATUSES, OutboxMessage
from ..permissions import require

SMTP_SECURITY = ("starttls", "ssl", "none")
BATCH = 20
# A sender holds its claimed batch this long; it must outlast sending BATCH messages (each SMTP step
# waits at most SMTP_TIMEOUT_SECONDS). A sender that crashed delays its batch by up to this.
CLAIM = timedelta(minutes=10)
MAX_RETRY_DELAY = timedelta(hours=6)
EXECUTOR_KEY = "globe.email_executor"
# Headers set with set_raw() are written as given (the others are folded as usual).
UNFOLDED_RAW_HEADERS = policy.default.clone(refold_source="none")


class MailServerUnavailable(OSError):
    """The mail server cannot take any message now (unreachable, misconfigured, login refused)."""


# --- queueing --------------------------------------------------------------------------------

def queue_email(*, to_address: str, to_name: str, subject: str, text: str, html: str,
                list_unsubscribe: str = "") -> OutboxMessage:
    """Write one message in the caller's transaction: it goes out after the commit, never after a rollback.

    Header values are made one line here, so a name or subject holding CR/LF can never add a header.
    `list_unsubscribe`, an absolute https or http address, adds the List-Unsubscribe and List-Unsubscribe-Post
    headers (RFC 8058: a mail program's "Unsubscribe" button POSTs to it)."""
    message = OutboxMessage(to_address=one_line(to_address)[:254], to_name=one_line(to_name)[:200],
                            subject=one_line(subject)[:300], text_body=text, html_body=html,
                            message_id=make_msgid(domain=_sender_domain()), status="queued", attempts=0,
                            list_unsubscribe=_unsubscribe_address(list_unsubscribe),
                            created_at=utcnow(), next_attempt_at=utcnow())
    db.session.add(message)
    current_transaction().after_commit_once("outbox.send", schedule_sending)
    return message


def one_line(value: str) -> str:
    """The text as a single header line: control characters and line breaks become single spaces."""
    visible = "".join(" " if unicodedata.category(char) == "Cc" else char for char in str(value))
    return " ".join(visible.split())


def _unsubscribe_address(address: str) -> str | None:
    """The address for the List-Unsubscribe header, or None: only a one-line ASCII absolute http(s) address
    (a bare path, without GLOBE_SITE_URL, would mean nothing to a mail program)."""
    address = one_line(address)
    if not address.isascii() or not address.startswith(("https://", "http://")) or len(address) > 500:
        return None
    return address if not any(char in address for char in "<> ,") else None


def _sender_domain() -> str:
    return parseaddr(str(current_app.config["SMTP_FROM"]))[1].rpartition("@")[2] or "localhost"


# --- sending ---------------------------------------------------------------------------------

def schedule_sending() -> None:
    """Send soon without making the request wait on a mail server: in a background thread, or right
    now when SEND_EMAIL_IN_BACKGROUND is off or when messages only go to the log."""
    app = current_app._get_current_object()
    if not app.config["SEND_EMAIL_IN_BACKGROUND"] or not uses_smtp(app.config):
        _send_in_app(app)
        return
    executor = app.extensions.setdefault(EXECUTOR_KEY, ThreadPoolExecutor(max_workers=1,
                                                                          thread_name_prefix="globe-email"))
    executor.submit(_send_in_app, app)


def _send_in_app(app: Flask) -> None:
    with app.app_context():
        try:
            send_queued()
        except Exception:  # after the commit nobody can be told but the log; the rows stay queued
            app.logger.exception("Sending the email outbox failed")


def uses_smtp(config) -> bool:
    """False without GLOBE_SMTP_HOST or with GLOBE_SMTP_ECHO: messages are written to the log instead."""
    return bool(config.get("SMTP_HOST")) and not config.get("SMTP_ECHO")


def send_queued(now: datetime | None = None, limit: int | None = None) -> int:
    """Send the messages that are due at `now` (at most `limit`); returns how many went out.

    Safe to run in several threads and processes at once. Stops early when the mail server cannot be
    reached: the messages it held wait for their next try."""
    now = now or utcnow()
    sent = 0
    mailer = SmtpMailer(current_app.config) if uses_smtp(current_app.config) else LogMailer()
    with closing(mailer):
        while limit is None or limit > 0:
            batch = _claim(now, BATCH if limit is None else min(BATCH, limit))
            if not batch:
                break
            limit = None if limit is None else limit - len(batch)
            delivered, reachable = _send_batch(mailer, batch, now)
            sent += delivered
            if not reachable:
                break
    return sent


def _is_due(now: datetime):
    return OutboxMessage.status.in_(("queued", "sending")) & (OutboxMessage.next_attempt_at <= now)


def _claim(now: datetime, size: int) -> list[Row]:
    """Take up to `size` due messages for this sender; a row another sender took meanwhile is skipped."""
    claim = uuid.uuid4().hex
    with transaction():
        ids = list(db.session.scalars(select(OutboxMessage.id).where(_is_due(now))
                                      .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id).limit(size)))
        if not ids:
            return []
        db.session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(ids), _is_due(now))
                           .values(status="sending", claimed_by=claim, attempts=OutboxMessage.attempts + 1,
                                   next_attempt_at=now + CLAIM)
                           .execution_options(synchronize_session=False))
    table = OutboxMessage.__table__
    return list(db.session.execute(table.select().where(table.c.claimed_by == claim).order_by(table.c.id)))


def _send_batch(mailer, batch: list[Row], now: datetime) -> tuple[int, bool]:
    """Send each claimed message; (how many went out, whether the server stayed reachable)."""
    sent = 0
    for position, message in enumerate(batch):
        try:
            mailer.open()
            mailer.send(build_email(message))
        except (ValueError, smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException,
                smtplib.SMTPNotSupportedError) as err:  # this message was refused; the connection is fine
            _retry_or_fail(message, err, now)
        except OSError as err:  # includes SMTPServerDisconnected: nothing more goes through it now
            current_app.logger.error("Could not reach the mail server %s:%s (%s); %d email(s) wait for the next try",
                                     current_app.config["SMTP_HOST"], current_app.config["SMTP_PORT"],
                                     describe(err), len(batch) - position)
            mailer.close()
            for waiting in batch[position:]:
                _retry_or_fail(waiting, err, now)
            return sent, False
        else:
            _record(message, status="sent", sent_at=now, last_error=None)
            sent += 1
    return sent, True


def build_email(message: Row) -> EmailMessage:
    """The message as the standard library builds it: text and HTML parts, Date, Message-ID, From, and the
    one-click unsubscribe headers when the message has them."""
    email = EmailMessage(policy=UNFOLDED_RAW_HEADERS)
    email["From"] = str(current_app.config["SMTP_FROM"])
    email["To"] = Address(display_name=message.to_name, addr_spec=message.to_address)
    email["Subject"] = message.subject
    email["Date"] = format_datetime(message.created_at)
    email["Message-ID"] = message.message_id
    if message.list_unsubscribe:
        # Raw, so the long address stays one line: folded, the library would encode it in =?utf-8?q?...?= words
        # that mail programs do not read as an address. It is checked ASCII, one line, under 500 characters.
        email.set_raw("List-Unsubscribe", f"<{message.list_unsubscribe}>")
        email.set_raw("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email


def _retry_or_fail(message: Row, error: Exception, now: datetime) -> None:
    """A temporary refusal waits RETRY_SECONDS, doubled at each try; a permanent one, or the last try, fails."""
    config = current_app.config
    if is_permanent(error) or message.attempts >= int(config["EMAIL_MAX_ATTEMPTS"]):
        current_app.logger.error("Email %d to %s failed after %d attempt(s): %s", message.id, message.to_address,
                                 message.attempts, describe(error))
        _record(message, status="failed", last_error=describe(error))
        return
    delay = timedelta(seconds=float(config["EMAIL_RETRY_SECONDS"]) * 2 ** (message.attempts - 1))
    _record(message, status="queued", next_attempt_at=now + min(delay, MAX_RETRY_DELAY),
            last_error=describe(error))


def _record(message: Row, **values) -> None:
    """Write the outcome, unless this sender's claim was taken over meanwhile (it then belongs to another)."""
    with transaction():
        db.session.execute(update(OutboxMessage)
                           .where(OutboxMessage.id == message.id, OutboxMessage.claimed_by == message.claimed_by)
                           .values(claimed_by=None, **values).execution_options(synchronize_session=False))


def is_permanent(error: Exception) -> bool:
    """5xx answers, and messages that cannot be built or need what the server lacks (SMTPUTF8)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    if isinstance(error, smtplib.SMTPResponseException):
        return error.smtp_code >= 500
    return isinstance(error, (ValueError, smtplib.SMTPNotSupportedError))


def describe(error: Exception) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        text = "; ".join(f"{address}: {code} {_decoded(reply)}" for address, (code, reply) in error.recipients.items())
    elif isinstance(error, smtplib.SMTPResponseException):
        text = f"{error.smtp_code} {_decoded(error.smtp_error)}"
    elif isinstance(error, MailServerUnavailable):
        text = str(error)
    else:
        text = f"{type(error).__name__}: {error}"
    return one_line(text)[:500]


def _decoded(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


# --- mailers ---------------------------------------------------------------------------------

class SmtpMailer:
    """One connection to GLOBE_SMTP_HOST, opened when first needed and again after it was lost."""

    def __init__(self, config) -> None:
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def open(self) -> None:
        if self.smtp is not None and self.smtp.sock is not None:
            return
        self.close()
        try:
            self.smtp = self._connect()
        except (smtplib.SMTPException, ValueError) as err:  # a setup problem, not the message's: all wait
            raise MailServerUnavailable(f"{type(err).__name__}: {err}") from err

    def _connect(self) -> smtplib.SMTP:
        config = self.config
        security = str(config["SMTP_SECURITY"]).lower()
        if security not in SMTP_SECURITY:
            raise ValueError(f"GLOBE_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, not {security!r}")
        tls = ssl.create_default_context()  # verifies the server's certificate, unlike smtplib's default
        address = (str(config["SMTP_HOST"]), int(config["SMTP_PORT"]))
        timeout = float(config["SMTP_TIMEOUT_SECONDS"])
        smtp = (smtplib.SMTP_SSL(*address, timeout=timeout, context=tls) if security == "ssl"
                else smtplib.SMTP(*address, timeout=timeout))
        try:
            if security == "starttls":
                smtp.starttls(context=tls)
            if config.get("SMTP_USERNAME"):
                smtp.login(str(config["SMTP_USERNAME"]), str(config.get("SMTP_PASSWORD") or ""))
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, email: EmailMessage) -> None:
        self.smtp.send_message(email)

    def close(self) -> None:
        if self.smtp is None:
            return
        try:
            self.smtp.quit()
        except OSError:
            self.smtp.close()
        self.smtp = None


class LogMailer:
    """Without a mail server (or with GLOBE_SMTP_ECHO): each message's text goes to the log."""

    def open(self) -> None:
        pass

    def send(self, email: EmailMessage) -> None:
        current_app.logger.warning("Email not sent through a mail server (GLOBE_SMTP_HOST unset or GLOBE_SMTP_ECHO "
                                   "on):\nTo: %s\nSubject: %s\n\n%s", email["To"], email["Subject"],
                                   email.get_body(("plain",)).get_content())

    def close(self) -> None:
        pass


# --- status ----------------------------------------------------------------------------------

def status() -> dict:
    """What `flask globe email-status` shows: messages per status and the oldest one still waiting."""
    counts = dict(db.session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
    oldest = db.session.scalar(select(func.min(OutboxMessage.created_at))
                               .where(OutboxMessage.status.in_(("queued", "sending"))))
    return {**{name: counts.get(name, 0) for name in ("queued", "sending", "sent", "failed")}, "oldest_waiting": oldest}


# --- the admins' Outgoing email page ---------------------------------------------------------

def list_messages(actor, *, status: str = "", page: int = 1, per_page: int = 50) -> tuple[list[OutboxMessage], int]:
    """Messages newest first, optionally of one status, with the count of all that match."""
    require(actor, "site.admin")
    query = select(OutboxMessage)
    if status in STATUSES:
        query = query.where(OutboxMessage.status == status)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(OutboxMessage.id.desc()).offset((page - 1) * per_page).limit(per_page))
    return list(rows), total


def get_message(actor, message_id: int) -> OutboxMessage:
    require(actor, "site.admin")
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("No such message in the outbox.")
    return message


def resend(actor, message_id: int) -> OutboxMessage:
    """Queue a sent or failed message again, with fresh tries (and its original Message-ID, so a mail
    program that already has it shows it once)."""
    message = get_message(actor, message_id)
    if message.status not in ("sent", "failed"):
        raise Conflict("This message is still waiting to be sent.")
    with transaction():
        message.status, message.attempts, message.last_error = "queued", 0, None
        message.next_attempt_at, message.sent_at, message.claimed_by = utcnow(), None, None
        current_transaction().after_commit_once("outbox.send", schedule_sending)
    return message
