"""Figures for staff: who has answered (overall, by building, by industry) and the results question by question.

Every function here reads with a fixed number of queries and lets PostgreSQL count (GROUP BY), so the pages stay
as fast with 5,000 organisations and 250 questions as with 50 and 25.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Case, Count, Exists, F, FilteredRelation, Func, Max, OuterRef, Prefetch, Q, TextField, When
from django.db.models.expressions import Window
from django.db.models.functions import Collate, Lower, RowNumber, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from companies.industries import SECTIONS
from companies.models import Building, Company, Tenancy, tenancy_in_force

from . import content
from .models import OTHER_VALUE, Answer, Choice, Invitation, Question, Response, Survey
from .questions import lookups, question_type
from .questions.summaries import QuestionResult, Texts, Values

NO_BUILDING = ""
# Groups smaller than this are not broken down for viewers or in the report, so that no organisation can be singled
# out: a filter that leaves fewer organisations, a row of a cross-table, a response rate, a question's answers.
MIN_GROUP = 5

# Progress of the survey ---------------------------------------------------------------------------------------------


@dataclass
class Tally:
    """How far the invited organisations of one group have got."""

    label: str
    invited: int = 0
    opened: int = 0
    drafts: int = 0
    submitted: int = 0

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


def _tally_figures() -> dict:
    """The four figures of a Tally as aggregates over responses; `distinct` because a join may repeat a row."""
    return {
        "invited": Count("pk", distinct=True),
        "opened": Count("pk", distinct=True, filter=Q(first_opened_at__isnull=False)),
        "drafts": Count("pk", distinct=True, filter=Q(last_saved_at__isnull=False, submitted_at__isnull=True)),
        "submitted": Count("pk", distinct=True, filter=Q(submitted_at__isnull=False)),
    }


def invited_responses(survey: Survey):
    """The responses of the organisations invited to the survey."""
    invited = Invitation.objects.filter(survey=survey, company_id=OuterRef("company_id"))
    return Response.objects.filter(Exists(invited), survey=survey)


def survey_progress(*, survey: Survey, on: datetime.date | None = None) -> Progress:
    """Invited, opened, drafts and submitted, overall, by building and by industry section; in two queries.

    PostgreSQL counts (GROUP BY), so the cost does not grow with the organisations read into Python.
    """
    on = on or timezone.localdate()
    responses = invited_responses(survey)
    by_section = {
        row.pop("company__industry_section"): row
        for row in responses.values("company__industry_section").annotate(**_tally_figures()).order_by()
    }
    # A LEFT JOIN to the tenancies in force: an organisation without one groups under NULL (no premises).
    now = FilteredRelation("company__tenancies", condition=tenancy_in_force(on, through="company__tenancies__"))
    by_building = {
        row.pop("now__premises__building__name") or NO_BUILDING: row
        for row in responses.annotate(now=now)
        .values("now__premises__building__name")
        .annotate(**_tally_figures())
        .order_by()
    }
    overall = Tally(_("All invited"))
    for figures in by_section.values():
        for name, count in figures.items():
            setattr(overall, name, getattr(overall, name) + count)
    # Groups without a building or an industry come last.
    return Progress(
        overall=overall,
        by_building=[
            Tally(name or _("No premises in the village"), **by_building[name])
            for name in sorted(by_building, key=lambda k: (k == NO_BUILDING, k))
        ],
        by_section=[
            Tally(section_label(letter), **by_section[letter])
            for letter in sorted(by_section, key=lambda k: (k == "", k))
        ],
    )


def submissions_by_day(survey: Survey) -> list[tuple[datetime.date, int]]:
    """(day, submitted by the end of that day) for each day with a submission, in Helsinki time; one query."""
    rows = (
        invited_responses(survey)
        .filter(submitted_at__isnull=False)
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_current_timezone()))
        .values("day")
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    running, points = 0, []
    for row in rows:
        running += row["count"]
        points.append((row["day"], running))
    return points


def pending_responses(*, survey: Survey, include_submitted: bool = False):
    """The invited organisations that have not submitted (or all of them), by name: a query to paginate."""
    responses = invited_responses(survey)
    if not include_submitted:
        responses = responses.filter(submitted_at__isnull=True)
    return responses.select_related("company").order_by("company__name", "pk")


def invited_rows(responses, on: datetime.date | None = None) -> list[Invited]:
    """The given responses (one page of them) with their organisations' current buildings; one query."""
    responses = list(responses)
    buildings = current_buildings([response.company_id for response in responses], on)
    return [Invited(r.company, r, buildings.get(r.company_id, [])) for r in responses]


