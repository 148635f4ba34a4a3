"""Cells bound for a spreadsheet: control characters go first, then a formula start is quoted, and an XLSX text cell
is a text cell whatever it holds."""

import io

import openpyxl
import pytest
from openpyxl import Workbook

from teknokyla.core.spreadsheets import append_row, neutralise, xlsx_cell

HOSTILE = ["=1+1", "\x01=1+1", "\t=cmd", " @SUM(1)", "\x1f+1", "\x0b\x0c-2+3", "\u200b=1+1", "\ufeff@A1", "\r=1"]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_formula_start_is_quoted_after_the_control_characters_are_gone(text):
    cleaned = neutralise(text)
    assert cleaned.startswith("'")
    assert not any(character in cleaned for character in "\x01\x1f\x0b\x0c")


@pytest.mark.parametrize("value", ["Aalto Oy", "1-2", "", -5, 2.5, None])
def test_other_values_are_left_alone(value):
    assert neutralise(value) == value


def test_every_text_cell_is_written_as_text():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Cells")
    append_row(sheet, [*HOSTILE, -5, 2.5, xlsx_cell(sheet, "=3+3", bold=True)])
    stream = io.BytesIO()
    workbook.save(stream)
    cells = [cell for row in openpyxl.load_workbook(stream).active.iter_rows() for cell in row]
    assert [cell.data_type for cell in cells] == ["s"] * len(HOSTILE) + ["n", "n", "s"]
    assert (cells[-1].value, cells[-1].font.b) == ("'=3+3", True)
    assert [cell.value for cell in cells][: len(HOSTILE)] == [neutralise(text) for text in HOSTILE]
