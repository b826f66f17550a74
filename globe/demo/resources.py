"""The demo's resources, read from content/resources/<community>/ and shared as real files.

Each text becomes a file of the format its `format:` field names (see files.py), uploaded with
add_resource, so type checks, storage, text extraction and indexing run as for any upload."""

from __future__ import annotations

import io
import os
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from flask import Flask, current_app
from werkzeug.datastructures import FileStorage

from ..extensions import db
from ..models import Resource, ResourceVersion
from ..services import communities, extraction, resources
from . import files
from .content import Entry, entries


def load_resources(people: dict) -> None:
    shared = set(db.session.execute(db.select(Resource.community_id, Resource.title)).all())
    for entry in entries("resources"):
        community = communities.get_community(entry.folder)
        if (community.id, entry.fields["title"]) not in shared:
            _share(people[f"{entry.fields['owner']}@globe.example"], community, entry)
    extract_waiting_files()


def extract_waiting_files() -> None:
    """Extract what is still waiting, one file per core, beside the background extractor (which
    takes one at a time); a version's claim keeps the two apart."""
    waiting = list(
        db.session.scalars(
            db.select(ResourceVersion.id).where(ResourceVersion.extraction_status == "pending")
        )
    )
    with ThreadPoolExecutor(
        max_workers=os.cpu_count() or 2, thread_name_prefix="demo-extract"
    ) as pool:
        list(pool.map(partial(_extract_in_app, current_app._get_current_object()), waiting))


def _extract_in_app(app: Flask, version_id: int) -> None:
    with app.app_context():
        extraction.extract_version(version_id)


def _upload_for(entry: Entry) -> FileStorage:
    extension = entry.fields["format"]
    return FileStorage(io.BytesIO(files.render(entry.text, extension)), f"{entry.name}.{extension}")


def _share(owner, community, entry: Entry) -> None:
    fields = entry.fields
    resources.add_resource(
        owner,
        community,
        upload=_upload_for(entry),
        title=fields["title"],
        description=fields.get("description", ""),
        resource_type=fields["type"],
        age_groups=fields.get("ages", ""),
        levels=fields.get("levels", ""),
        skills=fields.get("skills", ""),
        tags=fields.get("tags", ""),
        license=fields.get("licence", "cc-by"),
        language="en",
    )
