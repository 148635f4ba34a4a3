"""Admin of the survey: pages, questions and choices in fi/sv/en; responses and answers with history; invitations;
the mail still owed to companies.

Once a survey has answers, a question's type and a choice's stored value are
read-only, so answers already given keep their meaning. No bulk delete of
responses or answers: that is how survey tools lose data. Answers are read-only
here: staff correct them on the response's staff page, through the company's
own form and with a reason (surveys.views.responses).
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline
from simple_history.admin import SimpleHistoryAdmin

from companies.models import Company

from . import invitations
from .invitations import ReminderOutcome, SurveyClosedError
from .models import Answer, Choice, Invitation, OutgoingMail, Question, Response, Section, Survey


def survey_has_answers(survey_id: int | None) -> bool:
    """True once any response of the survey holds an answer."""
    return survey_id is not None and Answer.objects.filter(response__survey_id=survey_id).exists()


def _without_delete_selected(actions: dict) -> dict:
    actions.pop("delete_selected", None)
    return actions


class LockableForm(forms.ModelForm):
    """Disables `locked_fields` on rows already saved; new rows stay editable."""

    locked_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in self.locked_fields:
                if name in self.fields:
                    self.fields[name].disabled = True


class LockedOnceAnsweredInline(TranslationTabularInline):
    """An inline whose `locked_once_answered` fields are read-only on saved rows once the survey has answers."""

    locked_once_answered: tuple[str, ...] = ()

    def survey_id_of(self, parent) -> int | None:
        raise NotImplementedError

    def get_formset(self, request, obj=None, **kwargs):
        form = kwargs.get("form", self.form)
        if obj is not None and survey_has_answers(self.survey_id_of(obj)):
            kwargs["form"] = type(
                "Locked" + form.__name__, (LockableForm, form), {"locked_fields": self.locked_once_answered}
            )
        return super().get_formset(request, obj, **kwargs)


# The survey and its pages ---------------------------------------------------


class SectionInline(TranslationTabularInline):
    model = Section
    fields = ["order", "title"]
    extra = 0
    show_change_link = True


@admin.register(Survey)
class SurveyAdmin(TranslationAdmin):
    list_display = ["title", "slug", "opens_at", "closes_at", "is_open_now", "retention_date"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [SectionInline]
    actions = ["send_invitations"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "introduction", "thank_you_text"]}),
        (_("Schedule"), {"fields": ["opens_at", "closes_at", "reminder_days"]}),
        (_("Privacy"), {"fields": ["retention_until", "anonymised_at"]}),
    ]
    readonly_fields = ["anonymised_at"]

    @admin.display(description=_("answers kept until"))
    def retention_date(self, survey):
        return survey.retention_date

    @admin.display(description=_("open now"), boolean=True)
    def is_open_now(self, survey):
        return survey.is_open()

    @admin.action(description=_("Send invitations to all active organisations not yet invited"), permissions=["change"])
    def send_invitations(self, request, queryset):
        # The same rule as the dashboard's invitation page: the already invited and the submitted are skipped.
        for survey in queryset:
            try:
                result = invitations.invitations_send(survey=survey, companies=Company.objects.active())
            except SurveyClosedError:
                self.message_user(
                    request,
                    _("“%(survey)s” has closed; no invitations were sent.") % {"survey": survey},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "Invitations of “%(survey)s” are on their way to %(count)d organisation.",
                    "Invitations of “%(survey)s” are on their way to %(count)d organisations.",
                    result.queued,
                )
                % {"survey": survey, "count": result.queued},
                messages.SUCCESS,
            )
            if result.skipped_as_invited:
                self.message_user(
                    request,
                    ngettext(
                        "Skipped %(count)d organisation already invited or submitted.",
                        "Skipped %(count)d organisations already invited or submitted.",
                        result.skipped_as_invited,
                    )
                    % {"count": result.skipped_as_invited},
                    messages.INFO,
                )
            if result.skipped:
                self.message_user(
                    request,
                    _("No contact with an e-mail address, so no invitation: %(names)s")
                    % {"names": ", ".join(company.name for company in result.skipped)},
                    messages.WARNING,
                )


class QuestionInline(LockedOnceAnsweredInline):
    model = Question
    fields = ["order", "code", "text", "type", "required"]
    extra = 0
    show_change_link = True
    locked_once_answered = ("type",)

    def survey_id_of(self, section):
        return section.survey_id


@admin.register(Section)
class SectionAdmin(TranslationAdmin):
    list_display = ["title", "survey", "order"]
    list_filter = ["survey"]
    search_fields = ["title"]
    list_select_related = ["survey"]
    inlines = [QuestionInline]


class ChoiceInline(LockedOnceAnsweredInline):
    model = Choice
    fields = ["order", "value", "label"]
    extra = 0
    locked_once_answered = ("value",)

    def survey_id_of(self, question):
        return question.section.survey_id


@admin.register(Question)
class QuestionAdmin(TranslationAdmin):
    list_display = ["code", "text", "type", "required", "section"]
    list_filter = ["section__survey", "type", "required"]
    search_fields = ["code", "text"]
    list_select_related = ["section"]
    inlines = [ChoiceInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and survey_has_answers(obj.section.survey_id):
            readonly.append("type")
        return readonly


# Responses and answers ------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return Response.Status.choices

    def queryset(self, request, queryset):
        if self.value() in Response.Status.values:
            return queryset.filter(Response.status_condition(self.value()))
        return queryset


def _staff_page_link(response: Response) -> str:
    url = reverse("surveys:response", args=[response.survey.slug, response.pk])
    return format_html(
        '<a href="{}">{}</a>', url, _("Read and correct the answers on the response page (with a reason)")
    )


class NoRevertHistoryAdmin(SimpleHistoryAdmin):
    """The history is read, never reverted: a revert would store an old value past the form and its reason."""

    def has_change_history_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class AnswerInline(admin.TabularInline):
    """The answers as stored, read-only: a correction goes through the response page's form."""

    model = Answer
    readonly_fields = fields = ("question", "value", "other_text", "updated_at")
    extra = 0
    max_num = 0
    can_delete = False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("question")
            .order_by("question__section__order", "question__order")
        )


