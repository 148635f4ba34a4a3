"""Theme names in fi, sv and en (django-modeltranslation); Finnish is the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import Theme


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ("name",)
