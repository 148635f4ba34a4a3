"""The workforce admin: seeded skill areas, a used area refused deletion and retired instead, filters and history."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from workforce.models import EducationProgramme, Level, SkillArea, WorkforceNeed

from .helpers import make_area, make_company, make_school, need, programme

pytestmark = pytest.mark.django_db
seed = importlib.import_module("workforce.migrations.0002_seed_skill_areas")


def changelist(model: str) -> str:
    return reverse(f"admin:workforce_{model}_changelist")


def delete_url(obj) -> str:
    return reverse(f"admin:workforce_{obj._meta.model_name}_delete", args=[obj.pk])


@pytest.fixture
def records():
    used_by_need, used_by_programme, unused = make_area("Welding"), make_area("Nursing"), make_area("Unused")
    company, school = make_company("Arctic Steel"), make_school("Lappia")
    welding_need = need(company, used_by_need, 3, "6-12", kind=WorkforceNeed.Kind.TRAINEE)
    nurse = programme(school, "Practical nurse", Level.VOCATIONAL, [used_by_programme], 20)
    return locals()


class TestSeededSkillAreas:
    def test_twenty_areas_in_three_languages_with_codes(self):
        seeded = SkillArea.objects.filter(slug__in=[row[0] for row in seed.SKILL_AREAS])
        assert seeded.count() == len(seed.SKILL_AREAS) == 20
        software = SkillArea.objects.get(slug="software-ict")
        assert (software.name_fi, software.name_sv, software.name_en) == (
            "Ohjelmistot ja ICT",
            "Programvara och IKT",
            "Software and ICT",
        )
        assert "25" in software.isco_codes and "0613" in software.isced_codes
        assert "0714" in SkillArea.objects.get(slug="automation-electrical").isced_codes
        assert "7233" in SkillArea.objects.get(slug="mechanical-maintenance").isco_codes
        for area in seeded:
            assert area.name_fi and area.name_sv and area.name_en, area.slug
            assert all(code.isdigit() and 2 <= len(code) <= 4 for code in area.isco_codes + area.isced_codes)
            assert not area.retired

    def test_unseeding_keeps_areas_in_use_and_seeding_again_adds_no_duplicates(self):
        software = SkillArea.objects.get(slug="software-ict")
        need(make_company("Bits Oy"), software, 1)
        seed.remove_skill_areas(apps, None)
        assert list(SkillArea.objects.filter(slug__in=[row[0] for row in seed.SKILL_AREAS])) == [software]
        seed.seed_skill_areas(apps, None)
        seed.seed_skill_areas(apps, None)
        assert SkillArea.objects.filter(slug__in=[row[0] for row in seed.SKILL_AREAS]).count() == 20


class TestSkillAreaAdmin:
    def test_changelist_and_translated_form(self, staff_client, records):
        response = staff_client.get(changelist("skillarea"))
        assert response.status_code == 200
        html = response.content.decode()
        assert "Welding" in html and "Unused" in html
        form = staff_client.get(reverse("admin:workforce_skillarea_add")).content.decode()
        for language in ("fi", "sv", "en"):
            assert f'name="name_{language}"' in form

    @pytest.mark.parametrize("area", ["used_by_need", "used_by_programme"])
    def test_deleting_an_area_in_use_is_refused(self, staff_client, records, area):
        area = records[area]
        assert staff_client.get(delete_url(area)).status_code == 403
        assert staff_client.post(delete_url(area), {"post": "yes"}).status_code == 403
        assert SkillArea.objects.filter(pk=area.pk).exists()
        # The change page offers no delete link either.
        change = staff_client.get(reverse("admin:workforce_skillarea_change", args=[area.pk])).content.decode()
        assert delete_url(area) not in change
        assert records["nurse"].skill_areas.count() == 1

    def test_an_unused_area_can_be_deleted(self, staff_client, records):
        unused = records["unused"]
        assert staff_client.post(delete_url(unused), {"post": "yes"}).status_code == 302
        assert not SkillArea.objects.filter(pk=unused.pk).exists()

    def test_no_bulk_delete_but_retire_and_restore(self, staff_client, records):
        page = staff_client.get(changelist("skillarea")).content.decode()
        assert 'value="delete_selected"' not in page
        assert 'value="retire"' in page and 'value="restore"' in page
        chosen = [records["used_by_need"].pk, records["used_by_programme"].pk]
        response = staff_client.post(
            changelist("skillarea"), {"action": "retire", "_selected_action": chosen}, follow=True
        )
        assert "2 skill areas were retired." in response.content.decode()
        assert set(SkillArea.objects.filter(retired=True).values_list("pk", flat=True)) == set(chosen)
        # Retiring keeps the records that use them.
        assert WorkforceNeed.objects.get(pk=records["welding_need"].pk).skill_area_id == chosen[0]
        assert list(records["nurse"].skill_areas.values_list("pk", flat=True)) == [chosen[1]]

        response = staff_client.post(
            changelist("skillarea"), {"action": "restore", "_selected_action": chosen[:1]}, follow=True
        )
        assert "1 skill area is in use again." in response.content.decode()
        assert list(SkillArea.objects.filter(retired=True).values_list("pk", flat=True)) == chosen[1:]

    def test_bulk_delete_cannot_be_forced(self, staff_client, records):
        staff_client.post(
            changelist("skillarea"),
            {"action": "delete_selected", "_selected_action": [records["used_by_programme"].pk]},
        )
        assert SkillArea.objects.filter(pk=records["used_by_programme"].pk).exists()

    def test_viewers_cannot_retire(self, viewer_client, records):
        area = records["used_by_need"]
        viewer_client.post(changelist("skillarea"), {"action": "retire", "_selected_action": [area.pk]})
        area.refresh_from_db()
        assert not area.retired


class TestNeedAndProgrammeAdmin:
    def test_need_filters(self, staff_client, records):
        need(records["company"], records["unused"], 1, "0-6")
        url = changelist("workforceneed")
        assert staff_client.get(url).context["cl"].result_count == 2
        filters = {
            "skill_area__id__exact": records["used_by_need"].pk,
            "window__exact": "6-12",
            "kind__exact": "trainee",
            "source__exact": "staff",
        }
        response = staff_client.get(url, filters)
        assert [n.pk for n in response.context["cl"].result_list] == [records["welding_need"].pk]
        assert staff_client.get(url, {"source__exact": "survey"}).context["cl"].result_count == 0

    def test_programme_filters(self, staff_client, records):
        other = make_school("Lapin AMK")
        programme(other, "Engineering", Level.BACHELOR, [records["used_by_need"]], 10)
        url = changelist("educationprogramme")
        response = staff_client.get(url, {"institution__id__exact": records["school"].pk})
        assert [p.name for p in response.context["cl"].result_list] == ["Practical nurse"]
        response = staff_client.get(url, {"level__exact": "bachelor"})
        assert [p.name for p in response.context["cl"].result_list] == ["Engineering"]

    def test_history(self, staff_client, staff, records):
        welding_need = records["welding_need"]
        change = reverse("admin:workforce_workforceneed_change", args=[welding_need.pk])
        form = staff_client.get(change).context["adminform"].form
        data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
        data["count"] = 5
        assert staff_client.post(change, data).status_code == 302
        welding_need.refresh_from_db()
        assert welding_need.count == 5
        assert welding_need.history.latest().history_user == staff
        history = staff_client.get(reverse("admin:workforce_workforceneed_history", args=[welding_need.pk]))
        assert history.status_code == 200
        nurse = records["nurse"]
        history = staff_client.get(reverse("admin:workforce_educationprogramme_history", args=[nurse.pk]))
        assert history.status_code == 200

    def test_programme_admin_refuses_a_non_school(self, staff_client, records):
        add = reverse("admin:workforce_educationprogramme_add")
        data = {
            "institution": records["company"].pk,
            "name": "Fake",
            "level": "bachelor",
            "skill_areas": [records["unused"].pk],
            "yearly_intake": 1,
            "yearly_graduates": 1,
            "trainee_places_sought": 0,
            "thesis_places_sought": 0,
        }
        response = staff_client.post(add, data)
        assert response.status_code == 200 and response.context["adminform"].form.errors["institution"]
        assert not EducationProgramme.objects.filter(name="Fake").exists()
