"""The workshops admin and its seeded themes: staff edit, viewers look, attachments only through the protected view."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone, translation

from workshops.demo import demo_pdf, demo_png
from workshops.models import Attachment, Finding, Measure, MeasureStatusChange, Participation, Theme

from ..factories import (
    CompanyFactory,
    ContactFactory,
    FindingFactory,
    InterviewFactory,
    MeasureFactory,
    UserFactory,
    WorkshopFactory,
)

pytestmark = pytest.mark.django_db

MODELS = ["theme", "interview", "workshop", "finding", "measure", "measurestatuschange"]
HISTORY_MODELS = ["interview", "workshop", "finding", "measure"]
SEEDED = {
    "growth-and-development": ("Kasvu ja kehittäminen", "Tillväxt och utveckling", "Growth and development"),
    "village-services": ("Teknologiakylän palvelut", "Teknologibyns tjänster", "Services of the village"),
    "premises": ("Toimitilat", "Lokaler", "Premises"),
    "circular-economy": ("Kiertotalous", "Cirkulär ekonomi", "Circular economy"),
    "digitalisation": ("Digitalisaatio", "Digitalisering", "Digitalisation"),
    "workforce-and-skills": ("Työvoima ja osaaminen", "Arbetskraft och kompetens", "Workforce and skills"),
    "cooperation-with-schools": (
        "Yhteistyö oppilaitosten kanssa",
        "Samarbete med läroanstalterna",
        "Cooperation with schools",
    ),
    "transport-and-location": ("Liikenne ja sijainti", "Trafikförbindelser och läge", "Transport and location"),
}


def changelist(model: str) -> str:
    return reverse(f"admin:workshops_{model}_changelist")


def add(model: str) -> str:
    return reverse(f"admin:workshops_{model}_add")


def change(obj) -> str:
    return reverse(f"admin:workshops_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(page) -> dict:
    """The POST data of an admin change page as rendered: main form, inline forms, management forms."""
    data = {}

    def add_form(form):
        for field in form:
            value = field.value()
            if value is None or field.field.disabled:
                continue
            if hasattr(field.field.widget, "widgets"):  # date and time in two inputs
                for index, part in enumerate(field.field.widget.decompress(value)):
                    data[f"{field.html_name}_{index}"] = str(part)
            else:
                data[field.html_name] = [str(v) for v in value] if isinstance(value, list) else value

    add_form(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        add_form(inline.formset.management_form)
        for form in inline.formset.forms:
            add_form(form)
    return data


def action_names(page) -> set[str]:
    form = page.context["action_form"]
    return set(dict(form.fields["action"].choices)) - {""} if form else set()


def attach(record, name: str, data: bytes, content_type: str) -> Attachment:
    attachment = Attachment(
        original_name=name, content_type=content_type, size=len(data), **{record._meta.model_name: record}
    )
    attachment.file.save(name, ContentFile(data), save=False)
    attachment.save()
    return attachment


@pytest.fixture
def private_root(settings, tmp_path):
    settings.PRIVATE_ROOT = settings.MEDIA_ROOT = settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def records(private_root, staff):
    """One of each: an interview and a workshop with attachments, a finding, a measure with a status step."""
    theme = Theme.objects.get(slug="circular-economy")
    company = CompanyFactory(name="Sivuvirta Oy")
    contact = ContactFactory(company=company, name="Aino Aalto")
    interview = InterviewFactory(notes="Puru ja kuori kiertotalouteen.")
    interview.companies.add(company)
    interview.contacts.add(contact)
    interview.themes.add(theme)
    workshop = WorkshopFactory(title="Kiertotalouden työpaja")
    workshop.invited_companies.add(company)
    Participation.objects.create(workshop=workshop, contact=contact, attended=True)
    finding = FindingFactory(text="Sivuvirroille tarvitaan yhteinen kartta.", kind=Finding.Kind.NEED)
    finding.themes.add(theme)
    finding.interviews.add(interview)
    measure = MeasureFactory(title="Sivuvirtakartta")
    measure.findings.add(finding)
    step = MeasureStatusChange.objects.create(
        measure=measure, status=Measure.Status.PROPOSED, changed_on=datetime.date(2023, 5, 2), changed_by=staff
    )
    return {
        "theme": theme,
        "company": company,
        "interview": interview,
        "workshop": workshop,
        "finding": finding,
        "measure": measure,
        "step": step,
        "interview_file": attach(interview, "muistio.pdf", demo_pdf(("Muistio",)), "application/pdf"),
        "workshop_file": attach(workshop, "fläppi.png", demo_png(), "image/png"),
    }


def _objects(records) -> list:
    return [records[name] for name in ("theme", "interview", "workshop", "finding", "measure", "step")]


class TestSeededThemes:
    def test_the_brief_s_themes_exist_after_migrations_in_three_languages(self):
        themes = {theme.slug: theme for theme in Theme.objects.all()}
        assert set(SEEDED) <= set(themes)
        for slug, names in SEEDED.items():
            theme = themes[slug]
            assert (theme.name_fi, theme.name_sv, theme.name_en) == names
            assert theme.active
        assert [themes[slug].order for slug in SEEDED] == list(range(1, 9))
        with translation.override("sv"):
            assert str(themes["circular-economy"]) == "Cirkulär ekonomi"
        with translation.override("fi"):
            assert str(themes["circular-economy"]) == "Kiertotalous"

    def test_unseeding_keeps_themes_in_use_and_seeding_again_makes_no_duplicates(self):
        migration = importlib.import_module("workshops.migrations.0002_seed_themes")
        FindingFactory().themes.add(Theme.objects.get(slug="premises"))
        Theme.objects.filter(slug="digitalisation").update(name_fi="Digitalisointi")

        migration.remove_themes(apps, None)
        assert set(Theme.objects.filter(slug__in=SEEDED).values_list("slug", flat=True)) == {"premises"}

        migration.seed_themes(apps, None)
        migration.seed_themes(apps, None)
        assert Theme.objects.filter(slug__in=SEEDED).count() == len(SEEDED)
        assert Theme.objects.get(slug="digitalisation").name_fi == "Digitalisaatio"


class TestPages:
    def test_staff_open_every_changelist_add_and_change_page(self, staff_client, records):
        for model in MODELS:
            assert staff_client.get(changelist(model)).status_code == 200, model
            assert staff_client.get(add(model)).status_code == 200, model
        for obj in _objects(records):
            assert staff_client.get(change(obj)).status_code == 200, obj
        for name in HISTORY_MODELS:
            history = reverse(f"admin:workshops_{name}_history", args=[records[name].pk])
            assert staff_client.get(history).status_code == 200, name

    def test_viewers_look_but_cannot_add_change_or_delete(self, viewer_client, records):
        for model in MODELS:
            assert viewer_client.get(changelist(model)).status_code == 200, model
            assert viewer_client.get(add(model)).status_code == 403, model
        for obj in _objects(records):
            page = viewer_client.get(change(obj))
            assert page.status_code == 200, obj
            assert not page.context["has_change_permission"]
            assert viewer_client.post(change(obj), {}).status_code == 403, obj
            delete = reverse(f"admin:workshops_{obj._meta.model_name}_delete", args=[obj.pk])
            assert viewer_client.post(delete, {"post": "yes"}).status_code == 403, obj
        assert viewer_client.post(add("finding"), {"text": "Uusi", "kind": "need", "importance": 2}).status_code == 403
        assert Finding.objects.count() == 1
        records["measure"].refresh_from_db()
        assert records["measure"].title == "Sivuvirtakartta"

    def test_outsiders_and_anonymous_users_are_sent_to_the_admin_login(self, outsider_client, client, records):
        for user_client in (outsider_client, client):
            for url in (changelist("finding"), change(records["interview"])):
                response = user_client.get(url)
                assert response.status_code == 302 and "/admin/login/" in response.url

    def test_search_and_filters_find_the_records(self, staff_client, records):
        other = InterviewFactory(notes="Rekrytointi ja harjoittelijat.")
        other.companies.add(CompanyFactory(kind="education"))

        def shown(model, query):
            return list(staff_client.get(changelist(model), query).context["cl"].result_list)

        assert shown("interview", {"q": "kuori"}) == [records["interview"]]
        assert shown("interview", {"themes__id__exact": records["theme"].pk}) == [records["interview"]]
        assert shown("interview", {"companies__kind__exact": "education"}) == [other]
        assert shown("finding", {"q": "kartta"}) == [records["finding"]]
        assert shown("finding", {"kind__exact": "need", "themes__id__exact": records["theme"].pk}) == [
            records["finding"]
        ]
        assert shown("finding", {"kind__exact": "threat"}) == []
        assert shown("measure", {"status__exact": "proposed", "q": "Sivuvirta"}) == [records["measure"]]
        assert shown("measure", {"status__exact": "done"}) == []


class TestAttachments:
    @pytest.mark.parametrize("user_client", ["staff_client", "viewer_client"])
    def test_attachments_link_to_the_protected_view_and_never_to_a_media_url(
        self, request, user_client, records, settings
    ):
        browser = request.getfixturevalue(user_client)
        for record, attachment in [
            (records["interview"], records["interview_file"]),
            (records["workshop"], records["workshop_file"]),
        ]:
            html = browser.get(change(record)).content.decode()
            assert f'href="{reverse("workshops:attachment", args=[attachment.pk])}"' in html
            assert attachment.original_name in html
            assert settings.MEDIA_URL not in html
            assert attachment.file.name not in html
            assert 'type="file"' not in html

    def test_the_inline_shows_type_and_size_and_offers_no_upload_row(self, staff_client, records):
        attachment = records["workshop_file"]
        page = staff_client.get(change(records["workshop"]))
        inline = next(i for i in page.context["inline_admin_formsets"] if i.formset.model is Attachment)
        assert inline.formset.max_num == 0
        assert not inline.has_add_permission
        assert len(inline.formset.forms) == 1
        html = page.content.decode()
        with translation.override(page.headers["Content-Language"]):
            assert str(filesizeformat(attachment.size)) in html
        assert "image/png" in html

    def test_deleting_an_attachment_in_the_inline_removes_the_row_and_its_file(
        self, staff_client, records, private_root, django_capture_on_commit_callbacks
    ):
        attachment = records["interview_file"]
        path = private_root / attachment.file.name
        assert path.exists()
        page = staff_client.get(change(records["interview"]))
        data = form_data(page) | {"attachments-0-DELETE": "on"}
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(change(records["interview"]), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        assert not Attachment.objects.filter(pk=attachment.pk).exists()
        assert not path.exists()
        assert (private_root / records["workshop_file"].file.name).exists()

    def test_deleting_a_workshop_removes_its_attachment_files(
        self, staff_client, records, private_root, django_capture_on_commit_callbacks
    ):
        path = private_root / records["workshop_file"].file.name
        delete = reverse("admin:workshops_workshop_delete", args=[records["workshop"].pk])
        with django_capture_on_commit_callbacks(execute=True):
            assert staff_client.post(delete, {"post": "yes"}).status_code == 302
        assert not path.exists()
        assert (private_root / records["interview_file"].file.name).exists()


class TestActions:
    def test_findings_and_measures_have_no_bulk_delete(self, staff_client, records):
        assert "delete_selected" not in action_names(staff_client.get(changelist("finding")))
        assert "delete_selected" not in action_names(staff_client.get(changelist("measure")))
        # The other admins keep it, so the check above does look at the right list.
        assert "delete_selected" in action_names(staff_client.get(changelist("interview")))

        for model, obj in [("finding", records["finding"]), ("measure", records["measure"])]:
            staff_client.post(
                changelist(model), {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
            )
            assert type(obj).objects.filter(pk=obj.pk).exists(), model


class TestEditing:
    def test_staff_choices_offer_only_digipolis_staff(self, staff_client, staff, viewer, outsider):
        superuser = UserFactory(username="root", is_superuser=True, is_staff=True)
        for model, field in [
            ("interview", "interviewers"),
            ("workshop", "facilitators"),
            ("measure", "responsible_user"),
        ]:
            form = staff_client.get(add(model)).context["adminform"].form
            assert set(form.fields[field].queryset) == {staff, superuser}, model

    def test_a_new_finding_records_who_created_it(self, staff_client, staff, records):
        response = staff_client.post(
            add("finding"),
            {
                "text_fi": "Kylään toivotaan yhteistä saunaa.",
                "text_sv": "Man önskar en gemensam bastu i byn.",
                "kind": "wish",
                "importance": "1",
                "themes": [records["theme"].pk],
                "interviews": [records["interview"].pk],
            },
        )
        assert response.status_code == 302
        finding = Finding.objects.get(text_fi__startswith="Kylään toivotaan")
        assert finding.text_sv == "Man önskar en gemensam bastu i byn."
        assert finding.created_by == staff
        assert list(finding.interviews.all()) == [records["interview"]]
        assert finding.history.count() >= 1

    def test_a_status_set_on_the_form_gets_a_dated_step(self, staff_client, staff, records):
        measure = records["measure"]
        page = staff_client.get(change(measure))
        response = staff_client.post(change(measure), form_data(page) | {"status": Measure.Status.AGREED})
        assert response.status_code == 302
        measure.refresh_from_db()
        assert measure.status == Measure.Status.AGREED
        latest = measure.status_changes.order_by("-changed_on", "-pk").first()
        assert (latest.status, latest.changed_on, latest.changed_by) == (
            Measure.Status.AGREED,
            timezone.localdate(),
            staff,
        )
        assert measure.status_changes.count() == 2

    def test_a_status_step_added_inline_is_signed_and_not_doubled(self, staff_client, staff, records):
        measure = records["measure"]
        page = staff_client.get(change(measure))
        data = form_data(page) | {
            "status": Measure.Status.IN_PROGRESS,
            "status_changes-TOTAL_FORMS": "2",
            "status_changes-1-changed_on": "2024-01-15",
            "status_changes-1-status": Measure.Status.IN_PROGRESS,
            "status_changes-1-note": "Rahoitus myönnetty.",
            "status_changes-1-measure": str(measure.pk),
        }
        response = staff_client.post(change(measure), data)
        assert response.status_code == 302, response.context["adminform"].form.errors
        steps = list(measure.status_changes.order_by("changed_on"))
        assert [(s.status, s.changed_on) for s in steps] == [
            (Measure.Status.PROPOSED, datetime.date(2023, 5, 2)),
            (Measure.Status.IN_PROGRESS, datetime.date(2024, 1, 15)),
        ]
        assert steps[1].changed_by == staff

    def test_a_measure_ending_before_it_starts_is_refused(self, staff_client, records):
        measure = records["measure"]
        page = staff_client.get(change(measure))
        response = staff_client.post(
            change(measure), form_data(page) | {"start_quarter": "2025-Q3", "end_quarter": "2025-Q1"}
        )
        assert response.status_code == 200
        assert "end_quarter" in response.context["adminform"].form.errors
        measure.refresh_from_db()
        assert (measure.start_quarter, measure.end_quarter) == ("2026-Q1", "2026-Q4")
