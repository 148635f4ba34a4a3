"""Outgoing mail: owed with the change that owes it, sent once even when workers race, swept when it got stuck."""

import importlib
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from surveys import invitations, outbox, tasks
from surveys.models import OutgoingMail
from teknokyla.celery import app

from ..factories import CompanyFactory, ContactFactory, SurveyFactory
from ..reports.builds_support import broker_down

Kind = OutgoingMail.Kind


def owed_invitation(**fields) -> OutgoingMail:
    company = CompanyFactory()
    ContactFactory(company=company, email=f"contact-{company.pk}@example.fi")
    return OutgoingMail.objects.create(kind=Kind.INVITATION, survey=SurveyFactory(), company=company, **fields)


@pytest.mark.django_db
class TestSweep:
    def test_sends_again_only_what_no_worker_took_in_time(self):
        now = timezone.now()
        long_ago = now - outbox.SWEEP_AFTER - timedelta(seconds=1)
        lost = owed_invitation(queued_at=long_ago)
        owed_invitation(queued_at=now - timedelta(seconds=30))  # its message may still be on its way
        owed_invitation(queued_at=long_ago, done_at=now)
        # Failed lately: the task's own retries are still running.
        owed_invitation(queued_at=long_ago, attempts=2, tried_at=now - timedelta(minutes=1))
        quiet = owed_invitation(
            queued_at=long_ago, attempts=2, tried_at=now - outbox.RETRY_AFTER - timedelta(seconds=1)
        )
        owed_invitation(queued_at=long_ago, attempts=outbox.MAX_ATTEMPTS, tried_at=long_ago - outbox.RETRY_AFTER)

        assert sorted(outbox.mails_sweep(now=now)) == sorted([lost.pk, quiet.pk])

    def test_the_schedule_exists_after_migrations(self):
        task = PeriodicTask.objects.select_related("interval").get(name="Outgoing mail sweep")
        assert task.task == tasks.sweep_outgoing_mail.name == "surveys.tasks.sweep_outgoing_mail" and task.enabled
        assert (task.interval.every, task.interval.period) == (2, IntervalSchedule.MINUTES)
        assert task.task in app.tasks

    def test_the_schedule_migration_can_run_again_and_be_reversed(self):
        migration = importlib.import_module("surveys.migrations.0005_mail_sweep_schedule")
        state_apps = MigrationLoader(connection).project_state(("surveys", "0005_mail_sweep_schedule")).apps
        for _run in range(2):
            migration.create_schedule(state_apps, None)
        assert PeriodicTask.objects.filter(name="Outgoing mail sweep").count() == 1
        migration.remove_schedule(state_apps, None)
        assert not PeriodicTask.objects.filter(name="Outgoing mail sweep").exists()


@pytest.mark.django_db
def test_with_the_broker_down_the_batch_stops_at_the_first_failure_and_the_mail_stays_owed(settings, caplog):
    owed = [owed_invitation() for _ in range(3)]
    with broker_down(settings), caplog.at_level(logging.WARNING, logger="teknokyla.core.jobs"):
        assert outbox.mails_enqueue(mail_ids=[row.pk for row in owed]) == 0
    assert [record.getMessage() for record in caplog.records] == [
        "Broker unreachable: 3 × surveys.tasks.deliver_mail stay owed until the sweep sends them"
    ]
    assert OutgoingMail.objects.filter(done_at__isnull=True, attempts=0).count() == 3


@pytest.mark.django_db(transaction=True)
def test_a_mail_being_sent_by_one_worker_is_skipped_by_another_and_never_sent_twice():
    owed = owed_invitation()
    other = connection.copy()  # the first worker's own database session
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM surveys_outgoingmail WHERE id = %s FOR UPDATE", [owed.pk])
            # Meanwhile the same mail's second message reaches another worker: it sends nothing and does not wait.
            assert outbox.mail_deliver(mail_id=owed.pk, send=invitations.owed_mail_send) is None
            assert mail.outbox == []
            cursor.execute("ROLLBACK")
    finally:
        other.close()
    assert outbox.mail_deliver(mail_id=owed.pk, send=invitations.owed_mail_send).done_at is not None
    assert outbox.mail_deliver(mail_id=owed.pk, send=invitations.owed_mail_send) is None
    assert len(mail.outbox) == 1


class BrokenBackend(BaseEmailBackend):
    """A mail backend with a bug: not a mail-server outage, so no quick retry."""

    def send_messages(self, email_messages):
        raise RuntimeError("the backend is misconfigured")


@pytest.mark.django_db
def test_a_mail_that_fails_for_another_reason_is_kept_with_its_error_and_counted(settings):
    settings.EMAIL_BACKEND = f"{__name__}.BrokenBackend"
    owed = owed_invitation()
    result = tasks.deliver_mail.apply(args=(owed.pk,))
    assert result.failed() and isinstance(result.result, RuntimeError)
    owed.refresh_from_db()
    assert (owed.done_at, owed.attempts, owed.last_error) == (None, 1, "RuntimeError: the backend is misconfigured")
    # So the sweep tries it again after a quiet time, a bounded number of times.
    assert outbox.mails_sweep(now=owed.tried_at + outbox.RETRY_AFTER) == []
    assert outbox.mails_sweep(now=owed.tried_at + outbox.RETRY_AFTER + timedelta(seconds=1)) == [owed.pk]
