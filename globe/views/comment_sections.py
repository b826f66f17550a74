"""What the wiki page, resource and proposal views share: their comments section (shown, and posted to)
and, for pages and resources, the Thank button."""
from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, request
from flask_login import current_user

from ..converters import page_or_first, whole_number
from ..errors import InvalidInput, NotFound, PermissionDenied, TooManyAttempts
from ..forms.conversations import CommentForm
from ..services import comment_sections, conversations, thanks


def comments_context(subject, *, base_url: str, action: str, form: CommentForm | None = None) -> dict:
    """The template variables of a comments section: the page of comments asked for (?page=N, or
    ?comments_page=N), the subject's address (the pager's base), where the form posts, and the form (blank,
    or as posted with its errors; None for a visitor)."""
    asked = request.args.get("comments_page") or request.args.get("page")  # the posts' pager says ?page=N
    section = comment_sections.comment_section(current_user, subject, page=page_or_first(asked))
    if form is None and current_user.is_authenticated:  # a form starts a session: none for anonymous readers
        form = CommentForm(formdata=None)
        quoted = conversations.quotable(current_user, section.thread, whole_number(request.args.get("reply_to")))
        if quoted is not None:
            form.quote(quoted)
    return {"comments": section, "comment_form": form, "comment_action": action, "comments_base_url": base_url}


def post_comment(subject, render: Callable[[CommentForm], str]):
    """Add the posted comment and go to it; or show the subject's page again with the reason and the text kept."""
    form = CommentForm()
    status = 400
    if form.validate_on_submit():
        try:
            post = comment_sections.comment(current_user, subject, body=form.body.data, reply_to=_reply_to(form))
        except InvalidInput as err:
            fields = dict(err.fields)
            form.form_errors.extend(fields.pop("reply_to", []))  # about a hidden field: said above the form
            form.add_errors(fields)
        except (PermissionDenied, TooManyAttempts) as err:
            form.form_errors.append(err.detail)
            status = err.status
        else:
            flash("Comment posted.", "success")
            return redirect(conversations.post_url(post))
    return render(form), status


def _reply_to(form: CommentForm):
    """The post the comment answers, if any (one the commenter cannot see is refused like a wrong one)."""
    post_id = whole_number(form.reply_to.data)
    if post_id is None:
        return None
    try:
        return conversations.get_post(current_user, post_id)
    except NotFound:
        raise InvalidInput({"reply_to": ["You can only reply to a comment shown here."]}) from None


def thanks_context(target) -> dict:
    """What the Thank button shows: the count for everyone, the button for those who may thank."""
    return {"thanks": {"count": thanks.count(target), "thanked": thanks.has_thanked(current_user, target),
                       "may_thank": current_user.is_authenticated and thanks.may_thank(current_user, target)}}


def give_thanks(target, back: str):
    thanks.thank(current_user, target)
    flash("Thank you: they will be glad to know.", "success")
    return redirect(back + "#thanks")


def take_thanks_back(target, back: str):
    thanks.unthank(current_user, target)
    flash("Your thanks was taken back.", "success")
    return redirect(back + "#thanks")
