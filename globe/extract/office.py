"""Text of Office Open XML documents: Word (python-docx), PowerPoint (python-pptx), Excel (openpyxl)."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

import docx
import openpyxl
import pptx
from docx.blkcntnr import BlockItemContainer
from docx.table import Table as WordTable
from docx.text.paragraph import Paragraph
from pptx.shapes.base import BaseShape
from pptx.shapes.group import GroupShape

from globe.extract.base import TextCollector, table_text

MAX_ROWS_PER_SHEET = 100_000
_CELL_BUDGET = 10_000  # characters kept from a table nested inside a cell


def extract_docx(path: Path, collector: TextCollector) -> None:
    """Body paragraphs and tables in reading order, then each distinct header and footer."""
    document = docx.Document(str(path))
    _collect_blocks(document, collector)
    for section in document.sections:
        for story in (section.first_page_header, section.header, section.even_page_header,
                      section.first_page_footer, section.footer, section.even_page_footer):
            # A linked story repeats the previous section's (or is empty in the first section).
            if not story.is_linked_to_previous:
                _collect_blocks(story, collector)


def _collect_blocks(container: BlockItemContainer, collector: TextCollector) -> None:
    for text in _block_texts(container, collector.remaining):
        if collector.is_full:
            return
        collector.add(text)


def _block_texts(container: BlockItemContainer, budget: int) -> Iterator[str]:
    """Paragraph texts and table texts in document order (tables may nest inside cells)."""
    for block in container.iter_inner_content():
        yield block.text if isinstance(block, Paragraph) else table_text(_word_rows(block), budget)


def _word_rows(table: WordTable) -> Iterator[list[str]]:
    for row in table.rows:
        texts = [" ".join(_block_texts(cell, _CELL_BUDGET)) for cell in row.cells]
        # A merged cell is repeated once per grid column it spans; keep it once.
        yield [text for index, text in enumerate(texts) if index == 0 or text != texts[index - 1]]


def extract_pptx(path: Path, collector: TextCollector) -> int:
    """Text of every shape on every slide, in order, with tables and speaker notes; returns slides."""
    presentation = pptx.Presentation(str(path))
    slides = presentation.slides
    for slide in slides:
        if collector.is_full:
            break
        for shape in slide.shapes:
            _collect_shape(shape, collector)
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame is not None:
            collector.add(slide.notes_slide.notes_text_frame.text)
    return len(slides)


def _collect_shape(shape: BaseShape, collector: TextCollector) -> None:
    if isinstance(shape, GroupShape):
        for member in shape.shapes:
            _collect_shape(member, collector)
    elif shape.has_text_frame:
        collector.add(shape.text_frame.text)
    elif shape.has_table:
        rows = ([cell.text for cell in row.cells] for row in shape.table.rows)
        collector.add(table_text(rows, collector.remaining))


def extract_xlsx(path: Path, collector: TextCollector) -> None:
    """Cell values of every sheet (cached results for formulas), one tab-separated line per row."""
    # Given a path, openpyxl refuses any name not ending in .xlsx; stored files have no suffix.
    with open(path, "rb") as file:
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
        try:
            for sheet in workbook.worksheets:
                if collector.is_full:
                    break
                # Files often declare wrong dimensions; read the rows that are really there.
                sheet.reset_dimensions()
                rows = islice(sheet.iter_rows(values_only=True), MAX_ROWS_PER_SHEET)
                collector.add(sheet.title + "\n" + table_text(_cell_texts(rows), collector.remaining))
        finally:
            workbook.close()


def _cell_texts(rows: Iterable[tuple[object, ...]]) -> Iterator[list[str]]:
    for values in rows:
        yield ["" if value is None else str(value) for value in values]
