"""Reminders: only to invited non-submitters (checked at send time), once per reminder day, never after the deadline."""

import datetime
import importlib
import io
import re
import time
from zoneinfo import ZoneInfo

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from surveys import invitations, results, services, tasks
from surveys.invitations import ReminderOutcome
from surveys.models import Invitation, OutgoingMail, Response, Survey
from teknokyla.celery import app

from ..factories import CompanyFactory, ContactFactory, ResponseFactory, SurveyFactory

HELSINKI = ZoneInfo("Europe/Helsinki")


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=HELSINKI)


def survey_closing_in(days: int, **kwargs) -> Survey:
    """A survey open now whose deadline is 23:59 Helsinki time, `days` Helsinki days from today."""
    today = timezone.localtime(timezone.now(), HELSINKI).date()
    return SurveyFactory(closes_at=at(today + datetime.timedelta(days=days), 23, 59), **kwargs)


def invited(survey: Survey, name: str, *, submitted: bool = False, active: bool = True, language: str = "fi"):
    """A company invited to the survey, the way the task does it (a link, a response)."""
    company = CompanyFactory(name=name, active=active)
    contact = ContactFactory(company=company, language=language)
    invitations.invitation_create(survey=survey, company=company, contacts=[contact])
    if submitted:
        Response.objects.filter(survey=survey, company=company).update(submitted_at=timezone.now())
    return company


@pytest.fixture
def village():
    """Reminder days 7 and 2 before a deadline of 31 October 2098 23:59."""
    survey = SurveyFactory(
        opens_at=at(datetime.date(2098, 10, 1)),
        closes_at=at(datetime.date(2098, 10, 31), 23, 59),
        reminder_days=[7, 2],
    )
    late = invited(survey, "Myöhäinen Oy")
    done = invited(survey, "Valmis Oy", submitted=True)
    gone = invited(survey, "Lopettanut Oy", active=False)
    not_invited = CompanyFactory(name="Kutsumaton Oy")
    ContactFactory(company=not_invited)
    ResponseFactory(survey=survey, company=not_invited)
    return {"survey": survey, "late": late, "done": done, "gone": gone, "not_invited": not_invited}


@pytest.mark.django_db
class TestRemindersDue:
    def test_on_a_reminder_day_only_invited_active_non_submitters_are_due(self, village):
        due = invitations.reminders_due(survey=village["survey"], now=at(datetime.date(2098, 10, 24)))
        assert [response.company for response in due] == [village["late"]]

    @pytest.mark.parametrize(
        "now",
        [
            at(datetime.date(2098, 10, 25)),  # 6 days before: not a reminder day
            at(datetime.date(2098, 9, 24)),  # before the survey opens
            at(datetime.date(2098, 11, 1), 0, 1),  # after the deadline
            at(datetime.date(2098, 11, 2)),  # a day after the deadline's date
        ],
    )
    def test_nothing_is_due_on_other_days_or_outside_the_survey(self, village, now):
        assert invitations.reminders_due(survey=village["survey"], now=now) == []

    def test_the_day_counts_in_helsinki_dates(self, village):
        # 23:30 UTC on 23 October is already the 24th, seven days before, in Helsinki.
        now = datetime.datetime(2098, 10, 23, 23, 30, tzinfo=datetime.UTC)
        assert village["survey"].days_to_deadline(now) == 7
        assert len(invitations.reminders_due(survey=village["survey"], now=now)) == 1
        # The dashboard counts the same days whatever time zone a request has activated.
        with timezone.override(datetime.UTC):
            assert results.days_to_deadline(village["survey"], now) == 7


