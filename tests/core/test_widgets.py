"""QuickSelect writes the same HTML as Django's select templates, for every case the portal's forms meet."""

import pytest
from django import forms
from django.utils.translation import gettext_lazy

from surveys.filters import ResultsFilterForm
from surveys.results import survey_questions
from teknokyla.core.widgets import QuickSelect

from ..factories import ChoiceFactory, QuestionFactory, SectionFactory, SurveyFactory

TRICKY = "Tom's & \"Jerry's\" <b>café</b>"


def both(widget, name, value, attrs=None) -> tuple[str, str]:
    """(QuickSelect's HTML, Django's templates' HTML) of the same widget."""
    return widget.render(name, value, attrs), forms.Select.render(widget, name, value, attrs)


@pytest.mark.parametrize("value", [None, "", "b", ["b"], "missing", 2])
def test_a_plain_select_with_every_kind_of_attribute_and_label(value):
    widget = QuickSelect(
        attrs={"class": "form-select is-invalid", "required": True, "disabled": False, "data-x": TRICKY},
        choices=[("", gettext_lazy("All buildings")), ("a", TRICKY), ("b", "Bé"), (2, 2), ("c&d", "C & D")],
    )
    quick, django = both(widget, "building", value, {"id": "id_building", "aria-describedby": "x y"})
    assert quick == django
    assert "&lt;b&gt;" in quick and "<b>" not in quick.replace("<b>café", "")


def test_grouped_options_and_an_empty_select():
    grouped = QuickSelect(choices=[("", "Choose"), (TRICKY, [("yes", "Yes"), ("no", "No")]), ("Other", [("yes", "Y")])])
    quick, django = both(grouped, "option", "yes")
    assert quick == django and '<optgroup label="Tom&#x27;s' in quick
    quick, django = both(QuickSelect(choices=[]), "nothing", None)
    assert quick == django == '<select name="nothing">\n</select>'


@pytest.mark.django_db
def test_the_results_filters_draw_as_django_would():
    survey = SurveyFactory()
    section = SectionFactory(survey=survey)
    for number in range(3):
        question = QuestionFactory(section=section, code=f"q{number}", type="single_choice", text=f"{TRICKY} {number}")
        ChoiceFactory(question=question, value="yes", label=f"Yes {TRICKY}")
        ChoiceFactory(question=question, value="no", label="No")
    questions = list(survey_questions(survey))
    chosen = str(questions[1].pk)
    for data in ({}, {"question": chosen, "option": "yes", "rows": chosen, "columns": "bad"}):
        form = ResultsFilterForm(data, questions=questions)
        form.is_valid()
        for name in ("building", "industry", "question", "option", "rows", "columns"):
            field = form[name]
            widget = field.field.widget
            assert isinstance(widget, QuickSelect), name
            attrs = field.build_widget_attrs({"id": field.auto_id})
            quick, django = both(widget, field.html_name, field.value(), attrs)
            assert quick == django, name
    # The chosen question's "yes" is selected, the other questions' "yes" is not.
    option = str(form["option"])
    assert option.count(" selected>") == 1
