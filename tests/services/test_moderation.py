"""Moderation through the service: thread actions logged with who and why, moves only between communities one
moderates (search follows), hidden threads and posts, flags once per person, the automatic hiding at the
threshold and the facilitator's decision."""
import pytest
from factories import add_member, make_club, make_community, make_user

from globe.errors import Conflict, InvalidInput, NotFound, PermissionDenied, Unauthorized
from globe.extensions import db
from globe.models.conversations import ModerationEntry, PostFlag
from globe.permissions import Anonymous
from globe.services import comment_sections, conversations, moderation, notifications, search


@pytest.fixture
def club(app):
    return make_club()


def ask(actor, community, title="How do you start a lesson?", body="I need warm-ups."):
    return conversations.start_thread(actor, community, kind="question", title=title, body=body)


def log_of(community) -> list[tuple]:
    db.session.expire_all()
    return [(entry.action, entry.actor.display_name if entry.actor else None, entry.reason, entry.details)
            for entry in reversed(moderation.moderation_log(make_admin(), community).items)]


def make_admin():
    return make_user("Site admin", admin=True)


def test_every_thread_action_is_logged_with_who_and_why(club):
    community, ana, _bo, fay = club
    thread = ask(ana, community)
    moderation.moderate_thread(fay, thread, "pin")
    moderation.moderate_thread(fay, thread, "lock", reason="Cooling down")
    moderation.moderate_thread(fay, thread, "unlock")
    moderation.moderate_thread(fay, thread, "close", reason="Answered")
    moderation.moderate_thread(fay, thread, "close")  # no change: not logged again
    assert thread.is_pinned and thread.is_closed and not thread.is_locked
    assert log_of(community) == [("pin", "Fay", "", ""), ("lock", "Fay", "Cooling down", ""),
                                 ("unlock", "Fay", "", ""), ("close", "Fay", "Answered", "")]