def days_to_deadline(survey: Survey, now: datetime.datetime | None = None) -> int | None:
    """Whole days from today to the closing day (0 on the day itself); None once closed."""
    now = now or timezone.now()
    return None if survey.has_closed(now) else survey.days_to_deadline(now)


# Results question by question ---------------------------------------------------------------------------------------


def choice_options(question: Question) -> list[tuple[str, str]]:
    """(code, label) of each option of a choice question, “other” last when it has one."""
    options = [(choice.value, choice.label) for choice in question.choices.all()]
    if question.has_other:
        options.append((OTHER_VALUE, _("Other")))
    return options


def answer_matches(question: Question, option: str) -> Q:
    """Answers to the question that hold the option: a single choice equal to it, a multiple choice containing it."""
    return Q(question=question) & (Q(value=option) | Q(value__contains=[option]))


def filtered_responses(
    *,
    survey: Survey,
    include_drafts: bool = False,
    building: Building | None = None,
    industry: str = "",
    answer: tuple[Question, str] | None = None,
):
    """The responses that count: submitted ones (and drafts if asked), of a building and an industry if given, and
    of those whose answer to a choice question holds an option if given (`answer` = (question, option code))."""
    responses = Response.objects.filter(survey=survey)
    if include_drafts:
        responses = responses.filter(Q(submitted_at__isnull=False) | Q(last_saved_at__isnull=False))
    else:
        responses = responses.filter(submitted_at__isnull=False)
    if building is not None:
        responses = responses.filter(company__in=Company.objects.in_building(building))
    if industry:
        responses = responses.filter(company__industry_section=industry)
    if answer is not None:
        question, option = answer
        picked = Answer.objects.filter(answer_matches(question, option), response=OuterRef("pk"))
        responses = responses.filter(Exists(picked))
    return responses


@dataclass
class Results:
    responses: int
    questions: list[QuestionResult]
    hidden: bool = False  # fewer than MIN_GROUP organisations match the filters, for a reader who may not see them


def _summarise(question: Question, values: Values, texts: Texts, with_names: bool, lookup) -> QuestionResult:
    """One question's result from its distinct stored values with their counts, and its texts.

    `texts` holds the question's ("text" or "other") rows of (text, company name) and their totals, as
    `_text_rows` read them; `lookup` is what the question's type reads once (a table's skill areas).
    """
    kind = question_type(question)
    result = QuestionResult(question, kind=kind.results_kind)
    values = [(value, times) for value, times in values if value not in (None, "", [])]
    result.answered = sum(times for _value, times in values)
    kind.summarise(question, result, values, texts, with_names, lookup)
    return result


def survey_questions(survey: Survey):
    """The survey's questions in survey order, with their page and choices, in two queries."""
    return (
        Question.objects.filter(section__survey=survey)
        .select_related("section")
        .order_by("section__order", "section__pk", "order", "pk")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
    )


def kept_survey_questions(survey: Survey) -> list[Question]:
    """`survey_questions` as a list kept by the worker while the survey's content is unchanged (surveys.content):
    the results page reads a survey's hundreds of questions and their choices on every view otherwise. Shared by
    the requests of a worker: read, never change."""
    return content.cached(
        ("survey_questions", survey.pk), lambda: list(survey_questions(survey)), content.content_version()
    )


# What the results are computed from: PostgreSQL counts, Python reads a few thousand rows ------------------------------

# An answer counts when it holds something: not SQL NULL, JSON null, "" or [].
ANSWERED = Q(value__isnull=False) & ~Q(value=None) & ~Q(value="") & ~Q(value=[])


def _value_counts(answers, question_ids: list[int]) -> list[tuple[int, object, int]]:
    """(question id, stored value, how many) of every distinct value of the questions; one query.

    A scale, a choice, yes/no, a number or a date takes few distinct values, so this reads a few thousand rows
    where the answers are hundreds of thousands; the figures come out of them exactly as out of every answer.
    """
    rows = answers.filter(question_id__in=question_ids).values_list("question_id", "value")
    return list(rows.annotate(times=Count("pk")).order_by())


