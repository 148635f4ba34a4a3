"""The text inside attached files (PDF, DOCX, PPTX, XLSX) for the search index, read when the file is stored."""

import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# Enough for any real notes or slides; a huge file is cut here rather than swelling the index.
MAX_CHARS = 200_000
MAX_CELLS = 50_000


def _pdf(file) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() or "" for page in PdfReader(file).pages]


def _docx(file) -> list[str]:
    import docx

    document = docx.Document(file)
    texts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            texts.extend(cell.text for cell in row.cells)
    return texts


def _pptx(file) -> list[str]:
    from pptx import Presentation

    texts = []
    for slide in Presentation(file).slides:
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
        if slide.has_notes_slide:
            texts.append(slide.notes_slide.notes_text_frame.text)
    return texts


def _xlsx(file) -> list[str]:
    from openpyxl import load_workbook

    workbook = load_workbook(file, read_only=True, data_only=True)
    texts, cells = [], 0
    try:
        for sheet in workbook.worksheets:
            texts.append(sheet.title)
            for row in sheet.iter_rows(values_only=True):
                texts.extend(str(value) for value in row if value is not None)
                cells += len(row)
                if cells > MAX_CELLS:
                    return texts
    finally:
        workbook.close()
    return texts


READERS = {".pdf": _pdf, ".docx": _docx, ".pptx": _pptx, ".xlsx": _xlsx}


def extract_text(file, name: str) -> str:
    """The text of a stored file, by its name's extension; "" for other types or a file that cannot be read."""
    reader = READERS.get(Path(name).suffix.lower())
    if reader is None:
        return ""
    try:
        file.seek(0)
        text = "\n".join(part for part in reader(file) if part)
    except Exception as error:  # a damaged or hostile file: no text, but the upload stands
        logger.warning("No text from %s: %s", name, error)
        return ""
    return text[:MAX_CHARS]
