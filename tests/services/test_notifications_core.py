"""The one notify(): never the actor, repeats collapse, nobody hears of what they cannot open (when written
and when shown); following levels decide who hears of a change, fanned out after its commit."""
from datetime import timedelta

import pytest
from factories import add_member, make_community, make_page, make_user
from sqlalchemy import event

from globe.db import transaction
from globe.errors import InvalidInput, NotFound
from globe.extensions import db
from globe.models import Membership
from globe.models.base import utcnow
from globe.models.notifications import NotificationEvent
from globe.services import communities, following, notifications


@pytest.fixture
def cop(app):
    community = make_community("club", name="Speaking club", visibility="members")
    facilitator = make_user("Fran")
    add_member(community, facilitator, "facilitator")
    return community, facilitator


def told(user) -> list[str]:
    db.session.expire_all()
    return [notifications.text_of(notice) for notice in notifications.latest(user)]


def test_the_actor_is_never_told_of_their_own_action(cop):
    community, fran = cop
    ana = make_user("Ana")
    add_member(community, ana, "member")
    with transaction():
        notifications.notify([fran, ana], "membership.role", "Roles changed", actor=fran, community=community)
    assert told(fran) == [] and told(ana) == ["Roles changed"]


def test_repeats_within_an_hour_collapse_into_one_notice_naming_the_count(cop):
    community, fran = cop
    page = make_page(community, "Warm-ups", "Text")
    editors = [make_user(f"Editor {n}") for n in range(3)]
    start = utcnow()
    for n in range(10):
        with transaction():
            notifications.notify(fran, "wiki.page", f"Editor edited “{page.title}”", target=page,
                                 actor=editors[n % 3], subject=f"“{page.title}”", collapse_key=f"page:{page.id}",
                                 now=start + timedelta(minutes=n))
    assert told(fran) == ["“Warm-ups” was changed 10 times by 3 people"]
    with transaction():  # more than an hour after the last one: a new notice
        notifications.notify(fran, "wiki.page", "Editor edited “Warm-ups”", target=page, actor=editors[0],
                             collapse_key=f"page:{page.id}", now=start + timedelta(minutes=80))
    assert len(told(fran)) == 2


def test_nobody_is_told_of_what_they_cannot_open_and_lose_notices_when_access_ends(cop):
    community, fran = cop
    outsider, member = make_user("Out"), make_user("Mem")
    add_member(community, member, "member")
    page = make_page(community, "Members only", "Secret plans")
    with transaction():
        assert notifications.notify([outsider, member], "wiki.page", "Edited", target=page) == 1
    assert told(outsider) == [] and notifications.unread_count(member) == 1
    communities.remove_member(fran, community, member.id)
    assert told(member) == ["Fran removed you from “Speaking club”."]  # the only notice left, about no community
    assert notifications.unread_count(member) == 1


def test_marking_read_only_touches_ones_own_notices(cop):
    community, fran = cop
    other = make_user("Other")
    with transaction():
        notifications.notify([fran, other], "incubator", "Hello")
    [mine] = notifications.latest(fran)
    [theirs] = notifications.latest(other)
    with pytest.raises(NotFound):
        notifications.mark_read(fran, [mine.id, theirs.id])
    assert notifications.unread_count(fran) == 1 and notifications.unread_count(other) == 1
    assert notifications.mark_read(fran, [mine.id]) == 1 and notifications.unread_count(fran) == 0


def test_email_settings_take_known_kinds_and_channels_only(cop):
    _, fran = cop
    with pytest.raises(InvalidInput):
        notifications.change_settings(fran, {"wiki.page": "hourly", "incubator": "never"})
    with pytest.raises(InvalidInput):
        notifications.change_settings(fran, {"nonsense": "never"})
    assert notifications.settings_of(fran)["incubator"] == "immediately"
    assert notifications.change_settings(fran, {"incubator": "never"})["incubator"] == "never"


def test_followers_hear_of_a_change_after_its_commit_by_their_level(cop):
    community, fran = cop
    everything, new_only, muted, watcher = (make_user(name) for name in ("Every", "New", "Mute", "Watch"))
    page = make_page(community, "Songs", "Text")  # before anyone follows: nobody hears of its creation
    for person, level in ((everything, "everything"), (new_only, "new"), (muted, "everything")):
        add_member(community, person, "member")
        following.follow(person, "community", community.id, level)
    add_member(community, watcher, "member")
    following.follow(watcher, "page", page.id, "watch")
    following.follow(muted, "page", page.id, "mute")
    with transaction():
        following.tell_followers("wiki.page", "Fran edited “Songs”", actor=fran, target=page)
        following.tell_followers("wiki.new_page", "Fran wrote “Songs”", actor=fran, target=page)
    assert db.session.scalar(db.select(db.func.count()).select_from(NotificationEvent)) == 0  # all told
    assert told(everything) == ["Fran wrote “Songs”", "Fran edited “Songs”"]
    assert told(new_only) == ["Fran wrote “Songs”"]
    assert told(muted) == []  # a mute of the page wins over following its community
    assert told(watcher) == ["Fran wrote “Songs”", "Fran edited “Songs”"]
    assert told(fran) == []


def test_following_what_one_cannot_see_is_not_found_and_stores_nothing(cop):
    community, _ = cop
    outsider = make_user("Out")
    with pytest.raises(NotFound):
        following.follow(outsider, "community", community.id, "everything")
    with pytest.raises(NotFound):
        following.follow(outsider, "page", 987654, "watch")
    with pytest.raises(InvalidInput):
        following.follow(outsider, "planet", 1, "watch")
    assert following.follows_of(outsider) == []
    assert db.session.scalar(db.select(db.func.count()).select_from(Membership)
                             .where(Membership.user_id == outsider.id)) == 0


def test_the_bell_is_one_query_and_still_leaves_out_communities_one_left(cop):
    community, fran = cop
    member = make_user("Mem")
    add_member(community, member, "member")
    page = make_page(community, "Plans", "Text")
    with transaction():
        notifications.notify(member, "wiki.page", "Edited", target=page)
        notifications.notify(member, "incubator", "About no community")
    db.session.refresh(member)  # loaded, as the signed-in person is for each page
    statements = []

    def record(connection, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert notifications.unread_count(member) == 2
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) == 1
    communities.remove_member(fran, community, member.id)  # the page's notice goes; the removal's comes
    assert notifications.unread_count(member) == 2 and "Edited" not in told(member)
