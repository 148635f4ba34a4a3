"""Interview and workshop pages: lists with filters and Finnish search, detail pages, create and edit."""

import datetime
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from workshops.models import Interview, Participation, Theme, Workshop
from workshops.services.records import interview_create, participation_set, workshop_create

from ..factories import (
    BuildingFactory,
    CompanyFactory,
    ContactFactory,
    FindingFactory,
    PremisesFactory,
    TenancyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

HELSINKI = datetime.timezone(datetime.timedelta(hours=2))


# The assertions read English: the source strings, whatever the fi/sv catalogues say.
@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def staff_client(staff_client):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


@pytest.fixture
def viewer_client(viewer_client):
    viewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return viewer_client


def when(day: int, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(2023, 3, day, hour, 0, tzinfo=HELSINKI)


@pytest.fixture
def village(staff):
    """Two organisations (one with premises in Kosmos), their people, and two of the seeded themes."""
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    compus = BuildingFactory(name="Compus", slug="compus")
    coder = CompanyFactory(name="Koodari Oy")
    mill = CompanyFactory(name="Saha Oy")
    TenancyFactory(company=coder, premises=PremisesFactory(building=kosmos, code="K101"))
    return SimpleNamespace(
        kosmos=kosmos,
        compus=compus,
        coder=coder,
        mill=mill,
        aino=ContactFactory(company=coder, name="Aino Aalto"),
        olli=ContactFactory(company=coder, name="Olli Ohjelmoija"),
        pekka=ContactFactory(company=mill, name="Pekka Puu"),
        circular=Theme.objects.get(slug="circular-economy"),
        digital=Theme.objects.get(slug="digitalisation"),
        staff=staff,
    )


def record_interview(village, **fields) -> Interview:
    values = {
        "companies": [village.coder],
        "held_at": when(1),
        "place_text": "Kahvila",
        "notes": "Yritys kertoi kasvusuunnitelmistaan.",
        "user": village.staff,
    }
    return interview_create(**{**values, **fields})


def record_workshop(village, **fields) -> Workshop:
    values = {"title": "Kiertotalouden työpaja", "held_at": when(8), "building": village.compus, "room": "C201"}
    return workshop_create(**{**values, **fields})


def interview_post(village, **changes) -> dict:
    data = {
        "companies": [village.coder.pk],
        "held_at": "2023-03-15T13:30",
        "building": village.kosmos.pk,
        "room": "K101",
        "place_text": "",
        "interviewers": [village.staff.pk],
        "contacts": [village.aino.pk],
        "notes": "Puhuttiin **kiertotaloudesta**.",
        "themes": [village.circular.pk],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def workshop_post(village, **changes) -> dict:
    data = {
        "title": "Osaajapula",
        "held_at": "2023-04-02T09:00",
        "building": "",
        "room": "",
        "place_text": "Lapin AMK:n auditorio",
        "facilitators": [village.staff.pk],
        "purpose": "Kartoittaa osaajatarpeet.",
        "invited_companies": [village.coder.pk, village.mill.pk],
        "invited_people": [village.aino.pk, village.pekka.pk],
        "attended_people": [village.aino.pk, village.olli.pk],
        "notes": "Muistiinpanot",
        "outcomes": "Tulokset",
        "themes": [village.digital.pk],
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def assert_login_redirect(response):
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# Lists -----------------------------------------------------------------------


class TestInterviewList:
    url = reverse("workshops:interviews")

    def test_lists_interviews_with_organisations_and_place(self, viewer_client, village):
        record_interview(village, building=village.kosmos, room="K101", place_text="")
        response = viewer_client.get(self.url)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Koodari Oy" in content and "Kosmos K101" in content
        assert response.context["page"].paginator.count == 1

    def test_staff_see_the_create_button_and_viewers_do_not(self, viewer_client, staff_client, village):
        create = reverse("workshops:interview_create")
        assert create not in viewer_client.get(self.url).content.decode()
        assert create in staff_client.get(self.url).content.decode()

    def test_needs_login(self, client):
        assert_login_redirect(client.get(self.url))

    def test_refuses_users_outside_the_groups(self, outsider_client):
        assert outsider_client.get(self.url).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(self.url).status_code == 405

    def test_filters_by_theme_company_building_and_dates(self, viewer_client, village):
        tagged = record_interview(village, themes=[village.circular], held_at=when(3))
        at_mill = record_interview(village, companies=[village.mill], held_at=when(10))
        held_in_compus = record_interview(
            village, companies=[village.mill], building=village.compus, place_text="", held_at=when(20)
        )

        def pks(**params):
            return {interview.pk for interview in viewer_client.get(self.url, params).context["page"]}

        assert pks(theme="circular-economy") == {tagged.pk}
        assert pks(company=village.mill.pk) == {at_mill.pk, held_in_compus.pk}
        # Kosmos: the coder has premises there; Compus: one interview was held there.
        assert pks(building="kosmos") == {tagged.pk}
        assert pks(building="compus") == {held_in_compus.pk}
        assert pks(date_from="2023-03-05", date_to="2023-03-15") == {at_mill.pk}
        assert pks(date_from="2023-03-05", company=village.mill.pk, building="compus") == {held_in_compus.pk}

    def test_a_reversed_date_range_is_reported_next_to_the_field(self, viewer_client, village):
        response = viewer_client.get(self.url, {"date_from": "2023-03-10", "date_to": "2023-03-01"})
        assert response.status_code == 200
        assert response.context["form"].errors["date_to"]
        assert 'role="alert"' in response.content.decode()

    def test_pages_hold_25_interviews(self, viewer_client, village):
        for day in range(1, 28):
            record_interview(village, held_at=when(day))
        first, second = viewer_client.get(self.url), viewer_client.get(self.url, {"page": 2})
        assert len(first.context["page"]) == 25 and len(second.context["page"]) == 2

    @pytest.mark.parametrize("size", [4, 40])
    def test_query_count_does_not_grow(self, viewer_client, village, django_assert_num_queries, size):
        for day in range(size):
            record_interview(village, themes=[village.circular, village.digital], held_at=when(1 + day % 28))
        # session, user, the user's groups, the theme of the filter, count, one page of interviews (with
        # building), their organisations, their themes, the choices of the theme, organisation and building filters
        with django_assert_num_queries(11):
            response = viewer_client.get(self.url, {"theme": "circular-economy"})
        assert response.context["page"].paginator.count == size

    @pytest.mark.parametrize("size", [4, 40])
    def test_query_count_of_a_search_does_not_grow(self, viewer_client, village, django_assert_num_queries, size):
        for day in range(size):
            record_interview(village, notes="Kiertotalous kiinnostaa.", held_at=when(1 + day % 28))
        # session, user, the user's groups, the stems of the search words, count, one page of interviews
        # (with building), their organisations, their themes, the choices of the three filters
        with django_assert_num_queries(11):
            response = viewer_client.get(self.url, {"q": "kiertotaloudessa"})
        assert response.context["page"].paginator.count == size


class TestInterviewSearch:
    url = reverse("workshops:interviews")

    def test_inflected_forms_find_the_base_form_and_show_the_snippet(self, viewer_client, village):
        found = record_interview(
            village, notes="Yritys näkee kiertotalous-liiketoiminnassa kasvua. Kiertotalous on tärkeä."
        )
        record_interview(village, notes="Digitalisaatio ja osaajapula.")
        response = viewer_client.get(self.url, {"q": "kiertotaloudessa"})
        assert [interview.pk for interview in response.context["page"]] == [found.pk]
        assert "<mark>Kiertotalous</mark>" in response.content.decode()

    @pytest.mark.parametrize(
        ("written", "searched"),
        [
            ("kiertotalous", "kiertotalouden"),
            ("yritys", "yrityksissä"),
            ("osaaminen", "osaamisen"),
            ("digitalisaatiosta", "digitalisaatio"),
            ("toimitila", "toimitiloissa"),
        ],
    )
    def test_other_finnish_forms(self, viewer_client, village, written, searched):
        found = record_interview(village, notes=f"Puhuttiin aiheesta {written}.")
        response = viewer_client.get(self.url, {"q": searched})
        assert [interview.pk for interview in response.context["page"]] == [found.pk]

    def test_search_combines_with_the_filters(self, viewer_client, village):
        record_interview(village, notes="Kiertotalous", companies=[village.mill])
        mine = record_interview(village, notes="Kiertotalous", companies=[village.coder])
        response = viewer_client.get(self.url, {"q": "kiertotalous", "company": village.coder.pk})
        assert [interview.pk for interview in response.context["page"]] == [mine.pk]

    def test_the_snippet_cannot_inject_html(self, viewer_client, village):
        # These survive PostgreSQL's headline (it drops only well-formed tags), so the escaping is what stops them.
        record_interview(village, notes='Kiertotalous <img src=x onerror=alert(1)// ja "><svg/onload=alert(2)> loppu.')
        response = viewer_client.get(self.url, {"q": "kiertotaloudessa"})
        content = response.content.decode()
        assert "<mark>Kiertotalous</mark>" in content
        assert "<img src=x" not in content and "<svg/onload" not in content
        assert "&lt;img src=x onerror=alert(1)//" in content
        assert "&quot;&gt;&lt;svg/onload=alert(2)&gt;" in content

    def test_only_stop_words_find_nothing(self, viewer_client, village):
        record_interview(village, notes="Kiertotalous ja digitalisaatio.")
        response = viewer_client.get(self.url, {"q": "ja"})
        assert response.status_code == 200 and response.context["page"].paginator.count == 0

    def test_web_search_syntax_excludes_words(self, viewer_client, village):
        wanted = record_interview(village, notes="Kiertotalous kiinnostaa.")
        record_interview(village, notes="Kiertotalous ja digitalisaatio.")
        response = viewer_client.get(self.url, {"q": "kiertotalous -digitalisaatio"})
        assert [interview.pk for interview in response.context["page"]] == [wanted.pk]

    def test_search_words_are_kept_in_the_box(self, viewer_client, village):
        response = viewer_client.get(self.url, {"q": "kiertotalous <b>"})
        assert 'value="kiertotalous &lt;b&gt;"' in response.content.decode()


class TestWorkshopList:
    url = reverse("workshops:workshops")

    def test_lists_workshops_with_invited_and_attended_counts(self, viewer_client, village):
        workshop = record_workshop(village, invited_companies=[village.coder])
        participation_set(workshop=workshop, invited=[village.aino, village.olli], attended=[village.aino])
        response = viewer_client.get(self.url)
        row = response.context["page"][0]
        assert response.status_code == 200
        assert (row.invited_count, row.attended_count) == (2, 1)
        assert "Kiertotalouden työpaja" in response.content.decode()

    def test_needs_login(self, client):
        assert_login_redirect(client.get(self.url))

    def test_refuses_users_outside_the_groups(self, outsider_client):
        assert outsider_client.get(self.url).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(self.url).status_code == 405

    def test_filters_by_invited_organisation_theme_building_and_dates(self, viewer_client, village):
        coders = record_workshop(village, invited_companies=[village.coder], themes=[village.digital])
        mills = record_workshop(
            village, invited_companies=[village.mill], held_at=when(25), building=None, room="", is_remote=True
        )

        def pks(**params):
            return {workshop.pk for workshop in viewer_client.get(self.url, params).context["page"]}

        assert pks(company=village.coder.pk) == {coders.pk}
        assert pks(theme="digitalisation") == {coders.pk}
        assert pks(building="compus") == {coders.pk}
        assert pks(building="kosmos") == {coders.pk}  # the coder, invited, has premises in Kosmos
        assert pks(date_from="2023-03-20") == {mills.pk}

    def test_searches_title_purpose_notes_and_outcomes(self, viewer_client, village):
        by_title = record_workshop(village, title="Digitalisaation työpaja")
        by_outcome = record_workshop(village, title="Toinen", outcomes="Sovittiin digitalisaatiosta lisää.")
        record_workshop(village, title="Kolmas", notes="Ei mitään.")
        response = viewer_client.get(self.url, {"q": "digitalisaatiota"})
        assert {workshop.pk for workshop in response.context["page"]} == {by_title.pk, by_outcome.pk}
        assert "<mark>digitalisaatiosta</mark>" in response.content.decode()

    @pytest.mark.parametrize("size", [3, 30])
    def test_query_count_does_not_grow(self, viewer_client, village, django_assert_num_queries, size):
        for day in range(size):
            workshop = record_workshop(
                village, invited_companies=[village.coder], themes=[village.digital], held_at=when(1 + day % 28)
            )
            participation_set(workshop=workshop, invited=[village.aino], attended=[village.aino, village.olli])
        # session, user, the user's groups, the organisation of the filter, count, one page of workshops (with
        # building and the counts of people as subqueries), their themes, the choices of the three filters
        with django_assert_num_queries(10):
            response = viewer_client.get(self.url, {"company": village.coder.pk})
        assert response.context["page"].paginator.count == size


# Detail pages ----------------------------------------------------------------


class TestInterviewDetail:
    def test_shows_the_record_with_its_findings_and_people(self, viewer_client, village):
        interview = record_interview(
            village,
            contacts=[village.aino],
            interviewers=[village.staff],
            themes=[village.circular],
            notes="Puhuttiin **tärkeästä** asiasta.\n\n- yksi\n- kaksi",
        )
        finding = FindingFactory(text="Yhteinen laboratorio puuttuu.")
        finding.interviews.add(interview)
        response = viewer_client.get(interview.get_absolute_url())
        content = response.content.decode()
        assert response.status_code == 200
        assert "<strong>tärkeästä</strong>" in content and "<li>yksi</li>" in content
        assert "Aino Aalto" in content and "Koodari Oy" in content and "Circular economy" in content
        assert "Yhteinen laboratorio puuttuu." in content and finding.get_absolute_url() in content

    def test_staff_get_the_add_finding_and_edit_buttons_viewers_do_not(self, viewer_client, staff_client, village):
        interview = record_interview(village)
        add_finding = f"{reverse('workshops:finding_create')}?interview={interview.pk}"
        edit = reverse("workshops:interview_edit", args=[interview.pk])
        staff_page = staff_client.get(interview.get_absolute_url()).content.decode()
        viewer_page = viewer_client.get(interview.get_absolute_url()).content.decode()
        assert add_finding in staff_page and edit in staff_page
        assert add_finding not in viewer_page and edit not in viewer_page
        assert reverse("workshops:attachment_upload", args=["interview", interview.pk]) not in viewer_page

    def test_needs_login(self, client, village):
        assert_login_redirect(client.get(record_interview(village).get_absolute_url()))

    def test_refuses_users_outside_the_groups(self, outsider_client, village):
        assert outsider_client.get(record_interview(village).get_absolute_url()).status_code == 403

    def test_refuses_post(self, staff_client, village):
        assert staff_client.post(record_interview(village).get_absolute_url()).status_code == 405

    def test_unknown_interview_is_404(self, viewer_client):
        assert viewer_client.get(reverse("workshops:interview", args=[999999])).status_code == 404

    @pytest.mark.parametrize("people", [1, 10])
    def test_query_count_does_not_grow(self, viewer_client, village, django_assert_num_queries, people):
        contacts = ContactFactory.create_batch(people, company=village.coder)
        interview = record_interview(village, contacts=contacts, interviewers=[village.staff])
        for _ in range(people):
            FindingFactory().interviews.add(interview)
        # session, user, groups, the interview (with building), organisations, interviewers, people,
        # themes, attachments, findings, the findings' themes
        with django_assert_num_queries(11):
            viewer_client.get(interview.get_absolute_url())


class TestWorkshopDetail:
    def test_shows_people_with_attendance_and_the_texts(self, viewer_client, village):
        workshop = record_workshop(village, invited_companies=[village.coder], purpose="Tavoite", outcomes="*Sovittu*")
        participation_set(workshop=workshop, invited=[village.aino, village.olli], attended=[village.aino])
        response = viewer_client.get(workshop.get_absolute_url())
        content = response.content.decode()
        assert response.status_code == 200
        assert "<em>Sovittu</em>" in content and "Tavoite" in content
        assert content.count('<span aria-hidden="true">✓</span><span class="visually-hidden">attended') == 1
        assert "Olli Ohjelmoija" in content and "did not attend" in content

    def test_staff_get_the_add_finding_button(self, staff_client, viewer_client, village):
        workshop = record_workshop(village)
        add_finding = f"{reverse('workshops:finding_create')}?workshop={workshop.pk}"
        assert add_finding in staff_client.get(workshop.get_absolute_url()).content.decode()
        assert add_finding not in viewer_client.get(workshop.get_absolute_url()).content.decode()

    def test_needs_login(self, client, village):
        assert_login_redirect(client.get(record_workshop(village).get_absolute_url()))

    def test_refuses_users_outside_the_groups(self, outsider_client, village):
        assert outsider_client.get(record_workshop(village).get_absolute_url()).status_code == 403

    def test_refuses_post(self, staff_client, village):
        assert staff_client.post(record_workshop(village).get_absolute_url()).status_code == 405

    def test_unknown_workshop_is_404(self, viewer_client):
        assert viewer_client.get(reverse("workshops:workshop", args=[999999])).status_code == 404

    @pytest.mark.parametrize("people", [2, 20])
    def test_query_count_does_not_grow(self, viewer_client, village, django_assert_num_queries, people):
        contacts = ContactFactory.create_batch(people, company=village.coder)
        workshop = record_workshop(village, invited_companies=[village.coder], facilitators=[village.staff])
        participation_set(workshop=workshop, invited=contacts, attended=contacts[::2])
        for _ in range(people):
            FindingFactory().workshops.add(workshop)
        # session, user, groups, the workshop (with building), invited organisations, facilitators,
        # participations (with people and their organisations), themes, attachments, findings, their themes
        with django_assert_num_queries(11):
            viewer_client.get(workshop.get_absolute_url())


# Creating and editing interviews -----------------------------------------------


class TestInterviewCreate:
    url = reverse("workshops:interview_create")

    def test_staff_record_an_interview(self, staff_client, village):
        response = staff_client.post(self.url, interview_post(village))
        interview = Interview.objects.get()
        assert response.status_code == 302 and response.url == interview.get_absolute_url()
        assert list(interview.companies.all()) == [village.coder]
        assert list(interview.contacts.all()) == [village.aino]
        assert list(interview.interviewers.all()) == [village.staff]
        assert list(interview.themes.all()) == [village.circular]
        assert interview.building == village.kosmos and interview.room == "K101" and not interview.is_remote
        assert timezone.localtime(interview.held_at).strftime("%Y-%m-%d %H:%M") == "2023-03-15 13:30"
        assert interview.created_by == village.staff
        assert {entry.history_user for entry in interview.history.all()} == {village.staff}

    def test_a_remote_interview_with_free_text(self, staff_client, village):
        data = interview_post(village, building="", room="", is_remote="on", place_text="Teams")
        assert staff_client.post(self.url, data).status_code == 302
        assert Interview.objects.get().place_label == "remote"

    def test_the_form_shows_the_fields(self, staff_client, village):
        response = staff_client.get(self.url)
        content = response.content.decode()
        assert response.status_code == 200
        assert 'type="datetime-local"' in content and "Aino Aalto" in content and "Pekka Puu" in content
        assert "<legend" in content

    def test_needs_login(self, client, village):
        assert_login_redirect(client.get(self.url))
        assert_login_redirect(client.post(self.url, interview_post(village)))
        assert not Interview.objects.exists()

    def test_viewers_may_not_create(self, viewer_client, village):
        assert viewer_client.get(self.url).status_code == 403
        assert viewer_client.post(self.url, interview_post(village)).status_code == 403
        assert not Interview.objects.exists()

    def test_refuses_users_outside_the_groups(self, outsider_client, village):
        assert outsider_client.post(self.url, interview_post(village)).status_code == 403
        assert not Interview.objects.exists()

    def test_refuses_other_methods(self, staff_client):
        assert staff_client.put(self.url).status_code == 405
        assert staff_client.delete(self.url).status_code == 405

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"held_at": ""}, "held_at"),
            ({"held_at": "31.2.2023 10.00"}, "held_at"),
            ({"companies": None, "contacts": None}, "companies"),
            ({"building": "", "room": "", "place_text": ""}, "building"),
            ({"is_remote": "on"}, "is_remote"),
            ({"building": "", "place_text": "Kahvila"}, "room"),
            ({"contacts": [None]}, "contacts"),
        ],
        ids=["no date", "bad date", "no organisation", "no place", "building and remote", "room only", "stranger"],
    )
    def test_bad_input_is_reported_next_to_the_field_and_nothing_saved(self, staff_client, village, changes, field):
        if changes.get("contacts") == [None]:
            changes = {"contacts": [village.pekka.pk]}  # a person of the mill, which was not interviewed
        response = staff_client.post(self.url, interview_post(village, **changes))
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        content = response.content.decode()
        assert 'role="alert"' in content and 'aria-invalid="true"' in content and f'id="id_{field}_error"' in content
        assert not Interview.objects.exists()

    def test_typed_values_are_kept_after_an_error(self, staff_client, village):
        response = staff_client.post(self.url, interview_post(village, held_at="", notes="Tärkeä muistiinpano"))
        assert "Tärkeä muistiinpano" in response.content.decode()

    def test_an_empty_post_shows_the_missing_fields(self, staff_client):
        response = staff_client.post(self.url, {})
        assert response.status_code == 400
        assert {"companies", "held_at", "building"} <= set(response.context["form"].errors)


