"""Notes are written in Markdown and shown as sanitised HTML."""

import re

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}


HEADING_TAG = re.compile(r"<(/?)h([2-6])>")


def render_markdown(text: str, *, under: int = 1, sized: bool = False) -> SafeString:
    """Markdown to HTML with no script, no event handler and no javascript: link left in it.

    The text's own headings (h2–h6) rank one level below the page's heading of level `under` (1: they stay h2–h6),
    never deeper than h6. `sized` makes them look like minor headings on a page (h5, then h6) whatever their rank.
    """
    html = markdown_lib.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    if under > 1 or sized:
        clean = HEADING_TAG.sub(lambda match: _ranked(match, under, sized), clean)
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above; only fixed tags are put in afterwards


def _ranked(match: re.Match, under: int, sized: bool) -> str:
    closing, depth = match[1], min(int(match[2]) + under - 1, 6)
    if closing or not sized:
        return f"<{closing}h{depth}>"
    return f'<h{depth} class="{"h5" if depth == under + 1 else "h6"}">'
