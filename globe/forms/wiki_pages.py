"""Forms for editing, renaming and deleting wiki pages, attachments, and knowledge-base requests."""
from flask_wtf.file import FileField, FileRequired
from wtforms import IntegerField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from . import BaseForm


class PageEditForm(BaseForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField("Text (Markdown)", validators=[Optional()],
                         description="Markdown. Link pages with [[Page title]], [[Page title|text]] or "
                                     "[[community-slug:Page title]]; show an attached image with "
                                     "![description](attachment:name.png).")
    summary = StringField("Edit summary", validators=[Length(max=300)],
                          description="Briefly say what you changed.")
    tags = StringField("Tags", validators=[Length(max=1000)], description="Comma-separated.")
    base_revision = IntegerField(widget=HiddenInput(), validators=[InputRequired(), NumberRange(min=0)])
    preview = SubmitField("Preview")
    save = SubmitField("Save page")


class RenameForm(BaseForm):
    new_title = StringField("New title", validators=[DataRequired(), Length(max=200)])
    summary = StringField("Reason (optional)", validators=[Length(max=300)])


class ReasonForm(BaseForm):
    reason = StringField("Reason (optional)", validators=[Length(max=300)])


class RevertForm(BaseForm):
    summary = StringField("Edit summary (optional)", validators=[Length(max=300)])


class AttachmentForm(BaseForm):
    file = FileField("File or image", validators=[FileRequired("Choose a file to attach.")])


class ProposeForm(BaseForm):
    message = TextAreaField("Why this page belongs in the knowledge base", validators=[Length(max=5000)])


class CommentForm(BaseForm):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=5000)])


class DecisionForm(BaseForm):
    reason = TextAreaField("Reason (required to decline or withdraw)", validators=[Length(max=5000)])
    accept = SubmitField("Accept into the knowledge base")
    decline = SubmitField("Decline")
    withdraw = SubmitField("Withdraw")
