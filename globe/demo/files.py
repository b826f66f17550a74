"""Real small documents for the demo, written from one light-Markdown text into each file format.

The text uses `# Title`, `## Section`, paragraphs, `- bullets` and `| table | rows |`; every writer
keeps all of its words, so what extraction finds is what the demo wrote."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

import docx
import openpyxl
import pptx
from pptx.util import Inches, Pt

import wiki


@dataclass
class Section:
    """A heading and the blocks under it: ("p", text), ("li", text) or ("row", [cells])."""

    heading: str
    blocks: list[tuple[str, object]] = field(default_factory=list)


def parse(text: str) -> tuple[str, list[Section]]:
    """The document's title and its sections (text before the first `##` is in an untitled one)."""
    title, sections = "", [Section("")]
    for line in (line.strip() for line in text.splitlines()):
        if line.startswith("## "):
            sections.append(Section(line[3:]))
        elif line.startswith("# "):
            title = line[2:]
        elif line.startswith("- "):
            sections[-1].blocks.append(("li", line[2:]))
        elif re.fullmatch(r"\|[|\s:-]+", line):
            continue  # a Markdown table's header rule
        elif line.startswith("|"):
            sections[-1].blocks.append(
                ("row", [cell.strip() for cell in line.strip("|").split("|")])
            )
        elif line:
            sections[-1].blocks.append(("p", line))
    return title, [section for section in sections if section.heading or section.blocks]


def plain_lines(text: str) -> list[str]:
    """The document as plain lines: headings in capitals, bullets with a dash, cells by tabs."""
    title, sections = parse(text)
    lines = [title.upper(), ""] if title else []
    for section in sections:
        if section.heading:
            lines += [section.heading, ""]
        for kind, value in section.blocks:
            lines.append(
                "\t".join(value) if kind == "row" else f"- {value}" if kind == "li" else value
            )
        lines.append("")
    return lines


def markdown(text: str) -> bytes:
    return text.encode("utf-8")


def plain_text(text: str) -> bytes:
    return "\n".join(plain_lines(text)).encode("utf-8")


def html(text: str) -> bytes:
    title, _ = parse(text)
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body>\n{wiki.render_markdown(text)}\n</body></html>\n"
    )
    return page.encode("utf-8")


def rtf(text: str) -> bytes:
    def escaped(line: str) -> str:
        line = line.replace("\\", "\\\\").replace("{", "\\{").replace("}", "\\}")
        return "".join(char if ord(char) < 128 else f"\\u{ord(char)}?" for char in line)

    body = "".join(f"{escaped(line)}\\par\n" for line in plain_lines(text))
    return ("{\\rtf1\\ansi\\deff0{\\fonttbl{\\f0 Helvetica;}}\\f0\\fs24\n" + body + "}").encode(
        "ascii"
    )


def pdf(text: str) -> bytes:
    """A hand-written PDF (Helvetica, 40 wrapped lines a page): small, valid and searchable."""
    lines = [piece for line in plain_lines(text) for piece in _wrap(line.replace("\t", "   "), 90)]
    pages = [lines[start : start + 40] for start in range(0, len(lines), 40)] or [[]]
    return _pdf_document([_pdf_page_stream(page) for page in pages])


def _wrap(line: str, width: int) -> list[str]:
    words, out = line.split(" "), [""]
    for word in words:
        if out[-1] and len(out[-1]) + len(word) + 1 > width:
            out.append(word)
        else:
            out[-1] = f"{out[-1]} {word}".strip()
    return out


def _pdf_page_stream(lines: list[str]) -> bytes:
    def literal(line: str) -> bytes:
        data = line.encode("latin-1", "replace")
        return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    shown = b"".join(b"(%s) Tj T*\n" % literal(line) for line in lines)
    return b"BT /F1 11 Tf 14 TL 56 780 Td\n" + shown + b"ET"


