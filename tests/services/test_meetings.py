"""Scheduling meetings through the service: zones and daylight-saving days, recurring series changed and
cancelled one occurrence or all following ones (with UIDs and SEQUENCEs a calendar can follow), replies with
capacity, and attendance."""
from datetime import date, datetime

import pytest
from factories import add_member, make_club, make_user, plan_meeting

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from globe.permissions import Anonymous, can
from globe.services import meetings
from globe.services.meeting_times import in_zone, shown


@pytest.fixture
def club(app):
    community, ana, bo, fay = make_club()
    add_member(community, organiser := make_user("Olu"), "organiser")
    return community, ana, bo, fay, organiser


def local(meeting, zone):
    return in_zone(meeting.starts_at, zone).strftime("%Y-%m-%d %H:%M %Z")


def plan(**fields):
    values = {"title": "Speaking club", "start": "2027-03-16T18:00", "minutes": 60, "timezone": "Europe/London"}
    return meetings.check_plan(**{**values, **fields})


@pytest.mark.parametrize("role, allowed", [("member", False), ("editor", False), ("organiser", True),
                                           ("facilitator", True)])
def test_organisers_and_facilitators_schedule_meetings(app, role, allowed):
    community, *_ = make_club()
    add_member(community, person := make_user(), role)
    assert can(person, "meetings.schedule", community) is allowed
    if not allowed:
        with pytest.raises(PermissionDenied, match="organisers and facilitators"):
            meetings.schedule(person, community, plan())


def test_a_weekly_meeting_keeps_its_wall_clock_time_across_the_daylight_saving_change(club):
    community, *_, olu = club
    scheduled = plan_meeting(community, olu, repeat="weekly", count=4)
    starts = [local(m, "Europe/London") for m in scheduled.occurrences]
    assert starts == ["2027-03-16 18:00 GMT", "2027-03-23 18:00 GMT", "2027-03-30 18:00 BST", "2027-04-06 18:00 BST"]
    assert [local(m, "America/New_York") for m in scheduled.occurrences[1:3]] == [
        "2027-03-23 14:00 EDT", "2027-03-30 13:00 EDT"]
    assert [local(m, "Asia/Tokyo") for m in scheduled.occurrences[1:3]] == [
        "2027-03-24 03:00 JST", "2027-03-31 02:00 JST"]
    assert {m.uid for m in scheduled.occurrences} == {scheduled.occurrences[0].series.uid}
    assert scheduled.occurrences[0].series.rrule == "FREQ=WEEKLY;COUNT=4"


def test_every_second_week_and_monthly_on_the_nth_weekday(club):
    community, *_, olu = club
    fortnightly = plan_meeting(community, olu, repeat="fortnightly", count=3)
    assert [local(m, "Europe/London")[:10] for m in fortnightly.occurrences] == ["2027-03-16", "2027-03-30",
                                                                               "2027-04-13"]
    monthly = plan_meeting(community, olu, start="2027-03-09T18:00", repeat="monthly", count=3)  # 2nd Tuesday
    assert [local(m, "Europe/London")[:10] for m in monthly.occurrences] == ["2027-03-09", "2027-04-13",
                                                                           "2027-05-11"]
    assert "BYDAY=+2TU" in monthly.meeting.series.rrule


def test_a_recurrence_without_end_is_capped_and_the_person_is_told(club):
    community, *_, olu = club
    scheduled = meetings.schedule(olu, community, plan(), repeat="weekly")
    assert len(scheduled.occurrences) == 52
    assert "stops after 52 meetings" in scheduled.notes[0]
    until = meetings.schedule(olu, community, plan(), repeat="weekly", until=date(2027, 4, 1))
    assert len(until.occurrences) == 3


def test_a_time_the_clocks_skip_is_refused_and_one_they_repeat_takes_the_first(club):
    community, *_, olu = club
    with pytest.raises(InvalidInput) as refused:
        meetings.schedule(olu, community, plan(start="2027-03-28T01:30"))
    assert "does not exist on 28 March 2027 in Europe/London" in refused.value.fields["starts_at"][0]
    twice = meetings.schedule(olu, community, plan(start="2027-10-31T01:30"))
    assert local(twice.meeting, "Europe/London") == "2027-10-31 01:30 BST"
    assert "happens twice" in twice.notes[0] and "the first time, 01:30 BST" in twice.notes[0]


@pytest.mark.parametrize("fields, field", [
    ({"timezone": "Mars/Olympus"}, "timezone"), ({"start": "next tuesday"}, "starts_at"),
    ({"minutes": 0}, "minutes"), ({"minutes": None, "end": "2027-03-16T17:00"}, "ends_at"),
    ({"title": "  "}, "title"), ({"online_url": "javascript:alert(1)"}, "online_url"), ({"capacity": "-3"}, "capacity"),
])
def test_bad_fields_are_refused_with_the_field_named(app, fields, field):
    with pytest.raises(InvalidInput) as refused:
        plan(**fields)
    assert field in refused.value.fields


def test_an_end_given_as_a_time_sets_the_length_across_a_daylight_saving_night(club):
    checked = plan(start="2027-03-27T23:00", minutes=None, end="2027-03-28T03:00")
    assert checked.minutes == 180  # the clocks skip an hour that night


def test_nothing_is_stored_when_the_series_is_refused(club):
    community, *_, olu = club
    with pytest.raises(InvalidInput):
        meetings.schedule(olu, community, plan(), repeat="daily")
    with pytest.raises(InvalidInput):
        meetings.schedule(olu, community, plan(start="2020-01-07T18:00"))
    assert meetings.upcoming(olu, community) == []


