"""Files and images attached to wiki pages, stored through the same storage layer as resources."""
from __future__ import annotations

from sqlalchemy import select

from ..db import transaction
from ..errors import NotFound
from ..extensions import db
from ..models import WikiAttachment, WikiPage
from ..permissions import require
from .uploads import delete_if_unused, store_upload
from .wiki_links import refresh_current_rendering


def list_attachments(actor, page: WikiPage) -> list[WikiAttachment]:
    require(actor, "wiki.read_page", page)
    return list(db.session.scalars(select(WikiAttachment).where(WikiAttachment.page_id == page.id)
                                   .order_by(WikiAttachment.name)))


def get_attachment(actor, page: WikiPage, name: str) -> WikiAttachment:
    require(actor, "wiki.read_page", page)
    attachment = db.session.scalar(select(WikiAttachment).where(WikiAttachment.page_id == page.id,
                                                                WikiAttachment.name == name))
    if attachment is None:
        raise NotFound("This page has no attachment with that name.")
    return attachment


def attach(actor, page: WikiPage, upload) -> WikiAttachment:
    """Attach a file under its (cleaned) name; a file of the same name is replaced."""
    require(actor, "wiki.edit", page.community)
    replaced_key = None
    with transaction() as tx:
        stored = store_upload(tx, upload)
        attachment = db.session.scalar(select(WikiAttachment).where(WikiAttachment.page_id == page.id,
                                                                    WikiAttachment.name == stored.filename))
        if attachment is None:
            attachment = WikiAttachment(page_id=page.id, name=stored.filename)
            db.session.add(attachment)
        else:
            replaced_key = attachment.storage_key
        attachment.storage_key, attachment.size = stored.stored.key, stored.stored.size
        attachment.content_type, attachment.uploader_id = stored.file_type.mime, actor.id
        db.session.flush()
        refresh_current_rendering(page)  # ![..](attachment:name) may now resolve
    if replaced_key and replaced_key != attachment.storage_key:
        delete_if_unused(replaced_key)
    return attachment


def detach(actor, page: WikiPage, name: str) -> None:
    attachment = get_attachment(actor, page, name)
    require(actor, "wiki.edit", page.community)
    key = attachment.storage_key
    with transaction():
        db.session.delete(attachment)
        db.session.flush()
        refresh_current_rendering(page)
    delete_if_unused(key)
