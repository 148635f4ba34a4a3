"""Figures for staff: who has answered (overall, by building, by industry) and the results question by question.

Every function here reads with a fixed number of queries and aggregates in Python, so the pages stay as fast
with 500 organisations and 250 questions as with 50 and 25.
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django import forms
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from companies.industries import SECTION_CHOICES, SECTIONS
from companies.models import Building, Company, Tenancy
from workforce.survey import skill_area_names, table_rows

from .models import OTHER_VALUE, Answer, Choice, Invitation, Question, Response, Survey

NO_BUILDING = ""

# Progress of the survey ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """How far the invited organisations of one group have got."""

    label: str
    invited: int = 0
    opened: int = 0
    drafts: int = 0
    submitted: int = 0

    def add(self, response: Response) -> None:
        self.invited += 1
        self.opened += response.first_opened_at is not None
        self.drafts += response.last_saved_at is not None and response.submitted_at is None
        self.submitted += response.submitted_at is not None

    @property
    def rate(self) -> float | None:
        """Submitted as a percentage of invited (None when nobody was invited)."""
        return 100 * self.submitted / self.invited if self.invited else None


@dataclass
class Invited:
    """An invited organisation, its response and the buildings it is in now."""

    company: Company
    response: Response
    buildings: list[str]

    @property
    def status(self) -> str:
        return self.response.status


@dataclass
class Progress:
    overall: Tally
    by_building: list[Tally]
    by_section: list[Tally]
    pending: list[Invited]


def current_buildings(company_ids, on: datetime.date | None = None) -> dict[int, list[str]]:
    """{company id: names of the buildings where it has a tenancy now}, in one query."""
    rows = (
        Tenancy.objects.current(on)
        .filter(company_id__in=company_ids)
        .values_list("company_id", "premises__building__name")
        .distinct()
        .order_by("premises__building__name")
    )
    buildings = defaultdict(list)
    for company_id, name in rows:
        buildings[company_id].append(name)
    return buildings


def section_label(letter: str) -> str:
    """A TOL section as “J Information and communication”, or “Industry not known”."""
    return f"{letter} {SECTIONS[letter]}" if letter in SECTIONS else _("Industry not known")


def survey_progress(*, survey: Survey, on: datetime.date | None = None) -> Progress:
    """Invited, opened, drafts and submitted, overall, by building and by industry section; in two queries."""
    invited = Invitation.objects.filter(survey=survey, company_id=OuterRef("company_id"))
    responses = (
        Response.objects.filter(Exists(invited), survey=survey).select_related("company").order_by("company__name")
    )
    responses = list(responses)
    buildings = current_buildings([r.company_id for r in responses], on)
    overall = Tally(_("All invited"))
    by_building: dict[str, Tally] = {}
    by_section: dict[str, Tally] = {}
    pending = []
    for response in responses:
        overall.add(response)
        names = buildings.get(response.company_id) or [NO_BUILDING]
        for name in names:
            by_building.setdefault(name, Tally(name or _("No premises in the village"))).add(response)
        letter = response.company.industry_section
        by_section.setdefault(letter, Tally(section_label(letter))).add(response)
        if response.submitted_at is None:
            pending.append(Invited(response.company, response, buildings.get(response.company_id, [])))
    # Groups without a building or an industry come last.
    return Progress(
        overall=overall,
        by_building=[by_building[k] for k in sorted(by_building, key=lambda k: (k == NO_BUILDING, k))],
        by_section=[by_section[k] for k in sorted(by_section, key=lambda k: (k == "", k))],
        pending=pending,
    )


def days_to_deadline(survey: Survey, now: datetime.datetime | None = None) -> int | None:
    """Whole days from today to the closing day (0 on the day itself); None once closed."""
    now = now or timezone.now()
    if survey.has_closed(now):
        return None
    return (timezone.localdate(survey.closes_at) - timezone.localdate(now)).days


# Results question by question ---------------------------------------------------------------------------------------


class ResultsFilterForm(forms.Form):
    """The filters of the results page: which responses count."""

    building = forms.ModelChoiceField(
        label=gettext_lazy("Building"),
        queryset=Building.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label=gettext_lazy("All buildings"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    industry = forms.ChoiceField(
        label=gettext_lazy("Industry"),
        required=False,
        choices=[("", gettext_lazy("All industries")), *SECTION_CHOICES],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    drafts = forms.BooleanField(
        label=gettext_lazy("Include unsubmitted drafts"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


def filtered_responses(
    *, survey: Survey, include_drafts: bool = False, building: Building | None = None, industry: str = ""
):
    """The responses that count: submitted ones (and drafts if asked), of a building and an industry if given."""
    responses = Response.objects.filter(survey=survey)
    if include_drafts:
        responses = responses.filter(Q(submitted_at__isnull=False) | Q(last_saved_at__isnull=False))
    else:
        responses = responses.filter(submitted_at__isnull=False)
    if building is not None:
        responses = responses.filter(company__in=Company.objects.in_building(building))
    if industry:
        responses = responses.filter(company__industry_section=industry)
    return responses


@dataclass
class OptionCount:
    """One option of a question and how many picked it."""

    label: str
    count: int
    share: float  # percent of those who answered the question


@dataclass
class TextAnswer:
    text: str
    company: str | None  # None when the reader may not see who wrote it


@dataclass
class NumberSummary:
    count: int
    mean: Decimal
    minimum: Decimal
    maximum: Decimal
    median: Decimal


@dataclass
class SkillAreaNeed:
    """The rows of a workforce needs table in one skill area, and the people they add up to."""

    label: str
    rows: int
    people: int


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    counts: list[OptionCount] = field(default_factory=list)  # choices, yes/no, or the 1–5 of a scale
    other_texts: list[TextAnswer] = field(default_factory=list)
    texts: list[TextAnswer] = field(default_factory=list)
    numbers: NumberSummary | None = None
    mean: Decimal | None = None  # of a scale
    first_date: datetime.date | None = None
    last_date: datetime.date | None = None
    needs: list[SkillAreaNeed] = field(default_factory=list)  # of a workforce needs table

    @property
    def kind(self) -> str:
        """Which block of the results template shows this question."""
        T = Question.Type
        return {
            T.SINGLE_CHOICE: "counts",
            T.MULTIPLE_CHOICE: "counts",
            T.YES_NO: "counts",
            T.SCALE: "scale",
            T.INTEGER: "numbers",
            T.DECIMAL: "numbers",
            T.DATE: "dates",
        }.get(self.question.type, "texts")


@dataclass
class Results:
    responses: int
    questions: list[QuestionResult]


def _share(count: int, total: int) -> float:
    return 100 * count / total if total else 0.0


def _number(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def _texts(rows: list[tuple[str, str]], with_names: bool) -> list[TextAnswer]:
    """Texts with their writers for staff (by organisation); bare texts, alphabetically, for everyone else."""
    if with_names:
        return [TextAnswer(text, company) for text, company in sorted(rows, key=lambda r: (r[1].lower(), r[0]))]
    return [TextAnswer(text, None) for text in sorted(text for text, _company in rows)]


def _needs(rows: list[tuple[object, str, str]], names: dict[str, str]) -> list[SkillAreaNeed]:
    """Rows and people per skill area of the table answers, most people first."""
    totals = defaultdict(lambda: [0, 0])
    for value, _other, _company in rows:
        for row in table_rows(value):
            area = str(row.get("skill_area", ""))
            totals[area][0] += 1
            totals[area][1] += int(_number(row.get("count")) or 0)
    needs = [SkillAreaNeed(names.get(area, area), count, people) for area, (count, people) in totals.items()]
    return sorted(needs, key=lambda need: (-need.people, need.label))


def _need_text(need: SkillAreaNeed) -> str:
    """“Welding: 7 people (2 rows)”."""
    people = ngettext("%(count)s person", "%(count)s people", need.people) % {"count": need.people}
    rows = ngettext("%(count)s row", "%(count)s rows", need.rows) % {"count": need.rows}
    return _("%(area)s: %(people)s (%(rows)s)") % {"area": need.label, "people": people, "rows": rows}


def _summarise(
    question: Question, rows: list[tuple[object, str, str]], with_names: bool, names: dict[str, str] | None = None
) -> QuestionResult:
    """One question's result from its (value, other text, company name) rows; `names` of skill areas for tables."""
    result = QuestionResult(question)
    rows = [row for row in rows if row[0] not in (None, "", [])]
    result.answered = total = len(rows)
    T = Question.Type
    if question.is_choice:
        tally = defaultdict(int)
        others = []
        for value, other, company in rows:
            for picked in value if isinstance(value, list) else [value]:
                tally[picked] += 1
            if other:
                others.append((other, company))
        labels = {choice.value: choice.label for choice in question.choices.all()}
        if question.has_other or tally.get(OTHER_VALUE):
            labels[OTHER_VALUE] = _("Other")
        # Values whose choice has since been removed are still shown, under their stored code.
        labels.update({value: str(value) for value in tally if value not in labels})
        result.counts = [
            OptionCount(label, tally[value], _share(tally[value], total)) for value, label in labels.items()
        ]
        result.other_texts = _texts(others, with_names)
    elif question.type == T.YES_NO:
        tally = defaultdict(int)
        for value, _other, _company in rows:
            tally[value] += 1
        result.counts = [OptionCount(_("Yes"), tally["yes"], _share(tally["yes"], total))]
        result.counts.append(OptionCount(_("No"), tally["no"], _share(tally["no"], total)))
    elif question.type == T.SCALE:
        points = [int(n) for n in (_number(value) for value, _o, _c in rows) if n is not None and 1 <= n <= 5]
        result.answered = total = len(points)
        names = {1: question.scale_min_label, 5: question.scale_max_label}
        for point in range(1, 6):
            label = f"{point} – {names[point]}" if names.get(point) else str(point)
            result.counts.append(OptionCount(label, points.count(point), _share(points.count(point), total)))
        result.mean = (Decimal(sum(points)) / total).quantize(Decimal("0.01")) if total else None
    elif question.type in Question.NUMBER_TYPES:
        numbers = [n for n in (_number(value) for value, _o, _c in rows) if n is not None]
        result.answered = len(numbers)
        if numbers:
            result.numbers = NumberSummary(
                count=len(numbers),
                mean=(sum(numbers) / len(numbers)).quantize(Decimal("0.01")),
                minimum=min(numbers),
                maximum=max(numbers),
                median=statistics.median(numbers),
            )
    elif question.type == T.DATE:
        dates = [d for d in (_date(value) for value, _o, _c in rows) if d is not None]
        result.answered = len(dates)
        if dates:
            result.first_date, result.last_date = min(dates), max(dates)
    elif question.type == T.WORKFORCE_TABLE:
        result.needs = _needs(rows, names or {})
        # Shown as lines of text wherever a template has no table of its own for them.
        result.texts = [TextAnswer(_need_text(need), None) for need in result.needs]
    else:
        result.texts = _texts([(str(value), company) for value, _other, company in rows], with_names)
    return result


def survey_questions(survey: Survey):
    """The survey's questions in survey order, with their page and choices, in two queries."""
    return (
        Question.objects.filter(section__survey=survey)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
    )


def survey_results(
    *,
    survey: Survey,
    with_names: bool,
    include_drafts: bool = False,
    building: Building | None = None,
    industry: str = "",
) -> Results:
    """Each question's aggregate over the responses that count; four queries whatever the size of the survey.

    A fifth reads the names of the skill areas when the survey has a workforce needs table.
    """
    responses = filtered_responses(survey=survey, include_drafts=include_drafts, building=building, industry=industry)
    questions = list(survey_questions(survey))
    has_table = any(question.type == Question.Type.WORKFORCE_TABLE for question in questions)
    names = skill_area_names() if has_table else {}
    rows = defaultdict(list)
    answers = Answer.objects.filter(response__in=responses).values_list(
        "question_id", "value", "other_text", "response__company__name"
    )
    for question_id, value, other, company in answers:
        rows[question_id].append((value, other, company))
    return Results(
        responses=responses.count(),
        questions=[_summarise(question, rows[question.pk], with_names, names) for question in questions],
    )
