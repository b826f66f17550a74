"""Forms for discussions: a new thread, a reply or comment (possibly quoting a post), and an edit. The
services check every value; these forms only carry them (and the CSRF token)."""
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired

from ..models.conversations import STORY_TYPES
from . import BaseForm

MARKDOWN_HELP = ("Markdown: **bold**, *italic*, lists with -, [[Wiki page]] for a page of this community's wiki, "
                 "[[resource:12]] for resource 12, @Name_With_Underscores to mention someone (spaces in "
                 "their name become _), and > at the start of a line to quote.")
STORY_LABELS = {"success": "A success", "challenge": "A challenge"}


class ReplyForm(BaseForm):
    body = TextAreaField("Your reply", description=MARKDOWN_HELP)
    reply_to = HiddenField()

    def quote(self, post) -> None:
        """Start the reply with the quoted post's text as Markdown `> ` lines, and remember which post it answers."""
        quoted = "\n".join(f"> {line}".rstrip() for line in post.body.splitlines())
        self.body.data = f"{quoted}\n\n"
        self.reply_to.data = str(post.id)


class CommentForm(ReplyForm):
    """A comment under a wiki page, resource or proposal: a reply in its comment thread."""

    body = TextAreaField("Your comment (Markdown)", validators=[DataRequired("Write a comment first.")],
                         description=MARKDOWN_HELP)


class ThreadForm(BaseForm):
    kind = RadioField("Kind", validate_choice=False)
    story_type = RadioField("The story is about", validate_choice=False,
                            choices=[SelectChoice(value, STORY_LABELS[value]) for value in STORY_TYPES])
    title = StringField("Title")
    body = TextAreaField("Text", description=MARKDOWN_HELP)
    tags = StringField("Tags (optional)", description="Separated by commas, e.g. warm-ups, A2, speaking.")

    def offer_kinds(self, kinds: list[str], labels: dict[str, str]) -> None:
        self.kind.choices = [SelectChoice(kind, labels[kind]) for kind in kinds]

    def fields(self) -> dict:
        return {"kind": self.kind.data or "", "story_type": self.story_type.data, "title": self.title.data,
                "body": self.body.data, "tags": self.tags.data}


class EditPostForm(BaseForm):
    """A post's new text; for a thread's opening post, also its title and tags."""

    title = StringField("Title")
    body = TextAreaField("Text", description=MARKDOWN_HELP)
    tags = StringField("Tags (optional)", description="Separated by commas.")

    def fill_from(self, post) -> None:
        self.body.data = post.body
        self.title.data = post.thread.title
        self.tags.data = ", ".join(post.thread.tags or [])

    def changes(self, post) -> dict:
        if post.is_opening:
            return {"body": self.body.data, "title": self.title.data, "tags": self.tags.data}
        return {"body": self.body.data}
