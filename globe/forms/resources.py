"""Forms for sharing, describing and versioning resources, filtering lists, and boards."""
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..crosswalks import label
from ..models.resources import AGE_GROUPS, CEFR_LEVELS, LICENSES, RESOURCE_TYPES, SKILLS
from . import BaseForm


def choices(values, *, blank: str | None = None) -> list[SelectChoice]:
    options = [SelectChoice("", blank)] if blank is not None else []
    return options + [SelectChoice(value, label(value)) for value in values]


class CheckboxesField(SelectMultipleField):
    """Several choices as a list of checkboxes (usable without JavaScript and by keyboard)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class MetadataForm(BaseForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("Description (Markdown)", validators=[Length(max=20000)])
    alt_text = StringField("Image description (alt text)", validators=[Length(max=300)],
                           description="Required for images: what the image shows, for people who cannot see it.")
    tags = StringField("Tags", validators=[Length(max=1000)], description="Comma-separated.")
    levels = CheckboxesField("CEFR level(s)", choices=choices(CEFR_LEVELS), validate_choice=False)
    age_groups = CheckboxesField("Learner age group(s)", choices=choices(AGE_GROUPS), validate_choice=False)
    skills = CheckboxesField("Skill(s)", choices=choices(SKILLS), validate_choice=False)
    resource_type = SelectField("Resource type", choices=choices(RESOURCE_TYPES, blank="—"), validate_choice=False)
    language = StringField("Language code", validators=[Length(max=20)], default="en",
                           description="e.g. en, ar, es, pt-br")
    license = SelectField("Licence", choices=choices(LICENSES), validate_choice=False)

    def metadata(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("title", "description", "alt_text", "tags", "levels", "age_groups", "skills", "resource_type",
                 "language", "license")}


class ResourceForm(MetadataForm):
    files = MultipleFileField("File(s)",
                              description="One or several files: each becomes a resource with this description.")
    url = StringField("…or a link (https://…)", validators=[Optional(), Length(max=2000)])


class VersionForm(BaseForm):
    file = FileField("New version", validators=[FileRequired("Choose the new file.")])


class BoardForm(BaseForm):
    name = StringField("Board name", validators=[DataRequired(), Length(max=120)])
    description = TextAreaField("Description", validators=[Length(max=2000)])
