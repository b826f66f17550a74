"""Invitations by email: what each address gets, pasted lists, expiry, resend and revoke, and the link that
creates a verified account and joins in one step."""
import re
from datetime import timedelta

import pytest
from factories import PASSWORD, add_member, make_community, make_user

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from globe.extensions import db
from globe.models import Invitation, OutboxMessage
from globe.models.base import utcnow
from globe.services import accounts, communities, email_verification, invitations
from globe.services.invitations import InvitationLinkGone, InvitationLinkUnknown

TOKEN_RE = re.compile(r"/invitations/([A-Za-z0-9_-]+)")


@pytest.fixture
def fac(app):
    return make_user("Fatima", email="fac@example.org")


@pytest.fixture
def cop(fac):
    return make_community("speaking", name="Speaking", policy="invite", facilitator=fac)


def emails_to(address: str) -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.to_address == address)
                                   .order_by(OutboxMessage.id)))


def token_for(address: str) -> str:
    return TOKEN_RE.findall(emails_to(address)[-1].text_body)[-1]


def statuses(results) -> list[tuple[str, str]]:
    return [(result.email, result.status) for result in results]


def test_each_address_gets_what_fits_it(fac, cop):
    member, invited, person = make_user(email="member@example.org"), make_user(), make_user(email="mei@example.org")
    add_member(cop, member)
    invitations.invite(fac, cop, emails=[invited.email])
    results = invitations.invite(fac, cop, emails=f"member@example.org, {invited.email}; MEI@example.org\n"
                                                  "new@example.org\nnot an address", role="editor")
    assert statuses(results) == [("member@example.org", "already_member"), (invited.email, "already_invited"),
                                 ("mei@example.org", "invited"), ("new@example.org", "emailed"),
                                 ("not an address", "invalid")]
    record = communities.membership(cop, person.id)
    assert (record.status, record.role) == ("invited", "editor")
    assert len(emails_to("mei@example.org")) == 1 and len(emails_to("new@example.org")) == 1
    assert emails_to("member@example.org") == []
    assert accounts.find_user_by_email("new@example.org") is None  # no account until the link is followed


def test_pasted_lists_read_names_quotes_and_duplicates(fac, cop):
    results = invitations.invite(fac, cop, emails='"Doe, Jane" <jane@example.org>, Ana <ANA@example.org>;'
                                                  ' jane@example.org\n\n ana@example.org , bad@, <also bad>')
    assert statuses(results) == [("jane@example.org", "emailed"), ("ana@example.org", "emailed"),
                                 ("bad@", "invalid"), ("<also bad>", "invalid")]
    [email] = emails_to("jane@example.org")
    assert email.to_name == "Doe, Jane" and email.text_body.startswith("Hello Doe, Jane,")


def test_a_name_or_message_with_line_breaks_never_reaches_a_header(fac, cop):
    invitations.invite(fac, cop, emails="Eve\r\nBcc: x@evil.example <eve@example.org>",
                       message="Hi\r\nBcc: x@evil.example")
    [email] = emails_to("eve@example.org")
    assert "\r" not in email.to_name and "\n" not in email.to_name and "\n" not in email.subject


def test_more_than_200_addresses_are_refused_and_nobody_is_invited(fac, cop):
    many = [f"person{n}@example.org" for n in range(201)]
    with pytest.raises(InvalidInput) as err:
        invitations.invite(fac, cop, emails=many)
    assert "200" in err.value.fields["emails"][0]
    assert db.session.scalar(db.select(db.func.count()).select_from(Invitation)) == 0
    assert len(invitations.invite(fac, cop, emails=many[:200])) == 200


@pytest.mark.parametrize("emails, role, message, field", [
    ("", "member", "", "emails"), (" , ;\n", "member", "", "emails"), ("a@example.org", "owner", "", "role"),
    ("a@example.org", "member", "x" * 2001, "message"), ("a@example.org," * 50_000, "member", "", "emails"),
])
def test_bad_input_is_refused_clearly(fac, cop, emails, role, message, field):
    with pytest.raises(InvalidInput) as err:
        invitations.invite(fac, cop, emails=emails, role=role, message=message)
    assert field in err.value.fields


