"""Resource rules: sharing with metadata, types checked by content, duplicates, versions, extraction, privacy."""
import io
from datetime import timedelta
from unittest.mock import patch

import pytest
from documents import DocumentFactory, pdf_bytes
from factories import add_member, make_community, make_user
from werkzeug.datastructures import FileStorage

from globe.backends import get_storage
from globe.errors import InvalidInput, NotFound, PermissionDenied, TooLarge, UnsupportedType
from globe.extensions import db
from globe.models import Post, Thread
from globe.models.base import utcnow
from globe.models.resources import Resource
from globe.services import comment_sections, resource_bin, resources, search
from globe.services.resources import DuplicateResource

META = {"title": "Past simple board game", "description": "**Fun** practice", "tags": "grammar, games",
        "levels": ["a2", "b1"], "skills": ["grammar", "speaking"], "age_groups": ["teens"],
        "resource_type": "worksheet", "language": "en", "license": "cc-by-sa"}


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), name)


@pytest.fixture
def cop(app):
    return make_community("speaking")


@pytest.fixture
def member(cop):
    user = make_user()
    add_member(cop, user)
    return user


def test_share_a_pdf_with_metadata_and_its_text_is_extracted(cop, member):
    resource = resources.add_resource(member, cop, upload=upload(pdf_bytes(["Irregular verbs practice"]), "verbs.pdf"),
                                      **META)
    version = resource.latest
    assert (version.filename, version.family, version.content_type) == ("verbs.pdf", "pdf", "application/pdf")
    assert version.extraction_status == "done" and "Irregular verbs practice" in version.extracted_text
    assert version.excerpt.startswith("Irregular verbs")
    assert sorted(resource.values("level")) == ["a2", "b1"] and sorted(resource.values("tag")) == ["games", "grammar"]
    assert "<strong>Fun</strong>" in resource.description_html
    assert get_storage().exists(version.storage_key) and version.storage_key == version.sha256


def test_office_documents_are_extracted(cop, member, tmp_path):
    docx = DocumentFactory(tmp_path).docx().read_bytes()
    resource = resources.add_resource(member, cop, upload=upload(docx, "lesson.docx"), **META)
    assert resource.latest.extraction_status == "done" and resource.latest.extracted_text


def test_damaged_pdf_is_stored_and_marked_failed(cop, member):
    broken = pdf_bytes(["Truncated lesson"])[:120]
    resource = resources.add_resource(member, cop, upload=upload(broken, "broken.pdf"), **META)
    assert resource.latest.extraction_status == "failed" and resource.latest.extraction_error


def test_lying_extension_and_disallowed_types_are_refused_and_nothing_kept(cop, member):
    with pytest.raises(InvalidInput) as err:
        resources.add_resource(member, cop, upload=upload(pdf_bytes(["x"]), "lesson.docx"), **META)
    assert "its content is" in err.value.fields["file"][0]
    with pytest.raises(UnsupportedType):
        resources.add_resource(member, cop, upload=upload(b"\x7fELF\x02\x01\x01" + b"\0" * 100, "tool.pdf"), **META)
    with pytest.raises(InvalidInput):
        resources.add_resource(member, cop, upload=upload(b"", "empty.txt"), **META)
    assert list(get_storage().iter_keys()) == []
    assert resources.list_resources(member).total == 0


def test_too_large_upload_is_refused_and_nothing_kept(app, cop, member):
    app.config["MAX_UPLOAD_BYTES"] = 1000
    with pytest.raises(TooLarge):
        resources.add_resource(member, cop, upload=upload(b"a" * 1001, "big.txt"), **META)
    assert list(get_storage().iter_keys()) == []


def test_metadata_outside_the_lists_is_refused(cop, member):
    with pytest.raises(InvalidInput) as err:
        resources.add_resource(member, cop, upload=upload(b"hello", "a.txt"),
                               **{**META, "levels": ["z9"], "skills": ["juggling"], "resource_type": "poem",
                                  "license": "gpl", "language": "English!!", "title": ""})
    assert set(err.value.fields) == {"levels", "skills", "resource_type", "license", "language", "title"}


