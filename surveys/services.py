"""Answering the survey: opening a link, saving a page as a draft, submitting.

Every save goes to PostgreSQL at once. A page carries a version; a save based
on an older version is refused with what changed, so two colleagues never
overwrite each other silently. After the deadline nothing is written.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import get_language
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from . import content
from .forms import OTHER_SUFFIX, SectionForm, page_fields
from .models import Answer, Choice, Invitation, PageState, Question, Response, Section, Survey, hash_token
from .questions import lookups, question_type
from .questions import response_submitted as types_response_submitted
from .signals import answers_written

MAX_TOKEN_LENGTH = 100
EMPTY: tuple[object, ...] = (None, "", [])


# Reading -------------------------------------------------------------------


def _ordered_choices() -> Prefetch:
    return Prefetch("choices", queryset=Choice.objects.order_by("order", "pk"))


def survey_sections(survey: Survey) -> list[Section]:
    """The survey's pages in order: one query the first time a worker needs them, none after while the survey's
    content is unchanged (see surveys.content). Shared by the requests of a worker: read, never change."""
    return content.cached(
        ("survey_sections", survey.pk), lambda: list(survey.sections.all()), content.content_version()
    )


def section_questions(section: Section) -> list[Question]:
    """The questions of a page with what rendering and visibility need.

    Two queries the first time a worker shows the page, none after while the survey's content is unchanged
    (see surveys.content). The list and its questions are shared by the requests of a worker: read, never change.
    """

    def read():
        return list(
            section.questions.select_related("shown_if_choice__question")
            .prefetch_related(_ordered_choices())
            .order_by("order", "pk")
        )

    return content.cached(("section_questions", section.pk), read, content.content_version())


def conditional_questions(survey_id: int) -> list[Question]:
    """The survey's questions that a choice shows, with the choice and its question, in page order.

    One query the first time a worker needs them, none after while the survey's content is unchanged.
    """

    def read():
        return list(
            Question.objects.filter(section__survey_id=survey_id, shown_if_choice__isnull=False)
            .select_related("shown_if_choice__question")
            .order_by("section__order", "section__pk", "order", "pk")
        )

    return content.cached(("conditional_questions", survey_id), read, content.content_version())


def survey_questions(response: Response):
    """Every question of the response's survey in page order, with choices and conditions, in two queries."""
    return (
        Question.objects.filter(section__survey_id=response.survey_id)
        .select_related("shown_if_choice__question")
        .prefetch_related(_ordered_choices())
        .order_by("section__order", "section__pk", "order", "pk")
    )


def stored_values(response: Response) -> dict[int, object]:
    """{question id: stored value} of every answer of the response."""
    return dict(response.answers.values_list("question_id", "value"))


def stored_answers(response: Response) -> dict[int, Answer]:
    """{question id: Answer} of every answer of the response."""
    return {answer.question_id: answer for answer in response.answers.all()}


def is_visible(question: Question, page_data: dict, page_codes: set[str], stored: dict[int, object]) -> bool:
    """Whether a question is shown, from this page's data or the answers stored for earlier pages."""
    choice = question.shown_if_choice
    if choice is None:
        return True
    trigger = choice.question
    value = page_data.get(trigger.code) if trigger.code in page_codes else stored.get(trigger.pk)
    return value == choice.value


def visible_values(questions, stored: dict[int, object]) -> dict[int, object]:
    """The stored values of the visible questions; `questions` in page order, so hiding cascades to dependants."""
    values = dict(stored)
    for question in questions:
        if not is_visible(question, {}, set(), values):
            values.pop(question.pk, None)
    return values


def display_value(question: Question, value, other_text: str = "", *, lookup=None) -> str:
    """An answer as a respondent reads it (choice labels, yes/no, local numbers and dates, table rows).

    `lookup` is what the question's type reads once for many answers (a table's skill areas, from `lookups()`);
    it is read here when not given.
    """
    if value in EMPTY:
        return "–"
    kind = question_type(question)
    return kind.display(question, value, other_text, kind.lookup() if lookup is None else lookup)


