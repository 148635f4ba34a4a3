"""Import of organisations from CSV or XLSX: reading the file and validating its rows, all of them or none.

The columns are those of `columns.py`, named in Finnish, Swedish or English. Each row is validated by
`CompanyRowForm`; errors are reported per line and column. `import_changes.py` previews a valid file and applies it.
"""

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from teknokyla.core.spreadsheets import unquote

from . import columns as column_table
from .industries import section_for_code
from .models import Building, Company, Contact, validate_business_id, validate_industry_code

COLUMNS = list(column_table.KEYS)
COMPANY_COLUMNS = ["name", "business_id", "kind", "industry", "customer_since", "website"]
# An XLSX file is a ZIP archive: a small file may unpack to gigabytes (a "zip bomb"); none of ours needs this much.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024

NEW, CHANGED, UNCHANGED = "new", "changed", "unchanged"


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, broken, missing columns)."""


class ImportRefused(Exception):
    """A confirmation that cannot be applied: the file is not the one previewed, or the registry has changed."""


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass
class ImportWarning:
    """Something staff should see before they confirm; a line of None is about the whole file.

    The text is kept untranslated with its values, and put together in the language of whoever reads it: a preview
    waits in the cache, and the staff member may switch the interface's language before confirming.
    """

    line: int | None
    column: str
    template: str  # a msgid, marked with gettext_noop where it is made
    params: dict
    kind: str  # "columns", "premises", "email" or "name"

    @property
    def message(self) -> str:
        values = {}
        for name, value in self.params.items():
            if isinstance(value, datetime.date):
                value = formats.date_format(value, "SHORT_DATE_FORMAT")
            elif isinstance(value, list | tuple):
                value = ", ".join(_("“%(column)s”") % {"column": item} for item in value)
            values[name] = value
        return _(self.template) % values

    def __str__(self):
        return f"line {self.line}: {self.column}: {self.message}" if self.line else self.message

    @property
    def header(self) -> str:
        """The column's header in the active language, as the staff page names it."""
        return column_table.header(self.column) if self.column else ""


@dataclass
class Change:
    """One value that a row changes: the column, what the registry holds, what the file says."""

    column: str
    old: str
    new: str

    @property
    def header(self) -> str:
        return column_table.header(self.column)


@dataclass
class RowPreview:
    line: int
    name: str
    state: str  # NEW, CHANGED or UNCHANGED
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[ImportWarning] = field(default_factory=list)
    previews: list[RowPreview] = field(default_factory=list)
    applied: bool = False
    sha256: str = ""
    fingerprint: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


