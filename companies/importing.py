"""Import of organisations from CSV or XLSX: previewed first, then applied all or nothing.

The columns are those of `columns.py`, named in Finnish, Swedish or English. Each row is validated by
`CompanyRowForm`; errors are reported per line and column. A valid file is first previewed: applied in a transaction
that is rolled back, which tells row by row what is new, what changes (old → new) and what deserves a warning. The
confirmation applies the same bytes (checked by their hash) only if the registry has not changed since the preview.
"""

import csv
import datetime
import difflib
import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import filetype
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from teknokyla.core.spreadsheets import unquote

from . import columns as column_table
from .industries import section_for_code
from .models import Building, Company, Contact, Premises, Tenancy, validate_business_id, validate_industry_code

COLUMNS = list(column_table.KEYS)
COMPANY_COLUMNS = ["name", "business_id", "kind", "industry", "customer_since", "website"]
# An XLSX file is a ZIP archive: a small file may unpack to gigabytes (a "zip bomb"); none of ours needs this much.
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
# The first key of the PostgreSQL advisory lock that lets one import at a time check the registry and apply.
IMPORT_LOCK = 0x1A17

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
    """Something staff should see before they confirm; a line of None is about the whole file."""

    line: int | None
    column: str
    message: str
    kind: str  # "columns", "premises", "email" or "name"

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
    keys, unknown, seen = [], [], {}
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


