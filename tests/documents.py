"""Real documents of every family, generated on the fly for tests (no binary fixtures in the repo)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import docx
import openpyxl
import pptx
from odf import teletype
from odf.draw import Frame, Page, TextBox
from odf.opendocument import OpenDocumentPresentation, OpenDocumentSpreadsheet, OpenDocumentText
from odf.style import MasterPage, PageLayout
from odf.table import Table, TableCell, TableRow
from odf.text import H, P
from pptx.util import Inches
from pypdf import PdfReader, PdfWriter


def pdf_bytes(page_texts: list[str]) -> bytes:
    """A minimal valid PDF, written by hand: one Helvetica text line per page."""
    page_ids = [4 + 2 * index for index in range(len(page_texts))]
    kids = " ".join(f"{page_id} 0 R" for page_id in page_ids)
    objects = {
        1: b"<< /Type /Catalog /Pages 2 0 R >>",
        2: f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>".encode(),
        3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }
    for page_id, text in zip(page_ids, page_texts, strict=True):
        objects[page_id] = (
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            b" /Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % (page_id + 1)
        )
        stream = b"BT /F1 18 Tf 72 720 Td (%s) Tj ET" % text.encode("latin-1")
        objects[page_id + 1] = b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)
    out = bytearray(b"%PDF-1.4\n")
    offsets = {}
    for number in sorted(objects):
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, objects[number])
    xref_offset = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offsets[number] for number in sorted(objects))
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref_offset)
    return bytes(out)


class DocumentFactory:
    """Writes documents into one folder; each method returns the new file's path."""

    def __init__(self, folder: Path):
        self.folder = folder

    def write(self, name: str, content: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(content)
        return path

    def pdf(self, *page_texts: str, name: str = "lesson.pdf") -> Path:
        return self.write(name, pdf_bytes(list(page_texts) or ["Photosynthesis needs sunlight"]))

    def encrypted_pdf(self, *, user_password: str, name: str = "locked.pdf") -> Path:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes(["Secret chlorophyll notes"]))))
        # RC4 needs no optional crypto package, so this works wherever pypdf does.
        writer.encrypt(user_password, owner_password="owner-secret", algorithm="RC4-128")
        buffer = io.BytesIO()
        writer.write(buffer)
        return self.write(name, buffer.getvalue())

    def docx(self, name: str = "lesson.docx") -> Path:
        document = docx.Document()
        document.add_heading("Volcanoes unit", level=1)
        document.add_paragraph("Magma rises through the crust.")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text = "Stratovolcano"
        table.cell(0, 1).text = "Fuji"
        table.cell(1, 0).text = "Shield"
        table.cell(1, 1).text = "Mauna Loa"
        document.sections[0].header.paragraphs[0].text = "Geography department header"
        document.sections[0].footer.paragraphs[0].text = "Shared by Ms Okonkwo"
        path = self.folder / name
        document.save(path)
        return path

    def pptx(self, name: str = "lesson.pptx") -> Path:
        presentation = pptx.Presentation()
        first = presentation.slides.add_slide(presentation.slide_layouts[5])
        first.shapes.title.text = "Fractions introduction"
        box = first.shapes.add_textbox(Inches(1), Inches(2), Inches(4), Inches(1))
        box.text_frame.text = "Numerator over denominator"
        first.notes_slide.notes_text_frame.text = "Remind pupils about pizza slices"
        second = presentation.slides.add_slide(presentation.slide_layouts[6])
        table = second.shapes.add_table(2, 2, Inches(1), Inches(1), Inches(4), Inches(2)).table
        table.cell(0, 0).text = "Half"
        table.cell(0, 1).text = "Quarter"
        table.cell(1, 0).text = "Third"
        table.cell(1, 1).text = "Eighth"
        group = second.shapes.add_group_shape()
        grouped = group.shapes.add_textbox(Inches(1), Inches(4), Inches(2), Inches(1))
        grouped.text_frame.text = "Grouped equivalence"
        path = self.folder / name
        presentation.save(path)
        return path

    def xlsx(self, name: str = "marks.xlsx") -> Path:
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Term one"
        sheet.append(["Pupil", "Score"])
        sheet.append(["Amara", 17])
        other = workbook.create_sheet("Term two")
        other["C3"] = "Mitochondria quiz"
        path = self.folder / name
        workbook.save(path)
        return path

    def odt(self, name: str = "lesson.odt") -> Path:
        document = OpenDocumentText()
        document.text.addElement(H(outlinelevel=1, text="Water cycle"))
        paragraph = P()
        teletype.addTextToElement(paragraph, "Evaporation  then\tcondensation")
        document.text.addElement(paragraph)
        return self._save_odf(document, name)

    def odp(self, name: str = "lesson.odp") -> Path:
        document = OpenDocumentPresentation()
        layout = PageLayout(name="Layout")
        document.automaticstyles.addElement(layout)
        master = MasterPage(name="Master", pagelayoutname=layout)
        document.masterstyles.addElement(master)
        for words in ("Tectonic plates", "Subduction zones"):
            page = Page(masterpagename=master)
            frame = Frame(width="20cm", height="3cm", x="1cm", y="1cm")
            box = TextBox()
            box.addElement(P(text=words))
            frame.addElement(box)
            page.addElement(frame)
            document.presentation.addElement(page)
        return self._save_odf(document, name)

    def ods(self, name: str = "marks.ods") -> Path:
        document = OpenDocumentSpreadsheet()
        table = Table(name="Marks")
        for values in (("Pupil", "Score"), ("Bartholomew", "19")):
            row = TableRow()
            for value in values:
                cell = TableCell()
                cell.addElement(P(text=value))
                row.addElement(cell)
            table.addElement(row)
        document.spreadsheet.addElement(table)
        return self._save_odf(document, name)

    def _save_odf(self, document, name: str) -> Path:
        path = self.folder / name
        document.save(str(path))
        return path

    def zip_with_member(self, name: str, member: str, size: int, *, declared_size: int | None = None) -> Path:
        """A zip holding `size` zero bytes in `member`; declared_size makes the directory lie."""
        path = self.folder / name
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            with archive.open(member, "w") as stream:
                chunk = bytes(2**20)
                for start in range(0, size, len(chunk)):
                    stream.write(chunk[: min(len(chunk), size - start)])
        if declared_size is not None:
            _rewrite_declared_size(path, member, declared_size)
        return path


def _rewrite_declared_size(path: Path, member: str, declared_size: int) -> None:
    """Patch the member's uncompressed size in its local header and its central directory entry."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        local_header = archive.getinfo(member).header_offset
    central_entry = data.rfind(b"PK\x01\x02")  # the member was written last, so its entry is last
    assert data[central_entry + 46:].startswith(member.encode())
    data[local_header + 22:local_header + 26] = declared_size.to_bytes(4, "little")
    data[central_entry + 24:central_entry + 28] = declared_size.to_bytes(4, "little")
    path.write_bytes(bytes(data))
