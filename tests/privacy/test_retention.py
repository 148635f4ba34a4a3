"""Retention: each survey's date, the apply_retention command (dry run and real run), and the beat task."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from privacy import services, tasks
from surveys.models import Answer, Invitation, OutgoingMail, Response
from teknokyla.celery import app

from ..dbscan import stored_anywhere
from ..factories import SurveyFactory
from .conftest import EMAIL, NAME

pytestmark = pytest.mark.django_db


def close(survey, *, days_ago: int, retention_until=None) -> None:
    """Move the survey into the past: it closed `days_ago` days ago."""
    survey.closes_at = timezone.now() - datetime.timedelta(days=days_ago)
    survey.opens_at = survey.closes_at - datetime.timedelta(days=30)
    survey.retention_until = retention_until
    survey.save()


def figures(survey) -> dict:
    answers = Answer.objects.filter(response__survey=survey)
    return {
        "responses": Response.objects.filter(survey=survey).count(),
        "answers": answers.count(),
        "invitations": Invitation.objects.filter(survey=survey).count(),
        "numbers and choices": sorted(
            answers.exclude(question__type__in=["short_text", "long_text"]).values_list("question__code", "value")
        ),
    }


def test_the_retention_date_is_two_years_after_closing_unless_set():
    opens_at = datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC)
    survey = SurveyFactory(opens_at=opens_at, closes_at=datetime.datetime(2025, 10, 31, 21, 59, tzinfo=datetime.UTC))
    assert survey.retention_date == datetime.date(2027, 10, 31)
    survey.retention_until = datetime.date(2026, 6, 30)
    assert survey.retention_date == datetime.date(2026, 6, 30)
    leap = SurveyFactory(opens_at=opens_at, closes_at=datetime.datetime(2028, 2, 29, 12, tzinfo=datetime.UTC))
    assert leap.retention_date == datetime.date(2030, 2, 28)


def test_a_retention_date_before_the_closing_is_refused():
    survey = SurveyFactory(
        opens_at=datetime.datetime(2025, 9, 1, tzinfo=datetime.UTC),
        closes_at=datetime.datetime(2025, 10, 31, 12, tzinfo=datetime.UTC),
    )
    survey.retention_until = datetime.date(2025, 10, 1)
    with pytest.raises(ValidationError) as refused:
        survey.full_clean()
    assert "retention_until" in refused.value.message_dict


def test_staff_set_the_date_in_the_admin(staff_client):
    survey = SurveyFactory()
    page = staff_client.get(reverse("admin:surveys_survey_change", args=[survey.pk])).content.decode()
    assert 'name="retention_until"' in page


def test_the_dry_run_says_what_would_change_and_changes_nothing(person, capsys):
    close(person.survey, days_ago=800)
    before = figures(person.survey)

    call_command("apply_retention", "--dry-run")

    out = capsys.readouterr().out
    assert "Would anonymise “Teknologiakylä survey”" in out
    assert "5 free-text answer(s) emptied" in out and "1 mail recipient record(s) removed" in out
    assert "Dry run: nothing was changed." in out
    person.survey.refresh_from_db()
    assert person.survey.anonymised_at is None
    assert figures(person.survey) == before
    assert "surveys_answer" in stored_anywhere(NAME)


def test_the_real_run_anonymises_the_answers_and_keeps_the_figures(
    person, capsys, staff_client, django_capture_on_commit_callbacks
):
    close(person.survey, days_ago=800)
    before = figures(person.survey)
    results = reverse("surveys:results", args=[person.survey.slug]) + "?drafts=on&texts=all"
    assert NAME in staff_client.get(results).content.decode()  # and now in the results cache

    with django_capture_on_commit_callbacks(execute=True):
        call_command("apply_retention")

    assert "1 survey(s) anonymised." in capsys.readouterr().out
    person.survey.refresh_from_db()
    assert person.survey.anonymised_at is not None
    assert figures(person.survey) == before
    texts = Answer.objects.filter(response__survey=person.survey, question__type__in=["short_text", "long_text"])
    assert set(texts.values_list("value", flat=True)) == {None}
    assert not Answer.objects.filter(response__survey=person.survey).exclude(other_text="").exists()
    assert not Answer.history.filter(response_id=person.response.pk).exists()
    assert not Invitation.contacts.through.objects.filter(invitation__survey=person.survey).exists()
    assert set(OutgoingMail.objects.filter(survey=person.survey).values_list("last_error", flat=True)) == {""}
    # The answers no longer name her; the registry still knows her (she is still the company's contact).
    assert not {"surveys_answer", "surveys_historicalanswer", "surveys_outgoingmail"} & set(stored_anywhere(NAME))
    assert not {"surveys_answer", "surveys_outgoingmail"} & set(stored_anywhere(EMAIL))

    assert NAME not in staff_client.get(results).content.decode()

    call_command("apply_retention")
    assert "No survey is past its retention date." in capsys.readouterr().out


def test_surveys_before_their_date_are_left_alone(person, capsys):
    close(person.survey, days_ago=30)
    other = SurveyFactory(title="Set to keep longer")
    close(other, days_ago=800, retention_until=timezone.localdate() + datetime.timedelta(days=1))
    before = figures(person.survey)

    call_command("apply_retention")

    assert "No survey is past its retention date." in capsys.readouterr().out
    assert figures(person.survey) == before
    assert "surveys_answer" in stored_anywhere(NAME)
    # --today looks ahead: in three years the first survey is due.
    in_three_years = (timezone.localdate() + datetime.timedelta(days=3 * 366)).isoformat()
    call_command("apply_retention", "--dry-run", "--today", in_three_years)
    assert "“Teknologiakylä survey”" in capsys.readouterr().out


def test_the_command_refuses_a_bad_date():
    with pytest.raises(CommandError, match="--today must be a date"):
        call_command("apply_retention", "--today", "31.12.2030")


def test_the_beat_task_is_there_off_by_default_and_runs_the_same_service(person):
    task = PeriodicTask.objects.select_related("crontab").get(name="Survey retention")
    assert task.task == "privacy.tasks.apply_retention" and task.task in app.tasks
    assert task.enabled is False
    assert str(task.crontab.timezone) == "Europe/Helsinki"
    close(person.survey, days_ago=800)

    assert tasks.apply_retention() == 1

    person.survey.refresh_from_db()
    assert person.survey.anonymised_at is not None
    assert services.retention_apply() == []


def test_the_privacy_notice_shows_each_surveys_date(client, person):
    close(person.survey, days_ago=10, retention_until=datetime.date(2031, 3, 15))
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Teknologiakylä survey" in page and "15.3.2031" in page
