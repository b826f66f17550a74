"""Flask-WTF forms (CSRF on every one); services still check everything themselves."""
from flask import request
from flask_wtf import FlaskForm


class BaseForm(FlaskForm):
    """A form that can show errors a service raised next to the right fields."""

    def was_posted(self) -> bool:
        """True when this form, among several on a page told apart by prefix, is the one posted."""
        if not self.is_submitted():
            return False
        return not self._prefix or any(key.startswith(self._prefix) for key in request.form)

    def submit_ok(self) -> bool:
        return self.was_posted() and self.validate_on_submit()

    def add_errors(self, fields: dict[str, list[str]]) -> None:
        for name, messages in fields.items():
            field = getattr(self, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = list(field.errors) + list(messages)
            else:
                self.form_errors.extend(messages)
