"""Staff pages: the list of surveys, the response dashboard and the manual reminder."""

import base64
import datetime

import pytest
from django.contrib.messages import get_messages
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from surveys import invitations
from surveys.invitations import invitation_create
from surveys.models import Invitation, OutgoingMail, Response
from surveys.services import invitation_open, page_save, response_submit

from ..factories import (
    BuildingFactory,
    CompanyFactory,
    ContactFactory,
    PremisesFactory,
    QuestionFactory,
    SectionFactory,
    SurveyFactory,
    TenancyFactory,
)

pytestmark = pytest.mark.django_db


def noon_in(days: int) -> datetime.datetime:
    """Twelve o'clock local time, some whole days from today: a deadline whose distance does not drift."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@pytest.fixture
def staff_en(staff_client):
    staff_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return staff_client


@pytest.fixture
def viewer_en(viewer_client):
    viewer_client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return viewer_client


def draft_save(response: Response, section, text: str = "a draft answer"):
    """Save the one page of the village survey as a company would."""
    question = section.questions.get()
    result = page_save(response=response, section=section, data=QueryDict(f"version=0&{question.code}={text}"))
    assert result.saved


@pytest.fixture
def village():
    """Two buildings and the survey of the village, invited and answered to different degrees.

    Aalto (J, Kosmos) submitted; Borealis (C, Sampo) saved a draft; Cetus (J, Kosmos and Sampo) only opened;
    Delta (C, Sampo now, Kosmos until 2019) never opened; Epsilon (M, no premises) submitted;
    Foxtrot (J, Kosmos) was not invited.
    """
    kosmos = BuildingFactory(name="Kosmos", slug="kosmos")
    sampo = BuildingFactory(name="Sampo", slug="sampo")
    survey = SurveyFactory(title="Village survey 2022", slug="village-2022", closes_at=noon_in(20))
    section = SectionFactory(survey=survey, title="About you")
    QuestionFactory(section=section, code="wishes", type="long_text")
    names = {
        "aalto": ("Aalto Data Oy", "J", [kosmos]),
        "borealis": ("Borealis Konepaja Oy", "C", [sampo]),
        "cetus": ("Cetus Oy", "J", [kosmos, sampo]),
        "delta": ("Delta Metalli Oy", "C", [sampo]),
        "epsilon": ("Epsilon Konsultit Oy", "M", []),
        "foxtrot": ("Foxtrot Oy", "J", [kosmos]),
    }
    companies = {}
    for key, (name, letter, buildings) in names.items():
        company = CompanyFactory(name=name, industry_section=letter, industry_code="")
        ContactFactory(company=company, email=f"{key}@village.example", is_primary=True)
        for building in buildings:
            TenancyFactory(company=company, premises=PremisesFactory(building=building))
        companies[key] = company
    TenancyFactory(
        company=companies["delta"],
        premises=PremisesFactory(building=kosmos),
        start_date=datetime.date(2015, 1, 1),
        end_date=datetime.date(2019, 12, 31),
    )
    tokens = {}
    for key in ["aalto", "borealis", "cetus", "delta", "epsilon"]:
        _invitation, tokens[key] = invitation_create(survey=survey, company=companies[key])
    # A second link to the same company does not count it twice.
    invitation_create(survey=survey, company=companies["aalto"], is_reminder=True)
    # An invitation to another survey does not count here.
    invitation_create(survey=SurveyFactory(slug="other-survey"), company=companies["foxtrot"])
    for key in ["aalto", "borealis", "cetus", "epsilon"]:
        invitation_open(token=tokens[key])
    for key in ["aalto", "borealis", "epsilon"]:
        draft_save(Response.objects.get(survey=survey, company=companies[key]), section)
    for key in ["aalto", "epsilon"]:
        assert response_submit(response=Response.objects.get(survey=survey, company=companies[key])).status == (
            "submitted"
        )
    return {"survey": survey, "section": section, "kosmos": kosmos, "sampo": sampo, **companies}


def figures(tallies):
    return [(t.label, t.invited, t.opened, t.drafts, t.submitted) for t in tallies]


# The list of surveys ------------------------------------------------------------------------------------------------


class TestSurveyList:
    url = reverse("surveys:list")

    def test_lists_surveys_with_their_times_and_counts(self, viewer_en, village):
        response = viewer_en.get(self.url)
        assert response.status_code == 200
        rows = {s.slug: (s.invited, s.submitted) for s in response.context["surveys"]}
        assert rows == {"village-2022": (5, 2), "other-survey": (1, 0)}
        content = response.content.decode()
        assert "Village survey 2022" in content
        assert reverse("surveys:dashboard", args=["village-2022"]) in content

    def test_needs_login(self, client):
        response = client.get(self.url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.get(self.url).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(self.url).status_code == 405

    def test_main_navigation_links_to_the_surveys_for_portal_users_only(self, viewer_en, outsider_client):
        assert f'href="{self.url}"' in viewer_en.get(reverse("home")).content.decode()
        assert f'href="{self.url}"' not in outsider_client.get(reverse("home")).content.decode()

    @pytest.mark.parametrize("size", [5, 50])
    def test_query_count_does_not_grow_with_the_surveys(self, viewer_client, django_assert_num_queries, size):
        company = CompanyFactory()
        for survey in SurveyFactory.create_batch(size):
            invitation_create(survey=survey, company=company)
        # session, user, the user's groups, the surveys with their counts
        with django_assert_num_queries(4):
            response = viewer_client.get(self.url)
        assert len(response.context["surveys"]) == size


# The dashboard ------------------------------------------------------------------------------------------------------


class TestDashboard:
    @staticmethod
    def url(survey):
        return reverse("surveys:dashboard", args=[survey.slug])

    def test_counts_overall(self, viewer_en, village):
        response = viewer_en.get(self.url(village["survey"]))
        assert response.status_code == 200
        overall = response.context["progress"].overall
        assert (overall.invited, overall.opened, overall.drafts, overall.submitted) == (5, 4, 1, 2)
        assert overall.rate == 40

    def test_counts_by_current_building_a_company_in_two_counting_in_both(self, viewer_en, village):
        progress = viewer_en.get(self.url(village["survey"])).context["progress"]
        assert figures(progress.by_building) == [
            ("Kosmos", 2, 2, 0, 1),
            ("Sampo", 3, 2, 1, 0),
            ("No premises in the village", 1, 1, 0, 1),
        ]
        assert [t.rate for t in progress.by_building] == [50, 0, 100]

    def test_counts_by_industry_section(self, viewer_en, village):
        progress = viewer_en.get(self.url(village["survey"])).context["progress"]
        assert figures(progress.by_section) == [
            ("C Manufacturing", 2, 1, 1, 0),
            ("J Information and communication", 2, 2, 0, 1),
            ("M Professional, scientific and technical activities", 1, 1, 0, 1),
        ]

    def test_lists_who_has_not_submitted_with_their_status(self, viewer_en, village):
        response = viewer_en.get(self.url(village["survey"]))
        pending = [(row.company.name, row.status, row.buildings) for row in response.context["pending"]]
        assert pending == [
            ("Borealis Konepaja Oy", "draft", ["Sampo"]),
            ("Cetus Oy", "opened", ["Kosmos", "Sampo"]),
            ("Delta Metalli Oy", "invited", ["Sampo"]),
        ]
        content = response.content.decode()
        assert "Aalto Data Oy" not in content and "Foxtrot Oy" not in content

    def test_shows_days_to_the_deadline_and_links_to_results_and_exports(self, viewer_en, village):
        survey = village["survey"]
        response = viewer_en.get(self.url(survey))
        content = response.content.decode()
        assert response.context["days_left"] == 20
        assert "20 days to the deadline" in content
        assert reverse("surveys:results", args=[survey.slug]) in content
        # Exports name companies next to their answers: staff only.
        assert reverse("surveys:export_page", args=[survey.slug]) not in content

    def test_staff_see_the_export_link(self, staff_client, village):
        content = staff_client.get(self.url(village["survey"])).content.decode()
        assert reverse("surveys:export_page", args=[village["survey"].slug]) in content

    def test_says_when_a_closed_survey_closed(self, viewer_en, village):
        survey = village["survey"]
        survey.opens_at = timezone.make_aware(datetime.datetime(2022, 10, 1, 9, 0))
        survey.closes_at = timezone.make_aware(datetime.datetime(2022, 10, 31, 23, 59))
        survey.save()
        response = viewer_en.get(self.url(survey))
        assert response.context["days_left"] is None
        assert "Closed on 10/31/2022" in response.content.decode()
        assert "Send reminder now" not in response.content.decode()

    def test_staff_get_reminder_buttons_and_viewers_do_not(self, staff_en, viewer_en, village):
        survey = village["survey"]
        remind_borealis = reverse("surveys:remind", args=[survey.slug, village["borealis"].pk])
        staff_page = staff_en.get(self.url(survey)).content.decode()
        viewer_page = viewer_en.get(self.url(survey)).content.decode()
        assert staff_page.count("Send reminder now") == 3
        assert f'action="{remind_borealis}"' in staff_page
        assert "Send reminder now" not in viewer_page and remind_borealis not in viewer_page

    def test_an_uninvited_survey_shows_zero_and_no_rate(self, viewer_en):
        survey = SurveyFactory()
        response = viewer_en.get(self.url(survey))
        overall = response.context["progress"].overall
        assert (overall.invited, overall.submitted, overall.rate) == (0, 0, None)
        assert "Nobody has been invited yet." in response.content.decode()

    def test_unknown_survey_is_404(self, viewer_client):
        assert viewer_client.get(reverse("surveys:dashboard", args=["no-such-survey"])).status_code == 404

    def test_needs_login(self, client, village):
        response = client.get(self.url(village["survey"]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_refuses_outsiders(self, outsider_client, village):
        assert outsider_client.get(self.url(village["survey"])).status_code == 403

    def test_refuses_post(self, staff_client, village):
        assert staff_client.post(self.url(village["survey"])).status_code == 405

    @pytest.mark.parametrize(("companies", "questions"), [(50, 25), (500, 250)])
    def test_query_count_does_not_grow_with_companies_or_questions(
        self, staff_client, django_assert_num_queries, companies, questions
    ):
        survey = SurveyFactory()
        section = SectionFactory(survey=survey)
        QuestionFactory.create_batch(questions, section=section)
        buildings = [PremisesFactory(building=BuildingFactory(name=name)) for name in ["Kosmos", "Sampo"]]
        for number, company in enumerate(CompanyFactory.create_batch(companies)):
            TenancyFactory(company=company, premises=buildings[number % 2])
            invitation_create(survey=survey, company=company)
        Response.objects.filter(company__name__endswith=("1 Oy")).update(submitted_at=timezone.now())
        # session, user, the user's groups, the survey, the figures by industry, the figures by building,
        # the submissions by day (the chart over time), the page of organisations that have not submitted, the
        # current buildings of those organisations
        with django_assert_num_queries(9):
            response = staff_client.get(self.url(survey), HTTP_ACCEPT_LANGUAGE="en")
        assert response.context["progress"].overall.invited == companies
        submitted = Response.objects.filter(survey=survey, submitted_at__isnull=False).count()
        assert response.context["page"].paginator.count == companies - submitted
        assert response.content.decode().count("Send reminder now") == min(50, companies - submitted)
        # Every invited organisation, the submitted ones too: the same queries, and each row leads to its response.
        with django_assert_num_queries(9):
            response = staff_client.get(self.url(survey), {"show": "all"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.context["page"].paginator.count == companies
        assert response.content.decode().count(f"/surveys/{survey.slug}/responses/") == 50

    def test_lists_who_has_not_submitted_fifty_a_page(self, staff_en):
        survey = SurveyFactory(closes_at=noon_in(10))
        for number in range(63):
            company = CompanyFactory(name=f"Firm {number:02} Oy")
            invitation_create(survey=survey, company=company)
        Response.objects.filter(company__name="Firm 00 Oy").update(submitted_at=timezone.now())
        first = staff_en.get(self.url(survey))
        second = staff_en.get(self.url(survey), {"page": 2})
        names = [row.company.name for row in first.context["pending"] + second.context["pending"]]
        assert names == [f"Firm {number:02} Oy" for number in range(1, 63)]
        assert len(first.context["pending"]) == 50
        assert "62 invited organisations have not submitted" in first.content.decode()
        assert "Page 1 / 2" in first.content.decode() and "?page=2" in first.content.decode()
        assert second.content.decode().count("Send reminder now") == 12


# Sending a reminder by hand -----------------------------------------------------------------------------------------


class TestRemind:
    @staticmethod
    def url(survey, company):
        return reverse("surveys:remind", args=[survey.slug, company.pk])

    @staticmethod
    def said(response) -> list[tuple[str, str]]:
        return [(m.level_tag, m.message) for m in get_messages(response.wsgi_request)]

    def test_queues_a_reminder_for_a_company_that_has_not_submitted(
        self, staff_en, village, django_capture_on_commit_callbacks
    ):
        survey = village["survey"]
        with django_capture_on_commit_callbacks() as queued:
            response = staff_en.post(self.url(survey, village["borealis"]))
        assert response.status_code == 302
        assert response.url == reverse("surveys:dashboard", args=[survey.slug])
        assert self.said(response) == [("success", "A reminder is on its way to Borealis Konepaja Oy.")]
        assert len(queued) == 1  # the mail task, sent after commit

    def test_sends_nothing_to_a_company_that_has_submitted(self, staff_en, village, django_capture_on_commit_callbacks):
        survey = village["survey"]
        links_before = Invitation.objects.count()
        with django_capture_on_commit_callbacks() as queued:
            response = staff_en.post(self.url(survey, village["aalto"]))
        assert response.status_code == 302
        assert self.said(response) == [("error", "Aalto Data Oy has already submitted; no reminder was sent.")]
        assert queued == []
        assert Invitation.objects.count() == links_before

    def test_sends_nothing_after_the_deadline(self, staff_en, village, django_capture_on_commit_callbacks):
        survey = village["survey"]
        survey.closes_at = timezone.now() - datetime.timedelta(minutes=1)
        survey.save()
        with django_capture_on_commit_callbacks() as queued:
            response = staff_en.post(self.url(survey, village["borealis"]))
        assert response.status_code == 302
        assert self.said(response) == [("error", "The survey is not open; no reminder was sent.")]
        assert queued == []

    def test_sends_nothing_to_a_company_that_was_not_invited(
        self, staff_en, village, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as queued:
            response = staff_en.post(self.url(village["survey"], village["foxtrot"]))
        assert self.said(response) == [
            ("error", "Foxtrot Oy has not been invited to this survey; no reminder was sent.")
        ]
        assert queued == []

    def test_reports_a_company_without_an_e_mail_address(self, staff_en, village, django_capture_on_commit_callbacks):
        village["delta"].contacts.update(email="")
        with django_capture_on_commit_callbacks() as queued:
            response = staff_en.post(self.url(village["survey"], village["delta"]))
        assert self.said(response) == [
            ("error", "Delta Metalli Oy has no contact person with an e-mail address; no reminder was sent.")
        ]
        assert queued == []

    def test_a_second_press_within_the_hour_sends_nothing_and_says_why(
        self, staff_en, village, django_capture_on_commit_callbacks
    ):
        survey, company = village["survey"], village["borealis"]
        with django_capture_on_commit_callbacks() as queued:
            first = staff_en.post(self.url(survey, company))
            second = staff_en.post(self.url(survey, company))
        assert self.said(first) == [("success", "A reminder is on its way to Borealis Konepaja Oy.")]
        # The dashboard was not shown in between, so the first message is still waiting before the second.
        assert self.said(second)[-1] == (
            "error",
            "Borealis Konepaja Oy got an invitation or a reminder less than an hour ago; no new reminder was sent.",
        )
        assert len(queued) == 1
        owed = OutgoingMail.objects.filter(survey=survey, company=company, kind=OutgoingMail.Kind.REMINDER)
        assert owed.count() == 1
        # An hour later the button sends again.
        owed.update(queued_at=timezone.now() - invitations.MANUAL_REMINDER_GAP - datetime.timedelta(minutes=1))
        OutgoingMail.objects.filter(survey=survey, company=company).update(queued_at=owed.get().queued_at)
        third = staff_en.post(self.url(survey, company))
        assert self.said(third)[-1] == ("success", "A reminder is on its way to Borealis Konepaja Oy.")
        assert owed.count() == 2

    def test_unknown_company_or_survey_is_404(self, staff_client, village):
        assert staff_client.post(reverse("surveys:remind", args=["village-2022", 999999])).status_code == 404
        assert staff_client.post(reverse("surveys:remind", args=["nope", village["borealis"].pk])).status_code == 404

    def test_needs_login(self, client, village):
        response = client.post(self.url(village["survey"], village["borealis"]))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))

    def test_refuses_viewers_and_outsiders(
        self, viewer_client, outsider_client, village, django_capture_on_commit_callbacks
    ):
        url = self.url(village["survey"], village["borealis"])
        with django_capture_on_commit_callbacks() as queued:
            assert viewer_client.post(url).status_code == 403
            assert outsider_client.post(url).status_code == 403
        assert queued == []

    def test_refuses_get(self, staff_client, village):
        assert staff_client.get(self.url(village["survey"], village["borealis"])).status_code == 405


class TestDashboardCharts:
    """The key figures first, then charts drawn on the server with a summary in words, beside their tables."""

    @staticmethod
    def url(survey):
        return reverse("surveys:dashboard", args=[survey.slug])

    def test_key_figures_come_before_any_chart_or_table(self, viewer_en, village):
        content = viewer_en.get(self.url(village["survey"])).content.decode()
        figures = content.index('id="overall"')
        assert figures < content.index("<figure") < content.index("<table")
        for name in ("invited", "opened", "drafts", "submitted", "rate", "days"):
            assert f'data-figure="{name}"' in content
        assert '<dd data-figure="rate">40 %</dd>' in content

    def test_charts_are_images_with_a_title_and_a_summary(self, viewer_en, village):
        response = viewer_en.get(self.url(village["survey"]))
        chart = response.context["building_chart"]
        assert chart.title == "Response rate by building"
        assert chart.summary.startswith("Response rate by building. Highest: ")
        svg = base64.b64decode(chart.image.removeprefix("data:image/svg+xml;base64,")).decode()
        assert "<title>Response rate by building</title>" in svg
        assert "Kosmos" in svg  # the text stays text (svg.fonttype none)
        content = response.content.decode()
        assert f'alt="{chart.summary}"' in content
        over_time = response.context["submissions_chart"]
        assert "2 of 5 invited organisations have submitted" in over_time.summary
        svg = base64.b64decode(over_time.image.split(",", 1)[1]).decode()
        assert "Deadline" in svg and "Today" in svg

    def test_a_kept_chart_follows_a_new_submission_and_the_language(self, viewer_en, village):
        """The charts are kept in the cache between views; a submission or another language draws them anew."""

        def drawn(client):
            response = client.get(self.url(village["survey"]))
            building, over_time = response.context["building_chart"], response.context["submissions_chart"]
            return [base64.b64decode(chart.image.split(",", 1)[1]).decode() for chart in (building, over_time)]

        first = drawn(viewer_en)
        assert drawn(viewer_en) == first
        assert "Kosmos" in first[0] and "50 % (1)" in first[0]  # Aalto submitted of Aalto and Cetus in Kosmos
        response = Response.objects.get(survey=village["survey"], company=village["cetus"])
        draft_save(response, village["section"])
        assert response_submit(response=response).status == "submitted"
        after = drawn(viewer_en)
        assert "100 % (2)" in after[0] and "50 % (1)" not in after[0]
        assert after[1] != first[1]  # the line over time climbs to three
        viewer_en.defaults["HTTP_ACCEPT_LANGUAGE"] = "sv"
        swedish = drawn(viewer_en)
        assert "Svarsfrekvens" in swedish[0] and "Response rate" not in swedish[0]
        assert "Sista svarsdag" in swedish[1]
