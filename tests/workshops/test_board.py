"""The findings-by-theme board: grouping, order, findings no measure answers, and a constant query count."""

import pytest
from django.urls import reverse

from tests.factories import CompanyFactory, ThemeFactory
from workshops.models import Theme
from workshops.services.plan import finding_create, findings_by_theme, measure_create

URL = reverse("workshops:board")


@pytest.fixture(autouse=True)
def _english(settings):
    # The assertions read the English source strings, which the fi catalogue may translate any day.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def plan(db):
    """Two active themes (ordered), one inactive, five findings and one measure."""
    Theme.objects.update(active=False)  # the seeded themes would add empty groups to every assertion
    second = ThemeFactory(slug="b-second", name="Second theme", order=2, active=True)
    first = ThemeFactory(slug="b-first", name="First theme", order=1, active=True)
    retired = ThemeFactory(slug="b-retired", name="Retired theme", order=0, active=False)
    findings = {
        "low": finding_create(text="Low one.", kind="wish", importance=1, themes=[first]),
        "high": finding_create(
            text="High one.", kind="need", importance=3, themes=[first], companies=CompanyFactory.create_batch(2)
        ),
        "both": finding_create(text="On both themes.", kind="threat", importance=2, themes=[first, second]),
        "untagged": finding_create(text="No theme at all.", kind="need", importance=3),
        "retired": finding_create(text="Only a retired theme.", kind="need", importance=1, themes=[retired]),
    }
    measure = measure_create(
        title="Answer to the high one",
        start_quarter="2025-Q1",
        end_quarter="2025-Q2",
        status="agreed",
        findings=[findings["high"]],
    )
    return {"first": first, "second": second, "findings": findings, "measure": measure}


@pytest.mark.django_db
class TestBoardData:
    def test_groups_follow_the_theme_order_with_other_last(self, plan):
        board = findings_by_theme()
        assert [group.theme for group in board.groups] == [plan["first"], plan["second"], None]

    def test_findings_are_ordered_by_importance(self, plan):
        texts = [[finding.text for finding in group.findings] for group in findings_by_theme().groups]
        assert texts == [
            ["High one.", "On both themes.", "Low one."],
            ["On both themes."],
            ["No theme at all.", "Only a retired theme."],
        ]

    def test_company_count_measures_and_summary(self, plan):
        board = findings_by_theme()
        high = board.groups[0].findings[0]
        assert high.company_count == 2
        assert [measure.title for measure in high.answering_measures] == ["Answer to the high one"]
        assert (board.finding_count, board.unanswered_count, board.measure_count) == (5, 4, 1)
        assert [group.unanswered_count for group in board.groups] == [2, 1, 2]

    def test_no_other_group_when_every_finding_has_a_theme(self, db):
        Theme.objects.update(active=False)
        theme = ThemeFactory(slug="b-only", active=True)
        finding_create(text="Tagged.", kind="need", themes=[theme])
        assert [group.theme for group in findings_by_theme().groups] == [theme]