def test_only_facilitators_invite(cop):
    member = make_user()
    add_member(cop, member, "editor")
    with pytest.raises(PermissionDenied):
        invitations.invite(member, cop, emails="a@example.org")
    with pytest.raises(PermissionDenied):
        invitations.list_open(member, cop)


def test_the_link_creates_a_verified_account_that_is_a_member_with_the_role(fac, cop):
    invitations.invite(fac, cop, emails="new@example.org", role="editor", message="Welcome!")
    user = invitations.register_and_accept(token_for("new@example.org"), display_name="Nia", password=PASSWORD)
    assert user.email == "new@example.org" and user.email_verified
    record = communities.membership(cop, user.id)
    assert (record.status, record.role, record.invited_by_id) == ("active", "editor", fac.id)
    assert invitations.list_open(fac, cop) == []
    assert accounts.authenticate("new@example.org", PASSWORD) is not None


def test_a_refused_sign_up_leaves_nothing_and_the_link_still_works(fac, cop):
    invitations.invite(fac, cop, emails="new@example.org")
    token = token_for("new@example.org")
    with pytest.raises(InvalidInput):
        invitations.register_and_accept(token, display_name="Nia", password="short")
    assert accounts.find_user_by_email("new@example.org") is None
    assert invitations.check_link(token).email == "new@example.org"


def test_a_link_works_once(fac, cop):
    invitations.invite(fac, cop, emails="new@example.org")
    token = token_for("new@example.org")
    invitations.register_and_accept(token, display_name="Nia", password=PASSWORD)
    with pytest.raises(InvitationLinkGone):
        invitations.check_link(token)
    with pytest.raises(InvitationLinkGone):
        invitations.accept_link(make_user(), token)


@pytest.mark.parametrize("token", ["", "x" * 201, "forged-token", None])
def test_a_forged_link_is_unknown(fac, cop, token):
    with pytest.raises(InvitationLinkUnknown):
        invitations.check_link(token)


def test_invitations_expire_after_the_configured_days(app, fac, cop):
    app.config["INVITATION_DAYS"] = 3
    person = make_user(email="mei@example.org")
    invitations.invite(fac, cop, emails="new@example.org, mei@example.org")
    later = utcnow() + timedelta(days=3, minutes=1)
    with pytest.raises(InvitationLinkGone, match="expired"):
        invitations.check_link(token_for("new@example.org"), now=later)
    assert invitations.check_link(token_for("new@example.org"), now=later - timedelta(minutes=2))
    with pytest.raises(InvalidInput, match="expired"):
        invitations.accept_invitation(person, cop, now=later)
    assert [i.status(later) for i in invitations.list_open(fac, cop)] == ["expired", "expired"]
    # An expired invitation may simply be sent again, by a new invite or by Resend.
    assert statuses(invitations.invite(fac, cop, emails="mei@example.org", now=later)) == [
        ("mei@example.org", "invited")]
    invitations.accept_invitation(person, cop, now=later)
    assert communities.membership(cop, person.id).is_active