def _pdf_document(streams: list[bytes]) -> bytes:
    page_ids = [4 + 2 * index for index in range(len(streams))]
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>"
        % (b" ".join(b"%d 0 R" % i for i in page_ids), len(page_ids)),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    }
    for page_id, stream in zip(page_ids, streams, strict=True):
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out, offsets = bytearray(b"%PDF-1.4\n"), {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in sorted(objects))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def word(text: str) -> bytes:
    title, sections = parse(text)
    document = docx.Document()
    if title:
        document.add_heading(title, level=1)
    for section in sections:
        if section.heading:
            document.add_heading(section.heading, level=2)
        rows = [value for kind, value in section.blocks if kind == "row"]
        for kind, value in section.blocks:
            if kind != "row":
                document.add_paragraph(value, style="List Bullet" if kind == "li" else None)
        if rows:
            table = document.add_table(rows=len(rows), cols=max(len(row) for row in rows))
            for row_cells, row in zip(table.rows, rows, strict=True):
                for cell, value in zip(row_cells.cells, row, strict=False):
                    cell.text = value
    return _saved(document)


def slides(text: str) -> bytes:
    """One slide for the title, then one per section with its paragraphs, bullets and rows."""
    title, sections = parse(text)
    presentation = pptx.Presentation()
    cover = presentation.slides.add_slide(presentation.slide_layouts[0])
    cover.shapes.title.text = title
    cover.placeholders[1].text = "Shared on Globe"
    for section in sections:
        slide = presentation.slides.add_slide(presentation.slide_layouts[5])
        slide.shapes.title.text = section.heading or title
        frame = slide.shapes.add_textbox(
            Inches(0.6), Inches(1.6), Inches(8.8), Inches(5)
        ).text_frame
        frame.word_wrap = True
        for index, (kind, value) in enumerate(section.blocks):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.text = (
                " | ".join(value) if kind == "row" else f"• {value}" if kind == "li" else value
            )
            paragraph.font.size = Pt(18)
    return _saved(presentation)


def sheet(text: str) -> bytes:
    """One worksheet per section: its table rows as cells, other lines in column A."""
    title, sections = parse(text)
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for number, section in enumerate(sections, start=1):
        name = re.sub(r"[\[\]:*?/\\]", " ", section.heading or title or "Sheet")[:28].strip()
        worksheet = workbook.create_sheet(
            f"{name}" if name not in workbook.sheetnames else f"{name[:25]} {number}"
        )
        if number == 1 and title:
            worksheet.append([title])
        for kind, value in section.blocks:
            worksheet.append(value if kind == "row" else [value])
    return _saved(workbook)


def _saved(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_ODT_CONTENT = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content '
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
    "<office:body><office:text>{}</office:text></office:body></office:document-content>"
)
_ODT_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<manifest:manifest '
    'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" manifest:media-type="{mime}"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)
_ODT_MIME = "application/vnd.oasis.opendocument.text"


def odt(text: str) -> bytes:
    """An OpenDocument text: the `mimetype` member first and uncompressed, as ODF requires."""
    title, sections = parse(text)
    parts = [f'<text:h text:outline-level="1">{escape(title)}</text:h>'] if title else []
    for section in sections:
        if section.heading:
            parts.append(f'<text:h text:outline-level="2">{escape(section.heading)}</text:h>')
        for kind, value in section.blocks:
            shown = " | ".join(value) if kind == "row" else f"• {value}" if kind == "li" else value
            parts.append(f"<text:p>{escape(shown)}</text:p>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), _ODT_MIME, compress_type=zipfile.ZIP_STORED)
        archive.writestr(
            "content.xml", _ODT_CONTENT.format("".join(parts)), compress_type=zipfile.ZIP_DEFLATED
        )
        archive.writestr(
            "META-INF/manifest.xml",
            _ODT_MANIFEST.format(mime=_ODT_MIME),
            compress_type=zipfile.ZIP_DEFLATED,
        )
    return buffer.getvalue()


WRITERS: dict[str, Callable[[str], bytes]] = {
    "md": markdown,
    "txt": plain_text,
    "html": html,
    "rtf": rtf,
    "pdf": pdf,
    "docx": word,
    "pptx": slides,
    "xlsx": sheet,
    "odt": odt,
}


def render(text: str, extension: str) -> bytes:
    """The text as a file with this extension (md, txt, html, rtf, pdf, docx, pptx, xlsx, odt)."""
    return WRITERS[extension](text)
