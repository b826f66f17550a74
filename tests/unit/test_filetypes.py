"""Recognising uploads by content, the allow-list, and display names that are safe to show."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from globe.errors import InvalidInput, UnsupportedType
from globe.extract.filetypes import (
    DEFAULT_ALLOWED_EXTENSIONS,
    SNIFF_BYTES,
    FileType,
    check_upload,
    detect,
    is_inline_safe,
    safe_filename,
)

PADDING = bytes(300)
SVG = (
    b'<?xml version="1.0"?>\n<!-- drawn by hand -->\n'
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
)


def head_of(path) -> bytes:
    return path.read_bytes()[:SNIFF_BYTES]


def check(head: bytes, filename: str) -> FileType:
    return check_upload(head, filename, allowed_extensions=DEFAULT_ALLOWED_EXTENSIONS)


@pytest.mark.parametrize("kind, extension, family", [
    ("pdf", "pdf", "pdf"),
    ("docx", "docx", "word"),
    ("pptx", "pptx", "slides"),
    ("xlsx", "xlsx", "sheet"),
    ("odt", "odt", "odf-text"),
    ("odp", "odp", "odf-slides"),
    ("ods", "ods", "odf-sheet"),
])
def test_documents_are_recognised_by_content_whatever_their_name(documents, kind, extension, family):
    path = getattr(documents, kind)()

    found = detect(head_of(path), "no-extension")

    assert (found.extension, found.family) == (extension, family)


@pytest.mark.parametrize("image_format, extension", [
    ("PNG", "png"), ("JPEG", "jpg"), ("GIF", "gif"), ("WEBP", "webp"),
])
def test_images_are_recognised(image_format, extension):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, image_format)

    found = check(buffer.getvalue(), f"picture.{extension}")

    assert (found.extension, found.family) == (extension, "image")


@pytest.mark.parametrize("head, extension, family", [
    (b"ID3\x03\x00\x00\x00\x00\x00\x00" + PADDING, "mp3", "audio"),
    (b"RIFF\x24\x00\x00\x00WAVEfmt " + PADDING, "wav", "audio"),
    (b"OggS\x00\x02" + PADDING, "ogg", "audio"),
    (b"\x00\x00\x00\x18ftypM4A \x00\x00\x00\x00M4A isom" + PADDING, "m4a", "audio"),
    (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + PADDING, "mp4", "video"),
])
def test_audio_and_video_are_recognised(head, extension, family):
    found = check(head, f"recording.{extension}")

    assert (found.extension, found.family) == (extension, family)


@pytest.mark.parametrize("filename, mime, family", [
    ("notes.txt", "text/plain", "text"),
    ("notes.md", "text/markdown", "markdown"),
    ("notes.markdown", "text/markdown", "markdown"),
    ("page.html", "text/html", "html"),
    ("page.htm", "text/html", "html"),
    ("marks.csv", "text/csv", "text"),
    ("README", "text/plain", "text"),
])
def test_text_flavour_is_chosen_by_extension(filename, mime, family):
    found = check("Fractions: ½ + ¼ = ¾\n".encode(), filename)

    assert (found.mime, found.family) == (mime, family)


def test_text_that_starts_like_a_binary_signature_is_still_text():
    found = check(b"BMI and healthy eating, notes for year 9\n", "notes.txt")  # "BM" opens bitmaps

    assert found.family == "text"


@pytest.mark.parametrize("encoded", [
    "Café crème\n".encode("cp1252"),
    "\ufeffCafé crème\n".encode("utf-8"),
    "\ufeffCafé crème\n".encode("utf-16-le"),
    "\ufeffCafé crème\n".encode("utf-16-be"),
])
def test_legacy_and_bom_encoded_text_is_text(encoded):
    assert check(encoded, "menu.txt").family == "text"


def test_a_utf8_character_cut_at_the_end_of_the_head_is_still_text():
    head = ("é" * 10).encode()[:-1]

    assert detect(head, "notes.txt").family == "text"


def test_rtf_is_recognised_by_its_signature():
    assert check(rb"{\rtf1\ansi Hello}", "letter.rtf").family == "rtf"


def test_bytes_with_a_nul_are_not_text():
    assert detect(b"looks like text\x00but is not", "notes.txt") is None
    with pytest.raises(UnsupportedType):
        check(b"looks like text\x00but is not", "notes.txt")


def test_a_pdf_renamed_docx_is_refused_with_the_contradiction(documents):
    head = head_of(documents.pdf())

    with pytest.raises(InvalidInput) as caught:
        check(head, "lesson.docx")

    assert caught.value.fields == {
        "file": ["This file is called lesson.docx but its content is a PDF document."]
    }


def test_a_word_document_renamed_pdf_is_refused(documents):
    with pytest.raises(InvalidInput, match="called lesson.pdf but its content is a Word document"):
        check(head_of(documents.docx()), "lesson.pdf")


@pytest.mark.parametrize("head, filename", [
    (b"\x7fELF\x02\x01\x01" + PADDING, "worksheet.pdf"),
    (b"\x7fELF\x02\x01\x01" + PADDING, "program"),
    (b"MZ\x90\x00\x03" + PADDING, "setup.exe"),
    (SVG, "drawing.svg"),
    (SVG, "drawing.txt"),
    (SVG, "drawing.html"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + PADDING, "old.doc"),
    (b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + PADDING, "archive.zip"),
    (b"print('hello')\n", "script.py"),
])
def test_types_outside_the_allow_list_are_unsupported(head, filename):
    with pytest.raises(UnsupportedType) as caught:
        check(head, filename)

    assert "Accepted file types: " in caught.value.detail


def test_an_svg_with_an_html_page_around_it_stays_html():
    page = b"<!doctype html><html><body><svg><circle r='4'/></svg></body></html>"

    assert check(page, "diagram.html").family == "html"


@pytest.mark.parametrize("head, family", [
    (b"Any text", "text"),
    (b"<!doctype html><p>Hello</p>", "text"),
    (rb"{\rtf1 Hello}", "rtf"),
])
def test_txt_is_an_acceptable_name_for_any_text(head, family):
    assert check(head, "notes.txt").family == family


def test_equivalent_extensions_are_accepted():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, "JPEG")

    assert check(buffer.getvalue(), "photo.JPEG").mime == "image/jpeg"


def test_a_file_without_extension_gets_the_detected_type(documents):
    assert check(head_of(documents.xlsx()), "marks").extension == "xlsx"


def test_the_allow_list_is_configurable(documents):
    with pytest.raises(UnsupportedType):
        check_upload(head_of(documents.pptx()), "slides.pptx", allowed_extensions={"pdf"})


def test_default_allow_list_has_no_svg_or_legacy_office():
    assert {"svg", "doc", "ppt", "xls"}.isdisjoint(DEFAULT_ALLOWED_EXTENSIONS)


@pytest.mark.parametrize("name, expected", [
    ("../../etc/passwd", "passwd"),
    ("C:\\evil\\x.pdf", "x.pdf"),
    ("a\u202egpj.exe", "agpj.exe"),
    ("<script>.pdf", "<script>.pdf"),  # kept as typed: templates and headers escape it
    ("", "file"),
    ("...", "file"),
    ("/", "file"),
    (".hidden.pdf", "hidden.pdf"),
    ("line\nbreak\t and\x00 nul.pdf", "line break and nul.pdf"),
    ("re\u0301sume\u0301.pdf", "résumé.pdf"),
    ("\u2066isolated\u2069 \u200fmarks.pdf", "isolated marks.pdf"),
])
def test_safe_filename(name, expected):
    assert safe_filename(name) == expected


def test_safe_filename_shortens_long_names_keeping_the_extension():
    name = safe_filename("a" * 500 + ".docx")

    assert len(name) == 200
    assert name.endswith("a.docx")


def test_safe_filename_shortens_a_long_name_without_extension():
    assert safe_filename("b" * 500) == "b" * 200


@pytest.mark.parametrize("mime, inline", [
    ("image/png", True),
    ("image/jpeg", True),
    ("image/gif", True),
    ("image/webp", True),
    ("application/pdf", True),
    ("IMAGE/PNG; charset=binary", True),
    ("image/svg+xml", False),
    ("text/html", False),
    ("text/plain", False),
    ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    ("video/mp4", False),
])
def test_only_images_and_pdf_are_shown_inline(mime, inline):
    assert is_inline_safe(mime) is inline
