"""The preview and the application of an import file that `importing.py` has read and validated.

A valid file is first previewed: applied in a transaction that is rolled back, which tells row by row what is new,
what changes (old → new) and what deserves a warning. The confirmation applies the same bytes (checked by their hash)
only if the registry has not changed since the preview, all or nothing.
"""

import difflib
import hashlib
import re

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .importing import (
    CHANGED,
    COMPANY_FIELD_COLUMNS,
    CONTACT_FIELD_COLUMNS,
    NEW,
    UNCHANGED,
    Change,
    ImportRefused,
    ImportResult,
    ImportWarning,
    RowError,
    RowPreview,
    read_rows,
    validate_rows,
)
from .industries import section_for_code
from .models import Building, Company, Contact, Premises, Tenancy

# The first key of the PostgreSQL advisory lock that lets one import at a time check the registry and apply.
IMPORT_LOCK = 0x1A17


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
                gettext_noop("These columns are not known and were ignored: %(columns)s."),
                {"columns": parsed.unknown_columns},
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
        result = _run(raw, filename, keep=True)
        if result.warnings and not accept_warnings and not result.errors:
            # Raised inside the transaction: what the run wrote is rolled back with it.
            raise ImportRefused(_("The file has warnings that were not accepted. Nothing was imported."))
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

    def warn(self, line: int, column: str, template: str, params: dict, kind: str) -> None:
        self.result.warnings.append(ImportWarning(line, column, template, params, kind))


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
    if company is None:
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
                gettext_noop("the registry has the Business ID %(business_id)s as “%(registered)s”"),
                {"business_id": data["business_id"], "registered": company.name},
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
    changes: list[Change] = []
    if not created:
        before = {"industry": company.industry_code or company.industry_section}
        after = {"industry": wanted.get("industry_code") or wanted.get("industry_section") or ""}
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
            gettext_noop("%(premises)s is already let to %(company)s from %(start)s; both would share it"),
            {
                "premises": f"{premises.building.name} {premises.code}",
                "company": other.company.name,
                "start": other.start_date,
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
                gettext_noop("%(email)s is also a contact's address at %(company)s"),
                {"email": data["contact_email"], "company": elsewhere.company.name},
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
