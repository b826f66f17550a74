"""Forgotten passwords, end to end with a real SMTP server (aiosmtpd on a loopback port): the emailed link
sets a new password once, before it expires, signs out every other browser, and nobody learns from the
pages or the mail whether an address has an account."""
from __future__ import annotations

from datetime import timedelta

import pytest
from factories import PASSWORD, make_user
from mail_server import SITE, link_in

from globe.extensions import db
from globe.models.accounts import PasswordReset
from globe.services import accounts, password_resets

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def app(mailing_site):
    """Globe at SITE, mailing a real SMTP server (the `inbox` fixture) right after each commit."""
    return mailing_site


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def ask_for_a_link(browser, email: str):
    return browser.post("/forgot-password", {"email": email}, token_from="/forgot-password")


def emailed_link(browser, inbox, email: str = "mei@example.org") -> str:
    assert ask_for_a_link(browser, email).status_code == 200
    return link_in(inbox.to(email)[-1], "/password-reset/")


def set_password(browser, path: str, password: str = NEW_PASSWORD, confirm: str | None = None):
    return browser.post(path, {"password": password, "confirm": password if confirm is None else confirm},
                        token_from="/forgot-password")


def is_signed_in(browser) -> bool:
    return browser.get("/profile").status_code == 200


def test_the_login_page_links_to_the_form(web, app):
    html = web.get("/login").get_data(as_text=True)
    assert 'href="/forgot-password"' in html and "Forgot your password?" in html


def test_the_emailed_link_sets_a_new_password_and_signs_out_every_other_browser(make_web, inbox, mei):
    phone, laptop = make_web(), make_web()
    phone.login("mei@example.org")
    path = emailed_link(laptop, inbox)
    [email] = inbox.to("mei@example.org")
    assert email["To"] == "Mei <mei@example.org>" and "new password" in email["Subject"]
    form = laptop.get(path)
    assert form.status_code == 200 and "Choose a new password" in form.get_data(as_text=True)

    done = set_password(laptop, path)
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert is_signed_in(laptop)  # this browser is signed in with the new password
    assert not is_signed_in(phone)  # every other one is signed out
    assert accounts.authenticate("mei@example.org", PASSWORD) is None
    refused = make_web().post("/login", {"email": "mei@example.org", "password": PASSWORD})
    assert refused.status_code == 400
    make_web().login("mei@example.org", NEW_PASSWORD)


def test_a_used_link_no_longer_works_and_changes_nothing(make_web, inbox, mei):
    browser = make_web()
    path = emailed_link(browser, inbox)
    set_password(browser, path)
    again = set_password(make_web(), path, "yet another password")
    html = again.get_data(as_text=True)
    assert again.status_code == 410 and "already used" in html and 'href="/forgot-password"' in html
    assert make_web().get(path).status_code == 410
    assert accounts.authenticate("mei@example.org", NEW_PASSWORD) is not None


def test_an_expired_link_no_longer_works_and_changes_nothing(web, inbox, mei):
    path = emailed_link(web, inbox)
    reset = db.session.scalar(db.select(PasswordReset))
    reset.expires_at = reset.created_at - timedelta(seconds=1)
    db.session.commit()
    response = set_password(web, path)
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_the_link_is_stored_hashed_and_works_until_the_configured_hours_have_passed(web, inbox, mei):
    token = emailed_link(web, inbox).rsplit("/", 1)[1]
    reset = db.session.scalar(db.select(PasswordReset))
    assert reset.token_hash == accounts.hash_token(token) and token not in reset.token_hash
    assert reset.expires_at - reset.created_at == timedelta(hours=2)
    with pytest.raises(password_resets.ResetLinkGone):
        password_resets.reset_password(token, new_password=NEW_PASSWORD,
                                       now=reset.created_at + timedelta(hours=2, seconds=1))
    password_resets.reset_password(token, new_password=NEW_PASSWORD, now=reset.created_at + timedelta(hours=1))
    assert accounts.authenticate("mei@example.org", NEW_PASSWORD) is not None


@pytest.mark.parametrize("path", ["/password-reset/forged-token", "/password-reset/" + "x" * 500])
def test_a_forged_link_says_so_and_offers_a_new_one(web, mei, path):
    for response in (web.get(path), set_password(web, path)):
        html = response.get_data(as_text=True)
        assert response.status_code == 400 and "not one Globe sent" in html and 'href="/forgot-password"' in html
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_an_unknown_address_gets_the_same_page_and_no_email(web, inbox, mei):
    known = ask_for_a_link(web, "mei@example.org").get_data(as_text=True)
    unknown = ask_for_a_link(web, "nobody@example.org").get_data(as_text=True)
    assert known.replace("mei@example.org", "ADDRESS") == unknown.replace("nobody@example.org", "ADDRESS")
    assert len(inbox.messages) == 1 and inbox.to("nobody@example.org") == []


