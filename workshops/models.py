"""Interviews and workshops, their attachments, and the findings, goals and measures drawn from them."""

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Building, Company, Contact

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# The text-search configuration of every search in this app.
SEARCH_CONFIG = "finnish"

QUARTER_RE = r"^\d{4}-Q[1-4]$"
validate_quarter = RegexValidator(QUARTER_RE, _("Write the quarter as YYYY-Qn, for example 2025-Q3."))


class Theme(models.Model):
    """A short staff-kept list of themes, in three languages."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Theme"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Theme"]]
        name_fi: str | None
        name_sv: str | None
        name_en: str | None

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.name


class Place(models.Model):
    """Where a meeting was held: a building (and room), free text, or remote."""

    building = models.ForeignKey(
        Building, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("building")
    )
    room = models.CharField(_("room"), max_length=100, blank=True)
    place_text = models.CharField(_("other place"), max_length=200, blank=True)
    is_remote = models.BooleanField(_("remote"), default=False)

    class Meta:
        abstract = True

    @property
    def place_label(self) -> str:
        """The place in words: remote, the building and room, or the free text."""
        if self.is_remote:
            return str(_("remote"))
        if self.building is not None:  # no query when there is no building
            return f"{self.building.name} {self.room}".strip()
        return self.place_text


class Interview(Place):
    companies = models.ManyToManyField(Company, related_name="interviews", verbose_name=_("organisations"))
    held_at = models.DateTimeField(_("date and time"))
    interviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="interviews", blank=True, verbose_name=_("interviewers")
    )
    contacts = models.ManyToManyField(
        Contact, related_name="interviews", blank=True, verbose_name=_("people who took part")
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))
    themes = models.ManyToManyField(Theme, related_name="interviews", blank=True, verbose_name=_("themes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes])
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("interview")
        verbose_name_plural = _("interviews")
        indexes = [GinIndex(SearchVector("notes", config=SEARCH_CONFIG), name="interview_notes_search")]

    def __str__(self):
        if not self.held_at:
            return "—"
        return gettext("Interview %(date)s") % {"date": timezone.localdate(self.held_at).isoformat()}

    def get_absolute_url(self):
        return reverse("workshops:interview", args=[self.pk])


class Workshop(Place):
    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("date and time"))
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="facilitated_workshops", blank=True, verbose_name=_("facilitators")
    )
    purpose = models.TextField(_("purpose"), blank=True)
    invited_companies = models.ManyToManyField(
        Company, related_name="workshops", blank=True, verbose_name=_("organisations invited")
    )
    notes = models.TextField(_("notes"), blank=True, help_text=_("Markdown."))
    outcomes = models.TextField(_("outcomes"), blank=True, help_text=_("Markdown."))
    themes = models.ManyToManyField(Theme, related_name="workshops", blank=True, verbose_name=_("themes"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes])
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    class Meta:
        ordering = ["-held_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        indexes = [
            GinIndex(
                SearchVector("title", "purpose", "notes", "outcomes", config=SEARCH_CONFIG),
                name="workshop_text_search",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshops:workshop", args=[self.pk])


class Participation(models.Model):
    """A person invited to a workshop, and whether they attended."""

    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="participations", verbose_name=_("workshop")
    )
    contact = models.ForeignKey(
        Contact, on_delete=models.CASCADE, related_name="participations", verbose_name=_("person")
    )
    invited = models.BooleanField(_("invited"), default=True)
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        ordering = ["contact__company__name", "contact__name"]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        constraints = [models.UniqueConstraint(fields=["workshop", "contact"], name="participation_once_per_person")]

    def __str__(self):
        return f"{self.contact} @ {self.workshop}"


def attachment_path(instance, filename: str) -> str:
    """A server-chosen name: the uploaded name never reaches the file system."""
    suffix = Path(filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ""
    return f"attachments/{uuid.uuid4().hex}{suffix}"


class Attachment(models.Model):
    """A file on an interview or a workshop, stored privately and served only to staff."""

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        constraints = [
            models.CheckConstraint(
                condition=(Q(interview__isnull=False) & Q(workshop__isnull=True))
                | (Q(interview__isnull=True) & Q(workshop__isnull=False)),
                name="attachment_on_one_record",
            )
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("workshops:attachment", args=[self.pk])


class Finding(models.Model):
    """One thing the project learned, with its sources."""

    class Kind(models.TextChoices):
        STRENGTH = "strength", _("strength")
        WEAKNESS = "weakness", _("weakness")
        OPPORTUNITY = "opportunity", _("opportunity")
        THREAT = "threat", _("threat")
        NEED = "need", _("need")
        WISH = "wish", _("wish")

    SWOT = (Kind.STRENGTH, Kind.WEAKNESS, Kind.OPPORTUNITY, Kind.THREAT)

    text = models.TextField(_("finding"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    importance = models.PositiveSmallIntegerField(
        _("importance"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("1 = low, 3 = high."),
    )
    themes = models.ManyToManyField(Theme, related_name="findings", blank=True, verbose_name=_("themes"))
    companies = models.ManyToManyField(
        Company, related_name="findings", blank=True, verbose_name=_("organisations concerned")
    )
    interviews = models.ManyToManyField(Interview, related_name="findings", blank=True, verbose_name=_("interviews"))
    workshops = models.ManyToManyField(Workshop, related_name="findings", blank=True, verbose_name=_("workshops"))
    questions = models.ManyToManyField(
        "surveys.Question", related_name="findings", blank=True, verbose_name=_("survey questions")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes, companies])
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Finding"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Finding"]]
        text_fi: str | None
        text_sv: str | None
        text_en: str | None
        # Set by a Prefetch(to_attr=) where the board asks which measures answer a finding.
        answering_measures: list["Measure"]

    class Meta:
        ordering = ["-importance", "-created_at"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [GinIndex(SearchVector("text", config=SEARCH_CONFIG), name="finding_text_search")]

    def __str__(self):
        return self.text if len(self.text) <= 80 else self.text[:79] + "…"

    def get_absolute_url(self):
        return reverse("workshops:finding", args=[self.pk])


class Goal(models.Model):
    """A goal of a development plan edition; the plan's measures are tied to goals."""

    # The edition lives in reports (its written parts and builds); named by string, as this app never imports reports.
    plan = models.ForeignKey(
        "reports.DevelopmentPlan", on_delete=models.CASCADE, related_name="goals", verbose_name=_("plan")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("goal"), max_length=300)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Goal"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Goal"]]
        title_fi: str | None
        title_sv: str | None
        title_en: str | None
        description_fi: str | None
        description_sv: str | None
        description_en: str | None

    class Meta:
        # The table kept its name when the model moved here from reports.
        db_table = "reports_goal"
        ordering = ["plan", "order", "pk"]
        verbose_name = _("goal")
        verbose_name_plural = _("goals")

    def __str__(self):
        return self.title


