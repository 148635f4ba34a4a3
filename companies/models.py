"""Buildings, premises, organisations of the village, their tenancies and contacts."""

import datetime
from typing import TYPE_CHECKING, ClassVar, Self

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fi import ytunnus

from .industries import CLASSIFICATIONS, SECTION_CHOICES, SECTIONS, TOL_2008, section_for_code

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


def validate_business_id(value: str) -> None:
    """Refuse a Y-tunnus whose format or check digit is wrong."""
    try:
        ytunnus.validate(value)
    except StdnumError:
        raise ValidationError(
            _("“%(value)s” is not a valid Business ID (Y-tunnus), e.g. 2077474-0."),
            code="invalid_business_id",
            params={"value": value},
        ) from None


def validate_industry_code(value: str) -> None:
    """Refuse a code that is not in TOL 2008."""
    if section_for_code(value) is None:
        raise ValidationError(
            _("“%(value)s” is not a TOL 2008 industry code."),
            code="unknown_industry",
            params={"value": value},
        )


class Building(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, default="94600")
    city = models.CharField(_("city"), max_length=100, default="Kemi")
    description = models.TextField(_("description"), blank=True)

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["Building"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["Building"]]
        description_fi: str | None
        description_sv: str | None
        description_en: str | None

    class Meta:
        ordering = ["name"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("companies:building", args=[self.slug])


class Premises(models.Model):
    class Kind(models.TextChoices):
        OFFICE = "office", _("office")
        LABORATORY = "laboratory", _("laboratory")
        HALL = "hall", _("hall")
        CLASSROOM = "classroom", _("classroom")
        OTHER = "other", _("other")

    building = models.ForeignKey(
        Building, on_delete=models.PROTECT, related_name="premises", verbose_name=_("building")
    )
    code = models.CharField(_("code"), max_length=30)
    floor = models.SmallIntegerField(_("floor"), null=True, blank=True)
    area_m2 = models.DecimalField(
        _("area (m²)"),
        max_digits=8,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OFFICE)

    class Meta:
        ordering = ["building__name", "code"]
        verbose_name = _("premises")
        verbose_name_plural = _("premises")
        constraints = [models.UniqueConstraint(fields=["building", "code"], name="premises_unique_code_per_building")]

    def __str__(self):
        return f"{self.building.name} {self.code}"


class CompanyQuerySet(models.QuerySet["Company"]):
    def active(self) -> Self:
        return self.filter(active=True)

    def in_building(self, building: Building, on: datetime.date | None = None) -> Self:
        """Organisations with a tenancy in the building on the given day (today by default)."""
        current = Tenancy.objects.current(on).filter(premises__building=building)
        return self.filter(pk__in=current.values("company_id"))


class Company(models.Model):
    """Any organisation of the village: a firm, a school unit, a public body, an association."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("company")
        EDUCATION = "education", _("educational institution")
        PUBLIC = "public", _("public body")
        ASSOCIATION = "association", _("association")

    class EmployeeBand(models.TextChoices):
        MICRO = "1-4", _("1–4")
        SMALL = "5-9", _("5–9")
        MEDIUM_SMALL = "10-49", _("10–49")
        MEDIUM = "50-249", _("50–249")
        LARGE = "250+", _("250 or more")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.COMPANY)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="units",
        verbose_name=_("parent organisation"),
        help_text=_("For a unit of a larger organisation, such as a school's campus."),
    )
    business_id = models.CharField(
        _("Business ID"),
        max_length=9,
        blank=True,
        validators=[validate_business_id],
        help_text=_("Y-tunnus, for example 2077474-0."),
    )
    industry_classification = models.CharField(
        _("classification"), max_length=10, choices=CLASSIFICATIONS, default=TOL_2008
    )
    industry_section = models.CharField(_("industry section"), max_length=1, choices=SECTION_CHOICES, blank=True)
    industry_code = models.CharField(
        _("industry code"),
        max_length=5,
        blank=True,
        validators=[validate_industry_code],
        help_text=_("TOL 2008 code, for example 62010."),
    )
    employee_band = models.CharField(_("employees"), max_length=10, choices=EmployeeBand.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)
    customer_since = models.PositiveSmallIntegerField(
        _("customer since (year)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1950), MaxValueValidator(2100)],
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None
    objects = CompanyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # Units of a school may share their parent's Business ID.
            models.UniqueConstraint(
                fields=["business_id"],
                condition=Q(parent__isnull=True) & ~Q(business_id=""),
                name="company_unique_business_id",
                violation_error_message=_("An organisation with this Business ID already exists."),
            ),
        ]
        indexes = [
            models.Index(fields=["industry_section"], name="company_section_idx"),
            models.Index(fields=["kind", "active"], name="company_kind_active_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("companies:detail", args=[self.pk])

    def clean(self):
        if self.industry_code:
            section = section_for_code(self.industry_code)
            if section and self.industry_section and self.industry_section != section:
                raise ValidationError(
                    {
                        "industry_section": _("The code %(code)s belongs to section %(section)s.")
                        % {"code": self.industry_code, "section": section}
                    }
                )
            self.industry_section = section or self.industry_section
        if self.customer_since and self.customer_since > timezone.localdate().year:
            raise ValidationError({"customer_since": _("The year cannot be in the future.")})

    @property
    def industry_label(self) -> str:
        """The section's name, with the code when known."""
        if not self.industry_section:
            return ""
        name = SECTIONS[self.industry_section]
        return f"{self.industry_code} {name}" if self.industry_code else f"{self.industry_section} {name}"

    @property
    def customer_years(self) -> int | None:
        """Years as a customer of the village, counted from customer_since."""
        if not self.customer_since:
            return None
        return timezone.localdate().year - self.customer_since


def tenancy_in_force(on: datetime.date | None = None, *, through: str = "") -> Q:
    """The condition of a tenancy in force on the day (today by default): started, and not ended before it.

    `through` is the path to the tenancies from the model queried ("premises__tenancies__"), for an annotation's
    filter or a FilteredRelation; the one definition of "current" that every page and count uses.
    """
    on = on or timezone.localdate()
    return Q(**{f"{through}start_date__lte": on}) & (
        Q(**{f"{through}end_date__isnull": True}) | Q(**{f"{through}end_date__gte": on})
    )


class TenancyQuerySet(models.QuerySet["Tenancy"]):
    def current(self, on: datetime.date | None = None) -> Self:
        """Tenancies in force on the day (today by default)."""
        return self.filter(tenancy_in_force(on))


class Tenancy(models.Model):
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="tenancies", verbose_name=_("organisation")
    )
    premises = models.ForeignKey(
        Premises, on_delete=models.PROTECT, related_name="tenancies", verbose_name=_("premises")
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"), null=True, blank=True)
    shared = models.BooleanField(
        _("shared premises"),
        default=False,
        help_text=_("Let while another organisation also rents the premises, accepted knowingly."),
    )

    objects = TenancyQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="tenancy_end_after_start",
                violation_error_message=_("The end date cannot be before the start date."),
            )
        ]

    def __str__(self):
        return f"{self.company} – {self.premises}"

    def is_current(self, on: datetime.date | None = None) -> bool:
        """True when the tenancy is in force on the day (today by default)."""
        on = on or timezone.localdate()
        return self.start_date <= on and (self.end_date is None or self.end_date >= on)


class Contact(models.Model):
    """A person at an organisation; only what the project needs, erasable on request."""

    class Language(models.TextChoices):
        FI = "fi", _("Finnish")
        SV = "sv", _("Swedish")
        EN = "en", _("English")

    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("job title"), max_length=200, blank=True)
    email = models.EmailField(_("work e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("preferred language"), max_length=2, choices=Language.choices, default=Language.FI)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    history = HistoricalRecords()
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("contact person")
        verbose_name_plural = _("contact persons")

    def __str__(self):
        return self.name

    @property
    def is_erased(self) -> bool:
        """True once the person's data has been erased on request."""
        return self.erased_at is not None
