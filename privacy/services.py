"""Erasure on request and anonymisation after a survey's retention date: the writes that protect the people in the data.

Both keep the aggregate figures: responses, answers to choice and number questions, participations and counts stay;
what names a person goes.
"""

import datetime
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import cast

from django.apps import apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from companies import services as companies_services
from companies.models import Contact
from search import services as search_services
from surveys import content, drafts
from surveys.models import Answer, Invitation, OutgoingMail, Question, Survey
from workshops.models import Attachment

# Tables whose texts may copy a person's name, e-mail or phone: the portal's own apps (their history tables too)
# and the admin's log, whose entries repeat the names of the records they changed.
SCRUBBED_APPS = ("companies", "surveys", "workshops", "reports", "workforce", "admin")
# Shorter values would match inside other words and numbers: only the contact row loses them.
SHORTEST_NEEDLE = 6


def _erased_mark() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("[erased]")


PHONE_RE = re.compile(r"\+?[\d\s().-]{6,}")
# What may stand between the digits of a phone number written by hand: "040 765 4321", "040-7654321", "(016) 25".
PHONE_GAP = "[ ().-]{0,2}"


def _literal(text: str) -> str:
    # In PostgreSQL's advanced regular expressions a backslash before a non-alphanumeric character makes it literal.
    return "".join(char if char.isalnum() else "\\" + char for char in text)


def _phone_regex(phone: str) -> str:
    """A phone number however it is spaced, and a Finnish one with +358 or its leading 0."""
    digits = re.sub(r"\D", "", phone)
    prefix = ""
    if phone.strip().startswith("+358") or (phone.strip().startswith("00358")):
        digits = digits.removeprefix("00").removeprefix("358")
        prefix = rf"(\+358{PHONE_GAP}|00358{PHONE_GAP}|0)"
    elif phone.strip().startswith("+"):
        prefix = r"\+"
    return prefix + PHONE_GAP.join(digits)


def _pattern(needles: list[str]) -> str:
    """A PostgreSQL regular expression matching any needle, not inside a longer word or number."""
    parts = [_phone_regex(needle) if PHONE_RE.fullmatch(needle) else _literal(needle) for needle in needles]
    return rf"(?<![[:alnum:]_+])({'|'.join(parts)})(?![[:alnum:]_])"


def _text_columns() -> dict[type[models.Model], list[tuple[str, int | None, bool]]]:
    """{model: [(column, max_length or None, is_json)]} of every text column that may copy a person's details."""
    columns: dict[type[models.Model], list[tuple[str, int | None, bool]]] = {}
    for label in SCRUBBED_APPS:
        for model in apps.get_app_config(label).get_models():
            # The registry's own rows of people: the erased person's row is anonymised by the model, and another
            # person who happens to share the name keeps it.
            if model._meta.concrete_model in (Contact, Contact.history.model):
                continue
            for model_field in model._meta.concrete_fields:
                column = cast(str, model_field.column)  # a concrete field always has its column
                if isinstance(model_field, models.JSONField):
                    columns.setdefault(model, []).append((column, None, True))
                elif isinstance(model_field, models.CharField | models.TextField) and not model_field.choices:
                    max_length = model_field.max_length if isinstance(model_field, models.CharField) else None
                    columns.setdefault(model, []).append((column, max_length, False))
    return columns


def _needles(contact: Contact) -> list[str]:
    needles = [value for value in (contact.email, contact.phone) if value and len(value) >= SHORTEST_NEEDLE]
    # The full name only: a first name alone would be taken out of other people's names and other words too.
    name = " ".join(contact.name.split())
    if len(name) >= SHORTEST_NEEDLE and " " in name:
        needles.append(name)
    # The longest first: an alternation takes the first that matches.
    return sorted(needles, key=len, reverse=True)


