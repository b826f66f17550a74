"""Invitations through the pages: a facilitator invites a list, the emailed link (built from GLOBE_SITE_URL)
creates a verified account that joins with the role, and expired, revoked, reused or forged links say so."""
from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from factories import PASSWORD, add_member, make_community, make_user
from mail_server import SITE

from globe.extensions import db
from globe.models import Invitation, OutboxMessage
from globe.models.base import utcnow
from globe.services import accounts, communities, invitations

LINK_RE = re.compile(re.escape(SITE) + r"/invitations/[A-Za-z0-9_-]+")


@pytest.fixture
def app(public_site):
    return public_site


@pytest.fixture
def cop(app):
    fac = make_user("Fatima", email="fac@example.org")
    return make_community("speaking", name="Speaking Club", policy="invite", visibility="members", facilitator=fac)


@pytest.fixture
def facilitator(make_web, cop):
    browser = make_web()
    browser.login("fac@example.org")
    return browser


def emails_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_address == address)
                                   .order_by(OutboxMessage.id)))


def link_for(address: str) -> str:
    """The path of the link in the latest email to the address (the same in its text and HTML parts)."""
    email = emails_to(address)[-1]
    [link] = LINK_RE.findall(email.text_body)
    assert f'href="{link}"' in email.html_body
    return urlsplit(link).path


def invite(browser, emails: str, role: str = "member", message: str = ""):
    return browser.post("/c/speaking/members/invite", {"emails": emails, "role": role, "message": message},
                        token_from="/c/speaking/members")


def sign_up(browser, path: str, name: str = "Nia Okafor", password: str = PASSWORD, confirm: str | None = None,
            token_from: str | None = None):
    return browser.post(path, {"display_name": name, "password": password,
                               "confirm": password if confirm is None else confirm}, token_from=token_from or path)


def test_the_whole_journey_from_invitation_to_member(facilitator, make_web, cop):
    response = invite(facilitator, "nia@example.org", role="editor", message="Join our <b>club</b>!")
    assert response.status_code == 200
    assert "Emailed a link" in response.get_data(as_text=True)
    [email] = emails_to("nia@example.org")
    assert "Fatima invites you to join Speaking Club" in email.subject
    assert "Join our <b>club</b>!" in email.text_body and "&lt;b&gt;club&lt;/b&gt;" in email.html_body
    path = link_for("nia@example.org")
    newcomer = make_web()
    page = newcomer.get(path).get_data(as_text=True)
    assert "nia@example.org" in page and 'name="email"' not in page  # the address is fixed
    response = sign_up(newcomer, path)
    assert response.status_code == 302 and urlsplit(response.location).path == "/c/speaking"
    user = accounts.find_user_by_email("nia@example.org")
    assert user.email_verified and user.display_name == "Nia Okafor"
    record = communities.membership(cop, user.id)
    assert (record.status, record.role) == ("active", "editor")
    assert newcomer.get("/c/speaking/wiki").status_code == 200  # signed in, and a member
    assert "No invitations waiting." in facilitator.get("/c/speaking/members").get_data(as_text=True)


def test_an_existing_account_is_invited_on_the_profile_and_by_email(facilitator, make_web, cop):
    mei = make_user("Mei", email="mei@example.org")
    response = invite(facilitator, "Mei Chen <MEI@example.org>")
    html = response.get_data(as_text=True)
    assert "Invited: the invitation waits on their profile" in html and "Mei Chen" not in html
    [email] = emails_to("mei@example.org")  # the notice, emailed: "Fatima invites you to join …"
    assert "Fatima invites you to join “Speaking Club” as a member." in email.text_body
    browser = make_web()
    browser.login("mei@example.org")
    assert "you are invited" in browser.get("/profile").get_data(as_text=True)
    browser.post("/invitations/speaking/accept", token_from="/profile")
    assert communities.membership(cop, mei.id).is_active


def test_a_list_with_malformed_and_duplicate_addresses(facilitator, cop):
    make_user("Mei", email="mei@example.org")
    response = invite(facilitator, "a@example.org, A@example.org; not-an-address\nmei@example.org\n"
                                   "fac@example.org\na@example.org")
    html = response.get_data(as_text=True)
    rows = re.findall(r'<tr class="invite-(\w+)"><td>([^<]*)</td>', html)
    assert rows == [("emailed", "a@example.org"), ("invalid", "not-an-address"), ("invited", "mei@example.org"),
                    ("already_member", "fac@example.org")]
    assert "Fatima" not in html.split("What happened")[1].split("</table>")[0] and "Mei" not in html
    assert len(emails_to("a@example.org")) == 1
    assert "already_invited" in invite(facilitator, "a@example.org").get_data(as_text=True)


def test_201_addresses_are_refused_with_the_list_kept(facilitator, cop):
    many = "\n".join(f"person{n}@example.org" for n in range(201))
    response = invite(facilitator, many)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "At most 200 addresses" in html and "person200@example.org" in html
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0


