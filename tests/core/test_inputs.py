"""The shared guards against hostile input (teknokyla/core/inputs.py, storeddates.py, spreadsheets.py), and the
defects of issue 14 that they close, each tried the way a user met it."""

import datetime

import pytest
from django import forms
from django.contrib.admin import site as admin_site
from django.utils import translation

from teknokyla.core.inputs import (
    BoundedJSONField,
    clean_query,
    install_form_guards,
    json_depth,
    parse_id,
    validate_no_control_characters,
    validate_year_in_range,
)
from teknokyla.core.spreadsheets import neutralise

PROJECT_APPS = ("companies", "surveys", "workshops", "reports", "workforce", "teknokyla")


def _form_classes(cls=forms.BaseForm):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _form_classes(subclass)


def test_every_text_and_date_field_of_every_form_of_the_portal_carries_the_checks():
    install_form_guards()  # idempotent: running it again adds nothing twice
    fields = [
        (form, name, field)
        for form in set(_form_classes())
        if form.__module__.split(".")[0] in PROJECT_APPS
        for name, field in getattr(form, "base_fields", {}).items()
    ]
    assert len(fields) > 100
    for form, name, field in fields:
        if isinstance(field, forms.CharField):
            assert field.validators.count(validate_no_control_characters) == 1, f"{form.__name__}.{name}"
        if isinstance(field, forms.DateField | forms.DateTimeField):
            assert field.validators.count(validate_year_in_range) == 1, f"{form.__name__}.{name}"
    for field in (forms.URLField(), forms.EmailField(), forms.SlugField(), forms.SplitDateTimeField()):
        assert validate_no_control_characters in field.validators or validate_year_in_range in field.validators, field


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31m", "x\x7f", "\x85", "\ud800", "\ufffe"])
def test_control_characters_are_refused_in_a_text(text):
    with pytest.raises(forms.ValidationError) as refused:
        forms.CharField(strip=False).clean(text)
    assert "control_characters" in [error.code for error in refused.value.error_list]


@pytest.mark.parametrize("text", ["Rivi 1\r\nRivi 2\tsarake", "Åbo 🙂", "\u202eשלום", "²³"])
def test_ordinary_texts_pass(text):
    assert forms.CharField(strip=False).clean(text) == text


def test_the_message_is_in_the_users_language():
    for language, word in (("fi", "ohjausmerk"), ("sv", "styrteck"), ("en", "control characters")):
        with translation.override(language):
            assert word in str(validate_no_control_characters.message).lower(), language


@pytest.mark.parametrize("value", ["0001-01-01", "1899-12-31", "2101-01-01", "9999-12-31"])
def test_dates_out_of_range_are_refused(value):
    with pytest.raises(forms.ValidationError) as refused:
        forms.DateField().clean(value)
    assert [error.code for error in refused.value.error_list] == ["year_out_of_range"]
    with pytest.raises(forms.ValidationError):
        forms.DateTimeField().clean(value + "T00:00")


def test_dates_in_range_pass():
    assert forms.DateField().clean("1900-01-01") == datetime.date(1900, 1, 1)
    assert forms.DateField().clean("2100-12-31") == datetime.date(2100, 12, 31)


@pytest.mark.parametrize("value", ["1", "42", "9223372036854775807"])
def test_ids_in_ascii_digits_are_read(value):
    assert parse_id(value) == int(value)


@pytest.mark.parametrize("value", ["²", "٣", "१२", "-1", "+1", "0", " 1", "1.0", "9223372036854775808", "", None])
def test_other_ids_are_none(value):
    assert parse_id(value) is None


def test_json_depth_counts_brackets_outside_strings():
    assert json_depth('{"a": [1, {"b": "[[[["}]}') == 3
    assert json_depth("[" * 5000 + "]" * 5000) == 5000


@pytest.mark.parametrize("text", ["1e999999", "-1e999999", "NaN", "[Infinity]", "[" * 5000 + "]" * 5000])
def test_the_json_field_refuses_what_postgresql_or_the_parser_cannot_take(text):
    field = BoundedJSONField(required=False)
    with pytest.raises(forms.ValidationError):
        field.clean(text)
    field.bound_data(text, None)  # the refused text is shown again without a parser error


def test_the_json_field_refuses_nul_in_a_string():
    with pytest.raises(forms.ValidationError):
        BoundedJSONField(required=False).clean('{"a": "\\u0000"}')


def test_a_query_drops_parameters_with_control_characters_and_keeps_the_rest():
    from django.http import QueryDict

    query = clean_query(QueryDict("survey=%00&building=kosmos&x%01=1&id=1&id=%1b"))
    assert dict(query.lists()) == {"building": ["kosmos"]}
    untouched = QueryDict("a=1")
    assert clean_query(untouched) is untouched


@pytest.mark.parametrize(
    ("text", "cell"),
    [
        ("\x01=HYPERLINK()", "'=HYPERLINK()"),
        (" =1+1", "' =1+1"),
        ("\x1f\t@SUM", "'\t@SUM"),
        ("Kylä\x0bOy", "KyläOy"),
        ("plain", "plain"),
        (12, 12),
    ],
)
def test_spreadsheet_cells_lose_control_characters_before_the_formula_check(text, cell):
    assert neutralise(text) == cell


def test_every_editable_json_field_of_the_admin_is_bounded():
    from django.db import models

    for model, model_admin in admin_site._registry.items():
        for field in model._meta.fields:
            if isinstance(field, models.JSONField):
                formfield = model_admin.formfield_for_dbfield(field, request=None)
                assert formfield is None or isinstance(formfield, BoundedJSONField), f"{model.__name__}.{field.name}"