@admin.register(Response)
class ResponseAdmin(NoRevertHistoryAdmin):
    list_display = ["company", "survey", "status_label", "submitted_at", "last_saved_at"]
    list_filter = ["survey", StatusFilter, "company__industry_section", "company__kind"]
    search_fields = ["company__name", "company__business_id"]
    list_select_related = ["company", "survey"]
    fields = [
        "staff_page",
        "survey",
        "company",
        "first_opened_at",
        "last_saved_at",
        "submitted_at",
        "reminder_days_sent",
        "created_at",
    ]
    readonly_fields = fields
    inlines = [AnswerInline]
    actions = ["send_reminders", "send_new_links"]

    @admin.display(description=_("changes"))
    def staff_page(self, response):
        return _staff_page_link(response)

    @admin.display(description=_("status"))
    def status_label(self, response):
        return response.status.label

    def has_add_permission(self, request):
        return False  # a response is made by the first invitation

    def has_change_permission(self, request, obj=None):
        # The changelist's actions (reminders, new links) need the right; one response's page is read-only.
        return obj is None and super().has_change_permission(request, obj)

    def get_actions(self, request):
        return _without_delete_selected(super().get_actions(request))

    @admin.action(description=_("Send a reminder to the selected organisations"), permissions=["change"])
    def send_reminders(self, request, queryset):
        outcomes = [
            invitations.reminder_send(survey=response.survey, company=response.company, manual=True)
            for response in queryset
        ]
        queued = outcomes.count(ReminderOutcome.QUEUED)
        self.message_user(
            request,
            ngettext("%(count)d reminder is on its way.", "%(count)d reminders are on their way.", queued)
            % {"count": queued},
            messages.SUCCESS,
        )
        if queued < len(outcomes):
            self.message_user(
                request,
                ngettext(
                    "%(count)d organisation got no reminder: it has submitted, has no e-mail address, "
                    "got mail from the survey less than an hour ago, or the survey is not open.",
                    "%(count)d organisations got no reminder: they have submitted, have no e-mail address, "
                    "got mail from the survey less than an hour ago, or the survey is not open.",
                    len(outcomes) - queued,
                )
                % {"count": len(outcomes) - queued},
                messages.WARNING,
            )

    @admin.action(
        description=_("Send a new invitation link to the selected organisations (the old link stops working)"),
        permissions=["change"],
    )
    def send_new_links(self, request, queryset):
        queued = 0
        for survey in Survey.objects.filter(pk__in=queryset.values("survey_id")):
            companies = Company.objects.filter(survey_responses__in=queryset.filter(survey=survey))
            try:
                queued += invitations.invitations_send(survey=survey, companies=companies, resend=True).queued
            except SurveyClosedError:
                continue
        self.message_user(
            request,
            ngettext("%(count)d invitation is on its way.", "%(count)d invitations are on their way.", queued)
            % {"count": queued},
            messages.SUCCESS,
        )
        missed = queryset.count() - queued
        if missed:
            self.message_user(
                request,
                ngettext(
                    "%(count)d organisation got no new link: no e-mail address, not active, or the survey has closed.",
                    "%(count)d organisations got no new link: no e-mail address, not active, or the survey has closed.",
                    missed,
                )
                % {"count": missed},
                messages.WARNING,
            )