def test_images_need_alt_text(cop, member):
    gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"
           b"\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;")
    with pytest.raises(InvalidInput) as err:
        resources.add_resource(member, cop, upload=upload(gif, "chart.gif"), **META)
    assert "alt_text" in err.value.fields
    resource = resources.add_resource(member, cop, upload=upload(gif, "chart.gif"), **{**META, "alt_text": "A chart"})
    assert resource.latest.extraction_status == "unsupported"


def test_duplicate_in_the_same_cop_points_to_the_existing_resource(cop, member):
    first = resources.add_resource(member, cop, upload=upload(b"same content", "a.txt"), **META)
    with pytest.raises(DuplicateResource) as err:
        resources.add_resource(member, cop, upload=upload(b"same content", "b.txt"), **META)
    assert err.value.existing == first
    assert get_storage().exists(first.latest.storage_key)  # the shared file survives the refused upload
    other = make_community("other")
    add_member(other, member)
    again = resources.add_resource(member, other, upload=upload(b"same content", "a.txt"), **META)
    assert again.latest.storage_key == first.latest.storage_key  # stored once


def test_link_resources_accept_only_web_addresses(cop, member):
    link = resources.add_resource(member, cop, url="https://example.org/lesson", **META)
    assert link.is_link and link.latest is None
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://x.org/a", "https://", "http://a b.org"):
        with pytest.raises(InvalidInput):
            resources.add_resource(member, cop, url=bad, **META)


def test_filenames_are_cleaned_for_display(cop, member):
    resource = resources.add_resource(member, cop, upload=upload(b"text", "../../etc/\u202egpj.txt"), **META)
    assert resource.latest.filename == "gpj.txt"


def test_versions_keep_earlier_files(cop, member):
    resource = resources.add_resource(member, cop, upload=upload(b"version one", "a.txt"), **META)
    resources.add_version(member, resource, upload(b"version two", "a.txt"))
    assert [v.number for v in resource.versions] == [2, 1]
    assert resources.get_version(member, resource, 1).extracted_text == "version one"
    with pytest.raises(PermissionDenied):
        resources.add_version(make_user(), resource, upload(b"intruder", "a.txt"))


def test_owner_edits_and_facilitator_deletes(cop, member):
    facilitator = make_user()
    add_member(cop, facilitator, "facilitator")
    resource = resources.add_resource(member, cop, upload=upload(b"to delete", "a.txt"), **META)
    key = resource.latest.storage_key
    resources.update_resource(member, resource, title="New title", levels=["c1"])
    assert resource.title == "New title" and resource.values("level") == ["c1"]
    with pytest.raises(PermissionDenied):
        resources.update_resource(make_user(), resource, title="Hacked")
    resources.delete_resource(facilitator, resource)
    assert resource.deleted_by_id == facilitator.id and get_storage().exists(key)  # in the bin, file kept
    with pytest.raises(NotFound):
        resources.get_resource(member, resource.id)
    assert resources.list_resources(member, community=cop).total == 0


def test_the_bin_lets_the_owner_and_facilitators_restore(cop, member):
    facilitator, other_member = make_user(), make_user()
    add_member(cop, facilitator, "facilitator")
    add_member(cop, other_member)
    mine = resources.add_resource(member, cop, upload=upload(b"binned lesson", "a.txt"), **META)
    theirs = resources.add_resource(other_member, cop, url="https://example.org/x", **META)
    resources.delete_resource(member, mine)
    resources.delete_resource(other_member, theirs)
    assert resource_bin.list_bin(member, cop) == [mine]
    assert set(resource_bin.list_bin(facilitator, cop)) == {mine, theirs}
    with pytest.raises(NotFound):
        resource_bin.restore_resource(member, theirs.id)
    resource_bin.restore_resource(facilitator, theirs.id)
    resource_bin.restore_resource(member, mine.id)
    assert resources.list_resources(member, community=cop).total == 2
    assert search.search(member, text="binned").total == 1


def test_deleting_and_restoring_updates_search(cop, member):
    resource = resources.add_resource(member, cop, upload=upload(b"quokka habitat", "a.txt"), **META)
    resources.delete_resource(member, resource)
    assert search.search(member, text="quokka").total == 0
    resource_bin.restore_resource(member, resource.id)
    assert search.search(member, text="quokka").total == 1