def _mentions(needles: list[str], *, replace_with: str | None = None) -> Counter:
    """Rows per model whose texts mention any needle; with `replace_with`, the mentions are replaced in place."""
    found: Counter = Counter()
    if not needles:
        return found
    pattern = _pattern(needles)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, columns in _text_columns().items():
            table = quote(model._meta.db_table)
            texts = [
                (quote(column), f"{quote(column)}::text" if is_json else quote(column))
                for column, _, is_json in columns
            ]
            where = " OR ".join(f"{text} ~* %s" for _, text in texts)
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {where}", [pattern] * len(texts))  # noqa: S608
            found[model] = cursor.fetchone()[0]
            if replace_with is None or not found[model]:
                continue
            for (_column, max_length, is_json), (col, text) in zip(columns, texts, strict=True):
                replaced = f"regexp_replace({text}, %s, %s, 'gi')"
                if is_json:
                    replaced = f"({replaced})::jsonb"
                elif max_length:
                    replaced = f"left({replaced}, {int(max_length)})"
                cursor.execute(
                    f"UPDATE {table} SET {col} = {replaced} WHERE {text} ~* %s",  # noqa: S608
                    [pattern, replace_with, pattern],
                )
    return found


def _scrub_kept_pages(needles: list[str]) -> int:
    """Drop the survey pages kept in browser sessions (surveys.drafts) that mention the person; returns how many.

    Session rows are signed and compressed, so no text search sees them: each live session is decoded instead.
    """
    lowered = [needle.lower() for needle in needles]
    dropped = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        kept = data.get(drafts.KEPT_KEY) or []
        keep = [entry for entry in kept if not any(n in json.dumps(entry, ensure_ascii=False).lower() for n in lowered)]
        if len(keep) == len(kept):
            continue
        dropped += len(kept) - len(keep)
        if keep:
            data[drafts.KEPT_KEY] = keep
        else:
            del data[drafts.KEPT_KEY]
        session.session_data = SessionStore().encode(data)
        session.save(update_fields=["session_data"])
    return dropped


@dataclass
class ErasurePlan:
    """What erasing a contact changes, counted before anything is changed."""

    contact: Contact
    history_rows: int
    invitations: int
    participations: int
    interviews: int
    mentions: list[tuple[str, int]] = field(default_factory=list)  # (the kind of record, rows), for the reader
    mention_counts: dict[str, int] = field(default_factory=dict)  # rows by model label ("surveys.answer")
    # Files are not searched: staff check by hand the attachments of the meetings the person took part in.
    attachments: list[Attachment] = field(default_factory=list)


def contact_erasure_plan(*, contact: Contact) -> ErasurePlan:
    """Count what erasing the contact would remove or anonymise; changes nothing."""
    mentions = _mentions(_needles(contact))
    return ErasurePlan(
        contact=contact,
        history_rows=contact.history.count(),
        invitations=contact.invitations.count(),
        participations=contact.participations.count(),
        interviews=contact.interviews.count(),
        mentions=sorted((_kind_label(model), count) for model, count in mentions.items() if count),
        mention_counts={model._meta.label_lower: count for model, count in mentions.items() if count},
        attachments=list(
            Attachment.objects.filter(
                Q(interview__contacts=contact) | Q(workshop__participations__contact=contact)
            ).distinct()
        ),
    )


def _kind_label(model) -> str:
    """The kind of record as a reader names it; a history table by the records whose history it keeps."""
    instance_type = getattr(model, "instance_type", None)  # set on django-simple-history's historical models
    if instance_type is None:
        return str(capfirst(model._meta.verbose_name_plural))
    return gettext("%(kind)s: history of changes") % {"kind": str(capfirst(instance_type._meta.verbose_name_plural))}


