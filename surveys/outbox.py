"""The survey's outgoing mail: owed in the transaction that owes it, sent by a worker, swept when it got stuck.

A submit, an invitation or a reminder writes an OutgoingMail row with its own change, so the mail is as durable
as the answers. After the commit the row's id goes to the Celery broker; when the broker (Redis) is down that
send fails fast, is logged, and the page answers as usual. Celery beat's sweep sends what is still owed once the
broker is back. Sending locks the row and marks it done in the same transaction: a mail marked done is never sent
again, whoever else (a second worker, the sweep's copy of the message) picks it up.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from companies.models import Company
from teknokyla.core import jobs

from .models import OutgoingMail, Survey

logger = logging.getLogger(__name__)

Kind = OutgoingMail.Kind

# Owed this long and never tried: its message never reached a worker (the broker was down, or the message was lost).
SWEEP_AFTER = timedelta(minutes=2)
# Tried, failed, and quiet this long: the task's own retries (5 a minute apart) are over or were lost.
RETRY_AFTER = timedelta(minutes=15)
# Tries after which the sweep leaves a mail alone; it stays in the table with its last error.
MAX_ATTEMPTS = 30
# The task that sends one owed mail (surveys/tasks.py), by its registered name.
DELIVER_TASK = "surveys.tasks.deliver_mail"


def mails_owe(
    *, kind: str, survey: Survey, companies: Iterable[Company], replaces_links: bool = False
) -> list[OutgoingMail]:
    """Record one mail of `kind` owed to each company; they go to the worker once the transaction commits."""
    owed = OutgoingMail.objects.bulk_create(
        OutgoingMail(kind=kind, survey=survey, company=company, replaces_links=replaces_links) for company in companies
    )
    jobs.enqueue_on_commit(DELIVER_TASK, [row.pk for row in owed])
    return owed


def mail_owe(*, kind: str, survey: Survey, company: Company) -> OutgoingMail:
    """Record one mail owed to one company; it goes to the worker once the transaction commits."""
    return mails_owe(kind=kind, survey=survey, companies=[company])[0]


def mails_enqueue(*, mail_ids: list[int]) -> int:
    """Send owed mails to the worker queue now; returns how many the broker took (see teknokyla/core/jobs.py)."""
    return jobs.enqueue_each(DELIVER_TASK, mail_ids)


def mail_deliver(*, mail_id: int, send: Callable[[OutgoingMail], None]) -> OutgoingMail | None:
    """Send one owed mail with `send` and mark it done; None when it is done already or another worker sends it now.

    `send` is the senders' own (`invitations.owed_mail_send`): it sends the mail, or nothing when it is no longer
    due. A failed send is recorded on the row and raised: the task retries when the mail server did not answer.
    """
    failure = None
    with transaction.atomic():
        owed = (
            OutgoingMail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("survey", "company")
            .filter(pk=mail_id, done_at__isnull=True)
            .first()
        )
        if owed is None:
            return None
        owed.attempts += 1
        owed.tried_at = timezone.now()
        try:
            with transaction.atomic():  # a failed send leaves nothing of its own behind (no invitation, no link)
                send(owed)
        except Exception as error:  # kept on the row, so a mail that keeps failing is tried a bounded number of times
            failure = error
            owed.last_error = jobs.error_text(error)
        else:
            owed.done_at = timezone.now()
            owed.last_error = ""
        owed.save(update_fields=["attempts", "tried_at", "done_at", "last_error"])
    if failure is not None:
        log = logger.error if owed.attempts >= MAX_ATTEMPTS else logger.warning
        log("Mail %s (%s to %s) not sent, attempt %s: %s", owed.pk, owed.kind, owed.company, owed.attempts, failure)
        raise failure
    return owed


def mails_sweep(*, now: datetime | None = None) -> list[int]:
    """Send again the mails still owed that no worker took in time; returns their ids."""
    now = now or timezone.now()
    stuck = Q(attempts=0, queued_at__lt=now - SWEEP_AFTER) | Q(attempts__gt=0, tried_at__lt=now - RETRY_AFTER)
    with transaction.atomic():
        # Rows a worker is sending right now are locked, and skipped.
        mail_ids = list(
            OutgoingMail.objects.select_for_update(skip_locked=True)
            .filter(stuck, done_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
            .values_list("pk", flat=True)
        )
        jobs.enqueue_on_commit(DELIVER_TASK, mail_ids)
    if mail_ids:
        logger.info("Outgoing mail sweep: sent %s owed mail(s) to the worker again", len(mail_ids))
    return mail_ids
