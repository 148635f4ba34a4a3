"""A question's markup on a survey page, drawn once per state and kept by the worker.

Most of what a question draws is its content (texts, options, ids), which changes only with the survey's content
version and the language; the rest is the answer shown in it. A worker keeps the markup it drew under a key that
holds all of these: the content version, the language, the question, the field's name and id, the answer's value,
whether the question is hidden and what shows it, and the same of its "other" text. The markup is a function of
that key alone, so two organisations share a copy only when they would see the very same markup, and a save, an
edit of the survey or another language makes a new key.

A type whose markup reads more than that names it (`QuestionType.markup_inputs`: the workforce table's skill areas,
which change apart from the survey), and it goes into the key too. Not kept: a question with an error (its text
comes from the check that failed), and anything while the content version cannot be read (Redis down): then every
question is drawn as before.
"""

from django.template import engines
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from . import content
from .questions import question_type

QUESTION_TEMPLATE = "surveys/answer/question.html"
# Per process; a copy is one question's markup (1–3 kB), so at most a few MB. Emptied when full or when the content
# version moves (every kept copy is then out of date).
MOST_KEPT = 2000
_kept: dict[tuple, str] = {}
_kept_version: list[str | None] = [None]


def _draw(row) -> str:
    environment = engines["jinja2"].env  # type: ignore[attr-defined]
    return environment.get_template(QUESTION_TEMPLATE).render(row=row)


def _state(field) -> tuple | None:
    """What the markup reads of a bound field, or None when it has errors."""
    if field.errors:
        return None
    return (field.html_name, field.auto_id, repr(field.value()))


def _key(row, version: str) -> tuple | None:
    inputs = question_type(row.question).markup_inputs(row.field)
    if inputs is None:
        return None
    state = _state(row.field)
    other = None if row.other is None else _state(row.other)
    if state is None or (row.other is not None and other is None):
        return None
    trigger = row.trigger.code if row.trigger is not None else None
    return (version, get_language(), row.question.pk, state, other, row.hidden, trigger, inputs)


def question_markup(row) -> SafeString:
    """The markup of a `QuestionRow` (surveys.views.answering): kept when its key allows, drawn otherwise."""
    version = content.content_version()
    key = None if version is None else _key(row, version)
    if key is None:
        return mark_safe(_draw(row))  # noqa: S308 - the environment escapes every value it writes
    if _kept_version[0] != version or len(_kept) >= MOST_KEPT:
        _kept.clear()
        _kept_version[0] = version
    html = _kept.get(key)
    if html is None:
        html = _kept[key] = _draw(row)
    return mark_safe(html)  # noqa: S308 - as above
