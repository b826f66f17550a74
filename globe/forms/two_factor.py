"""Forms for two-factor sign-in: the code at sign-in, confirming the set-up, new recovery codes, turning it off."""
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from . import BaseForm

APP_CODE = {"inputmode": "numeric", "autocomplete": "one-time-code", "maxlength": 7, "size": 7,
            "spellcheck": "false", "autocapitalize": "off"}
ANY_CODE = {"autocomplete": "one-time-code", "maxlength": 24, "size": 24, "spellcheck": "false",
            "autocapitalize": "off"}


class AppCodeForm(BaseForm):
    """The six digits the authenticator app shows (confirming the set-up)."""

    code = StringField("Code from your app", validators=[DataRequired(), Length(max=20)], render_kw=APP_CODE,
                       description="Six digits; a new code appears every 30 seconds.")


class SignInCodeForm(BaseForm):
    """The second sign-in step: the app's code, or (in a second form on the same page) a recovery code."""

    code = StringField("Code from your app", validators=[Optional(), Length(max=20)], render_kw=APP_CODE,
                       description="Six digits; a new code appears every 30 seconds.")
    recovery_code = StringField("Recovery code", validators=[Optional(), Length(max=40)], render_kw=ANY_CODE,
                                description="One of the ten codes you saved when you turned two-factor sign-in "
                                            "on, e.g. 1a2b-3c4d-5e6f-7g8h. Each works once.")

    def typed_code(self) -> str:
        return (self.code.data or self.recovery_code.data or "").strip()


class NewRecoveryCodesForm(BaseForm):
    current_code = StringField("Code from your app, or a recovery code", validators=[DataRequired(), Length(max=40)],
                               render_kw=ANY_CODE)


class TurnOffForm(BaseForm):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=256)])
    code = StringField("Code from your app, or a recovery code", validators=[DataRequired(), Length(max=40)],
                       render_kw=ANY_CODE)
