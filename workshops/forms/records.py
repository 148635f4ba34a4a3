"""Forms of the interview and workshop pages: the list filters, the records themselves, and the attachment upload."""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from companies.models import Company, Contact
from teknokyla.core.groups import STAFF_GROUP

from .. import uploads
from ..models import Interview, Theme, Workshop
from ..services import records as services

PLACE_FIELDS = ["building", "room", "place_text", "is_remote"]
MULTI_SELECT_HELP = _("Hold down Ctrl (Cmd on a Mac) to choose more than one.")


class StaffMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class ContactMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, contact):
        return f"{contact.name}, {contact.title}" if contact.title else contact.name


def _staff_users(selected_ids):
    # Someone who has left the staff stays on the records they are already named in.
    staff = Q(is_active=True) & (Q(groups__name=STAFF_GROUP) | Q(is_superuser=True))
    return (
        get_user_model()
        .objects.filter(staff | Q(pk__in=list(selected_ids)))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def _contacts(selected_ids):
    people = Q(erased_at__isnull=True, company__active=True) | Q(pk__in=list(selected_ids))
    ordering = ("company__name", "company_id", "name", "pk")
    return Contact.objects.filter(people).select_related("company").order_by(*ordering)


def _organisations(selected_ids):
    return Company.objects.filter(Q(active=True) | Q(pk__in=list(selected_ids))).order_by("name")


def _themes(selected_ids):
    return Theme.objects.filter(Q(active=True) | Q(pk__in=list(selected_ids)))


def _ids(instance, name: str) -> list[int]:
    return list(getattr(instance, name).values_list("pk", flat=True)) if instance.pk else []


class _RecordForm(forms.ModelForm):
    """What interviews and workshops share: the place, its rule, and the check that people fit the organisations."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].empty_label = _("Not in a building of the village")

    def clean(self):
        cleaned = super().clean()
        if not any(name in self.errors for name in PLACE_FIELDS):
            try:
                services.check_place(
                    building=cleaned.get("building"),
                    room=cleaned.get("room", ""),
                    place_text=cleaned.get("place_text", ""),
                    is_remote=cleaned.get("is_remote", False),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def _check_people(self, people_field: str, companies_field: str) -> None:
        people, companies = self.cleaned_data.get(people_field), self.cleaned_data.get(companies_field)
        if people and companies is not None:
            try:
                services.check_people(people=people, companies=companies, field=people_field)
            except ValidationError as error:
                self.add_error(None, error)


_META_WIDGETS = {
    "held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "notes": forms.Textarea(attrs={"rows": 10}),
    "themes": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
}
_META_HELP = {
    "building": _("Where it was held: a building (and room), another place, or remote."),
    "room": _("For example K101, or the name of the meeting room."),
    "place_text": _("Any other place, or the details of a remote meeting."),
    "notes": _("Markdown: **bold**, *italics*, lists with -, links as [text](https://…)."),
}


class InterviewForm(_RecordForm):
    class Meta:
        model = Interview
        fields = ["companies", "held_at", *PLACE_FIELDS, "interviewers", "contacts", "notes", "themes"]
        field_classes = {"interviewers": StaffMultipleChoiceField, "contacts": ContactMultipleChoiceField}
        widgets = {
            **_META_WIDGETS,
            "companies": forms.SelectMultiple(attrs={"size": 8}),
            "interviewers": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "contacts": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        }
        help_texts = {
            **_META_HELP,
            "companies": MULTI_SELECT_HELP,
            "contacts": _("Only people of the organisations chosen above."),
        }
        error_messages = {"companies": {"required": _("Choose at least one organisation that was interviewed.")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        interview = self.instance
        self.fields["companies"].queryset = _organisations(_ids(interview, "companies"))
        self.fields["interviewers"].queryset = _staff_users(_ids(interview, "interviewers"))
        self.fields["contacts"].queryset = _contacts(_ids(interview, "contacts"))
        self.fields["themes"].queryset = _themes(_ids(interview, "themes"))

    def clean(self):
        cleaned = super().clean()
        self._check_people("contacts", "companies")
        return cleaned


class WorkshopForm(_RecordForm):
    invited_people = ContactMultipleChoiceField(
        label=_("Invited"), queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    attended_people = ContactMultipleChoiceField(
        label=_("Attended"), queryset=Contact.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Workshop
        fields = [
            "title",
            "held_at",
            *PLACE_FIELDS,
            "facilitators",
            "purpose",
            "invited_companies",
            "notes",
            "outcomes",
            "themes",
        ]
        field_classes = {"facilitators": StaffMultipleChoiceField}
        widgets = {
            **_META_WIDGETS,
            "purpose": forms.Textarea(attrs={"rows": 3}),
            "outcomes": forms.Textarea(attrs={"rows": 6}),
            "facilitators": forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
            "invited_companies": forms.SelectMultiple(attrs={"size": 8}),
        }
        help_texts = {**_META_HELP, "invited_companies": MULTI_SELECT_HELP, "outcomes": _META_HELP["notes"]}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        workshop = self.instance
        rows = list(workshop.participations.all()) if workshop.pk else []
        self.fields["facilitators"].queryset = _staff_users(_ids(workshop, "facilitators"))
        self.fields["invited_companies"].queryset = _organisations(_ids(workshop, "invited_companies"))
        self.fields["themes"].queryset = _themes(_ids(workshop, "themes"))
        people = _contacts(row.contact_id for row in rows)
        for name in ("invited_people", "attended_people"):
            self.fields[name].queryset = people
            self.fields[name].widget.attrs["class"] = "form-check-input"
        self.initial.setdefault("invited_people", [row.contact_id for row in rows if row.invited])
        self.initial.setdefault("attended_people", [row.contact_id for row in rows if row.attended])

    def clean(self):
        cleaned = super().clean()
        self._check_people("invited_people", "invited_companies")
        self._check_people("attended_people", "invited_companies")
        return cleaned

    def people_rows(self):
        """(invited checkbox, attended checkbox) per person, in the order of the people list."""
        attended = {str(box.data["value"]): box for box in self["attended_people"]}
        return [(box, attended[str(box.data["value"])]) for box in self["invited_people"]]


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_(
            "A photo (PNG, JPEG), a PDF, or an Excel, Word or PowerPoint file (XLSX, DOCX, PPTX), up to 20 MB."
        ),
        widget=forms.FileInput(attrs={"accept": uploads.ACCEPT}),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)

    def __init__(self, *args, sent_names=(), too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.sent_names, self.too_large = list(sent_names), too_large
        self.file_type = None

    def clean_file(self):
        if self.too_large:
            raise ValidationError(_("The file is too large. The largest allowed is 20 MB."), code="too_large")
        # Django cuts a path off the name before this form sees the file; the name as sent tells.
        for name in self.sent_names:
            uploads.check_file_name(name)
        upload = self.cleaned_data.get("file")
        if not upload:
            raise ValidationError(_("Choose a file to upload."), code="required")
        self.file_type = uploads.check_upload(upload)
        return upload
