"""Writes every app shares: setting a record's fields from a dict of values, checked and saved in one place."""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

ModelT = TypeVar("ModelT", bound=models.Model)


def _columns_to_save(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """The columns a save of `names` must write: those, every language of a translated text, and `auto_now` fields.

    django-modeltranslation writes the original column (`title`) only when it is named, and Django bumps an
    `auto_now` field only when it is named, so a save limited to `title_fi` would leave both stale.
    """
    fields = {field.name: field for field in model._meta.concrete_fields}
    languages: dict[str, set[str]] = {}  # a translated text's original column → its language columns
    for field in fields.values():
        original = getattr(field, "translated_field", None)
        if original is not None:
            languages.setdefault(original.name, set()).add(field.name)
    columns = set(names)
    for name in names:
        original = getattr(fields.get(name), "translated_field", None)
        text = original.name if original is not None else name
        if text in languages:
            columns |= {text, *languages[text]}
    columns |= {name for name, field in fields.items() if getattr(field, "auto_now", False)}
    return sorted(columns)


def model_update(*, instance: ModelT, fields: Iterable[str], data: Mapping[str, Any]) -> tuple[ModelT, bool]:
    """Set those of `fields` that `data` holds, check the record (`full_clean`), save it and set its many-to-many
    relations; returns the record and whether any value differed from the instance's.

    A record not yet stored is saved whole; a stored one only in the columns written. It is saved even when nothing
    differs, as before this helper, so its change history gains a row for every edit. A bound ModelForm has already
    put its values on its instance: compare with the database where that matters (as `measure_update` does).
    """
    model = type(instance)
    written, relations, changed = [], {}, False
    for name in fields:
        if name not in data:
            continue
        field = model._meta.get_field(name)
        if field.many_to_many:
            relations[name] = list(data[name])
            continue
        changed |= getattr(instance, name) != data[name]
        setattr(instance, name, data[name])
        written.append(name)
    instance.full_clean()
    if instance._state.adding:
        instance.save()
    else:
        instance.save(update_fields=_columns_to_save(model, written))
    for name, values in relations.items():
        getattr(instance, name).set(values)
    # A relation given counts as a change, as in the styleguide: comparing would cost a query each.
    return instance, changed or bool(relations)
