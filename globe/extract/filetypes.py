"""Recognise an upload's type from its bytes, check it against the allow-list, and clean display names.

The content decides the type; the filename only picks among text flavours and must not contradict it.
"""
from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass

import filetype

from globe.errors import InvalidInput, UnsupportedType
from globe.extract.text import BOMS, decode_prefix

SNIFF_BYTES = 64 * 1024  # how much of an upload callers should pass as `head`

DEFAULT_ALLOWED_EXTENSIONS = frozenset(
    "pdf docx pptx xlsx odt odp ods rtf html htm txt md csv "
    "png jpg jpeg gif webp mp3 ogg oga wav m4a mp4 webm".split()
)


@dataclass(frozen=True)
class FileType:
    """A recognised type: its MIME type, canonical extension, and family (which extractor, which icon)."""

    mime: str
    extension: str
    family: str


def _known(mime: str, extension: str, family: str) -> tuple[str, FileType]:
    return extension, FileType(mime, extension, family)


_OOXML = "application/vnd.openxmlformats-officedocument."
_ODF = "application/vnd.oasis.opendocument."
_KNOWN = dict([
    _known("application/pdf", "pdf", "pdf"),
    _known(_OOXML + "wordprocessingml.document", "docx", "word"),
    _known(_OOXML + "presentationml.presentation", "pptx", "slides"),
    _known(_OOXML + "spreadsheetml.sheet", "xlsx", "sheet"),
    _known(_ODF + "text", "odt", "odf-text"),
    _known(_ODF + "presentation", "odp", "odf-slides"),
    _known(_ODF + "spreadsheet", "ods", "odf-sheet"),
    _known("application/rtf", "rtf", "rtf"),
    _known("text/html", "html", "html"),
    _known("text/markdown", "md", "markdown"),
    _known("text/csv", "csv", "text"),
    _known("text/plain", "txt", "text"),
    _known("image/svg+xml", "svg", "image"),
])
_ODF_BY_MIME = {ft.mime: ft for ft in _KNOWN.values() if ft.mime.startswith(_ODF)}
# The first name under one of these folders tells which OOXML document a zip is.
_OOXML_FOLDERS = {"word/": _KNOWN["docx"], "ppt/": _KNOWN["pptx"], "xl/": _KNOWN["xlsx"]}
_TEXT_FAMILIES = frozenset({"text", "markdown", "html", "rtf"})
_EQUIVALENT_EXTENSIONS = (
    {"jpg", "jpeg"}, {"htm", "html"}, {"md", "markdown"}, {"mp4", "m4v", "m4a"},
    {"ogg", "oga"}, {"tif", "tiff"},
)
_DESCRIPTIONS = {
    "pdf": "a PDF document", "word": "a Word document", "slides": "a PowerPoint presentation",
    "sheet": "an Excel spreadsheet", "odf-text": "an OpenDocument text document",
    "odf-slides": "an OpenDocument presentation", "odf-sheet": "an OpenDocument spreadsheet",
    "rtf": "an RTF document", "html": "an HTML page", "text": "plain text",
    "markdown": "Markdown text",
}
_INLINE_SAFE_MIMES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
_ZIP_LOCAL_HEADER = re.compile(rb"PK\x03\x04")
_SVG_START = re.compile(r"(?:\s|<\?.*?\?>|<!--.*?-->|<!doctype[^>]*>)*<svg[\s>/]", re.I | re.S)
_LEGACY_TEXT_CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# Direction marks, overrides and isolates (they can make "gpj.exe" display as "exe.jpg"), and BOMs.
_BIDI_AND_INVISIBLE = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)
MAX_FILENAME_CHARS = 200


def detect(head: bytes, filename: str) -> FileType | None:
    """The type of a file from its first bytes (SNIFF_BYTES of them), or None if unrecognised."""
    if head.startswith(b"{\\rtf"):
        return _KNOWN["rtf"]
    if head.startswith(b"PK\x03\x04"):
        found = _detect_zip_document(head)
        if found:
            return found
    guess = filetype.guess(head)
    text = _text_head(head)
    # Weak signatures ("BM" for bitmaps, "MZ" for programs) also start ordinary sentences; binary
    # formats always contain NULs or control bytes, so readable text wins over all but PDF.
    if guess and (text is None or guess.extension == "pdf"):
        return _KNOWN.get(guess.extension) or _generic_type(guess.mime, guess.extension)
    if text is not None:
        return _text_type(text, _extension(filename))
    return None


