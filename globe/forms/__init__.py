"""Flask-WTF forms (CSRF on every one); services still check everything themselves."""
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """A form that can show errors a service raised next to the right fields."""

    def add_errors(self, fields: dict[str, list[str]]) -> None:
        for name, messages in fields.items():
            field = getattr(self, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors) + list(messages)
            else:
                self.form_errors.extend(messages)