class Measure(models.Model):
    """A proposal of the development plan, with its owner, timing, indicator and status."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        AGREED = "agreed", _("agreed")
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Markdown."))
    themes = models.ManyToManyField(Theme, related_name="measures", blank=True, verbose_name=_("themes"))
    findings = models.ManyToManyField(Finding, related_name="measures", blank=True, verbose_name=_("findings answered"))
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("responsible staff member"),
    )
    responsible_organisation = models.ForeignKey(
        Company,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures_responsible",
        verbose_name=_("responsible organisation"),
    )
    partners = models.ManyToManyField(
        Company, related_name="measures_partnered", blank=True, verbose_name=_("partners")
    )
    start_quarter = models.CharField(_("start quarter"), max_length=7, validators=[validate_quarter])
    end_quarter = models.CharField(_("end quarter"), max_length=7, validators=[validate_quarter])
    estimated_cost = models.DecimalField(
        _("estimated cost (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    funding_source = models.CharField(_("funding source"), max_length=200, blank=True)
    indicator = models.CharField(
        _("monitoring indicator"),
        max_length=200,
        blank=True,
        help_text=_("For example: companies using the shared lab."),
    )
    indicator_baseline = models.DecimalField(_("baseline"), max_digits=12, decimal_places=2, null=True, blank=True)
    indicator_target = models.DecimalField(_("target"), max_digits=12, decimal_places=2, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED)
    goal = models.ForeignKey(
        Goal,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name=_("goal of the plan"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords(m2m_fields=[themes, findings])
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Measure"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Measure"]]
        title_fi: str | None
        title_sv: str | None
        title_en: str | None
        description_fi: str | None
        description_sv: str | None
        description_en: str | None
        indicator_fi: str | None
        indicator_sv: str | None
        indicator_en: str | None
        funding_source_fi: str | None
        funding_source_sv: str | None
        funding_source_en: str | None

    class Meta:
        ordering = ["start_quarter", "title"]
        verbose_name = _("measure")
        verbose_name_plural = _("measures")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_quarter__gte=models.F("start_quarter")),
                name="measure_ends_after_it_starts",
                violation_error_message=_("The end quarter cannot be before the start quarter."),
            )
        ]
        indexes = [
            GinIndex(
                SearchVector("title", "description", "indicator", config=SEARCH_CONFIG), name="measure_text_search"
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("workshops:measure", args=[self.pk])

    def clean(self):
        if self.start_quarter and self.end_quarter and self.end_quarter < self.start_quarter:
            raise ValidationError({"end_quarter": _("The end quarter cannot be before the start quarter.")})

    @property
    def responsible_label(self) -> str:
        """Who answers for the measure: a staff member, an organisation, or both."""
        # No query for a responsible left empty.
        user, organisation = self.responsible_user, self.responsible_organisation
        people = [user.get_full_name() or user.get_username()] if user is not None else []
        if organisation is not None:
            people.append(organisation.name)
        return ", ".join(people)


class MeasureStatusChange(models.Model):
    """One dated step of a measure's status history."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=Measure.Status.choices)
    changed_on = models.DateField(_("date"))
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["measure", "changed_on", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self):
        return f"{self.measure}: {self.get_status_display()} {self.changed_on}"
