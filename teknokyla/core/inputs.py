"""What a person may send: texts without control characters, dates within sensible years, JSON of bounded depth,
ids in ASCII digits; and query parameters that carry anything else are dropped before a view sees them.

`install_form_guards()` adds the text and date checks to Django's form field classes themselves, so every form of
the portal (model forms, the admin, the survey, the import's row form) refuses such input next to the field.
"""

import datetime
import math
import re

from django import forms
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.http import QueryDict
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# C0 controls except tab, line feed and carriage return (which a text area sends), DEL, the C1 controls, UTF-16
# surrogates (never a character of their own) and the two noncharacters U+FFFE and U+FFFF. PostgreSQL refuses NUL
# outright, XLSX refuses the C0 ones, and none of them is meant in a name, a note or an answer.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Years a person may enter in any date: the registry, the records, the plan and the survey all live in this span.
YEAR_MIN = 1900
YEAR_MAX = 2100
# JSON an editor may type: deeper nesting is no answer and only exhausts the parser's stack.
JSON_MAX_DEPTH = 20
# The largest id PostgreSQL's bigint holds.
ID_MAX = 2**63 - 1


def has_control_characters(value) -> bool:
    """Whether a text, or any text (key or value) inside a list or dict, holds a control character."""
    if isinstance(value, str):
        return CONTROL_CHARACTERS.search(value) is not None
    if isinstance(value, dict):
        return any(has_control_characters(key) or has_control_characters(item) for key, item in value.items())
    if isinstance(value, list | tuple):
        return any(has_control_characters(item) for item in value)
    return False


@deconstructible
class ProhibitControlCharactersValidator:
    """Refuse a text with control characters (a pasted NUL, a stray escape): the user sees where to fix it."""

    message = _("Remove the control characters (invisible characters such as NUL) from this text.")
    code = "control_characters"

    def __call__(self, value):
        if has_control_characters(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, ProhibitControlCharactersValidator)

    def __hash__(self):
        return hash(self.code)


@deconstructible
class YearRangeValidator:
    """Refuse a date or a moment outside YEAR_MIN..YEAR_MAX: a mistyped year, never a real one here."""

    message = _("Enter a date between the years %(min)s and %(max)s.")
    code = "year_out_of_range"

    def __call__(self, value):
        if isinstance(value, datetime.date) and not YEAR_MIN <= value.year <= YEAR_MAX:
            raise ValidationError(self.message, code=self.code, params={"min": YEAR_MIN, "max": YEAR_MAX})

    def __eq__(self, other):
        return isinstance(other, YearRangeValidator)

    def __hash__(self):
        return hash(self.code)


validate_no_control_characters = ProhibitControlCharactersValidator()
validate_year_in_range = YearRangeValidator()


def _add_default_validator(field_class, validator) -> None:
    own = field_class.__dict__.get("default_validators", field_class.default_validators)
    if validator not in own:
        field_class.default_validators = [*own, validator]


def _subclasses(cls):
    for subclass in cls.__subclasses__():
        yield subclass
        yield from _subclasses(subclass)


def install_form_guards() -> None:
    """Give every form field of Django's text and date kinds the control-character or the year check.

    A field class that names its own `default_validators` (EmailField, URLField, SlugField…) gets the check added to
    its own list; the others inherit CharField's. Runs before the admin and the apps import their forms.
    """
    for text_class in (forms.CharField, *_subclasses(forms.CharField)):
        if text_class is forms.CharField or "default_validators" in text_class.__dict__:
            _add_default_validator(text_class, validate_no_control_characters)
    for date_class in (forms.DateField, forms.DateTimeField, forms.SplitDateTimeField):
        for field_class in (date_class, *_subclasses(date_class)):
            if field_class is date_class or "default_validators" in field_class.__dict__:
                _add_default_validator(field_class, validate_year_in_range)


def install_admin_guards() -> None:
    """Every JSON field the admin shows editable takes BoundedJSONField (set before any ModelAdmin is made)."""
    from django.contrib.admin import options, widgets
    from django.contrib.admin.views.main import ChangeList
    from django.db import models

    options.FORMFIELD_FOR_DBFIELD_DEFAULTS[models.JSONField] = {"form_class": BoundedJSONField}
    if not getattr(widgets.AutocompleteMixin.optgroups, "drops_foreign_values", False):
        # A deliberate patch of Django's method (the guard above makes it once).
        widgets.AutocompleteMixin.optgroups = _autocomplete_optgroups(  # type: ignore[method-assign]
            widgets.AutocompleteMixin.optgroups
        )
    if not getattr(ChangeList.get_filters, "dates_checked", False):
        ChangeList.get_filters = _date_hierarchy_checked(ChangeList.get_filters)  # type: ignore[method-assign]
    if not getattr(options.BaseModelAdmin.to_field_allowed, "concrete_only", False):
        options.BaseModelAdmin.to_field_allowed = _concrete_to_field(  # type: ignore[method-assign]
            options.BaseModelAdmin.to_field_allowed
        )


