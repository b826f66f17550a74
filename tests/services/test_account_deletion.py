"""Deleting one's own account: the personal data goes, contributions stay under "Former member", the address
is freed; a wrong password or a role nobody else holds refuses it with nothing deleted."""

import pyotp
import pytest
from factories import PASSWORD, add_member, make_community, make_page, make_user
from races import at_once
from sqlalchemy import func, select

from globe.db import transaction
from globe.errors import InvalidInput, NotFound, PermissionDenied
from globe.extensions import db
from globe.models import Membership, OutboxMessage, Post, PostFlag, PostRevision, Thanks, User
from globe.models.accounts import ApiToken, EmailVerification, LoginSession, PasswordReset
from globe.models.incubator import Assignment, MentorConflict, MentorProfile, TeamMember
from globe.models.invitations import Invitation
from globe.models.login_throttle import LoginDevice
from globe.models.notifications import Notification
from globe.models.resources import Board, BoardItem, Resource
from globe.models.two_factor import RecoveryCode
from globe.models.wiki_pages import WikiRevision
from globe.permissions import Anonymous
from globe.services import (
    account_deletion,
    accounts,
    boards,
    conversations,
    email_verification,
    incubator,
    invitations,
    knowledge_base,
    login_throttle,
    mentoring,
    notifications,
    password_resets,
    resources,
    search,
    thanks,
    two_factor,
)
from globe.services.account_deletion import FORMER_MEMBER, AccountDeletionRefused, blockers_of, delete_account
from globe.services.accounts import SYSTEM

PROPOSAL = {"title": "Podcast club for teens", "summary": "Weekly episodes", "description": "Students record",
            "needs": "audio"}


@pytest.fixture
def cop(app):
    community = make_community("speaking", name="Speaking")
    add_member(community, make_user("Fran Facilitator"), "facilitator")
    return community


@pytest.fixture
def zeb(cop):
    """A member with a bit of everything: profile, page, resource, board, token, session, notice."""
    user = make_user("Zebulon Quartzwhistle", email="zeb@example.org")
    add_member(cop, user, "editor")
    accounts.update_profile(user, user, display_name=user.display_name, bio="Teacher in Lyon",
                            expertise="phonics", languages="fr, en", country="France")
    return user


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def deletion_emails_to(address: str) -> list[OutboxMessage]:
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == address,
                                                               OutboxMessage.subject.contains("deleted"))))


def test_personal_data_goes_and_the_row_is_an_anonymous_tombstone(cop, zeb):
    page = make_page(cop, "Minimal pairs", "Ship or sheep?", author=zeb)
    resource = resources.add_resource(zeb, cop, url="https://example.org/pairs", title="Pairs game")
    board = boards.create_board(zeb, name="My favourites")
    boards.add_item(zeb, board, resource)
    accounts.create_token(zeb, name="script", expires_in_days=None)
    accounts.start_session(zeb)
    with transaction():
        notifications.notify(zeb, "incubator", "Welcome")
    password_resets.request_reset(Anonymous(), email="zeb@example.org")
    user_id, board_id = zeb.id, board.id

    delete_account(zeb, password=PASSWORD)

    user = db.session.get(User, user_id)
    assert user.is_deleted and user.display_name == FORMER_MEMBER
    assert (user.bio, user.country, user.expertise, user.languages) == ("", "", [], [])
    assert not user.site_roles and "zeb@example.org" != user.email
    for model, column in ((LoginSession, LoginSession.user_id), (ApiToken, ApiToken.user_id),
                          (PasswordReset, PasswordReset.user_id), (Membership, Membership.user_id),
                          (Notification, Notification.user_id), (Board, Board.owner_id)):
        assert count(model, column == user_id) == 0, model.__name__
    assert count(BoardItem, BoardItem.board_id == board_id) == 0
    # Contributions stay, by the tombstone.
    assert db.session.get(Resource, resource.id).owner_id == user_id
    assert count(WikiRevision, WikiRevision.page_id == page.id, WikiRevision.author_id == user_id) == 1


def test_sign_in_secrets_and_invitations_to_the_address_go_too(cop, zeb):
    """Two-factor keys and recovery codes, trusted browsers, emailed links and community invitations."""
    two_factor.start_setup(zeb)
    two_factor.confirm_setup(zeb, code=pyotp.TOTP(zeb.totp_secret).now())
    login_throttle.trust_browser(zeb, device_cookie=None, address="192.0.2.7")
    email_verification.request_email_change(zeb, email="zeb.new@example.org", current_password=PASSWORD)
    other = make_community("reading", name="Reading", policy="invite")
    invitations.invite(SYSTEM, other, emails=["zeb@example.org"])
    user_id = zeb.id

    delete_account(zeb, password=PASSWORD)

    user = db.session.get(User, user_id)
    assert (user.totp_secret, user.totp_enabled_at) == (None, None)
    for model, column in ((RecoveryCode, RecoveryCode.user_id), (LoginDevice, LoginDevice.user_id),
                          (EmailVerification, EmailVerification.user_id)):
        assert count(model, column == user_id) == 0, model.__name__
    assert count(Invitation, Invitation.email == "zeb@example.org") == 0


