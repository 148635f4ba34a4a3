"""The question-type registry: every Question.Type has its class, and a type is one class."""

import pytest
from django import forms

from surveys import exports, services
from surveys.forms import field_for
from surveys.models import Question
from surveys.questions import UnknownQuestionType, base, question_type, register, registered
from surveys.questions.builtin import ShortText
from workforce.question import WorkforceTableType


def test_every_type_of_question_has_its_class():
    assert sorted(registered()) == sorted(Question.Type.values)
    for value in Question.Type.values:
        assert question_type(value).type == value


def test_the_workforce_table_is_the_class_that_workforce_registered():
    assert isinstance(question_type(Question.Type.WORKFORCE_TABLE), WorkforceTableType)


def test_a_question_of_an_unknown_type_fails_clearly():
    with pytest.raises(UnknownQuestionType, match="no question type is registered for 'sketch'"):
        question_type(Question(code="drawing", text="Draw it", type="sketch"))


def test_a_second_class_for_a_type_and_a_class_for_no_type_are_refused():
    class AnotherShortText(ShortText):
        pass

    class Sketch(ShortText):
        type = "sketch"

    with pytest.raises(ValueError, match="registered already, by ShortText"):
        register(AnotherShortText)
    with pytest.raises(ValueError, match="is not a Question.Type"):
        register(Sketch)
    assert type(question_type(Question.Type.SHORT_TEXT)) is ShortText


def test_a_type_is_one_class_that_every_use_of_a_question_asks(monkeypatch):
    """A class registered for a type is what the form, the answers as read and the export use: nothing else."""
    monkeypatch.setattr(base, "_registry", {k: v for k, v in registered().items() if k != Question.Type.SHORT_TEXT})

    @register
    class Shout(ShortText):
        def field(self, question, choices, lookup, common):
            return forms.CharField(max_length=10, **common)

        def display(self, question, value, other_text, lookup):
            return str(value).upper()

        def scalar_cell(self, question, value):
            return f"{value}!"

    question = Question(code="motto", text="Motto", type=Question.Type.SHORT_TEXT)
    assert field_for(question, []).max_length == 10
    assert services.display_value(question, "hello") == "HELLO"
    assert exports._cell(question, "hello") == "hello!"
