"""Invariants hold under concurrent requests: two facilitators demoting each other at once."""
from __future__ import annotations

from factories import add_member, make_community, make_user
from races import at_once

from globe.errors import Conflict, PermissionDenied
from globe.extensions import db
from globe.models import Community, User
from globe.services import communities


def _demote(community_id: int, actor_id: int, target_id: int) -> str:
    actor, community = db.session.get(User, actor_id), db.session.get(Community, community_id)
    try:
        communities.set_role(actor, community, target_id, "member")
    except (Conflict, PermissionDenied):  # the other one went first: keep the last, or no longer a facilitator
        return "refused"
    return "done"


def test_two_facilitators_demoting_each_other_at_once_leave_one(race_app):
    for _round in range(5):
        first, second = make_user(), make_user()
        community = make_community(facilitator=first)
        add_member(community, second, "facilitator")
        outcomes = at_once(race_app, _demote, [(community.id, first.id, second.id),
                                               (community.id, second.id, first.id)])
        assert sorted(outcomes) == ["done", "refused"]
        facilitators = [m for m in communities.list_members(first, community) if m.role == "facilitator"]
        assert len(facilitators) == 1