def test_nobody_can_sign_in_as_the_deleted_person_and_the_address_registers_again(cop, zeb):
    delete_account(zeb, password=PASSWORD)
    assert accounts.authenticate("zeb@example.org", PASSWORD) is None
    fresh = accounts.register_user(email="zeb@example.org", display_name="Zeb Again", password="another pass 1")
    assert fresh.id != zeb.id and accounts.authenticate("zeb@example.org", "another pass 1") == fresh


def test_the_old_address_gets_a_confirmation(cop, zeb):
    delete_account(zeb, password=PASSWORD)
    [message] = deletion_emails_to("zeb@example.org")
    assert "deleted" in message.subject and "former member" in message.text_body
    assert message.html_body.startswith("<!doctype html>")


def test_a_wrong_password_deletes_nothing(cop, zeb):
    with pytest.raises(InvalidInput) as err:
        delete_account(zeb, password="not my password")
    assert "password" in err.value.fields
    db.session.expire_all()
    assert not zeb.is_deleted and zeb.display_name == "Zebulon Quartzwhistle"
    assert accounts.authenticate("zeb@example.org", PASSWORD) == zeb and deletion_emails_to("zeb@example.org") == []


def test_anonymous_cannot_delete(app):
    with pytest.raises(PermissionDenied):
        delete_account(Anonymous(), password=PASSWORD)


def test_the_only_facilitator_must_hand_over_first(app):
    cop = make_community("reading", name="Reading")
    solo = make_user("Solo", email="solo@example.org")
    add_member(cop, solo, "facilitator")
    with pytest.raises(AccountDeletionRefused) as err:
        delete_account(solo, password=PASSWORD)
    assert err.value.blockers.communities == [cop] and "Reading" in err.value.detail
    assert not db.session.get(User, solo.id).is_deleted and deletion_emails_to("solo@example.org") == []
    add_member(cop, make_user("Second"), "facilitator")
    assert not blockers_of(solo)
    delete_account(solo, password=PASSWORD)
    assert db.session.get(User, solo.id).is_deleted


def test_the_last_admin_cannot_delete_their_account(app):
    admin = make_user("Only Admin", admin=True)
    with pytest.raises(AccountDeletionRefused) as err:
        delete_account(admin, password=PASSWORD)
    assert err.value.blockers.last_admin and "only admin" in err.value.detail
    make_user("Other Admin", admin=True)
    delete_account(admin, password=PASSWORD)
    assert not db.session.get(User, admin.id).is_admin


def test_incubator_work_stays_and_open_duties_end(cop, zeb):
    admin = make_user("Admin", admin=True)
    lead = make_user("Lead")
    mentor = make_user("Mentor Mo", mentor=True, expertise="audio")
    mentoring.update_profile(mentor, capacity=3, available=True, show_in_showcase=False)
    mentoring.declare_conflict(mentor, reason="Colleague", person_email=zeb.email)
    reviewed = incubator.create_proposal(lead, **PROPOSAL)
    incubator.transition(lead, reviewed, "submitted")
    unreviewed = incubator.create_proposal(lead, **{**PROPOSAL, "title": "Radio drama"})
    incubator.transition(lead, unreviewed, "submitted")
    mentoring.assign(admin, reviewed, mentor.id, override_capacity_reason="test")
    mentoring.write_review(mentor, reviewed, recommendation="accept", comments="Lovely idea")
    mentoring.assign(admin, unreviewed, mentor.id, override_capacity_reason="test")
    own = incubator.create_proposal(zeb, **{**PROPOSAL, "title": "Zeb's own"})

    delete_account(mentor, password=PASSWORD)
    delete_account(zeb, password=PASSWORD)

    assert count(MentorProfile, MentorProfile.user_id == mentor.id) == 0
    assert count(MentorConflict, MentorConflict.mentor_id == mentor.id) == 0
    kept = db.session.scalar(select(Assignment).where(Assignment.proposal_id == reviewed.id))
    assert kept.status == "accepted" and kept.review.comments == "Lovely idea"
    assert kept.mentor.display_name == FORMER_MEMBER
    ended = db.session.scalar(select(Assignment).where(Assignment.proposal_id == unreviewed.id))
    assert ended.status == "declined"
    # A proposal whose only team member left stays, with its team shown as a former member.
    team = db.session.scalars(select(TeamMember).where(TeamMember.proposal_id == own.id)).all()
    assert [m.user.display_name for m in team] == [FORMER_MEMBER]


