"""The demo's discussions: a question answered and accepted, one still waiting, a story, an idea and an
announcement, with replies, a mention, thanks, and comments on a wiki page and a resource."""

from __future__ import annotations

from sqlalchemy import select

import wiki

from ..extensions import db
from ..models import Resource, Thread
from ..services import comment_sections, communities, conversations, thanks, wiki_pages

MEI, LEILA, TOMAS = "teacher@globe.example", "facilitator@globe.example", "editor@globe.example"

# (community, author, kind, story type, title, body, tags, replies: [(author, body)], accepted reply number)
THREADS = [
    ("young-learners", MEI, "question", None, "How do you keep forty seven-year-olds listening to a story?",
     "My classes have forty children and the back rows drift away after two pages. What works for you?",
     "storytelling, large classes",
     [(LEILA, "Give every row a job: one row makes the animal sounds, one claps when the hero appears. "
              "Children who have a job listen for their cue. See [[Storytelling with picture books]]."),
      (TOMAS, "Stand in the middle of the room, not at the front, and hold the book at the back rows' "
              "eye level for the pictures.")], 2),
    ("young-learners", LEILA, "announcement", None, "Story swap on the first Friday of each month",
     "Bring one picture book that worked with your class and tell us in five minutes why. "
     "We write the best ideas into the wiki afterwards.", "meetings", [], None),
    ("materials-development", MEI, "story", "success", "My class made its own picture dictionary",
     "Each child drew and labelled five words from our unit; we photocopied the pages into one book per "
     "table. They now look words up in *their* dictionary before asking me.", "vocabulary, young learners",
     [(TOMAS, "What a good way to make them own the words, @Mei_Chen. Could you share a page template as a "
              "resource?")], None),
    ("large-classes", MEI, "question", None, "Any tips for marking sixty notebooks a week?",
     "I teach five classes of sixty. I want to give feedback on writing but I cannot read 300 notebooks "
     "every week.", "feedback, writing", [], None),
    ("large-classes", LEILA, "idea", None, "Peer-checking cards for pair work",
     "A small card with three questions (Did they use capital letters? Full stops? One new word?) lets "
     "pairs check each other while you walk round.", "feedback, pair work", [], None),
]
# (community, wiki page title, author, comment)
PAGE_COMMENTS = [("young-learners", "Songs and chants", MEI,
                  "The weather song works even with my shyest class: we add one gesture a day.")]
# (resource title, author, comment)
RESOURCE_COMMENTS = [("Group roles cards", MEI, "I laminated these and they have lasted all year.")]


def load_discussions(people: dict) -> None:
    """Create the threads and comments that are missing (a thread is known by its community and title)."""
    for community_slug, author, kind, story_type, title, body, tags, replies, accepted in THREADS:
        community = communities.get_community(community_slug)
        if _thread(community.id, title) is not None:
            continue
        thread = conversations.start_thread(people[author], community, kind=kind, story_type=story_type,
                                            title=title, body=body, tags=tags)
        posts = [conversations.reply(people[writer], thread, body=text) for writer, text in replies]
        if accepted is not None:
            conversations.accept_answer(people[author], posts[accepted - 2])
            thanks.thank(people[author], posts[accepted - 2])
    _comments(people)


def _thread(community_id: int, title: str) -> Thread | None:
    return db.session.scalar(select(Thread).where(Thread.community_id == community_id, Thread.title == title))


def _comments(people: dict) -> None:
    for community_slug, title, author, text in PAGE_COMMENTS:
        page = wiki_pages.find_page(communities.get_community(community_slug), wiki.slugify_title(title))
        if page is not None and comment_sections.comments_of(page) is None:
            comment_sections.comment(people[author], page, body=text)
    for title, author, text in RESOURCE_COMMENTS:
        resource = db.session.scalar(select(Resource).where(Resource.title == title))
        if resource is not None and comment_sections.comments_of(resource) is None:
            comment_sections.comment(people[author], resource, body=text)
