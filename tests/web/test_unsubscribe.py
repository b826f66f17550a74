"""One-click unsubscribe (RFC 8058) from notice emails and digests, through a real SMTP server: the headers,
the mail program's POST without any CSRF token, the confirm page a person sees, and refused links."""
from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import urlsplit

import mail_server as smtp
import pytest
from factories import make_user
from itsdangerous import TimestampSigner

from globe.db import transaction
from globe.services import digests, notifications, unsubscribe

ONE_CLICK = {"List-Unsubscribe": "One-Click"}


@pytest.fixture
def app(mailing_site):
    return mailing_site


def notice_email(inbox, user):
    with transaction():
        notifications.notify(user, "incubator", "Your proposal was reviewed", url="/incubator")
    return inbox.to(user.email)[-1]


def unsubscribe_path(email) -> str:
    header = email["List-Unsubscribe"]
    assert header.startswith(f"<{smtp.SITE}/unsubscribe/") and header.endswith(">")
    assert email["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = urlsplit(header[1:-1]).path
    assert smtp.SITE + path in smtp.text_of(email)  # the same link in the text, for people
    assert f'href="{smtp.SITE}{path}"' in email.get_body(("html",)).get_content()
    return path


def test_a_mail_programs_one_click_post_stops_that_kind_without_any_token(app, inbox, web):
    dana = make_user("Dana", email="dana@example.org")
    path = unsubscribe_path(notice_email(inbox, dana))

    response = web.post(path, ONE_CLICK, csrf=False)  # no session, no form token: as a mail program sends it
    assert response.status_code == 200 and "Unsubscribed" in response.get_data(as_text=True)
    assert notifications.settings_of(dana)["incubator"] == "never"
    assert notifications.settings_of(dana)["membership.answer"] == "immediately"  # only that kind
    notice_email(inbox, dana)
    assert len(inbox.to("dana@example.org")) == 1  # no email for the next one
    assert notifications.unread_count(dana) == 2  # still in the app


def test_opening_the_link_only_shows_a_button_which_unsubscribes(app, inbox, web):
    dana = make_user("Dana", email="dana@example.org")
    path = unsubscribe_path(notice_email(inbox, dana))
    page = web.get(path)  # a person, or a mail scanner following links
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="List-Unsubscribe" value="One-Click"' in html
    assert notifications.KINDS["incubator"].label in html
    assert notifications.settings_of(dana)["incubator"] == "immediately"
    other_body = web.post(path, {"unsubscribe": "yes"}, csrf=False)
    assert other_body.status_code == 400 and notifications.settings_of(dana)["incubator"] == "immediately"
    assert web.post(path, ONE_CLICK, csrf=False).status_code == 200  # the button's form
    assert notifications.settings_of(dana)["incubator"] == "never"


def test_a_digest_carries_the_headers_and_its_link_stops_that_digest(app, inbox, web):
    dana = make_user("Dana", email="dana@example.org")
    notifications.change_settings(dana, {"resources.new": "weekly"})
    with transaction():
        notifications.notify(dana, "wiki.new_page", "A new page", url="/c/club",
                             now=datetime(2026, 12, 1, 10, tzinfo=UTC))
    digests.send_digests("daily", now=datetime(2026, 12, 2, 7, tzinfo=UTC))
    [digest] = inbox.to("dana@example.org")
    path = unsubscribe_path(digest)
    assert "the daily digest" in web.get(path).get_data(as_text=True)
    assert web.post(path, ONE_CLICK, csrf=False).status_code == 200
    settings = notifications.settings_of(dana)
    assert {kind for kind, channel in settings.items() if channel == "daily"} == set()
    assert settings["wiki.page"] == "never" and settings["resources.new"] == "weekly"
    assert settings["incubator"] == "immediately"


@pytest.mark.parametrize("change", ["forged", "cut", "other_secret", "expired", "unknown_kind"])
def test_a_forged_or_expired_link_is_refused_and_changes_nothing(app, inbox, web, monkeypatch, change):
    dana = make_user("Dana", email="dana@example.org")
    path = unsubscribe_path(notice_email(inbox, dana))
    if change == "forged":
        path = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
    elif change == "cut":
        path = path[:-10]
    elif change == "other_secret":
        monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret-" + "y" * 32)
        path = urlsplit(unsubscribe.link_for(dana, "incubator")).path
        monkeypatch.undo()
    elif change == "expired":
        made = datetime(2025, 1, 1, tzinfo=UTC).timestamp()
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(made))
        path = urlsplit(unsubscribe.link_for(dana, "incubator")).path
        monkeypatch.undo()
    else:
        path = urlsplit(unsubscribe.link_for(dana, "no.such.kind")).path
    for response in (web.get(path), web.post(path, ONE_CLICK, csrf=False)):
        assert response.status_code == 400
        assert "This unsubscribe link does not work" in response.get_data(as_text=True)
    assert notifications.settings_of(dana)["incubator"] == "immediately"


def test_without_a_site_address_no_header_is_added(app, inbox):
    app.config["SITE_URL"] = ""  # links carrying a secret are then bare paths, meaningless to a mail program
    dana = make_user("Dana", email="dana@example.org")
    email = notice_email(inbox, dana)
    assert email["List-Unsubscribe"] is None and email["List-Unsubscribe-Post"] is None
    assert "Stop emails like this one: /unsubscribe/" in smtp.text_of(email)
