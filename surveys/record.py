"""The staff's record of one organisation's response: its answers as the company read them, the pages' states,
the links and mails sent, and the history of changes with who made them and why.
"""

import datetime
from dataclasses import dataclass, field

from .models import Answer, OutgoingMail, PageState, Question, Response
from .questions import lookups, question_type
from .services import EMPTY, display_value, is_visible, stored_answers, survey_questions, visible_values


@dataclass
class RecordRow:
    question: Question
    display: str
    hidden: bool  # hidden by a condition: the company did not see the question
    missing: bool  # visible, required and unanswered
    table: list = field(default_factory=list)  # the lines its type shows under the answer (a table's rows)

    @property
    def condition(self) -> str:
        """“Question?: Option” that shows the question."""
        choice = self.question.shown_if_choice
        return f"{choice.question.text}: {choice.label}" if choice else ""


@dataclass
class RecordPage:
    number: int
    section: object
    state: PageState | None
    rows: list[RecordRow] = field(default_factory=list)


@dataclass
class Change:
    """One entry of the history: an answer changed, or the response submitted or reopened."""

    when: datetime.datetime
    who: object  # the staff user, or None for the organisation itself
    reason: str
    what: str  # answer, submitted, reopened
    question: Question | None = None
    old: str = ""
    new: str = ""


def record_pages(response: Response, questions: list[Question], found: dict) -> list[RecordPage]:
    """Every page with every question, the hidden ones marked, and the page's saved version; three queries."""
    states = {state.section_id: state for state in PageState.objects.filter(response=response)}
    pages = {
        section.pk: RecordPage(number, section, states.get(section.pk))
        for number, section in enumerate(response.survey.sections.all(), start=1)
    }
    answers = stored_answers(response)
    visible = visible_values(questions, {pk: answer.value for pk, answer in answers.items()})
    for question in questions:
        answer = answers.get(question.pk)
        value, other = (answer.value, answer.other_text) if answer else (None, "")
        hidden = not is_visible(question, {}, set(), visible)
        kind, lookup = question_type(question), found[question.type]
        row = RecordRow(
            question,
            display_value(question, value, other, lookup=lookup),
            hidden,
            not hidden and question.required and value in EMPTY,
            kind.record_lines(value, lookup),
        )
        pages[question.section_id].rows.append(row)
    return list(pages.values())


def record_history(response: Response, questions: list[Question], found: dict) -> list[Change]:
    """The changes of the answers and of the submission, newest first; two queries."""
    by_pk = {question.pk: question for question in questions}
    changes = []
    previous: dict[int, tuple] = {}
    answer_rows = (
        Answer.history.filter(response_id=response.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    for row in answer_rows:
        question = by_pk.get(row.question_id)
        if question is None:
            continue
        new = (None, "") if row.history_type == "-" else (row.value, row.other_text)
        old = previous.get(row.question_id, (None, ""))
        previous[row.question_id] = new
        if old == new:
            continue
        changes.append(
            Change(
                row.history_date,
                row.history_user,
                row.history_change_reason or "",
                "answer",
                question,
                display_value(question, *old, lookup=found[question.type]),
                display_value(question, *new, lookup=found[question.type]),
            )
        )
    submitted = None
    for row in response.history.select_related("history_user").order_by("history_date", "history_id"):
        # A staff member's change carries a reason; it is shown even when an earlier change left no history row
        # (the demo data sets the submission time without one).
        if row.history_change_reason or bool(row.submitted_at) != bool(submitted):
            what = "submitted" if row.submitted_at else "reopened"
            changes.append(Change(row.history_date, row.history_user, row.history_change_reason or "", what))
        submitted = row.submitted_at
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes


@dataclass
class ResponseRecord:
    response: Response
    pages: list[RecordPage]
    history: list[Change]
    invitations: list
    mails: list[OutgoingMail]


def response_record(response: Response) -> ResponseRecord:
    """Everything the response page shows, in a number of queries that does not grow with the answers."""
    questions = list(survey_questions(response))
    found = lookups(questions)
    return ResponseRecord(
        response=response,
        pages=record_pages(response, questions, found),
        history=record_history(response, questions, found),
        invitations=list(response.invitations.prefetch_related("contacts").order_by("created_at", "pk")),
        mails=list(
            OutgoingMail.objects.filter(survey_id=response.survey_id, company_id=response.company_id).order_by(
                "queued_at", "pk"
            )
        ),
    )
