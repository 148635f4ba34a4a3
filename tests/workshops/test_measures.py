"""Measures: the list with its filters, the detail page, creating and editing, and the status history."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from teknokyla.core.groups import STAFF_GROUP
from tests.factories import CompanyFactory, ThemeFactory, UserFactory
from workshops.forms.plan import quarters
from workshops.models import Measure, MeasureStatusChange
from workshops.services.plan import finding_create, measure_create, measure_update

LIST_URL = reverse("workshops:measures")
CREATE_URL = reverse("workshops:measure_create")


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English source strings, which the fi catalogue may translate any day.
    settings.LANGUAGE_CODE = "en"


TRANSLATED = ("title", "description", "funding_source", "indicator")


def _post_data(**overrides):
    # The form edits the texts in each language side by side; `title` and the like stand for the Finnish ones.
    data = {
        "title_fi": "Jaettu laboratorio",
        "description_fi": "Avataan **yhteinen** laboratorio Kosmokseen.",
        "start_quarter": "2025-Q1",
        "end_quarter": "2025-Q4",
        "estimated_cost": "12000.50",
        "funding_source_fi": "Lapin liitto",
        "indicator_fi": "companies using the shared lab",
        "indicator_baseline": "4",
        "indicator_target": "12",
        "status": "proposed",
    }
    for name in TRANSLATED:
        if name in overrides:
            overrides[f"{name}_fi"] = overrides.pop(name)
    data.update(overrides)
    return data


def _measure(user=None, **overrides):
    fields = {"title": "Shared lab", "start_quarter": "2025-Q1", "end_quarter": "2025-Q4", "user": user}
    fields.update(overrides)
    return measure_create(**fields)


def _fields_of(measure: Measure, **changes) -> dict:
    """Every field measure_update takes, as stored, with the given changes."""
    fields = {
        name: getattr(measure, name)
        for name in (
            "title",
            "description",
            "responsible_user",
            "responsible_organisation",
            "start_quarter",
            "end_quarter",
            "estimated_cost",
            "funding_source",
            "indicator",
            "indicator_baseline",
            "indicator_target",
            "status",
        )
    }
    fields.update(themes=measure.themes.all(), findings=measure.findings.all(), partners=measure.partners.all())
    fields.update(changes)
    return fields


# The list ------------------------------------------------------------------


@pytest.mark.django_db
class TestMeasureList:
    def test_viewer_sees_the_measures(self, viewer_client):
        _measure(title="Shared lab", responsible_organisation=CompanyFactory(name="Digipolis"))
        html = viewer_client.get(LIST_URL).content.decode()
        assert "Shared lab" in html and "Digipolis" in html and "2025-Q1 – 2025-Q4" in html
        assert "Propose a measure" not in html

    def test_needs_login(self, client):
        assert client.get(LIST_URL).status_code == 302

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.get(LIST_URL).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(LIST_URL).status_code == 405

    @pytest.mark.parametrize(
        ("params", "expected"),
        [
            ({"theme": "t-digi"}, {"digi"}),
            ({"status": "done"}, {"lab"}),
            ({"quarter": "2024-Q2"}, {"digi"}),
            ({"quarter": "2025-Q2"}, {"lab"}),
            ({"quarter": "2024-Q4"}, {"lab", "digi"}),
            ({"q": "digitalisaation"}, {"digi"}),
            ({"q": "laboratorioon"}, {"lab"}),
        ],
    )
    def test_filters(self, viewer_client, params, expected):
        lab = _measure(
            title="Shared lab", description="Laboratorio Kosmokseen.", start_quarter="2024-Q4", status="done"
        )
        digi = _measure(
            title="Digital services",
            indicator="Digitalisaatio-ohjelmaan osallistuvat yritykset",
            start_quarter="2024-Q1",
            end_quarter="2024-Q4",
            themes=[ThemeFactory(slug="t-digi")],
        )
        names = {lab.pk: "lab", digi.pk: "digi"}
        response = viewer_client.get(LIST_URL, params)
        assert response.status_code == 200
        assert {names[m.pk] for m in response.context["page"]} == expected

    def test_filter_by_responsible_organisation(self, viewer_client):
        school = CompanyFactory(name="Lappia")
        ours = _measure(responsible_organisation=school)
        _measure(responsible_organisation=CompanyFactory())
        page = viewer_client.get(LIST_URL, {"organisation": school.pk}).context["page"]
        assert [m.pk for m in page] == [ours.pk]

    def test_query_count_does_not_grow_with_the_data(self, viewer_client, django_assert_num_queries):
        def add_measures(count):
            for _ in range(count):
                finding = finding_create(text="Finding.", kind="need")
                _measure(
                    responsible_user=UserFactory(),
                    responsible_organisation=CompanyFactory(),
                    themes=[ThemeFactory(), ThemeFactory()],
                    findings=[finding],
                )

        # session, user, the user's groups, the count, the theme and organisation filter options,
        # the page of measures (with the responsible people and the findings count), the measures' themes
        add_measures(3)
        with django_assert_num_queries(8):
            assert viewer_client.get(LIST_URL).status_code == 200
        add_measures(27)
        with django_assert_num_queries(8):
            response = viewer_client.get(LIST_URL)
        assert len(response.context["page"]) == 30


# The detail page -----------------------------------------------------------


@pytest.mark.django_db
class TestMeasureDetail:
    def test_shows_everything_about_the_measure(self, viewer_client, staff):
        finding = finding_create(text="No shared lab.", kind="weakness")
        measure = _measure(
            user=staff,
            description="Avataan **yhteinen** laboratorio.\n\n<script>alert(1)</script>",
            findings=[finding],
            responsible_organisation=CompanyFactory(name="Kemin Digipolis Oy"),
            partners=[CompanyFactory(name="Lapin AMK")],
            estimated_cost=Decimal("12000.50"),
            funding_source="Lapin liitto",
            indicator="companies using the shared lab",
            indicator_baseline=Decimal("4"),
            indicator_target=Decimal("12"),
            status_note="Proposed in the workshop",
        )
        html = viewer_client.get(reverse("workshops:measure", args=[measure.pk])).content.decode()
        assert "<strong>yhteinen</strong>" in html
        assert "<script>alert(1)</script>" not in html
        assert "No shared lab." in html and finding.get_absolute_url() in html
        assert "Kemin Digipolis Oy" in html and "Lapin AMK" in html and "Lapin liitto" in html
        assert "2025-Q1 – 2025-Q4" in html
        assert 'companies using the shared lab: <span class="text-nowrap">4 → 12</span>' in html
        assert "12,000.50 €" in html
        assert "Proposed in the workshop" in html and staff.get_username() in html
        assert reverse("workshops:measure_edit", args=[measure.pk]) not in html

    def test_needs_login_refuses_outsiders_and_post(self, client, outsider_client, viewer_client):
        url = reverse("workshops:measure", args=[_measure().pk])
        assert client.get(url).status_code == 302
        assert outsider_client.get(url).status_code == 403
        assert viewer_client.post(url).status_code == 405
        assert viewer_client.get(reverse("workshops:measure", args=[999999])).status_code == 404


# Create --------------------------------------------------------------------


@pytest.mark.django_db
class TestMeasureCreate:
    def test_staff_proposes_a_measure_and_the_first_status_is_recorded(self, staff_client, staff):
        theme, partner = ThemeFactory(), CompanyFactory()
        finding = finding_create(text="No lab.", kind="need")
        data = _post_data(
            themes=[theme.pk],
            findings=[finding.pk],
            responsible_user=staff.pk,
            partners=[partner.pk],
            status="agreed",
            status_note="Board approved",
        )
        response = staff_client.post(CREATE_URL, data)
        measure = Measure.objects.get()
        assert response.status_code == 302
        assert response["Location"] == measure.get_absolute_url()
        assert (measure.title, measure.status, measure.responsible_user) == ("Jaettu laboratorio", "agreed", staff)
        assert (measure.estimated_cost, measure.indicator_baseline, measure.indicator_target) == (
            Decimal("12000.50"),
            Decimal("4"),
            Decimal("12"),
        )
        assert list(measure.findings.all()) == [finding]
        assert list(measure.partners.all()) == [partner]
        change = measure.status_changes.get()
        assert (change.status, change.changed_on, change.changed_by, change.note) == (
            "agreed",
            timezone.localdate(),
            staff,
            "Board approved",
        )
        assert measure.history.latest().history_user == staff

    def test_quarter_select_offers_2022_to_2030(self, staff_client):
        form = staff_client.get(CREATE_URL).context["form"]
        values = [value for value, _label in form.fields["end_quarter"].choices if value]
        assert values[0] == "2022-Q1" and values[-1] == "2030-Q4" and len(values) == 36
        assert values == quarters()

    def test_responsible_staff_choices_are_staff_only(self, staff_client, staff, viewer):
        form = staff_client.get(CREATE_URL).context["form"]
        people = set(form.fields["responsible_user"].queryset)
        assert staff in people and viewer not in people

    def test_prefills_the_finding_from_the_query(self, staff_client):
        theme = ThemeFactory()
        finding = finding_create(text="No lab.", kind="need", themes=[theme])
        form = staff_client.get(CREATE_URL, {"finding": finding.pk}).context["form"]
        assert form["findings"].value() == [finding.pk]
        assert form["themes"].value() == [theme.pk]

    def test_end_before_start_saves_nothing_and_says_so_next_to_the_end(self, staff_client):
        response = staff_client.post(CREATE_URL, _post_data(start_quarter="2026-Q3", end_quarter="2026-Q1"))
        assert response.status_code == 400
        assert Measure.objects.count() == 0
        assert MeasureStatusChange.objects.count() == 0
        errors = response.context["form"].errors
        assert list(errors) == ["end_quarter"]
        html = response.content.decode()
        assert 'id="id_end_quarter_error"' in html
        assert 'aria-describedby="id_end_quarter_error"' in html
        assert "The end quarter cannot be before the start quarter." in html

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            (_post_data(estimated_cost="-1"), "estimated_cost"),
            (_post_data(title=""), "title_fi"),
            (_post_data(start_quarter="2025-Q5"), "start_quarter"),
            (_post_data(end_quarter="2031-Q1"), "end_quarter"),
            (_post_data(status="forgotten"), "status"),
            (_post_data(indicator_target="many"), "indicator_target"),
        ],
    )
    def test_invalid_input_saves_nothing(self, staff_client, data, field):
        response = staff_client.post(CREATE_URL, data)
        assert response.status_code == 400
        assert Measure.objects.count() == 0
        assert response.context["form"].errors[field]
        assert f'id="id_{field}_error"' in response.content.decode()

    def test_negative_cost_keeps_what_was_typed(self, staff_client):
        html = staff_client.post(CREATE_URL, _post_data(estimated_cost="-5")).content.decode()
        assert 'value="Jaettu laboratorio"' in html and "Lapin liitto" in html

    def test_viewer_cannot_create(self, viewer_client):
        assert viewer_client.get(CREATE_URL).status_code == 403
        assert viewer_client.post(CREATE_URL, _post_data()).status_code == 403
        assert Measure.objects.count() == 0

    def test_outsider_and_anonymous_cannot_create(self, outsider_client, client):
        assert outsider_client.post(CREATE_URL, _post_data()).status_code == 403
        assert client.post(CREATE_URL, _post_data()).status_code == 302
        assert Measure.objects.count() == 0

    def test_refuses_other_methods(self, staff_client):
        assert staff_client.put(CREATE_URL).status_code == 405


# Edit and the status history -----------------------------------------------


@pytest.mark.django_db
class TestMeasureEdit:
    def url(self, measure):
        return reverse("workshops:measure_edit", args=[measure.pk])

    def test_a_status_change_appends_to_the_history(self, staff_client, staff):
        measure = _measure(user=staff)
        response = staff_client.post(
            self.url(measure), _post_data(title="Shared lab", status="in_progress", status_note="Started in May")
        )
        assert response.status_code == 302
        measure.refresh_from_db()
        assert measure.status == "in_progress"
        history = list(measure.status_changes.values_list("status", "note"))
        assert history == [("proposed", ""), ("in_progress", "Started in May")]
        assert measure.status_changes.last().changed_by == staff

    def test_other_changes_add_no_status_row(self, staff_client, staff):
        measure = _measure(user=staff)
        response = staff_client.post(
            self.url(measure), _post_data(title="Renamed", status="proposed", status_note="ignored")
        )
        assert response.status_code == 302
        measure.refresh_from_db()
        assert measure.title == "Renamed"
        assert measure.status_changes.count() == 1
        assert measure.history.count() >= 2  # simple-history keeps every version

    def test_end_before_start_saves_nothing(self, staff_client, staff):
        measure = _measure(user=staff)
        data = _post_data(title="Changed", start_quarter="2027-Q2", end_quarter="2026-Q4", status="done")
        response = staff_client.post(self.url(measure), data)
        assert response.status_code == 400
        measure.refresh_from_db()
        assert (measure.title, measure.status, measure.end_quarter) == ("Shared lab", "proposed", "2025-Q4")
        assert measure.status_changes.count() == 1
        assert response.context["form"].errors["end_quarter"]

    def test_negative_cost_saves_nothing(self, staff_client):
        measure = _measure(estimated_cost=Decimal("100"))
        assert staff_client.post(self.url(measure), _post_data(estimated_cost="-0.01")).status_code == 400
        measure.refresh_from_db()
        assert measure.estimated_cost == Decimal("100")

    def test_a_stored_quarter_outside_the_list_stays_choosable(self, staff_client):
        measure = _measure(start_quarter="2021-Q4", end_quarter="2031-Q1")
        form = staff_client.get(self.url(measure)).context["form"]
        assert form["start_quarter"].value() == "2021-Q4"
        assert ("2031-Q1", "2031-Q1") in form.fields["end_quarter"].choices

    def test_viewer_cannot_edit(self, viewer_client):
        measure = _measure()
        assert viewer_client.get(self.url(measure)).status_code == 403
        assert viewer_client.post(self.url(measure), _post_data(status="done")).status_code == 403
        measure.refresh_from_db()
        assert measure.status == "proposed" and measure.status_changes.count() == 1

    def test_outsider_and_anonymous_cannot_edit(self, outsider_client, client):
        measure = _measure()
        assert outsider_client.post(self.url(measure), _post_data(status="done")).status_code == 403
        assert client.post(self.url(measure), _post_data(status="done")).status_code == 302
        measure.refresh_from_db()
        assert measure.status == "proposed"

    def test_refuses_other_methods(self, staff_client):
        assert staff_client.delete(self.url(_measure())).status_code == 405


# The services --------------------------------------------------------------


@pytest.mark.django_db
class TestMeasureServices:
    def test_update_appends_only_when_the_status_changes(self):
        user = UserFactory(groups=[STAFF_GROUP])
        measure = _measure(user=user)
        measure_update(measure=measure, user=user, data=_fields_of(measure, title="Same status"))
        assert measure.status_changes.count() == 1
        measure_update(measure=measure, user=user, data=_fields_of(measure, status="agreed", status_note="go"))
        measure_update(measure=measure, user=user, data=_fields_of(measure, status="agreed", title="Again"))
        measure_update(measure=measure, user=user, data=_fields_of(measure, status="done"))
        assert list(measure.status_changes.values_list("status", flat=True)) == ["proposed", "agreed", "done"]

    def test_update_compares_with_the_stored_status_not_the_instance(self):
        # A bound ModelForm has already put the new status on the instance before the service runs.
        measure = _measure()
        measure.status = "done"
        measure_update(measure=measure, data=_fields_of(measure))
        assert list(measure.status_changes.values_list("status", flat=True)) == ["proposed", "done"]

    def test_create_refuses_an_end_before_the_start(self):
        with pytest.raises(ValidationError) as error:
            _measure(start_quarter="2026-Q2", end_quarter="2026-Q1")
        assert "end_quarter" in error.value.message_dict
        assert Measure.objects.count() == 0
        assert MeasureStatusChange.objects.count() == 0
