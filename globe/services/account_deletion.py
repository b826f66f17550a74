"""Deleting one's own account: what is personal goes; what the person gave their communities stays.

The users row is kept as an anonymised tombstone named "Former member" (no email, password or roles left),
so wiki revisions, shared resources, reviews and comments keep an author without nulling foreign keys
everywhere, and the freed address can register again. README.md ("Deleting your account") lists what
happens to each kind of data; keep it in step with this module."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, func, or_, select, update
from werkzeug.security import check_password_hash

from ..db import lock_row, transaction
from ..errors import Conflict, InvalidInput, PermissionDenied
from ..extensions import db
from ..models import Community, Membership, Post, Thanks, User
from ..models.accounts import ApiToken, EmailVerification, LoginSession, PasswordReset
from ..models.base import utcnow
from ..models.idempotency import IdempotencyKey
from ..models.incubator import Assignment, MentorConflict, MentorProfile, Proposal, Review, TeamMember
from ..models.invitations import Invitation
from ..models.login_throttle import LoginDevice, LoginWarning, SignInLink
from ..models.notifications import DigestRun, Follow, Notification, NotificationSetting
from ..models.resources import Board, BoardItem, Resource
from ..models.two_factor import RecoveryCode
from ..models.wiki_pages import WikiRevision
from . import outbox
from .names import FORMER_MEMBER
from .search import queue_for_indexing

UNUSABLE_PASSWORD = "!deleted"  # not a werkzeug hash ("method$salt$hash"): no password ever matches it
PLACEHOLDER_DOMAIN = "deleted.invalid"  # ".invalid" never resolves, and registration refuses it
HTML_EMAIL = Markup("""<!doctype html>
<html><body>
<p>Hello {name},</p>
<p>Your account on {site} is deleted, as you asked. Your profile, boards, memberships and notifications are
gone, and you are signed out everywhere.</p>
<p>What you shared in communities (wiki edits, resources, reviews and comments) stays there, shown as by a
former member.</p>
<p>If you did not ask for this, write to the site's admins.</p>
</body></html>
""")


@dataclass
class Blockers:
    """Why an account may not be deleted yet: communities it is the only facilitator of, the last admin."""

    communities: list[Community] = field(default_factory=list)
    last_admin: bool = False

    def __bool__(self) -> bool:
        return bool(self.communities) or self.last_admin


class AccountDeletionRefused(Conflict):
    """The account holds a role nobody else holds yet; nothing was deleted."""

    title = "Hand over first"

    def __init__(self, blockers: Blockers):
        self.blockers = blockers
        super().__init__(refusal_message(blockers))


def refusal_message(blockers: Blockers) -> str:
    parts = []
    if blockers.communities:
        names = ", ".join(community.name for community in blockers.communities)
        parts.append(f"You are the only facilitator of {names}: make another member facilitator first "
                     "(on the community's Members page).")
    if blockers.last_admin:
        parts.append("You are the site's only admin: give another person the admin role first.")
    return " ".join(parts)


def blockers_of(user: User) -> Blockers:
    """The roles `user` must hand over before deleting their account."""
    others = (select(func.count()).select_from(Membership)
              .where(Membership.community_id == Community.id, Membership.status == "active",
                     Membership.role == "facilitator", Membership.user_id != user.id)
              .correlate(Community).scalar_subquery())
    sole = db.session.scalars(select(Community).join(Membership, Membership.community_id == Community.id)
                              .where(Membership.user_id == user.id, Membership.status == "active",
                                     Membership.role == "facilitator", others == 0)
                              .order_by(Community.name))
    admins = db.session.scalar(select(func.count()).select_from(User).where(User.is_admin.is_(True)))
    return Blockers(communities=list(sole), last_admin=user.is_admin and admins <= 1)


def delete_account(actor, *, password: str, now: datetime | None = None) -> None:
    """Delete the actor's own account, proven by their password, and email the old address to confirm.

    Refused (nothing changed) with InvalidInput for a wrong password and AccountDeletionRefused while
    the actor is a community's only facilitator or the site's only admin."""
    if not actor.is_authenticated or actor.id is None or actor.is_deleted:
        raise PermissionDenied("Log in to delete your account.")
    if not check_password_hash(actor.password_hash, password or ""):
        raise InvalidInput({"password": ["This is not your password: nothing was deleted."]})
    with transaction():
        _lock_what_the_refusals_read(actor)
        if blockers := blockers_of(actor):
            raise AccountDeletionRefused(blockers)
        _queue_confirmation(actor)
        _queue_contributions_for_reindexing(actor)
        _remove_personal_data(actor)
        _anonymise(actor, now or utcnow())
    actor.current_session_key = None


def _lock_what_the_refusals_read(user: User) -> None:
    """Two facilitators of one community (or the last two admins) deleting their accounts at once are
    decided one after the other, so one of them stays: the same lock communities._ensure_other_facilitator
    takes, in id order so that two deletions never wait for each other."""
    for community_id in db.session.scalars(select(Membership.community_id).where(
            Membership.user_id == user.id, Membership.status == "active", Membership.role == "facilitator")
            .order_by(Membership.community_id)):
        lock_row(Community, community_id)
    if user.is_admin:
        for admin_id in db.session.scalars(select(User.id).where(User.is_admin.is_(True)).order_by(User.id)):
            lock_row(User, admin_id)


def _queue_confirmation(user: User) -> None:
    site = current_app.config["SITE_NAME"]
    text = (f"Hello {user.display_name},\n\nYour account on {site} is deleted, as you asked. Your profile, boards, "
            "memberships and notifications are gone, and you are signed out everywhere.\n\nWhat you shared in "
            "communities (wiki edits, resources, reviews and comments) stays there, shown as by a former member."
            "\n\nIf you did not ask for this, write to the site's admins.\n")
    outbox.queue_email(to_address=user.email, to_name=user.display_name, subject=f"{site}: your account is deleted",
                       text=text, html=str(HTML_EMAIL.format(name=user.display_name, site=site)))


def _queue_contributions_for_reindexing(user: User) -> None:
    """Rebuild the search documents of everything the person contributed to, so no index keeps anything
    taken from the account (a document built from the tombstone carries only "Former member")."""
    pages = select(WikiRevision.page_id).where(WikiRevision.author_id == user.id).distinct()
    resources = select(Resource.id).where(Resource.owner_id == user.id)
    team = select(TeamMember.proposal_id).where(TeamMember.user_id == user.id)
    projects = select(Proposal.id).where(or_(Proposal.owner_id == user.id, Proposal.id.in_(team)))
    for kind, query in (("wiki", pages), ("resource", resources), ("project", projects)):
        for object_id in db.session.scalars(query):
            queue_for_indexing(kind, object_id)


def _remove_personal_data(user: User) -> None:
    """Everything that was the person's own rather than a contribution to a community."""
    boards = select(Board.id).where(Board.owner_id == user.id)
    db.session.execute(delete(BoardItem).where(BoardItem.board_id.in_(boards)))
    for model, column in ((Board, Board.owner_id), (LoginSession, LoginSession.user_id),
                          (ApiToken, ApiToken.user_id), (PasswordReset, PasswordReset.user_id),
                          (IdempotencyKey, IdempotencyKey.user_id), (Membership, Membership.user_id),
                          (Notification, Notification.user_id), (MentorProfile, MentorProfile.user_id),
                          (EmailVerification, EmailVerification.user_id), (RecoveryCode, RecoveryCode.user_id),
                          (LoginDevice, LoginDevice.user_id), (LoginWarning, LoginWarning.user_id),
                          (SignInLink, SignInLink.user_id), (Follow, Follow.user_id),
                          (NotificationSetting, NotificationSetting.user_id), (DigestRun, DigestRun.user_id)):
        db.session.execute(delete(model).where(column == user.id))
    # Invitations to communities name the person's address: those sent to it go.
    db.session.execute(delete(Invitation).where(or_(Invitation.user_id == user.id, Invitation.email == user.email)))
    db.session.execute(delete(MentorConflict).where(or_(MentorConflict.mentor_id == user.id,
                                                        MentorConflict.user_id == user.id)))
    # An unanswered invitation to a proposal's team goes; an active team member stays, as a former member.
    db.session.execute(delete(TeamMember).where(TeamMember.user_id == user.id, TeamMember.status != "active"))
    _decline_open_assignments(user)
    _take_back_thanks(user)
    db.session.expire_all()  # objects loaded earlier (the person's memberships, tokens...) are stale now


