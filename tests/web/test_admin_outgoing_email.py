"""Admin → Outgoing email: a site without a mail server can still read what Globe sent (a reset link to
hand over), see what failed and why, and send a message again."""
import re

import pytest
from factories import make_user

from globe.extensions import db
from globe.models.outbox import OutboxMessage


@pytest.fixture
def people(app):
    return {"admin": make_user("Ada Admin", email="ada@example.org", admin=True),
            "mei": make_user("Mei", email="mei@example.org")}


def _messages_to(address):
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_address == address)))


def test_an_admin_reads_a_reset_link_that_no_mail_server_carried(make_web, people):
    visitor, admin = make_web(), make_web()
    visitor.post("/forgot-password", {"email": "mei@example.org"}, token_from="/forgot-password")
    admin.login("ada@example.org")
    listing = admin.get("/admin/email").get_data(as_text=True)
    assert "mei@example.org" in listing and "choose a new password" in listing
    assert "nothing leaves this site" in listing
    [message] = _messages_to("mei@example.org")
    page = admin.get(f"/admin/email/{message.id}").get_data(as_text=True)
    assert re.search(r"/password-reset/[\w-]{20,}", page)


def test_only_admins_see_outgoing_email(make_web, people):
    visitor, mei = make_web(), make_web()
    visitor.post("/forgot-password", {"email": "ada@example.org"}, token_from="/forgot-password")
    [message] = _messages_to("ada@example.org")
    mei.login("mei@example.org")
    page = f"/admin/email/{message.id}"
    assert mei.get("/admin/email").status_code == 403
    assert mei.get(page).status_code == 403
    assert mei.post(f"{page}/resend", {}, token_from="/profile").status_code == 403
    assert visitor.get("/admin/email").status_code in (302, 401)


def test_a_failed_message_shows_its_error_and_is_sent_again(make_web, people, app):
    failed = OutboxMessage(to_address="lee@example.org", to_name="Lee", subject="Invitation", text_body="Hi",
                           html_body="<p>Hi</p>", message_id="<1@example.org>", status="failed", attempts=5,
                           last_error="550 mailbox unavailable")
    db.session.add(failed)
    db.session.commit()
    admin = make_web()
    admin.login("ada@example.org")
    shown = admin.get("/admin/email?status=failed").get_data(as_text=True)
    assert "550 mailbox unavailable" in shown and "lee@example.org" in shown
    assert "lee@example.org" not in admin.get("/admin/email?status=queued").get_data(as_text=True)

    page = f"/admin/email/{failed.id}"
    admin.post(f"{page}/resend", {}, token_from=page)
    db.session.expire_all()
    resent = db.session.get(OutboxMessage, failed.id)
    assert resent.status == "sent" and resent.last_error is None and resent.attempts == 1
    assert resent.message_id == "<1@example.org>"
    assert "queued to be sent again" in admin.get(page).get_data(as_text=True)
