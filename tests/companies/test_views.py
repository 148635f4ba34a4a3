"""Staff pages of the registry: directory, company, buildings."""

import datetime

import pytest
from django.urls import reverse

from companies.models import Company

from ..factories import BuildingFactory, CompanyFactory, ContactFactory, PremisesFactory, TenancyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    """Two buildings, an IT company in Kosmos and a factory in Sampo."""
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    sampo = BuildingFactory(name="Sampo", slug="sampo", street_address="Sammonkatu")
    coder = CompanyFactory(name="Koodari Oy", industry_code="62010", industry_section="J")
    factory = CompanyFactory(name="Konepaja Oy", industry_code="25620", industry_section="C")
    TenancyFactory(company=coder, premises=PremisesFactory(building=kosmos, code="K101"))
    TenancyFactory(company=factory, premises=PremisesFactory(building=sampo, code="S201"))
    ContactFactory(company=coder, name="Aino Aalto", email="aino@koodari.example", is_primary=True)
    return {"kosmos": kosmos, "sampo": sampo, "coder": coder, "factory": factory}


class TestDirectory:
    url = reverse("companies:directory")

    def test_lists_active_organisations_with_their_premises(self, viewer_client, village):
        CompanyFactory(name="Lopettanut Oy", active=False)
        response = viewer_client.get(self.url)
        assert response.status_code == 200
        content = response.content.decode()
        assert "Koodari Oy" in content and "Konepaja Oy" in content
        assert "Kosmos K101" in content
        assert "Lopettanut Oy" not in content

    def test_needs_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_refuses_users_outside_the_groups(self, outsider_client):
        assert outsider_client.get(self.url).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(self.url).status_code == 405

    def test_filters_by_building(self, viewer_client, village):
        response = viewer_client.get(self.url, {"building": "sampo"})
        names = [c.name for c in response.context["page"]]
        assert names == ["Konepaja Oy"]

    def test_filters_by_industry_section(self, viewer_client, village):
        response = viewer_client.get(self.url, {"industry": "J"})
        assert [c.name for c in response.context["page"]] == ["Koodari Oy"]

    def test_filters_by_building_and_industry_together(self, viewer_client, village):
        response = viewer_client.get(self.url, {"building": "kosmos", "industry": "C"})
        assert list(response.context["page"]) == []
        assert "No organisations match" in response.content.decode() or response.context["page"].paginator.count == 0

    def test_searches_by_name_and_business_id(self, viewer_client, village):
        by_name = viewer_client.get(self.url, {"q": "koodari"})
        by_id = viewer_client.get(self.url, {"q": village["factory"].business_id})
        assert [c.name for c in by_name.context["page"]] == ["Koodari Oy"]
        assert [c.name for c in by_id.context["page"]] == ["Konepaja Oy"]

    def test_invalid_filter_is_reported_next_to_the_field(self, viewer_client, village):
        response = viewer_client.get(self.url, {"building": "no-such-building"})
        assert response.status_code == 200
        assert response.context["form"].errors["building"]

    @pytest.mark.parametrize("size", [50, 500])
    def test_query_count_does_not_grow_with_the_registry(self, viewer_client, django_assert_num_queries, size):
        kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
        premises = PremisesFactory(building=kosmos)
        companies = CompanyFactory.create_batch(size)
        for company in companies:
            TenancyFactory(company=company, premises=premises)
        # session, user, the user's groups, the building of the filter, count,
        # one page of companies, their current tenancies (with premises and
        # building), the buildings listed in the filter
        with django_assert_num_queries(8):
            response = viewer_client.get(self.url, {"building": "kosmos"})
        assert response.context["page"].paginator.count == size


class TestCompanyDetail:
    def test_shows_premises_and_contacts(self, viewer_client, village):
        response = viewer_client.get(village["coder"].get_absolute_url())
        content = response.content.decode()
        assert response.status_code == 200
        assert "K101" in content and "Aino Aalto" in content and "aino@koodari.example" in content

    def test_viewer_sees_no_edit_link_but_staff_do(self, viewer_client, staff_client, village):
        edit = reverse("admin:companies_company_change", args=[village["coder"].pk])
        assert edit not in viewer_client.get(village["coder"].get_absolute_url()).content.decode()
        assert edit in staff_client.get(village["coder"].get_absolute_url()).content.decode()

    def test_hides_erased_contacts(self, viewer_client, village):
        from companies.services import contact_erase

        contact_erase(contact=village["coder"].contacts.get())
        assert "Aino" not in viewer_client.get(village["coder"].get_absolute_url()).content.decode()

    def test_unknown_company_is_404(self, viewer_client):
        assert viewer_client.get(reverse("companies:detail", args=[999999])).status_code == 404

    def test_needs_login(self, client, village):
        assert client.get(village["coder"].get_absolute_url()).status_code == 302

    def test_refuses_outsiders(self, outsider_client, village):
        assert outsider_client.get(village["coder"].get_absolute_url()).status_code == 403

    def test_refuses_post(self, staff_client, village):
        assert staff_client.post(village["coder"].get_absolute_url()).status_code == 405


class TestBuildings:
    def test_building_page_lists_who_is_there_now(self, viewer_client, village):
        leaver = CompanyFactory(name="Muuttanut Oy")
        TenancyFactory(
            company=leaver,
            premises=PremisesFactory(building=village["kosmos"]),
            start_date=datetime.date(2015, 1, 1),
            end_date=datetime.date(2020, 1, 1),
        )
        response = viewer_client.get(village["kosmos"].get_absolute_url())
        tenants = [t.company.name for t in response.context["tenancies"]]
        assert tenants == ["Koodari Oy"]

    def test_building_list_counts_current_tenants(self, viewer_client, village):
        response = viewer_client.get(reverse("companies:buildings"))
        counts = {b.name: b.tenant_count for b in response.context["buildings"]}
        assert counts == {"Kosmos": 1, "Sampo": 1}

    def test_unknown_building_is_404(self, viewer_client):
        assert viewer_client.get(reverse("companies:building", args=["nowhere"])).status_code == 404

    def test_needs_login_and_membership(self, client, outsider_client, village):
        url = village["sampo"].get_absolute_url()
        assert client.get(url).status_code == 302
        assert outsider_client.get(url).status_code == 403


def test_inactive_companies_stay_out_of_the_directory_count(viewer_client, village):
    Company.objects.filter(pk=village["factory"].pk).update(active=False)
    response = viewer_client.get(reverse("companies:directory"))
    assert response.context["page"].paginator.count == 1