def _text_rows(answers, *, text_ids, choice_ids, with_names: bool, limit: int | None) -> list[tuple]:
    """(question id, text, organisation, texts of the question) of the first `limit` texts of each question.

    The free texts of text questions and the “other” texts of choice questions, ordered as `text_answers` orders
    them (by organisation and text for staff, by text for others); one query.
    """
    # A text answer is stored as a JSON string; `#>> '{}'` reads it as SQL text without its JSON quotes.
    text = Case(
        When(question_id__in=choice_ids, then=F("other_text")),
        default=Func(F("value"), template="(%(expressions)s #>> '{}')"),
        output_field=TextField(),
    )
    # The "C" collation orders by code point, the same order as Python's sorted() in `text_answers`, whatever the
    # database's locale: the page and the limit cut the list at the same place.
    order: list[Any] = [Collate(text, "C"), "pk"]
    if with_names:
        order.insert(0, Collate(Lower("response__company__name"), "C"))
    rows = (
        answers.filter(ANSWERED)
        # & binds tighter than |: every text question's answer, or a choice question's answer with an "other" text.
        .filter(Q(question_id__in=text_ids) | (Q(question_id__in=choice_ids) & ~Q(other_text="")))
        .annotate(
            text=text,
            rank=Window(RowNumber(), partition_by=[F("question_id")], order_by=order),
            written=Window(Count("pk"), partition_by=[F("question_id")]),
        )
        .values_list("question_id", "text", "response__company__name", "written")
    )
    if limit is not None:
        rows = rows.filter(rank__lte=limit)
    return list(rows.order_by("question_id", "rank"))


def _figures(answers, questions: list[Question], *, with_names: bool, texts_limit: int | None) -> dict:
    """What the results are summarised from: the values with their counts, and the texts; two queries."""
    text_ids = [q.pk for q in questions if question_type(q).free_text]
    choice_ids = [q.pk for q in questions if q.is_choice]
    counted = [q.pk for q in questions if q.pk not in set(text_ids)]
    return {
        "values": _value_counts(answers, counted),
        "texts": _text_rows(
            answers, text_ids=text_ids, choice_ids=choice_ids, with_names=with_names, limit=texts_limit
        ),
    }


def results_state(responses) -> dict:
    """How many responses count, and when the latest was saved and submitted; one query.

    A saved page, a staff correction (saved as a page is), a submit, a submit on the organisation's behalf, a
    reopening or a removed response changes it, so a cache keyed by it is computed again after each of those. The
    admin stores no answer. A change in the registry (an organisation's industry, a tenancy: by hand or by an
    import) moves the content version instead (surveys.content), which the key holds too.
    """
    return responses.aggregate(count=Count("pk"), saved=Max("last_saved_at"), submitted=Max("submitted_at"))


def survey_results(
    *,
    survey: Survey,
    with_names: bool,
    include_drafts: bool = False,
    building: Building | None = None,
    industry: str = "",
    answer: tuple[Question, str] | None = None,
    texts_limit: int | None = None,
    questions: list[Question] | None = None,
    hide_small: bool = False,
) -> Results:
    """Each question's aggregate over the responses that count; five queries whatever the size of the survey.

    `texts_limit` keeps the first texts of each question (their number stays in `text_total`). A sixth query
    reads the names of the skill areas when the survey has a workforce needs table (its type's `lookup`).
    `questions`, the survey's questions as `survey_questions` reads them, saves their two queries when the caller
    has them already.
    With `hide_small` (a viewer), filters that leave fewer than MIN_GROUP organisations give no figures at all.
    """
    responses = filtered_responses(
        survey=survey, include_drafts=include_drafts, building=building, industry=industry, answer=answer
    )
    count = responses.count()
    narrowed = building is not None or bool(industry) or answer is not None
    if hide_small and narrowed and 0 < count < MIN_GROUP:
        return Results(responses=count, questions=[], hidden=True)
    questions = list(survey_questions(survey)) if questions is None else questions
    answers = Answer.objects.filter(response__in=responses)
    figures = _figures(answers, questions, with_names=with_names, texts_limit=texts_limit)
    found = lookups(questions)
    values = defaultdict(list)
    for question_id, value, times in figures["values"]:
        values[question_id].append((value, times))
    choice_ids = {question.pk for question in questions if question.is_choice}
    texts: defaultdict[int, dict[str, Any]] = defaultdict(dict)
    for question_id, text, company, written in figures["texts"]:
        kind = "other" if question_id in choice_ids else "text"
        texts[question_id].setdefault(kind, ([], written))[0].append((text, company))
    return Results(
        responses=count,
        questions=[_summarise(q, values[q.pk], texts[q.pk], with_names, found[q.type]) for q in questions],
    )