def test_a_used_link_no_longer_works(facilitator, make_web, cop):
    invite(facilitator, "nia@example.org")
    path = link_for("nia@example.org")
    sign_up(make_web(), path)
    response = make_web().get(path)
    assert response.status_code == 410 and "already accepted" in response.get_data(as_text=True)
    assert sign_up(make_web(), path, name="Someone Else", token_from="/login").status_code == 410


def test_an_expired_link_no_longer_works(app, facilitator, make_web, cop):
    invite(facilitator, "nia@example.org")
    path = link_for("nia@example.org")
    db.session.execute(db.update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = sign_up(make_web(), path, token_from="/login")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert accounts.find_user_by_email("nia@example.org") is None
    page = facilitator.get("/c/speaking/members").get_data(as_text=True)
    assert "expired" in page and "nia@example.org" in page


def test_resend_and_revoke_from_the_members_page(facilitator, make_web, cop):
    invite(facilitator, "nia@example.org")
    old = link_for("nia@example.org")
    [invitation] = invitations.list_open(make_user(admin=True), cop)
    page = facilitator.get("/c/speaking/members").get_data(as_text=True)
    assert "nia@example.org" in page and "Fatima" in page and f"/invitations/{invitation.id}/resend" in page
    facilitator.post(f"/c/speaking/invitations/{invitation.id}/resend", token_from="/c/speaking/members")
    new = link_for("nia@example.org")
    assert new != old and make_web().get(old).status_code == 400
    facilitator.post(f"/c/speaking/invitations/{invitation.id}/revoke", token_from="/c/speaking/members")
    response = make_web().get(new)
    assert response.status_code == 410 and "withdrawn" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/invitations/forged", "/invitations/" + "x" * 300])
def test_a_forged_link_says_so(web, cop, path):
    response = web.get(path)
    assert response.status_code == 400 and "not one Globe sent" in response.get_data(as_text=True)


def test_a_signed_in_visitor_accepts_into_their_own_account(facilitator, make_web, cop):
    invite(facilitator, "work@example.org", role="editor")
    path = link_for("work@example.org")
    someone = make_user("Sam", email="sam@example.org")
    browser = make_web()
    browser.login("sam@example.org")
    page = browser.get(path).get_data(as_text=True)
    assert "signed in as" in page and "Sam" in page and "Accept into this account" in page
    assert browser.post(path, token_from=path).status_code == 302
    assert communities.membership(cop, someone.id).role == "editor"
    assert accounts.find_user_by_email("work@example.org") is None


def test_an_address_with_an_account_is_asked_to_log_in(facilitator, make_web, cop):
    make_user("Mei", email="mei@example.org")
    invite(facilitator, "mei@example.org")  # a notice first; sent again, the email holds the link
    [invitation] = db.session.scalars(db.select(Invitation).where(Invitation.email == "mei@example.org"))
    facilitator.post(f"/c/speaking/invitations/{invitation.id}/resend", token_from="/c/speaking/members")
    path = link_for("mei@example.org")
    html = make_web().get(path).get_data(as_text=True)
    assert "Log in to accept" in html and 'name="password"' not in html


def test_a_weak_password_keeps_the_link_working_and_creates_nothing(facilitator, make_web, cop):
    invite(facilitator, "nia@example.org")
    path = link_for("nia@example.org")
    browser = make_web()
    assert sign_up(browser, path, password="short").status_code == 400
    assert sign_up(browser, path, confirm="something else").status_code == 400
    assert accounts.find_user_by_email("nia@example.org") is None
    assert sign_up(browser, path).status_code == 302


def test_only_facilitators_see_and_use_the_invitation_tools(make_web, cop):
    add_member(cop, make_user(email="member@example.org"))
    browser = make_web()
    browser.login("member@example.org")
    assert "Invite people by email" not in browser.get("/c/speaking/members").get_data(as_text=True)
    assert invite(browser, "x@example.org").status_code == 403
    assert browser.get("/c/speaking/members/invite").status_code == 403
    assert emails_to("x@example.org") == []


def test_invite_needs_csrf(facilitator, cop):
    response = facilitator.post("/c/speaking/members/invite", {"emails": "x@example.org"}, csrf=False)
    assert response.status_code == 400 and emails_to("x@example.org") == []


def test_a_new_community_for_an_unknown_address_invites_its_first_facilitator(make_web, app):
    make_user("Ada", email="admin@example.org", admin=True)
    admin = make_web()
    admin.login("admin@example.org")
    response = admin.post("/communities/new", {"slug": "reading", "name": "Reading", "domain": "Reading",
                                               "policy": "open", "visibility": "public", "default_license": "cc-by",
                                               "first_facilitator_email": "lead@example.org"},
                          token_from="/communities/new")
    assert response.status_code == 302
    path = link_for("lead@example.org")
    newcomer = make_web()
    sign_up(newcomer, path, name="Lea Lead")
    lead = accounts.find_user_by_email("lead@example.org")
    assert communities.membership(communities.get_community("reading"), lead.id).role == "facilitator"
