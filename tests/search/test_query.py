"""Finnish queries and what they must and must not find; ranking; snippets; the reduced mode."""

import datetime

import pytest
from django.utils import timezone

from search.query import parse, search
from workshops.services.plan import finding_create, measure_create

from ..factories import InterviewFactory

pytestmark = pytest.mark.django_db

NOTES = {
    "vety": "Yritys suunnittelee **vedyn** tuotantoa Kemissä.",
    "vesi": "Satamassa on syvää vettä, ja vedessä kulkee malmi.",
    "lab": "Uusi testauslaboratorio avataan Sampoon ensi vuonna.",
    "lab2": "Laboratorion testaus kesti viikon.",
    "katu": "Toimisto on Sammonkadulla, Louhen vieressä.",
    "kierto": "Kiertotaloudessa on kasvun paikka.",
    "talous": "Talous on tiukalla.",
    "name": "Haastateltiin Matti Virtasta ja Liisa Kähkönen.",
    "code": "Y-tunnus 2077474-0, toimiala 62010.",
    "digi": "Digipolis Oy:n edustaja kertoi hankkeesta.",
}


@pytest.fixture
def corpus():
    found = {label: InterviewFactory(notes=notes, building=None, place_text="").pk for label, notes in NOTES.items()}
    found["sv"] = finding_create(
        text="Yritykset tarvitsevat insinöörejä.", kind="weakness", text_sv="Företagen behöver fler ingenjörer."
    ).pk
    found["en"] = measure_create(
        title="Hitsaajien koulutus",
        title_en="Training of welders",
        start_quarter="2025-Q1",
        end_quarter="2025-Q4",
    ).pk
    return found


def _found(corpus, q) -> set[str]:
    results = search(q, staff=True)
    urls = {(hit.kind, hit.url) for hit in results.hits} if results else set()
    labels = set()
    for label, pk in corpus.items():
        kind = {"sv": "findings", "en": "measures"}.get(label, "interviews")
        if any(k == kind and url.rstrip("/").endswith(f"/{pk}") for k, url in urls):
            labels.add(label)
    return labels


# query → the texts it must find; every other text of the corpus it must not find.
TABLE = [
    ("vedyn", {"vety"}),  # consonant gradation: vedyn → vety, and not vesi (vedessä)
    ("vety", {"vety"}),
    ("vedessä", {"vesi"}),
    ("laboratorio", {"lab", "lab2"}),  # a part finds the compound
    ("laboratoriossa", {"lab", "lab2"}),
    ("testauslaboratorion", {"lab", "lab2"}),  # the compound finds its parts written apart
    ("Sampo", {"lab", "katu"}),  # Sampoon; Sammonkadulla → Sammonkatu → Sampo + katu
    ("Sammonkatu", {"katu"}),
    ("katu", {"katu"}),
    ("Louhi", {"katu"}),  # Louhen
    ("kiertotaloutta", {"kierto"}),
    ("talous", {"kierto", "talous"}),
    ("Virtanen", {"name"}),  # Virtasta
    ("Virtasen", {"name"}),
    ("Kähkönen", {"name"}),
    ("2077474", {"code"}),  # a business ID by its beginning
    ("2077474-0", {"code"}),
    ("6201", {"code"}),
    ("digipol", {"digi"}),  # an unknown name by its beginning
    ("företag", {"sv"}),  # Swedish, with the Swedish stemmer
    ("welder", {"en"}),  # English, with the English stemmer
    ("vety kiertotalous", set()),  # every word must match
    ("lentokenttä", set()),
]


@pytest.mark.parametrize(("q", "expected"), TABLE)
def test_finnish_queries_find_what_a_reader_expects(corpus, q, expected):
    assert _found(corpus, q) == expected


def test_an_empty_query_is_no_search(db):
    assert search("  -- ", staff=True) is None
    assert parse("") is None


