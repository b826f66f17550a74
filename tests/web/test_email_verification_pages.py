"""Confirming an email address in the browser, with a real SMTP server (aiosmtpd) receiving every message:
sign up, follow the link, resend it, change the address; bad links get a clear page, never a 500."""
from __future__ import annotations

import mail_server
import pytest
from factories import PASSWORD, make_community, make_user
from mail_server import link_in

from globe.extensions import db
from globe.models.accounts import EmailVerification
from globe.services import accounts

SITE = mail_server.SITE


@pytest.fixture
def app(mailing_site):
    """Globe at SITE, mailing a real SMTP server (the `inbox` fixture) right after each commit."""
    return mailing_site


def sign_up(browser, email: str = "kim@example.org", name: str = "Kim"):
    return browser.post("/register", {"email": email, "display_name": name, "password": PASSWORD,
                                      "confirm": PASSWORD}, token_from="/register")


def confirm(browser, path: str):
    return browser.post(path, token_from="/about")


def test_signing_up_mails_a_link_that_confirms_the_address(web, inbox):
    response = sign_up(web)
    assert response.status_code == 302
    home = web.get("/").get_data(as_text=True)
    assert "Check your inbox" in home and "kim@example.org" in home and "Resend the link" in home
    [email] = inbox.to("kim@example.org")
    assert email["To"] == "Kim <kim@example.org>" and "confirm your email address" in email["Subject"]
    path = link_in(email, "/confirm-email/")

    page = web.get(path)  # opening the link (as a mail scanner would) changes nothing
    assert page.status_code == 200 and "Confirm kim@example.org" in page.get_data(as_text=True)
    assert not accounts.find_user_by_email("kim@example.org").email_verified
    done = confirm(web, path)
    assert done.status_code == 302 and done.headers["Location"] == "/profile"
    assert accounts.find_user_by_email("kim@example.org").email_verified
    assert "Check your inbox" not in web.get("/").get_data(as_text=True)


def test_an_unverified_member_joins_but_is_told_how_to_post(web, inbox):
    staffroom = make_community("staffroom", policy="open", members_can_edit_wiki=True)
    sign_up(web)
    joined = web.post(f"/c/{staffroom.slug}/join", token_from=f"/c/{staffroom.slug}")
    assert joined.status_code in (302, 303)
    refused = web.get(f"/c/{staffroom.slug}/wiki/-/new")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 403 and "Confirm your email address first" in html and "Resend the link" in html
    confirm(web, link_in(inbox.to("kim@example.org")[-1], "/confirm-email/"))
    assert web.get(f"/c/{staffroom.slug}/wiki/-/new").status_code == 200


def test_resend_from_the_profile(web, inbox):
    sign_up(web)
    profile = web.get("/profile").get_data(as_text=True)
    assert "not confirmed yet" in profile
    response = web.post("/profile/email/resend", token_from="/profile")
    assert response.status_code == 302 and len(inbox.to("kim@example.org")) == 2
    assert "We sent a new link" in web.get("/profile").get_data(as_text=True)
    web.post("/profile/email/resend", token_from="/profile")
    web.post("/profile/email/resend", token_from="/profile")
    assert "in the last hour" in web.get("/profile").get_data(as_text=True)
    assert len(inbox.to("kim@example.org")) == 3


def test_bad_links_get_a_clear_page(web, inbox):
    sign_up(web)
    path = link_in(inbox.to("kim@example.org")[-1], "/confirm-email/")
    assert web.get("/confirm-email/forged").status_code == 400
    assert web.get("/confirm-email/" + "x" * 5000).status_code in (400, 404, 414)
    link = db.session.scalar(db.select(EmailVerification))
    link.expires_at = link.created_at
    db.session.commit()
    expired = web.get(path)
    assert expired.status_code == 410 and "expired" in expired.get_data(as_text=True)
    assert confirm(web, path).status_code == 410
    assert not accounts.find_user_by_email("kim@example.org").email_verified


