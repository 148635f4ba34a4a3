"""Writes of the development plan (findings, measures and the measure's status history) and the board's data."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Prefetch
from django.utils import timezone

from companies.models import Company
from teknokyla.core.services import model_update

from ..models import Finding, Goal, Interview, Measure, MeasureStatusChange, Theme, Workshop
from ..translation import FINDING_FIELDS, MEASURE_FIELDS

LANGUAGE_SUFFIXES = ("_fi", "_sv", "_en")


def _in_languages(*names: str) -> tuple[str, ...]:
    return tuple(f"{name}{suffix}" for name in names for suffix in LANGUAGE_SUFFIXES)


# The fields staff write on each record: an update sets those of them that it is given.
FINDING_WRITTEN = (
    *_in_languages(*FINDING_FIELDS),
    "kind",
    "importance",
    "themes",
    "companies",
    "interviews",
    "workshops",
    "questions",
)
MEASURE_WRITTEN = (
    *_in_languages(*MEASURE_FIELDS),
    "responsible_user",
    "responsible_organisation",
    "start_quarter",
    "end_quarter",
    "estimated_cost",
    "indicator_baseline",
    "indicator_target",
    "status",
    "goal",
    "themes",
    "findings",
    "partners",
)


def _texts_in_finnish(data: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """The values with a bare translated text (`title="…"`) named as the Finnish one (`title_fi`)."""
    return {f"{name}_fi" if name in fields else name: value for name, value in data.items()}


def _set_texts(instance, fields: tuple[str, ...], texts: dict) -> None:
    """Write translated texts: `text_sv="…"` sets the Swedish text, a bare `text="…"` the Finnish one.

    None clears a language (it then shows the Finnish text); a language not named is left as it is.
    """
    for name, value in texts.items():
        field = name if name.endswith(LANGUAGE_SUFFIXES) else f"{name}_fi"
        if field[:-3] not in fields:
            raise TypeError(f"{type(instance).__name__} has no translated text {name!r}")
        setattr(instance, field, value)


def _set_finding_relations(finding: Finding, **relations: Iterable) -> None:
    for name, values in relations.items():
        getattr(finding, name).set(list(values))


@transaction.atomic
def finding_create(
    *,
    kind: str,
    importance: int = 2,
    themes: Iterable[Theme] = (),
    companies: Iterable[Company] = (),
    interviews: Iterable[Interview] = (),
    workshops: Iterable[Workshop] = (),
    questions: Iterable = (),
    user: User | None = None,
    **texts: str | None,
) -> Finding:
    """Record a finding (its text in fi, sv, en: `text`/`text_fi`, `text_sv`, `text_en`) with its themes, the
    organisations it concerns and its sources."""
    finding = Finding(kind=kind, importance=importance, created_by=user)
    _set_texts(finding, FINDING_FIELDS, texts)
    finding._history_user = user
    finding.full_clean()
    finding.save()
    _set_finding_relations(
        finding, themes=themes, companies=companies, interviews=interviews, workshops=workshops, questions=questions
    )
    return finding


@transaction.atomic
def finding_update(*, finding: Finding, data: Mapping[str, Any], user: User | None = None) -> Finding:
    """Change a finding: those of its texts (`text`/`text_fi`, `text_sv`, `text_en`), kind, importance, themes,
    organisations and sources that `data` holds."""
    finding._history_user = user
    model_update(instance=finding, fields=FINDING_WRITTEN, data=_texts_in_finnish(data, FINDING_FIELDS))
    return finding


def _record_status(*, measure: Measure, user: User | None, note: str) -> MeasureStatusChange:
    change = MeasureStatusChange(
        measure=measure,
        status=measure.status,
        changed_on=timezone.localdate(),
        changed_by=user,
        note=note,
    )
    change.full_clean()
    change.save()
    return change


@transaction.atomic
def measure_create(
    *,
    start_quarter: str,
    end_quarter: str,
    themes: Iterable[Theme] = (),
    findings: Iterable[Finding] = (),
    responsible_user: User | None = None,
    responsible_organisation: Company | None = None,
    partners: Iterable[Company] = (),
    estimated_cost: Decimal | None = None,
    indicator_baseline: Decimal | None = None,
    indicator_target: Decimal | None = None,
    status: str = Measure.Status.PROPOSED,
    status_note: str = "",
    goal: Goal | None = None,
    user: User | None = None,
    **texts: str | None,
) -> Measure:
    """Propose a measure and record its first status in the status history.

    Its texts (title, description, funding_source, indicator) come as `title`/`title_fi`, `title_sv`, `title_en`…
    """
    measure = Measure(
        responsible_user=responsible_user,
        responsible_organisation=responsible_organisation,
        start_quarter=start_quarter,
        end_quarter=end_quarter,
        estimated_cost=estimated_cost,
        indicator_baseline=indicator_baseline,
        indicator_target=indicator_target,
        status=status,
        goal=goal,
    )
    _set_texts(measure, MEASURE_FIELDS, texts)
    measure._history_user = user
    measure.full_clean()
    measure.save()
    measure.themes.set(list(themes))
    measure.findings.set(list(findings))
    measure.partners.set(list(partners))
    _record_status(measure=measure, user=user, note=status_note)
    return measure


@transaction.atomic
def measure_update(*, measure: Measure, data: Mapping[str, Any], user: User | None = None) -> Measure:
    """Change a measure (the `MEASURE_WRITTEN` fields that `data` holds, its texts as in `measure_create`); a new
    status is appended to its status history, with `data["status_note"]`."""
    # The stored status, locked: a bound form has already written the new one onto the instance.
    previous_status = Measure.objects.select_for_update().values_list("status", flat=True).get(pk=measure.pk)
    measure._history_user = user
    model_update(instance=measure, fields=MEASURE_WRITTEN, data=_texts_in_finnish(data, MEASURE_FIELDS))
    if measure.status != previous_status:
        _record_status(measure=measure, user=user, note=data.get("status_note", ""))
    return measure


# The board -----------------------------------------------------------------


@dataclass
class ThemeGroup:
    theme: Theme | None  # None is the "Other" group: findings with no active theme
    findings: list[Finding]

    @property
    def unanswered_count(self) -> int:
        """How many of the group's findings no measure answers yet."""
        return sum(1 for finding in self.findings if not finding.answering_measures)


