"""Invitations and reminders: a link per company, its token stored only as a hash, one response per company.

Each mail is owed first (an OutgoingMail row, see outbox.py); the worker that
sends it creates the invitation itself, so the raw token never travels
through the broker nor waits in a table.
"""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from companies.models import Company, Contact

from . import mail, outbox
from .models import Invitation, OutgoingMail, Response, Survey


class SurveyClosedError(Exception):
    """Invitations or reminders were asked for after the survey's deadline."""


def response_for(*, survey: Survey, company: Company) -> Response:
    """The company's one response to the survey, made on first need."""
    response, _created = Response.objects.get_or_create(survey=survey, company=company)
    return response


@transaction.atomic
def invitation_create(*, survey: Survey, company: Company, contacts=(), is_reminder: bool = False):
    """A new invitation with a fresh token; returns (invitation, token). The token is not stored."""
    token, token_hash = Invitation.new_token()
    invitation = Invitation.objects.create(
        survey=survey,
        company=company,
        response=response_for(survey=survey, company=company),
        token_hash=token_hash,
        is_reminder=is_reminder,
    )
    if contacts:
        invitation.contacts.set(contacts)
    return invitation, token


def mail_contacts(company: Company) -> QuerySet[Contact]:
    """The company's contacts that mail can reach: not erased, with an address."""
    return company.contacts.filter(erased_at__isnull=True).exclude(email="")


def _reachable():
    return Exists(Contact.objects.filter(company=OuterRef("pk"), erased_at__isnull=True).exclude(email=""))


class SkipReason:
    """Why an organisation gets no invitation; the order is the order in which the rule asks."""

    SUBMITTED = "submitted"
    INVITED = "invited"  # has a link already, or its invitation mail is on its way
    NO_EMAIL = "no_email"  # no contact with an e-mail address

    ALL = (SUBMITTED, INVITED, NO_EMAIL)


@dataclass
class InvitationPlan:
    """Who of the chosen active organisations gets an invitation now, and who is skipped and why."""

    recipients: list[Company] = field(default_factory=list)
    skipped: dict[str, list[Company]] = field(default_factory=lambda: {reason: [] for reason in SkipReason.ALL})

    @property
    def skipped_count(self) -> int:
        return sum(len(companies) for companies in self.skipped.values())


@dataclass
class SendResult:
    queued: int = 0
    plan: InvitationPlan = field(default_factory=InvitationPlan)
    changed: bool = False  # nothing was sent: the number of recipients was no longer the one staff confirmed

    @property
    def skipped(self) -> list[Company]:
        """The organisations skipped for want of an e-mail address."""
        return self.plan.skipped[SkipReason.NO_EMAIL]

    @property
    def skipped_as_invited(self) -> int:
        """How many were skipped as already invited or submitted."""
        return len(self.plan.skipped[SkipReason.INVITED]) + len(self.plan.skipped[SkipReason.SUBMITTED])


def _as_queryset(companies) -> QuerySet[Company]:
    if isinstance(companies, QuerySet):
        return companies
    return Company.objects.filter(pk__in=[company.pk for company in companies])


def invitation_plan(*, survey: Survey, companies, resend: bool = False) -> InvitationPlan:
    """The one rule of who is invited, in one query: active organisations with an e-mail address that have not
    submitted and have no invitation yet (sent, or owed and on its way); with `resend`, those too get a new link.
    """
    has_invitation = Exists(Invitation.objects.filter(survey=survey, company=OuterRef("pk"))) | Exists(
        # Owed and still to be tried; one the sweep has given up on invites nobody.
        OutgoingMail.objects.filter(
            survey=survey,
            company=OuterRef("pk"),
            kind=OutgoingMail.Kind.INVITATION,
            done_at__isnull=True,
            attempts__lt=outbox.MAX_ATTEMPTS,
        )
    )
    submitted = Exists(Response.objects.filter(survey=survey, company=OuterRef("pk"), submitted_at__isnull=False))
    rows = (
        _as_queryset(companies)
        .filter(active=True)
        .annotate(reachable=_reachable(), invited=has_invitation, submitted=submitted)
        .order_by("name", "pk")
    )
    plan = InvitationPlan()
    for company in rows:
        if company.submitted and not resend:
            plan.skipped[SkipReason.SUBMITTED].append(company)
        elif company.invited and not resend:
            plan.skipped[SkipReason.INVITED].append(company)
        elif not company.reachable:
            plan.skipped[SkipReason.NO_EMAIL].append(company)
        else:
            plan.recipients.append(company)
    return plan


def invitations_send(*, survey: Survey, companies, resend: bool = False, expected: int | None = None) -> SendResult:
    """Owe an invitation e-mail to each organisation the plan's rule lets through; the mails go after commit.

    With `resend`, organisations already invited or submitted get a new link that replaces their old one (revoked
    when the new one is sent). With `expected`, nothing is sent unless that many would get mail: staff confirmed
    a number, and a colleague may have sent some meanwhile.
    """
    if survey.has_closed():
        raise SurveyClosedError(survey.slug)
    with transaction.atomic():
        # One sender at a time per survey: a double click or two colleagues never owe the same invitation twice.
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        plan = invitation_plan(survey=survey, companies=companies, resend=resend)
        if expected is not None and expected != len(plan.recipients):
            return SendResult(plan=plan, changed=True)
        owed = outbox.mails_owe(
            kind=OutgoingMail.Kind.INVITATION, survey=survey, companies=plan.recipients, replaces_links=resend
        )
    return SendResult(queued=len(owed), plan=plan)


