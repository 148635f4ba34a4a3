"""Answering the survey: opening a link, saving a page as a draft, submitting.

Every save goes to PostgreSQL at once. A page carries a version; a save based
on an older version is refused with what changed, so two colleagues never
overwrite each other silently. After the deadline nothing is written.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from .forms import SectionForm
from .models import OTHER_VALUE, Answer, Choice, Invitation, PageState, Question, Response, Section, hash_token

MAX_TOKEN_LENGTH = 100


# Reading -------------------------------------------------------------------


def section_questions(section: Section):
    """The questions of a page with what rendering and visibility need, in two queries."""
    return (
        section.questions.select_related("shown_if_choice__question")
        .prefetch_related(Prefetch("choices", queryset=Choice.objects.order_by("order", "pk")))
        .order_by("order", "pk")
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


def display_value(question: Question, value, other_text: str = "") -> str:
    """An answer as a respondent reads it (choice labels, yes/no)."""
    if value in (None, "", []):
        return "–"
    if question.is_choice:
        labels = {choice.value: choice.label for choice in question.choices.all()}
        picked = value if isinstance(value, list) else [value]
        parts = [
            (f"{_('Other')}: {other_text}" if v == OTHER_VALUE else labels.get(v, v)) for v in picked
        ]
        return ", ".join(parts)
    if question.type == Question.Type.YES_NO:
        return _("Yes") if value == "yes" else _("No")
    return str(value)


def build_form(response: Response, section: Section, questions, data=None, *, require_complete=False, stored=None):
    """The page's form: bound to posted data, or filled with the stored answers and the page's version."""
    stored = stored_values(response) if stored is None else stored
    page_codes = {q.code for q in questions}

    def visible(question, page_data):
        return is_visible(question, page_data, page_codes, stored)

    if data is not None:
        return SectionForm(data, questions=questions, require_complete=require_complete, visible=visible)
    answers = {a.question_id: a for a in response.answers.filter(question__section=section)}
    initial = {"version": PageState.objects.filter(response=response, section=section).values_list(
        "version", flat=True
    ).first() or 0}
    for question in questions:
        answer = answers.get(question.pk)
        if answer is not None:
            initial[question.code] = answer.value if question.type != Question.Type.SCALE else str(answer.value)
            if answer.other_text:
                initial[question.code + "__other"] = answer.other_text
    # Initial values for visibility: what is stored for this page.
    page_initial = {q.code: stored.get(q.pk) for q in questions}
    return SectionForm(
        initial=initial,
        questions=questions,
        visible=lambda question, _data: is_visible(question, page_initial, page_codes, stored),
    )


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


@dataclass
class PageResult:
    status: str  # saved, invalid, conflict, closed
    form: SectionForm
    changes: list[tuple[Question, str, str]] = field(default_factory=list)

    @property
    def saved(self) -> bool:
        return self.status == "saved"


def page_save(*, response: Response, section: Section, data, require_complete: bool = False, now=None) -> PageResult:
    """Validate one page and write its answers as a draft, unless it is stale or the survey has closed."""
    questions = list(section_questions(section))
    stored = stored_values(response)
    # A submitted response stays complete: every later save must keep it so.
    require_complete = require_complete or response.is_submitted
    form = build_form(response, section, questions, data, require_complete=require_complete, stored=stored)
    now = now or timezone.now()
    if response.survey.has_closed(now):
        form.is_valid()
        return PageResult("closed", form)
    if not form.is_valid():
        return PageResult("invalid", form)

    with transaction.atomic():
        state, _created = PageState.objects.get_or_create(response=response, section=section)
        state = PageState.objects.select_for_update().get(pk=state.pk)
        if response.survey.has_closed(timezone.now()):
            return PageResult("closed", form)
        if form.cleaned_data["version"] != state.version:
            return _conflict(response, section, questions, data, form, state)
        current = stored_answers(response)
        answers = form.answers()
        for question in questions:
            value, other = answers[question.pk]
            answer = current.get(question.pk)
            if value is None:
                if answer is not None:
                    answer.delete()
            elif answer is None:
                Answer.objects.create(response=response, question=question, value=value, other_text=other)
            elif answer.value != value or answer.other_text != other:
                answer.value, answer.other_text = value, other
                answer.save(update_fields=["value", "other_text", "updated_at"])
        state.version += 1
        state.saved_at = now
        state.save(update_fields=["version", "saved_at"])
        Response.objects.filter(pk=response.pk).update(last_saved_at=now)
        response.last_saved_at = now
    return PageResult("saved", build_form(response, section, questions))


def _conflict(response, section, questions, data, form, state) -> PageResult:
    """Someone saved this page after it was loaded: show what differs and keep what was typed."""
    current = stored_answers(response)
    mine = form.answers()
    changes = []
    for question in questions:
        answer = current.get(question.pk)
        theirs = (answer.value, answer.other_text) if answer else (None, "")
        if theirs != mine[question.pk]:
            changes.append(
                (question, display_value(question, *theirs), display_value(question, *mine[question.pk]))
            )
    # The form keeps the typed answers; saving it again now means choosing them knowingly.
    data = data.copy()
    data["version"] = str(state.version)
    refreshed = build_form(response, section, questions, data)
    refreshed.is_valid()
    return PageResult("conflict", refreshed, changes)


# Submitting ----------------------------------------------------------------


@dataclass
class SubmitResult:
    status: str  # submitted, already, incomplete, closed
    section: Section | None = None


def first_incomplete_section(response: Response) -> Section | None:
    """The first page with a visible required question left unanswered."""
    stored = stored_values(response)
    questions = (
        Question.objects.filter(section__survey=response.survey, required=True)
        .select_related("section", "shown_if_choice__question")
        .order_by("section__order", "section__pk", "order", "pk")
    )
    for question in questions:
        if stored.get(question.pk) in (None, "", []) and is_visible(question, {}, set(), stored):
            return question.section
    return None


def response_submit(*, response: Response, now=None) -> SubmitResult:
    """Mark the response submitted once; a double click or a refresh changes nothing more."""
    from . import tasks

    now = now or timezone.now()
    if response.survey.has_closed(now):
        return SubmitResult("closed")
    section = first_incomplete_section(response)
    if section is not None:
        return SubmitResult("incomplete", section)
    with transaction.atomic():
        updated = Response.objects.filter(pk=response.pk, submitted_at__isnull=True).update(
            submitted_at=now, last_saved_at=now
        )
        if not updated:
            return SubmitResult("already")
        response.submitted_at = now
        tasks.send_submission_confirmation.delay_on_commit(response.pk)
    return SubmitResult("submitted")