def test_an_expired_invitation_of_an_account_leaves_the_profile(app, fac, cop):
    person = make_user()
    invitations.invite(fac, cop, emails=person.email)
    assert [m.status for m in communities.communities_of(person)] == ["invited"]
    db.session.execute(db.update(Invitation).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert communities.communities_of(person) == [] and communities.my_memberships(person) == {}


def test_resend_gives_a_new_link_and_expiry_and_the_old_link_stops(fac, cop):
    invitations.invite(fac, cop, emails="new@example.org")
    old = token_for("new@example.org")
    [invitation] = invitations.list_open(fac, cop)
    later = utcnow() + timedelta(days=20)
    invitations.resend(fac, cop, invitation.id, now=later)
    new = token_for("new@example.org")
    assert new != old and len(emails_to("new@example.org")) == 2
    with pytest.raises(InvitationLinkUnknown):
        invitations.check_link(old, now=later)
    assert invitations.check_link(new, now=later).expires_at > later + timedelta(days=13)


def test_revoke_stops_the_link_and_removes_the_profile_invitation(fac, cop):
    person = make_user(email="mei@example.org")
    invitations.invite(fac, cop, emails="new@example.org, mei@example.org")
    by_email = {i.email: i for i in invitations.list_open(fac, cop)}
    for invitation in by_email.values():
        invitations.revoke(fac, cop, invitation.id)
    with pytest.raises(InvitationLinkGone, match="withdrawn"):
        invitations.check_link(token_for("new@example.org"))
    assert communities.membership(cop, person.id) is None and invitations.list_open(fac, cop) == []
    with pytest.raises(NotFound):
        invitations.revoke(fac, cop, by_email["new@example.org"].id)
    other_fac = make_user()
    other = make_community(facilitator=other_fac)
    invitations.invite(other_fac, other, emails="x@example.org")
    [elsewhere] = invitations.list_open(other_fac, other)
    with pytest.raises(NotFound):  # an invitation of another community is not found here
        invitations.resend(fac, cop, elsewhere.id)


def test_a_signed_in_person_accepts_into_their_own_account(fac, cop):
    invitations.invite(fac, cop, emails="work@example.org", role="editor")
    someone = make_user(email="home@example.org")
    record = invitations.accept_link(someone, token_for("work@example.org"))
    assert (record.user_id, record.role, record.status) == (someone.id, "editor", "active")
    invitations.invite(fac, cop, emails="other@example.org")
    with pytest.raises(Conflict):  # already a member: the second link stays unused
        invitations.accept_link(someone, token_for("other@example.org"))
    assert invitations.check_link(token_for("other@example.org"))


def test_declining_closes_the_invitation(fac, cop):
    person = make_user(email="mei@example.org")
    invitations.invite(fac, cop, emails="mei@example.org")
    invitations.resend(fac, cop, invitations.list_open(fac, cop)[0].id)  # an account gets its link when sent again
    invitations.decline_invitation(person, cop)
    assert communities.membership(cop, person.id) is None and invitations.list_open(fac, cop) == []
    with pytest.raises(InvitationLinkGone, match="declined"):
        invitations.check_link(token_for("mei@example.org"))


def test_joining_an_open_community_uses_a_waiting_invitation(fac):
    cop = make_community(facilitator=fac)
    person = make_user()
    invitations.invite(fac, cop, emails=person.email, role="editor")
    assert communities.join(person, cop).role == "editor"
    assert invitations.list_open(fac, cop) == []


def test_a_pending_request_answered_by_an_invitation_is_approved(fac):
    cop = make_community(policy="request", facilitator=fac)
    person = make_user()
    communities.join(person, cop)
    assert statuses(invitations.invite(fac, cop, emails=person.email)) == [(person.email, "invited")]
    assert communities.membership(cop, person.id).is_active


def test_an_invitation_sent_before_sign_up_waits_on_the_profile_once_the_address_is_confirmed(fac, cop):
    invitations.invite(fac, cop, emails="lee@example.org", role="editor", message="Come along")
    lee = email_verification.register(email="lee@example.org", display_name="Lee", password=PASSWORD)
    assert communities.membership(cop, lee.id) is None  # an unproven address shows nothing of its invitations
    [link] = re.findall(r"/confirm-email/([A-Za-z0-9_-]+)", emails_to("lee@example.org")[-1].text_body)
    email_verification.follow_link(lee, link)
    record = communities.membership(cop, lee.id)
    assert (record.status, record.role, record.message) == ("invited", "editor", "Come along")
    assert invitations.accept_invitation(lee, cop).status == "active"
    assert invitations.list_open(fac, cop) == []
