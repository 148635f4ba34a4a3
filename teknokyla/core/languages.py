"""Texts kept in fi, sv and en: which records lack a language (the lists' "missing Swedish" filters), and the admin's
filter for it. Finnish is the language every text is written in first; Swedish and English fall back to it."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modeltranslation.translator import translator

# The languages a text may be missing in (Finnish is required where the text exists at all).
TRANSLATION_LANGUAGES = {"sv": _("Swedish"), "en": _("English")}
MISSING_CHOICES = [("sv", _("Missing Swedish")), ("en", _("Missing English"))]


def blank(field: str) -> Q:
    """The field is empty: NULL (never written) or an empty string (cleared)."""
    return Q(**{f"{field}__isnull": True}) | Q(**{field: ""})


def missing_language(fields, language: str) -> Q:
    """Rows with a Finnish text in any of `fields` whose `language` version is empty: what falls back to Finnish."""
    condition = Q(pk__in=[])
    for field in fields:
        condition |= ~blank(f"{field}_fi") & blank(f"{field}_{language}")
    return condition


def missing_fields(instance, fields, language: str) -> list[str]:
    """The names of `fields` that have a Finnish text but none in `language` on this record."""
    return [
        field
        for field in fields
        if (getattr(instance, f"{field}_fi", None) or "").strip()
        and not (getattr(instance, f"{field}_{language}", None) or "").strip()
    ]


class MissingLanguageFilter(admin.SimpleListFilter):
    """The admin list's "missing Swedish / missing English" filter; the model admin names its translated fields."""

    title = _("translation")
    parameter_name = "missing"

    def lookups(self, request, model_admin):
        return MISSING_CHOICES

    def queryset(self, request, queryset):
        if self.value() in TRANSLATION_LANGUAGES:
            return queryset.filter(missing_language(translated_fields(queryset.model), self.value()))
        return queryset


def translated_fields(model) -> list[str]:
    """The fields of `model` kept in every language (registered with modeltranslation), in the model's order."""
    # The options' metaclass gives every registered class `fields`; modeltranslation's types do not declare it.
    registered = set(translator.get_options_for_model(model).fields)  # type: ignore[attr-defined]
    return [field.name for field in model._meta.fields if field.name in registered]