@pytest.mark.django_db
class TestRemindersSendDue:
    def test_each_reminder_day_goes_once_per_company(self, village, django_capture_on_commit_callbacks):
        response = Response.objects.get(company=village["late"])
        seventh = at(datetime.date(2098, 10, 24))
        with django_capture_on_commit_callbacks() as callbacks:
            assert invitations.reminders_send_due(now=seventh) == 1
            assert invitations.reminders_send_due(now=seventh.replace(hour=15)) == 0
        assert len(callbacks) == 1
        response.refresh_from_db()
        assert response.reminder_days_sent == [7]

        with django_capture_on_commit_callbacks() as callbacks:
            assert invitations.reminders_send_due(now=at(datetime.date(2098, 10, 29))) == 1
            assert invitations.reminders_send_due(now=at(datetime.date(2098, 10, 30))) == 0
            assert invitations.reminders_send_due(now=at(datetime.date(2098, 11, 1))) == 0
        assert len(callbacks) == 1
        response.refresh_from_db()
        assert response.reminder_days_sent == [7, 2]
        # Other companies' responses were never touched.
        assert not Response.objects.exclude(pk=response.pk).exclude(reminder_days_sent=[]).exists()

    def test_reminder_send_refuses_submitters_the_uninvited_and_closed_surveys(self, village):
        survey, seventh = village["survey"], at(datetime.date(2098, 10, 24))
        assert invitations.reminder_send(survey=survey, company=village["done"], now=seventh) == "submitted"
        assert invitations.reminder_send(survey=survey, company=village["not_invited"], now=seventh) == "not_invited"
        after = at(datetime.date(2098, 11, 1))
        assert invitations.reminder_send(survey=survey, company=village["late"], now=after) == "closed"
        silent = invited(survey, "Hiljainen Oy")
        silent.contacts.update(email="")
        assert invitations.reminder_send(survey=survey, company=silent, now=seventh) == "no_email"
        assert all(days == [] for days in Response.objects.values_list("reminder_days_sent", flat=True))

    def test_a_manual_reminder_records_no_day(self, village, django_capture_on_commit_callbacks):
        seventh = at(datetime.date(2098, 10, 24))
        with django_capture_on_commit_callbacks() as callbacks:
            outcome = invitations.reminder_send(
                survey=village["survey"], company=village["late"], manual=True, now=seventh
            )
        assert outcome == ReminderOutcome.QUEUED and len(callbacks) == 1
        assert Response.objects.get(company=village["late"]).reminder_days_sent == []
        # So the scheduled reminder of the day still goes.
        assert invitations.reminders_send_due(now=seventh) == 1


@pytest.mark.django_db
def test_the_send_checks_again_that_the_company_has_not_submitted():
    survey = survey_closing_in(7)
    late = invited(survey, "Myöhäinen Oy", language="en")
    quick = invited(survey, "Nopea Oy")
    for company in (late, quick):
        assert invitations.reminder_send(survey=survey, company=company) == ReminderOutcome.QUEUED
    # Between queueing and sending, one of them submits.
    Response.objects.filter(company=quick).update(submitted_at=timezone.now())

    for owed in OutgoingMail.objects.filter(kind="reminder"):
        tasks.deliver_mail.apply(args=(owed.pk,))

    assert [message.to for message in mail.outbox] == [[late.contacts.get().email]]
    assert "Reminder" in mail.outbox[0].subject
    token = re.search(r"/s/([A-Za-z0-9_-]+)/", mail.outbox[0].body)[1]
    invitation = services.invitation_open(token=token)
    assert invitation.company == late and invitation.is_reminder
    assert not Invitation.objects.filter(company=quick, is_reminder=True).exists()
    # Both are done: the one no longer due is not tried again.
    assert not OutgoingMail.objects.filter(done_at__isnull=True).exists()


@pytest.mark.django_db
def test_no_reminder_is_sent_after_the_deadline_even_if_it_was_queued_before():
    survey = survey_closing_in(7)
    late = invited(survey, "Myöhäinen Oy")
    assert invitations.reminder_send(survey=survey, company=late) == ReminderOutcome.QUEUED
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    tasks.deliver_mail.apply(args=(OutgoingMail.objects.get(kind="reminder").pk,))
    assert mail.outbox == [] and not Invitation.objects.filter(is_reminder=True).exists()