@transaction.atomic
def contact_erase_everywhere(*, contact: Contact) -> Counter:
    """Erase a person from every table: the registry row, its history, mail records and texts that copy them.

    Participations in workshops and interviews stay, pointing at the anonymised row, so attendance and response
    figures do not change. Returns the rows changed per model.
    """
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_erased:  # its name is the placeholder now: nothing of the person is left to look for
        return Counter()
    needles = _needles(contact)
    # The search index holds copies of the texts (and their terms): the entries that name the person are written
    # again from their records once those are scrubbed.
    mentioned = search_services.entries_matching(pattern=_pattern(needles)) if needles else []
    changed = _mentions(needles, replace_with=_erased_mark())
    changed[Session] += _scrub_kept_pages(needles)
    # Whom an invitation or reminder was mailed to: the mails stay counted on the invitation, without the person.
    changed[Invitation.contacts.through] += contact.invitations.count()
    contact.invitations.clear()
    companies_services.contact_erase(contact=contact)
    changed[Contact] += 1
    search_services.entries_refresh(keys=mentioned)
    # Cached results pages may still show a text that named the person: now, and again once the erasure is visible.
    content.content_changed()
    transaction.on_commit(content.content_changed)
    return changed


# Retention ---------------------------------------------------------------------------------------------------------


@dataclass
class RetentionChange:
    """What anonymising one survey past its retention date changes."""

    survey: Survey
    retention_date: datetime.date
    text_answers: int = 0
    answer_history_rows: int = 0
    mail_recipients: int = 0
    mail_errors: int = 0

    def describe(self) -> str:
        return (
            f"“{self.survey}” (kept until {self.retention_date.isoformat()}): "
            f"{self.text_answers} free-text answer(s) emptied, {self.answer_history_rows} answer history row(s) "
            f"removed, {self.mail_recipients} mail recipient record(s) removed, {self.mail_errors} mail error(s) "
            "cleared"
        )


def surveys_past_retention(*, today: datetime.date | None = None) -> list[Survey]:
    """Surveys whose retention date has passed and whose answers are still identified."""
    today = today or timezone.localdate()
    candidates = Survey.objects.filter(anonymised_at__isnull=True, closes_at__lt=timezone.now()).order_by("closes_at")
    return [survey for survey in candidates if survey.retention_date < today]


def _survey_rows(survey: Survey):
    answers = Answer.objects.filter(response__survey=survey)
    texts = answers.filter(question__type__in=Question.TEXT_TYPES).exclude(value__isnull=True).exclude(value="")
    others = answers.exclude(other_text="")
    history = Answer.history.model.objects.filter(response__survey=survey)
    recipients = Invitation.contacts.through.objects.filter(invitation__survey=survey)
    errors = OutgoingMail.objects.filter(survey=survey).exclude(last_error="")
    return texts, others, history, recipients, errors


def survey_anonymise(*, survey: Survey, dry_run: bool = False) -> RetentionChange:
    """Remove what identifies people in one survey's data; the response and choice/number figures stay.

    Free-text answers (and "other, what?" texts) are emptied, the answers' history of old values is removed, the
    record of which contacts each invitation and reminder went to is removed, and mail errors (which may quote an
    address) are cleared. With `dry_run`, only counts.
    """
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        texts, others, history, recipients, errors = _survey_rows(survey)
        change = RetentionChange(
            survey=survey,
            retention_date=survey.retention_date,
            text_answers=texts.count() + others.exclude(pk__in=texts.values("pk")).count(),
            answer_history_rows=history.count(),
            mail_recipients=recipients.count(),
            mail_errors=errors.count(),
        )
        if dry_run or survey.anonymised_at:
            return change
        texts.update(value=None)
        others.update(other_text="")
        history.delete()
        recipients.delete()
        errors.update(last_error="")
        survey.anonymised_at = timezone.now()
        survey.save(update_fields=["anonymised_at"])
        search_services.answers_index(ids=Answer.objects.filter(response__survey=survey).values_list("pk", flat=True))
    return change


def retention_apply(*, today: datetime.date | None = None, dry_run: bool = False) -> list[RetentionChange]:
    """Anonymise every survey past its retention date (each in its own transaction); with `dry_run`, only count."""
    return [survey_anonymise(survey=survey, dry_run=dry_run) for survey in surveys_past_retention(today=today)]
