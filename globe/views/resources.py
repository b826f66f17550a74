"""Resource pages: each CoP's resources and the Globe-wide list, sharing, a resource's page, downloads."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from ..converters import page_or_first
from ..crosswalks import resource_linked_data
from ..downloads import send_version
from ..errors import GlobeError, InvalidInput
from ..errors_web import error_message
from ..forms.communities import ConfirmForm
from ..forms.resources import MetadataForm, ResourceForm, VersionForm
from ..models.resources import AGE_GROUPS, CEFR_LEVELS, LICENSES, RESOURCE_TYPES, SKILLS
from ..permissions import Anonymous, can, require
from ..services import communities, resource_bin, resources
from ..services.resources import DuplicateResource
from ..storage import format_bytes
from . import form_status
from .comment_sections import comments_context, give_thanks, post_comment, take_thanks_back, thanks_context

bp = Blueprint("resources", __name__)
FILTERS = ("level", "skill", "age_group", "type", "license", "language", "tag", "community")


@bp.app_context_processor
def _vocabularies() -> dict:
    return {"options": {"levels": CEFR_LEVELS, "skills": SKILLS, "age_groups": AGE_GROUPS, "types": RESOURCE_TYPES,
                        "licenses": LICENSES}}


def _list_arguments() -> dict:
    page = page_or_first(request.args.get("page"))
    return {"filters": {name: request.args.getlist(name) for name in FILTERS if request.args.getlist(name)},
            "sort": request.args.get("sort", "newest"), "page": page, "per_page": 20}


@bp.route("/c/<slug>/resources")
def community_list(slug: str):
    community = communities.get_community(slug)
    arguments = _list_arguments()
    results = resources.list_resources(current_user, community=community, **arguments)
    return render_template("resources/list.html", community=community, results=results, args=arguments)


@bp.route("/resources")
def globe_list():
    arguments = _list_arguments()
    results = resources.list_resources(current_user, **arguments)
    return render_template("resources/list.html", community=None, results=results, args=arguments,
                           communities=communities.visible_communities(current_user))


@bp.route("/c/<slug>/resources/new", methods=["GET", "POST"])
@login_required
def add(slug: str):
    community = communities.get_community(slug)
    require(current_user, "resources.add", community)
    form = ResourceForm()
    if request.method == "GET":
        form.license.data = community.default_license
    status = form_status(form)
    if form.validate_on_submit():
        try:
            added = _share(community, form)
        except DuplicateResource as err:
            link = url_for("resources.view", resource_id=err.existing.id)
            form.form_errors.append(Markup('{} <a href="{}">See it</a>, or upload a new version there.')
                                    .format(err.detail, link))
        except InvalidInput as err:
            form.add_errors(err.fields)
        except GlobeError as err:  # a file too large or of a refused kind: the form stays filled in
            form.form_errors.append(err.detail)
            status = err.status
        else:
            flash(f"Shared {len(added)} resource{'s' if len(added) > 1 else ''}.", "success")
            target = url_for("resources.view", resource_id=added[0].id) if len(added) == 1 else \
                url_for("resources.community_list", slug=slug)
            return redirect(target)
    return render_template("resources/add.html", community=community, form=form), status


def _share(community, form) -> list:
    """One resource per uploaded file (titled by file when several), or one link resource."""
    files = [upload for upload in (form.files.data or []) if upload and upload.filename]
    metadata = form.metadata()
    if not files:
        return [resources.add_resource(current_user, community, url=form.url.data or None, **metadata)]
    if len(files) == 1:
        return [resources.add_resource(current_user, community, upload=files[0], **metadata)]
    return resources.add_many(current_user, community, uploads=files, **metadata)


@bp.route("/resources/<int:resource_id>")
def view(resource_id: int):
    return _render_view(resources.get_resource(current_user, resource_id))


def _render_view(resource, *, comment_form=None, version_form=None) -> str:
    """The resource's page, with a form as posted when it is shown again with errors."""
    address = url_for("resources.view", resource_id=resource.id)
    return render_template("resources/view.html", resource=resource, version=resource.latest,
                           may_edit=can(current_user, "resources.edit", resource),
                           version_form=version_form or VersionForm(), confirm=ConfirmForm(),
                           linked_data=_linked_data(resource),
                           **comments_context(resource, base_url=address, action=address + "/comments",
                                              form=comment_form),
                           **thanks_context(resource))


