"""The Finnish full-text search: inflected forms, snippets, escaping, and the search page."""

import pytest
from django.urls import reverse

from tests.factories import CompanyFactory, InterviewFactory, WorkshopFactory
from workshops.models import Interview
from workshops.search import (
    MARK_START,
    MARK_STOP,
    highlight,
    search_all,
    search_findings,
    search_interviews,
    search_measures,
    search_workshops,
)
from workshops.services.plan import finding_create, measure_create

URL = reverse("search:search")


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English source strings, which the fi catalogue may translate any day.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def records(db):
    interview = InterviewFactory(notes="Yritys kertoi, että kiertotalous on sille tärkeä kasvun lähde.")
    interview.companies.add(CompanyFactory(name="Kierrätys Oy"))
    workshop = WorkshopFactory(
        title="Tulevaisuustyöpaja", purpose="Ideoida palveluja.", outcomes="Sovittiin kiertotalouden pilotista."
    )
    finding = finding_create(text="Digitalisaatio etenee hitaasti pienissä yrityksissä.", kind="weakness")
    measure = measure_create(
        title="Osaamiskartoitus",
        description="Kartoitetaan työvoiman osaamistarpeet.",
        indicator="Koulutukseen osallistuneet yritykset",
        start_quarter="2025-Q1",
        end_quarter="2025-Q4",
    )
    other = InterviewFactory(notes="Satama ja rautatie ovat lähellä.")
    return {"interview": interview, "workshop": workshop, "finding": finding, "measure": measure, "other": other}


def _hits(q):
    return {group.kind: [hit.url for hit in group.hits] for group in search_all(q)}


@pytest.mark.django_db
class TestFinnishSearch:
    def test_inflected_form_finds_the_basic_form(self, records):
        hits = _hits("kiertotaloudessa")
        assert hits["interviews"] == [records["interview"].get_absolute_url()]
        assert hits["workshops"] == [records["workshop"].get_absolute_url()]  # "kiertotalouden"

    def test_genitive_finds_the_nominative(self, records):
        assert _hits("digitalisaation")["findings"] == [records["finding"].get_absolute_url()]

    def test_basic_form_finds_inflected_text(self, records):
        assert _hits("kiertotalous")["workshops"] == [records["workshop"].get_absolute_url()]

    def test_measure_indicator_and_description_are_searched(self, records):
        assert _hits("koulutus")["measures"] == [records["measure"].get_absolute_url()]
        assert _hits("osaamistarpeita")["measures"] == [records["measure"].get_absolute_url()]

    def test_unrelated_words_find_nothing(self, records):
        assert all(not urls for urls in _hits("lentokenttä").values())

    def test_words_are_combined_with_and(self, records):
        assert _hits("kiertotaloudessa kasvun")["interviews"] == [records["interview"].get_absolute_url()]
        assert _hits("kiertotaloudessa kasvun")["workshops"] == []

    def test_web_search_syntax_excludes_a_word(self, records):
        hits = _hits("kiertotalous -pilotista")
        assert hits["interviews"] == [records["interview"].get_absolute_url()]
        assert hits["workshops"] == []

    def test_snippet_marks_the_match(self, records):
        (hit,) = next(group for group in search_all("kiertotaloudessa") if group.kind == "interviews").hits
        assert "<mark>kiertotalous</mark>" in hit.snippet
        assert "Kierrätys Oy" in hit.title

    def test_empty_query_returns_nothing(self, records):
        assert search_all("   ") == []
        assert not search_interviews("").exists()

    def test_per_kind_functions_take_a_queryset_and_rank(self, records):
        narrowed = search_interviews("kiertotaloudessa", queryset=Interview.objects.exclude(pk=records["interview"].pk))
        assert not narrowed.exists()
        found = search_findings("digitalisaation").get()
        assert found.rank > 0 and MARK_START in found.headline
        assert search_workshops("tulevaisuustyöpajassa").get() == records["workshop"]
        assert search_measures("osaamiskartoituksen").get() == records["measure"]


class TestHighlight:
    def test_marks_become_mark_elements_and_text_is_escaped(self):
        html = highlight(f'a <b>&amp; {MARK_START}kiertotalous{MARK_STOP} "q"')
        assert html == "a &lt;b&gt;&amp;amp; <mark>kiertotalous</mark> &quot;q&quot;"

    def test_markdown_marks_are_left_out_of_the_snippet(self):
        notes = f"## Tulokset\n\n**Tärkein:** {MARK_START}kiertotalous{MARK_STOP} on _kasvussa_.\n- [Raportti](https://x.example/r)"
        assert highlight(notes) == "Tulokset Tärkein: <mark>kiertotalous</mark> on kasvussa. Raportti"

    def test_a_stray_marker_leaves_no_tag(self):
        assert highlight(f"x {MARK_STOP} y {MARK_START}") == "x  y "


@pytest.mark.django_db
class TestSearchPage:
    def test_viewer_searches_and_sees_grouped_results_with_snippets(self, viewer_client, records):
        response = viewer_client.get(URL, {"q": "kiertotaloudessa"})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="results-interviews"' in html and 'id="results-workshops"' in html
        assert 'id="results-findings"' not in html
        assert "<mark>kiertotalous</mark>" in html
        assert "<mark>kiertotalouden</mark>" in html
        assert records["interview"].get_absolute_url() in html
        assert "Satama" not in html

    def test_xss_in_a_matching_note_comes_out_escaped(self, viewer_client, db):
        payload = 'Kiertotalous "><img src=x onerror=alert(1)> <svg/onload=alert(2)> <script>alert(3)</script> loppu'
        InterviewFactory(notes=payload)
        html = viewer_client.get(URL, {"q": "kiertotaloudessa"}).content.decode()
        assert "<mark>Kiertotalous</mark>" in html
        assert "<img src=x" not in html and "<svg" not in html and "<script>alert" not in html
        assert "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;" in html

    def test_the_query_is_escaped_in_the_page(self, viewer_client, records):
        html = viewer_client.get(URL, {"q": "<b>kiertotalous</b>"}).content.decode()
        assert "<b>kiertotalous</b>" not in html
        assert "&lt;b&gt;kiertotalous&lt;/b&gt;" in html

    def test_no_results_says_so(self, viewer_client, records):
        html = viewer_client.get(URL, {"q": "lentokenttä"}).content.decode()
        assert "Nothing matches" in html

    def test_empty_page_shows_just_the_box(self, viewer_client):
        response = viewer_client.get(URL)
        assert response.status_code == 200
        assert response.context["groups"] == []
        assert 'role="search"' in response.content.decode()

    def test_too_long_a_query_is_refused_with_a_message(self, viewer_client, db):
        response = viewer_client.get(URL, {"q": "a" * 201})
        assert response.status_code == 200
        assert response.context["groups"] == []
        assert 'aria-invalid="true"' in response.content.decode()

    def test_needs_login(self, client):
        response = client.get(URL, {"q": "kiertotalous"})
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.get(URL, {"q": "kiertotalous"}).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(URL, {"q": "kiertotalous"}).status_code == 405