@dataclass
class Board:
    groups: list[ThemeGroup]
    finding_count: int
    unanswered_count: int
    measure_count: int


def findings_by_theme() -> Board:
    """Findings grouped by active theme, most important first, each with its company count and measures.

    Four queries whatever the data: themes, findings (with the company count), their themes, their measures.
    """
    themes = list(Theme.objects.filter(active=True))
    findings = list(
        # answering_measures is declared on Finding (for ThemeGroup); the stubs' plugin declares it again from to_attr.
        Finding.objects.annotate(company_count=Count("companies", distinct=True))  # type: ignore[no-redef]
        .prefetch_related(
            "themes",
            Prefetch("measures", queryset=Measure.objects.all(), to_attr="answering_measures"),
        )
        .order_by("-importance", "-created_at", "-pk")
    )
    by_theme = {theme.pk: ThemeGroup(theme=theme, findings=[]) for theme in themes}
    other = ThemeGroup(theme=None, findings=[])
    for finding in findings:
        groups = [by_theme[theme.pk] for theme in finding.themes.all() if theme.pk in by_theme]
        for group in groups or [other]:
            group.findings.append(finding)
    groups = list(by_theme.values()) + ([other] if other.findings else [])
    return Board(
        groups=groups,
        finding_count=len(findings),
        unanswered_count=sum(1 for finding in findings if not finding.answering_measures),
        measure_count=len({measure.pk for finding in findings for measure in finding.answering_measures}),
    )