class TestInterviewEdit:
    def test_staff_change_an_interview(self, staff_client, village):
        interview = record_interview(village, contacts=[village.aino])
        data = interview_post(village, companies=[village.coder.pk, village.mill.pk], contacts=[village.pekka.pk])
        response = staff_client.post(reverse("workshops:interview_edit", args=[interview.pk]), data)
        assert response.status_code == 302
        interview.refresh_from_db()
        assert set(interview.companies.all()) == {village.coder, village.mill}
        assert list(interview.contacts.all()) == [village.pekka]
        assert interview.notes == "Puhuttiin **kiertotaloudesta**."

    def test_the_form_shows_what_is_stored(self, staff_client, village):
        interview = record_interview(village, notes="Vanha muistiinpano")
        response = staff_client.get(reverse("workshops:interview_edit", args=[interview.pk]))
        assert response.status_code == 200 and "Vanha muistiinpano" in response.content.decode()

    def test_bad_input_changes_nothing(self, staff_client, village):
        interview = record_interview(village, notes="Ennallaan")
        url = reverse("workshops:interview_edit", args=[interview.pk])
        response = staff_client.post(url, interview_post(village, held_at="", notes="Muutettu"))
        assert response.status_code == 400
        interview.refresh_from_db()
        assert interview.notes == "Ennallaan"

    def test_viewers_and_outsiders_may_not_edit(self, viewer_client, outsider_client, client, village):
        interview = record_interview(village, notes="Ennallaan")
        url = reverse("workshops:interview_edit", args=[interview.pk])
        assert viewer_client.post(url, interview_post(village)).status_code == 403
        assert outsider_client.post(url, interview_post(village)).status_code == 403
        assert_login_redirect(client.post(url, interview_post(village)))
        interview.refresh_from_db()
        assert interview.notes == "Ennallaan"

    def test_refuses_other_methods(self, staff_client, village):
        interview = record_interview(village)
        assert staff_client.delete(reverse("workshops:interview_edit", args=[interview.pk])).status_code == 405

    def test_unknown_interview_is_404(self, staff_client):
        assert staff_client.get(reverse("workshops:interview_edit", args=[999999])).status_code == 404