def section_fields(section: Section, questions: list[Question]) -> dict:
    """The page's form fields, built once per worker and language while the survey's content is unchanged.

    The field of a question whose type reads data kept apart from the survey (the skill areas of a workforce needs
    table) is built each time; the page's other fields still come from the worker's copy.
    """
    cacheable = [question for question in questions if question_type(question).fields_cacheable]
    key = ("section_fields", section.pk, tuple(question.pk for question in cacheable), get_language())
    kept = content.cached(key, lambda: page_fields(cacheable), content.content_version())
    if len(cacheable) == len(questions):
        return kept
    fresh = page_fields([question for question in questions if not question_type(question).fields_cacheable])
    # In page order, as page_fields gives them: a question's field, then its "other" text.
    return {
        name: kept.get(name) or fresh[name]
        for question in questions
        for name in (question.code, question.code + OTHER_SUFFIX)
        if name in kept or name in fresh
    }


def build_form(response: Response, section: Section, questions, data=None, *, require_complete=False, stored=None):
    """The page's form: bound to posted data, or filled with the stored answers and the page's version."""
    questions = list(questions)
    page_codes = {q.code for q in questions}
    # The questions on other pages that show or hide one of this page's: their stored answers decide.
    triggers = {q.shown_if_choice.question_id for q in questions if q.shown_if_choice}
    if data is not None:
        if stored is None:
            stored = dict(
                response.answers.filter(question_id__in=triggers | {q.pk for q in questions}).values_list(
                    "question_id", "value"
                )
            )
        return SectionForm(
            data,
            questions=questions,
            require_complete=require_complete,
            visible=lambda question, page_data: is_visible(question, page_data, page_codes, stored),
            fields=section_fields(section, questions),
        )
    # The answers this page shows, and those of the questions on other pages that show or hide one of its own.
    # A page of the region's survey is a tenth of a response's answers: read as values, not as Answer objects.
    wanted = {q.pk for q in questions} | triggers
    answers = {
        question_id: (value, other_text)
        for question_id, value, other_text in response.answers.filter(question_id__in=wanted).values_list(
            "question_id", "value", "other_text"
        )
    }
    stored = {pk: value for pk, (value, _other) in answers.items()} if stored is None else stored
    version = PageState.objects.filter(response=response, section=section).values_list("version", flat=True).first()
    initial: dict[str, Any] = {"version": version or 0}
    for question in questions:
        if question.pk in answers:
            value, other_text = answers[question.pk]
            initial[question.code] = None if value is None else question_type(question).to_initial(question, value)
            if other_text:
                initial[question.code + OTHER_SUFFIX] = other_text
    # Visibility before any typing: what is stored for this page.
    page_values = {q.code: stored.get(q.pk) for q in questions}
    return SectionForm(
        initial=initial,
        questions=questions,
        visible=lambda question, _data: is_visible(question, page_values, page_codes, stored),
        fields=section_fields(section, questions),
    )


@dataclass
class AnswerRow:
    question: Question
    display: str
    missing: bool  # a required question left unanswered


@dataclass
class SectionAnswers:
    number: int  # 1-based, as in the page URL
    section: Section
    rows: list[AnswerRow] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """True when at least one question of the page has an answer."""
        return any(row.display != "–" for row in self.rows)


