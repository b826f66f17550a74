"""A CoP's wiki pages: view, create and edit (with preview and conflicts), history, diff, rename, delete."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

import wiki

from ..downloads import send_stored
from ..errors import Conflict, InvalidInput
from ..forms.wiki_pages import AttachmentForm, PageEditForm, ReasonForm, RenameForm, RevertForm
from ..page_cache import compress, get_page_cache, html_response, is_plain_anonymous_request
from ..permissions import require
from ..services import comment_sections, communities, wiki_attachments, wiki_links, wiki_pages
from ..services.knowledge_base import open_request
from ..services.wiki_pages import EditConflict, open_address
from . import form_status, int_arg
from .comment_sections import comments_context, give_thanks, post_comment, take_thanks_back, thanks_context

bp = Blueprint("wiki_pages", __name__, url_prefix="/c/<slug>/wiki")


def _community(slug: str):
    return communities.get_community(slug)


@bp.route("")
def index(slug: str):
    community = _community(slug)
    return render_template("wiki_pages/index.html", community=community,
                           pages=wiki_pages.list_pages(current_user, community))


@bp.route("/<page_slug>")
def view(slug: str, page_slug: str):
    """A page. Anonymous readers get a cached copy while the page's validator still matches."""
    redirected_from = request.args.get("redirected_from", "")[:200]
    cache_key, validator = (slug, page_slug, redirected_from), None
    if is_plain_anonymous_request() and not comment_sections.page_has_comments_or_thanks(slug, page_slug):
        validator = wiki_pages.view_validator(slug, page_slug)
        cached = get_page_cache().get(cache_key, validator) if validator else None
        if cached is not None:
            return html_response(cached)
    community = _community(slug)
    page, moved = open_address(current_user, community, page_slug)
    if moved is not None:
        return redirect(url_for(".view", slug=slug, page_slug=moved.slug, redirected_from=page_slug), 301)
    if page is None:
        return render_template("wiki_pages/missing.html", community=community, page_slug=page_slug), 404
    html = _render_page(page, redirected_from=redirected_from)
    body = compress(html) if validator is not None else None
    if body is None:
        return html
    get_page_cache().put(cache_key, validator, body)
    return html_response(body)


def _render_page(page, *, redirected_from: str = "", comment_form=None) -> str:
    address = url_for(".view", slug=page.community.slug, page_slug=page.slug)
    return render_template("wiki_pages/page.html", community=page.community, page=page,
                           revision=page.current_revision, backlinks=wiki_links.backlinks(current_user, page),
                           kb_request=open_request(page) if page.kb_status else None,
                           redirected_from=redirected_from,
                           confirm=ReasonForm() if current_user.is_authenticated else None,
                           **comments_context(page, base_url=address, action=address + "/comments", form=comment_form),
                           **thanks_context(page))


@bp.route("/<page_slug>/comments", methods=["POST"])
@login_required
def comment(slug: str, page_slug: str):
    page = wiki_pages.get_page(current_user, _community(slug), page_slug)
    return post_comment(page, lambda form: _render_page(page, comment_form=form))


@bp.route("/<page_slug>/thanks", methods=["POST"])
@login_required
def thank(slug: str, page_slug: str):
    page = wiki_pages.get_page(current_user, _community(slug), page_slug)
    return give_thanks(page, url_for(".view", slug=slug, page_slug=page.slug))


@bp.route("/<page_slug>/thanks/remove", methods=["POST"])
@login_required
def unthank(slug: str, page_slug: str):
    page = wiki_pages.get_page(current_user, _community(slug), page_slug)
    return take_thanks_back(page, url_for(".view", slug=slug, page_slug=page.slug))


@bp.route("/-/new", methods=["GET", "POST"])
@login_required
def new(slug: str):
    community = _community(slug)
    require(current_user, "wiki.edit", community)
    form = PageEditForm()
    if request.method == "GET":
        form.title.data, form.base_revision.data = request.args.get("title", "")[:200], 0
    return _edit_page(community, None, form)


