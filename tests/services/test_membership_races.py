"""Invariants hold under concurrent requests: two facilitators demoting each other at once."""
from __future__ import annotations

import threading

import pytest
from factories import add_member, make_community, make_user
from testapp import app_config

from globe import create_app
from globe.errors import Conflict, PermissionDenied
from globe.extensions import db
from globe.models import Community, User
from globe.services import communities


def _demote_each_other(app, community_id: int, pairs: list[tuple[int, int]]) -> list[str]:
    """Each (actor, target) pair demotes at the same moment, in its own request context."""
    start = threading.Barrier(len(pairs))
    outcomes: list[str] = []

    def demote(actor_id: int, target_id: int) -> None:
        with app.app_context():
            actor, community = db.session.get(User, actor_id), db.session.get(Community, community_id)
            start.wait()
            try:
                communities.set_role(actor, community, target_id, "member")
            except (Conflict, PermissionDenied):  # the other one went first: keep the last, or no longer a facilitator
                outcomes.append("refused")
            else:
                outcomes.append("done")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=demote, args=pair) for pair in pairs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _race_on(app) -> None:
    for _round in range(5):
        first, second = make_user(), make_user()
        community = make_community(facilitator=first)
        add_member(community, second, "facilitator")
        outcomes = _demote_each_other(app, community.id, [(first.id, second.id), (second.id, first.id)])
        assert sorted(outcomes) == ["done", "refused"]
        facilitators = [m for m in communities.list_members(first, community) if m.role == "facilitator"]
        assert len(facilitators) == 1


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'race.sqlite3'}"
    return request.getfixturevalue("fresh_postgres_database")


def test_two_facilitators_demoting_each_other_at_once_leave_one(tmp_path, database_url):
    app = create_app(app_config(tmp_path, DATABASE_URL=database_url))
    with app.app_context():
        db.create_all()
        try:
            _race_on(app)
        finally:
            db.session.remove()
            db.engine.dispose()