def answers_by_section(response: Response) -> list[SectionAnswers]:
    """Every page with its visible questions and their answers as read, in four queries (and one for each type that
    reads something once, such as the skill areas of table answers)."""
    pages = {
        section.pk: SectionAnswers(number, section)
        for number, section in enumerate(response.survey.sections.all(), start=1)
    }
    questions = list(survey_questions(response))
    answers = stored_answers(response)
    visible = visible_values(questions, {pk: answer.value for pk, answer in answers.items()})
    # A fifth query, once, when a type of the answered questions reads something (a table, its skill areas' names).
    found = lookups(q for q in questions if visible.get(q.pk) not in EMPTY)
    for question in questions:
        if not is_visible(question, {}, set(), visible):
            continue
        answer = answers.get(question.pk)
        value, other = (answer.value, answer.other_text) if answer else (None, "")
        display = display_value(question, value, other, lookup=found.get(question.type))
        row = AnswerRow(question, display, question.required and value in EMPTY)
        pages[question.section_id].rows.append(row)
    return list(pages.values())


def answered_section_ids(response: Response) -> set[int]:
    """The pages that have at least one saved answer."""
    return set(response.answers.values_list("question__section_id", flat=True).distinct())


# Opening a link ------------------------------------------------------------


def invitation_open(*, token: str, now=None) -> Invitation | None:
    """The live invitation of a token, marking it opened; None for unknown, revoked or malformed tokens."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    invitation = (
        Invitation.objects.select_related("response", "survey")
        .filter(token_hash=hash_token(token), revoked=False)
        .first()
    )
    if invitation is None:
        return None
    now = now or timezone.now()
    Invitation.objects.filter(pk=invitation.pk).update(last_opened_at=now)
    Response.objects.filter(pk=invitation.response_id, first_opened_at__isnull=True).update(first_opened_at=now)
    return invitation


# Saving a page -------------------------------------------------------------


@dataclass(frozen=True)
class StaffEdit:
    """A staff member's change on an organisation's behalf: who made it and why, for the history."""

    user: object
    reason: str


@dataclass
class PageResult:
    status: str  # saved, invalid, conflict, closed, not_open; unchanged (a staff edit that changed nothing)
    _form: SectionForm | None = None
    changes: list[tuple[Question, str, str]] = field(default_factory=list)  # (question, theirs, yours)
    _refill: Callable[[], SectionForm] | None = field(default=None, repr=False)

    @property
    def saved(self) -> bool:
        return self.status == "saved"

    @property
    def form(self) -> SectionForm:
        """The page's form; after a save, filled from what is now stored.

        That one is built on first use: the view redirects after a save and never reads it (two queries saved).
        """
        if self._form is None and self._refill is not None:
            self._form = self._refill()
        return cast(SectionForm, self._form)  # one of the two is always set


def page_save(
    *,
    response: Response,
    section: Section,
    data,
    require_complete: bool = False,
    now=None,
    staff_edit: StaffEdit | None = None,
) -> PageResult:
    """Validate one page and write its answers as a draft, unless it is stale or the survey is not open.

    A `staff_edit` (a correction on the organisation's behalf) is checked by the same form and the same version
    rule, also outside the answering time; its history rows carry the staff member and the reason, and a
    correction that changes nothing writes nothing.
    """
    questions = list(section_questions(section))
    fixed_now = now is not None
    now = now or timezone.now()
    # A submitted response stays complete: every later save must keep it so.
    require_complete = require_complete or response.is_submitted
    form = build_form(response, section, questions, data, require_complete=require_complete)
    if staff_edit is None and not response.survey.has_opened(now):
        form.is_valid()
        return PageResult("not_open", form)
    if staff_edit is None and response.survey.has_closed(now):
        form.is_valid()
        return PageResult("closed", form)
    if not form.is_valid():
        return PageResult("invalid", form)

    with transaction.atomic():
        # One save of a response at a time: a save may also clear hidden answers on other pages.
        locked = Response.objects.select_for_update().only("pk", "submitted_at").get(pk=response.pk)
        state, _created = PageState.objects.get_or_create(response=response, section=section)
        # The lock may have waited; the deadline is checked again at the moment of writing.
        if staff_edit is None and response.survey.has_closed(now if fixed_now else timezone.now()):
            return PageResult("closed", form)
        # The page's answers, and those that decide or are decided by a condition anywhere in the survey (for
        # _clear_hidden_answers): not the rest of the response, a tenth of which is on a page of the region's.
        conditional = conditional_questions(response.survey_id)
        on_page = {question.pk for question in questions}
        deciding = {q.shown_if_choice.question_id for q in conditional if q.shown_if_choice}
        related = on_page | {q.pk for q in conditional} | deciding
        current = {answer.question_id: answer for answer in response.answers.filter(question_id__in=related)}
        answers = form.answers()
        if form.cleaned_data["version"] != state.version:
            changes = _changes(questions, current, answers)
            if changes:
                return _conflict(response, section, questions, data, state, changes)
            # Stale, but identical to what is stored (a double click, or a colleague typing the same): no loss.
        if staff_edit is not None and not _changes(questions, current, answers):
            return PageResult("unchanged", form)
        written = _write_answers(response, questions, answers, current, staff_edit)
        hidden = _clear_hidden_answers(response, current, conditional, staff_edit)
        # Written in bulk, which sends no model signals: those who copy answers (the search index) are told here,
        # of the answers this save created, changed or deleted and of those a condition now hides; an answer saved
        # again as it was is not written, and its copy stays as it is.
        if written or hidden:
            answers_written.send(sender=Answer, answer_ids=written | hidden)
        if locked.submitted_at is not None:
            # An edit after submitting: what the types make of a submitted response (workforce needs) follows it.
            types_response_submitted(response=response)
        state.version += 1
        state.saved_at = now
        state.save(update_fields=["version", "saved_at"])
        Response.objects.filter(pk=response.pk).update(last_saved_at=now)
        response.last_saved_at = now
    return PageResult("saved", _refill=lambda: build_form(response, section, questions))


def _changes(questions, current: dict[int, Answer], mine: dict) -> list[tuple[Question, str, str]]:
    """The questions whose stored answer differs from the posted one, as (question, theirs, yours)."""
    changes = []
    for question in questions:
        answer = current.get(question.pk)
        theirs = (answer.value, answer.other_text) if answer else (None, "")
        if theirs != mine[question.pk]:
            changes.append((question, display_value(question, *theirs), display_value(question, *mine[question.pk])))
    return changes


def _conflict(response, section, questions, data, state, changes) -> PageResult:
    """Someone saved this page after it was loaded: keep what was typed, now based on the current version."""
    data = data.copy()
    data["version"] = str(state.version)
    # Saving this form again means choosing the typed answers knowingly.
    refreshed = build_form(response, section, questions, data)
    refreshed.is_valid()
    return PageResult("conflict", refreshed, changes)


def _clear_hidden_answers(
    response: Response, current: dict[int, Answer], conditional: list[Question], staff_edit: StaffEdit | None = None
) -> set[int]:
    """Delete answers of questions on other pages that a changed condition now hides; the ids of those deleted.

    `current` holds at least the answers of the `conditional` questions and of the questions that decide them.
    """
    values = {pk: answer.value for pk, answer in current.items()}
    hidden = []
    for question in conditional:
        if not is_visible(question, {}, set(), values) and question.pk in values:
            hidden.append(question.pk)
            del values[question.pk]
    if not hidden:
        return set()
    deleted = list(Answer.objects.filter(response=response, question_id__in=hidden))
    _delete_with_history(deleted, staff_edit)
    return {answer.pk for answer in deleted}


def _write_answers(
    response: Response, questions, answers: dict, current: dict[int, Answer], staff_edit: StaffEdit | None = None
) -> set[int]:
    """Write a page's answers in a number of queries that does not grow with its questions; the ids written.

    New answers are inserted together, changed ones updated together, emptied ones deleted together; each with
    the history rows a one-by-one save or delete would have written (type, values, the request's user).
    `current` ({question id: Answer}) is updated to what is now stored. The caller holds the response's row lock,
    so no other save inserts the same answers meanwhile.
    """
    created, changed, emptied = [], [], []
    for question in questions:
        value, other = answers[question.pk]
        answer = current.get(question.pk)
        if value is None:
            if answer is not None:
                emptied.append(current.pop(question.pk))
        elif answer is None:
            answer = Answer(response=response, question=question, value=value, other_text=other)
            created.append(answer)
            current[question.pk] = answer
        elif answer.value != value or answer.other_text != other:
            # bulk_update does not apply auto_now: the time is set here as save() would.
            answer.value, answer.other_text, answer.updated_at = value, other, timezone.now()
            changed.append(answer)
    who = _history_attributes(staff_edit)
    if created:
        bulk_create_with_history(created, Answer, **who)
    if changed:
        bulk_update_with_history(changed, Answer, ["value", "other_text", "updated_at"], **who)
    if emptied:
        _delete_with_history(emptied, staff_edit)
    return {answer.pk for answer in (*created, *changed, *emptied)}


def _history_attributes(staff_edit: StaffEdit | None) -> dict:
    """The history's user and reason of a staff edit; nothing for a company's save (the request decides)."""
    if staff_edit is None:
        return {}
    return {"default_user": staff_edit.user, "default_change_reason": staff_edit.reason}


def _delete_with_history(answers: list[Answer], staff_edit: StaffEdit | None = None) -> None:
    """Delete answers in two queries, with the "-" history row each `answer.delete()` would have written.

    A queryset delete would still send post_delete once per answer (simple-history listens to it) and so write
    the history one row at a time; the rows are written here together and the answers deleted without signals.
    Nothing else listens to an answer's deletion and nothing refers to an answer.
    """
    history = Answer.history.model
    now = timezone.now()
    history.objects.bulk_create(
        [
            history(
                history_date=now,
                history_user=staff_edit.user if staff_edit else history.get_default_history_user(answer),
                history_change_reason=staff_edit.reason if staff_edit else None,
                history_type="-",
                **{field.attname: getattr(answer, field.attname) for field in history.tracked_fields},
            )
            for answer in answers
        ]
    )
    deleted = Answer.objects.filter(pk__in=[answer.pk for answer in answers])
    deleted._raw_delete(deleted.db)  # private; pinned by tests/core/test_django_private_apis.py (Django 5.2)


# Submitting ----------------------------------------------------------------


@dataclass
class SubmitResult:
    status: str  # submitted, already, incomplete, closed, not_open
    section: Section | None = None


def first_incomplete_section(response: Response) -> Section | None:
    """The first page with a visible required question left unanswered."""
    questions = list(survey_questions(response).select_related("section").prefetch_related(None))
    visible = visible_values(questions, stored_values(response))
    for question in questions:
        if question.required and visible.get(question.pk) in EMPTY and is_visible(question, {}, set(), visible):
            return question.section
    return None


def response_submit(*, response: Response, now=None) -> SubmitResult:
    """Mark the response submitted once; a double click or a refresh changes nothing more."""
    from . import outbox

    now = now or timezone.now()
    if not response.survey.has_opened(now):
        return SubmitResult("not_open")
    if response.survey.has_closed(now):
        return SubmitResult("closed")
    with transaction.atomic():
        # The row lock makes a second click wait, then find the response already submitted.
        locked = Response.objects.select_for_update().get(pk=response.pk)
        if locked.submitted_at is not None:
            response.submitted_at = locked.submitted_at
            return SubmitResult("already")
        section = first_incomplete_section(response)
        if section is not None:
            return SubmitResult("incomplete", section)
        locked.submitted_at = locked.last_saved_at = now
        locked.save(update_fields=["submitted_at", "last_saved_at"])
        response.submitted_at = response.last_saved_at = now
        # What the types make of a submitted response (a table's rows become workforce needs), in this transaction.
        types_response_submitted(response=response)
        # The confirmation is owed in the same transaction: a broker outage defers it, never loses it.
        outbox.mail_owe(kind=outbox.Kind.CONFIRMATION, survey=response.survey, company=response.company)
    return SubmitResult("submitted")