def _date_hierarchy_checked(get_filters):
    """A changelist's date drill-down (`?held_at__year=`) is read into a datetime by Django, which turns a ValueError
    into "incorrect lookup" (the list again, with ?e=1) but not a year beyond the C long (OverflowError), nor the
    ValueError or OverflowError of the end of year 9999 (one year, month or day later). Those are now the same
    incorrect lookup. Checked against Django 5.2.20."""
    from django.contrib.admin.options import IncorrectLookupParameters

    def dates_checked(self, request):
        try:
            return get_filters(self, request)
        except (OverflowError, ValueError) as error:
            raise IncorrectLookupParameters(error) from error

    dates_checked.dates_checked = True
    return dates_checked


def _concrete_to_field(to_field_allowed):
    """`?_to_field=` naming a reverse relation (a company's `contacts`) is a server error in Django 5.2's check, which
    asks the relation for its `primary_key`: on every admin page, for any user who may open it. Only a concrete field
    can be referenced; any other name is refused (400) as an unknown one is. Checked against Django 5.2.20."""

    def concrete_only(self, request, to_field):
        try:
            field = self.opts.get_field(to_field)
        except FieldDoesNotExist:
            return False
        return bool(getattr(field, "concrete", False)) and to_field_allowed(self, request, to_field)

    concrete_only.concrete_only = True
    return concrete_only


def _autocomplete_optgroups(optgroups):
    """The admin's autocomplete widget, redrawing a refused form, looks up the posted ids as they came: `;` for a
    numeric key is a server error there. Values the key's field cannot read are left out, as a wrong id would be."""

    def without_foreign_values(self, name, value, attr=None):
        remote = self.field.remote_field
        key = remote.model._meta.get_field(getattr(remote, "field_name", None) or remote.model._meta.pk.name)
        readable = []
        for item in value:
            try:
                key.to_python(item)
            except ValidationError:
                continue
            readable.append(item)
        return optgroups(self, name, readable, attr)

    without_foreign_values.drops_foreign_values = True
    return without_foreign_values


def json_depth(text: str) -> int:
    """The deepest nesting of brackets in a JSON text, brackets inside strings not counted."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in "]}":
            depth -= 1
    return deepest


def _has_non_finite(value) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(_has_non_finite(item) for item in value.values())
    if isinstance(value, list):
        return any(_has_non_finite(item) for item in value)
    return False


class BoundedJSONField(forms.JSONField):
    """A JSON field that refuses what PostgreSQL or the parser cannot take: deep nesting, 1e999999, NaN."""

    default_error_messages = {
        "too_deep": _("The value is nested more than %(max)s levels deep."),
        "not_finite": _("Numbers must be finite (1e999999, Infinity and NaN are not numbers here)."),
    }

    def to_python(self, value):
        if isinstance(value, str) and json_depth(value) > JSON_MAX_DEPTH:
            raise ValidationError(self.error_messages["too_deep"], code="too_deep", params={"max": JSON_MAX_DEPTH})
        converted = super().to_python(value)
        if _has_non_finite(converted):
            raise ValidationError(self.error_messages["not_finite"], code="not_finite")
        return converted

    def bound_data(self, data, initial):
        if isinstance(data, str) and json_depth(data) > JSON_MAX_DEPTH:
            return forms.fields.InvalidJSONInput(data)
        return super().bound_data(data, initial)


def parse_id(value) -> int | None:
    """An id from a query string: ASCII digits only (no `²`, no `٣`, no sign), within bigint; otherwise None."""
    if not isinstance(value, str) or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= ID_MAX else None


def clean_query(query: QueryDict) -> QueryDict:
    """The query without the parameters whose name or any value holds a control character (or a surrogate)."""
    bad = [key for key in query if has_control_characters(key) or has_control_characters(query.getlist(key))]
    if not bad:
        return query
    kept = query.copy()
    for key in bad:
        del kept[key]
    kept._mutable = False
    return kept


class InputGuardMiddleware:
    """Drop query parameters with control characters (a view treats them as absent) and set Permissions-Policy.

    A NUL in `?survey=` or in an admin filter would otherwise reach PostgreSQL, which refuses it with an error page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.META.get("QUERY_STRING"):
            request.GET = clean_query(request.GET)
        response = self.get_response(request)
        if settings.PERMISSIONS_POLICY and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = settings.PERMISSIONS_POLICY
        return response
