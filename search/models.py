"""The search index: one row per searchable record, with its Voikko terms and its Swedish and English vectors."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """A record as the search sees it: plain text for snippets, vectors for matching, fields for the filters."""

    class Kind(models.TextChoices):
        # The order here is the order of the groups on the result page.
        ORGANISATIONS = "organisations", _("Organisations")
        CONTACTS = "contacts", _("Contact people")
        INTERVIEWS = "interviews", _("Interviews")
        WORKSHOPS = "workshops", _("Workshops")
        FINDINGS = "findings", _("Findings")
        MEASURES = "measures", _("Measures")
        PLAN = "plan", _("Development plan")
        ANSWERS = "answers", _("Survey answers")
        WORKFORCE = "workforce", _("Workforce needs")
        ATTACHMENTS = "attachments", _("Attachments")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("record"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True, help_text=_("Plain text (Markdown removed), for the snippets."))
    url = models.CharField(max_length=300)
    detail = models.CharField(max_length=300, blank=True)
    # Voikko's base forms ('simple' configuration): A title, B body; compound parts C title, D body.
    terms = SearchVectorField(null=True)
    # PostgreSQL's own Finnish stemmer over the same text: the reduced mode, when Voikko is missing.
    finnish = SearchVectorField(null=True)
    swedish = SearchVectorField(null=True)
    english = SearchVectorField(null=True)
    date = models.DateField(_("date"), null=True, blank=True)
    theme_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    building_ids = ArrayField(models.IntegerField(), default=list, blank=True)
    # Identified survey answers: staff see them, viewers never do.
    staff_only = models.BooleanField(default=False)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index entries")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_one_per_record")]
        indexes = [
            GinIndex(fields=["terms"], name="search_entry_terms_gin"),
            GinIndex(fields=["finnish"], name="search_entry_finnish_gin"),
            GinIndex(fields=["swedish"], name="search_entry_swedish_gin"),
            GinIndex(fields=["english"], name="search_entry_english_gin"),
            models.Index(fields=["kind", "-date"], name="search_entry_kind_date_idx"),
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id}: {self.title}"