def registry_fingerprint() -> str:
    """A hash of what an import reads and writes: any change to the registry since a preview changes it.

    Organisations and contacts are followed through their history (every save and delete adds a row), tenancies,
    premises and buildings by their values.
    """
    parts = [
        Company.history.aggregate(last=Max("history_id"))["last"],
        Contact.history.aggregate(last=Max("history_id"))["last"],
        list(
            Tenancy.objects.order_by("pk").values_list(
                "pk", "company_id", "premises_id", "start_date", "end_date", "shared"
            )
        ),
        list(Premises.objects.order_by("pk").values_list("pk", "building_id", "code")),
        list(Building.objects.order_by("pk").values_list("pk", "name")),
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _run(raw: bytes, filename: str, *, keep: bool) -> ImportResult:
    """Validate the file and apply it in a transaction, kept only when `keep` and nothing was refused."""
    parsed = read_rows(raw, filename)
    cleaned, errors = validate_rows(parsed.rows)
    result = ImportResult(rows=len(parsed.rows), errors=errors, sha256=hashlib.sha256(raw).hexdigest())
    if parsed.unknown_columns:
        result.warnings.append(
            ImportWarning(
                None,
                "",
                _("These columns are not known and were ignored: %(columns)s.")
                % {"columns": ", ".join(_("“%(column)s”") % {"column": name} for name in parsed.unknown_columns)},
                "columns",
            )
        )
    if errors:
        return result
    with transaction.atomic():
        outcome = _Outcome(result)
        for line, data in cleaned:
            try:
                _apply_row(line, data, outcome)
            except ValidationError as error:
                # What only the registry's present rows can refuse (a Business ID held by a unit, say): named too.
                messages = error.message_dict if hasattr(error, "error_dict") else {"name": error.messages}
                result.errors = [
                    RowError(line, COMPANY_FIELD_COLUMNS.get(name, "name"), message.rstrip("."))
                    for name, texts in messages.items()
                    for message in texts
                ]
                result.previews = []
                transaction.set_rollback(True)
                return result
        for state in outcome.companies.values():
            counted = _Outcome.COUNTED_AS[state]
            setattr(result, counted, getattr(result, counted) + 1)
        if keep:
            result.applied = True
        else:
            transaction.set_rollback(True)
    return result


def import_preview(*, raw: bytes, filename: str) -> ImportResult:
    """What the file would do to the registry, row by row, with its errors and warnings; nothing is written."""
    fingerprint = registry_fingerprint()
    result = _run(raw, filename, keep=False)
    result.fingerprint = fingerprint
    return result


def import_apply(
    *, raw: bytes, filename: str, sha256: str, fingerprint: str, accept_warnings: bool = False
) -> ImportResult:
    """Apply a previewed file: the same bytes, on the registry as it was previewed, warnings accepted.

    Raises ImportRefused when the file or the registry differs from the preview's, or warnings were not accepted.
    """
    if hashlib.sha256(raw).hexdigest() != sha256:
        raise ImportRefused(_("The file is not the one that was previewed. Upload it again to see its preview."))
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One import at a time between the check and the writes; the lock ends with the transaction.
            cursor.execute("SELECT pg_advisory_xact_lock(%s, 0)", [IMPORT_LOCK])
        if registry_fingerprint() != fingerprint:
            raise ImportRefused(
                _("The registry has changed since the preview. Nothing was imported; upload the file again.")
            )
        result = _run(raw, filename, keep=False)
        if result.errors:
            return result
        if result.warnings and not accept_warnings:
            raise ImportRefused(_("The file has warnings that were not accepted. Nothing was imported."))
        result = _run(raw, filename, keep=True)
        result.fingerprint = fingerprint
    return result


def companies_import(*, uploaded, filename: str, dry_run: bool = False, accept_warnings: bool = False) -> ImportResult:
    """Preview a file and, unless a dry run or refused by errors or unaccepted warnings, apply it (the command)."""
    raw = uploaded.read()
    preview = import_preview(raw=raw, filename=filename)
    if dry_run or preview.errors or (preview.warnings and not accept_warnings):
        return preview
    return import_apply(
        raw=raw,
        filename=filename,
        sha256=preview.sha256,
        fingerprint=preview.fingerprint,
        accept_warnings=accept_warnings,
    )


class _Outcome:
    """What applying the rows found: each organisation's strongest change, the rows' previews, the warnings."""

    ORDER = {UNCHANGED: 0, CHANGED: 1, NEW: 2}
    COUNTED_AS = {UNCHANGED: "unchanged", CHANGED: "updated", NEW: "created"}

    def __init__(self, result: ImportResult):
        self.result = result
        self.companies: dict[int, str] = {}
        self.created: set[int] = set()

    def row(self, line: int, company: Company, changes: list[Change], created: bool) -> None:
        if created:
            self.created.add(company.pk)
        state = NEW if company.pk in self.created else CHANGED if changes else UNCHANGED
        self.result.previews.append(RowPreview(line, company.name, state, changes))
        # An organisation on several rows counts once, by its strongest change.
        if self.ORDER[state] >= self.ORDER[self.companies.get(company.pk, UNCHANGED)]:
            self.companies[company.pk] = state

    def warn(self, line: int, column: str, message: str, kind: str) -> None:
        self.result.warnings.append(ImportWarning(line, column, message, kind))


def _shown(column: str, value) -> str:
    """A value as the preview shows it: choices by their label, nothing as an empty text."""
    if value in (None, ""):
        return ""
    if column == "kind":
        return str(Company.Kind(value).label)
    if column == "contact_language":
        return str(Contact.Language(value).label)
    return str(value)


def _comparable_name(name: str) -> str:
    name = re.sub(r"\b(oy|oyj|ab|ky|ry|ltd|tmi|osakeyhtiö|aktiebolag)\b", " ", name.lower())
    return " ".join(re.sub(r"[^\w]+", " ", name).split())


# Names less alike than this (difflib's ratio of their letters) are worth a look before the file renames one.
NAME_SIMILARITY = 0.5


def _apply_row(line: int, data, outcome: _Outcome) -> None:
    if data["business_id"]:
        company = Company.objects.filter(business_id=data["business_id"], parent__isnull=True).first()
    else:
        company = Company.objects.filter(name__iexact=data["name"], business_id="").first()
    created = company is None
    if created:
        kind = data["kind"] or Company.Kind.COMPANY
        company = Company(name=data["name"], business_id=data["business_id"], kind=kind)
    elif data["business_id"] and company.pk not in outcome.created:
        similarity = difflib.SequenceMatcher(
            None, _comparable_name(company.name), _comparable_name(data["name"])
        ).ratio()
        if similarity < NAME_SIMILARITY:
            outcome.warn(
                line,
                "name",
                _("the registry has the Business ID %(business_id)s as “%(registered)s”")
                % {"business_id": data["business_id"], "registered": company.name},
                "name",
            )
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
    changes = []
    if not created:
        before = {"industry": company.industry_code or company.industry_section}
        after = {"industry": wanted.get("industry_code") or wanted.get("industry_section")}
        for name in changed:
            column = COMPANY_FIELD_COLUMNS[name]
            if column == "industry":
                if not any(change.column == "industry" for change in changes):
                    changes.append(Change("industry", before["industry"], after["industry"]))
            else:
                changes.append(Change(column, _shown(column, getattr(company, name)), _shown(column, wanted[name])))
    if changed or created:
        for name, value in wanted.items():
            setattr(company, name, value)
        company.full_clean()
        company.save()

    premises = data["premises_obj"]
    if premises is not None and not company.tenancies.current().filter(premises=premises).exists():
        changes.append(_let(line, company, premises, outcome))

    if data["contact_name"]:
        changes += _apply_contact(line, company, data, outcome)
    outcome.row(line, company, [] if created else changes, created)


def _let(line: int, company: Company, premises: Premises, outcome: _Outcome) -> Change:
    """Let the premises to the company from today; a letting that overlaps another's is warned and marked shared."""
    today = timezone.localdate()
    others = (
        Tenancy.objects.filter(premises=premises)
        .exclude(company=company)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=today))
        .select_related("company")
        .order_by("start_date")
    )
    for other in others:
        outcome.warn(
            line,
            "premises",
            _("%(premises)s is already let to %(company)s from %(start)s; both would share it")
            % {
                "premises": f"{premises.building.name} {premises.code}",
                "company": other.company.name,
                "start": formats.date_format(other.start_date, "SHORT_DATE_FORMAT"),
            },
            "premises",
        )
    current = ", ".join(
        f"{t.premises.building.name} {t.premises.code}"
        for t in company.tenancies.current().select_related("premises__building")
    )
    Tenancy.objects.create(company=company, premises=premises, start_date=today, shared=bool(others))
    return Change("premises", current, f"{premises.building.name} {premises.code}")