def invitation_deliver(
    *, survey: Survey, company: Company, is_reminder: bool = False, replace: bool = False
) -> Invitation | None:
    """Create a fresh invitation and mail its link to each contact; None when nothing should go out.

    Checked here, at send time: the survey is still open, the company active,
    and for a reminder that the company has not submitted meanwhile. A failed
    send raises and leaves no invitation behind. With `replace`, the company's
    earlier links stop working in the same transaction, so a failed send keeps them.
    """
    if survey.has_closed() or not company.active:
        return None
    if is_reminder and Response.objects.filter(survey=survey, company=company, submitted_at__isnull=False).exists():
        return None
    contacts = list(mail_contacts(company))
    if not contacts:
        return None
    with transaction.atomic():
        if replace:
            invitations_revoke(invitations=Invitation.objects.filter(survey=survey, company=company))
        invitation, token = invitation_create(
            survey=survey, company=company, contacts=contacts, is_reminder=is_reminder
        )
        mail.send_invitation(invitation=invitation, token=token, contacts=contacts)
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
    return invitation


def invitations_revoke(*, invitations: QuerySet[Invitation]) -> int:
    """Make the links of the invitations stop working; returns how many were revoked now."""
    return invitations.filter(revoked=False).update(revoked=True)


# Reminders -----------------------------------------------------------------


class ReminderOutcome:
    QUEUED = "queued"
    CLOSED = "closed"  # not open: before the opening or after the deadline
    NOT_INVITED = "not_invited"
    NO_EMAIL = "no_email"
    SUBMITTED = "submitted"
    ALREADY_SENT = "already_sent"  # today's reminder has gone already
    RECENTLY_SENT = "recently_sent"  # a manual reminder within MANUAL_REMINDER_GAP of the last mail


# A manual reminder waits this long after the company's last invitation or reminder: a double click, or two staff
# members pressing the button at once, sends one mail.
MANUAL_REMINDER_GAP = datetime.timedelta(hours=1)


def reminder_candidates(*, survey: Survey) -> QuerySet[Response]:
    """Responses of invited, active companies that have not submitted."""
    return (
        survey.responses.filter(submitted_at__isnull=True, company__active=True)
        .filter(Exists(Invitation.objects.filter(response=OuterRef("pk"))))
        .select_related("company")
        .order_by("company__name", "pk")
    )


def reminders_due(*, survey: Survey, now: datetime.datetime) -> list[Response]:
    """The responses owed a reminder today: today is a reminder day and theirs has not gone yet."""
    if not survey.is_open(now):
        return []
    day = survey.days_to_deadline(now)
    if day not in survey.reminder_days:
        return []
    return list(reminder_candidates(survey=survey).exclude(reminder_days_sent__contains=[day]))


def reminder_send(*, survey: Survey, company: Company, manual: bool = False, now=None) -> str:
    """Queue one reminder with a fresh link to one company; returns a ReminderOutcome.

    Only an invited company gets a reminder, however it is asked for (beat, the
    dashboard's button, the admin). A scheduled (not manual) reminder records
    today's days-before value in the response, so each day's reminder goes at
    most once per company. Whether the company has submitted is checked here and
    again when the mail is sent.
    """
    now = now or timezone.now()
    if not survey.is_open(now):
        return ReminderOutcome.CLOSED
    response = Response.objects.filter(survey=survey, company=company).first()
    if response is None or not response.invitations.exists():
        return ReminderOutcome.NOT_INVITED
    if not mail_contacts(company).exists():
        return ReminderOutcome.NO_EMAIL
    with transaction.atomic():
        # The lock makes two runs on the same day (beat and a staff member) agree on who sends.
        response = Response.objects.select_for_update().get(pk=response.pk)
        if response.is_submitted:
            return ReminderOutcome.SUBMITTED
        if not manual:
            day = survey.days_to_deadline(now)
            if day in response.reminder_days_sent:
                return ReminderOutcome.ALREADY_SENT
            response.reminder_days_sent = [*response.reminder_days_sent, day]
            response.save(update_fields=["reminder_days_sent"])
        if manual and _mailed_recently(survey=survey, company=company, now=now):
            return ReminderOutcome.RECENTLY_SENT
        outbox.mail_owe(kind=OutgoingMail.Kind.REMINDER, survey=survey, company=company)
    return ReminderOutcome.QUEUED


def _mailed_recently(*, survey: Survey, company: Company, now) -> bool:
    """Whether the company's invitation or a reminder was queued within MANUAL_REMINDER_GAP."""
    return OutgoingMail.objects.filter(
        survey=survey,
        company=company,
        kind__in=[OutgoingMail.Kind.INVITATION, OutgoingMail.Kind.REMINDER],
        queued_at__gte=now - MANUAL_REMINDER_GAP,
    ).exists()


def reminders_send_due(*, now=None) -> int:
    """Queue today's reminders of every open survey; returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    for survey in Survey.objects.filter(opens_at__lte=now, closes_at__gte=now):
        for response in reminders_due(survey=survey, now=now):
            outcome = reminder_send(survey=survey, company=response.company, now=now)
            queued += outcome == ReminderOutcome.QUEUED
    return queued


def owed_mail_send(owed: OutgoingMail) -> None:
    """Send an owed mail (see outbox.mail_deliver), or nothing when it is no longer due, judged at send time."""
    if owed.kind == OutgoingMail.Kind.CONFIRMATION:
        submitted = Response.objects.filter(survey=owed.survey, company=owed.company, submitted_at__isnull=False)
        response = submitted.select_related("survey", "company").first()
        if response is not None:
            mail.send_submission_confirmation(response)
        return
    # The invitation is made here, at send time: the raw token never waits in a table or travels through the broker.
    invitation_deliver(
        survey=owed.survey,
        company=owed.company,
        is_reminder=owed.kind == OutgoingMail.Kind.REMINDER,
        replace=owed.replaces_links,
    )
