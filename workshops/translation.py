"""Theme names, findings, goals and measures in fi, sv and en (django-modeltranslation); Finnish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Finding, Goal, Measure, Theme

FINDING_FIELDS = ("text",)
MEASURE_FIELDS = ("title", "description", "indicator", "funding_source")


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)


@register(Finding)
class FindingTranslation(TranslationOptions):
    fields = FINDING_FIELDS


@register(Goal)
class GoalTranslation(TranslationOptions):
    fields = ("title", "description")


@register(Measure)
class MeasureTranslation(TranslationOptions):
    fields = MEASURE_FIELDS


# The change history records every language version too.
@register(Finding.history.model)
class HistoricalFindingTranslation(TranslationOptions):
    fields = FINDING_FIELDS


@register(Measure.history.model)
class HistoricalMeasureTranslation(TranslationOptions):
    fields = MEASURE_FIELDS