def check_upload(head: bytes, filename: str, *, allowed_extensions: set[str] | frozenset[str]) -> FileType:
    """The upload's type if it is allowed and its name agrees with its content; otherwise raise."""
    accepted = "Accepted file types: " + ", ".join(sorted(allowed_extensions)) + "."
    found = detect(head, filename)
    if found is None:
        raise UnsupportedType(f"This kind of file is not recognised. {accepted}")
    if not _equivalents(found.extension) & set(allowed_extensions):
        raise UnsupportedType(f"Files of this kind (.{found.extension}) are not accepted here. {accepted}")
    name_extension = _extension(filename)
    if not name_extension or _name_fits(name_extension, found):
        return found
    if name_extension not in allowed_extensions:
        raise UnsupportedType(f"Files ending in .{name_extension} are not accepted here. {accepted}")
    message = f"This file is called {safe_filename(filename)} but its content is {describe(found)}."
    raise InvalidInput({"file": [message]})


def describe(found: FileType) -> str:
    """A phrase for messages: 'a Word document', 'a PNG image', 'an MP3 audio file', 'a .exe file'."""
    if found.family in _DESCRIPTIONS:
        return _DESCRIPTIONS[found.family]
    noun = {"image": "image", "audio": "audio file", "video": "video"}.get(found.family)
    if noun is None:
        return f"a .{found.extension} file"
    name = found.extension.upper()
    article = "an" if name[0] in "AEFHILMNORSX" else "a"  # as the letter is spoken: "an MP3"
    return f"{article} {name} {noun}"


def safe_filename(name: str) -> str:
    """The display name to keep: basename only, no control or bidi characters, at most 200 chars."""
    name = re.split(r"[/\\]", name or "")[-1]
    name = " ".join(unicodedata.normalize("NFC", name).split())  # tabs and newlines become spaces
    name = "".join(
        char for char in name
        if unicodedata.category(char) not in ("Cc", "Cs") and char not in _BIDI_AND_INVISIBLE
    )
    name = " ".join(name.split()).lstrip(". ")
    if len(name) > MAX_FILENAME_CHARS:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) <= 16:
            name = stem[: MAX_FILENAME_CHARS - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_FILENAME_CHARS].rstrip()
    return name or "file"


def is_inline_safe(mime: str) -> bool:
    """Whether a file of this MIME type may be shown in the browser rather than downloaded."""
    return mime.split(";")[0].strip().lower() in _INLINE_SAFE_MIMES


def _detect_zip_document(head: bytes) -> FileType | None:
    """An OpenDocument or OOXML type from the zip's local headers present in head."""
    if head[30:38] == b"mimetype":  # ODF: an uncompressed 'mimetype' member comes first
        name_length, extra_length = struct.unpack_from("<HH", head, 26)
        (size,) = struct.unpack_from("<I", head, 18)
        start = 30 + name_length + extra_length
        found = _ODF_BY_MIME.get(head[start:start + size].decode("ascii", "replace"))
        if found:
            return found
    for match in _ZIP_LOCAL_HEADER.finditer(head):
        if match.start() + 30 > len(head):
            break
        (name_length,) = struct.unpack_from("<H", head, match.start() + 26)
        name = head[match.start() + 30:match.start() + 30 + name_length].decode("cp437", "replace")
        for folder, found in _OOXML_FOLDERS.items():
            if name.startswith(folder):
                return found
    return None


def _text_head(head: bytes) -> str | None:
    """head decoded when it reads as text (UTF-8, a BOM, or legacy 8-bit without controls), else None."""
    for bom, encoding in BOMS:
        if head.startswith(bom):
            text = decode_prefix(head[len(bom):], encoding)
            return text if text is not None and "\x00" not in text else None
    if b"\x00" in head:
        return None
    text = decode_prefix(head, "utf-8")
    if text is None and not _LEGACY_TEXT_CONTROLS.search(head):
        text = head.decode("cp1252", "replace")  # Windows-1252 notes from old editors
    return text


def _text_type(text: str, name_extension: str) -> FileType:
    if _SVG_START.match(text[:4096]):
        return _KNOWN["svg"]
    extension = {"htm": "html", "markdown": "md"}.get(name_extension, name_extension)
    if extension in ("html", "md", "csv"):
        return _KNOWN[extension]
    return _KNOWN["txt"]


def _generic_type(mime: str, extension: str) -> FileType:
    family = mime.split("/")[0]
    return FileType(mime, extension, family if family in ("image", "audio", "video") else "other")


def _extension(filename: str) -> str:
    base = re.split(r"[/\\]", filename or "")[-1].strip().lstrip(".")
    stem, dot, extension = base.rpartition(".")
    return extension.strip().lower() if dot and stem else ""


def _equivalents(extension: str) -> set[str]:
    for group in _EQUIVALENT_EXTENSIONS:
        if extension in group:
            return group
    return {extension}


def _name_fits(name_extension: str, found: FileType) -> bool:
    if name_extension in _equivalents(found.extension):
        return True
    return name_extension == "txt" and found.family in _TEXT_FAMILIES
