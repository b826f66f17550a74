"""Forms of moderation: a moderator's action on a thread or a post, a member's flag; the service checks
reasons (required or not) and choices."""
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import Length

from ..services.moderation import REASON_CHARS
from . import BaseForm

REASON_HINT = f"Required to hide or move; at most {REASON_CHARS} characters. Kept in the moderation log."


class ModerateThreadForm(BaseForm):
    action = StringField("Action")  # the value of the button pressed
    reason = TextAreaField("Reason", description=REASON_HINT, validators=[Length(max=REASON_CHARS)])
    community = SelectField("Move to", choices=[], validate_choice=False)


class FlagForm(BaseForm):
    reason = TextAreaField("Why does this post need a facilitator?", validators=[Length(max=REASON_CHARS)],
                           description=f"Required; at most {REASON_CHARS} characters. Only the moderators read it.")


class PostModerationForm(BaseForm):
    reason = TextAreaField("Reason", validators=[Length(max=REASON_CHARS)],
                           description="Required to hide a post; kept in the moderation log.")
    outcome = StringField("Decision")  # flags: "hidden" or "dismissed", the button pressed
