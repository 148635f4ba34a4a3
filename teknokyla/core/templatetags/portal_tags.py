"""Template tags shared by every page: a table that scrolls inside its own labelled, focusable region."""

import re

from django import template
from django.utils.html import format_html, strip_tags
from django.utils.safestring import SafeString

register = template.Library()

CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.IGNORECASE | re.DOTALL)


def table_region(content: str, label: str = "") -> SafeString:
    """The table in `content`, in a region that scrolls on its own: named, focusable, no wider than the page."""
    if not label:
        caption = CAPTION.search(content)
        label = " ".join(strip_tags(caption.group(1)).split()) if caption else ""
    # The region is named (its table's caption unless a label is given), focusable so the keyboard can scroll
    # it, and positioned so that visually hidden labels inside cannot widen the page.
    return format_html(
        '<div class="table-responsive table-scroll" role="region" aria-label="{}" tabindex="0">{}</div>',
        label,
        content,
    )


class TableRegionNode(template.Node):
    def __init__(self, nodelist, label):
        self.nodelist = nodelist
        self.label = label

    def render(self, context):
        return table_region(self.nodelist.render(context), self.label.resolve(context) if self.label else "")


@register.tag
def tableregion(parser, token):
    """{% tableregion [label] %}<table>…</table>{% endtableregion %}: a wide table scrolls in its own region."""
    bits = token.split_contents()
    if len(bits) > 2:
        raise template.TemplateSyntaxError("tableregion takes at most one argument, the region's label")
    label = parser.compile_filter(bits[1]) if len(bits) == 2 else None
    nodelist = parser.parse(("endtableregion",))
    parser.delete_first_token()
    return TableRegionNode(nodelist, label)
