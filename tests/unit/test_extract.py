"""Text extraction from every family, its failures in words a user can read, and its limits."""
from __future__ import annotations

import io
import subprocess
import zipfile

import pytest

from globe.extract import extract_text, extract_text_inline, preview_excerpt
from globe.extract.filetypes import DEFAULT_ALLOWED_EXTENSIONS, SNIFF_BYTES, check_upload
from globe.extract.safety import UnsafeArchive, check_zip, read_member
from globe.storage import LocalStorage


@pytest.mark.parametrize("kind, family, words", [
    ("docx", "word", ["Volcanoes unit", "Magma rises", "Stratovolcano\tFuji", "Geography department header",
                      "Ms Okonkwo"]),
    ("pptx", "slides", ["Fractions introduction", "Numerator over denominator", "pizza slices",
                        "Half\tQuarter", "Grouped equivalence"]),
    ("xlsx", "sheet", ["Term one", "Amara\t17", "Term two", "Mitochondria quiz"]),
    ("odt", "odf-text", ["Water cycle", "Evaporation then\tcondensation"]),
    ("odp", "odf-slides", ["Tectonic plates", "Subduction zones"]),
    ("ods", "odf-sheet", ["Pupil\tScore", "Bartholomew\t19"]),
])
def test_office_documents_give_their_text(documents, kind, family, words):
    result = extract_text_inline(getattr(documents, kind)(), family)

    assert (result.status, result.error) == ("done", None)
    for word in words:
        assert word in result.text


def test_slides_keep_their_order_and_are_counted(documents):
    result = extract_text_inline(documents.pptx(), "slides")

    assert result.text.index("Fractions introduction") < result.text.index("Grouped equivalence")
    assert result.page_count == 2


def test_pdf_pages_are_joined_with_blank_lines_and_counted(documents):
    result = extract_text_inline(documents.pdf("Photosynthesis needs light", "Chlorophyll is green"), "pdf")

    assert result.status == "done"
    assert result.text == "Photosynthesis needs light\n\nChlorophyll is green"
    assert result.page_count == 2


