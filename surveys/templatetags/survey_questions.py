"""`{% survey_question row %}`: one question of a survey page, drawn by the Jinja2 template of the question markup.

The company's page and the staff's correction page draw their questions with it; the rest of both pages stays in
Django's templates. See `teknokyla.core.jinja` for why and how the output matches Django's.
"""

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

QUESTION_TEMPLATE = "surveys/answer/question.html"


@register.simple_tag
def survey_question(row) -> SafeString:
    """The question's markup: text, help, errors and its answer (a `QuestionRow` of `surveys.views.answering`)."""
    environment = engines["jinja2"].env  # type: ignore[attr-defined]
    html = environment.get_template(QUESTION_TEMPLATE).render(row=row)
    return mark_safe(html)  # noqa: S308 - the environment escapes every value it writes
