"""Answering pages: a company opens its invitation link, answers page by page, reviews and submits."""

import logging
from dataclasses import dataclass
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from redis.exceptions import RedisError

from teknokyla.core.security import client_ip

from .. import drafts, services
from ..forms import OTHER_SUFFIX
from ..models import Question, Response, Section, Survey
from ..questions import question_type

logger = logging.getLogger(__name__)

SESSION_KEY = "survey_response_id"
# The invitation that opened the session: revoking it closes the session too.
INVITATION_KEY = "survey_invitation_id"
# Link guessing: after this many unknown tokens from one address within the window, the address waits.
MISS_LIMIT = 20
MISS_WINDOW = 10 * 60  # seconds
PAGE_STATUS = {"invalid": 400, "conflict": 409, "closed": 403}


# Opening a link --------------------------------------------------------------


def _miss_key(request) -> str:
    # The client's own address, also behind a trusted reverse proxy, so one guesser never blocks everyone.
    return "surveys:link-miss:" + client_ip(request)


# When the cache (Redis) is down, the rate limit fails open, with a warning in the log: links still open, because
# the tokens are far too long to guess and a company must never be locked out by our outage. The configured cache
# (django-redis) answers a fault as a miss (get: None, incr: None); a cache that raises is caught here.


def _is_blocked(key: str) -> bool:
    try:
        return (cache.get(key) or 0) >= MISS_LIMIT
    except RedisError:
        logger.warning("rate limit unavailable: the cache does not answer")
        return False


def _count_miss(key: str) -> None:
    try:
        cache.add(key, 0, MISS_WINDOW)
        try:
            misses = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, MISS_WINDOW)
            misses = 1
        if misses is not None and misses >= MISS_LIMIT:
            # The block lasts a full window from the miss that started it.
            cache.touch(key, MISS_WINDOW)
    except RedisError:
        misses = None
    if misses is None:
        logger.warning("rate limit unavailable: the cache does not answer")


@never_cache
@require_GET
def open_link(request, token):
    key = _miss_key(request)
    if _is_blocked(key):
        reply = render(request, "surveys/answer/rate_limited.html", status=429)
        reply["Retry-After"] = str(MISS_WINDOW)
    elif (invitation := services.invitation_open(token=token)) is None:
        _count_miss(key)
        reply = render(request, "surveys/answer/link_not_found.html", status=404)
    else:
        # A fresh session key, holding nothing but the response: the token itself is never kept.
        request.session.cycle_key()
        request.session[SESSION_KEY] = invitation.response_id
        request.session[INVITATION_KEY] = invitation.pk
        kept = drafts.kept_pages_take(session=request.session, response_id=invitation.response_id)
        reply = _save_kept_pages(request, kept) if kept else redirect("surveys:start")
    # The token is in this URL: never pass it on to another site.
    reply["Referrer-Policy"] = "no-referrer"
    return reply


# The session's response ------------------------------------------------------


def _session_response(request) -> Response | None:
    """The one response this browser's session was opened for; nothing in the URL can change it."""
    response_id = request.session.get(SESSION_KEY)
    invitation_id = request.session.get(INVITATION_KEY)
    if response_id is None or invitation_id is None:
        return None
    return (
        Response.objects.select_related("survey", "company")
        .filter(pk=response_id, invitations__pk=invitation_id, invitations__revoked=False)
        .first()
    )


