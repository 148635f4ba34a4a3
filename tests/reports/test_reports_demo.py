"""The demo edition of the plan: created once, in three languages where it matters, and left alone once edited."""

import datetime

import pytest
from django.utils import translation

from reports.demo import load_plan
from reports.models import DevelopmentPlan
from workshops.markdown import render_markdown
from workshops.models import Goal

pytestmark = pytest.mark.django_db


def test_loading_twice_gives_one_plan_with_four_goals():
    first = load_plan()
    second = load_plan()
    assert first.pk == second.pk
    assert DevelopmentPlan.objects.count() == 1
    assert Goal.objects.filter(plan=first).count() == 4
    assert first.history.count() == 1


def test_the_edition_and_its_written_parts():
    plan = DevelopmentPlan.objects.get(pk=load_plan().pk)
    assert plan.title_fi == "Teknologiakylän kehittämissuunnitelma 2024–2027"
    assert (plan.period_start, plan.period_end) == (datetime.date(2024, 6, 1), datetime.date(2027, 12, 31))
    assert plan.status == DevelopmentPlan.Status.DRAFT and plan.approved_on is None
    assert "30 vuotta" in plan.summary_fi and "50 yritystä" in plan.summary_fi
    for text in (plan.summary_fi, plan.starting_point_fi, plan.vision_fi):
        assert "<li>" in render_markdown(text)
    assert "Kosmos" in plan.starting_point_fi and "Pohjois-Ruotsin" in plan.starting_point_fi
    for code in ("sv", "en"):
        assert getattr(plan, f"title_{code}") and getattr(plan, f"summary_{code}")
    for code in ("sv", "en"):
        # Every written part is in Swedish and English too, so a Swedish demo build shows no Finnish plan text.
        for field in ("starting_point", "vision"):
            assert "<li>" in render_markdown(getattr(plan, f"{field}_{code}"))
    with translation.override("sv"):
        assert plan.title == "Utvecklingsplan för Kemi teknologiby 2024–2027"
        assert plan.vision.startswith("**År 2027 är Kemi teknologiby")
        # A text staff clear falls back to the Finnish one.
        plan.vision_sv = ""
        assert plan.vision == plan.vision_fi


def test_an_edition_from_before_the_translations_gets_them_and_keeps_staff_edits():
    plan = load_plan()
    DevelopmentPlan.objects.filter(pk=plan.pk).update(vision_sv=None, starting_point_en="Oma teksti")
    Goal.objects.filter(plan=plan).update(description_sv=None)
    load_plan()
    plan.refresh_from_db()
    assert plan.vision_sv.startswith("**År 2027")
    assert plan.starting_point_en == "Oma teksti"
    assert all(goal.description_sv for goal in plan.goals.all())


def test_every_goal_has_a_title_in_each_language():
    plan = load_plan()
    goals = list(plan.goals.order_by("order"))
    assert [goal.order for goal in goals] == [1, 2, 3, 4]
    for goal in goals:
        assert goal.title_fi and goal.title_sv and goal.title_en
        assert goal.description_fi and goal.description_sv and goal.description_en


def test_edits_by_staff_survive_a_reload():
    plan = load_plan()
    plan.vision_fi = "Muokattu visio"
    plan.title_fi = "Kehittämissuunnitelma, muokattu"
    plan.save()
    plan.goals.get(order=4).delete()
    again = load_plan()
    assert again.pk == plan.pk
    again.refresh_from_db()
    assert again.vision_fi == "Muokattu visio"
    assert DevelopmentPlan.objects.count() == 1
    # Only what is missing comes back.
    assert again.goals.count() == 4
