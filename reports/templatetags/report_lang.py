"""Marks in the report's HTML for texts that fell back to Finnish (see reports.services.report.InFinnish)."""

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _language(value) -> str | None:
    return getattr(value, "lang", None)


@register.filter
def lang_attr(value) -> str:
    """` lang="fi"` for an element whose whole text fell back to Finnish; nothing otherwise."""
    language = _language(value)
    return format_html(' lang="{}"', language) if language else ""


@register.filter
def lang_span(value):
    """The text, wrapped in <span lang="fi"> when it fell back to Finnish inside a sentence of another language."""
    language = _language(value)
    return format_html('<span lang="{}">{}</span>', language, value) if language else value


@register.filter
def join_marked(values, separator: str = ", "):
    """Join texts (theme names…) with each fallback wrapped in its own <span lang="fi">."""
    return mark_safe(conditional_escape(separator).join(conditional_escape(lang_span(value)) for value in values))  # noqa: S308 - every part is escaped
