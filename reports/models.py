"""The development plan: its written parts (an edition; its goals are in workshops) and the builds of its report."""

import uuid
from typing import TYPE_CHECKING, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# The portal's languages, Finnish first: a report is built in any of them.
LANGUAGE_CHOICES = settings.LANGUAGES


class DevelopmentPlan(models.Model):
    """One edition of the development plan: the parts staff write, in Markdown, in fi with optional sv and en."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        APPROVED = "approved", _("approved")

    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period starts"))
    period_end = models.DateField(_("period ends"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Tiivistelmä. Markdown."))
    starting_point = models.TextField(_("starting point"), blank=True, help_text=_("Lähtötilanne. Markdown."))
    vision = models.TextField(_("vision"), blank=True, help_text=_("Markdown."))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()
    if TYPE_CHECKING:
        # Read by django-simple-history when it writes the history row of the next save.
        _history_user: AbstractBaseUser | None
        _change_reason: str | None

    # django-modeltranslation replaces the default manager and adds a column per language at run time.
    objects: ClassVar[models.Manager["DevelopmentPlan"]]
    if TYPE_CHECKING:
        _default_manager: ClassVar[models.Manager["DevelopmentPlan"]]
        title_fi: str | None
        title_sv: str | None
        title_en: str | None
        summary_fi: str | None
        summary_sv: str | None
        summary_en: str | None
        starting_point_fi: str | None
        starting_point_sv: str | None
        starting_point_en: str | None
        vision_fi: str | None
        vision_sv: str | None
        vision_en: str | None

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("development plan")
        verbose_name_plural = _("development plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="plan_period_ends_after_start",
                violation_error_message=_("The period cannot end before it starts."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("reports:plan", args=[self.pk])


def report_path(instance, filename: str) -> str:
    """A server-chosen private name for a built report."""
    return f"reports/{uuid.uuid4().hex}.pdf"


def docx_path(instance, filename: str) -> str:
    """A server-chosen private name for the Word edition of a built report."""
    return f"reports/{uuid.uuid4().hex}.docx"


class ReportBuild(models.Model):
    """One request to build the report: queued by staff, built by a Celery worker."""

    # Set by reports.services.builds when it enqueues the build: True once the queue took it, False when the broker
    # could not be reached, None until the transaction commits. Not a column.
    enqueued: bool | None

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    plan = models.ForeignKey(
        DevelopmentPlan, on_delete=models.PROTECT, related_name="builds", verbose_name=_("plan edition")
    )
    survey = models.ForeignKey(
        "surveys.Survey", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("survey")
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES, default="fi")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    pdf = models.FileField(_("PDF"), upload_to=report_path, blank=True, max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    # The Word edition, built by the same worker in the same build from the same data.
    docx = models.FileField(_("Word document"), upload_to=docx_path, blank=True, max_length=200)
    docx_size = models.PositiveIntegerField(_("size of the Word document (bytes)"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    data_checksum = models.CharField(_("data checksum"), max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("report build")
        verbose_name_plural = _("report builds")
        indexes = [models.Index(fields=["status", "requested_at"], name="reportbuild_status_idx")]

    def __str__(self):
        return f"{self.plan} ({self.language}) {self.requested_at:%Y-%m-%d %H:%M}"
