"""The search page's form: the words and the filters (kind, theme, building, dates)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from companies.models import Building
from workshops.models import Theme

from .models import Entry
from .query import Filters


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search words"), required=False, max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    theme = forms.TypedChoiceField(label=_("Theme"), required=False, coerce=int, empty_value=None)
    building = forms.TypedChoiceField(label=_("Building"), required=False, coerce=int, empty_value=None)
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["kind"].choices = everything + list(Entry.Kind.choices)
        # One query each; the choices also validate the posted ids, so no query per value.
        self.fields["theme"].choices = everything + [(t.pk, t.name) for t in Theme.objects.all()]
        self.fields["building"].choices = everything + list(Building.objects.order_by("name").values_list("pk", "name"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date cannot be before the start date."))
        return cleaned

    def filters(self) -> Filters:
        """The chosen filters, for search.query.search."""
        data = self.cleaned_data
        return Filters(
            kinds=[data["kind"]] if data.get("kind") else [],
            theme_id=data.get("theme"),
            building_id=data.get("building"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
