"""The confirmation of an erasure."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ErasureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Erase this person's data for good. This cannot be undone."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )
