"""Lesson resources: sharing files or links with teaching metadata, versions, downloads, lists with filters."""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import exists, func, select, update
from sqlalchemy.orm import selectinload

import wiki

from ..db import transaction
from ..errors import Conflict, InvalidInput, NotFound
from ..extensions import db
from ..extract.filetypes import safe_filename
from ..models import Community
from ..models.base import utcnow
from ..models.resources import (
    AGE_GROUPS,
    CEFR_LEVELS,
    LICENSES,
    RESOURCE_TYPES,
    SKILLS,
    Resource,
    ResourceLabel,
    ResourceVersion,
)
from ..permissions import can, require, visible_scope
from ..urls import resource_path
from . import following, idempotency
from .extraction import schedule_extraction
from .oai import tombstones as oai_tombstones
from .search import queue_for_indexing
from .uploads import store_upload
from .validation import Checker, parse_tags

LANGUAGE_RE = re.compile(r"^[a-z]{2,3}(-[a-z0-9]{2,8})?$")
MULTI_VALUED = {"levels": ("level", CEFR_LEVELS), "skills": ("skill", SKILLS), "age_groups": ("age_group", AGE_GROUPS)}
SORTS = {"newest": (Resource.created_at.desc(),), "title": (func.lower(Resource.title), Resource.id),
         "downloads": (Resource.download_count.desc(), Resource.created_at.desc())}


class DuplicateResource(Conflict):
    """The same file is already shared in this CoP."""

    def __init__(self, existing: Resource):
        super().__init__(f"This file is already shared in this community as “{existing.title}”.")
        self.existing = existing


@dataclass(frozen=True)
class ResourcePage:
    items: list[Resource]
    total: int
    page: int
    per_page: int


# --- metadata --------------------------------------------------------------------------------

def _as_list(value) -> list[str]:
    if value is None:
        return []
    items = value.split(",") if isinstance(value, str) else list(value)
    return [str(item).strip().lower() for item in items if str(item).strip()]


def check_metadata(community: Community, data: dict, *, partial: bool = False) -> dict:
    """Validate metadata fields; with partial=True only the fields given are checked and returned."""
    check, clean = Checker(), {}
    if not partial or "title" in data:
        clean["title"] = check.text("title", data.get("title"), max_length=200, required=True)
    if not partial or "description" in data:
        clean["description"] = check.text("description", data.get("description"), max_length=20000)
    if not partial or "alt_text" in data:
        clean["alt_text"] = check.text("alt_text", data.get("alt_text"), max_length=300, label="Image description")
    if not partial or "tags" in data:
        clean["tags"] = parse_tags(data.get("tags"))
    for field, (facet, choices) in MULTI_VALUED.items():
        if not partial or field in data:
            values = _as_list(data.get(field))
            bad = [value for value in values if value not in choices]
            if bad:
                check.add(field, f"Unknown {facet.replace('_', ' ')}: {', '.join(bad)}. "
                                 f"Choose from: {', '.join(choices)}.")
            clean[field] = list(dict.fromkeys(values))
    _check_single(check, clean, data, partial, community)
    check.done()
    return clean


def _check_single(check: Checker, clean: dict, data: dict, partial: bool, community: Community) -> None:
    if not partial or "resource_type" in data:
        kind = (data.get("resource_type") or "").strip().lower() or None
        if kind is not None and kind not in RESOURCE_TYPES:
            check.add("resource_type", f"Resource type must be one of: {', '.join(RESOURCE_TYPES)}.")
        clean["resource_type"] = kind
    if not partial or "language" in data:
        language = (data.get("language") or "en").strip().lower()
        if not LANGUAGE_RE.match(language):
            check.add("language", "Language must be a language code such as en, ar, pt-br.")
        clean["language"] = language
    if not partial or "license" in data:
        license_ = (data.get("license") or community.default_license).strip().lower()
        if license_ not in LICENSES:
            check.add("license", f"Licence must be one of: {', '.join(LICENSES)}.")
        clean["license"] = license_