def test_a_used_link_says_so(make_web, inbox):
    browser = make_web()
    sign_up(browser)
    path = link_in(inbox.to("kim@example.org")[-1], "/confirm-email/")
    confirm(browser, path)
    again = make_web().get(path)
    assert again.status_code == 410 and "already used" in again.get_data(as_text=True)


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def ask_change(browser, email: str, password: str = PASSWORD):
    return browser.post("/profile/email", {"email": email, "current_password": password}, token_from="/profile/email")


def test_changing_the_address_on_the_profile(make_web, inbox, mei):
    browser, phone = make_web(), make_web()
    browser.login("mei@example.org")
    phone.login("mei@example.org")
    assert 'href="/profile/email"' in browser.get("/profile").get_data(as_text=True)
    response = ask_change(browser, "mei@new.example")
    assert response.status_code == 302
    page = browser.get("/profile/email").get_data(as_text=True)
    assert "we sent a link to it" in page and "Waiting for confirmation" in page and "mei@new.example" in page
    assert accounts.find_user_by_email("mei@example.org") is not None
    [email] = inbox.to("mei@new.example")
    assert "new email address" in email["Subject"]

    done = confirm(browser, link_in(email, "/confirm-email/"))
    assert done.status_code == 302
    assert accounts.find_user_by_email("mei@new.example").id == mei.id
    [notice] = inbox.to("mei@example.org")
    assert "was changed" in notice["Subject"] and "wasn't you" in notice.get_body(("plain",)).get_content()
    assert browser.get("/profile").status_code == 200  # this browser stays signed in
    assert phone.get("/profile").status_code == 302  # every other one is signed out
    make_web().login("mei@new.example")


def test_a_taken_address_gets_the_same_answer_and_no_email(web, inbox, mei):
    make_user(email="taken@example.org")
    web.login("mei@example.org")
    taken = ask_change(web, "taken@example.org")
    shown_taken = web.get("/profile/email").get_data(as_text=True)
    free = ask_change(web, "free@example.org")
    shown_free = web.get("/profile/email").get_data(as_text=True)
    assert taken.status_code == free.status_code == 302
    assert "If taken@example.org can be used, we sent a link" in shown_taken
    assert "If free@example.org can be used, we sent a link" in shown_free
    assert inbox.to("taken@example.org") == [] and len(inbox.to("free@example.org")) == 1


def test_an_address_taken_after_the_link_was_sent_is_refused_cleanly(web, inbox, mei):
    web.login("mei@example.org")
    ask_change(web, "mei@new.example")
    path = link_in(inbox.to("mei@new.example")[-1], "/confirm-email/")
    make_user(email="mei@new.example")
    refused = confirm(web, path)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "cannot become yours" in html and "mei@example.org" not in html
    assert accounts.find_user_by_email("mei@example.org").id == mei.id


def test_a_wrong_password_changes_nothing(web, inbox, mei):
    web.login("mei@example.org")
    response = ask_change(web, "mei@new.example", password="not my password")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "not your current password" in html and 'value="mei@new.example"' in html
    assert inbox.to("mei@new.example") == []


def test_the_forms_need_their_csrf_token(web, mei):
    web.login("mei@example.org")
    for path in ("/profile/email", "/profile/email/resend"):
        assert web.post(path, {"email": "x@example.org", "current_password": PASSWORD}, csrf=False).status_code == 400


def test_a_name_with_line_breaks_never_reaches_a_header(web, inbox):
    sign_up(web, name="Kim")
    kim = accounts.find_user_by_email("kim@example.org")
    kim.display_name = "Kim\r\nBcc: victim@example.org"
    db.session.commit()
    web.post("/profile/email/resend", token_from="/profile")
    email = inbox.to("kim@example.org")[-1]
    assert email["Bcc"] is None and inbox.to("victim@example.org") == []
    assert email["To"] == '"Kim Bcc: victim@example.org" <kim@example.org>'  # one quoted display name


def test_confirming_needs_the_forms_csrf_token(web, inbox):
    sign_up(web)
    path = link_in(inbox.to("kim@example.org")[-1], "/confirm-email/")
    assert web.post(path, csrf=False).status_code == 400
    assert not accounts.find_user_by_email("kim@example.org").email_verified
