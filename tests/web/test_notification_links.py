"""Opening a notification marks it read, and only the viewer's own notifications."""
from factories import make_user

from globe.db import transaction
from globe.models.notifications import Notification
from globe.services import notifications


def _notice(user, url: str = "/about") -> int:
    with transaction():
        notifications.notify(user, "incubator", "Your proposal was accepted.", url=url)
    return notifications.latest(user)[0].id


def test_following_a_notification_marks_it_read(web, app):
    user = make_user(email="mei@example.org")
    notice_id = _notice(user)
    web.login("mei@example.org")
    page = web.get("/notifications").get_data(as_text=True)
    assert f'href="/notifications/{notice_id}"' in page
    response = web.get(f"/notifications/{notice_id}")
    assert response.status_code == 302 and response.headers["Location"] == "/about"
    assert notifications.unread_count(user) == 0


def test_someone_elses_notification_is_not_found_and_stays_unread(web, app):
    owner = make_user()
    notice_id = _notice(owner)
    make_user(email="other@example.org")
    web.login("other@example.org")
    assert web.get(f"/notifications/{notice_id}").status_code == 404
    assert notifications.unread_count(owner) == 1


def test_a_notification_pointing_off_site_goes_back_to_the_list(web, app):
    user = make_user(email="mei@example.org")
    notice_id = _notice(user, url="https://evil.example/")
    web.login("mei@example.org")
    response = web.get(f"/notifications/{notice_id}")
    assert response.headers["Location"] == "/notifications"
    assert app.extensions["sqlalchemy"].session.get(Notification, notice_id).read_at is not None
