"""The caller's notices, email settings and follows through /api/v1/me/...: only their own, and bad input
changes nothing."""
import pytest
from factories import add_member, make_community, make_page, make_user

from globe.db import transaction
from globe.extensions import db
from globe.models.notifications import Follow
from globe.services import accounts, notifications

NOTICES = "/api/v1/me/notifications"


def token_of(user, scope: str = "write") -> str:
    return accounts.create_token(user, name="t", expires_in_days=None, scope=scope)[1]


def tell(user, message: str = "Your proposal was accepted.", community=None) -> int:
    with transaction():
        notifications.notify(user, "incubator", message, url="/incubator", community=community)
    return notifications.latest(user)[0].id


def follows_of(user) -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(Follow).where(Follow.user_id == user.id))


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def test_the_list_gives_each_notice_with_its_text_and_whether_it_is_read(api, mei):
    cop = make_community("reading")
    add_member(cop, mei)
    first = tell(mei, "First notice.", community=cop)
    tell(mei, "Second notice.")
    notifications.mark_read(mei, [first])
    body = api("GET", NOTICES, token_of(mei)).get_json()
    assert body["total"] == 2
    newest, oldest = body["items"]
    assert newest["text"] == "Second notice." and newest["read"] is False and newest["community"] is None
    assert oldest == {**oldest, "id": first, "kind": "incubator", "community": "reading", "read": True,
                      "url": "/incubator"}
    unread = api("GET", NOTICES + "?unread=1", token_of(mei)).get_json()
    assert [item["text"] for item in unread["items"]] == ["Second notice."]


def test_the_list_is_paged(api, mei):
    for number in range(3):
        tell(mei, f"Notice {number}.")
    response = api("GET", NOTICES + "?per_page=2", token_of(mei))
    assert response.get_json()["total"] == 3 and len(response.get_json()["items"]) == 2
    assert 'rel="next"' in response.headers["Link"]


def test_a_token_is_required(api):
    assert api("GET", NOTICES).status_code == 401


def test_marking_some_or_all_read(api, mei):
    first, second = tell(mei), tell(mei, "Another.")
    token = token_of(mei)
    response = api("POST", NOTICES + "/read", token, json={"ids": [first]})
    assert response.status_code == 200 and response.get_json() == {"unread": 1}
    assert api("POST", NOTICES + "/read", token, json={"all": True}).get_json() == {"unread": 0}
    assert notifications.unread_count(mei) == 0 and second


def test_marking_another_persons_notice_read_is_refused_and_changes_nothing(api, mei):
    mine = tell(mei)
    theirs = tell(make_user("Other"))
    response = api("POST", NOTICES + "/read", token_of(mei), json={"ids": [mine, theirs]})
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    assert notifications.unread_count(mei) == 1  # not even the caller's own was marked


@pytest.mark.parametrize("body", [{}, {"ids": []}, {"ids": ["1"]}, {"ids": 3}, {"all": "yes"}])
def test_a_malformed_request_to_mark_read_is_invalid(api, mei, body):
    tell(mei)
    assert api("POST", NOTICES + "/read", token_of(mei), json=body).status_code == 422
    assert notifications.unread_count(mei) == 1


def test_settings_are_read_and_changed_per_kind(api, mei):
    token = token_of(mei)
    settings = api("GET", "/api/v1/me/notification-settings", token).get_json()
    assert settings["wiki.page"] == "daily" and settings["membership.request"] == "immediately"
    assert settings["auto_follow"] is True and set(settings) == {*notifications.KINDS, "auto_follow"}
    changed = api("PUT", "/api/v1/me/notification-settings", token,
                  json={"wiki.page": "weekly", "auto_follow": False}).get_json()
    assert changed["wiki.page"] == "weekly" and changed["auto_follow"] is False
    assert notifications.channel_for(mei, "wiki.page") == "weekly" and mei.auto_follow is False


@pytest.mark.parametrize("body, field", [
    ({"wiki.page": "hourly"}, "wiki.page"), ({"no.such.kind": "daily"}, "no.such.kind"),
    ({"wiki.page": 3}, "wiki.page"), ({"wiki.page": "weekly", "auto_follow": "no"}, "auto_follow"),
])
def test_an_unknown_kind_or_channel_is_invalid_and_changes_nothing(api, mei, body, field):
    response = api("PUT", "/api/v1/me/notification-settings", token_of(mei), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert notifications.settings_of(mei)["wiki.page"] == "daily" and mei.auto_follow is True


def test_following_listing_and_stopping(api, mei):
    cop = make_community("reading")
    page = make_page(cop, "Phonics games")
    token = token_of(mei)
    response = api("PUT", "/api/v1/me/follows", token, json={"target_type": "community", "target_id": cop.id,
                                                            "level": "everything"})
    assert response.status_code == 200 and response.get_json()["level"] == "everything"
    api("PUT", "/api/v1/me/follows", token, json={"target_type": "page", "target_id": page.id, "level": "mute"})
    listed = api("GET", "/api/v1/me/follows", token).get_json()
    assert {(item["target_type"], item["level"], item["title"]) for item in listed["items"]} == {
        ("community", "everything", cop.name), ("page", "mute", "Phonics games")}
    gone = api("DELETE", "/api/v1/me/follows", token, json={"target_type": "page", "target_id": page.id})
    assert gone.status_code == 204
    assert [item["target_type"] for item in api("GET", "/api/v1/me/follows", token).get_json()["items"]] == [
        "community"]


def test_following_what_you_cannot_see_is_not_found_and_stores_nothing(api, mei):
    hidden = make_community("staff-room", visibility="members")
    page = make_page(hidden, "Pay scales")
    token = token_of(mei)
    for target_type, target_id in (("community", hidden.id), ("page", page.id), ("resource", 999999)):
        response = api("PUT", "/api/v1/me/follows", token, json={"target_type": target_type, "target_id": target_id,
                                                                "level": "mute"})
        assert response.status_code == 404, target_type
    assert follows_of(mei) == 0


@pytest.mark.parametrize("body, field", [
    ({"target_type": "community", "level": "loud"}, "level"),
    ({"target_type": "page", "level": "everything"}, "level"),
    ({"target_type": "meeting", "level": "watch"}, "target_type"),
    ({"target_type": "community", "target_id": "1", "level": "new"}, "target_id"),
])
def test_an_unknown_level_or_target_type_is_invalid(api, mei, body, field):
    cop = make_community("reading")
    page = make_page(cop, "Phonics games")
    body.setdefault("target_id", page.id if body["target_type"] == "page" else cop.id)
    response = api("PUT", "/api/v1/me/follows", token_of(mei), json=body)
    assert response.status_code == 422 and field in response.get_json()["errors"]
    assert follows_of(mei) == 0


def test_marking_all_read_leaves_other_peoples_notices_alone(api, mei):
    other = make_user("Other")
    tell(mei)
    tell(other)
    assert api("POST", NOTICES + "/read", token_of(mei), json={"all": True}).get_json() == {"unread": 0}
    assert notifications.unread_count(other) == 1