def test_a_suspended_account_gets_the_same_page_and_no_email(web, inbox, mei):
    admin = make_user("Ada", email="ada@example.org", admin=True)
    accounts.set_suspended(admin, mei, suspended=True, reason="Spam.")
    response = ask_for_a_link(web, "mei@example.org")
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert inbox.messages == []


def test_a_link_stops_working_when_the_account_is_suspended(web, inbox, mei):
    path = emailed_link(web, inbox)
    accounts.set_suspended(make_user("Ada", admin=True), mei, suspended=True, reason="Spam.")
    assert set_password(web, path).status_code == 410
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_a_weak_or_mismatched_password_is_refused_and_the_link_still_works(web, inbox, mei):
    path = emailed_link(web, inbox)
    assert set_password(web, path, "short").status_code == 400
    assert set_password(web, path, "x" * 300).status_code == 400
    assert set_password(web, path, NEW_PASSWORD, confirm="something else").status_code == 400
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None
    assert set_password(web, path).status_code == 302


def test_both_forms_need_csrf(web, inbox, mei):
    assert web.post("/forgot-password", {"email": "mei@example.org"}, csrf=False).status_code == 400
    assert inbox.messages == []
    path = emailed_link(web, inbox)
    assert web.post(path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, csrf=False).status_code == 400
    assert accounts.authenticate("mei@example.org", PASSWORD) is not None


def test_line_breaks_in_a_name_never_reach_a_mail_header(web, inbox):
    make_user("Eve\r\nBcc: victim@example.org", email="eve@example.org")
    emailed_link(web, inbox, "eve@example.org")
    [(recipients, email)] = inbox.messages
    assert recipients == ["eve@example.org"] and email["Bcc"] is None
    assert "\n" not in email["To"] and "victim@example.org" not in recipients


@pytest.mark.parametrize("site_url, link_start", [(SITE, SITE + "/password-reset/"),
                                                   ("", "/password-reset/")])
def test_the_link_never_comes_from_the_host_header(app, inbox, mei, site_url, link_start):
    """Unset GLOBE_SITE_URL gives a bare path rather than an address a client could forge."""
    app.config["SITE_URL"] = site_url
    with app.test_request_context("/forgot-password", method="POST", headers={"Host": "evil.example"}):
        password_resets.request_reset(None, email="mei@example.org")
    [email] = inbox.to("mei@example.org")
    text = email.get_body(("plain",)).get_content()
    assert "evil.example" not in text and f"\n{link_start}" in text


def test_requests_are_rate_limited_per_address(app, make_web, inbox, mei):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    browser = make_web()
    statuses = [browser.post("/forgot-password", {"email": "Mei@Example.org "}, token_from="/forgot-password",
                             environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(3)]
    assert statuses == [200, 200, 429] and len(inbox.messages) == 2


def test_requests_are_rate_limited_per_ip(app, web, inbox, mei):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    statuses = [ask_for_a_link(web, f"person{n}@example.org").status_code for n in range(3)]
    assert statuses == [200, 200, 429]


def test_an_admin_sends_a_reset_email_from_the_roles_page(make_web, inbox, mei):
    make_user("Ada", email="ada@example.org", admin=True)
    admin = make_web()
    admin.login("ada@example.org")
    page = f"/admin/people/{mei.id}/roles"
    assert "Send a password-reset email" in admin.get(page).get_data(as_text=True)
    response = admin.post(f"/admin/people/{mei.id}/password-reset", token_from=page)
    assert response.status_code == 302 and response.headers["Location"] == page
    [email] = inbox.to("mei@example.org")
    assert "administrator" in email.get_body(("plain",)).get_content()
    browser = make_web()
    assert set_password(browser, link_in(email, "/password-reset/")).status_code == 302 and is_signed_in(browser)


def test_only_admins_send_reset_emails_and_with_csrf(make_web, inbox, mei):
    other = make_user("Bo", email="bo@example.org")
    browser = make_web()
    browser.login("bo@example.org")
    assert browser.post(f"/admin/people/{mei.id}/password-reset", token_from="/profile").status_code == 403
    make_user("Ada", email="ada@example.org", admin=True)
    admin = make_web()
    admin.login("ada@example.org")
    assert admin.post(f"/admin/people/{other.id}/password-reset", csrf=False).status_code == 400
    assert inbox.messages == []
