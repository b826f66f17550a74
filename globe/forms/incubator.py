"""Forms for proposals, their lifecycle, mentor assignment and reviews, mentor profiles."""
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from . import BaseForm


class ProposalForm(BaseForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = StringField("Summary (one or two sentences)", validators=[Length(max=500)])
    description = TextAreaField("Description (Markdown)", validators=[Length(max=20000)])
    problem = TextAreaField("The problem it solves", validators=[Length(max=5000)])
    audience = TextAreaField("Who it is for", validators=[Length(max=5000)])
    milestones = TextAreaField("Milestones", validators=[Length(max=5000)])
    needs = StringField("Help needed (expertise)", validators=[Length(max=1000)],
                        description="Comma-separated, e.g. course design, publishing, marketing")
    community = SelectField("Community it grew from", choices=[], validate_choice=False)


class TransitionForm(BaseForm):
    to = StringField(validators=[DataRequired()])
    message = TextAreaField("Message to the team", validators=[Length(max=5000)])
    override_reason = StringField("Reason to decide without a review", validators=[Length(max=1000)])


class InviteTeamForm(BaseForm):
    email = StringField("Email of a member to invite", validators=[DataRequired(), Length(max=254)])


class AssignForm(BaseForm):
    mentor_id = IntegerField(validators=[DataRequired()])
    override_capacity_reason = StringField("Reason to assign over capacity", validators=[Length(max=500)])


class AutoAssignForm(BaseForm):
    per_proposal = IntegerField("Mentors per proposal", default=1, validators=[NumberRange(1, 10)])


class AnswerForm(BaseForm):
    reason = StringField("Reason (required to decline)", validators=[Length(max=500)])


class ReviewForm(BaseForm):
    recommendation = SelectField("Recommendation", choices=[
        SelectChoice("accept", "Accept into the incubator"), SelectChoice("revise", "Revise and resubmit"),
        SelectChoice("decline", "Decline")], validate_choice=False)
    comments = TextAreaField("Comments for the team", validators=[DataRequired(), Length(max=20000)])
    private_note = TextAreaField("Private note for admins (optional)", validators=[Optional(), Length(max=5000)])


class MentorProfileForm(BaseForm):
    capacity = IntegerField("Capacity: most proposals you mentor at once", default=3,
                            validators=[DataRequired("Give a number from 1 to 20."), NumberRange(1, 20)])
    available = BooleanField("I am taking new assignments",
                             description="Untick to pause: admins will not be able to assign you new proposals.")
    show_in_showcase = BooleanField("Show my name on showcased projects I mentor",
                                    description="Accepted and launched projects are public; "
                                                "without your consent your name is never shown there.")


class PersonConflictForm(BaseForm):
    person_email = EmailField("Email of the person", validators=[DataRequired(), Length(max=254)])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=300)],
                         description="Kept private: admins see only that a conflict exists, e.g. “close colleague”.")


class ProposalConflictForm(BaseForm):
    proposal_id = SelectField("Proposal", coerce=int, choices=[], validators=[DataRequired()])
    reason = StringField("Reason", validators=[DataRequired(), Length(max=300)])