def _apply_contact(line: int, company: Company, data, outcome: _Outcome) -> list[Change]:
    """Create or update the row's contact; the changes it made."""
    contacts = company.contacts.filter(erased_at__isnull=True)
    contact = None
    if data["contact_email"]:
        contact = contacts.filter(email__iexact=data["contact_email"]).first()
        elsewhere = (
            Contact.objects.filter(email__iexact=data["contact_email"], erased_at__isnull=True)
            .exclude(company=company)
            .select_related("company")
            .first()
        )
        if elsewhere is not None:
            outcome.warn(
                line,
                "contact_email",
                _("%(email)s is also a contact's address at %(company)s")
                % {"email": data["contact_email"], "company": elsewhere.company.name},
                "email",
            )
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
        return [
            Change(column, "", _shown(column, wanted[name]))
            for name, column in CONTACT_FIELD_COLUMNS.items()
            if name in wanted
        ]
    changed = [name for name, value in wanted.items() if getattr(contact, name) != value]
    changes = [
        Change(
            CONTACT_FIELD_COLUMNS[name],
            _shown(CONTACT_FIELD_COLUMNS[name], getattr(contact, name)),
            _shown(CONTACT_FIELD_COLUMNS[name], wanted[name]),
        )
        for name in changed
    ]
    for name in changed:
        setattr(contact, name, wanted[name])
    if changed:
        contact.save(update_fields=changed)
    return changes
