"""Spreadsheets the registry writes with the import's columns: the directory's export and the import templates.

Both use the headers of `columns.py` in the interface language, so an exported file imports again as it is, and a
template filled in imports. Texts that a spreadsheet would run as a formula are neutralised (CSV injection).
"""

import csv
import io

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from teknokyla.core.spreadsheets import neutralise

from . import columns as column_table
from .industries import SECTION_CHOICES
from .models import Building, Company, Contact, Premises

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# The rows of a template that its drop-down lists cover.
TEMPLATE_ROWS = 1000


def company_rows(companies) -> list[list]:
    """One row per contact of each organisation (one row when it has none), its current premises spread over them.

    The organisation's own columns are repeated on each of its rows, as the import expects them to agree.
    """
    today = timezone.localdate()
    rows = []
    for company in companies:
        contacts = [c for c in company.contacts.all() if not c.is_erased]
        lettings = sorted(
            (t for t in company.tenancies.all() if t.is_current(today)),
            key=lambda t: (t.premises.building.name, t.premises.code),
        )
        for index in range(max(len(contacts), len(lettings), 1)):
            contact = contacts[index] if index < len(contacts) else None
            letting = lettings[index] if index < len(lettings) else None
            cells = {
                "name": company.name,
                "business_id": company.business_id,
                "kind": str(company.get_kind_display()),
                "industry": company.industry_code or company.industry_section,
                "building": letting.premises.building.name if letting else "",
                "premises": letting.premises.code if letting else "",
                "customer_since": company.customer_since,
                "website": company.website,
                "contact_name": contact.name if contact else "",
                "contact_email": contact.email if contact else "",
                "contact_phone": contact.phone if contact else "",
                "contact_language": str(contact.get_language_display()) if contact else "",
            }
            rows.append([neutralise(cells[key]) for key in column_table.KEYS])
    return rows


def export_queryset(companies):
    """The organisations with what the export reads, in three queries whatever their number."""
    return companies.order_by("name", "pk").prefetch_related("contacts", "tenancies__premises__building")


def _csv(rows: list[list]) -> bytes:
    stream = io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(column_table.headers())
    writer.writerows(rows)
    # With the byte-order mark that Excel needs to read UTF-8.
    return ("\ufeff" + stream.getvalue()).encode()


def _text_columns(sheet) -> None:
    """Business ID and phone as text columns: a spreadsheet would otherwise drop a phone number's leading zero."""
    for index, key in enumerate(column_table.KEYS, start=1):
        if key in ("business_id", "contact_phone"):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].number_format = "@"
            for row in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                row[0].number_format = "@"


def _workbook(rows: list[list], title: str) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(column_table.headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(column_table.headers(), start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width = max(14, len(header) + 4)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    return workbook


def _xlsx(workbook: Workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def export_file(companies, fmt: str) -> bytes:
    """The organisations as CSV or XLSX, in the import's columns."""
    rows = company_rows(export_queryset(companies))
    if fmt == "csv":
        return _csv(rows)
    return _xlsx(_workbook(rows, _("Organisations")))


def _examples() -> dict[str, str]:
    """An example for each column in the interface language, with a building and premises of the registry when it
    has them: the template's example line and its instructions show the same values."""
    example = {column.key: column.example for column in column_table.COLUMNS}
    example["kind"] = str(Company.Kind.COMPANY.label)
    example["contact_language"] = str(Contact.Language.FI.label)
    premises = Premises.objects.select_related("building").order_by("building__name", "code").first()
    if premises is not None:
        example["building"], example["premises"] = premises.building.name, premises.code
    return example


def _example_row() -> list:
    example = {**_examples(), "name": _("Example Ltd (delete this line)")}
    return [neutralise(example[key]) for key in column_table.KEYS]


def _lists(workbook: Workbook) -> dict[str, str]:
    """A hidden sheet of the registry's choices, one column per list; the ranges the validations point to."""
    premises = (
        Premises.objects.select_related("building").order_by("building__name", "code").values_list("code", flat=True)
    )
    choices = {
        "building": list(Building.objects.order_by("name").values_list("name", flat=True)),
        "premises": list(dict.fromkeys(premises)),
        "kind": [str(label) for _value, label in Company.Kind.choices],
        "industry": [str(value) for value, _label in SECTION_CHOICES],
        "contact_language": [str(label) for _value, label in Contact.Language.choices],
    }
    sheet = workbook.create_sheet(_("Lists")[:31])
    sheet.sheet_state = "hidden"
    ranges = {}
    for index, (key, values) in enumerate(choices.items(), start=1):
        letter = sheet.cell(row=1, column=index).column_letter
        sheet.cell(row=1, column=index, value=column_table.header(key))
        for row, value in enumerate(values, start=2):
            sheet.cell(row=row, column=index, value=neutralise(value))
        if values:
            ranges[key] = f"'{sheet.title}'!${letter}$2:${letter}${len(values) + 1}"
    return ranges


def template_file(fmt: str) -> bytes:
    """An import template: the headers and an example row; the XLSX also explains each column and offers lists."""
    if fmt == "csv":
        return _csv([_example_row()])
    workbook = _workbook([_example_row()], _("Organisations"))
    sheet = workbook.active
    _text_columns(sheet)
    for key, formula in _lists(workbook).items():
        index = column_table.KEYS.index(key) + 1
        letter = sheet.cell(row=1, column=index).column_letter
        validation = DataValidation(type="list", formula1=formula, allow_blank=True)
        if key == "industry":
            # A section letter from the list, or any TOL 2008 code typed in: a hint, not a refusal.
            validation.showErrorMessage = False
        else:
            validation.showErrorMessage = True
            validation.error = _("Choose a value from the list.")
        validation.prompt = str(column_table.BY_KEY[key].help)
        validation.showInputMessage = True
        validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        sheet.add_data_validation(validation)
    help_sheet = workbook.create_sheet(_("Instructions")[:31], 1)
    help_sheet.append([_("Column"), _("What to write"), _("Example")])
    for cell in help_sheet[1]:
        cell.font = Font(bold=True)
    examples = _examples()
    for column in column_table.COLUMNS:
        help_sheet.append([str(column.header), str(column.help), neutralise(examples[column.key])])
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["B"].width = 90
    help_sheet.column_dimensions["C"].width = 34
    return _xlsx(workbook)


def download(content: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