@bp.route("/<page_slug>/edit", methods=["GET", "POST"])
@login_required
def edit(slug: str, page_slug: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug)
    require(current_user, "wiki.edit", community)
    form = PageEditForm()
    if request.method == "GET":
        revision = page.current_revision
        form.title.data, form.body.data = page.title, revision.body
        form.tags.data, form.base_revision.data = ", ".join(page.tags or []), revision.number
    return _edit_page(community, page, form)


def _edit_page(community, page, form):
    """Preview, save, or show the conflict; the editor's text is never lost."""
    preview_html, conflict, busy = None, None, False
    if form.validate_on_submit():
        try:
            if request.form.get("keep") in ("ours", "theirs"):  # resolve every conflict one way, then review
                form.body.data = wiki.keep_one_side(form.body.data or "", request.form["keep"])
                preview_html = wiki_pages.preview(current_user, community, page, form.body.data)
            elif form.preview.data:
                preview_html = wiki_pages.preview(current_user, community, page, form.body.data or "")
            else:
                result = _save(community, page, form)
                flash(_saved_message(result), "success")
                return redirect(url_for(".view", slug=community.slug, page_slug=result.page.slug))
        except EditConflict as err:
            conflict = err
            form.body.data, form.base_revision.data = err.merged_text, err.current.number
            form.base_revision.raw_data = None  # render the new base, not the one posted
        except InvalidInput as err:
            form.add_errors(err.fields)
        except Conflict as err:  # e.g. saved by several people at once: the text stays in the editor
            form.form_errors.append(err.detail)
            busy = True
    status = 409 if conflict or busy else (200 if preview_html is not None else form_status(form))
    return render_template("wiki_pages/edit.html", community=community, page=page, form=form,
                           preview_html=preview_html, conflict=conflict,
                           has_conflict_markers=bool(wiki.conflict_blocks(form.body.data or ""))), status


def _save(community, page, form):
    fields = {"body": form.body.data or "", "summary": form.summary.data, "tags": form.tags.data}
    if page is None:
        return wiki_pages.create_page(current_user, community, title=form.title.data, **fields)
    return wiki_pages.save_page(current_user, community, page_slug=page.slug, title=form.title.data,
                                base_revision=form.base_revision.data, **fields)


def _saved_message(result) -> str:
    if result.unchanged:
        return "Nothing changed, so no new revision was made."
    if result.merged:
        return "Saved. Someone else edited another part of the page meanwhile; both changes are kept."
    return "Page created." if result.created else "Page saved."


