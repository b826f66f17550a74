"""Forms for CoP settings, joining, and the facilitators' membership tools."""
from wtforms import BooleanField, EmailField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from ..crosswalks import LICENSE_LABELS
from ..models.communities import ROLES
from ..models.resources import LICENSES
from . import BaseForm

POLICY_CHOICES = [SelectChoice("open", "Open: anyone can join"),
                  SelectChoice("request", "Request to join: facilitators approve"),
                  SelectChoice("invite", "Invite only")]
VISIBILITY_CHOICES = [SelectChoice("public", "Public: anyone can read"), SelectChoice("members", "Members only")]


class CommunityForm(BaseForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=120)])
    domain = StringField("Domain (the shared interest)", validators=[DataRequired(), Length(max=300)])
    description = TextAreaField("Description", validators=[Length(max=20000)],
                                description="Markdown: **bold**, *italic*, lists with -, links as [text](https://…).")
    policy = RadioField("Membership", choices=POLICY_CHOICES, default="open")
    visibility = RadioField("Visibility", choices=VISIBILITY_CHOICES, default="public")
    default_license = SelectField("Default licence for resources",
                                  choices=[SelectChoice(key, LICENSE_LABELS[key]) for key in LICENSES], default="cc-by")
    members_can_edit_wiki = BooleanField("All members may edit the wiki (not only editors)")

    def settings(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("name", "domain", "description", "policy", "visibility", "default_license",
                 "members_can_edit_wiki")}


class NewCommunityForm(CommunityForm):
    slug = StringField("Address (slug)", validators=[DataRequired(), Length(max=60),
                       Regexp(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", message="Lowercase letters, digits and hyphens.")],
                       description="Lowercase letters, digits and hyphens; it cannot change later.")
    first_facilitator_email = EmailField("Email of its first facilitator (optional)", validators=[Length(max=254)],
                                         description="Leave empty to be the facilitator yourself; someone else is "
                                                     "invited by email (with a link to create their account if "
                                                     "they have none) and becomes facilitator on accepting.")


class JoinForm(BaseForm):
    message = TextAreaField("Message to the facilitators (optional)", validators=[Length(max=2000)])


class ConfirmForm(BaseForm):
    """A button-only form: just the CSRF token."""


class DecisionForm(BaseForm):
    user_id = HiddenField(validators=[DataRequired()])
    decision = HiddenField(validators=[DataRequired()])
    message = StringField("Message (optional)", validators=[Length(max=2000)])


class RoleForm(BaseForm):
    user_id = HiddenField(validators=[DataRequired()])
    role = SelectField("Role", choices=[SelectChoice(role, role.capitalize()) for role in ROLES])


class MemberForm(BaseForm):
    user_id = HiddenField(validators=[DataRequired()])
