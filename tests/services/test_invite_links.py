"""Invite links: made by facilitators, used by anyone signed in, limited in time and uses, revocable."""
from datetime import timedelta

import pytest
from factories import SYSTEM, add_member, make_community, make_user
from races import at_once

from globe.errors import InvalidInput, PermissionDenied
from globe.extensions import db
from globe.models import User
from globe.models.base import utcnow
from globe.services import communities, invitations, invite_links
from globe.services.invite_links import InviteLinkGone, InviteLinkUnknown


@pytest.fixture
def cop(app):
    facilitator = make_user("Fatima")
    community = make_community("speaking", policy="invite", visibility="members", facilitator=facilitator)
    return community, facilitator


def test_a_join_link_makes_a_member_even_of_an_invite_only_community(cop):
    community, facilitator = cop
    link, token = invite_links.create_link(facilitator, community, expires_in_days=7)
    newcomer = make_user("Noor")
    outcome = invite_links.join_through_link(newcomer, token)
    assert outcome.status == "joined"
    assert communities.membership(community, newcomer.id).status == "active"
    assert communities.membership(community, newcomer.id).role == "member"
    assert invite_links.list_active_links(facilitator, community)[0].uses == 1


def test_a_request_link_files_a_join_request(cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=1, mode="request")[1]
    asker = make_user()
    assert invite_links.join_through_link(asker, token).status == "requested"
    assert communities.membership(community, asker.id).status == "pending"
    assert invite_links.join_through_link(asker, token).status == "already_requested"
    assert [m.user_id for m in communities.list_members(facilitator, community, status="pending")] == [asker.id]


def test_a_member_opening_the_link_is_told_and_uses_nothing(cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=7, max_uses=1)[1]
    assert invite_links.join_through_link(facilitator, token).status == "already_member"
    assert invite_links.join_through_link(make_user(), token).status == "joined"


def test_a_link_is_used_up_after_its_number_of_uses(cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=7, max_uses=2)[1]
    first, second, third = make_user(), make_user(), make_user()
    invite_links.join_through_link(first, token)
    invite_links.join_through_link(second, token)
    with pytest.raises(InviteLinkGone, match="used as many times"):
        invite_links.join_through_link(third, token)
    assert communities.membership(community, third.id) is None
    assert invite_links.list_active_links(facilitator, community) == []


def test_the_last_use_goes_to_one_person_only(cop):
    """Two people open a one-use link at the same moment: both pass the first check, one joins."""
    community, facilitator = cop
    link, token = invite_links.create_link(facilitator, community, expires_in_days=7, max_uses=1)
    first, second = make_user(), make_user()
    opened = invite_links.open_link(token)  # the second person's request read the link here...
    invite_links.join_through_link(first, token)  # ...while the first one joined
    with pytest.raises(InviteLinkGone, match="a moment ago"):
        invite_links._use_link(second, opened, None, utcnow())
    assert communities.membership(community, second.id) is None
    assert communities.count_members(community) == 2


def _open(token: str, user_id: int) -> str:
    try:
        return invite_links.join_through_link(db.session.get(User, user_id), token).status
    except InviteLinkGone:
        return "gone"


def test_people_opening_a_link_at_once_never_exceed_its_uses(race_app):
    facilitator = make_user()
    community = make_community(policy="invite", facilitator=facilitator)
    link, token = invite_links.create_link(facilitator, community, expires_in_days=7, max_uses=2)
    outcomes = at_once(race_app, _open, [(token, make_user().id) for _ in range(5)])
    assert sorted(outcomes) == ["gone", "gone", "gone", "joined", "joined"]
    assert communities.count_members(community) == 3
    db.session.expire_all()
    assert db.session.get(type(link), link.id).uses == 2


def test_a_link_expires(cop):
    community, facilitator = cop
    now = utcnow()
    token = invite_links.create_link(facilitator, community, expires_in_days=1, now=now)[1]
    invite_links.open_link(token, now=now + timedelta(hours=23))
    with pytest.raises(InviteLinkGone, match="expired") as gone:
        invite_links.join_through_link(make_user(), token, now=now + timedelta(days=1, seconds=1))
    assert gone.value.status == 410
    assert invite_links.list_active_links(facilitator, community, now=now + timedelta(days=2)) == []


def test_a_revoked_link_stops_working_and_members_stay(cop):
    community, facilitator = cop
    link, token = invite_links.create_link(facilitator, community, expires_in_days=30)
    joined = make_user()
    invite_links.join_through_link(joined, token)
    invite_links.revoke_link(facilitator, community, link.id)
    with pytest.raises(InviteLinkGone, match="revoked"):
        invite_links.join_through_link(make_user(), token)
    assert communities.membership(community, joined.id).is_active


@pytest.mark.parametrize("token", ["", "nonsense", "x" * 5000, None])
def test_forged_links_are_unknown(cop, token):
    with pytest.raises(InviteLinkUnknown) as unknown:
        invite_links.open_link(token)
    assert unknown.value.status == 400


def test_only_the_token_s_hash_is_stored(cop):
    community, facilitator = cop
    link, token = invite_links.create_link(facilitator, community, expires_in_days=7)
    assert token not in (link.token_hash, link.prefix) and link.prefix == token[:6]


def test_an_archived_community_refuses_its_links(cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=7)[1]
    communities.set_archived(SYSTEM, community, True)
    with pytest.raises(InviteLinkGone, match="archived"):
        invite_links.join_through_link(make_user(), token)
    with pytest.raises(PermissionDenied):
        invite_links.create_link(facilitator, community, expires_in_days=7)


def test_an_open_invitation_is_accepted_through_a_request_link(cop):
    community, facilitator = cop
    token = invite_links.create_link(facilitator, community, expires_in_days=7, mode="request")[1]
    invited = make_user()
    invitations.invite(facilitator, community, emails=[invited.email], role="editor")
    outcome = invite_links.join_through_link(invited, token)
    assert (outcome.status, outcome.membership.status, outcome.membership.role) == ("joined", "active", "editor")
    assert invite_links.list_active_links(facilitator, community)[0].uses == 0  # the invitation let them in
    assert invitations.list_open(facilitator, community) == []


@pytest.mark.parametrize("who", ["member", "editor", "outsider"])
def test_only_facilitators_make_and_revoke_links(cop, who):
    community, facilitator = cop
    person = make_user()
    if who != "outsider":
        add_member(community, person, who)
    with pytest.raises(PermissionDenied):
        invite_links.create_link(person, community, expires_in_days=7)
    link = invite_links.create_link(facilitator, community, expires_in_days=7)[0]
    with pytest.raises(PermissionDenied):
        invite_links.revoke_link(person, community, link.id)


@pytest.mark.parametrize("fields", [{"expires_in_days": 0}, {"expires_in_days": 366}, {"expires_in_days": "7"},
                                    {"expires_in_days": 7, "max_uses": 0}, {"expires_in_days": 7, "max_uses": True},
                                    {"expires_in_days": 7, "mode": "admin"}])
def test_bad_settings_are_refused_with_the_field(cop, fields):
    community, facilitator = cop
    with pytest.raises(InvalidInput) as refused:
        invite_links.create_link(facilitator, community, **fields)
    assert set(refused.value.fields) & {"expires_in_days", "max_uses", "mode"}
    assert invite_links.list_active_links(facilitator, community) == []
