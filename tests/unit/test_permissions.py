"""The permission table: every kind of person x public / members-only CoP x action."""
import pytest

from factories import add_member, make_community, make_user
from globe.permissions import Anonymous, can, require, visible_scope
from globe.errors import PermissionDenied, Unauthorized

PERSONS = ("anonymous", "outsider", "member", "editor", "facilitator", "mentor", "admin")


@pytest.fixture
def world(app):
    """One public and one members-only CoP, and a person of each kind in both."""
    people = {"anonymous": Anonymous(), "outsider": make_user(), "mentor": make_user(mentor=True),
              "admin": make_user(admin=True)}
    cops = {"public": make_community(visibility="public", policy="request"),
            "members": make_community(visibility="members", policy="request")}
    for role in ("member", "editor", "facilitator"):
        people[role] = make_user()
        for community in cops.values():
            add_member(community, people[role], role)
    return people, cops


def expect(allowed_by: set[str]):
    return {person: person in allowed_by for person in PERSONS}


EVERYONE = set(PERSONS)
MEMBERS = {"member", "editor", "facilitator", "admin"}
EDITORS = {"editor", "facilitator", "admin"}
FACILITATORS = {"facilitator", "admin"}
ADMINS = {"admin"}

TABLE = [
    # action, public CoP, members-only CoP
    ("communities.view_content", EVERYONE, MEMBERS),
    ("communities.view_members", EVERYONE, MEMBERS),
    ("communities.join", {"outsider", "mentor", "admin"}, {"outsider", "mentor", "admin"}),
    ("communities.manage_members", FACILITATORS, FACILITATORS),
    ("communities.edit", ADMINS, ADMINS),
    ("communities.archive", ADMINS, ADMINS),
    ("wiki.read", EVERYONE, MEMBERS),
    ("wiki.edit", EDITORS, EDITORS),
    ("wiki.delete", EDITORS, EDITORS),
    ("wiki.restore", FACILITATORS, FACILITATORS),
    ("wiki.propose_public", EDITORS, FACILITATORS),
    ("resources.view", EVERYONE, MEMBERS),
    ("resources.add", MEMBERS, MEMBERS),
    ("resources.moderate", FACILITATORS, FACILITATORS),
]
CASES = [(action, visibility, person, person in allowed)
         for action, public, members in TABLE
         for visibility, allowed in (("public", public), ("members", members))
         for person in PERSONS]


@pytest.mark.parametrize("action, visibility, person, allowed", CASES)
def test_permission_table(world, action, visibility, person, allowed):
    people, cops = world
    assert can(people[person], action, cops[visibility]) is allowed


@pytest.mark.parametrize("person, allowed", list(expect(ADMINS).items()))
def test_site_wide_actions(world, person, allowed):
    people, _ = world
    for action in ("communities.create", "accounts.grant_roles", "site.admin"):
        assert can(people[person], action) is allowed


def test_members_can_edit_wiki_setting_opens_editing_to_members(world):
    people, cops = world
    community = cops["public"]
    assert not can(people["member"], "wiki.edit", community)
    community.members_can_edit_wiki = True
    assert can(people["member"], "wiki.edit", community)
    assert not can(people["outsider"], "wiki.edit", community)


def test_archived_community_is_read_only(world):
    people, cops = world
    community = cops["public"]
    community.is_archived = True
    assert can(people["member"], "communities.view_content", community)
    for action in ("wiki.edit", "resources.add", "communities.manage_members"):
        assert not can(people["admin"], action, community)
    assert not can(people["outsider"], "communities.join", community)


def test_pending_request_grants_nothing(app):
    outsider = make_user()
    community = make_community(visibility="members", policy="request")
    from globe.services import communities
    communities.join(outsider, community, message="please")
    assert not can(outsider, "communities.view_content", community)
    assert not can(outsider, "communities.view_members", community)


def test_require_distinguishes_anonymous_from_forbidden(world):
    people, cops = world
    with pytest.raises(Unauthorized):
        require(people["anonymous"], "resources.add", cops["public"])
    with pytest.raises(PermissionDenied):
        require(people["outsider"], "resources.add", cops["public"])


def test_unknown_action_is_a_programming_error(world):
    people, cops = world
    with pytest.raises(KeyError):
        can(people["admin"], "resources.teleport", cops["public"])


def test_visible_scope_principals(world):
    people, cops = world
    assert visible_scope(people["anonymous"]).principals() == ("public",)
    member_scope = visible_scope(people["member"]).principals()
    assert f"cop:{cops['members'].id}" in member_scope and f"user:{people['member'].id}" in member_scope
    assert "role:admin" not in member_scope
    assert "role:admin" in visible_scope(people["admin"]).principals()
    assert not any(p.startswith("cop:") for p in visible_scope(people["outsider"]).principals())
