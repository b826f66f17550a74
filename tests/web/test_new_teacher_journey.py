"""A new teacher with only an email address, end to end through the pages, with a real SMTP server
receiving every message: invited by a facilitator, signs up through the emailed link, forgets the
password and resets it, changes it, turns on two-factor sign-in, deletes the account."""
from __future__ import annotations

import re

import pyotp
import pytest
from factories import PASSWORD, add_member, make_community, make_user
from mail_server import link_in

from globe.extensions import db
from globe.models import Membership, User
from globe.services import accounts

NOOR = "noor@school.example"
RESET_PASSWORD, CHANGED_PASSWORD = "forgot it, chose this", "and now another one"
RECOVERY_CODE_RE = re.compile(r"\b[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}\b")


@pytest.fixture
def app(mailing_site):
    return mailing_site


@pytest.fixture
def community(app):
    cop = make_community("listening", name="Listening Lab", policy="invite", visibility="members")
    add_member(cop, make_user("Fatima Facilitator", email="fatima@example.org"), "facilitator")
    return cop


def subjects_to(inbox, address: str) -> list[str]:
    return [message["Subject"] for message in inbox.to(address)]


def noor() -> User:
    db.session.expire_all()
    return accounts.find_user_by_email(NOOR)


def invite_noor(make_web, community):
    fatima = make_web()
    fatima.login("fatima@example.org")
    members = f"/c/{community.slug}/members"
    answer = fatima.post(f"/c/{community.slug}/members/invite",
                         {"emails": f"Noor <{NOOR}>", "role": "editor", "message": "Join our lab!"}, token_from=members)
    assert answer.status_code == 200 and "emailed" in answer.get_data(as_text=True)


def sign_up_through_the_invitation(browser, inbox) -> None:
    [invitation] = inbox.to(NOOR)
    assert "Join our lab!" in invitation.get_body(("plain",)).get_content()
    path = link_in(invitation, "/invitations/")
    assert NOOR in browser.get(path).get_data(as_text=True)
    joined = browser.post(path, {"display_name": "Noor Haddad", "password": PASSWORD, "confirm": PASSWORD},
                          token_from=path)
    assert joined.status_code == 302


def reset_forgotten_password(browser, inbox) -> None:
    browser.logout()
    browser.post("/forgot-password", {"email": NOOR}, token_from="/forgot-password")
    path = link_in(inbox.to(NOOR)[-1], "/password-reset/")
    done = browser.post(path, {"password": RESET_PASSWORD, "confirm": RESET_PASSWORD}, token_from="/forgot-password")
    assert done.status_code == 302


def change_password(browser) -> None:
    changed = browser.post("/profile/password", {"current_password": RESET_PASSWORD, "new_password": CHANGED_PASSWORD,
                                                 "confirm": CHANGED_PASSWORD}, token_from="/profile/password")
    assert changed.status_code == 302


def turn_on_two_factor(browser) -> list[str]:
    page = browser.get("/profile/two-factor").get_data(as_text=True)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    shown = browser.post("/profile/two-factor/confirm", {"code": pyotp.TOTP(secret).now()}, token_from="/profile")
    codes = RECOVERY_CODE_RE.findall(shown.get_data(as_text=True))
    assert shown.status_code == 200 and len(set(codes)) == 10
    return codes


def sign_in_with_a_recovery_code(browser, code: str) -> None:
    browser.logout()
    asked = browser.post("/login", {"email": NOOR, "password": CHANGED_PASSWORD})
    assert asked.headers["Location"].endswith("/login/two-factor")
    assert browser.get("/profile").status_code == 302  # not signed in before the second step
    done = browser.post("/login/two-factor", {"recovery_code": code}, token_from="/login/two-factor")
    assert done.status_code == 302 and browser.get("/profile").status_code == 200


def test_a_new_teacher_from_invitation_to_deleted_account(make_web, inbox, community):
    invite_noor(make_web, community)
    browser = make_web()
    sign_up_through_the_invitation(browser, inbox)
    record = db.session.scalar(db.select(Membership).where(Membership.user_id == noor().id))
    assert noor().email_verified and (record.status, record.role) == ("active", "editor")
    assert "Listening Lab" in browser.get(f"/c/{community.slug}").get_data(as_text=True)

    reset_forgotten_password(browser, inbox)
    change_password(browser)
    assert accounts.authenticate(NOOR, CHANGED_PASSWORD) is not None
    codes = turn_on_two_factor(browser)
    sign_in_with_a_recovery_code(browser, codes[0])

    deleted = browser.post("/profile/delete", {"password": CHANGED_PASSWORD}, token_from="/profile/delete")
    assert deleted.status_code == 302 and noor() is None
    assert browser.get("/profile").status_code == 302

    subjects = subjects_to(inbox, NOOR)
    assert len(subjects) == 3, subjects  # the invitation, the reset link, the deletion's confirmation
    assert "Listening Lab" in subjects[0] and "password" in subjects[1] and "deleted" in subjects[2]
