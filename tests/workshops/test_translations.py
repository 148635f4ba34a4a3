"""Findings and measures in fi, sv and en: staff write the languages side by side (tabs), the lists and the admin
find what is still missing in Swedish or English, and a page shows each reader the text in their language."""

import pytest
from django.urls import reverse

from workshops.models import Finding, Measure
from workshops.services.plan import finding_create, measure_create

pytestmark = pytest.mark.django_db

FINDINGS = reverse("workshops:findings")
MEASURES = reverse("workshops:measures")


def measure_data(**overrides) -> dict:
    data = {
        "title_fi": "Yhteinen laboratorio",
        "title_sv": "Gemensamt laboratorium",
        "title_en": "",
        "description_fi": "Laboratorio **Kosmokseen**.",
        "description_sv": "Ett laboratorium i **Kosmos**.",
        "indicator_fi": "yrityksiä laboratoriossa",
        "indicator_sv": "",
        "funding_source_fi": "EAKR",
        "start_quarter": "2025-Q1",
        "end_quarter": "2025-Q4",
        "status": "proposed",
    }
    return {**data, **overrides}


class TestSideBySide:
    def test_the_measure_form_has_a_tab_per_language_with_each_text(self, staff_client):
        html = staff_client.get(reverse("workshops:measure_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        for code in ("fi", "sv", "en"):
            assert f'id="tab-{code}"' in html and f'id="pane-{code}"' in html
            for name in ("title", "description", "indicator", "funding_source"):
                assert f'name="{name}_{code}"' in html
        assert 'name="title_sv"' in html.split('id="pane-sv"')[1].split('id="pane-en"')[0]
        assert 'lang="sv"' in html

    def test_staff_save_every_language_at_once_and_only_finnish_is_required(self, staff_client):
        response = staff_client.post(reverse("workshops:measure_create"), measure_data())
        assert response.status_code == 302
        measure = Measure.objects.get()
        assert (measure.title_fi, measure.title_sv, measure.title_en) == (
            "Yhteinen laboratorio",
            "Gemensamt laboratorium",
            None,
        )
        assert measure.description_sv == "Ett laboratorium i **Kosmos**."

        response = staff_client.post(
            reverse("workshops:measure_create"), measure_data(title_fi="", title_sv="Bara svenska")
        )
        assert response.status_code == 400
        assert list(response.context["form"].errors) == ["title_fi"]
        html = response.content.decode()
        assert 'value="Bara svenska"' in html  # what was typed is kept
        assert 'id="id_title_fi_error"' in html

    def test_clearing_the_swedish_text_in_the_form_clears_it(self, staff_client):
        measure = measure_create(title="Laboratorio", title_sv="Labb", start_quarter="2025-Q1", end_quarter="2025-Q2")
        url = reverse("workshops:measure_edit", args=[measure.pk])
        response = staff_client.post(url, measure_data(title_fi="Laboratorio", title_sv=""))
        assert response.status_code == 302
        measure.refresh_from_db()
        assert (measure.title_fi, measure.title_sv) == ("Laboratorio", None)

    def test_a_finding_is_written_in_three_languages_and_read_in_the_readers(self, staff_client):
        response = staff_client.post(
            reverse("workshops:finding_create"),
            {"text_fi": "Tilaa puuttuu.", "text_sv": "Det saknas utrymme.", "kind": "need", "importance": "2"},
        )
        assert response.status_code == 302
        finding = Finding.objects.get()
        page = reverse("workshops:finding", args=[finding.pk])
        assert "Det saknas utrymme." in staff_client.get(page, HTTP_ACCEPT_LANGUAGE="sv").content.decode()
        # No English version: the English page shows the Finnish text.
        assert "Tilaa puuttuu." in staff_client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()


class TestMissingSwedishFilter:
    @pytest.fixture
    def records(self):
        return {
            "both": finding_create(text="Molemmat.", text_sv="Båda.", kind="need"),
            "finnish": finding_create(text="Vain suomeksi.", kind="need"),
            "cleared": finding_create(text="Tyhjennetty.", text_sv="", kind="need"),
            "m_both": measure_create(
                title="Mittari", title_sv="Mätare", start_quarter="2025-Q1", end_quarter="2025-Q2"
            ),
            "m_indicator": measure_create(
                title="Otsikko",
                title_sv="Rubrik",
                indicator="mittari ilman ruotsia",
                start_quarter="2025-Q1",
                end_quarter="2025-Q2",
            ),
        }

    def test_the_findings_list_shows_those_without_swedish(self, staff_client, records):
        response = staff_client.get(FINDINGS, {"missing": "sv"}, HTTP_ACCEPT_LANGUAGE="en")
        shown = {finding.pk for finding in response.context["page"]}
        assert shown == {records["finnish"].pk, records["cleared"].pk}
        assert "Missing Swedish" in response.content.decode()
        english = {f.pk for f in staff_client.get(FINDINGS, {"missing": "en"}).context["page"]}
        assert english == {records["both"].pk, records["finnish"].pk, records["cleared"].pk}

    def test_the_measures_list_counts_every_text_of_a_measure(self, staff_client, records):
        shown = {m.pk for m in staff_client.get(MEASURES, {"missing": "sv"}).context["page"]}
        assert shown == {records["m_indicator"].pk}

    def test_an_unknown_choice_is_an_error_next_to_the_filter_and_filters_nothing(self, staff_client, records):
        response = staff_client.get(FINDINGS, {"missing": "de"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.context["form"].errors["missing"]
        assert len(response.context["page"]) == 3

    @pytest.mark.parametrize(
        ("model", "expected"),
        [("finding", {"finnish", "cleared"}), ("measure", {"m_indicator"})],
    )
    def test_the_admin_lists_filter_missing_swedish(self, staff_client, records, model, expected):
        response = staff_client.get(reverse(f"admin:workshops_{model}_changelist"), {"missing": "sv"})
        assert response.status_code == 200
        assert {row.pk for row in response.context["cl"].result_list} == {records[key].pk for key in expected}
