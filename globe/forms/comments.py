"""The comment form under wiki pages, resources and proposals (and any reply in a comment thread)."""
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Optional

from . import BaseForm


class CommentForm(BaseForm):
    body = TextAreaField("Your comment (Markdown)", validators=[DataRequired("Write a comment first.")],
                         description="Mention someone with @Their_Name; link a page with [[Page title]].")
    reply_to = HiddenField(validators=[Optional()])

    def quote(self, post) -> None:
        """Start the comment with the quoted one's text as Markdown `> ` lines, and remember which it answers."""
        quoted = "\n".join(f"> {line}".rstrip() for line in post.body.splitlines())
        self.body.data = f"{quoted}\n\n"
        self.reply_to.data = str(post.id)
