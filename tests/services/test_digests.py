"""Digests through a real SMTP server: one email per person and period, grouped by community with counts and
the latest items, re-checked for what each person may still see, and never sent twice (run twice, or a crash
half-way through a run)."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import mail_server as smtp
import pytest
from factories import add_member, make_community, make_page, make_user

from globe.db import transaction
from globe.errors import InvalidInput
from globe.models.base import utcnow
from globe.services import communities, digests, notifications

TUESDAY = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # the day the notices happen
WEDNESDAY_MORNING = datetime(2026, 12, 2, 7, 0, tzinfo=UTC)  # after 06:00 UTC: Tuesday's digest is due


@pytest.fixture
def app(mailing_site):
    return mailing_site


def tell(user, message, *, community=None, target=None, kind="wiki.new_page", when=TUESDAY):
    with transaction():
        notifications.notify(user, kind, message, community=community, target=target, url="/somewhere", now=when)


def digests_to(inbox, address: str) -> list:
    return [email for email in inbox.to(address) if "digest" in email["Subject"]]


def test_one_email_groups_every_community_with_counts_and_the_latest_items(app, inbox):
    dana = make_user("Dana", email="dana@example.org")
    club = make_community("club", name="Speaking club")
    algebra = make_community("algebra", name="Algebra")
    for community in (club, algebra):
        add_member(community, dana)
    for n in range(7):
        tell(dana, f"Page {n} was created", community=club, when=TUESDAY + timedelta(minutes=n))
    tell(dana, "A new resource on fractions", community=algebra, kind="resources.new")
    notifications.change_settings(dana, {"incubator": "daily"})
    tell(dana, "Your proposal was reviewed", kind="incubator")
    tell(dana, "Too early", community=club, when=TUESDAY - timedelta(days=1))
    tell(dana, "Too late", community=club, when=WEDNESDAY_MORNING)
    tell(dana, "Fran asks to join", community=club, kind="membership.request")  # an immediate kind

    assert digests.send_digests("daily", now=WEDNESDAY_MORNING) == 1
    [email] = digests_to(inbox, "dana@example.org")
    assert email["Subject"] == "Globe daily digest: 9 notices, Tuesday 1 December 2026"
    body = smtp.text_of(email)
    assert body.index("Algebra (1)") < body.index("Speaking club (7)") < body.index("Globe (1)")
    assert "- Page 6 was created\n  http://globe.example.org/somewhere\n" in body  # the latest first
    assert "Page 2 was created" in body and "Page 1 was created" not in body
    assert "- and 2 more: http://globe.example.org/notifications" in body
    assert "A new resource on fractions" in body and "Your proposal was reviewed" in body
    for left_out in ("Too early", "Too late", "Fran asks to join"):
        assert left_out not in body
    html = email.get_body(("html",)).get_content()
    assert "<h2>Speaking club (7)</h2>" in html and '<a href="http://globe.example.org/somewhere">Page 6' in html
    assert email["List-Unsubscribe"].startswith("<http://globe.example.org/unsubscribe/")


def test_a_weekly_digest_covers_monday_to_sunday_and_goes_out_on_monday(app, inbox):
    dana = make_user("Dana", email="dana@example.org")
    notifications.change_settings(dana, {"wiki.new_page": "weekly"})
    tell(dana, "Monday's page", when=datetime(2026, 11, 30, 0, 30, tzinfo=UTC))
    tell(dana, "Sunday's page", when=datetime(2026, 12, 6, 23, 30, tzinfo=UTC))
    tell(dana, "Next Monday's page", when=datetime(2026, 12, 7, 1, 0, tzinfo=UTC))
    assert digests.send_digests(now=datetime(2026, 12, 7, 5, 59, tzinfo=UTC)) == 0  # not yet 06:00
    assert digests.send_digests(now=datetime(2026, 12, 7, 6, 0, tzinfo=UTC)) == 1
    [email] = digests_to(inbox, "dana@example.org")
    assert email["Subject"] == "Globe weekly digest: 2 notices, week of Monday 30 November 2026"
    assert "Next Monday's page" not in smtp.text_of(email)


def test_the_day_is_the_calendar_day_of_the_site_time_zone(app):
    app.config["DIGEST_TIME_ZONE"] = "Asia/Tokyo"  # UTC+9
    before_six = digests.due_period("daily", datetime(2026, 12, 3, 20, 59, tzinfo=UTC))  # 05:59 on the 4th
    after_six = digests.due_period("daily", datetime(2026, 12, 3, 21, 0, tzinfo=UTC))
    assert before_six.first_day == date(2026, 12, 2) and after_six.first_day == date(2026, 12, 3)
    assert after_six.start == datetime(2026, 12, 2, 15, 0, tzinfo=UTC)
    assert after_six.end == datetime(2026, 12, 3, 15, 0, tzinfo=UTC)
    assert digests.parse_now("2026-12-04T06:00").utcoffset() == timedelta(hours=9)
    app.config["DIGEST_TIME_ZONE"] = "Mars/Olympus"
    with pytest.raises(InvalidInput):
        digests.due_period("daily", TUESDAY)


def test_someone_removed_from_a_members_only_community_gets_nothing_from_it(app, inbox):
    fran, dana = make_user("Fran"), make_user("Dana", email="dana@example.org")
    private = make_community("private", name="Staff room", visibility="members", facilitator=fran)
    add_member(private, dana)
    page = make_page(private, "Exam answers", "Secret")
    tell(dana, "Exam answers was changed", target=page, kind="wiki.page")
    tell(dana, "A new page in the staff room", community=private)
    communities.remove_member(fran, private, dana.id)
    assert digests.send_digests("daily", now=WEDNESDAY_MORNING) == 0
    assert digests_to(inbox, "dana@example.org") == []


def test_a_page_made_invisible_since_is_left_out_of_a_digest_that_still_goes(app, inbox):
    dana = make_user("Dana", email="dana@example.org")
    public, private = make_community("open", name="Open room"), make_community("closed", visibility="members")
    add_member(public, dana)
    page = make_page(private, "Not for Dana", "Secret")
    tell(dana, "Not for Dana was changed", community=public, target=page, kind="wiki.page")  # refused when written
    tell(dana, "A page in the open room", community=public)
    assert digests.send_digests("daily", now=WEDNESDAY_MORNING) == 1
    body = smtp.text_of(digests_to(inbox, "dana@example.org")[0])
    assert "Open room (1)" in body and "Not for Dana" not in body


def test_a_digest_run_twice_sends_once(app, inbox):
    dana = make_user("Dana", email="dana@example.org")
    tell(dana, "A new page")
    assert digests.send_digests(now=WEDNESDAY_MORNING) == 1
    assert digests.send_digests(now=WEDNESDAY_MORNING + timedelta(hours=3)) == 0
    done: set = set()  # the worker's memory of the periods it went through
    assert digests.send_digests(now=WEDNESDAY_MORNING, done=done) == 0 and len(done) == 2
    assert len(digests_to(inbox, "dana@example.org")) == 1


def test_a_crash_half_way_sends_nobody_twice_and_the_next_run_does_the_rest(app, inbox, monkeypatch):
    people = [make_user(f"Person {n}", email=f"person{n}@example.org") for n in range(3)]
    for person in people:
        tell(person, "A new page")
    real_queue, calls = digests.queue_email, []

    def crash_on_the_second(**email):
        calls.append(email["to_address"])
        if len(calls) == 2:
            raise RuntimeError("the process dies")
        return real_queue(**email)

    monkeypatch.setattr(digests, "queue_email", crash_on_the_second)
    with pytest.raises(RuntimeError):
        digests.send_digests("daily", now=WEDNESDAY_MORNING)
    monkeypatch.setattr(digests, "queue_email", real_queue)
    assert [len(digests_to(inbox, person.email)) for person in people] == [1, 0, 0]
    assert digests.send_digests("daily", now=WEDNESDAY_MORNING) == 2
    assert [len(digests_to(inbox, person.email)) for person in people] == [1, 1, 1]


def test_the_command_sends_the_digests_that_are_due(app, inbox):
    dana = make_user("Dana", email="dana@example.org")
    tell(dana, "A new page")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["globe", "send-digests", "--now", "yesterday"])
    assert refused.exit_code != 0 and "is not an ISO 8601 time" in refused.output
    result = runner.invoke(args=["globe", "send-digests", "--period", "daily", "--now", "2026-12-02T06:30"])
    assert result.exit_code == 0 and "Queued 1 digest(s)." in result.output
    again = runner.invoke(args=["globe", "send-digests", "--period", "daily", "--now", "2026-12-02T06:30"])
    assert "Queued 0 digest(s)." in again.output
    assert len(digests_to(inbox, "dana@example.org")) == 1


def test_the_index_worker_sends_the_digests_that_are_due(app, inbox):
    dana = make_user("Dana", email="dana@example.org")
    due = digests.due_period("daily", utcnow())
    tell(dana, "A new page <b>here</b>", when=due.start + timedelta(hours=1))
    result = app.test_cli_runner().invoke(args=["globe", "index-worker", "--once"])
    assert result.exit_code == 0 and "Queued 1 digest(s)." in result.output
    [email] = digests_to(inbox, "dana@example.org")
    assert "A new page &lt;b&gt;here&lt;/b&gt;" in email.get_body(("html",)).get_content()
    assert "A new page <b>here</b>" in smtp.text_of(email)
    app.config["DIGEST_TIME_ZONE"] = "Nowhere/Land"
    refused = app.test_cli_runner().invoke(args=["globe", "index-worker", "--once"])
    assert refused.exit_code != 0 and "'Nowhere/Land' is not a time zone" in refused.output


def test_the_daily_digest_tells_of_new_discussions_in_the_communities_followed(app, inbox):
    from globe.services import conversations, following

    dana, ana = make_user("Dana", email="dana@example.org"), make_user("Ana Lima")
    club, quiet = make_community("club", name="Speaking club"), make_community("quiet", name="Quiet room")
    staff = make_community("staff", name="Staff room", visibility="members")
    for community in (club, quiet):
        add_member(community, dana)
        add_member(community, ana)
    add_member(staff, ana)
    following.follow(dana, "community", club.id, "new")  # as joining does: new pages, resources and threads
    following.follow(dana, "community", quiet.id, "mute")
    thread = conversations.start_thread(ana, club, kind="question", title="How do you start a lesson?", body="Ideas?")
    conversations.start_thread(ana, quiet, kind="idea", title="A muted idea", body="Shh.")
    conversations.start_thread(ana, staff, kind="question", title="Staff rota", body="Who is on?")
    tomorrow = utcnow().astimezone(digests.time_zone()).date() + timedelta(days=1)
    assert digests.send_digests("daily", now=datetime.combine(tomorrow, time(7), digests.time_zone())) == 1
    body = smtp.text_of(digests_to(inbox, "dana@example.org")[0])
    assert "Speaking club (1)" in body
    assert (f"- Ana Lima started a discussion in Speaking club: How do you start a lesson?\n"
            f"  http://globe.example.org/discussions/{thread.id}\n") in body
    assert "A muted idea" not in body and "Staff rota" not in body