def test_a_truncated_pdf_fails_with_a_reason(documents):
    whole = documents.pdf("Photosynthesis needs light", "Chlorophyll is green").read_bytes()
    truncated = documents.write("truncated.pdf", whole[: len(whole) // 2])

    result = extract_text_inline(truncated, "pdf")

    assert result.status == "failed"
    assert result.error.startswith("The PDF is damaged or truncated: ")


def test_an_encrypted_pdf_fails(documents):
    result = extract_text_inline(documents.encrypted_pdf(user_password="only-the-teacher-knows"), "pdf")

    assert (result.status, result.error, result.text) == ("failed", "The document is encrypted.", "")


def test_a_pdf_protected_only_by_an_owner_password_is_read(documents):
    result = extract_text_inline(documents.encrypted_pdf(user_password=""), "pdf")

    assert result.status == "done"
    assert "Secret chlorophyll notes" in result.text


def test_html_gives_only_visible_text(documents):
    page = documents.write("page.html", (
        b"<html><head><title>Owl facts</title><style>p { color: red }</style>"
        b"<script>var leaked = 'scriptword';</script></head>"
        b"<body><!-- commentword --><h1>Nocturnal birds</h1><p>Owls &amp; bats &eacute;cho</p></body></html>"
    ))

    result = extract_text_inline(page, "html")

    assert result.text == "Owl facts\n\nNocturnal birds\n\nOwls & bats écho"


def test_rtf_gives_its_text(documents):
    rtf = rb"{\rtf1\ansi{\fonttbl{\f0 Times;}}\f0 Tundra biome \'e9t\'e9\par Permafrost}"
    letter = documents.write("letter.rtf", rtf)

    result = extract_text_inline(letter, "rtf")

    assert result.text == "Tundra biome été\nPermafrost"


@pytest.mark.parametrize("encoded", [
    "Café crème brûlée".encode(),
    "\ufeffCafé crème brûlée".encode(),
    "\ufeffCafé crème brûlée".encode("utf-16-le"),
    "Café crème brûlée".encode("cp1252"),
    "Café crème brûlée".encode("latin-1"),
])
def test_plain_text_is_decoded_whatever_its_encoding(documents, encoded):
    result = extract_text_inline(documents.write("menu.txt", encoded), "text")

    assert result.text == "Café crème brûlée"


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(documents):
    result = extract_text_inline(documents.write("odd.txt", b"caf\xe9 \x81"), "text")

    assert result.text == "café \x81"


def test_whitespace_and_control_characters_are_tidied(documents):
    messy = documents.write("messy.md", b"# Title   here\r\n\r\n\r\n\r\nBody\x00 with\x07 bells\t\t tabs")

    result = extract_text_inline(messy, "markdown")

    assert result.text == "# Title here\n\nBody with bells\ttabs"


def test_text_is_cut_at_max_chars(documents):
    result = extract_text_inline(documents.write("long.txt", b"word " * 10_000), "text", max_chars=1000)

    assert len(result.text) == 1000


def test_a_large_spreadsheet_stops_at_max_chars(documents, tmp_path):
    import openpyxl

    workbook = openpyxl.Workbook()
    for row in range(2000):
        workbook.active.append([f"pupil{row}", row])
    workbook.save(tmp_path / "big.xlsx")

    result = extract_text_inline(tmp_path / "big.xlsx", "sheet", max_chars=500)

    assert result.status == "done"
    assert len(result.text) <= 500
    assert "pupil1999" not in result.text


@pytest.mark.parametrize("family", ["image", "audio", "video", "other"])
def test_media_has_no_text_and_spawns_no_process(documents, monkeypatch, family):
    def no_process(*args, **kwargs):
        raise AssertionError("a child process was started")

    monkeypatch.setattr(subprocess, "run", no_process)

    result = extract_text(documents.write("photo.png", b"\x89PNG"), family)

    assert (result.status, result.text, result.error) == ("unsupported", "", None)


def test_a_zip_bomb_fails_without_being_inflated(zip_bomb, monkeypatch):
    def no_inflating(*args, **kwargs):
        raise AssertionError("a member was inflated")

    monkeypatch.setattr(zipfile.ZipExtFile, "read", no_inflating)

    result = extract_text_inline(zip_bomb, "word")

    assert result.status == "failed"
    assert result.error == "The archive expands to more than 200 MB; it looks like a zip bomb."


def test_a_member_that_expands_far_more_than_its_size_is_refused(documents):
    archive = documents.zip_with_member("dense.xlsx", "xl/workbook.xml", 5 * 2**20)

    result = extract_text_inline(archive, "sheet")

    assert result.error == "A file inside the archive expands more than 100 times; it looks like a zip bomb."


def test_too_many_members_is_refused(tmp_path):
    path = tmp_path / "many.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(6):
            archive.writestr(f"part{index}.xml", "<x/>")

    with pytest.raises(UnsafeArchive, match="more than 5 files"):
        check_zip(path, max_members=5)


def test_a_zip_that_lies_about_its_sizes_is_not_inflated_past_them(documents):
    liar = documents.zip_with_member("liar.odt", "content.xml", 10 * 2**20, declared_size=1000)

    result = extract_text_inline(liar, "odf-text")

    assert result.status == "failed"
    assert result.error.startswith("The file is damaged: ")


def test_read_member_stops_at_its_cap(documents):
    path = documents.zip_with_member("big.odt", "content.xml", 3 * 2**20)

    with zipfile.ZipFile(path) as archive:
        with pytest.raises(UnsafeArchive, match="content.xml expands to more than 1 MB"):
            read_member(archive, "content.xml", 2**20)


@pytest.mark.parametrize("family, name", [("word", "cut.docx"), ("odf-sheet", "cut.ods")])
def test_a_damaged_zip_document_fails(documents, family, name):
    whole = (documents.docx() if family == "word" else documents.ods()).read_bytes()

    result = extract_text_inline(documents.write(name, whole[: len(whole) // 2]), family)

    assert result.status == "failed"
    assert result.error.startswith("The file is damaged")


def test_odf_with_xml_entities_is_refused(tmp_path):
    path = tmp_path / "laughs.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", '<!DOCTYPE x [<!ENTITY lol "lol">]><x>&lol;&lol;</x>')

    result = extract_text_inline(path, "odf-text")

    assert result.error == "The document declares XML entities, which are refused for safety."


def test_failure_reasons_never_show_the_server_path(documents):
    missing = documents.folder / "gone.pdf"

    result = extract_text_inline(missing, "pdf")

    assert result.status == "failed"
    assert str(documents.folder) not in result.error


def test_extraction_in_a_child_process_returns_the_text(documents):
    result = extract_text(documents.docx(), "word")

    assert result.status == "done"
    assert "Magma rises through the crust." in result.text


def test_a_child_process_failure_comes_back_as_a_reason(documents):
    result = extract_text(documents.encrypted_pdf(user_password="secret"), "pdf")

    assert (result.status, result.error) == ("failed", "The document is encrypted.")


def test_extraction_that_outlives_the_timeout_is_stopped(documents):
    # The child cannot even start Python in 10 ms, so the parent must kill it and say why.
    result = extract_text(documents.pdf(), "pdf", timeout=0.01)

    assert (result.status, result.error) == ("failed", "Extraction took longer than 0.01 seconds.")


def test_extraction_that_needs_more_memory_than_allowed_fails(documents):
    big = documents.write("big.txt", b"lesson " * 600_000)

    limited = extract_text(big, "text", memory_bytes=32 * 2**20)
    unlimited = extract_text(big, "text")

    assert limited.status == "failed"
    assert limited.error == "The file needs more memory to read than is allowed."
    assert unlimited.status == "done"


def test_preview_skips_page_numbers_and_cuts_on_a_word():
    text = "12\n\n— • —\n\nThe water cycle moves water around.\n\n" + "Evaporation happens daily. " * 40

    preview = preview_excerpt(text, max_chars=100)

    assert preview.startswith("The water cycle moves water around.\n\nEvaporation")
    assert preview.endswith("…")
    assert len(preview) <= 100
    assert preview[:-1].split()[-1] in {"Evaporation", "happens", "daily."}


def test_a_short_preview_is_the_text_itself():
    assert preview_excerpt("Lesson plan for\nthe first week.") == "Lesson plan for the first week."


_TEXT_SAMPLES = {
    "rtf": rb"{\rtf1\ansi Tundra biome\par Permafrost}",
    "html": b"<html><body><h1>Nocturnal birds</h1><p>Owls hunt</p></body></html>",
    "htm": b"<!doctype html><p>Nocturnal birds</p>",
    "txt": b"Nocturnal birds hunt at night.",
    "md": b"# Nocturnal birds\n\nOwls hunt at night.",
    "csv": b"bird,habit\nOwl,nocturnal\n",
}
_EXPECTED_WORDS = {
    "pdf": "Photosynthesis", "docx": "Volcanoes unit", "pptx": "Fractions introduction",
    "xlsx": "Amara\t17", "odt": "Water cycle", "odp": "Tectonic plates", "ods": "Bartholomew",
    "rtf": "Permafrost", "csv": "Owl,nocturnal",
}


def _sample_bytes(documents, extension: str) -> bytes:
    if extension in _TEXT_SAMPLES:
        return _TEXT_SAMPLES[extension]
    return getattr(documents, extension)().read_bytes()


_MEDIA_EXTENSIONS = frozenset("png jpg jpeg gif webp mp3 ogg oga wav m4a mp4 webm".split())  # no text


@pytest.mark.parametrize("extension", sorted(DEFAULT_ALLOWED_EXTENSIONS - _MEDIA_EXTENSIONS))
def test_every_accepted_document_type_is_extracted_from_a_stored_suffixless_path(documents, extension):
    content = _sample_bytes(documents, extension)
    found = check_upload(content[:SNIFF_BYTES], f"upload.{extension}",
                         allowed_extensions=DEFAULT_ALLOWED_EXTENSIONS)
    storage = LocalStorage(documents.folder / "store")
    path = storage.local_path(storage.save(io.BytesIO(content), max_bytes=2**20).key)

    result = extract_text_inline(path, found.family)

    assert path.suffix == ""
    assert (result.status, result.error) == ("done", None)
    assert _EXPECTED_WORDS.get(extension, "Nocturnal birds") in result.text


def test_a_stored_spreadsheet_is_extracted_in_a_child_process(documents):
    storage = LocalStorage(documents.folder / "store")
    stored = storage.save(io.BytesIO(documents.xlsx().read_bytes()), max_bytes=2**20)

    result = extract_text(storage.local_path(stored.key), "sheet")

    assert (result.status, result.error) == ("done", None)
    assert "Mitochondria quiz" in result.text
