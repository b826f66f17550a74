"""A thread's page and a community's board cost the same number of SQL statements however many posts or
threads they show (no query per post, author, quoted post or thanks)."""
from contextlib import contextmanager

import pytest
from factories import add_member, make_community, make_user
from sqlalchemy import event

from globe.extensions import db
from globe.services import conversations, thanks


@pytest.fixture
def cop(app):
    app.config.update(POSTS_PER_PAGE=50, NEW_ACCOUNT_DAYS=0)
    community = make_community("club", name="Speaking club")
    reader = make_user("Reader", email="reader@example.org")
    add_member(community, reader)
    return community, reader


@contextmanager
def counted():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def member(community, n: int):
    person = make_user(f"Member {n}")
    add_member(community, person)
    return person


def thread_with(community, reader, replies: int):
    """A question whose replies have distinct authors (and two by the reader); some quote the one before, some
    the reader thanked."""
    asker = member(community, 0)
    thread = conversations.start_thread(asker, community, kind="question", title="Warm-ups?", body="Ideas?")
    previous = None
    for n in range(1, replies):
        post = conversations.reply(member(community, n), thread, body=f"Reply {n} for @Reader",
                                   reply_to=previous if n % 3 == 0 else None)
        if n % 4 == 0:
            thanks.thank(reader, post)
        previous = post
    for _ in range(2):
        conversations.reply(reader, thread, body="My own reply", reply_to=previous)
    return thread


def statements_for(web, url: str) -> int:
    web.get(url)  # the first view warms what every page loads once (the session's user, caches)
    with counted() as statements:
        response = web.get(url)
    assert response.status_code == 200
    return len(statements)


def test_a_thread_page_costs_the_same_with_10_posts_as_with_40(cop, web):
    community, reader = cop
    short, long = thread_with(community, reader, 10), thread_with(community, reader, 40)
    web.login("reader@example.org")
    assert statements_for(web, f"/discussions/{short.id}") == statements_for(web, f"/discussions/{long.id}")


def test_the_board_costs_the_same_with_5_threads_as_with_25(app, web):
    small, large = make_community("small"), make_community("large")
    reader = make_user("Reader", email="reader@example.org")
    for community, count in ((small, 5), (large, 25)):
        add_member(community, reader)
        for n in range(count):
            conversations.start_thread(member(community, n), community, kind="idea", title=f"Idea {n}", body="Hi")
    web.login("reader@example.org")
    assert statements_for(web, "/c/small/discussions") == statements_for(web, "/c/large/discussions")
