"""Celery tasks of the survey: thin wrappers that fetch by id and call the mail services."""

from celery import shared_task

from . import mail
from .models import Response


@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True)
def send_submission_confirmation(self, response_id: int) -> int:
    response = Response.objects.select_related("survey", "company").filter(pk=response_id).first()
    if response is None:
        return 0
    try:
        return mail.send_submission_confirmation(response)
    except OSError as error:  # the mail server did not answer; try again later
        raise self.retry(exc=error) from error
