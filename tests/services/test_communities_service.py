"""Membership rules: joining by policy, requests, invitations, roles, and the last facilitator."""
import pytest
from factories import add_member, make_community, make_user

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthorized
from globe.permissions import Anonymous
from globe.services import communities, invitations, notifications
from globe.services.accounts import SYSTEM


def test_open_policy_makes_a_member_at_once(app):
    user, community = make_user(), make_community(policy="open")
    record = communities.join(user, community)
    assert record.status == "active" and record.role == "member"


def test_request_policy_waits_for_a_facilitator(app):
    facilitator, user = make_user(), make_user()
    community = make_community(policy="request", facilitator=facilitator)
    record = communities.join(user, community, message="I teach B1 adults.")
    assert record.status == "pending"
    assert [m.user_id for m in communities.list_members(facilitator, community, status="pending")] == [user.id]
    communities.decide_request(facilitator, community, user.id, approve=True, message="Welcome!")
    assert communities.membership(community, user.id).status == "active"


def test_declined_request_keeps_the_message_and_may_be_asked_again(app):
    facilitator, user = make_user(), make_user()
    community = make_community(policy="request", facilitator=facilitator)
    communities.join(user, community)
    communities.decide_request(facilitator, community, user.id, approve=False, message="Full this term.")
    record = communities.membership(community, user.id)
    assert (record.status, record.decision_message) == ("declined", "Full this term.")
    assert communities.join(user, community).status == "pending"


def test_invite_only_refuses_joining_but_accepts_invitations(app):
    facilitator, user = make_user(), make_user()
    community = make_community(policy="invite", facilitator=facilitator)
    with pytest.raises(InvalidInput):
        communities.join(user, community)
    assert communities.membership(community, user.id) is None
    [result] = invitations.invite(facilitator, community, emails=[user.email.upper()], message="Join us")
    assert result.status == "invited" and communities.membership(community, user.id).status == "invited"
    invitations.accept_invitation(user, community)
    assert communities.membership(community, user.id).status == "active"


def test_joining_twice_is_a_conflict(app):
    user, community = make_user(), make_community()
    communities.join(user, community)
    with pytest.raises(Conflict):
        communities.join(user, community)
    pending_cop = make_community(policy="request")
    communities.join(user, pending_cop)
    with pytest.raises(Conflict):
        communities.join(user, pending_cop)


def test_anonymous_cannot_join(app):
    with pytest.raises(Unauthorized):
        communities.join(Anonymous(), make_community())


def test_approving_a_request_that_is_not_pending_changes_nothing(app):
    facilitator, member = make_user(), make_user()
    community = make_community(facilitator=facilitator)
    add_member(community, member)
    with pytest.raises(Conflict):
        communities.decide_request(facilitator, community, member.id, approve=False)
    assert communities.membership(community, member.id).status == "active"


def test_member_cannot_use_facilitator_tools(app):
    member, other = make_user(), make_user()
    community = make_community(policy="request")
    add_member(community, member)
    communities.join(other, community)
    with pytest.raises(PermissionDenied):
        communities.decide_request(member, community, other.id, approve=True)
    with pytest.raises(PermissionDenied):
        communities.set_role(member, community, member.id, "facilitator")
    assert communities.membership(community, member.id).role == "member"


def test_last_facilitator_cannot_step_down_leave_or_be_removed(app):
    facilitator = make_user()
    community = make_community(facilitator=facilitator)
    with pytest.raises(Conflict):
        communities.set_role(facilitator, community, facilitator.id, "member")
    with pytest.raises(Conflict):
        communities.leave(facilitator, community)
    with pytest.raises(Conflict):
        communities.remove_member(SYSTEM, community, facilitator.id)
    assert communities.membership(community, facilitator.id).role == "facilitator"
    second = make_user()
    add_member(community, second, "facilitator")
    communities.set_role(facilitator, community, facilitator.id, "editor")
    assert communities.membership(community, facilitator.id).role == "editor"


