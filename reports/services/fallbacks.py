"""Before a Swedish or English build: every text the report prints that has no version in that language and will
therefore show in Finnish, with a link to the page where staff fill it in."""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from surveys.models import Choice, Question, Section, Survey
from teknokyla.core.languages import TRANSLATION_LANGUAGES, missing_fields, missing_language, translated_fields
from workforce.models import SkillArea
from workshops.models import Finding, Goal, Measure, Theme

from ..models import DevelopmentPlan

LABEL_WORDS = 12


@dataclass(frozen=True)
class Gap:
    """One record whose text(s) will fall back to Finnish."""

    kind: str  # what the record is: "Measure", "Finding"…
    label: str | None  # the record, in Finnish (its only language for the field)
    fields: tuple[str, ...]  # the names of the missing texts, for people
    url: str  # where to fill them in


def _field_names(model, names: list[str]) -> tuple[str, ...]:
    return tuple(str(capfirst(model._meta.get_field(name).verbose_name)) for name in names)


def _gaps(queryset, *, kind: str, language: str, label, url) -> list[Gap]:
    fields = translated_fields(queryset.model)
    gaps = []
    for row in queryset.filter(missing_language(fields, language)):
        missing = missing_fields(row, fields, language)
        if missing:
            gaps.append(Gap(kind, label(row), _field_names(queryset.model, missing), url(row)))
    return gaps


def _short(text: str | None) -> str:
    return Truncator(text or "").words(LABEL_WORDS, truncate="…")


def _admin(row) -> str:
    meta = row._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])


def report_fallbacks(*, plan: DevelopmentPlan, survey: Survey | None, language: str) -> list[Gap]:
    """What a build of `plan` in `language` would print in Finnish, in the report's order; empty for Finnish.

    A fixed number of queries (one or two per kind of record), whatever the number of records.
    """
    if language not in TRANSLATION_LANGUAGES:
        return []
    edit_plan = reverse("reports:plan_edit", args=[plan.pk])
    gaps = _gaps(
        DevelopmentPlan.objects.filter(pk=plan.pk),
        kind=_("Plan"),
        language=language,
        label=lambda row: row.title_fi,
        url=lambda row: edit_plan,
    )
    gaps += _gaps(
        Goal.objects.filter(plan=plan).order_by("order", "pk"),
        kind=_("Goal"),
        language=language,
        label=lambda row: row.title_fi,
        url=lambda row: edit_plan,
    )
    gaps += _gaps(
        Measure.objects.filter(Q(goal__isnull=True) | Q(goal__plan=plan)).order_by("start_quarter", "title_fi", "pk"),
        kind=_("Measure"),
        language=language,
        label=lambda row: row.title_fi,
        url=lambda row: reverse("workshops:measure_edit", args=[row.pk]),
    )
    gaps += _gaps(
        Finding.objects.order_by("-importance", "created_at", "pk"),
        kind=_("Finding"),
        language=language,
        label=lambda row: _short(row.text_fi),
        url=lambda row: reverse("workshops:finding_edit", args=[row.pk]),
    )
    gaps += _gaps(
        Theme.objects.order_by("order", "name_fi"),
        kind=_("Theme"),
        language=language,
        label=lambda row: row.name_fi,
        url=_admin,
    )
    gaps += _gaps(
        SkillArea.objects.filter(retired=False).order_by("order", "name_fi"),
        kind=_("Skill area"),
        language=language,
        label=lambda row: row.name_fi,
        url=_admin,
    )
    if survey is not None:
        gaps += _survey_gaps(survey, language)
    return gaps


def _survey_gaps(survey: Survey, language: str) -> list[Gap]:
    """The survey's texts the report prints: its title, the sections' titles, the questions and their options."""
    # Only the texts the report prints: a question's help text or a section's description is not in it.
    gaps = []
    if not (getattr(survey, f"title_{language}") or "").strip():
        gaps.append(Gap(_("Survey"), survey.title_fi, _field_names(Survey, ["title"]), _admin(survey)))
    for section in Section.objects.filter(survey=survey).filter(missing_language(["title"], language)):
        gaps.append(Gap(_("Survey page"), section.title_fi, _field_names(Section, ["title"]), _admin(section)))
    questions = Question.objects.filter(section__survey=survey).order_by("section__order", "order", "pk")
    for question in questions.filter(missing_language(["text"], language)):
        gaps.append(Gap(_("Question"), _short(question.text_fi), _field_names(Question, ["text"]), _admin(question)))
    choices = (
        Choice.objects.filter(question__section__survey=survey)
        .filter(missing_language(["label"], language))
        .select_related("question")
        .order_by("question__section__order", "question__order", "order", "pk")
    )
    for choice in choices:
        label = f"{choice.question.code}: {choice.label_fi}"
        gaps.append(Gap(_("Answer option"), label, _field_names(Choice, ["label"]), _admin(choice.question)))
    return gaps
