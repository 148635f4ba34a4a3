"""Forms of the registry's staff pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .importing import IMPORT_HELP
from .industries import SECTION_CHOICES
from .models import Building, Company

MAX_IMPORT_BYTES = 5 * 1024 * 1024
TOO_LARGE_MESSAGE = _("The file is larger than 5 MB.")


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    building = forms.ModelChoiceField(
        label=_("Building"),
        queryset=Building.objects.all(),
        to_field_name="slug",
        required=False,
        empty_label=_("All buildings"),
    )
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("All industries"))] + SECTION_CHOICES
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds"))] + Company.Kind.choices)

    def filter(self, queryset):
        """Apply the valid filters to a Company queryset."""
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.filter(name__icontains=data["q"]) | queryset.filter(business_id__icontains=data["q"])
        if data.get("building"):
            queryset = queryset.in_building(data["building"])
        if data.get("industry"):
            queryset = queryset.filter(industry_section=data["industry"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        return queryset


class CompanyImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=IMPORT_HELP,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(label=_("Only check the file, change nothing"), required=False, initial=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Use a CSV or XLSX file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(TOO_LARGE_MESSAGE)
        return upload
