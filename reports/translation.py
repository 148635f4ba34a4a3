"""The plan's written parts in fi, sv and en (django-modeltranslation); Finnish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import DevelopmentPlan

PLAN_FIELDS = ("title", "summary", "starting_point", "vision")


@register(DevelopmentPlan)
class DevelopmentPlanTranslation(TranslationOptions):
    fields = PLAN_FIELDS


# The change history was built before these fields were added; it records every language version too.
@register(DevelopmentPlan.history.model)
class HistoricalDevelopmentPlanTranslation(TranslationOptions):
    fields = PLAN_FIELDS