def test_roles_are_validated(app):
    facilitator, member = make_user(), make_user()
    community = make_community(facilitator=facilitator)
    add_member(community, member)
    with pytest.raises(InvalidInput):
        communities.set_role(facilitator, community, member.id, "owner")
    with pytest.raises(NotFound):
        communities.set_role(facilitator, community, 999_999, "editor")


def test_invitation_of_an_address_without_account_is_emailed(app):
    facilitator = make_user()
    community = make_community(facilitator=facilitator)
    [result] = invitations.invite(facilitator, community, emails="nobody@example.org")
    assert (result.email, result.status) == ("nobody@example.org", "emailed")


def test_create_community_validates_every_field(app):
    with pytest.raises(InvalidInput) as err:
        communities.create_community(SYSTEM, slug="Bad Slug!", name="", domain="x" * 301, policy="secret",
                                     visibility="hidden")
    assert set(err.value.fields) == {"slug", "name", "domain", "policy", "visibility"}


def test_slugs_are_unique_and_only_admins_create(app):
    make_community("speaking")
    with pytest.raises(InvalidInput):
        communities.create_community(SYSTEM, slug="speaking", name="Again", domain="Speaking")
    with pytest.raises(PermissionDenied):
        communities.create_community(make_user(), slug="mine", name="Mine", domain="Mine")


def test_directory_counts_active_members_and_shows_my_role(app):
    user, pending = make_user(), make_user()
    community = make_community(policy="request")
    add_member(community, user, "editor")
    communities.join(pending, community)
    rows = {c.slug: (count, role) for c, count, role in communities.list_directory(user)}
    assert rows[community.slug] == (1, "editor")
    rows = {c.slug: (count, role) for c, count, role in communities.list_directory(pending)}
    assert rows[community.slug] == (1, "pending")


def test_archived_communities_leave_the_directory_but_admins_can_list_them(app):
    admin = make_user(admin=True)
    community = make_community()
    communities.set_archived(admin, community, True)
    assert community.slug not in [c.slug for c, *_ in communities.list_directory(admin)]
    assert community.slug in [c.slug for c, *_ in communities.list_directory(admin, include_archived=True)]
    assert community.slug not in [c.slug for c, *_ in communities.list_directory(make_user(), include_archived=True)]


def test_members_only_member_list_is_hidden_from_outsiders(app):
    community = make_community(visibility="members")
    add_member(community, make_user())
    with pytest.raises(PermissionDenied):
        communities.list_members(make_user(), community)


def test_a_new_community_starts_with_a_facilitator_or_a_facilitator_invitation(app):
    admin, colleague = make_user(admin=True), make_user()
    mine = communities.create_community(admin, slug="mine", name="Mine", domain="Speaking")
    assert (communities.membership(mine, admin.id).role, communities.membership(mine, admin.id).status) == (
        "facilitator", "active")
    theirs = communities.create_community(admin, slug="theirs", name="Theirs", domain="Reading",
                                          first_facilitator_email=colleague.email.upper())
    assert communities.membership(theirs, admin.id) is None
    record = communities.membership(theirs, colleague.id)
    assert (record.role, record.status) == ("facilitator", "invited")
    assert notifications.unread_count(colleague) == 1  # the notice they always got
    invitations.accept_invitation(colleague, theirs)
    assert communities.membership(theirs, colleague.id).is_active
    newcomer = communities.create_community(admin, slug="newcomer", name="Newcomer", domain="x",
                                            first_facilitator_email="Nobody@Example.org")
    [pending] = invitations.list_open(admin, newcomer)
    assert (pending.email, pending.role, pending.user_id) == ("nobody@example.org", "facilitator", None)
    assert communities.membership(newcomer, admin.id) is None
    with pytest.raises(InvalidInput) as err:
        communities.create_community(admin, slug="bad", name="Bad", domain="x",
                                     first_facilitator_email="not-an-address")
    assert "first_facilitator_email" in err.value.fields
    assert not any(c.slug == "bad" for c, *_ in communities.list_directory(admin))