@admin.register(Answer)
class AnswerAdmin(NoRevertHistoryAdmin):
    list_display = ["response", "question_code", "value", "updated_at"]
    list_filter = ["response__survey"]
    search_fields = ["response__company__name", "question__code"]
    list_select_related = ["response__company", "response__survey", "question"]
    fields = ["staff_page", "response", "question", "value", "other_text", "updated_at"]
    readonly_fields = fields

    @admin.display(description=_("question"), ordering="question__code")
    def question_code(self, answer):
        return answer.question.code

    @admin.display(description=_("changes"))
    def staff_page(self, answer):
        return _staff_page_link(answer.response)

    def has_add_permission(self, request):
        return False  # answers come from the survey pages

    def has_change_permission(self, request, obj=None):
        # Read-only: a raw JSON value could hold what the company's form refuses (a label for a code, a bad date).
        return False

    def get_actions(self, request):
        return _without_delete_selected(super().get_actions(request))


# Invitations -----------------------------------------------------------------


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["company", "survey", "is_reminder", "sent_at", "last_opened_at", "revoked"]
    list_filter = ["survey", "is_reminder", "revoked"]
    search_fields = ["company__name", "company__business_id"]
    list_select_related = ["company", "survey"]
    # The token hash is never shown: it is the key to the company's answers.
    fields = ["survey", "company", "sent_to", "is_reminder", "created_at", "sent_at", "last_opened_at", "revoked"]
    readonly_fields = ["survey", "company", "sent_to", "is_reminder", "created_at", "sent_at", "last_opened_at"]
    actions = ["revoke"]

    @admin.display(description=_("sent to"))
    def sent_to(self, invitation):
        return ", ".join(f"{contact.name} <{contact.email}>" for contact in invitation.contacts.all()) or "–"

    def has_add_permission(self, request):
        return False  # a link is made with its token by the invitation services

    @admin.action(description=_("Revoke selected invitations"), permissions=["change"])
    def revoke(self, request, queryset):
        count = invitations.invitations_revoke(invitations=queryset)
        self.message_user(
            request,
            ngettext("%(count)d invitation revoked.", "%(count)d invitations revoked.", count) % {"count": count},
            messages.SUCCESS,
        )


class OwedFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "owed"

    def lookups(self, request, model_admin):
        return [("yes", _("still owed")), ("no", _("handled"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(done_at__isnull=True)
        if self.value() == "no":
            return queryset.filter(done_at__isnull=False)
        return queryset


@admin.register(OutgoingMail)
class OutgoingMailAdmin(admin.ModelAdmin):
    """Read only: staff see which mails are still owed (the broker was down, the mail server refused) and why."""

    list_display = ["kind", "company", "survey", "queued_at", "done_at", "attempts", "last_error"]
    list_filter = [OwedFilter, "kind", "survey"]
    search_fields = ["company__name", "company__business_id"]
    list_select_related = ["company", "survey"]

    def has_add_permission(self, request):
        return False  # owed mail is recorded by the survey's services, in the transaction that owes it

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # deleting a row would silently drop a mail a company is owed
