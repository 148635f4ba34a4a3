"""Import of organisations from CSV or XLSX: all rows valid, or nothing changes.

Each row is validated by `CompanyRowForm`; errors are reported per line and
column. A valid file is applied in one transaction, creating or updating each
organisation by Business ID (by name when it has none). The same organisation
may stand on several rows, one per contact, as long as the rows agree.
"""

import csv
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .industries import section_for_code
from .models import Building, Company, Contact, Tenancy, validate_business_id, validate_industry_code

COLUMNS = [
    "name", "business_id", "kind", "industry", "building", "premises", "customer_since",
    "website", "contact_name", "contact_email", "contact_phone", "contact_language",
]  # fmt: skip
COMPANY_COLUMNS = ["name", "business_id", "kind", "industry", "customer_since", "website"]
# An XLSX file is a ZIP archive: a small file may unpack to gigabytes (a "zip bomb"); none of ours needs this much.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, broken, missing columns)."""


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def __str__(self):
        return f"line {self.line}: {self.column}: {self.message}"


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

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


class CompanyRowForm(forms.Form):
    """One line of an import file."""

    name = forms.CharField(max_length=_limit(Company, "name"))
    business_id = forms.CharField(max_length=_limit(Company, "business_id"), required=False)
    kind = forms.CharField(required=False)
    industry = forms.CharField(required=False)
    building = forms.CharField(required=False)
    premises = forms.CharField(required=False)
    customer_since = forms.IntegerField(required=False, min_value=1950)
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
        year = self.cleaned_data["customer_since"]
        if year and year > timezone.localdate().year:
            raise forms.ValidationError(_("the year cannot be in the future"))
        return year

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


def read_rows(uploaded, filename: str) -> list[tuple[int, dict[str, str]]]:
    """Read a CSV or XLSX file into (line number, {column: text}) pairs.

    Line numbers are those a spreadsheet shows: the header is line 1.
    """
    suffix = Path(filename).suffix.lower()
    raw = uploaded.read()
    check_content(raw, suffix)
    if suffix == ".xlsx":
        table = _read_xlsx(raw)
    elif suffix in (".csv", ".txt"):
        table = _read_csv(raw)
    else:
        raise ImportFileError(_("Use a CSV or XLSX file (the file was “%(name)s”).") % {"name": filename})
    if not table:
        raise ImportFileError(_("The file is empty."))
    header = [str(cell or "").strip().lower() for cell in table[0]]
    if "name" not in header:
        raise ImportFileError(
            _("The first line must name the columns; the column “name” is missing. Columns: %(columns)s")
            % {"columns": ", ".join(COLUMNS)}
        )
    rows = []
    for offset, cells in enumerate(table[1:], start=2):
        values = {
            column: _cell_text(cells[i]) if i < len(cells) else ""
            for i, column in enumerate(header)
            if column in COLUMNS
        }
        if any(values.values()):
            rows.append((offset, values))
    return rows


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
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return NumberCell(str(value))
    return str(value).strip()


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
        industry_section=section_for_code(industry) if industry else "",
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
    cleaned, errors, seen = [], [], {}
    for line, values in rows:
        form = CompanyRowForm(values, buildings=buildings)
        if not form.is_valid():
            for column, messages in form.errors.items():
                for message in messages:
                    errors.append(RowError(line, column, message.rstrip(".")))
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


def companies_import(*, uploaded, filename: str, dry_run: bool = False) -> ImportResult:
    """Validate a file and, when every row is valid and not a dry run, apply it."""
    rows = read_rows(uploaded, filename)
    cleaned, errors = validate_rows(rows)
    result = ImportResult(rows=len(rows), errors=errors)
    if errors:
        return result
    with transaction.atomic():
        changes = {}
        for line, data in cleaned:
            try:
                company, state = _apply_row(data)
            except ValidationError as error:
                # What only the registry's present rows can refuse (a Business ID held by a unit, say): named too.
                messages = error.message_dict if hasattr(error, "error_dict") else {"name": error.messages}
                result.errors = [
                    RowError(line, COMPANY_FIELD_COLUMNS.get(name, "name"), message.rstrip("."))
                    for name, texts in messages.items()
                    for message in texts
                ]
                transaction.set_rollback(True)
                return result
            # A company on several rows counts once, by its strongest change.
            order = {"unchanged": 0, "updated": 1, "created": 2}
            if order[state] >= order[changes.get(company.pk, "unchanged")]:
                changes[company.pk] = state
        for state in changes.values():
            setattr(result, state, getattr(result, state) + 1)
        if dry_run:
            transaction.set_rollback(True)
        else:
            result.applied = True
    return result


def _apply_row(data) -> tuple[Company, str]:
    if data["business_id"]:
        company = Company.objects.filter(business_id=data["business_id"], parent__isnull=True).first()
    else:
        company = Company.objects.filter(name__iexact=data["name"], business_id="").first()
    state = "unchanged"
    if company is None:
        kind = data["kind"] or Company.Kind.COMPANY
        company = Company(name=data["name"], business_id=data["business_id"], kind=kind)
        state = "created"
    wanted = {"name": data["name"]}
    # Blank cells leave what the registry already holds.
    if data["kind"]:
        wanted["kind"] = data["kind"]
    if data["industry"]:
        wanted["industry_code"] = data["industry"] if len(data["industry"]) > 1 else ""
        wanted["industry_section"] = section_for_code(data["industry"])
    if data["customer_since"]:
        wanted["customer_since"] = data["customer_since"]
    if data["website"]:
        wanted["website"] = data["website"]
    changed = [name for name, value in wanted.items() if getattr(company, name) != value]
    if changed or state == "created":
        for name, value in wanted.items():
            setattr(company, name, value)
        company.full_clean()
        company.save()
        state = "created" if state == "created" else "updated"

    premises = data["premises_obj"]
    if premises is not None and not company.tenancies.current().filter(premises=premises).exists():
        Tenancy.objects.create(company=company, premises=premises, start_date=timezone.localdate())
        state = "updated" if state == "unchanged" else state

    if data["contact_name"] and _apply_contact(company, data):
        state = "updated" if state == "unchanged" else state
    return company, state


def _apply_contact(company: Company, data) -> bool:
    """Create or update the row's contact; True when something changed."""
    contacts = company.contacts.filter(erased_at__isnull=True)
    contact = None
    if data["contact_email"]:
        contact = contacts.filter(email__iexact=data["contact_email"]).first()
    if contact is None:
        contact = contacts.filter(name__iexact=data["contact_name"]).first()
    wanted = {"name": data["contact_name"]}
    if data["contact_language"]:
        wanted["language"] = data["contact_language"]
    if data["contact_email"]:
        wanted["email"] = data["contact_email"]
    if data["contact_phone"]:
        wanted["phone"] = data["contact_phone"]
    if contact is None:
        Contact.objects.create(company=company, is_primary=not contacts.exists(), **wanted)
        return True
    changed = [name for name, value in wanted.items() if getattr(contact, name) != value]
    for name in changed:
        setattr(contact, name, wanted[name])
    if changed:
        contact.save(update_fields=changed)
    return bool(changed)


IMPORT_HELP = gettext_lazy(
    "Columns: name, business_id, kind, industry, building, premises, customer_since, website, "
    "contact_name, contact_email, contact_phone, contact_language. The first line names the columns."
)
