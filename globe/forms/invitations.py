"""Forms for inviting people by email and for accepting an invitation by creating an account."""
from wtforms import PasswordField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length

from ..models.communities import ROLES
from . import BaseForm


class InviteForm(BaseForm):
    """One address or a pasted list: the service reads, checks and counts the addresses."""

    emails = TextAreaField("Email addresses", validators=[DataRequired(), Length(max=100_000)],
                           description="One address, or up to 200 separated by commas, semicolons or new lines; "
                                       "“Name <address>” works too.")
    role = SelectField("Role", choices=[SelectChoice(role, role.capitalize()) for role in ROLES], default="member")
    message = TextAreaField("Message (optional)", validators=[Length(max=2000)], description="Included in the email.")


class InvitationSignupForm(BaseForm):
    """The account an invitation link creates: its email is the invited address, fixed."""

    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)],
                               description="How other members see you.")
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=256)],
                             description="At least 8 characters.")
    confirm = PasswordField("Repeat password",
                            validators=[DataRequired(), EqualTo("password", "Passwords do not match.")])