def test_changing_one_occurrence_leaves_the_others_and_raises_its_sequence(club):
    community, *_, olu = club
    first, second, third = plan_meeting(community, olu, repeat="weekly", count=3).occurrences
    meetings.change(olu, second, plan(start="2027-03-24T19:00", title="Moved"), scope="this")
    assert (second.sequence, second.is_changed_occurrence, second.uid) == (1, True, first.uid)
    assert local(second, "Europe/London") == "2027-03-24 19:00 GMT" and second.recurrence_start != second.starts_at
    assert (first.title, third.title, third.sequence) == ("Speaking club meeting", "Speaking club meeting", 0)


def test_changing_this_and_following_splits_the_series_with_a_new_uid(club):
    community, *_, olu = club
    first, second, third = plan_meeting(community, olu, repeat="weekly", count=3).occurrences
    old = first.series
    changed = meetings.change(olu, second, plan(start="2027-03-23T17:30", title="Later"), scope="following")
    assert changed == [second, third]
    assert old.rrule == "FREQ=WEEKLY;COUNT=1" and old.sequence == 1 and first.uid == old.uid
    assert second.uid == third.uid != old.uid
    assert [local(m, "Europe/London") for m in changed] == ["2027-03-23 17:30 GMT", "2027-03-30 17:30 BST"]


def test_changing_following_from_the_first_occurrence_keeps_the_uid(club):
    community, *_, olu = club
    first, second = plan_meeting(community, olu, repeat="weekly", count=2).occurrences
    uid = first.uid
    meetings.change(olu, first, plan(title="Renamed"), scope="following")
    assert (first.uid, second.uid, second.title, first.series.sequence) == (uid, uid, "Renamed", 1)


def test_cancelling_one_or_all_following(club):
    community, *_, olu = club
    first, second, third = plan_meeting(community, olu, repeat="weekly", count=3).occurrences
    meetings.cancel(olu, second, scope="this")
    assert (first.status, second.status, third.status, second.sequence) == ("scheduled", "cancelled", "scheduled", 1)
    with pytest.raises(Conflict):
        meetings.cancel(olu, second)
    assert meetings.cancel(olu, first, scope="following") == [first, third]
    assert meetings.next_meeting(community) is None


def test_a_one_off_meeting_has_no_following(club):
    community, *_, olu = club
    one = plan_meeting(community, olu).meeting
    with pytest.raises(InvalidInput, match="does not repeat"):
        meetings.cancel(olu, one, scope="following")
    with pytest.raises(InvalidInput) as refused:
        meetings.cancel(olu, one, scope="all")
    assert "scope" in refused.value.fields


def test_replies_are_counted_a_full_meeting_says_so_and_a_cancelled_one_takes_none(club):
    community, ana, bo, fay, olu = club
    meeting = plan_meeting(community, olu, capacity=1).meeting
    meetings.answer(ana, meeting, "going")
    with pytest.raises(Conflict, match="full"):
        meetings.answer(bo, meeting, "going")
    meetings.answer(bo, meeting, "maybe")
    meetings.answer(ana, meeting, "going")  # answering again is no problem
    assert meetings.rsvp_counts(meeting) == {"going": 1, "maybe": 1, "no": 0}
    with pytest.raises(InvalidInput):
        meetings.answer(fay, meeting, "perhaps")
    meetings.cancel(olu, meeting)
    with pytest.raises(Conflict, match="cancelled"):
        meetings.answer(fay, meeting, "going")


def test_outsiders_neither_see_nor_answer_a_members_only_meeting(club):
    community, *_, olu = club
    meeting = plan_meeting(community, olu).meeting
    outsider = make_user("Out")
    for person in (outsider, Anonymous()):
        with pytest.raises(NotFound):
            meetings.get_meeting(person, meeting.id)
    with pytest.raises(PermissionDenied):
        meetings.answer(outsider, meeting, "going")


def test_attendance_is_recorded_after_the_start_for_members_only(club, monkeypatch):
    community, ana, bo, fay, olu = club
    meeting = plan_meeting(community, olu).meeting
    meetings.answer(ana, meeting, "going")
    with pytest.raises(Conflict, match="once the meeting has started"):
        meetings.record_attendance(olu, meeting, [ana.id])
    monkeypatch.setattr(meetings, "utcnow", lambda: datetime(2027, 3, 16, 18, 30, tzinfo=meeting.starts_at.tzinfo))
    with pytest.raises(InvalidInput):
        meetings.record_attendance(olu, meeting, [make_user().id])
    attended = meetings.record_attendance(olu, meeting, [bo.id])
    assert [rsvp.user_id for rsvp in attended] == [bo.id]
    assert {r.user_id: r.attended for r in meeting.rsvps} == {ana.id: False, bo.id: True}
    with pytest.raises(PermissionDenied):
        meetings.record_attendance(ana, meeting, [bo.id])


def test_members_hear_of_a_new_meeting_shown_in_the_organisers_zone(club):
    community, ana, *_ , olu = club
    from globe.services import notifications
    scheduled = plan_meeting(community, olu, repeat="weekly", count=2)
    text = [notifications.text_of(n) for n in notifications.latest(ana, kind="meetings.invitation")]
    assert text == [f"Olu scheduled a meeting of Speaking club: Speaking club meeting (Every week on Tuesday, 2 "
                    f"meetings from {shown(scheduled.meeting.starts_at, 'Europe/London')})"]
