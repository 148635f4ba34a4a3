"""Skill area names in fi, sv and en (django-modeltranslation); Finnish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import SkillArea


@register(SkillArea)
class SkillAreaTranslation(TranslationOptions):
    fields = ("name",)