class TestRanking:
    def test_a_title_ranks_above_a_text(self, db):
        in_text = measure_create(
            title="Muu toimenpide", description="Vety mainitaan.", start_quarter="2025-Q1", end_quarter="2025-Q2"
        )
        in_title = measure_create(title="Vety", start_quarter="2025-Q1", end_quarter="2025-Q2")
        urls = [hit.url for hit in search("vedyn", staff=True).hits]
        assert urls == [in_title.get_absolute_url(), in_text.get_absolute_url()]

    def test_a_base_form_ranks_above_a_compound_part(self, db):
        part = InterviewFactory(notes="Testauslaboratorio valmistuu.")
        whole = InterviewFactory(notes="Laboratorio valmistuu.", held_at=timezone.now() - datetime.timedelta(days=400))
        urls = [hit.url for hit in search("laboratorio", staff=True).hits]
        assert urls == [whole.get_absolute_url(), part.get_absolute_url()]

    def test_recent_ranks_above_old_at_equal_rank(self, db):
        old = InterviewFactory(notes="Kiertotalous.", held_at=timezone.now() - datetime.timedelta(days=300))
        new = InterviewFactory(notes="Kiertotalous.", held_at=timezone.now() - datetime.timedelta(days=3))
        urls = [hit.url for hit in search("kiertotalous", staff=True).hits]
        assert urls == [new.get_absolute_url(), old.get_absolute_url()]


class TestSnippets:
    def test_the_word_that_matched_through_its_base_form_is_marked(self, corpus):
        (hit,) = search("vety", staff=True).hits
        assert hit.snippet == "Yritys suunnittelee <mark>vedyn</mark> tuotantoa Kemissä."

    def test_compounds_and_parts_are_marked_and_nothing_else(self, corpus):
        snippets = {str(hit.snippet) for hit in search("laboratorio", staff=True).hits}
        assert snippets == {
            "Uusi <mark>testauslaboratorio</mark> avataan Sampoon ensi vuonna.",
            "<mark>Laboratorion</mark> testaus kesti viikon.",
        }

    def test_prefixes_of_unknown_words_are_marked(self, corpus):
        (hit,) = search("2077474", staff=True).hits
        assert "<mark>2077474</mark>-0" in hit.snippet

    def test_markdown_and_html_never_come_through(self, db):
        InterviewFactory(
            notes='## Otsikko\n\n**Vety** <script>alert(1)</script> [linkki](https://x.example) "q" & _vedyn_',
            place_text="",
        )
        (hit,) = search("vety", staff=True).hits
        assert hit.snippet == (
            "Otsikko <mark>Vety</mark> &lt;script&gt;alert(1)&lt;/script&gt; linkki &quot;q&quot; &amp; "
            "<mark>vedyn</mark>"
        )

    def test_a_long_text_is_cut_around_the_first_match(self, db):
        InterviewFactory(notes="alku " * 200 + "vedyn tuotanto " + "loppu " * 200)
        (hit,) = search("vety", staff=True).hits
        assert hit.snippet.startswith("… ") and hit.snippet.endswith(" …")
        assert "<mark>vedyn</mark>" in hit.snippet and len(hit.snippet) < 320


class TestReducedMode:
    def test_without_voikko_postgresqls_finnish_still_finds_inflected_forms(self, settings, db):
        interview = InterviewFactory(notes="Kiertotalouden pilotti alkoi.")
        settings.SEARCH_VOIKKO_ENABLED = False
        results = search("kiertotalouden", staff=True)
        assert results.query.reduced
        assert [hit.url for hit in results.hits] == [interview.get_absolute_url()]
        assert "<mark>Kiertotalouden</mark>" in results.hits[0].snippet

    def test_without_voikko_consonant_gradation_is_not_undone(self, settings, db):
        InterviewFactory(notes="Vety on tulevaisuutta.")
        settings.SEARCH_VOIKKO_ENABLED = False
        assert search("vedyn", staff=True).hits == []