def test_hiding_needs_a_reason_and_a_member_cannot_moderate(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    with pytest.raises(InvalidInput) as refused:
        moderation.moderate_thread(fay, thread, "hide", reason="  ")
    assert "reason" in refused.value.fields and not thread.is_hidden
    with pytest.raises(PermissionDenied):
        moderation.moderate_thread(bo, thread, "pin")
    with pytest.raises(InvalidInput):
        moderation.moderate_thread(fay, thread, "explode")
    assert moderation.thread_actions(bo, thread) == []
    assert db.session.query(ModerationEntry).count() == 0


def test_a_hidden_thread_is_seen_by_moderators_only_and_leaves_search(club):
    community, ana, bo, fay = club
    thread = ask(ana, community, title="Zeugma warm-ups")
    assert search.search(bo, text="zeugma").total == 1
    moderation.moderate_thread(fay, thread, "hide", reason="Off topic")
    for viewer in (bo, ana, make_user("Olga"), Anonymous()):
        with pytest.raises(NotFound):
            conversations.get_thread(viewer, thread.id)
    assert conversations.get_thread(fay, thread.id) == thread
    assert conversations.board(bo, community).items == [] and conversations.board(fay, community).total == 1
    assert search.search(bo, text="zeugma").total == 0 and search.search(fay, text="zeugma").total == 0
    moderation.moderate_thread(fay, thread, "unhide")
    assert conversations.get_thread(bo, thread.id) == thread and search.search(bo, text="zeugma").total == 1


def test_a_thread_moves_only_to_another_community_its_moderator_moderates(club):
    community, ana, bo, fay = club
    thread = ask(ana, community, title="Zeugma in grammar")
    grammar = make_community("grammar", name="Grammar corner", visibility="members", facilitator=fay)
    elsewhere = make_community("elsewhere", name="Elsewhere")
    reader = make_user("Gus")
    add_member(grammar, reader)
    assert [c.slug for c in moderation.move_targets(fay, thread)] == ["grammar"]
    with pytest.raises(PermissionDenied):
        moderation.moderate_thread(fay, thread, "move", reason="Belongs there", community=elsewhere)
    with pytest.raises(InvalidInput) as same:
        moderation.moderate_thread(fay, thread, "move", reason="Here", community=community)
    assert "community" in same.value.fields
    with pytest.raises(InvalidInput) as no_reason:
        moderation.moderate_thread(fay, thread, "move", community=grammar)
    assert "reason" in no_reason.value.fields and thread.community_id == community.id
    moderation.moderate_thread(fay, thread, "move", reason="A grammar question", community=grammar)
    assert thread.community_id == grammar.id
    found = search.search(reader, text="zeugma")
    assert [hit.community_slug for hit in found.hits] == ["grammar"]
    assert search.search(bo, text="zeugma").total == 0
    assert search.search(fay, text="zeugma", filters={"community": ("grammar",)}).total == 1
    assert log_of(grammar) == [("move", "Fay", "A grammar question", "moved from Speaking club")]
    assert log_of(community)[-1] == ("move", "Fay", "A grammar question", "moved to Grammar corner")


def test_a_moderator_hides_a_post_with_a_reason_and_shows_it_again(club):
    community, ana, bo, fay = club
    thread = ask(ana, community)
    post = conversations.reply(bo, thread, body="Buy cheap watches")
    with pytest.raises(InvalidInput):
        moderation.hide_post(fay, post, reason="")
    with pytest.raises(PermissionDenied):
        moderation.hide_post(ana, post, reason="Spam")
    moderation.hide_post(fay, post, reason="Spam")
    assert post.is_hidden and post.hidden_reason == "Spam"
    moderation.unhide_post(fay, post)
    assert not post.is_hidden
    assert [entry[:3] for entry in log_of(community)] == [("hide_post", "Fay", "Spam"), ("unhide_post", "Fay", "")]


def test_a_post_is_flagged_once_per_person_never_ones_own_with_a_reason(club):
    community, ana, bo, fay = club
    post = conversations.reply(bo, ask(ana, community), body="Rude words")
    with pytest.raises(InvalidInput) as own:
        moderation.flag_post(bo, post, reason="Mine")
    assert "post" in own.value.fields
    with pytest.raises(InvalidInput) as empty:
        moderation.flag_post(ana, post, reason=" ")
    assert "reason" in empty.value.fields
    with pytest.raises(InvalidInput):
        moderation.flag_post(ana, post, reason="x" * 501)
    flag = moderation.flag_post(ana, post, reason="<script>alert(1)</script> rude")
    assert flag.reason == "<script>alert(1)</script> rude"  # kept as text; pages escape it
    with pytest.raises(Conflict):
        moderation.flag_post(ana, post, reason="Again")
    with pytest.raises(NotFound):
        moderation.flag_post(make_user("Olga"), post, reason="I cannot even see it")
    with pytest.raises(Unauthorized):
        moderation.flag_post(Anonymous(), post, reason="Who am I")
    assert db.session.query(PostFlag).count() == 1
    told = [notifications.text_of(n) for n in notifications.latest(fay, kind="conversations.flag")]
    assert told == ["Ana Lima flagged a post in “How do you start a lesson?”: “<script>alert(1)</script> rude”"]
    assert notifications.latest(bo, kind="conversations.flag") == []


def test_enough_flags_hide_a_post_until_a_facilitator_dismisses_them(club, app):
    community, ana, bo, fay = club
    app.config["FLAGS_TO_HIDE"] = 2
    post = conversations.reply(bo, ask(ana, community, title="Zeugma tips"), body="Quixotic advert")
    cy = make_user("Cy")
    add_member(community, cy)
    moderation.flag_post(ana, post, reason="Advert")
    assert not post.is_hidden and search.search(ana, text="quixotic").total == 1
    moderation.flag_post(cy, post, reason="Spam")
    assert post.is_hidden and post.hidden_reason == "flagged by 2 people"
    assert search.search(ana, text="quixotic").total == 0
    assert log_of(community) == [("hide_post", None, "flagged by 2 people", "")]
    waiting = moderation.open_flags(fay)
    assert [(item.post, item.reasons) for item in waiting] == [(post, ["Advert", "Spam"])]
    assert moderation.open_flags(ana) == []
    assert moderation.resolve_flags(fay, post, outcome="dismissed", reason="Just enthusiastic") == 2
    assert not post.is_hidden and moderation.open_flags(fay) == []
    assert {flag.outcome for flag in db.session.query(PostFlag)} == {"dismissed"}
    assert log_of(community)[-1] == ("dismiss_flags", "Fay", "Just enthusiastic", "2 flags settled")
    assert moderation.resolve_flags(fay, post, outcome="dismissed") == 0


def test_a_moderator_hidden_post_stays_hidden_when_its_flags_are_dismissed(club):
    community, ana, bo, fay = club
    post = conversations.reply(bo, ask(ana, community), body="Rude")
    moderation.flag_post(ana, post, reason="Rude")
    assert moderation.resolve_flags(fay, post, outcome="hidden") == 1
    assert post.is_hidden and db.session.get(PostFlag, 1).outcome == "hidden"
    with pytest.raises(InvalidInput):
        moderation.resolve_flags(fay, post, outcome="burn")
    with pytest.raises(Conflict):
        moderation.flag_post(make_member(community), post, reason="Also rude")


def make_member(community):
    person = make_user()
    add_member(community, person)
    return person


def test_flags_on_proposal_comments_wait_for_the_site_admins(club):
    from globe.services import incubator

    _community, ana, bo, fay = club
    admin = make_admin()
    proposal = incubator.create_proposal(ana, title="Reading circles", summary="Circles for shy readers")
    comment = comment_sections.comment(ana, proposal, body="Our plan")
    with pytest.raises(NotFound):
        moderation.flag_post(bo, comment, reason="Not on the team")
    moderation.flag_post(admin, comment, reason="Check this")
    assert [item.post for item in moderation.open_flags(admin)] == [comment]
    assert moderation.open_flags(fay) == []
    with pytest.raises(PermissionDenied):
        moderation.hide_post(fay, comment, reason="Not hers to hide")