def survey_session(view):
    """Company pages: the response comes from the session, or a page asks to open the link again."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        survey_response = _session_response(request)
        if survey_response is None:
            return render(request, "surveys/answer/no_session.html", status=404)
        return view(request, survey_response, *args, **kwargs)

    return wrapped


def _closed(request, survey_response: Response, status: int = 200):
    """The survey has closed: say when, and show the answers read-only (or say that there are none)."""
    answered = survey_response.is_submitted or survey_response.answers.exists()
    pages = services.answers_by_section(survey_response) if answered else []
    context = {
        "survey": survey_response.survey,
        "survey_response": survey_response,
        "pages": pages,
        "answered": answered,
    }
    return render(request, "surveys/answer/closed.html", context, status=status)


def _not_open(request, survey_response: Response, status: int = 200):
    context = {"survey": survey_response.survey, "survey_response": survey_response}
    return render(request, "surveys/answer/not_open.html", context, status=status)


def _page_number(survey: Survey, section: Section) -> int:
    return list(survey.sections.values_list("pk", flat=True)).index(section.pk) + 1


# Pages -------------------------------------------------------------------------


@never_cache
@require_GET
@survey_session
def start(request, survey_response):
    survey = survey_response.survey
    if not survey.has_opened():
        return _not_open(request, survey_response)
    if survey.has_closed():
        return _closed(request, survey_response)
    sections = services.survey_sections(survey)
    answered = services.answered_section_ids(survey_response)
    first_open = next((n for n, s in enumerate(sections, start=1) if s.pk not in answered), None)
    context = {
        "survey": survey,
        "survey_response": survey_response,
        "sections": [(n, s, s.pk in answered) for n, s in enumerate(sections, start=1)],
        "answered_count": len(answered & {s.pk for s in sections}),
        "continue_number": first_open,
    }
    return render(request, "surveys/answer/start.html", context)


@dataclass
class QuestionRow:
    """One question as the page template draws it."""

    question: Question
    field: forms.BoundField
    other: forms.BoundField | None
    hidden: bool
    trigger: Question | None  # the question on this page that shows this one

    @property
    def input_type(self) -> str | None:
        """ "radio" or "checkbox" for a question drawn as a fieldset of options."""
        return question_type(self.question).input_type

    @property
    def answer_template(self) -> str | None:
        """The template of a type that draws its own answer (the workforce needs table)."""
        return question_type(self.question).answer_template

    @property
    def first_id(self) -> str:
        """The element the error summary links to."""
        return self.field.auto_id + ("_0" if self.input_type else "")

    @property
    def has_scale_labels(self) -> bool:
        return question_type(self.question).has_scale_labels(self.question)

    @property
    def described_by(self) -> str:
        ids = [self.field.auto_id + "_help"] if self.question.help_text else []
        if self.has_scale_labels:
            ids.append(self.field.auto_id + "_scale")
        if self.field.errors:
            ids.append(self.field.auto_id + "_error")
        return " ".join(ids)


def question_rows(form) -> list[QuestionRow]:
    """The rows a page draws: the company's page and the staff's correction of it."""
    codes = {question.code for question in form.questions}
    data = getattr(form, "cleaned_data", {}) if form.is_bound else {}
    rows = []
    for question in form.questions:
        trigger = question.shown_if_choice.question if question.shown_if_choice else None
        on_page = trigger is not None and trigger.code in codes
        visible = form.visible(question, data)
        if not visible and not on_page:
            continue  # hidden by an answer on another page
        other = form[question.code + OTHER_SUFFIX] if question.code + OTHER_SUFFIX in form.fields else None
        rows.append(QuestionRow(question, form[question.code], other, not visible, trigger if on_page else None))
    return rows


def error_summary(form, rows) -> list[tuple[str, str]]:
    """(element id, message) for each error, in page order; the id is empty when no field can take focus."""
    errors = [("", error) for error in form.non_field_errors()]
    errors += [("", error) for error in form["version"].errors]
    for row in rows:
        errors += [(row.first_id, f"{row.question.text}: {error}") for error in row.field.errors]
        if row.other is not None:
            errors += [(row.other.auto_id, f"{row.question.text}: {error}") for error in row.other.errors]
    return errors


def _render_page(request, survey_response, sections, number, form, *, status=200, result=None, kept=False):
    rows = question_rows(form)
    context = {
        "survey": survey_response.survey,
        "survey_response": survey_response,
        "section": sections[number - 1],
        "number": number,
        "total": len(sections),
        "percent": round(100 * number / len(sections)),
        "is_last": number == len(sections),
        "form": form,
        "rows": rows,
        "errors": error_summary(form, rows) if status == 400 else [],
        "status": result.status if result else "",
        "changes": result.changes if result else [],
        "owner_marker": drafts.owner_marker(response_id=survey_response.pk),
        "kept": kept,
    }
    return render(request, "surveys/answer/page.html", context, status=status)


def _after_save(action: str, number: int, total: int):
    if action == "previous":
        return redirect("surveys:page", number=number - 1) if number > 1 else redirect("surveys:start")
    if action == "next":
        return redirect("surveys:page", number=number + 1) if number < total else redirect("surveys:summary")
    return redirect("surveys:page", number=number)


@never_cache
@require_http_methods(["GET", "POST"])
def page(request, number):
    survey_response = _session_response(request)
    if request.method == "POST":
        # The page names its response: a post for another response than the session's (a session that
        # ended, or another company's link opened since) is kept for that response, never saved here.
        owner = request.POST.get(drafts.OWNER_FIELD)
        if survey_response is None or (owner and drafts.marker_response_id(marker=owner) != survey_response.pk):
            return _keep_unsaved_page(request, number, owner)
    if survey_response is None:
        return render(request, "surveys/answer/no_session.html", status=404)
    survey = survey_response.survey
    if request.method == "GET" and not survey.is_open():
        return redirect("surveys:start")
    sections = services.survey_sections(survey)
    if not 1 <= number <= len(sections):
        raise Http404
    section = sections[number - 1]
    if request.method == "GET":
        form = services.build_form(survey_response, section, services.section_questions(section))
        return _render_page(request, survey_response, sections, number, form)
    action = request.POST.get("action", "save")
    if action.startswith("add_row:"):
        # "Add a row" of a table without JavaScript: a Save, after which the page has a fresh blank row.
        action = "save"
    result = services.page_save(
        response=survey_response, section=section, data=request.POST, require_complete=action == "next"
    )
    if result.saved:
        drafts.kept_page_forget(session=request.session, response_id=survey_response.pk, number=number)
        messages.success(request, _("Your answers were saved."))
        return _after_save(action, number, len(sections))
    if result.status == "not_open":
        return _not_open(request, survey_response, status=403)
    return _render_page(
        request, survey_response, sections, number, result.form, status=PAGE_STATUS[result.status], result=result
    )


# A session that ended in the middle of a page --------------------------------------------------------


def _keep_unsaved_page(request, number, owner):
    """Keep what was posted in this browser's session until the invitation link is opened again."""
    if not drafts.kept_page_store(session=request.session, marker=owner, number=number, data=request.POST):
        # No genuine marker: nothing says whose answers these are, so nothing is kept.
        return render(request, "surveys/answer/no_session.html", status=404)
    logger.info("survey page %s posted without a session: kept until the link is opened again", number)
    return render(request, "surveys/answer/kept.html", {"keep_days": drafts.KEEP_FOR.days}, status=403)


