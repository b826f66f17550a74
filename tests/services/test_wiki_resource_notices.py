"""Wiki pages and resources tell their followers: a followed page edited, renamed, deleted or restored, a new
page (and the pages it links to), a new resource, a new version; authors and uploaders follow what they make;
nobody hears of what they can no longer open."""
import io

import pytest
from factories import add_member, make_community, make_page, make_user
from werkzeug.datastructures import FileStorage

from globe.db import transaction
from globe.extensions import db
from globe.models import Notification, OutboxMessage
from globe.permissions import can
from globe.services import communities, following, notifications, resources, wiki_pages
from globe.urls import resource_path, wiki_page_path


def told(user, kind: str = "") -> list[str]:
    db.session.expire_all()
    return [notifications.text_of(notice) for notice in notifications.latest(user, kind=kind)]


def text_file(text: str, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(text.encode()), name)


def edit(actor, page, body: str):
    return wiki_pages.save_page(actor, page.community, page_slug=page.slug, body=body,
                                base_revision=page.current_revision.number)


@pytest.fixture
def club(app):
    community = make_community("club", name="Speaking club", visibility="members")
    ana, bo, watcher = make_user("Ana"), make_user("Bo"), make_user("Wanda")
    add_member(community, ana, "editor")
    add_member(community, bo, "facilitator")
    add_member(community, watcher, "member")
    return community, ana, bo, watcher


def test_edits_of_a_followed_page_reach_its_followers_once_collapsed_and_never_the_editor(club):
    community, ana, bo, wanda = club
    page = make_page(community, "Warm-ups", "One", author=ana)
    following.follow(wanda, "page", page.id, "watch")
    for n in range(3):
        edit(bo if n % 2 else ana, page, f"Version {n}")
    assert told(wanda) == ["“Warm-ups” was changed 3 times by 2 people"]
    [notice] = notifications.latest(wanda)
    assert notice.url == wiki_page_path("club", page.slug) and notice.community_id == community.id
    assert told(ana) == ["Bo edited “Warm-ups” in Speaking club."]  # the author follows her page
    assert told(bo) == ["Ana edited “Warm-ups” in Speaking club."]  # Bo follows it since his edit


def test_an_editor_follows_the_page_unless_they_turned_that_off(club):
    community, ana, bo, _ = club
    page = make_page(community, "Songs", author=ana)
    assert following.level_of(ana, page) == "watch"
    with transaction():
        bo.auto_follow = False
    edit(bo, page, "Bo was here")
    assert following.level_of(bo, page) is None
    edit(ana, page, "Ana again")
    assert told(bo) == []


def test_rename_delete_and_restore_reach_the_followers_and_the_deleted_page_still_opens(club, web):
    community, ana, bo, wanda = club
    page = make_page(community, "Games", author=ana)
    following.follow(wanda, "page", page.id, "watch")
    wiki_pages.rename_page(ana, page, new_title="Classroom games")
    wiki_pages.delete_page(ana, page, reason="Merged elsewhere")
    wiki_pages.restore_page(bo, page)
    assert told(wanda) == ["Bo restored “Classroom games” in Speaking club.",
                           "Ana deleted “Classroom games” in Speaking club.",
                           "Ana renamed “Games” to “Classroom games” in Speaking club."]
    notifications.mark_all_read(wanda)
    wiki_pages.revert_page(bo, page, 1)
    assert told(wanda)[0] == "Bo reverted “Classroom games” to revision 1 in Speaking club."
    wiki_pages.delete_page(bo, page)
    [deleted] = notifications.latest(wanda, limit=1)
    assert notifications.text_of(deleted) == "Bo deleted “Classroom games” in Speaking club."
    web.login(wanda.email)
    response = web.get(deleted.url)
    assert response.status_code == 200 and "This page was deleted" in response.get_data(as_text=True)


def test_a_new_page_reaches_the_communitys_followers_and_the_watchers_of_pages_it_links_to(club):
    community, ana, bo, wanda = club
    linked, other = make_page(community, "Verbs", author=bo), make_page(community, "Nouns", author=bo)
    everyone, new_only, watcher_of_other = make_user("Eve"), make_user("Nina"), make_user("Otto")
    for person, level in ((everyone, "everything"), (new_only, "new")):
        add_member(community, person)
        following.follow(person, "community", community.id, level)
    add_member(community, watcher_of_other)
    following.follow(wanda, "page", linked.id, "watch")
    following.follow(watcher_of_other, "page", other.id, "watch")
    made = wiki_pages.create_page(ana, community, title="Tenses", body="See [[Verbs]] and [[Nowhere]].").page
    wiki_pages.create_page(ana, community, title="Plurals", body="No links.")
    assert told(new_only) == told(everyone) == ["2 new pages in Speaking club"]
    assert told(wanda) == ["Ana wrote “Tenses” in Speaking club, a new page linking to a page you follow."]
    [link] = notifications.latest(wanda)
    assert link.kind == "wiki.link" and link.url == wiki_page_path("club", made.slug) and link.target_id == made.id
    assert told(bo) == told(wanda)  # Bo wrote the linked page, so follows it
    assert told(watcher_of_other) == []
    assert following.level_of(ana, made) == "watch"