def _choice_lookup(choices) -> dict[str, str]:
    """Map values and their labels in every language (lower case) to the stored value."""
    lookup = {}
    for value, label in choices:
        lookup[str(value).lower()] = value
        for language in ("fi", "sv", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
    return lookup


class NumberCell(str):
    """The text of a spreadsheet cell that held a number: a phone number stored so has lost its leading zero."""


def _limit(model, name: str) -> int | None:
    """The most characters the model's field holds: the import refuses a longer cell before writing anything."""
    return model._meta.get_field(name).max_length


YEAR = re.compile(r"^([0-9]{4})(?:\.0+)?$")
FINNISH_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")
ISO_DATE = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
FIRST_YEAR = 1950


def parse_customer_since(text: str) -> int | None:
    """The year a customer relationship began, from a year (2019), a date (1.3.2019, 2019-03-01) or a date cell.

    The registry keeps the year only.
    """
    text = (text or "").strip()
    if not text:
        return None
    if match := YEAR.match(text):
        year = int(match.group(1))
    else:
        if match := FINNISH_DATE.match(text):
            day, month, year = (int(part) for part in match.groups())
        elif match := ISO_DATE.match(text):
            year, month, day = (int(part) for part in match.groups())
        else:
            raise forms.ValidationError(_("use a year (2019) or a date (1.3.2019 or 2019-03-01)"))
        try:
            datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(_("“%(value)s” is not a date") % {"value": text}) from None
    if year < FIRST_YEAR:
        raise forms.ValidationError(_("the year cannot be before %(year)s") % {"year": FIRST_YEAR})
    if year > timezone.localdate().year:
        raise forms.ValidationError(_("the year cannot be in the future"))
    return year


class CompanyRowForm(forms.Form):
    """One line of an import file."""

    name = forms.CharField(max_length=_limit(Company, "name"))
    business_id = forms.CharField(max_length=_limit(Company, "business_id"), required=False)
    kind = forms.CharField(required=False)
    industry = forms.CharField(required=False)
    building = forms.CharField(required=False)
    premises = forms.CharField(required=False)
    customer_since = forms.CharField(required=False)
    website = forms.URLField(max_length=_limit(Company, "website"), required=False, assume_scheme="https")
    contact_name = forms.CharField(max_length=_limit(Contact, "name"), required=False)
    contact_email = forms.EmailField(max_length=_limit(Contact, "email"), required=False)
    contact_phone = forms.CharField(max_length=_limit(Contact, "phone"), required=False)
    contact_language = forms.CharField(required=False)

    def __init__(self, *args, buildings: dict[str, Building], **kwargs):
        super().__init__(*args, **kwargs)
        self.buildings = buildings

    def clean_business_id(self):
        value = self.cleaned_data["business_id"].strip()
        if value:
            validate_business_id(value)
            from stdnum.fi import ytunnus

            value = ytunnus.compact(value)
            value = f"{value[:7]}-{value[7:]}"
        return value

    def clean_kind(self):
        value = self.cleaned_data["kind"].strip().lower()
        if not value:
            return ""
        kinds = _choice_lookup(Company.Kind.choices)
        if value not in kinds:
            raise forms.ValidationError(
                _("unknown kind “%(value)s” (use company, education, public or association)") % {"value": value}
            )
        return kinds[value]

    def clean_industry(self):
        value = self.cleaned_data["industry"].strip().replace(".", "")
        if value:
            validate_industry_code(value)
        return value

    def clean_customer_since(self):
        return parse_customer_since(self.cleaned_data["customer_since"])

    def clean_contact_phone(self):
        if isinstance(self.data.get("contact_phone"), NumberCell):
            # Never guess the lost zero: 401234567 may be 040 123 4567 or a foreign number.
            raise forms.ValidationError(
                _(
                    "the spreadsheet keeps this phone number as a number, which drops its leading zero; "
                    "format the column as text, or write the number as +358 40 123 4567"
                )
            )
        return self.cleaned_data["contact_phone"]

    def clean_contact_language(self):
        value = self.cleaned_data["contact_language"].strip().lower()
        if not value:
            return ""
        languages = _choice_lookup(Contact.Language.choices)
        if value not in languages:
            raise forms.ValidationError(_("unknown language “%(value)s” (use fi, sv or en)") % {"value": value})
        return languages[value]

    def clean(self):
        data = super().clean()
        building_name = (data.get("building") or "").strip()
        premises_code = (data.get("premises") or "").strip()
        data["premises_obj"] = None
        if building_name:
            building = self.buildings.get(building_name.lower())
            if building is None:
                self.add_error("building", _("unknown building “%(value)s”") % {"value": building_name})
            elif not premises_code:
                self.add_error("premises", _("premises are required when a building is given"))
            else:
                premises = {p.code.lower(): p for p in building.premises.all()}.get(premises_code.lower())
                if premises is None:
                    self.add_error(
                        "premises",
                        _("no premises “%(code)s” in %(building)s")
                        % {"code": premises_code, "building": building.name},
                    )
                data["premises_obj"] = premises
        elif premises_code:
            self.add_error("building", _("the building of the premises is missing"))
        if not data.get("contact_name") and data.get("contact_email"):
            self.add_error("contact_name", _("a contact needs a name"))
        return data


@dataclass
class ParsedFile:
    rows: list[tuple[int, dict[str, str]]]
    unknown_columns: list[str]


def read_rows(raw: bytes, filename: str) -> ParsedFile:
    """Read a CSV or XLSX file into (line number, {column key: text}) pairs, and the headers no column knows.

    Line numbers are those a spreadsheet shows: the header is line 1.
    """
    suffix = Path(filename).suffix.lower()
    check_content(raw, suffix)
    if suffix == ".xlsx":
        table = _read_xlsx(raw)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(raw)
    else:
        raise ImportFileError(_("Use a CSV or XLSX file (the file was “%(name)s”).") % {"name": filename})
    if not table:
        raise ImportFileError(_("The file is empty."))
    keys: list[str | None] = []
    unknown: list[str] = []
    seen: dict[str, str] = {}
    for cell in table[0]:
        text = str(cell if cell is not None else "").strip()
        key = column_table.column_for_header(text)
        if key and key in seen:
            raise ImportFileError(
                _("The columns “%(first)s” and “%(second)s” both give the %(column)s.")
                % {"first": seen[key], "second": text, "column": column_table.header(key)}
            )
        if key:
            seen[key] = text
        elif text:
            unknown.append(text)
        keys.append(key)
    if "name" not in seen:
        raise ImportFileError(
            _("The first line must name the columns; the column “%(name)s” is missing. Columns: %(columns)s")
            % {"name": column_table.header("name"), "columns": ", ".join(column_table.headers())}
        )
    rows = []
    for offset, cells in enumerate(table[1:], start=2):
        values = {key: _cell_text(cells[i]) if i < len(cells) else "" for i, key in enumerate(keys) if key}
        if any(values.values()):
            rows.append((offset, values))
    return ParsedFile(rows, unknown)


def check_content(raw: bytes, suffix: str) -> None:
    """Refuse a file whose content is not what its name says (a web page, a program, an image renamed .csv or .xlsx).

    An XLSX must be a ZIP holding a workbook that does not unpack to more than MAX_UNPACKED_BYTES; a CSV must be
    text, not markup and not any binary format that its first bytes reveal.
    """
    not_xlsx = ImportFileError(_("The file could not be read as an XLSX workbook."))
    not_csv = ImportFileError(_("The file is not a CSV text file."))
    if suffix == ".xlsx":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                parts = archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise not_xlsx from None
        names = {part.filename for part in parts}
        if not {"[Content_Types].xml", "xl/workbook.xml"} <= names:
            raise not_xlsx
        if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
            raise ImportFileError(
                _("The workbook unpacks to more than %(max)s MB. Remove pictures and extra sheets, or save it as CSV.")
                % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
            )
        return
    if suffix not in (".csv", ".txt"):
        return  # read_rows names the accepted types
    if filetype.guess(raw[:8192]) is not None:
        raise not_csv
    head = raw[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<", b"\xff\xfe<", b"\xfe\xff\x00<")):
        raise not_csv


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        # A date cell: its day, as an ISO date that the date columns read.
        return (value.date() if isinstance(value, datetime.datetime) else value).isoformat()
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return NumberCell(str(value))
    # A text that the directory's export quoted so that no spreadsheet runs it: read back as it was.
    return unquote(str(value).strip())


def _read_csv(raw: bytes) -> list[list[str]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else "", delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    # Only the header is sniffed and it seldom holds quotes: read quotes in cells doubled, as spreadsheets write them.
    # newline=None reads the line ends of every system alike: Windows CRLF, Unix LF and the old Mac's lone CR.
    reader = csv.reader(io.StringIO(text, newline=None), dialect, doublequote=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise ImportFileError(
            _("The file could not be read as CSV at line %(line)s: %(reason)s")
            % {"line": reader.line_num, "reason": error}
        ) from None


def _read_xlsx(raw: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        raise ImportFileError(_("The file could not be read as an XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        return [list(row) for row in sheet.iter_rows(values_only=True)]
    except Exception:
        # openpyxl reads a sheet lazily: a broken cell reference or a missing shared string shows only now.
        raise ImportFileError(_("The file could not be read as an XLSX workbook.")) from None
    finally:
        workbook.close()


def _company_key(data) -> str:
    return f"id:{data['business_id']}" if data["business_id"] else f"name:{data['name'].lower()}"


# The model fields each row fills, and the column of the file each comes from.
COMPANY_FIELD_COLUMNS = {
    "name": "name", "business_id": "business_id", "kind": "kind", "industry_code": "industry",
    "industry_section": "industry", "customer_since": "customer_since", "website": "website",
}  # fmt: skip
CONTACT_FIELD_COLUMNS = {
    "name": "contact_name",
    "email": "contact_email",
    "phone": "contact_phone",
    "language": "contact_language",
}


def _field_errors(line: int, instance, columns: dict[str, str]) -> list[RowError]:
    """The row's values checked against every limit of the model's own fields, as `line N: column: reason`."""
    exclude = [f.name for f in instance._meta.get_fields() if f.concrete and f.name not in columns]
    try:
        instance.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            RowError(line, columns.get(name, name), message.rstrip("."))
            for name, messages in error.message_dict.items()
            for message in dict.fromkeys(messages)
        ]
    return []


def model_errors(line: int, data: dict) -> list[RowError]:
    """What the Company and Contact models would refuse in a row that the row form accepted."""
    industry = data["industry"]
    company = Company(
        name=data["name"],
        business_id=data["business_id"],
        kind=data["kind"] or Company.Kind.COMPANY,
        industry_code=industry if len(industry) > 1 else "",
        industry_section=(section_for_code(industry) or "") if industry else "",
        customer_since=data["customer_since"],
        website=data["website"],
    )
    errors = _field_errors(line, company, COMPANY_FIELD_COLUMNS)
    if data["contact_name"]:
        contact = Contact(
            name=data["contact_name"],
            email=data["contact_email"],
            phone=data["contact_phone"],
            language=data["contact_language"] or Contact.Language.FI,
        )
        errors += _field_errors(line, contact, CONTACT_FIELD_COLUMNS)
    # One reason per column: industry_code and industry_section both come from the industry cell.
    return list({(error.column, error.message): error for error in errors}.values())


def validate_rows(rows) -> tuple[list[tuple[int, dict]], list[RowError]]:
    """Validate every row; return the cleaned rows and the errors of all of them."""
    buildings = {b.name.lower(): b for b in Building.objects.prefetch_related("premises")}
    cleaned: list[tuple[int, dict]] = []
    errors: list[RowError] = []
    seen: dict[str, tuple[int, dict]] = {}
    for line, values in rows:
        form = CompanyRowForm(values, buildings=buildings)
        if not form.is_valid():
            for column, messages in form.errors.items():
                for message in messages:
                    errors.append(RowError(line, column, str(message).rstrip(".")))
            continue
        data = form.cleaned_data
        problems = model_errors(line, data)
        if problems:
            errors.extend(problems)
            continue
        key = _company_key(data)
        if key in seen:
            first_line, first = seen[key]
            for column in COMPANY_COLUMNS:
                if first[column] != data[column] and data[column] not in ("", None):
                    errors.append(
                        RowError(
                            line,
                            column,
                            _("differs from the same organisation on line %(line)s") % {"line": first_line},
                        )
                    )
        else:
            seen[key] = (line, data)
        cleaned.append((line, data))
    return cleaned, errors