# Creating and editing workshops ------------------------------------------------


class TestWorkshopCreate:
    url = reverse("workshops:workshop_create")

    def test_staff_record_a_workshop_with_attendance_per_person(self, staff_client, village):
        response = staff_client.post(self.url, workshop_post(village))
        workshop = Workshop.objects.get()
        assert response.status_code == 302 and response.url == workshop.get_absolute_url()
        rows = {row.contact: (row.invited, row.attended) for row in workshop.participations.all()}
        # Olli came without an invitation; Pekka was invited but did not come.
        assert rows == {village.aino: (True, True), village.olli: (False, True), village.pekka: (True, False)}
        assert set(workshop.invited_companies.all()) == {village.coder, village.mill}
        assert list(workshop.facilitators.all()) == [village.staff]
        assert workshop.place_text == "Lapin AMK:n auditorio" and workshop.created_by == village.staff

    def test_the_form_lists_the_people_with_labelled_checkboxes(self, staff_client, village):
        content = staff_client.get(self.url).content.decode()
        assert "Aino Aalto was invited" in content and "Aino Aalto attended" in content
        assert '<th scope="row" class="fw-normal">Pekka Puu</th>' in content

    def test_needs_login(self, client, village):
        assert_login_redirect(client.post(self.url, workshop_post(village)))
        assert not Workshop.objects.exists()

    def test_viewers_and_outsiders_may_not_create(self, viewer_client, outsider_client, village):
        assert viewer_client.get(self.url).status_code == 403
        assert viewer_client.post(self.url, workshop_post(village)).status_code == 403
        assert outsider_client.post(self.url, workshop_post(village)).status_code == 403
        assert not Workshop.objects.exists()

    def test_refuses_other_methods(self, staff_client):
        assert staff_client.put(self.url).status_code == 405

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"held_at": ""}, "held_at"),
            ({"title": ""}, "title"),
            ({"place_text": ""}, "building"),
            ({"invited_companies": [None]}, "attended_people"),
            ({"invited_companies": None}, "invited_people"),
        ],
        ids=["no date", "no title", "no place", "attended from an uninvited organisation", "no organisations"],
    )
    def test_bad_input_is_reported_next_to_the_field_and_nothing_saved(self, staff_client, village, changes, field):
        if changes.get("invited_companies") == [None]:
            changes = {"invited_companies": [village.mill.pk], "invited_people": [village.pekka.pk]}
        response = staff_client.post(self.url, workshop_post(village, **changes))
        assert response.status_code == 400
        assert response.context["form"].errors[field]
        assert not Workshop.objects.exists() and not Participation.objects.exists()


