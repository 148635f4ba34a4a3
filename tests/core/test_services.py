"""model_update: the one helper the apps' update services write through."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from teknokyla.core.services import model_update
from workshops.models import Measure
from workshops.services.plan import MEASURE_WRITTEN, measure_update

from ..factories import MeasureFactory, ThemeFactory

pytestmark = pytest.mark.django_db


def _stored_titles(measure: Measure) -> tuple[str, str]:
    # Raw SQL: the ORM would read `title` as the active language's column (django-modeltranslation).
    with connection.cursor() as cursor:
        cursor.execute("SELECT title, title_fi FROM workshops_measure WHERE id = %s", [measure.pk])
        return cursor.fetchone()


def test_sets_only_the_listed_fields_that_data_holds():
    measure = MeasureFactory(start_quarter="2025-Q1", end_quarter="2025-Q2", status="proposed")
    measure.indicator_target = 99  # not listed: stays unsaved
    measure, changed = model_update(
        instance=measure, fields=["end_quarter", "status"], data={"end_quarter": "2025-Q4", "goal": None}
    )
    assert changed
    stored = Measure.objects.get(pk=measure.pk)
    assert (stored.end_quarter, stored.status, stored.indicator_target) == ("2025-Q4", "proposed", None)


def test_reports_no_change_when_the_values_are_the_instances_and_still_saves():
    measure = MeasureFactory(start_quarter="2025-Q1", end_quarter="2025-Q2")
    Measure.objects.filter(pk=measure.pk).update(updated_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))
    _measure, changed = model_update(instance=measure, fields=["end_quarter"], data={"end_quarter": "2025-Q2"})
    assert not changed
    assert Measure.objects.get(pk=measure.pk).updated_at.year > 2020  # auto_now is written with the listed fields


def test_a_finnish_text_also_writes_the_original_column_that_search_reads():
    measure = MeasureFactory(title="Vetytalous")
    model_update(instance=measure, fields=MEASURE_WRITTEN, data={"title_fi": "Aurinkoenergia"})
    assert _stored_titles(measure) == ("Aurinkoenergia", "Aurinkoenergia")


def test_checks_the_record_before_saving():
    measure = MeasureFactory(start_quarter="2025-Q3", end_quarter="2025-Q4")
    with pytest.raises(ValidationError) as error:
        model_update(instance=measure, fields=["end_quarter"], data={"end_quarter": "2025-Q1"})
    assert "end_quarter" in error.value.message_dict
    assert Measure.objects.get(pk=measure.pk).end_quarter == "2025-Q4"


def test_sets_the_many_to_many_relations_given():
    measure, theme = MeasureFactory(), ThemeFactory()
    _measure, changed = model_update(instance=measure, fields=MEASURE_WRITTEN, data={"themes": [theme]})
    assert changed and list(measure.themes.all()) == [theme]


def test_the_history_credits_the_acting_user(staff):
    measure = MeasureFactory(title="Vetytalous")
    measure_update(measure=measure, data={"title": "Aurinkoenergia"}, user=staff)
    latest = measure.history.latest()
    assert (latest.history_user, latest.title_fi) == (staff, "Aurinkoenergia")
