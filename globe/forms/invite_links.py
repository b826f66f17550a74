"""The form a facilitator fills in to make an invite link."""
from wtforms import IntegerField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange, Optional

from ..services.invite_links import MAX_USES
from . import BaseForm

EXPIRY_CHOICES = [SelectChoice(1, "1 day"), SelectChoice(7, "7 days"), SelectChoice(30, "30 days"),
                  SelectChoice(365, "1 year (the longest)")]
MODE_CHOICES = [SelectChoice("join", "Join at once"),
                SelectChoice("request", "Ask to join: a facilitator approves each request")]


class InviteLinkForm(BaseForm):
    expires_in_days = SelectField("Works for", choices=EXPIRY_CHOICES, coerce=int, default=7)
    max_uses = IntegerField("Number of people who may use it (optional)",
                            validators=[Optional(), NumberRange(1, MAX_USES)],
                            description="Leave empty for no limit until it expires.")
    mode = RadioField("Someone who opens it", choices=MODE_CHOICES, default="join")