def _take_back_thanks(user: User) -> None:
    """Thanks are a person's own gesture: they go, and the posts they were given to count one fewer. Posts,
    their earlier versions and the flags the person raised stay, by "Former member"."""
    thanked_posts = select(Thanks.target_id).where(Thanks.user_id == user.id, Thanks.target_type == "post")
    db.session.execute(update(Post).where(Post.id.in_(thanked_posts)).values(thanks_count=Post.thanks_count - 1)
                       .execution_options(synchronize_session=False))
    db.session.execute(delete(Thanks).where(Thanks.user_id == user.id))


def _decline_open_assignments(user: User) -> None:
    """A mentor's reviews stay; an assignment they never reviewed is declined, so admins assign someone else."""
    reviewed = select(Review.assignment_id)
    db.session.execute(update(Assignment)
                       .where(Assignment.mentor_id == user.id, Assignment.status != "declined",
                              Assignment.id.not_in(reviewed))
                       .values(status="declined", decline_reason="The mentor deleted their account.",
                               answered_at=utcnow())
                       .execution_options(synchronize_session=False))


def _anonymise(user: User, now: datetime) -> None:
    """Nothing of the person is left on their row, and nobody can sign in with it."""
    user.display_name = FORMER_MEMBER
    user.email = f"deleted-{user.id}-{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"
    user.password_hash = UNUSABLE_PASSWORD
    user.bio, user.country, user.expertise, user.languages = "", "", [], []
    user.is_admin = user.is_mentor = user.is_curator = False
    user.suspended_at, user.suspension_reason = None, ""
    user.email_verified_at = None
    user.totp_secret = user.totp_enabled_at = user.totp_last_step = None
    user.deleted_at = now
