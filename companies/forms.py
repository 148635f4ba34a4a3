"""Forms of the registry's staff pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

MAX_IMPORT_BYTES = 5 * 1024 * 1024
TOO_LARGE_MESSAGE = _("The file is larger than 5 MB.")


class CompanyImportForm(forms.Form):
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_(
            "The first line names the columns, in Finnish, Swedish or English, in any order. "
            "Download a template below to start from."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Use a CSV or XLSX file."))
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(TOO_LARGE_MESSAGE)
        return upload


class ImportConfirmForm(forms.Form):
    """The confirmation of a previewed import: the file's hash as previewed, and the warnings accepted."""

    sha256 = forms.CharField(widget=forms.HiddenInput, max_length=64, min_length=64)
    accept_warnings = forms.BooleanField(
        label=_("I have read the warnings and want to import the file anyway"), required=False
    )

    def __init__(self, *args, warnings: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not warnings:
            del self.fields["accept_warnings"]
        else:
            self.fields["accept_warnings"].required = True
