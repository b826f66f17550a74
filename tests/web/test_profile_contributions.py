"""Profiles show a member's contributions and the thanks received: all of them to a fellow member and on one's
own profile, nothing from a members-only community to an outsider."""
from factories import add_member, make_community, make_page, make_user

from globe.services import conversations, thanks


def test_a_profile_lists_contributions_only_where_the_viewer_may_look(make_web, app):
    mei = make_user("Mei Chen", email="mei@example.org")
    friend = make_user("Friend", email="friend@example.org")
    public = make_community("open", name="Open club")
    secret = make_community("secret", name="Secret club", visibility="members")
    for community in (public, secret):
        add_member(community, mei, "editor")
        add_member(community, friend)
    conversations.start_thread(mei, public, kind="question", title="How to start a lesson?", body="?")
    conversations.start_thread(mei, secret, kind="idea", title="Secret staff-room idea", body="!")
    thanks.thank(friend, make_page(secret, "Secret timetable", author=mei))
    thanks.thank(friend, make_page(public, "Open warm-ups", author=mei))

    make_user("Olga", email="olga@example.org")
    outsider = make_web()
    outsider.login("olga@example.org")
    for browser in (outsider, make_web()):
        html = browser.get(f"/people/{mei.id}").get_data(as_text=True)
        assert '<h2 id="contributions-heading">Contributions</h2>' in html
        assert "How to start a lesson?" in html and "Open warm-ups" in html
        assert "Secret" not in html
        assert "<dt>Discussions started</dt><dd>1</dd>" in html and "<dt>Thanks received</dt><dd>1</dd>" in html

    member = make_web()
    member.login("friend@example.org")
    html = member.get(f"/people/{mei.id}").get_data(as_text=True)
    assert "Secret staff-room idea" in html and "Secret timetable" in html
    assert "<dt>Discussions started</dt><dd>2</dd>" in html and "<dt>Thanks received</dt><dd>2</dd>" in html

    own = make_web()
    own.login("mei@example.org")
    html = own.get("/profile").get_data(as_text=True)
    assert "Secret staff-room idea" in html and "<dt>Wiki pages edited</dt><dd>2</dd>" in html
