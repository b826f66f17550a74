"""Slowing down password guessing (globe/services/login_throttle.py): new browsers wait longer after each wrong
password, the owner's own browsers never wait for others' guesses, the owner is warned once an hour, and a
right password during a wait can get an emailed sign-in link. Time is passed in: no test sleeps."""
from __future__ import annotations

from datetime import timedelta

import pytest
from factories import PASSWORD, make_user
from sqlalchemy import func, select

from globe.extensions import db
from globe.models import OutboxMessage
from globe.models.base import utcnow
from globe.models.login_throttle import LoginDevice, LoginWarning
from globe.services import accounts, login_throttle
from globe.services.login_throttle import LoginAttempt, SignInLinkGone, SignInLinkUnknown

OWNER = "mei@example.org"
HOME = "198.51.100.7"  # the owner's network address
T0 = utcnow().replace(microsecond=0)


@pytest.fixture
def mei(app):
    return make_user("Mei", email=OWNER)


def guess(email: str = OWNER, *, at=T0, address: str = "203.0.113.66", cookie: str | None = None,
          password: str = "wrong password") -> LoginAttempt:
    return login_throttle.attempt_login(email, password, address=address, device_cookie=cookie, now=at)


def guess_until_refused(email: str = OWNER, *, times: int, at=T0, **kwargs) -> list[int]:
    """Wrong passwords at one moment, each from another address; the wait each attempt was asked for."""
    return [guess(email, at=at, address=f"203.0.113.{n}", **kwargs).wait_seconds for n in range(times)]


def emails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)))


def test_after_five_failures_a_new_browser_waits_twice_as_long_after_each_one(mei):
    assert guess_until_refused(times=6) == [0, 0, 0, 0, 0, 2]
    assert guess(at=T0 + timedelta(seconds=1)).wait_seconds == 1
    assert guess(at=T0 + timedelta(seconds=2)) == LoginAttempt(user=None)  # checked, wrong, counted
    assert guess(at=T0 + timedelta(seconds=2)).wait_seconds == 4
    assert guess(at=T0 + timedelta(seconds=6), password=PASSWORD).user == mei


def test_the_wait_stops_growing_at_the_configured_maximum(app, mei):
    app.config["LOGIN_BACKOFF_MAX_SECONDS"] = 60
    at = T0
    for _ in range(12):
        at += timedelta(seconds=guess(at=at).wait_seconds)
        guess(at=at)
    assert guess(at=at).wait_seconds == 60


def test_failures_older_than_the_window_no_longer_count(app, mei):
    guess_until_refused(times=5)
    assert guess(at=T0).wait_seconds
    later = T0 + timedelta(seconds=app.config["LOGIN_FAILURE_WINDOW_SECONDS"] + 1)
    assert guess(at=later, password=PASSWORD).user == mei


def test_a_refused_attempt_answers_alike_whether_the_password_was_right(mei):
    guess_until_refused(times=5)
    right, wrong = guess(password=PASSWORD), guess(password="wrong password")
    assert right == wrong == LoginAttempt(user=None, wait_seconds=2)


def test_the_owners_browser_signs_in_at_once_after_twenty_guesses_elsewhere(mei):
    cookie = login_throttle.trust_browser(mei, device_cookie=None, address=HOME, now=T0)
    at = T0 + timedelta(minutes=1)
    for n in range(20):
        guess(at=at + timedelta(seconds=n), address=f"203.0.113.{n}")
    assert guess(at=at + timedelta(seconds=20)).wait_seconds  # a new browser must wait
    assert guess(at=at + timedelta(seconds=20), cookie=cookie, password=PASSWORD).user == mei
    assert guess(at=at + timedelta(seconds=20), cookie=cookie, password="a typo").wait_seconds == 0


def test_a_trusted_browser_waits_after_its_own_wrong_passwords(mei):
    cookie = login_throttle.trust_browser(mei, device_cookie=None, address=HOME, now=T0)
    assert guess_until_refused(times=6, cookie=cookie) == [0, 0, 0, 0, 0, 2]
    assert guess(password=PASSWORD).user == mei  # counted apart: they do not slow new browsers down


@pytest.mark.parametrize("cookie", ["forged", "x" * 500, "", None])
def test_a_forged_device_cookie_is_a_new_browser(mei, cookie):
    guess_until_refused(times=5)
    assert guess(cookie=cookie, password=PASSWORD).wait_seconds == 2


def test_a_device_cookie_trusts_a_browser_for_its_own_account_only(mei):
    other = make_user(email="li@example.org")
    cookie = login_throttle.trust_browser(other, device_cookie=None, address=HOME, now=T0)
    guess_until_refused(times=5)
    assert guess(cookie=cookie, password=PASSWORD).wait_seconds == 2


