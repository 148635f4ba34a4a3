"""Staff invite organisations from the dashboard: choose whom, see who gets mail and who is skipped, preview the
mail in each contact language, confirm, send. Who is invited is decided by invitations.invitation_plan alone."""

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST

from companies.industries import SECTION_CHOICES
from companies.models import Building, Company, Contact
from teknokyla.core.access import staff_required

from .. import invitations, mail
from ..invitations import InvitationPlan, SkipReason
from ..models import Invitation, Survey
from ..results import current_buildings

# The preview's link has the shape of a real one and opens nothing: each organisation gets its own token.
PREVIEW_TOKEN = "x" * 43


class InviteForm(forms.Form):
    """Whom to invite: every active organisation, those of a building or an industry, or ticked ones."""

    SCOPES = [
        ("all", gettext_lazy("Every organisation not yet invited")),
        ("building", gettext_lazy("The organisations in a building")),
        ("industry", gettext_lazy("The organisations in an industry")),
        ("selected", gettext_lazy("The organisations ticked in the list below")),
    ]

    scope = forms.ChoiceField(
        label=gettext_lazy("Whom to invite"),
        choices=SCOPES,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    building = forms.ModelChoiceField(
        label=gettext_lazy("Building"),
        queryset=Building.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("Choose a building"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    industry = forms.ChoiceField(
        label=gettext_lazy("Industry"),
        required=False,
        choices=[("", gettext_lazy("Choose an industry")), *SECTION_CHOICES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    companies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Organisations"),
        queryset=Company.objects.active(),
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy("%(value)s is not an active organisation of the registry."),
            "invalid_pk_value": gettext_lazy("“%(pk)s” is not an organisation."),
        },
    )
    resend = forms.BooleanField(
        label=gettext_lazy("Re-send a link to organisations already invited or submitted"),
        help_text=gettext_lazy("Their new link replaces the old one: the old link stops working."),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean(self):
        data = super().clean()
        needed = {"building": "building", "industry": "industry", "selected": "companies"}
        field_name = needed.get(data.get("scope"))
        if field_name and not data.get(field_name):
            message = {
                "building": _("Choose the building."),
                "industry": _("Choose the industry."),
                "companies": _("Tick at least one organisation in the list."),
            }[field_name]
            self.add_error(field_name, message)
        return data

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"

    def chosen(self):
        """The organisations of the valid choice, as a queryset (the plan keeps the active ones)."""
        data = self.cleaned_data
        companies = Company.objects.all()
        if data["scope"] == "building":
            return companies.in_building(data["building"])
        if data["scope"] == "industry":
            return companies.filter(industry_section=data["industry"])
        if data["scope"] == "selected":
            return companies.filter(pk__in=[company.pk for company in data["companies"]])
        return companies


class ConfirmForm(InviteForm):
    """The choice again, with the number of recipients staff saw and confirm."""

    expected = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


@dataclass
class Preview:
    language: str
    label: str | Promise
    contacts: int  # how many recipients' contacts read this language
    recipient: str | Promise  # "Name <address>", or an example
    subject: str | Promise
    body: str | Promise


@staff_required
@require_GET
def invite(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    form = InviteForm(request.GET) if request.GET else InviteForm(initial={"scope": "all"})
    context = _page_context(survey, form)
    if form.is_bound and form.is_valid():
        context.update(_plan_context(survey, form))
    return render(request, "surveys/staff/invite.html", context)


@staff_required
@require_POST
def invite_send(request, slug):
    survey = get_object_or_404(Survey, slug=slug)
    confirming = "confirm" in request.POST
    form = (ConfirmForm if confirming else InviteForm)(request.POST)
    if not form.is_valid():
        # A tampered or stale choice: said on the page, nothing sent.
        return render(request, "surveys/staff/invite.html", _page_context(survey, form), status=400)
    if survey.has_closed():
        messages.error(request, _("The survey has closed; no invitations were sent."))
        return redirect("surveys:dashboard", slug=survey.slug)
    if not confirming:
        return render(request, "surveys/staff/invite_confirm.html", {"survey": survey, **_plan_context(survey, form)})
    result = invitations.invitations_send(
        survey=survey,
        companies=form.chosen(),
        resend=form.cleaned_data["resend"],
        expected=form.cleaned_data["expected"],
    )
    if result.changed:
        messages.warning(
            request,
            _("The list changed while you were confirming (a colleague may have sent invitations); check it again."),
        )
        context = {"survey": survey, **_plan_context(survey, form, plan=result.plan)}
        return render(request, "surveys/staff/invite_confirm.html", context, status=409)
    if not result.queued:
        messages.warning(request, _("Nobody of the choice gets an invitation; nothing was sent."))
        return redirect("surveys:dashboard", slug=survey.slug)
    messages.success(
        request,
        ngettext(
            "Invitations are on their way to %(count)d organisation.",
            "Invitations are on their way to %(count)d organisations.",
            result.queued,
        )
        % {"count": result.queued},
    )
    return redirect("surveys:dashboard", slug=survey.slug)


def _page_context(survey: Survey, form: InviteForm) -> dict:
    """The choosing page: the form and every active organisation with its state, for ticking; three queries."""
    overview = invitations.invitation_plan(survey=survey, companies=Company.objects.active())
    states = [(company, "new") for company in overview.recipients]
    states += [(company, reason) for reason, skipped in overview.skipped.items() for company in skipped]
    states.sort(key=lambda row: (row[0].name, row[0].pk))
    buildings = current_buildings([company.pk for company, _state in states])
    ticked = {str(value) for value in form["companies"].value() or ()}
    rows = [
        {"company": c, "state": state, "buildings": buildings.get(c.pk, []), "ticked": str(c.pk) in ticked}
        for c, state in states
    ]
    return {"survey": survey, "form": form, "rows": rows, "is_open": not survey.has_closed()}


def _plan_context(survey: Survey, form: InviteForm, plan: InvitationPlan | None = None) -> dict:
    """Who gets mail, who is skipped and why, and the mail in each contact language."""
    if plan is None:
        plan = invitations.invitation_plan(survey=survey, companies=form.chosen(), resend=form.cleaned_data["resend"])
    skipped = [
        (reason, plan.skipped[reason]) for reason in (SkipReason.SUBMITTED, SkipReason.INVITED, SkipReason.NO_EMAIL)
    ]
    return {
        "plan": plan,
        "back_query": _choice_query(form.cleaned_data),
        "skipped": [(reason, companies) for reason, companies in skipped if companies],
        "previews": _previews(survey, plan),
        "choice": form.cleaned_data,
        "form": form,
    }


def _choice_query(choice: dict) -> str:
    """The choice as the choosing page's query string, for the way back."""
    params = [("scope", choice["scope"])]
    if choice["scope"] == "building":
        params.append(("building", choice["building"].slug))
    elif choice["scope"] == "industry":
        params.append(("industry", choice["industry"]))
    elif choice["scope"] == "selected":
        params += [("companies", company.pk) for company in choice["companies"]]
    if choice["resend"]:
        params.append(("resend", "on"))
    return urlencode(params)


def _previews(survey: Survey, plan: InvitationPlan) -> list[Preview]:
    """The invitation in each contact language, rendered as it is sent; two queries.

    Each preview is addressed to the first recipient's contact who reads that language, or to an example person.
    """
    reachable = Contact.objects.filter(company__in=plan.recipients, erased_at__isnull=True).exclude(email="")
    counts = dict(reachable.values_list("language").annotate(count=Count("pk")).order_by())
    examples = {
        contact.language: contact
        for contact in reachable.select_related("company")
        .order_by("language", "company__name", "company_id", "pk")
        # The first contact of each language: PostgreSQL's DISTINCT ON, in the same order.
        .distinct("language")
    }
    link = Invitation.link_for(PREVIEW_TOKEN)
    previews = []
    for language, label in Contact.Language.choices:
        contact = examples.get(language)
        if contact is None:
            with translation.override(language):
                contact = Contact(name=_("[contact person]"), email="", language=language)
                company = plan.recipients[0] if plan.recipients else Company(name=_("[organisation]"))
            contact.company = company
        message = mail.invitation_message(survey=survey, company=contact.company, contact=contact, link=link)
        recipient = f"{contact.name} <{contact.email}>" if contact.email else contact.name
        previews.append(Preview(language, label, counts.get(language, 0), recipient, message.subject, message.body))
    return previews
