"""Building descriptions in fi, sv and en (django-modeltranslation); Finnish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Building


@register(Building)
class BuildingTranslation(TranslationOptions):
    fields = ("description",)
