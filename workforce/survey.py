"""The survey's workforce needs table: reading its rows, and turning a submitted response's rows into needs."""

import logging
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from surveys.models import Answer, Question, Response

from .models import SkillArea, WorkforceNeed

logger = logging.getLogger(__name__)

# The fields of one row of the table, as stored in Answer.value and as named in the posted form.
ROW_FIELDS = ("skill_area", "role", "count", "window", "level", "kind")


def skill_area_names() -> dict[str, str]:
    """{slug: name in the active language} of every skill area, retired ones included; one query."""
    return {area.slug: area.name for area in SkillArea.objects.all()}


def table_rows(value) -> list[dict]:
    """The row dicts of a stored table answer; anything else (a damaged value) reads as no rows."""
    if not isinstance(value, list):
        return []
    return [row for row in value if isinstance(row, dict)]


def rows_text(value, names: dict[str, str], *, window_labels: bool = True) -> str:
    """A table answer in one line: “Software and ICT: 2 (within 6 months); …”, or the window's code if asked."""
    windows = dict(WorkforceNeed.Window.choices) if window_labels else {}
    parts = []
    for row in table_rows(value):
        area = row.get("skill_area", "")
        window = row.get("window", "")
        parts.append(f"{names.get(area, area)}: {row.get('count', '')} ({windows.get(window, window)})")
    return "; ".join(parts)


@dataclass
class NeedsSync:
    """What a sync did to the needs of one response."""

    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: int = 0  # rows that could not become a need (a skill area since removed, a damaged value)


def _survey_rows(response: Response) -> list[dict]:
    """Every row of the response's table answers, in survey order; two table questions continue one numbering."""
    answers = (
        Answer.objects.filter(response=response, question__type=Question.Type.WORKFORCE_TABLE)
        .order_by("question__section__order", "question__section__pk", "question__order", "question__pk")
        .values_list("value", flat=True)
    )
    return [row for value in answers for row in table_rows(value)]


def _apply(need: WorkforceNeed, row: dict, area: SkillArea) -> bool:
    """Copy a row onto a need; True when something changed."""
    fields = {
        "skill_area_id": area.pk,
        "role": str(row.get("role") or "")[:200],
        "count": row.get("count"),
        "window": row.get("window"),
        "level": row.get("level") or need.level,
        "kind": row.get("kind") or need.kind,
    }
    changed = any(getattr(need, name) != value for name, value in fields.items())
    for name, value in fields.items():
        setattr(need, name, value)
    return changed


@transaction.atomic
def needs_sync_from_response(*, response: Response) -> NeedsSync:
    """Make the survey needs of a submitted response match its table rows: one need per row, never twice.

    A need is keyed by (response, row index): a changed row updates its need, a removed row deletes it, a new
    row creates one. The caller holds the response's row lock, so two saves never sync at once.
    """
    result = NeedsSync()
    rows = _survey_rows(response)
    areas = {area.slug: area for area in SkillArea.objects.filter(slug__in={str(r.get("skill_area")) for r in rows})}
    existing = {need.survey_row: need for need in WorkforceNeed.objects.filter(survey_response=response)}
    kept = set()
    for index, row in enumerate(rows):
        area = areas.get(str(row.get("skill_area")))
        need = existing.get(index) or WorkforceNeed(
            company_id=response.company_id,
            source=WorkforceNeed.Source.SURVEY,
            survey_response=response,
            survey_row=index,
        )
        if area is None:
            # The row's skill area is gone (its slug changed): a need made from it earlier is left as it was.
            kept.add(index)
            result.skipped += 1
            continue
        changed = _apply(need, row, area)
        if need.pk is not None and not changed:
            kept.add(index)
            continue
        try:
            # The keys were just read; the database enforces the constraints.
            need.full_clean(exclude=["company", "skill_area", "survey_response"], validate_constraints=False)
        except ValidationError as error:
            logger.warning("survey row %s of response %s is not a valid need: %s", index, response.pk, error)
            kept.add(index)
            result.skipped += 1
            continue
        if need.pk is None:
            result.created += 1
        else:
            result.updated += 1
        need.save()
        kept.add(index)
    for survey_row, need in existing.items():
        if survey_row not in kept:
            # One by one, so that the history keeps a trace of each.
            need.delete()
            result.deleted += 1
    return result