@pytest.mark.django_db
class TestBoardPage:
    def test_viewer_sees_the_board(self, viewer_client, plan):
        response = viewer_client.get(URL)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.index("First theme") < html.index("Second theme") < html.index("Other")
        assert html.index("High one.") < html.index("On both themes.") < html.index("Low one.")
        assert "Answer to the high one" in html and plan["measure"].get_absolute_url() in html
        assert "agreed" in html
        assert "Add a finding" not in html  # viewers read only

    def test_findings_no_measure_answers_stand_out(self, viewer_client, plan):
        html = viewer_client.get(URL).content.decode()
        # "On both themes." shows under both of its themes: five cards, four findings
        assert html.count("finding-unanswered") == 5
        assert html.count("no measure yet</span>") == 5  # the badge
        high_card = html[html.index("High one.") - 400 : html.index("High one.")]
        assert "finding-unanswered" not in high_card

    def test_summary_at_the_top(self, viewer_client, plan):
        html = viewer_client.get(URL).content.decode()
        summary = html[html.index('id="board-summary"') : html.index("First theme")]
        assert "<strong>5</strong> findings" in summary
        assert "<strong>4</strong> with no measure yet" in summary
        assert "<strong>1</strong> measure answers them" in summary

    def test_a_theme_without_findings_says_so(self, viewer_client, plan):
        ThemeFactory(slug="b-empty", name="Empty theme", order=3, active=True)
        html = viewer_client.get(URL).content.decode()
        assert "Empty theme" in html and "No findings on this theme yet." in html

    def test_staff_get_the_add_buttons(self, staff_client, plan):
        html = staff_client.get(URL).content.decode()
        assert reverse("workshops:finding_create") in html
        assert f"{reverse('workshops:measure_create')}?finding={plan['findings']['low'].pk}" in html

    def test_a_chart_and_a_table_count_each_theme_by_kind_and_unanswered(self, viewer_client, plan):
        response = viewer_client.get(URL)
        counts = {row.label: row for row in response.context["counts"]}
        total = sum(row.total for row in counts.values())
        assert sum(sum(row.by_kind) for row in counts.values()) == total
        unanswered = sum(row.unanswered for row in counts.values())
        chart = response.context["chart"]
        assert chart.title == "Findings per theme by kind"
        assert f"{total} findings in {len(counts)} themes; {unanswered} have no measure yet." in chart.summary
        html = response.content.decode()
        assert f'alt="{chart.summary}"' in html
        assert "No measure yet</th>" in html
        # The chart and its table come before the findings themselves.
        assert html.index("<figure") < html.index("board-theme")

    def test_needs_login(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert reverse("login") in response["Location"]

    def test_refuses_outsiders(self, outsider_client):
        assert outsider_client.get(URL).status_code == 403

    def test_refuses_post(self, staff_client):
        assert staff_client.post(URL).status_code == 405

    def test_query_count_does_not_grow_with_the_data(self, viewer_client, django_assert_num_queries):
        Theme.objects.update(active=False)

        def add(count):
            for n in range(count):
                theme = ThemeFactory(active=True)
                finding = finding_create(
                    text=f"Finding {n}.",
                    kind="need",
                    importance=n % 3 + 1,
                    themes=[theme, ThemeFactory(active=True)],
                    companies=[CompanyFactory()],
                )
                finding_create(text=f"Untagged {n}.", kind="wish")
                measure_create(title=f"Measure {n}", start_quarter="2025-Q1", end_quarter="2025-Q4", findings=[finding])

        # session, user, the user's groups, the active themes, the findings (with company counts),
        # the findings' themes, the measures answering them
        add(2)
        with django_assert_num_queries(7):
            assert viewer_client.get(URL).status_code == 200
        add(18)
        with django_assert_num_queries(7):
            response = viewer_client.get(URL)
        assert response.context["board"].finding_count == 40


@pytest.mark.django_db
def test_a_theme_shows_its_ten_most_important_findings_and_links_to_all(viewer_client):
    Theme.objects.update(active=False)
    theme = ThemeFactory(slug="busy", name="Busy theme", active=True)
    for n in range(12):
        finding_create(text=f"Finding {n:02}.", kind="need", importance=3 if n in (4, 11) else 1, themes=[theme])
    response = viewer_client.get(URL)
    column = response.context["columns"][0]
    assert column.total == 12 and len(column.findings) == 10
    assert [f.text for f in column.findings[:2]] == ["Finding 11.", "Finding 04."]
    content = response.content.decode()
    assert "(12 findings, 12 with no measure yet)" in content
    link = reverse("workshops:findings") + "?theme=busy"
    assert f'href="{link}"' in content and "Show all 12 findings" in content
    listed = viewer_client.get(link)
    assert listed.context["page"].paginator.count == 12
