"""Skill areas, the companies' workforce needs (demand) and the schools' programmes (supply)."""

from typing import TYPE_CHECKING, ClassVar

from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from companies.models import Company

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# Counts above this are typing mistakes in a village of ~50 companies.
MAX_COUNT = 10_000
count_validators = [MinValueValidator(0), MaxValueValidator(MAX_COUNT)]


class Level(models.TextChoices):
    VOCATIONAL = "vocational", _("vocational")
    BACHELOR = "bachelor", _("bachelor (UAS)")
    MASTER = "master", _("master")
    ANY = "any", _("any level")


class SkillArea(models.Model):
    """A staff-kept list of skill areas, mapped to ISCO-08 and ISCED-F where known."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    isco_codes = ArrayField(models.CharField(max_length=4), verbose_name=_("ISCO-08 groups"), default=list, blank=True)
    isced_codes = ArrayField(models.CharField(max_length=4), verbose_name=_("ISCED-F fields"), default=list, blank=True)
    retired = models.BooleanField(
        _("retired"), default=False, help_text=_("A skill area in use is retired, not deleted.")
    )

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["SkillArea"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["SkillArea"]]
        name_fi: str | None
        name_sv: str | None
        name_en: str | None

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("skill area")
        verbose_name_plural = _("skill areas")

    def __str__(self):
        return self.name


class WorkforceNeed(models.Model):
    """Demand: people a company needs in a skill area within a time window."""

    class Window(models.TextChoices):
        WITHIN_6_MONTHS = "0-6", _("within 6 months")
        MONTHS_6_12 = "6-12", _("6–12 months")
        YEARS_1_3 = "12-36", _("1–3 years")

    class Kind(models.TextChoices):
        PERMANENT = "permanent", _("permanent")
        FIXED_TERM = "fixed_term", _("fixed-term")
        TRAINEE = "trainee", _("trainee")
        THESIS = "thesis", _("thesis work")

    class Source(models.TextChoices):
        SURVEY = "survey", _("survey")
        STAFF = "staff", _("entered by staff")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="workforce_needs", verbose_name=_("organisation")
    )
    skill_area = models.ForeignKey(
        SkillArea, on_delete=models.PROTECT, related_name="needs", verbose_name=_("skill area")
    )
    role = models.CharField(_("role"), max_length=200, blank=True)
    count = models.PositiveIntegerField(_("number of people"), validators=count_validators)
    window = models.CharField(_("when"), max_length=10, choices=Window.choices)
    level = models.CharField(_("education level"), max_length=20, choices=Level.choices, default=Level.ANY)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PERMANENT)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.STAFF)
    # The survey answer row this need came from, so editing the answer updates it (no duplicates).
    survey_response = models.ForeignKey(
        "surveys.Response", on_delete=models.CASCADE, null=True, blank=True, related_name="workforce_needs"
    )
    survey_row = models.PositiveSmallIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    class Meta:
        ordering = ["company__name", "skill_area__order"]
        verbose_name = _("workforce need")
        verbose_name_plural = _("workforce needs")
        constraints = [
            models.UniqueConstraint(fields=["survey_response", "survey_row"], name="workforceneed_one_per_survey_row"),
            models.CheckConstraint(condition=models.Q(count__lte=MAX_COUNT), name="workforceneed_count_not_absurd"),
        ]

    def __str__(self):
        return f"{self.company}: {self.count} × {self.skill_area}"

    def get_absolute_url(self):
        return reverse("workforce:need", args=[self.pk])


class EducationProgramme(models.Model):
    """Supply: a programme of an educational institution of the village."""

    institution = models.ForeignKey(
        Company,
        on_delete=models.CASCADE,
        related_name="programmes",
        limit_choices_to={"kind": Company.Kind.EDUCATION},
        verbose_name=_("institution"),
    )
    name = models.CharField(_("name"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    skill_areas = models.ManyToManyField(SkillArea, related_name="programmes", verbose_name=_("skill areas"))
    yearly_intake = models.PositiveIntegerField(_("yearly intake"), default=0, validators=count_validators)
    yearly_graduates = models.PositiveIntegerField(_("graduates a year"), default=0, validators=count_validators)
    trainee_places_sought = models.PositiveIntegerField(
        _("trainee places sought a year"), default=0, validators=count_validators
    )
    thesis_places_sought = models.PositiveIntegerField(
        _("thesis places sought a year"), default=0, validators=count_validators
    )
    active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords()
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["EducationProgramme"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["EducationProgramme"]]
        name_fi: str | None
        name_sv: str | None
        name_en: str | None

    class Meta:
        ordering = ["institution__name", "name"]
        verbose_name = _("education programme")
        verbose_name_plural = _("education programmes")

    def __str__(self):
        return f"{self.name} ({self.institution})"

    def get_absolute_url(self):
        return reverse("workforce:programme", args=[self.pk])

    def clean(self):
        if self.institution_id and self.institution.kind != Company.Kind.EDUCATION:
            raise ValidationError({"institution": _("Choose an educational institution.")})
