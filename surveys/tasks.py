"""Celery tasks of the survey: thin wrappers that fetch by id and call the invitation and mail services."""

import smtplib

from celery import shared_task

from companies.models import Company

from . import invitations, mail
from .models import Response, Survey


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_submission_confirmation(self, response_id: int) -> int:
    response = Response.objects.select_related("survey", "company").filter(pk=response_id).first()
    if response is None:
        return 0
    try:
        return mail.send_submission_confirmation(response)
    except OSError as error:  # the mail server did not answer; try again later
        raise self.retry(exc=error) from error


@shared_task(bind=True, max_retries=5, default_retry_delay=5 * 60, acks_late=True)
def deliver_invitation(self, survey_id: int, company_id: int, is_reminder: bool = False) -> int | None:
    """Create an invitation and mail its link; returns the invitation's id, or None when nothing went out."""
    survey = Survey.objects.filter(pk=survey_id).first()
    company = Company.objects.filter(pk=company_id).first()
    if survey is None or company is None:
        return None
    try:
        invitation = invitations.invitation_deliver(survey=survey, company=company, is_reminder=is_reminder)
    except (smtplib.SMTPException, OSError) as error:  # nothing was kept; a retry makes a fresh link
        raise self.retry(exc=error) from error
    return invitation.pk if invitation else None


@shared_task
def send_due_reminders() -> int:
    """Run daily by Celery beat: queue the reminders due today."""
    return invitations.reminders_send_due()
