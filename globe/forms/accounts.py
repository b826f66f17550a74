"""Forms for registering, logging in, passwords (change, forgotten, reset), the profile, API tokens, site roles
and suspension, the change of email address."""
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional

from . import BaseForm
from .resources import CheckboxesField


class RegisterForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8, max=256)],
                             description="At least 8 characters.")
    confirm = PasswordField("Repeat password",
                            validators=[DataRequired(), EqualTo("password", "Passwords do not match.")])


class LoginForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    remember = BooleanField("Keep me logged in")


class SignInLinkForm(BaseForm):
    """Asked for while new browsers must wait: the password again, and a link comes by email if it is right."""
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


class ChangePasswordForm(BaseForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
    new_password = PasswordField("New password", validators=[DataRequired()],  # lengths: the service's rules
                                 description="At least 8 characters.")
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("new_password", "Passwords do not match.")])


class ProfileForm(BaseForm):
    display_name = StringField("Display name", validators=[DataRequired(), Length(max=80)])
    bio = TextAreaField("About you", validators=[Length(max=4000)])
    expertise = StringField("Expertise", validators=[Length(max=1000)],
                            description="Comma-separated, e.g. pronunciation, course design")
    languages = StringField("Languages you teach", validators=[Length(max=300)],
                            description="Comma-separated, e.g. English, Arabic")
    country = StringField("Country", validators=[Length(max=80)])


class TokenForm(BaseForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=80)],
                       description="What the token is for, e.g. 'LMS sync'.")
    expires_in_days = IntegerField("Expires after (days)", validators=[Optional(), NumberRange(1, 3650)],
                                   description="Leave empty for a token that does not expire.")
    scope = RadioField("What it may do", choices=[SelectChoice("read", "Read only"),
                                                  SelectChoice("write", "Read and change")], default="read")
    communities = CheckboxesField("Only in these communities (optional)", validate_choice=False,
                                  description="Tick none for a token that works in all your communities. A "
                                              "limited token sees other communities as a visitor would and "
                                              "changes nothing outside the ticked ones.")

    def offer_communities(self, memberships) -> "TokenForm":
        """Offer the person's active communities as the checkboxes."""
        self.communities.choices = [SelectChoice(m.community.slug, m.community.name)
                                    for m in memberships if m.is_active]
        return self


class SiteRolesForm(BaseForm):
    is_admin = BooleanField("Site admin")
    is_mentor = BooleanField("Mentor")
    is_curator = BooleanField("Knowledge-base curator")
    expertise = StringField("Expertise areas", validators=[Length(max=1000)],
                            description="Comma-separated, e.g. course design, publishing")


class SuspensionForm(BaseForm):
    reason = StringField("Reason (shown to the person when they try to log in)", validators=[Length(max=500)])
    suspend = SubmitField("Suspend account")
    reactivate = SubmitField("Reactivate account")


class ForgotPasswordForm(BaseForm):
    email = EmailField("Email", validators=[DataRequired(), Length(max=254)])


class ResetPasswordForm(BaseForm):
    password = PasswordField("New password", validators=[DataRequired()],  # lengths: the service's rules
                             description="At least 8 characters.")
    confirm = PasswordField("Repeat the new password",
                            validators=[DataRequired(), EqualTo("password", "Passwords do not match.")])


class DeleteAccountForm(BaseForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)],
                             description="To confirm that it is you.")


class ChangeEmailForm(BaseForm):
    email = EmailField("New email address", validators=[DataRequired(), Length(max=254)])
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