class TestWorkshopEdit:
    def test_staff_change_attendance(self, staff_client, village):
        workshop = record_workshop(village, invited_companies=[village.coder])
        participation_set(workshop=workshop, invited=[village.aino, village.olli], attended=[])
        url = reverse("workshops:workshop_edit", args=[workshop.pk])
        data = workshop_post(
            village,
            invited_companies=[village.coder.pk],
            invited_people=[village.aino.pk],
            attended_people=[village.aino.pk],
        )
        assert staff_client.post(url, data).status_code == 302
        rows = {row.contact: (row.invited, row.attended) for row in workshop.participations.all()}
        assert rows == {village.aino: (True, True)}

    def test_the_form_shows_the_stored_attendance(self, staff_client, village):
        workshop = record_workshop(village, invited_companies=[village.coder])
        participation_set(workshop=workshop, invited=[village.aino], attended=[village.aino])
        response = staff_client.get(reverse("workshops:workshop_edit", args=[workshop.pk]))
        rows = {
            box.data["value"].instance: (box.data["selected"], attended.data["selected"])
            for box, attended in response.context["form"].people_rows()
        }
        assert rows[village.aino] == (True, True) and rows[village.olli] == (False, False)

    def test_viewers_may_not_edit(self, viewer_client, village):
        workshop = record_workshop(village)
        url = reverse("workshops:workshop_edit", args=[workshop.pk])
        assert viewer_client.post(url, workshop_post(village, title="Muutettu")).status_code == 403
        workshop.refresh_from_db()
        assert workshop.title == "Kiertotalouden työpaja"

    def test_bad_input_changes_nothing(self, staff_client, village):
        workshop = record_workshop(village, invited_companies=[village.coder])
        participation_set(workshop=workshop, invited=[village.aino], attended=[])
        url = reverse("workshops:workshop_edit", args=[workshop.pk])
        response = staff_client.post(url, workshop_post(village, title="Muutettu", held_at=""))
        assert response.status_code == 400
        workshop.refresh_from_db()
        assert workshop.title == "Kiertotalouden työpaja"
        assert list(workshop.participations.values_list("contact", "invited", "attended")) == [
            (village.aino.pk, True, False)
        ]


