"""Proving an email address: the link mailed at sign-up and for a change of address, single-use and expiring,
refused once the address it proves is no longer the account's or has been taken; nothing in the answers tells
whether another account uses an address."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from factories import PASSWORD, add_member, make_community, make_user
from sqlalchemy import select

from globe.errors import InvalidInput, PermissionDenied
from globe.extensions import db
from globe.models import OutboxMessage
from globe.models.accounts import EmailVerification, LoginSession, PasswordReset
from globe.models.base import utcnow
from globe.permissions import Anonymous
from globe.services import accounts, email_verification, password_resets, wiki_pages
from globe.services.email_verification import AddressTaken, VerificationLinkGone, VerificationLinkUnknown

TOKEN_RE = re.compile(r"/confirm-email/([A-Za-z0-9_-]+)")


def mail_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address)
                                   .order_by(OutboxMessage.id)))


def token_mailed_to(address: str) -> str:
    [token] = TOKEN_RE.findall(mail_to(address)[-1].text_body)
    return token


def sign_up(email: str = "kim@example.org", name: str = "Kim"):
    return email_verification.register(email=email, display_name=name, password=PASSWORD)


def test_signing_up_makes_an_unverified_account_and_mails_it_a_link_in_the_same_transaction(app):
    kim = sign_up()
    assert not kim.email_verified
    [email] = mail_to("kim@example.org")
    assert "confirm your email address" in email.subject and email.to_name == "Kim"
    token = token_mailed_to("kim@example.org")
    assert f"/confirm-email/{token}" in email.html_body
    link = db.session.scalar(select(EmailVerification))
    assert link.token_hash == accounts.hash_token(token) and link.email == "kim@example.org"
    assert link.expires_at - link.created_at == timedelta(hours=48)


def test_a_refused_sign_up_leaves_neither_account_nor_email(app):
    make_user(email="taken@example.org")
    with pytest.raises(InvalidInput):
        sign_up("taken@example.org")
    assert mail_to("taken@example.org") == [] and db.session.scalar(select(EmailVerification)) is None


def test_following_the_link_verifies_the_account_once(app):
    kim = sign_up()
    token = token_mailed_to("kim@example.org")
    email_verification.follow_link(Anonymous(), token)
    assert kim.email_verified
    with pytest.raises(VerificationLinkGone, match="already used"):
        email_verification.follow_link(Anonymous(), token)


def test_expired_and_forged_links_are_refused(app):
    kim = sign_up()
    token = token_mailed_to("kim@example.org")
    with pytest.raises(VerificationLinkGone, match="expired"):
        email_verification.follow_link(Anonymous(), token, now=utcnow() + timedelta(hours=49))
    for forged in ("nope", "x" * 500, ""):
        with pytest.raises(VerificationLinkUnknown):
            email_verification.check_link(forged)
    assert not kim.email_verified


def test_resending_is_limited_to_three_links_an_hour(app):
    kim = sign_up()
    email_verification.resend_link(kim)
    email_verification.resend_link(kim)
    with pytest.raises(InvalidInput, match="3 links in the last hour"):
        email_verification.resend_link(kim)
    assert len(mail_to("kim@example.org")) == 3
    email_verification.resend_link(kim, now=utcnow() + timedelta(hours=1, minutes=1))
    assert len(mail_to("kim@example.org")) == 4
    email_verification.follow_link(Anonymous(), token_mailed_to("kim@example.org"))
    with pytest.raises(InvalidInput, match="already confirmed"):
        email_verification.resend_link(kim)


def test_every_link_of_the_account_is_used_up_with_the_one_followed(app):
    kim = sign_up()
    first = token_mailed_to("kim@example.org")
    email_verification.resend_link(kim)
    email_verification.follow_link(Anonymous(), token_mailed_to("kim@example.org"))
    with pytest.raises(VerificationLinkGone, match="already used"):
        email_verification.check_link(first)


# --- posting needs a confirmed address --------------------------------------------------------

def test_an_unverified_member_reads_and_joins_but_cannot_post(app):
    from globe.services import communities
    kim = sign_up()
    staffroom = make_community(policy="open", members_can_edit_wiki=True)
    communities.join(kim, staffroom)
    assert wiki_pages.list_pages(kim, staffroom) == []
    with pytest.raises(PermissionDenied, match="Confirm your email address first: we sent a link to kim@example"):
        wiki_pages.create_page(kim, staffroom, title="Hello", body="text")
    email_verification.follow_link(Anonymous(), token_mailed_to("kim@example.org"))
    wiki_pages.create_page(kim, staffroom, title="Hello", body="text")
    assert [page.title for page in wiki_pages.list_pages(kim, staffroom)] == ["Hello"]


def test_without_required_verification_an_unverified_member_may_post(app):
    app.config["REQUIRE_EMAIL_VERIFICATION"] = False
    kim = sign_up()
    staffroom = make_community()
    add_member(staffroom, kim, "editor")
    wiki_pages.create_page(kim, staffroom, title="Hello", body="text")
    assert [page.title for page in wiki_pages.list_pages(kim, staffroom)] == ["Hello"]


# --- changing the address ---------------------------------------------------------------------

@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def ask_change(user, email="mei@new.example", password=PASSWORD):
    return email_verification.request_email_change(user, email=email, current_password=password)


def test_a_new_address_replaces_the_old_only_once_its_link_is_followed_and_the_old_one_is_told(mei):
    ask_change(mei, "Mei@New.Example")
    assert mei.email == "mei@example.org"  # nothing changes yet
    assert email_verification.pending_change(mei).email == "mei@new.example"
    [link_email] = mail_to("mei@new.example")
    assert "confirm your new email address" in link_email.subject
    assert mail_to("mei@example.org") == []

    email_verification.follow_link(Anonymous(), token_mailed_to("mei@new.example"))
    assert mei.email == "mei@new.example" and mei.email_verified
    assert email_verification.pending_change(mei) is None
    [notice] = mail_to("mei@example.org")
    assert "was changed" in notice.subject and "mei@new.example" in notice.text_body
    assert "wasn't you" in notice.text_body and "admins" in notice.text_body
    assert accounts.authenticate("mei@new.example", PASSWORD) == mei
    assert accounts.authenticate("mei@example.org", PASSWORD) is None


def test_a_change_needs_the_current_password_and_a_real_new_address(mei):
    with pytest.raises(InvalidInput) as refused:
        ask_change(mei, "not an address", password="wrong password")
    assert set(refused.value.fields) == {"email", "current_password"}
    with pytest.raises(InvalidInput, match="already your account's address"):
        ask_change(mei, "MEI@example.org")
    with pytest.raises(PermissionDenied):
        ask_change(Anonymous())
    assert db.session.scalar(select(EmailVerification)) is None


def test_asking_for_a_taken_address_answers_alike_but_sends_nothing(mei):
    make_user(email="taken@example.org")
    assert ask_change(mei, "taken@example.org") == "taken@example.org"
    assert mail_to("taken@example.org") == []
    ask_change(mei, "free@example.org")  # the limit counts both alike
    ask_change(mei, "free2@example.org")
    with pytest.raises(InvalidInput, match="links in the last hour"):
        ask_change(mei, "free3@example.org")


def test_an_address_taken_after_the_link_was_sent_is_refused_cleanly(mei):
    ask_change(mei)
    token = token_mailed_to("mei@new.example")
    make_user(email="mei@new.example")
    with pytest.raises(AddressTaken, match="keeps its current address"):
        email_verification.follow_link(Anonymous(), token)
    assert mei.email == "mei@example.org" and mail_to("mei@example.org") == []


def test_only_the_newest_change_can_be_confirmed(mei):
    ask_change(mei, "first@example.org")
    first = token_mailed_to("first@example.org")
    ask_change(mei, "second@example.org")
    with pytest.raises(VerificationLinkGone, match="newer one replaced it"):
        email_verification.follow_link(Anonymous(), first)
    email_verification.follow_link(Anonymous(), token_mailed_to("second@example.org"))
    assert mei.email == "second@example.org"


def test_a_sign_up_link_for_an_address_changed_since_is_refused(app):
    kim = sign_up("kim@typo.example")
    old_link = token_mailed_to("kim@typo.example")
    ask_change(kim, "kim@example.org")
    email_verification.follow_link(Anonymous(), token_mailed_to("kim@example.org"))
    assert kim.email == "kim@example.org" and kim.email_verified
    with pytest.raises(VerificationLinkGone, match="kim@typo.example, which is no longer your account's address"):
        email_verification.follow_link(Anonymous(), old_link)


def test_a_change_signs_out_other_browsers_and_drops_reset_links_sent_to_the_old_address(mei):
    accounts.start_session(mei)
    accounts.start_session(mei)
    this_browser = mei.current_session_key
    password_resets.request_reset(Anonymous(), email="mei@example.org")
    ask_change(mei)
    email_verification.follow_link(mei, token_mailed_to("mei@new.example"))
    sessions = list(db.session.scalars(select(LoginSession).where(LoginSession.user_id == mei.id)))
    assert [s.key_hash for s in sessions] == [accounts.hash_token(this_browser)]
    assert db.session.scalar(select(PasswordReset)) is None


def test_a_name_with_line_breaks_never_reaches_a_mail_header(app):
    from globe.services import outbox
    kim = sign_up()
    kim.display_name = "Kim\r\nBcc: victim@example.org"
    db.session.commit()
    email_verification.resend_link(kim)
    message = outbox.build_email(mail_to("kim@example.org")[-1])
    assert message["Bcc"] is None and "\n" not in message["To"] and "victim@example.org" in message["To"]