def _save_kept_pages(request, kept: list[drafts.KeptPage]):
    """The link was opened again: save the pages kept when the session ended, or show what stops one."""
    survey_response = _session_response(request)
    if survey_response is None:  # the response went between the link's check and here
        return redirect("surveys:start")
    sections = list(survey_response.survey.sections.all())
    saved_number = None
    later = []
    for position, page_kept in enumerate(kept):
        if not 1 <= page_kept.number <= len(sections):
            continue  # the survey's pages changed since: that page no longer exists
        with translation.override(page_kept.language):  # "1234,5" was typed on a Finnish page
            result = services.page_save(
                response=survey_response, section=sections[page_kept.number - 1], data=page_kept.data
            )
        if result.saved:
            saved_number = page_kept.number
        elif result.status == "not_open":
            later.append(page_kept)
        else:
            # Invalid, a colleague's newer save, or the deadline: the typed answers go back into the fields,
            # with the reason next to them; a later kept page waits for the next opening of the link.
            drafts.kept_pages_put_back(session=request.session, pages=later + kept[position + 1 :])
            if saved_number is not None:
                messages.success(request, _("Your earlier answers were saved."))
            return _render_page(
                request,
                survey_response,
                sections,
                page_kept.number,
                result.form,
                status=PAGE_STATUS[result.status],
                result=result,
                kept=True,
            )
    drafts.kept_pages_put_back(session=request.session, pages=later)
    if saved_number is None:
        return redirect("surveys:start")
    messages.success(request, _("Your earlier answers were saved."))
    return redirect("surveys:page", number=saved_number)


@never_cache
@require_GET
@survey_session
def summary(request, survey_response):
    if not survey_response.survey.is_open():
        return redirect("surveys:start")
    context = {
        "survey": survey_response.survey,
        "survey_response": survey_response,
        "pages": services.answers_by_section(survey_response),
    }
    return render(request, "surveys/answer/summary.html", context)


@never_cache
@require_POST
@survey_session
def submit(request, survey_response):
    result = services.response_submit(response=survey_response)
    if result.status in ("submitted", "already"):
        return redirect("surveys:thanks")
    if result.status == "incomplete":
        messages.error(request, _("Some required questions are still unanswered. Please answer them and submit again."))
        return redirect("surveys:page", number=_page_number(survey_response.survey, result.section))
    if result.status == "not_open":
        return _not_open(request, survey_response, status=403)
    return _closed(request, survey_response, status=403)


@never_cache
@require_GET
@survey_session
def thanks(request, survey_response):
    if not survey_response.is_submitted:
        return redirect("surveys:summary")
    return render(
        request, "surveys/answer/thanks.html", {"survey": survey_response.survey, "survey_response": survey_response}
    )