def test_a_device_cookie_unused_for_its_lifetime_no_longer_counts(app, mei):
    cookie = login_throttle.trust_browser(mei, device_cookie=None, address=HOME, now=T0)
    later = T0 + timedelta(days=app.config["LOGIN_DEVICE_COOKIE_DAYS"], seconds=1)
    guess_until_refused(times=5, at=later)
    assert guess(at=later, cookie=cookie, password=PASSWORD).wait_seconds == 2


def test_signing_in_again_keeps_the_browsers_device(mei):
    cookie = login_throttle.trust_browser(mei, device_cookie=None, address=HOME, now=T0)
    again = login_throttle.trust_browser(mei, device_cookie=cookie, address=HOME, now=T0 + timedelta(days=1))
    assert db.session.scalar(select(func.count()).select_from(LoginDevice)) == 1
    guess_until_refused(times=5)
    assert guess(cookie=again, password=PASSWORD).user == mei


def test_a_successful_login_resets_the_count_of_the_browser_it_came_from(mei):
    cookie = login_throttle.trust_browser(mei, device_cookie=None, address=HOME, now=T0)
    for _ in range(4):
        guess(cookie=cookie)
    login_throttle.trust_browser(mei, device_cookie=cookie, address=HOME, now=T0)
    assert guess_until_refused(times=5, cookie=cookie) == [0, 0, 0, 0, 0]


def test_a_new_browser_that_gets_in_forgets_its_own_address_typos_not_the_attackers(mei):
    for _ in range(3):
        guess(address=HOME)
    guess(address="203.0.113.1")
    guess(address="203.0.113.2")
    login_throttle.trust_browser(mei, device_cookie=None, address=HOME, now=T0)
    assert guess_until_refused(times=4) == [0, 0, 0, 2]


def test_unknown_addresses_are_slowed_down_alike(mei):
    assert guess_until_refused("nobody@example.org", times=6) == guess_until_refused(times=6)


def test_the_owner_is_warned_once_an_hour_with_what_to_do(mei):
    guess_until_refused(times=4)
    assert emails_to(OWNER) == []
    for n in range(16):
        guess(at=T0 + timedelta(minutes=n))
    [warning] = emails_to(OWNER)
    assert "trying to guess your password" in warning.subject
    assert "from 5 network address(es)" in warning.text_body  # four at first, then one again and again
    assert "choose a new password" in warning.text_body and "two-factor" in warning.text_body
    next_hour = T0 + timedelta(hours=1, minutes=16)
    guess_until_refused(times=6, at=next_hour)
    assert len(emails_to(OWNER)) == 2


def test_guessing_at_an_unknown_address_emails_nobody(app, mei):
    guess_until_refused("nobody@example.org", times=20)
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.scalar(select(func.count()).select_from(LoginWarning)) == 0


def test_a_suspended_owner_is_not_warned(mei):
    accounts.set_suspended(accounts.SYSTEM, mei, suspended=True, reason="Spam.")
    guess_until_refused(times=6)
    assert emails_to(OWNER) == []


def sign_in_link(address: str = OWNER, password: str = PASSWORD, *, at=T0) -> str | None:
    """Ask for a sign-in link; the token in the email it sent, if any."""
    before = len(emails_to(address))
    login_throttle.email_sign_in_link(address, password, address=HOME, device_cookie=None, now=at)
    sent = emails_to(address)[before:]
    if not sent:
        return None
    [message] = sent
    return message.text_body.split("/sign-in/")[1].split()[0]


def test_a_right_password_during_a_wait_gets_a_link_that_works_once(mei):
    guess_until_refused(times=6)
    token = sign_in_link()
    assert login_throttle.use_sign_in_link(token, now=T0) == mei
    with pytest.raises(SignInLinkGone):
        login_throttle.use_sign_in_link(token, now=T0)


def test_a_wrong_password_gets_no_link_and_counts_as_a_guess(mei):
    assert sign_in_link(password="wrong password") is None
    assert guess_until_refused(times=5) == [0, 0, 0, 0, 2]


def test_an_unknown_address_gets_no_link(mei):
    assert sign_in_link("nobody@example.org") is None


def test_a_sign_in_link_expires(app, mei):
    token = sign_in_link()
    with pytest.raises(SignInLinkGone):
        login_throttle.check_sign_in_link(token, now=T0 + timedelta(minutes=app.config["LOGIN_LINK_MINUTES"]))


def test_a_suspended_account_gets_no_link_and_loses_the_one_it_had(mei):
    token = sign_in_link()
    accounts.set_suspended(accounts.SYSTEM, mei, suspended=True, reason="Spam.")
    with pytest.raises(SignInLinkGone):
        login_throttle.check_sign_in_link(token, now=T0)
    assert sign_in_link() is None


@pytest.mark.parametrize("token", ["", "forged", "x" * 500, None])
def test_a_forged_sign_in_link_does_not_work(mei, token):
    with pytest.raises(SignInLinkUnknown):
        login_throttle.check_sign_in_link(token, now=T0)
