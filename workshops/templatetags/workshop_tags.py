"""Template filters of the workshops app."""

from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """Render Markdown notes as sanitised HTML."""
    return render_markdown(text)
