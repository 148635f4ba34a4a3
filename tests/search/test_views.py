"""The search page and the header's search box: works, needs login, refuses outsiders and POST, validates, filters,
pages, and runs a fixed number of queries whatever the number of hits."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from search.query import PER_PAGE
from search.services import answers_index
from surveys.models import Answer
from workshops.services.plan import finding_create

from ..factories import BuildingFactory, InterviewFactory, QuestionFactory, ResponseFactory, ThemeFactory

URL = reverse("search:search")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def interviews(count: int, notes: str = "Vedyn tuotanto kasvaa.", **fields):
    return [InterviewFactory(notes=notes, **fields) for _ in range(count)]


def test_staff_search_shows_groups_with_counts_and_marked_snippets(staff_client):
    interviews(2)
    html = staff_client.get(URL, {"q": "vety"}).content.decode()
    assert 'id="results-interviews"' in html
    assert "Interviews (2)" in html
    assert "<mark>Vedyn</mark> tuotanto" in html


def test_the_header_of_a_staff_page_has_the_search_box(viewer_client):
    html = viewer_client.get(reverse("companies:directory")).content.decode()
    assert 'id="header-search"' in html and f'action="{URL}"' in html


def test_the_header_of_a_public_page_has_no_search_box(client):
    assert 'id="header-search"' not in client.get(reverse("accessibility")).content.decode()


def test_the_reduced_mode_is_said_on_the_page(staff_client, settings):
    settings.SEARCH_VOIKKO_ENABLED = False
    interviews(1, notes="Kiertotalouden pilotti.")
    html = staff_client.get(URL, {"q": "kiertotalouden"}).content.decode()
    assert 'id="search-reduced"' in html
    assert "<mark>Kiertotalouden</mark>" in html


def test_the_full_mode_says_nothing_of_it(staff_client):
    assert 'id="search-reduced"' not in staff_client.get(URL, {"q": "vety"}).content.decode()


class TestFilters:
    def test_by_kind(self, staff_client):
        interviews(1)
        finding_create(text="Vety kiinnostaa.", kind="opportunity")
        response = staff_client.get(URL, {"q": "vety", "kind": "findings"})
        assert [group.kind for group in response.context["groups"]] == ["findings"]
        # The counts of the other kinds stay, as links to them.
        assert response.context["results"].counts == {"interviews": 1, "findings": 1}

    def test_by_theme_building_and_dates(self, staff_client):
        theme, louhi = ThemeFactory(), BuildingFactory(name="Louhi")
        old = InterviewFactory(notes="Vety.", held_at=timezone.now() - datetime.timedelta(days=400))
        new = InterviewFactory(notes="Vety.", building=louhi)
        new.themes.add(theme)

        def urls(**filters):
            response = staff_client.get(URL, {"q": "vety", **filters})
            return {hit.url for group in response.context["groups"] for hit in group.hits}

        assert urls(theme=theme.pk) == {new.get_absolute_url()}
        assert urls(building=louhi.pk) == {new.get_absolute_url()}
        since = (timezone.localdate() - datetime.timedelta(days=30)).isoformat()
        assert urls(date_from=since) == {new.get_absolute_url()}
        assert urls(date_to=since) == {old.get_absolute_url()}

    def test_dates_the_wrong_way_round_are_refused_with_a_message(self, staff_client):
        response = staff_client.get(URL, {"q": "vety", "date_from": "2025-05-01", "date_to": "2025-01-01"})
        assert response.context["results"] is None
        assert 'aria-invalid="true"' in response.content.decode()

    def test_an_unknown_theme_is_refused(self, staff_client):
        response = staff_client.get(URL, {"q": "vety", "theme": "999999"})
        assert response.context["results"] is None


def test_results_come_in_pages(staff_client):
    interviews(PER_PAGE + 3)
    first = staff_client.get(URL, {"q": "vety"})
    second = staff_client.get(URL, {"q": "vety", "page": 2})
    assert len(first.context["results"].hits) == PER_PAGE
    assert len(second.context["results"].hits) == 3
    assert "Page 1 of 2" in first.content.decode()
    assert "page=2" in first.content.decode()


@pytest.mark.parametrize("count", [2, 40])
def test_the_query_count_does_not_grow_with_the_hits(staff_client, django_assert_num_queries, count):
    interviews(count)
    # session, user, the user's groups, the themes and the buildings of the filters, the hits (counted and paged)
    with django_assert_num_queries(6):
        response = staff_client.get(URL, {"q": "vety"})
    assert response.context["results"].total == count


def test_needs_login(client):
    response = client.get(URL, {"q": "vety"})
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_refuses_outsiders(outsider_client):
    assert outsider_client.get(URL, {"q": "vety"}).status_code == 403


def test_refuses_post(staff_client):
    assert staff_client.post(URL, {"q": "vety"}).status_code == 405


def test_a_page_beyond_the_last_shows_the_last(staff_client):
    interviews(PER_PAGE + 3)
    results = staff_client.get(URL, {"q": "vety", "page": 99}).context["results"]
    assert results.page == 2 and len(results.hits) == 3


def test_a_viewer_never_sees_survey_answers_but_staff_do(staff_client, viewer_client):
    question = QuestionFactory(type="long_text")
    response = ResponseFactory(survey=question.section.survey)
    answer = Answer.objects.create(response=response, question=question, value="Laajennamme puunjalostukseen.")
    answers_index(ids=[answer.pk])
    staff_html = staff_client.get(URL, {"q": "puunjalostus"}).content.decode()
    viewer = viewer_client.get(URL, {"q": "puunjalostus"})
    assert "<mark>puunjalostukseen</mark>" in staff_html
    assert viewer.context["results"].total == 0 and "puunjalostukseen" not in viewer.content.decode()
