"""Texts bound for a spreadsheet cell (CSV or XLSX): no character a workbook refuses, and nothing it runs.

XLSX cannot hold control characters (openpyxl raises IllegalCharacterError and the whole export fails), and a text
that a spreadsheet reads as a formula could run on the reader's machine (CSV injection). Both are removed here, in
that order, so that `"\\x01=HYPERLINK(…)"` cannot become a formula once its control character is gone. Every export
of the portal writes its cells through this module: `neutralise` for CSV, `xlsx_cell` / `append_row` for XLSX,
which also write every text as a text cell, so that openpyxl never makes a formula of a string.
"""

import unicodedata

from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font

from .inputs import CONTROL_CHARACTERS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _visible_start(value: str) -> str:
    """The text from its first character that shows: without leading spaces and invisible format characters."""
    for index, character in enumerate(value):
        if not (character.isspace() or unicodedata.category(character) == "Cf"):
            return value[index:]
    return ""


def neutralise(value):
    """A text without control characters, quoted if a spreadsheet would read it as a formula; others unchanged.

    The quote is decided last, on the text as it will be written, so no later step can uncover a formula.
    """
    if not isinstance(value, str):
        return value
    value = CONTROL_CHARACTERS.sub("", value)
    if value.startswith(FORMULA_STARTS) or _visible_start(value).startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unquote(value):
    """A text as it was before `neutralise` quoted it (a spreadsheet read back); any other value unchanged."""
    if isinstance(value, str) and value.startswith("'") and neutralise(value[1:]) == value:
        return value[1:]
    return value


def xlsx_cell(sheet, value, *, number_format: str | None = None, bold: bool = False) -> Cell:
    """A cell of a write-only sheet: a text neutralised and typed as text (never a formula), other values as such."""
    cell = WriteOnlyCell(sheet, value=neutralise(value))
    if isinstance(cell.value, str):
        # openpyxl types a string that starts with "=" as a formula; a text cell is a text whatever it holds.
        cell.data_type = "s"
    if number_format:
        cell.number_format = number_format
    if bold:
        cell.font = Font(bold=True)
    return cell


def append_row(sheet, values) -> None:
    """Append a row to a write-only sheet, each value through `xlsx_cell` unless it is a cell made by it already."""
    sheet.append([value if isinstance(value, Cell) else xlsx_cell(sheet, value) for value in values])