@bp.route("/resources/<int:resource_id>/comments", methods=["POST"])
@login_required
def comment(resource_id: int):
    resource = resources.get_resource(current_user, resource_id)
    return post_comment(resource, lambda form: _render_view(resource, comment_form=form))


@bp.route("/resources/<int:resource_id>/thanks", methods=["POST"])
@login_required
def thank(resource_id: int):
    resource = resources.get_resource(current_user, resource_id)
    return give_thanks(resource, url_for("resources.view", resource_id=resource.id))


@bp.route("/resources/<int:resource_id>/thanks/remove", methods=["POST"])
@login_required
def unthank(resource_id: int):
    resource = resources.get_resource(current_user, resource_id)
    return take_thanks_back(resource, url_for("resources.view", resource_id=resource.id))


def _linked_data(resource) -> dict | None:
    """LRMI JSON-LD for search engines and OER portals: on public resources only."""
    if not can(Anonymous(), "resources.view", resource):
        return None
    return resource_linked_data(resource, url=url_for("resources.view", resource_id=resource.id, _external=True),
                                publisher=current_app.config["SITE_NAME"])


@bp.route("/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@login_required
def edit(resource_id: int):
    resource = resources.get_resource(current_user, resource_id)
    require(current_user, "resources.edit", resource)  # on every method, before the form is filled
    form = MetadataForm(obj=resource)
    if request.method == "GET":
        for field, facet in (("levels", "level"), ("skills", "skill"), ("age_groups", "age_group")):
            getattr(form, field).data = resource.values(facet)
        form.tags.data = ", ".join(resource.values("tag"))
    if form.validate_on_submit():
        try:
            resources.update_resource(current_user, resource, **form.metadata())
        except InvalidInput as err:
            form.add_errors(err.fields)
        else:
            flash("Resource updated.", "success")
            return redirect(url_for("resources.view", resource_id=resource.id))
    return render_template("resources/edit.html", resource=resource, form=form), form_status(form)


@bp.route("/resources/<int:resource_id>/versions", methods=["POST"])
@login_required
def add_version(resource_id: int):
    resource = resources.get_resource(current_user, resource_id)
    form = VersionForm()
    if form.validate_on_submit():
        try:
            version = resources.add_version(current_user, resource, form.file.data)
        except InvalidInput as err:
            flash(error_message(err), "error")
            return _render_view(resource, version_form=form), 400
        flash(f"Version {version.number} uploaded.", "success")
    return redirect(url_for("resources.view", resource_id=resource.id))


@bp.route("/resources/<int:resource_id>/delete", methods=["GET", "POST"])
@login_required
def delete(resource_id: int):
    """GET asks first (works without JavaScript); the POST moves the resource to its CoP's bin."""
    resource = resources.get_resource(current_user, resource_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        require(current_user, "resources.edit", resource)
        return render_template(
            "confirm.html", question=f"Delete “{resource.title}”?", button="Delete",
            consequence=f"It goes to the community's bin: you or a facilitator can restore it for "
                        f"{resource_bin.BIN_DAYS} days, then it is removed for good.",
            action=url_for("resources.delete", resource_id=resource.id),
            cancel=url_for("resources.view", resource_id=resource.id)), form_status(form)
    slug = resource.community.slug
    resources.delete_resource(current_user, resource)
    flash(Markup('Moved “{}” to the bin. <a href="{}">Open the bin</a> to restore it.')
          .format(resource.title, url_for("resources.bin", slug=slug)), "success")
    return redirect(url_for("resources.community_list", slug=slug))


@bp.route("/c/<slug>/bin")
@login_required
def bin(slug: str):
    community = communities.get_community(slug)
    items = resource_bin.list_bin(current_user, community)
    return render_template("resources/bin.html", community=community, items=items, bin_days=resource_bin.BIN_DAYS)


@bp.route("/resources/<int:resource_id>/restore", methods=["POST"])
@login_required
def restore(resource_id: int):
    if not ConfirmForm().validate_on_submit():
        abort(400, "The form expired; open the bin and try again.")
    resource = resource_bin.restore_resource(current_user, resource_id)
    flash(f"Restored “{resource.title}”.", "success")
    return redirect(url_for("resources.view", resource_id=resource.id))


@bp.route("/resources/<int:resource_id>/download")
def download(resource_id: int):
    return send_version(current_user, resource_id, count=True)


@bp.route("/resources/<int:resource_id>/preview")
def preview(resource_id: int):
    """The file for an <img>, <audio> or <video> on the resource page (not counted as a download)."""
    return send_version(current_user, resource_id, count=False)


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    return format_bytes(size)