# Services ----------------------------------------------------------------------


class TestServices:
    def test_interview_needs_an_organisation_and_a_place(self, village):
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError) as no_company:
            interview_create(companies=[], held_at=when(1), place_text="Kahvila")
        with pytest.raises(ValidationError) as no_place:
            interview_create(companies=[village.coder], held_at=when(1))
        with pytest.raises(ValidationError) as both:
            interview_create(companies=[village.coder], held_at=when(1), building=village.kosmos, is_remote=True)
        assert "companies" in no_company.value.message_dict
        assert "building" in no_place.value.message_dict
        assert "is_remote" in both.value.message_dict
        assert not Interview.objects.exists()

    def test_participation_set_refuses_people_of_organisations_not_invited_and_keeps_the_rows(self, village):
        from django.core.exceptions import ValidationError

        workshop = record_workshop(village, invited_companies=[village.coder])
        participation_set(workshop=workshop, invited=[village.aino])
        with pytest.raises(ValidationError):
            participation_set(workshop=workshop, invited=[village.pekka])
        assert list(workshop.participations.values_list("contact", flat=True)) == [village.aino.pk]

    def test_a_former_staff_member_stays_on_the_record_when_it_is_edited(self, staff_client, village):
        former = UserFactory(username="left-the-company", first_name="Entinen")
        interview = record_interview(village, interviewers=[former])
        response = staff_client.get(reverse("workshops:interview_edit", args=[interview.pk]))
        assert former in response.context["form"].fields["interviewers"].queryset


def test_csrf_is_checked_on_the_forms(staff, village):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff)
    assert client.post(reverse("workshops:interview_create"), interview_post(village)).status_code == 403
    assert not Interview.objects.exists()
