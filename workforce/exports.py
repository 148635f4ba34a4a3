"""The matching table as a streamed CSV (UTF-8 with BOM) or an XLSX workbook, with formula-like texts neutralised."""

import csv
import io
from collections.abc import Iterator

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from teknokyla.core.spreadsheets import append_row, neutralise

from .matching import MatchingTable

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _programmes(programmes) -> str:
    return "; ".join(f"{p.name} ({p.institution.name}, {p.yearly_graduates})" for p in programmes)


def table_rows(table: MatchingTable) -> Iterator[list]:
    """The header, the rows by gap, then the programmes with no local demand; texts neutralised, numbers kept."""
    yield [
        _("Skill area"),
        _("When"),
        _("People needed"),
        _("Graduates a year"),
        _("Gap"),
        _("Status"),
        _("Organisations that need"),
        _("Programmes that supply"),
    ]
    for row in table.rows:
        status = _("Shortage") if row.is_shortage else _("Covered")
        companies = "; ".join(f"{c.name} ({c.count})" for c in row.companies)
        cells = [
            row.skill_area.name,
            row.window_label,
            row.needed,
            row.graduates,
            row.gap,
            status,
            companies,
            _programmes(row.programmes),
        ]
        yield [neutralise(cell) for cell in cells]
    for no_demand in table.no_demand:
        cells = [
            no_demand.skill_area.name,
            "",
            0,
            no_demand.graduates,
            -no_demand.graduates,
            _("No local demand"),
            "",
            _programmes(no_demand.programmes),
        ]
        yield [neutralise(cell) for cell in cells]


class _Echo:
    """A file-like object that hands back what is written, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(rows: list[list]) -> Iterator[str]:
    """The CSV text line by line, starting with the byte-order mark that Excel needs to read UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow(row)


def xlsx_bytes(table: MatchingTable) -> bytes:
    """The workbook of the table, one sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Matching")[:31])
    for row in table_rows(table):
        append_row(sheet, row)
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def matching_response(table: MatchingTable, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """A download of the table: CSV streamed, XLSX in one piece (the table has a row per area and window)."""
    filename = f"workforce-matching-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        # The rows are made now, in the request's language; only the writing is streamed.
        response: HttpResponse | StreamingHttpResponse = StreamingHttpResponse(
            csv_chunks(list(table_rows(table))), content_type=FORMATS["csv"]
        )
    else:
        response = HttpResponse(xlsx_bytes(table), content_type=FORMATS["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
