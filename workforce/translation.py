"""Skill area and education programme names in fi, sv and en (django-modeltranslation); Finnish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import EducationProgramme, SkillArea


@register(SkillArea)
class SkillAreaTranslation(TranslationOptions):
    fields = ("name",)


@register(EducationProgramme)
class EducationProgrammeTranslation(TranslationOptions):
    fields = ("name",)


# The change history records every language version too.
@register(EducationProgramme.history.model)
class HistoricalEducationProgrammeTranslation(TranslationOptions):
    fields = ("name",)