def test_a_page_of_a_members_only_community_tells_nobody_outside_it_that_it_links_to_their_page(club):
    community, ana, _, wanda = club
    public = make_community("open", name="Open staffroom")
    target = make_page(public, "Feedback")
    outsider = make_user("Otto")
    for person in (outsider, wanda):
        following.follow(person, "page", target.id, "watch")
    wiki_pages.create_page(ana, community, title="Our feedback", body="About [[open:Feedback]].")
    assert told(outsider) == []
    assert told(wanda) == ["Ana wrote “Our feedback” in Speaking club, a new page linking to a page you follow."]


def test_a_removed_member_hears_nothing_more_of_a_page_they_followed_in_the_app_or_by_email(club):
    community, ana, bo, wanda = club
    page = make_page(community, "Lesson plans", author=ana)
    following.follow(wanda, "page", page.id, "watch")
    notifications.change_settings(wanda, {"wiki.page": "immediately"})
    edit(ana, page, "Before")
    assert told(wanda) == ["Ana edited “Lesson plans” in Speaking club."]
    emailed = db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)
                                .where(OutboxMessage.to_address == wanda.email))
    assert emailed == 1
    communities.remove_member(bo, community, wanda.id)
    for n in range(3):
        edit(ana, page, f"After {n}")
    wiki_pages.rename_page(ana, page, new_title="Secret plans")
    removed = "Bo removed you from “Speaking club”."  # the last thing she hears of it
    assert told(wanda) == [removed] and notifications.unread_count(wanda) == 1
    assert db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.to_address == wanda.email)) == emailed + 1


def test_a_new_resource_reaches_the_communitys_followers_and_a_new_version_the_resources(club):
    community, ana, bo, wanda = club
    following.follow(wanda, "community", community.id, "new")
    first = resources.add_resource(ana, community, upload=text_file("Irregular verbs", "verbs.txt"), title="Verbs")
    resources.add_resource(ana, community, url="https://example.org/songs", title="Songs")
    assert told(wanda) == ["2 new resources in Speaking club"]
    [notice] = notifications.latest(wanda)
    assert notice.kind == "resources.new" and notice.target_type == "resource"
    assert following.level_of(ana, first) == "watch"
    resources.add_version(bo, first, text_file("Irregular verbs, second edition", "verbs.txt"))
    assert told(ana) == ["Bo uploaded version 2 of “Verbs” in Speaking club."]
    [version] = notifications.latest(ana)
    assert version.url == resource_path(first.id) and version.kind == "resources.version"
    assert told(wanda, kind="resources.version") == []  # following the community at "new": new things only
    assert following.level_of(bo, first) == "watch"


def test_telling_many_at_once_lets_through_exactly_whom_can_would(club):
    community, ana, bo, wanda = club
    admin, outsider, removed = make_user("Adm", admin=True), make_user("Out"), make_user("Rem")
    add_member(community, removed)
    communities.remove_member(bo, community, removed.id)
    page = make_page(community, "Plans", author=ana)
    people = [ana, bo, wanda, admin, outsider, removed]
    for target in (community, page, resources.add_resource(ana, community, url="https://example.org", title="A")):
        action = notifications.TARGETS[notifications.target_type_of(target)][1]
        one_by_one = [person for person in people if can(person, action, target)]
        assert notifications.who_may_see(people, target=target) == one_by_one == [ana, bo, wanda, admin]


def test_a_resource_deleted_before_its_followers_hear_of_it_tells_nobody(club):
    community, ana, bo, wanda = club
    following.follow(wanda, "community", community.id, "new")
    resource = resources.add_resource(ana, community, url="https://example.org/chants", title="Chants")
    db.session.execute(db.delete(Notification))
    resources.delete_resource(ana, resource)
    with transaction():  # an event still waiting when the resource went to the bin
        following.tell_followers("resources.new", "Ana shared “Chants”", actor=ana, target=resource)
    assert told(wanda) == []
