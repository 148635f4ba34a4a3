"""Celery tasks of the survey: thin wrappers around the outgoing mail and the reminders, with their retry policy."""

from celery import shared_task

from . import invitations, outbox


# No result is kept: nobody reads it, and a web request that queues the mail need not reach the result backend.
@shared_task(bind=True, max_retries=5, default_retry_delay=60, acks_late=True, ignore_result=True)
def deliver_mail(self, mail_id: int) -> None:
    """Send one owed mail (a confirmation, an invitation or a reminder); a second delivery does nothing."""
    try:
        outbox.mail_deliver(mail_id=mail_id, send=invitations.owed_mail_send)
    except OSError as error:  # the mail server did not answer; try again later (smtplib's errors are OSErrors)
        raise self.retry(exc=error) from error


@shared_task(ignore_result=True)
def sweep_outgoing_mail() -> list[int]:
    """Run every two minutes by Celery beat: send again the mail that no worker took in time."""
    return outbox.mails_sweep()


@shared_task
def send_due_reminders() -> int:
    """Run daily by Celery beat: queue the reminders due today."""
    return invitations.reminders_send_due()
