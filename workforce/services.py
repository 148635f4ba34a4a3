"""Writes of the workforce app: needs and programmes entered by staff, and retiring skill areas."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from companies.models import Company
from teknokyla.core.services import model_update

from .models import EducationProgramme, Level, SkillArea, WorkforceNeed

# The fields staff write on each record: an update sets those of them that it is given.
NEED_FIELDS = ("company", "skill_area", "role", "count", "window", "level", "kind")
PROGRAMME_FIELDS = (
    "institution",
    "name",
    "level",
    "yearly_intake",
    "yearly_graduates",
    "trainee_places_sought",
    "thesis_places_sought",
    "active",
    "skill_areas",
)


def _refuse_retired(areas: Iterable[SkillArea], field: str, *, allowed: Iterable[int] = ()) -> None:
    # Records that already use a retired area keep it; nothing new may be put under one.
    allowed = set(allowed)
    for area in areas:
        if area.retired and area.pk not in allowed:
            raise ValidationError(
                {field: _("The skill area “%(name)s” is retired; choose one in use.") % {"name": area.name}}
            )


@transaction.atomic
def need_create(
    *,
    company: Company,
    skill_area: SkillArea,
    count: int,
    window: str,
    role: str = "",
    level: str = Level.ANY,
    kind: str = WorkforceNeed.Kind.PERMANENT,
    user: User | None = None,
) -> WorkforceNeed:
    """Record a need that staff heard of (in an interview, say); its source is "staff"."""
    _refuse_retired([skill_area], "skill_area")
    need = WorkforceNeed(
        company=company,
        skill_area=skill_area,
        role=role,
        count=count,
        window=window,
        level=level,
        kind=kind,
        source=WorkforceNeed.Source.STAFF,
    )
    need._history_user = user
    need.full_clean()
    need.save()
    return need


@transaction.atomic
def need_update(*, need: WorkforceNeed, data: Mapping[str, Any], user: User | None = None) -> WorkforceNeed:
    """Change a need (the `NEED_FIELDS` that `data` holds); its source and its link to a survey answer row stay."""
    stored_area_id = WorkforceNeed.objects.filter(pk=need.pk).values_list("skill_area_id", flat=True).first()
    allowed = [stored_area_id] if stored_area_id is not None else []
    _refuse_retired([data.get("skill_area", need.skill_area)], "skill_area", allowed=allowed)
    need._history_user = user
    model_update(instance=need, fields=NEED_FIELDS, data=data)
    return need


@transaction.atomic
def programme_create(
    *,
    institution: Company,
    name: str,
    level: str,
    skill_areas: Iterable[SkillArea],
    yearly_intake: int = 0,
    yearly_graduates: int = 0,
    trainee_places_sought: int = 0,
    thesis_places_sought: int = 0,
    active: bool = True,
    user: User | None = None,
) -> EducationProgramme:
    """Record a programme of an educational institution with its skill areas."""
    skill_areas = list(skill_areas)
    _check_skill_areas(skill_areas)
    programme = EducationProgramme(
        institution=institution,
        name=name,
        level=level,
        yearly_intake=yearly_intake,
        yearly_graduates=yearly_graduates,
        trainee_places_sought=trainee_places_sought,
        thesis_places_sought=thesis_places_sought,
        active=active,
    )
    programme._history_user = user
    programme.full_clean()
    programme.save()
    programme.skill_areas.set(skill_areas)
    return programme


@transaction.atomic
def programme_update(
    *, programme: EducationProgramme, data: Mapping[str, Any], user: User | None = None
) -> EducationProgramme:
    """Change a programme (the `PROGRAMME_FIELDS` that `data` holds); its skill areas are replaced, and a retired
    area it already had may stay."""
    if "skill_areas" in data:
        data = {**data, "skill_areas": list(data["skill_areas"])}
        _check_skill_areas(data["skill_areas"], allowed=programme.skill_areas.values_list("pk", flat=True))
    programme._history_user = user
    model_update(instance=programme, fields=PROGRAMME_FIELDS, data=data)
    return programme


def _check_skill_areas(skill_areas: list[SkillArea], *, allowed: Iterable[int] = ()) -> None:
    if not skill_areas:
        raise ValidationError({"skill_areas": _("Choose at least one skill area.")})
    _refuse_retired(skill_areas, "skill_areas", allowed=allowed)


def skill_areas_retire(*, skill_areas: QuerySet[SkillArea]) -> int:
    """Retire skill areas: they stay on the records that use them but are no longer offered. Returns how many."""
    return skill_areas.filter(retired=False).update(retired=True)


def skill_areas_restore(*, skill_areas: QuerySet[SkillArea]) -> int:
    """Bring retired skill areas back into use. Returns how many."""
    return skill_areas.filter(retired=True).update(retired=False)