def test_purge_removes_old_bin_entries_and_keeps_shared_files(cop, member, app):
    other_cop = make_community("writing")
    add_member(other_cop, member)
    old = resources.add_resource(member, cop, upload=upload(b"shared bytes", "a.txt"), **META)
    twin = resources.add_resource(member, other_cop, upload=upload(b"shared bytes", "b.txt"), **META)
    alone = resources.add_resource(member, cop, upload=upload(b"only here", "c.txt"), **META)
    recent = resources.add_resource(member, cop, upload=upload(b"recently binned", "d.txt"), **META)
    shared_key, alone_key = old.latest.storage_key, alone.latest.storage_key
    for resource in (old, alone, recent):
        resources.delete_resource(member, resource)
    later = utcnow() + timedelta(days=resource_bin.BIN_DAYS, minutes=1)
    with pytest.raises(NotFound):  # past the 30 days nobody restores it, even before the purge ran
        with patch.object(resource_bin, "utcnow", lambda: later):
            resource_bin.restore_resource(member, old.id)
    recent_id = recent.id
    assert resource_bin.purge_bin(now=later - timedelta(days=1)) == 0
    assert resource_bin.purge_bin(now=later) == 3
    assert get_storage().exists(shared_key) and not get_storage().exists(alone_key)
    assert twin.latest.storage_key == shared_key
    assert db.session.get(Resource, recent_id) is None


def test_members_only_resources_are_invisible_to_outsiders(app):
    cop = make_community("secret", visibility="members")
    member = make_user()
    add_member(cop, member)
    resource = resources.add_resource(member, cop, upload=upload(b"secret text", "a.txt"), **META)
    outsider = make_user()
    with pytest.raises(NotFound):
        resources.get_resource(outsider, resource.id)
    assert resources.list_resources(outsider).total == 0
    assert resources.list_resources(member).total == 1


def test_only_members_share(cop):
    with pytest.raises(PermissionDenied):
        resources.add_resource(make_user(), cop, upload=upload(b"x", "a.txt"), **META)


def test_filters_and_sorting(cop, member):
    first = resources.add_resource(member, cop, upload=upload(b"one", "a.txt"), **{**META, "title": "Beta"})
    second = resources.add_resource(member, cop, upload=upload(b"two", "b.txt"),
                                    **{**META, "title": "Alpha", "levels": ["c1"], "resource_type": "slides"})
    resources.record_download(first)
    assert [r.title for r in resources.list_resources(member, filters={"level": ["c1"]}).items] == ["Alpha"]
    assert [r.title for r in resources.list_resources(member, filters={"type": ["worksheet"]}).items] == ["Beta"]
    assert [r.title for r in resources.list_resources(member, sort="title").items] == ["Alpha", "Beta"]
    assert [r.title for r in resources.list_resources(member, sort="downloads").items][0] == "Beta"
    page = resources.list_resources(member, page=2, per_page=1)
    assert page.total == 2 and len(page.items) == 1
    assert second.id != first.id


def test_file_text_reaches_the_search_index(cop, member):
    resource = resources.add_resource(member, cop, upload=upload(pdf_bytes(["Zebra crossing dialogue"]), "z.pdf"),
                                      **META)
    assert [hit.object_id for hit in search.search(member, text="zebra").hits] == [resource.id]


def test_levels_read_in_cefr_order(cop, member):
    resource = resources.add_resource(member, cop, url="https://example.org/x",
                                      **{**META, "levels": ["b1", "pre-a1", "a2"]})
    assert resource.values("level") == ["pre-a1", "a2", "b1"]


def test_purging_a_resource_takes_its_comments_with_it(cop, member, app):
    resource = resources.add_resource(member, cop, upload=upload(b"with comments", "e.txt"), **META)
    comment_sections.comment(member, resource, body="Worked well with my B1 class.")
    resources.delete_resource(member, resource)
    later = utcnow() + timedelta(days=resource_bin.BIN_DAYS, minutes=1)
    assert resource_bin.purge_bin(now=later) == 1
    assert db.session.query(Thread).count() == 0 and db.session.query(Post).count() == 0