@bp.route("/<page_slug>/history")
def history(slug: str, page_slug: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    return render_template("wiki_pages/history.html", community=community, page=page,
                           revisions=wiki_pages.history(current_user, page))


@bp.route("/<page_slug>/diff")
def diff(slug: str, page_slug: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    newest = page.revision_count
    to_number = int_arg(request.args.get("to", newest))
    from_number = int_arg(request.args.get("from", max(to_number - 1, 1)))
    old = wiki_pages.get_revision(current_user, page, from_number)
    new = wiki_pages.get_revision(current_user, page, to_number)
    style = "side" if request.args.get("view") == "side" else "inline"
    table = (wiki.side_by_side_html if style == "side" else wiki.inline_html)(old.body, new.body)
    return render_template("wiki_pages/diff.html", community=community, page=page, old=old, new=new,
                           table=table, style=style, stats=wiki.diff_stats(old.body, new.body))


@bp.route("/<page_slug>/revisions/<int:number>")
def revision(slug: str, page_slug: str, number: int):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    old = wiki_pages.get_revision(current_user, page, number)
    # Shown as rendered when it was saved: an old revision of a huge page is never parsed again on view.
    return render_template("wiki_pages/revision.html", community=community, page=page, revision=old,
                           html=old.html, form=RevertForm())


@bp.route("/<page_slug>/revert/<int:number>", methods=["POST"])
@login_required
def revert(slug: str, page_slug: str, number: int):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    form = RevertForm()
    if form.validate_on_submit():
        wiki_pages.revert_page(current_user, page, number, summary=form.summary.data)
        flash(f"Reverted to revision {number}.", "success")
    return redirect(url_for(".view", slug=slug, page_slug=page.slug))


@bp.route("/<page_slug>/rename", methods=["GET", "POST"])
@login_required
def rename(slug: str, page_slug: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    require(current_user, "wiki.edit", community)
    form = RenameForm()
    if request.method == "GET":
        form.new_title.data = page.title
    if form.validate_on_submit():
        try:
            wiki_pages.rename_page(current_user, page, new_title=form.new_title.data, summary=form.summary.data)
        except InvalidInput as err:
            form.add_errors({"new_title": err.fields.get("title", []), **err.fields})
        else:
            flash("Page renamed. Links to the old title lead here.", "success")
            return redirect(url_for(".view", slug=slug, page_slug=page.slug))
    return render_template("wiki_pages/rename.html", community=community, page=page, form=form), form_status(form)


@bp.route("/<page_slug>/delete", methods=["GET", "POST"])
@login_required
def delete(slug: str, page_slug: str):
    """Asks first: the page's delete button (or a GET) shows the question, and only the POST of the
    question's form, carrying `confirmed`, deletes."""
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    form = ReasonForm()
    if form.validate_on_submit() and request.form.get("confirmed"):
        wiki_pages.delete_page(current_user, page, reason=form.reason.data)
        flash("Page deleted. Its history is kept; a facilitator can restore it.", "success")
        return redirect(url_for(".index", slug=slug))
    require(current_user, "wiki.delete", community)
    return render_template("wiki_pages/confirm_delete.html", community=community, page=page, form=form), \
        400 if form.errors else 200


@bp.route("/<page_slug>/restore", methods=["POST"])
@login_required
def restore(slug: str, page_slug: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug, action="wiki.read")
    wiki_pages.restore_page(current_user, page)
    flash("Page restored.", "success")
    return redirect(url_for(".view", slug=slug, page_slug=page.slug))


@bp.route("/<page_slug>/links")
def what_links_here(slug: str, page_slug: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug)
    return render_template("wiki_pages/links.html", community=community, page=page,
                           backlinks=wiki_links.backlinks(current_user, page))


@bp.route("/-/recent")
def recent(slug: str):
    community = _community(slug)
    return render_template("wiki_pages/recent.html", community=community,
                           revisions=wiki_pages.recent_changes(current_user, community))


@bp.route("/-/wanted")
def wanted(slug: str):
    community = _community(slug)
    return render_template("wiki_pages/wanted.html", community=community,
                           wanted=wiki_links.wanted_pages(current_user, community))


@bp.route("/-/deleted")
@login_required
def deleted(slug: str):
    community = _community(slug)
    return render_template("wiki_pages/deleted.html", community=community,
                           pages=wiki_pages.list_pages(current_user, community, deleted=True))


@bp.route("/<page_slug>/attachments", methods=["GET", "POST"])
def attachments(slug: str, page_slug: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug)
    form = AttachmentForm()
    if form.validate_on_submit():
        try:
            attachment = wiki_attachments.attach(current_user, page, form.file.data)
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash(f"Attached {attachment.name}. Show it with ![description](attachment:{attachment.name}).", "success")
            return redirect(url_for(".attachments", slug=slug, page_slug=page.slug))
    items = wiki_attachments.list_attachments(current_user, page)
    return render_template("wiki_pages/attachments.html", community=community, page=page, form=form,
                           items=items, confirm=ReasonForm()), form_status(form)


@bp.route("/<page_slug>/attachments/<name>")
def attachment(slug: str, page_slug: str, name: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug)
    item = wiki_attachments.get_attachment(current_user, page, name)
    return send_stored(item.storage_key, filename=item.name, content_type=item.content_type, size=item.size)


@bp.route("/<page_slug>/attachments/<name>/delete", methods=["POST"])
@login_required
def delete_attachment(slug: str, page_slug: str, name: str):
    community = _community(slug)
    page = wiki_pages.get_page(current_user, community, page_slug)
    wiki_attachments.detach(current_user, page, name)
    flash(f"Removed {name}.", "success")
    return redirect(url_for(".attachments", slug=slug, page_slug=page.slug))
