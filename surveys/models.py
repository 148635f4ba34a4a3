"""The survey, its pages and questions, the invitations, and the companies' responses.

Texts a respondent reads are translated with django-modeltranslation
(see translation.py); Finnish is the fallback.
"""

import datetime
import hashlib
import secrets
import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Company, Contact

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# Answers are kept identified this many years after the survey closes, unless the survey says otherwise.
RETENTION_YEARS = 2


def default_reminder_days() -> list[int]:
    return [7, 2]


class Survey(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), unique=True)
    introduction = models.TextField(_("introduction"), blank=True)
    thank_you_text = models.TextField(_("thank-you text"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"), help_text=_("The deadline; answers are closed after it."))
    reminder_days = ArrayField(
        models.PositiveSmallIntegerField(),
        verbose_name=_("reminder days"),
        default=default_reminder_days,
        blank=True,
        help_text=_("Days before the deadline when a reminder goes to those who have not submitted, e.g. 7,2."),
    )
    retention_until = models.DateField(
        _("answers kept until"),
        null=True,
        blank=True,
        help_text=_(
            "After this day the answers are anonymised: free-text answers, who the mail went to and the history of "
            "changes are removed; the figures stay. Empty: two years after the survey closes."
        ),
    )
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Survey"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Survey"]]
        title_fi: str | None
        title_sv: str | None
        title_en: str | None
        introduction_fi: str | None
        introduction_sv: str | None
        introduction_en: str | None
        thank_you_text_fi: str | None
        thank_you_text_sv: str | None
        thank_you_text_en: str | None

    class Meta:
        ordering = ["-opens_at"]
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="survey_closes_after_it_opens",
                violation_error_message=_("The survey must close after it opens."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("surveys:dashboard", args=[self.slug])

    def has_opened(self, now=None) -> bool:
        """True once the opening time has passed."""
        return (now or timezone.now()) >= self.opens_at

    def has_closed(self, now=None) -> bool:
        """True after the deadline."""
        return (now or timezone.now()) > self.closes_at

    def is_open(self, now=None) -> bool:
        """True while answers are accepted."""
        return self.has_opened(now) and not self.has_closed(now)

    def days_to_deadline(self, now=None) -> int:
        """Whole days from now to the closing day, 0 on the day itself (negative after it), counted in the village's
        own dates (TIME_ZONE), whatever time zone a request has activated: the dashboard and the reminders agree."""
        village = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return (timezone.localdate(self.closes_at, village) - timezone.localdate(now or timezone.now(), village)).days

    @property
    def retention_date(self) -> datetime.date:
        """The last day the answers are kept identified: the date set, or two years after the closing day."""
        if self.retention_until:
            return self.retention_until
        closing_day = timezone.localdate(self.closes_at)
        try:
            return closing_day.replace(year=closing_day.year + RETENTION_YEARS)
        except ValueError:  # 29 February
            return closing_day.replace(year=closing_day.year + RETENTION_YEARS, day=28)

    def clean(self):
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The survey must close after it opens.")})
        if self.retention_until and self.closes_at and self.retention_until < timezone.localdate(self.closes_at):
            raise ValidationError({"retention_until": _("The answers must be kept at least until the survey closes.")})


class Section(models.Model):
    """One page of the survey."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sections", verbose_name=_("survey"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Section"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Section"]]
        title_fi: str | None
        title_sv: str | None
        title_en: str | None
        description_fi: str | None
        description_sv: str | None
        description_en: str | None

    class Meta:
        ordering = ["survey", "order", "pk"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class Question(models.Model):
    class Type(models.TextChoices):
        SHORT_TEXT = "short_text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        INTEGER = "integer", _("integer")
        DECIMAL = "decimal", _("decimal number")
        SINGLE_CHOICE = "single_choice", _("single choice")
        MULTIPLE_CHOICE = "multiple_choice", _("multiple choice")
        SCALE = "scale", _("scale 1–5")
        YES_NO = "yes_no", _("yes / no")
        DATE = "date", _("date")
        WORKFORCE_TABLE = "workforce_table", _("workforce needs table")

    CHOICE_TYPES = {Type.SINGLE_CHOICE, Type.MULTIPLE_CHOICE}
    NUMBER_TYPES = {Type.INTEGER, Type.DECIMAL}
    TEXT_TYPES = {Type.SHORT_TEXT, Type.LONG_TEXT}

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions", verbose_name=_("section"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    code = models.SlugField(
        _("code"), max_length=40, help_text=_("A stable short name, used as the column in exports.")
    )
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    required = models.BooleanField(_("required"), default=False)
    min_value = models.DecimalField(_("smallest value"), max_digits=14, decimal_places=2, null=True, blank=True)
    max_value = models.DecimalField(_("largest value"), max_digits=14, decimal_places=2, null=True, blank=True)
    scale_min_label = models.CharField(_("label of 1"), max_length=100, blank=True)
    scale_max_label = models.CharField(_("label of 5"), max_length=100, blank=True)
    has_other = models.BooleanField(
        _("“other, what?” option"), default=False, help_text=_("For choice questions: adds a free-text option.")
    )
    shown_if_choice = models.ForeignKey(
        "Choice",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="dependent_questions",
        verbose_name=_("shown only when this answer is chosen"),
        help_text=_("A choice of an earlier single-choice question."),
    )

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Question"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Question"]]
        text_fi: str | None
        text_sv: str | None
        text_en: str | None
        help_text_fi: str | None
        help_text_sv: str | None
        help_text_en: str | None
        scale_min_label_fi: str | None
        scale_min_label_sv: str | None
        scale_min_label_en: str | None
        scale_max_label_fi: str | None
        scale_max_label_sv: str | None
        scale_max_label_en: str | None

    class Meta:
        ordering = ["section__order", "order", "pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="question_unique_code_per_section")]

    def __str__(self):
        return f"{self.code}: {self.text}"

    @property
    def is_choice(self) -> bool:
        """True for single and multiple choice questions."""
        return self.type in self.CHOICE_TYPES

    def clean(self):
        if self.min_value is not None and self.max_value is not None and self.min_value > self.max_value:
            raise ValidationError({"max_value": _("The largest value cannot be smaller than the smallest.")})
        if self.shown_if_choice_id:
            trigger = self.shown_if_choice.question
            if trigger.type != self.Type.SINGLE_CHOICE:
                raise ValidationError({"shown_if_choice": _("The condition must be a single-choice question.")})
            if self.section_id and trigger.section.survey_id != self.section.survey_id:
                raise ValidationError({"shown_if_choice": _("The condition must be in the same survey.")})
            earlier = (trigger.section.order, trigger.order, trigger.pk or 0) < (
                self.section.order,
                self.order,
                self.pk or 10**12,
            )
            if not earlier:
                raise ValidationError({"shown_if_choice": _("The condition must be an earlier question.")})
        if self.section_id:
            duplicate = Question.objects.filter(section__survey_id=self.section.survey_id, code=self.code)
            if duplicate.exclude(pk=self.pk).exists():
                raise ValidationError({"code": _("Another question of this survey has this code.")})


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    value = models.SlugField(_("value"), max_length=40, help_text=_("Stable code stored in answers and exports."))
    label = models.CharField(_("label"), max_length=200)

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Choice"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Choice"]]
        label_fi: str | None
        label_sv: str | None
        label_en: str | None

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")
        constraints = [models.UniqueConstraint(fields=["question", "value"], name="choice_unique_value_per_question")]

    def __str__(self):
        return self.label


OTHER_VALUE = "__other__"


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which an invitation token is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


class Response(models.Model):
    """One company's answers to one survey; colleagues with the same company's link share it."""

    class Status(models.TextChoices):
        """Where a response stands, as the dashboard, the admin and the exports name it."""

        INVITED = "invited", _("not opened")
        OPENED = "opened", _("opened")
        DRAFT = "draft", _("draft saved")
        SUBMITTED = "submitted", _("submitted")

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("survey"))
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="survey_responses", verbose_name=_("organisation")
    )
    first_opened_at = models.DateTimeField(_("first opened"), null=True, blank=True)
    last_saved_at = models.DateTimeField(_("last saved"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    reminder_days_sent = ArrayField(
        models.PositiveSmallIntegerField(), verbose_name=_("reminders sent (days before)"), default=list, blank=True
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    class Meta:
        ordering = ["survey", "company__name"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        constraints = [models.UniqueConstraint(fields=["survey", "company"], name="response_one_per_company")]

    def __str__(self):
        return f"{self.company} – {self.survey}"

    @property
    def is_submitted(self) -> bool:
        """True once the company has pressed the final submit."""
        return self.submitted_at is not None

    @property
    def status(self) -> "Response.Status":
        """invited, opened, draft or submitted: the latest step the response has reached."""
        if self.submitted_at:
            return self.Status.SUBMITTED
        if self.last_saved_at:
            return self.Status.DRAFT
        if self.first_opened_at:
            return self.Status.OPENED
        return self.Status.INVITED

    @classmethod
    def status_condition(cls, status: str) -> Q:
        """The responses whose `status` is the given one, as a query condition (the same rule as the property)."""
        conditions: dict[str, Q] = {
            cls.Status.SUBMITTED: Q(submitted_at__isnull=False),
            cls.Status.DRAFT: Q(submitted_at__isnull=True, last_saved_at__isnull=False),
            cls.Status.OPENED: Q(submitted_at__isnull=True, last_saved_at__isnull=True, first_opened_at__isnull=False),
            cls.Status.INVITED: Q(submitted_at__isnull=True, last_saved_at__isnull=True, first_opened_at__isnull=True),
        }
        return conditions[status]


class Invitation(models.Model):
    """One link sent to a company; its token is kept only as a SHA-256 hash."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("survey"))
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("response")
    )
    contacts = models.ManyToManyField(Contact, blank=True, related_name="invitations", verbose_name=_("sent to"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    is_reminder = models.BooleanField(_("reminder"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    last_opened_at = models.DateTimeField(_("last opened"), null=True, blank=True)
    revoked = models.BooleanField(_("revoked"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.company} – {self.survey}"

    @staticmethod
    def new_token() -> tuple[str, str]:
        """A fresh random token and its hash."""
        token = secrets.token_urlsafe(32)
        return token, hash_token(token)

    @staticmethod
    def link_for(token: str) -> str:
        """The absolute link a contact opens."""
        return settings.SITE_URL.rstrip("/") + reverse("surveys:open", args=[token])


class PageState(models.Model):
    """The version of one page of one response: a save based on an older version is refused."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="pages", verbose_name=_("response"))
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="+", verbose_name=_("section"))
    version = models.PositiveIntegerField(_("version"), default=0)
    saved_at = models.DateTimeField(_("saved"), null=True, blank=True)

    class Meta:
        verbose_name = _("page state")
        verbose_name_plural = _("page states")
        constraints = [models.UniqueConstraint(fields=["response", "section"], name="pagestate_one_per_page")]

    def __str__(self):
        return f"{self.response} / {self.section}: v{self.version}"


class Answer(models.Model):
    """The answer to one question. `value` holds text, a number as text, a date, or a list of choice values."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers", verbose_name=_("response"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question"))
    value = models.JSONField(_("value"), null=True, blank=True)
    other_text = models.CharField(_("other, what?"), max_length=500, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="answer_one_per_question")]

    def __str__(self):
        return f"{self.question.code} = {self.value!r}"

    @property
    def number(self) -> Decimal | None:
        """The value as a number, for numeric and scale questions."""
        try:
            return Decimal(str(self.value)) if self.value not in (None, "") else None
        except ArithmeticError:
            return None


class OutgoingMail(models.Model):
    """A mail the portal owes a company, saved in the transaction that owes it.

    A worker sends it after the commit; when the broker was down or the message got lost, Celery beat's sweep
    sends it later (see surveys.outbox). `done_at` set means handled: sent, or found no longer due.
    """

    class Kind(models.TextChoices):
        CONFIRMATION = "confirmation", _("submission confirmation")
        INVITATION = "invitation", _("invitation")
        REMINDER = "reminder", _("reminder")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    survey = models.ForeignKey(
        Survey, on_delete=models.CASCADE, related_name="outgoing_mails", verbose_name=_("survey")
    )
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation"))
    queued_at = models.DateTimeField(_("queued"), default=timezone.now)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    tried_at = models.DateTimeField(_("last tried"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # A re-sent invitation: its new link replaces the company's earlier ones, which stop working when it goes.
    replaces_links = models.BooleanField(_("replaces earlier links"), default=False)

    class Meta:
        ordering = ["queued_at", "pk"]
        verbose_name = _("outgoing mail")
        verbose_name_plural = _("outgoing mails")
        # The sweep reads only the mails still owed.
        indexes = [models.Index(fields=["queued_at"], condition=Q(done_at__isnull=True), name="outgoingmail_owed")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.company} – {self.survey}"
