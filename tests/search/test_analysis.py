"""Voikko's analysis: base forms, compound parts, unknown words as they are, and the reduced mode."""

import pytest

from search.analysis import analyser_loaded, text_terms, word_terms


@pytest.mark.parametrize(
    ("word", "forms", "parts"),
    [
        ("vedyn", {"vety"}, set()),
        ("testauslaboratorio", {"testauslaboratorio"}, {"testaus", "laboratorio"}),
        ("Sammonkadulla", {"sammonkatu"}, {"sampo", "katu"}),
        ("kiertotaloudessa", {"kiertotalous"}, {"kierto", "talous"}),
        ("yritysten", {"yritys"}, set()),
        ("tulevaisuustyöpajassa", {"tulevaisuustyöpaja"}, {"tulevaisuus", "työ", "paja"}),
        ("Teknologiakylässä", {"teknologiakylä"}, {"teknologia", "kylä"}),
    ],
)
def test_base_forms_and_compound_parts(word, forms, parts):
    terms = word_terms(word)
    assert terms.known
    assert forms <= set(terms.forms)
    assert parts <= set(terms.parts)


def test_every_reading_of_an_ambiguous_word_is_kept():
    assert {"vety", "vettyä"} <= set(word_terms("vety").forms)


@pytest.mark.parametrize("word", ["Digipolis", "2077474", "ABC123", "företag"])
def test_unknown_words_stay_as_written_in_lower_case(word):
    terms = word_terms(word)
    assert not terms.known
    assert terms.forms == (word.lower(),) and terms.parts == ()


def test_a_text_gives_the_terms_of_every_word():
    forms, parts = text_terms("Vedyn testauslaboratorio, Digipolis.")
    assert forms == ["vety", "testauslaboratorio", "digipolis"]
    assert parts == ["testaus", "laboratorio"]


def test_the_setting_turns_the_analyser_off(settings):
    assert analyser_loaded()
    settings.SEARCH_VOIKKO_ENABLED = False
    assert not analyser_loaded()
    assert word_terms("vedyn").forms == ("vedyn",)
