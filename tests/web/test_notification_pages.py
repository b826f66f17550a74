"""The notifications pages: the bell on every page, the list (grouped, filtered, marked read), the email
settings, and "Needs your attention" for facilitators and curators."""
from datetime import timedelta

import pytest
from factories import add_member, make_community, make_page, make_user

from globe.db import transaction
from globe.extensions import db
from globe.models.base import utcnow
from globe.models.communities import Membership
from globe.services import communities, knowledge_base, notifications


def tell(user, message: str, *, community=None, kind: str = "incubator", url: str = "/about", now=None) -> int:
    with transaction():
        notifications.notify(user, kind, message, url=url, community=community, now=now)
    return notifications.latest(user)[0].id


@pytest.fixture
def mei(app):
    return make_user("Mei", email="mei@example.org")


def test_the_bell_shows_the_unread_count_to_screen_readers_too(web, mei):
    tell(mei, "One.")
    tell(mei, "Two.")
    web.login("mei@example.org")
    page = web.get("/about").get_data(as_text=True)
    assert ('Notifications<span class="visually-hidden">,</span> <span class="badge">2'
            '<span class="visually-hidden"> unread</span></span>') in page


def test_the_list_groups_by_day_and_community_and_marks_unread_in_words(web, mei):
    cop = make_community("reading", name="Reading circle")
    add_member(cop, mei)
    tell(mei, "Yesterday's news.", now=utcnow() - timedelta(days=1))
    tell(mei, "A page changed in Reading.", community=cop)
    web.login("mei@example.org")
    page = web.get("/notifications").get_data(as_text=True)
    today, yesterday = page.index('">Today</h2>'), page.index('">Yesterday</h2>')
    assert today < page.index('<h3 dir="auto">Reading circle</h3>') < yesterday
    assert yesterday < page.index('<h3 dir="auto">Across Globe</h3>')
    assert page.count('<strong class="tag">Unread</strong>') == 2


def test_opening_an_item_marks_it_read_and_mark_all_read_clears_the_rest(web, mei):
    first = tell(mei, "First.")
    tell(mei, "Second.")
    web.login("mei@example.org")
    assert web.get(f"/notifications/{first}").headers["Location"] == "/about"
    assert notifications.unread_count(mei) == 1
    response = web.post("/notifications", token_from="/notifications")
    assert response.status_code == 302 and notifications.unread_count(mei) == 0
    assert "Nothing unread." in web.get("/notifications").get_data(as_text=True)


def test_filters_by_community_and_kind_work_as_a_plain_form(web, mei):
    cop = make_community("reading", name="Reading circle")
    add_member(cop, mei)
    tell(mei, "In reading.", community=cop, kind="wiki.page")
    tell(mei, "From the incubator.")
    web.login("mei@example.org")
    by_community = web.get("/notifications?community=reading").get_data(as_text=True)
    assert "In reading." in by_community and "From the incubator." not in by_community
    by_kind = web.get("/notifications?kind=incubator").get_data(as_text=True)
    assert "From the incubator." in by_kind and "In reading." not in by_kind
    nothing = web.get("/notifications?community=no-such-cop&kind=nonsense")
    assert nothing.status_code == 200 and "No notifications match these filters." in nothing.get_data(as_text=True)


def test_a_long_list_has_an_older_link(web, mei):
    for number in range(31):
        tell(mei, f"Notice number {number}.")
    web.login("mei@example.org")
    first = web.get("/notifications").get_data(as_text=True)
    assert 'rel="next">Older</a>' in first and "Notice number 0." not in first
    older = web.get("/notifications?page=2").get_data(as_text=True)
    assert "Notice number 0." in older and 'rel="prev">Newer</a>' in older


def test_settings_show_every_kind_and_save_channels_and_auto_follow(web, mei):
    web.login("mei@example.org")
    page = web.get("/notifications/settings").get_data(as_text=True)
    for spec in notifications.KINDS.values():
        assert spec.label in page
    assert "Follow what I create, edit, upload or join" in page
    response = web.post("/notifications/settings", {"wiki.page": "never", "membership.request": "weekly"},
                        token_from="/notifications/settings")
    assert response.status_code == 302
    assert notifications.channel_for(mei, "wiki.page") == "never" and mei.auto_follow is False  # box left unticked


def test_a_channel_that_does_not_exist_changes_nothing(web, mei):
    web.login("mei@example.org")
    response = web.post("/notifications/settings", {"wiki.page": "hourly", "incubator": "never", "auto_follow": "on"},
                        token_from="/notifications/settings")
    assert response.status_code == 400 and "Nothing was saved" in response.get_data(as_text=True)
    assert notifications.channel_for(mei, "incubator") == "immediately"


def test_needs_your_attention_lists_join_requests_and_proposals_oldest_first(web, mei):
    curator = make_user("Cleo Curator", email="cleo@example.org", curator=True)
    cops = [make_community(f"cop-{name}", name=f"CoP {name}", policy="request", facilitator=curator)
            for name in ("a", "b")]
    elsewhere = make_community("elsewhere", policy="request")
    communities.join(make_user("Old Asker"), cops[1], message="Please")
    communities.join(make_user("Not Yours"), elsewhere)
    communities.join(make_user("New Asker"), cops[0])
    with transaction():  # make the first request clearly older
        db.session.scalars(db.select(Membership).where(Membership.status == "pending")).first().created_at = \
            utcnow() - timedelta(days=3)
    page = make_page(cops[0], "Phonics games", author=curator)
    knowledge_base.propose(curator, page, message="")
    web.login("cleo@example.org")
    assert '<span class="visually-hidden">Needs your </span>Attention' in web.get("/about").get_data(as_text=True)
    html = web.get("/attention").get_data(as_text=True)
    assert html.index("Old Asker") < html.index("New Asker") < html.index("“Phonics games” is proposed")
    assert "Not Yours" not in html and "waiting" in html and "3 days" in html
    assert f'href="/c/{cops[1].slug}/members#requests-heading"' in html


def test_people_with_nothing_to_facilitate_see_no_attention_link(web, mei):
    web.login("mei@example.org")
    assert "Needs your </span>Attention" not in web.get("/about").get_data(as_text=True)
    assert web.get("/attention").status_code == 200
