"""`{% survey_question row %}`: one question of a survey page, drawn by the Jinja2 template of the question markup.

The company's page and the staff's correction page draw their questions with it; the rest of both pages stays in
Django's templates. See `teknokyla.core.jinja` for why and how the output matches Django's, and `surveys.markup`
for the copies a worker keeps.
"""

from django import template
from django.utils.safestring import SafeString

from surveys.markup import question_markup

register = template.Library()


@register.simple_tag
def survey_question(row) -> SafeString:
    """The question's markup: text, help, errors and its answer (a `QuestionRow` of `surveys.views.answering`)."""
    return question_markup(row)
