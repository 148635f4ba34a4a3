"""Form widgets of the portal.

`QuickSelect` is Django's `Select` written out in Python: the same HTML, byte for byte, as Django's templates for a
select (`django/forms/widgets/select.html`, `select_option.html`, `attrs.html`), without a template include per
option. A select of a survey's 250 questions took tens of milliseconds to draw through the templates; the results
page has four of them (`surveys/filters.py`). `tests/core/test_widgets.py` compares the two outputs.
"""

from django import forms
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict) -> str:
    """` name="value"` for each attribute as `attrs.html` writes it: False left out, True as a bare name."""
    written = []
    for name, value in attrs.items():
        if value is False:
            continue
        written.append(
            f" {conditional_escape(name)}" if value is True else f' {conditional_escape(name)}="{escape(value)}"'
        )
    return "".join(written)


class QuickSelect(forms.Select):
    """A select drawn in Python, as Django's templates draw it."""

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
            for option in options:
                parts.append(
                    f'\n  <option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                    f"{conditional_escape(option['label'])}</option>\n"  # the option template's last newline
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every name, value and label escaped above