@pytest.mark.django_db(transaction=True)
def test_the_beat_task_sends_todays_reminders_through_a_real_worker():
    survey = survey_closing_in(2, reminder_days=[7, 2])
    late = invited(survey, "Myöhäinen Oy", language="sv")
    invited(survey, "Valmis Oy", submitted=True)
    other = survey_closing_in(3, reminder_days=[7, 2])  # not a reminder day of this one
    invited(other, "Toinen Oy")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert tasks.send_due_reminders.delay().get(timeout=30) == 1
        deadline = time.monotonic() + 30
        while not Invitation.objects.filter(is_reminder=True, sent_at__isnull=False).exists():
            assert time.monotonic() < deadline, "the reminder was not sent"
            time.sleep(0.1)

    assert [message.to for message in mail.outbox] == [[late.contacts.get().email]]
    assert mail.outbox[0].body.startswith("Hej ")
    assert Response.objects.get(company=late).reminder_days_sent == [2]


# Ordinary database tests run before any transactional one empties the tables, so this sees the migrated state.
@pytest.mark.django_db
def test_the_daily_schedule_exists_after_migrations():
    task = PeriodicTask.objects.select_related("crontab").get(name="Survey reminders")
    assert task.task == "surveys.tasks.send_due_reminders" and task.enabled
    assert (task.crontab.minute, task.crontab.hour, task.crontab.day_of_week) == ("0", "9", "*")
    assert str(task.crontab.timezone) == "Europe/Helsinki"
    assert task.task in app.tasks


@pytest.mark.django_db
def test_the_schedule_migration_can_run_again_and_be_reversed():
    migration = importlib.import_module("surveys.migrations.0002_daily_reminders")
    state_apps = MigrationLoader(connection).project_state(("surveys", "0002_daily_reminders")).apps
    for _run in range(2):
        migration.create_schedule(state_apps, None)
    assert PeriodicTask.objects.filter(name="Survey reminders").count() == 1
    assert CrontabSchedule.objects.filter(hour="9", minute="0", timezone="Europe/Helsinki").count() == 1
    migration.remove_schedule(state_apps, None)
    assert not PeriodicTask.objects.filter(name="Survey reminders").exists()


# The command ------------------------------------------------------------------


def remind(*args) -> str:
    out = io.StringIO()
    call_command("send_reminders", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
class TestSendRemindersCommand:
    def test_sends_on_a_reminder_day(self, django_capture_on_commit_callbacks):
        survey = survey_closing_in(7)
        late = invited(survey, "Myöhäinen Oy")
        invited(survey, "Valmis Oy", submitted=True)
        with django_capture_on_commit_callbacks() as callbacks:
            output = remind(survey.slug)
            remind(survey.slug)
        assert "Queued 1 reminder(s)" in output and len(callbacks) == 1
        assert Response.objects.get(company=late).reminder_days_sent == [7]

    def test_on_another_day_sends_nothing_without_force(self, django_capture_on_commit_callbacks):
        survey = survey_closing_in(10)
        late = invited(survey, "Myöhäinen Oy")
        with django_capture_on_commit_callbacks() as callbacks:
            output = remind(survey.slug)
        assert "not a reminder day" in output and callbacks == []
        assert Response.objects.get(company=late).reminder_days_sent == []

    def test_force_reminds_every_non_submitter_once_today(self, django_capture_on_commit_callbacks):
        survey = survey_closing_in(10)
        late = invited(survey, "Myöhäinen Oy")
        later = invited(survey, "Myöhäisempi Oy")
        invited(survey, "Valmis Oy", submitted=True)
        with django_capture_on_commit_callbacks() as callbacks:
            first = remind(survey.slug, "--force")
            second = remind(survey.slug, "--force")
        assert "Queued 2 reminder(s)" in first and "(10 days before the deadline)" in first
        assert "Queued 0 reminder(s)" in second and "2 organisation(s) already had today's reminder" in second
        assert len(callbacks) == 2
        for company in (late, later):
            assert Response.objects.get(company=company).reminder_days_sent == [10]

    def test_refuses_a_closed_survey_and_an_unknown_slug(self):
        closed = SurveyFactory(
            opens_at=timezone.now() - datetime.timedelta(days=30),
            closes_at=timezone.now() - datetime.timedelta(minutes=1),
        )
        invited(closed, "Myöhäinen Oy")
        with pytest.raises(CommandError, match="closed"):
            remind(closed.slug, "--force")
        with pytest.raises(CommandError, match="No survey"):
            remind("no-such-survey")
        assert Response.objects.get().reminder_days_sent == []