def test_knowledge_base_proposals_and_comments_stay(cop, zeb):
    page = make_page(cop, "Shadowing", "Listen and repeat.", author=zeb)
    request = knowledge_base.propose(zeb, page, message="Useful everywhere")
    knowledge_base.comment(zeb, request, body="See the audio too")
    delete_account(zeb, password=PASSWORD)
    db.session.expire_all()
    assert request.proposed_by.display_name == FORMER_MEMBER
    assert {c.author.display_name for c in request.comments} == {FORMER_MEMBER}


def test_discussions_stay_by_a_former_member_and_the_thanks_given_go(cop, zeb):
    ida = make_user("Ida")
    add_member(cop, ida, "editor")
    thread = conversations.start_thread(zeb, cop, kind="question", title="Warm-ups?", body="Ideas, please.")
    answer = conversations.reply(ida, thread, body="A quick quiz.")
    follow_up = conversations.reply(zeb, thread, body="First draft", reply_to=answer)
    conversations.edit_post(zeb, follow_up, body="Second draft")
    page = make_page(cop, "Songs", "Sing along.", author=ida)
    thanks.thank(zeb, answer), thanks.thank(zeb, page), thanks.thank(ida, follow_up)
    with transaction():  # as flagging through the moderation does
        db.session.add(PostFlag(post_id=answer.id, user_id=zeb.id, reason="Off topic"))
    delete_account(zeb, password=PASSWORD)
    db.session.expire_all()
    assert conversations.get_thread(Anonymous(), thread.id).author.display_name == FORMER_MEMBER
    assert follow_up.body == "Second draft" and follow_up.author.display_name == FORMER_MEMBER
    assert {revision.editor.display_name for revision in
            db.session.scalars(select(PostRevision).where(PostRevision.post_id == follow_up.id))} == {FORMER_MEMBER}
    assert db.session.get(Post, answer.id).thanks_count == 0 and thanks.count(page) == 0  # given by Zeb: gone
    assert follow_up.thanks_count == 1  # received by Zeb: Ida's thanks stays
    assert db.session.scalar(select(func.count()).select_from(Thanks).where(Thanks.user_id == zeb.id)) == 0
    [flag] = db.session.scalars(select(PostFlag).where(PostFlag.post_id == answer.id))
    assert flag.reason == "Off topic" and flag.user.display_name == FORMER_MEMBER


def test_search_finds_the_contributions_but_never_the_old_name(cop, zeb):
    make_page(cop, "Xylophone warm-ups", "Tongue twisters", author=zeb)
    resources.add_resource(zeb, cop, url="https://example.org/x", title="Xylophone cards")
    delete_account(zeb, password=PASSWORD)
    search.drain_queue()
    viewer = make_user("Reader")
    assert search.search(viewer, text="xylophone").total == 2
    assert "Zebulon" not in str(search.search(viewer, text="xylophone").hits)



def test_every_contribution_is_queued_for_reindexing(cop, zeb, monkeypatch):
    page = make_page(cop, "Drills", "Repeat after me.", author=zeb)
    resource = resources.add_resource(zeb, cop, url="https://example.org/d", title="Drill cards")
    proposal = incubator.create_proposal(zeb, **PROPOSAL)
    queued = []
    monkeypatch.setattr(account_deletion, "queue_for_indexing", lambda *item: queued.append(item))
    delete_account(zeb, password=PASSWORD)
    assert sorted(queued) == sorted([("wiki", page.id), ("resource", resource.id), ("project", proposal.id)])

def test_an_admin_cannot_act_on_a_deleted_account(cop, zeb):
    delete_account(zeb, password=PASSWORD)
    with pytest.raises(NotFound):
        accounts.get_user(zeb.id)


# --- two facilitators of one community deleting their accounts at the same moment -----------------

def _delete(user_id: int) -> str:
    try:
        delete_account(db.session.get(User, user_id), password=PASSWORD)
    except AccountDeletionRefused:
        return "refused"
    return "done"


def test_two_last_facilitators_deleting_at_once_leave_one(race_app):
    first, second = make_user(), make_user()
    community = make_community(facilitator=first)
    add_member(community, second, "facilitator")
    assert sorted(at_once(race_app, _delete, [(first.id,), (second.id,)])) == ["done", "refused"]
    facilitators = db.session.scalar(select(func.count()).select_from(Membership).where(
        Membership.community_id == community.id, Membership.role == "facilitator"))
    assert facilitators == 1