def check_url(url: str) -> str:
    """A link resource's address: http(s) only, so no javascript:, data: or file: link is ever stored."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme.lower() not in ("http", "https") or not parts.netloc or any(
            ord(char) < 33 for char in url):
        raise InvalidInput({"url": ["Enter a web address starting with http:// or https://."]})
    return url


def _apply(resource: Resource, clean: dict) -> None:
    """Copy validated metadata onto the resource, labels included."""
    for field in ("title", "description", "alt_text", "resource_type", "language", "license"):
        if field in clean:
            setattr(resource, field, clean[field])
    if "description" in clean:
        resource.description_html = wiki.render_markdown(clean["description"])
    facets = {facet: clean[field] for field, (facet, _) in MULTI_VALUED.items() if field in clean}
    if "tags" in clean:
        facets["tag"] = clean["tags"]
    if facets:
        resource.labels = [label for label in resource.labels if label.facet not in facets] + [
            ResourceLabel(facet=facet, value=value) for facet, values in facets.items() for value in values]
    resource.updated_at = utcnow()


# --- adding ----------------------------------------------------------------------------------

def add_resource(actor, community: Community, *, upload=None, url: str | None = None, **metadata) -> Resource:
    """Share a file (stored by content, text extracted after the commit) or a link, with metadata."""
    clean = _check_new(actor, community, upload, url, metadata)
    with transaction() as tx:
        return _new_resource(tx, actor, community, clean, upload=upload, url=url)


def add_resource_once(actor, community: Community, idempotency_key: str | None, *, upload=None,
                      url: str | None = None, **metadata) -> tuple[Resource, bool]:
    """add_resource, safe to retry: a repeat with the same key returns the resource the first request
    created (flag True) and stores nothing; the same key with a different request is refused."""
    if idempotency_key is None:
        return add_resource(actor, community, upload=upload, url=url, **metadata), False
    clean = _check_new(actor, community, upload, url, metadata)
    scope = idempotency.Scope(actor.id, "createResource", idempotency_key, _fingerprint(community, clean, upload, url))
    return idempotency.once(scope, lambda tx: _new_resource(tx, actor, community, clean, upload=upload, url=url))


def _check_new(actor, community: Community, upload, url: str | None, metadata: dict) -> dict:
    require(actor, "resources.add", community)
    if (upload is None) == (url is None):
        raise InvalidInput({"file": ["Choose a file, or give a link."]})
    return check_metadata(community, metadata)


def _fingerprint(community: Community, clean: dict, upload, url: str | None) -> str:
    """What makes two requests the same: the CoP, the checked metadata, and the file (content and
    name) or the link."""
    content = hashlib.sha256()
    stream = getattr(upload, "stream", None)
    if stream is not None:
        for chunk in iter(lambda: stream.read(2**20), b""):
            content.update(chunk)
        stream.seek(0)
    request = {"community": community.id, **clean, "url": url, "filename": getattr(upload, "filename", None),
               "content": content.hexdigest()}
    return hashlib.sha256(json.dumps(request, sort_keys=True).encode()).hexdigest()


def add_many(actor, community: Community, *, uploads: list, **metadata) -> list[Resource]:
    """Several files with one description: a resource each, titled with its file name; all or none."""
    require(actor, "resources.add", community)
    clean = check_metadata(community, metadata)
    with transaction() as tx:
        return [_new_resource(tx, actor, community,
                              {**clean, "title": f"{clean['title']} – {safe_filename(upload.filename)}"[:200]},
                              upload=upload) for upload in uploads]


def _new_resource(tx, actor, community: Community, clean: dict, *, upload=None, url=None) -> Resource:
    resource = Resource(community=community, owner_id=actor.id)
    _apply(resource, clean)
    db.session.add(resource)
    if upload is None:
        resource.url = check_url(url)
    else:
        _add_version(tx, actor, resource, upload)
    db.session.flush()
    queue_for_indexing("resource", resource.id)
    following.tell_followers("resources.new", f"{actor.display_name} shared “{resource.title}” in {community.name}.",
                             actor=actor, target=resource, url=resource_path(resource.id), subject=community.name,
                             collapse_key=f"new-resources:{community.id}")
    following.follow_automatically(actor, resource)
    return resource


def _add_version(tx, actor, resource: Resource, upload) -> ResourceVersion:
    stored = store_upload(tx, upload)
    if stored.file_type.family == "image" and not resource.alt_text:
        raise InvalidInput({"alt_text": ["Describe the image (alt text) for people who cannot see it."]})
    if resource.community is not None:
        existing = find_duplicate(resource.community, stored.stored.sha256, exclude=resource)
        if existing is not None:
            raise DuplicateResource(existing)
    resource.version_count += 1
    version = ResourceVersion(
        resource=resource, number=resource.version_count, storage_key=stored.stored.key,
        sha256=stored.stored.sha256, filename=stored.filename, size=stored.stored.size,
        content_type=stored.file_type.mime, family=stored.file_type.family, extension=stored.file_type.extension,
        uploaded_by_id=actor.id, extraction_status="pending")
    db.session.add(version)
    db.session.flush()
    tx.after_commit(schedule_extraction, version.id)
    return version


def find_duplicate(community: Community, sha256: str, *, exclude: Resource | None = None) -> Resource | None:
    """A resource of this CoP whose latest file has exactly this content."""
    latest = (select(ResourceVersion.resource_id, func.max(ResourceVersion.number).label("number"))
              .group_by(ResourceVersion.resource_id).subquery())
    query = (select(Resource).join(ResourceVersion, ResourceVersion.resource_id == Resource.id)
             .join(latest, (latest.c.resource_id == ResourceVersion.resource_id)
                   & (latest.c.number == ResourceVersion.number))
             .where(Resource.community_id == community.id, ResourceVersion.sha256 == sha256,
                    Resource.deleted_at.is_(None)))
    if exclude is not None and exclude.id is not None:
        query = query.where(Resource.id != exclude.id)
    return db.session.scalars(query).first()


def add_version(actor, resource: Resource, upload) -> ResourceVersion:
    """A new file for a resource its owner shared; earlier versions stay downloadable."""
    require(actor, "resources.edit", resource)
    if resource.is_link:
        raise InvalidInput({"file": ["A link resource has no files; share the file as a new resource."]})
    with transaction() as tx:
        version = _add_version(tx, actor, resource, upload)
        resource.updated_at = utcnow()
        queue_for_indexing("resource", resource.id)
        following.tell_followers("resources.version", f"{actor.display_name} uploaded version {version.number} of "
                                 f"“{resource.title}” in {resource.community.name}.", actor=actor, target=resource,
                                 url=resource_path(resource.id), subject=f"“{resource.title}”",
                                 collapse_key=f"resource:{resource.id}")
        following.follow_automatically(actor, resource)
    return version


# --- reading ---------------------------------------------------------------------------------

def get_resource(actor, resource_id: int) -> Resource:
    """A resource the actor may see; NotFound otherwise (its existence is not revealed)."""
    resource = db.session.get(Resource, resource_id)
    if resource is None or resource.is_deleted or not can(actor, "resources.view", resource):
        raise NotFound("No such resource.")
    return resource


def get_version(actor, resource: Resource, number: int | None) -> ResourceVersion:
    """Version `number` (default: the latest) of a resource the actor may see."""
    require(actor, "resources.view", resource)
    versions = {version.number: version for version in resource.versions}
    version = versions.get(number if number is not None else resource.version_count)
    if version is None:
        raise NotFound("This resource has no such version." if resource.versions else "This resource is a link.")
    return version


def list_resources(actor, *, community: Community | None = None, filters: dict | None = None,
                   sort: str = "newest", page: int = 1, per_page: int = 20) -> ResourcePage:
    """Visible resources, filtered in SQL (so totals and pages only ever count what the actor may see)."""
    query = select(Resource).join(Community, Community.id == Resource.community_id).where(
        visible_scope(actor).community_filter(), Resource.deleted_at.is_(None))
    if community is not None:
        require(actor, "resources.view", community)
        query = query.where(Resource.community_id == community.id)
    query = _filtered(query, filters or {})
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    order = SORTS.get(sort, SORTS["newest"])
    items = db.session.scalars(query.order_by(*order).limit(per_page).offset((page - 1) * per_page)
                               .options(selectinload(Resource.versions), selectinload(Resource.community))).all()
    return ResourcePage(list(items), total, page, per_page)


def _filtered(query, filters: dict):
    for name in ("level", "skill", "age_group", "tag"):
        values = _as_list(filters.get(name))
        if values:
            query = query.where(exists().where(ResourceLabel.resource_id == Resource.id, ResourceLabel.facet == name,
                                               ResourceLabel.value.in_(values)))
    for name, column in (("type", Resource.resource_type), ("license", Resource.license),
                         ("language", Resource.language)):
        values = _as_list(filters.get(name))
        if values:
            query = query.where(column.in_(values))
    communities = _as_list(filters.get("community"))
    if communities:
        query = query.where(Community.slug.in_(communities))
    return query


def record_download(resource: Resource) -> None:
    """Count a download (one atomic UPDATE, safe with many server processes)."""
    with transaction():
        db.session.execute(update(Resource).where(Resource.id == resource.id)
                           .values(download_count=Resource.download_count + 1))


# --- changing and deleting -------------------------------------------------------------------

def update_resource(actor, resource: Resource, **metadata) -> Resource:
    """Edit metadata (the owner, a facilitator of the CoP, or an admin)."""
    require(actor, "resources.edit", resource)
    clean = check_metadata(resource.community, metadata, partial=True)
    with transaction():
        _apply(resource, clean)
        if "url" in metadata and resource.is_link:
            resource.url = check_url(metadata["url"])
        queue_for_indexing("resource", resource.id)
    return resource


def delete_resource(actor, resource: Resource) -> None:
    """Move a resource to its CoP's bin: hidden everywhere, restorable for BIN_DAYS, then purged
    (see globe/services/resource_bin.py)."""
    require(actor, "resources.edit", resource)
    with transaction():
        oai_tombstones.resource_deleted(resource)
        resource.deleted_at = utcnow()
        resource.deleted_by_id = actor.id
        queue_for_indexing("resource", resource.id)
