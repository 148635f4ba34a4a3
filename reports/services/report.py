"""The development plan report: its data gathered in a fixed number of queries, rendered to HTML and to PDF."""

import datetime
import hashlib
import json
import logging
import re
from collections import defaultdict
from dataclasses import asdict, dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count, Prefetch, Q
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from companies.models import Company, Premises, Tenancy
from surveys.models import Question, Survey
from surveys.results import MIN_GROUP, section_label, survey_progress, survey_results
from teknokyla.core import charts
from workshops.markdown import render_markdown
from workshops.models import Finding, Interview, Measure, Theme, Workshop

from ..models import DevelopmentPlan

PROJECT_NAME = "Teknologiakylä 3.0"
PUBLISHER = "Kemin Digipolis Oy"
# Free-text answers quoted per question; the rest are in the survey's export.
MAX_QUOTES = 40
# Words of a finding where it is only referred to (the SWOT table, the measures).
SHORT_WORDS = 14
STYLESHEET = "css/report.css"
PDF_VARIANT = "pdf/ua-1"
TEMPLATE = "reports/report/report.html"
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
SWOT_KINDS = {
    Finding.Kind.STRENGTH: "strengths",
    Finding.Kind.WEAKNESS: "weaknesses",
    Finding.Kind.OPPORTUNITY: "opportunities",
    Finding.Kind.THREAT: "threats",
}


# Presentation properties of the charts' inline SVG: WeasyPrint's SVG renderer applies them, but its HTML cascade
# also sees them and warns about each, hundreds of lines per report.
SVG_PROPERTIES = {
    "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-linecap", "stroke-linejoin",
    "stroke-dasharray", "stroke-dashoffset", "stroke-miterlimit", "stroke-opacity", "text-anchor", "clip-path",
}  # fmt: skip


class _ChartStyleNoise(logging.Filter):
    """Drops WeasyPrint's "unknown property" warnings about the SVG properties of the charts, and only those."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (
            record.levelno == logging.WARNING
            and record.msg.startswith("Ignored `")
            and args
            and args[0] in SVG_PROPERTIES
            and str(args[-1]) == "unknown property"
        )


logging.getLogger("weasyprint").addFilter(_ChartStyleNoise())


def _tag_element_languages() -> None:
    """Give each element of the tagged PDF the language of its HTML element when it has its own (lang="fi").

    WeasyPrint writes the document's language (/Lang of the catalogue) only. A passage that fell back to Finnish in a
    Swedish report carries lang="fi" in the HTML; with /Lang on its structure element a screen reader switches to a
    Finnish voice. The hook wraps WeasyPrint's tag-tree builder; tests/reports check the /Lang in the built PDF.
    """
    import pydyf
    from weasyprint.pdf import tags

    build = getattr(tags, "_build_box_tree", None)
    if build is None or getattr(build, "sets_languages", False):
        return

    def build_with_languages(box, parent, *args, **kwargs):
        element = getattr(box, "element", None)
        own = element is not None and getattr(box, "element_tag", None) not in ("html", "body")
        language = element.get("lang") if own else None
        for structure in build(box, parent, *args, **kwargs):
            if language and "Lang" not in structure:
                structure["Lang"] = pydyf.String(language)
            yield structure

    build_with_languages.sets_languages = True  # type: ignore[attr-defined]  # the marker the guard above reads
    tags._build_box_tree = build_with_languages


_tag_element_languages()


class InFinnish(str):
    """A text printed in Finnish because it has no version in the report's language (modeltranslation's fallback).

    The PDF marks it lang="fi" and the Word edition gives its paragraph the Finnish language, so a screen reader
    reads it with a Finnish voice instead of passing it off as Swedish or English.
    """

    lang = "fi"


class InFinnishHtml(SafeString):
    """Sanitised HTML of a text that fell back to Finnish."""

    lang = "fi"


def _tr(obj, field: str) -> str:
    """The text of a translated field in the active language; a Finnish fallback comes back as InFinnish."""
    value = getattr(obj, field) or ""
    language = translation.get_language()
    if language != "fi" and value and not (getattr(obj, f"{field}_{language}", None) or "").strip():
        return InFinnish(value)
    return value


def _like(text: str, source: str) -> str:
    """`text` (made from `source`) marked as Finnish when `source` is."""
    return InFinnish(text) if isinstance(source, InFinnish) else text


@dataclass(frozen=True)
class RenderedReport:
    pdf: bytes
    page_count: int
    checksum: str  # sha256 of the gathered data: two builds from the same data share it
    docx: bytes = b""  # the Word edition of the same data, when it was asked for


# Gathering ----------------------------------------------------------------------------------------------------------


def report_data(*, plan: DevelopmentPlan, survey: Survey | None, language: str) -> dict:
    """Everything the report shows, as plain values in `language`, in the same number of queries at any size."""
    with translation.override(language):
        today = timezone.localdate()
        findings = _findings()
        goals, other_measures = _goals_and_measures(plan, {f["id"]: f for f in findings})
        measures = [m for goal in goals for m in goal["measures"]] + other_measures
        return {
            "language": language,
            "plan": _plan(plan),
            "registry": _registry(today),
            "survey": _survey(survey) if survey is not None else None,
            "heard": _heard(findings),
            "workforce": _workforce(),
            "goals": goals,
            "other_measures": other_measures,
            "measures": measures,
            "timeline": _timeline(measures),
        }


def data_checksum(data: dict) -> str:
    """sha256 of a stable JSON dump of the gathered data."""
    dump = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(dump.encode()).hexdigest()


def _plan(plan: DevelopmentPlan) -> dict:
    return {
        "id": plan.pk,
        "title": _tr(plan, "title"),
        "status": plan.status,
        "status_label": plan.get_status_display(),
        "period_start": plan.period_start,
        "period_end": plan.period_end,
        "approved_on": plan.approved_on,
        # The plain fields read the active language with a Finnish fallback once they are translated.
        "summary_html": _written(_tr(plan, "summary"), under=1),
        "starting_point_html": _written(_tr(plan, "starting_point"), under=1),
        "vision_html": _written(_tr(plan, "vision"), under=2),
    }


def _written(text: str, *, under: int) -> SafeString:
    """Markdown as sanitised HTML whose headings rank below the report's heading of level `under`."""
    html = render_markdown(text, under=under)
    if isinstance(text, InFinnish) and html:
        return InFinnishHtml(html)
    return html


def _years_bucket(years: int | None) -> tuple[int, str]:
    """(sort key, label) of the length of a customer relationship."""
    if years is None:
        return 9, _("Not known")
    for index, (below, label) in enumerate(
        [(5, _("Under 5 years")), (10, _("5–9 years")), (20, _("10–19 years")), (30, _("20–29 years"))]
    ):
        if years < below:
            return index, label
    return 4, _("30 years or more")


def _registry(today: datetime.date) -> dict:
    """Organisations by building and industry, premises in use, length of customer relationships; three queries."""
    organisations = list(
        Company.objects.filter(active=True).values_list("pk", "parent_id", "industry_section", "customer_since")
    )
    # A school is counted through its units in the village, not once more as their parent.
    parents = {parent for _pk, parent, _section, _since in organisations if parent}
    counted = [row for row in organisations if row[0] not in parents]

    rows = Premises.objects.values_list("pk", "building__name", "area_m2")
    premises = {pk: (building, area or Decimal(0)) for pk, building, area in rows}
    tenancies = Tenancy.objects.current(today).filter(company__active=True).values_list("company_id", "premises_id")
    buildings: dict[str, dict[str, set[int]]] = {
        name: {"companies": set(), "premises": set()} for name, _area in premises.values()
    }
    for company_id, premises_id in tenancies:
        building = buildings[premises[premises_id][0]]
        building["companies"].add(company_id)
        building["premises"].add(premises_id)
    area_total: defaultdict[str, Decimal] = defaultdict(Decimal)
    for name, area in premises.values():
        area_total[name] += area
    by_building: list[dict[str, Any]] = []
    for name in sorted(buildings):
        in_use = sum((premises[pk][1] for pk in buildings[name]["premises"]), Decimal(0))
        by_building.append(
            {
                "name": name,
                "organisations": len(buildings[name]["companies"]),
                "area_in_use": in_use,
                "area_total": area_total[name],
                "use_rate": float(100 * in_use / area_total[name]) if area_total[name] else None,
            }
        )

    sections: defaultdict[str, int] = defaultdict(int)
    years: defaultdict[tuple[int, str], int] = defaultdict(int)
    for _pk, _parent, section, since in counted:
        sections[section] += 1
        years[_years_bucket(today.year - since if since else None)] += 1
    by_industry = [
        {"letter": letter, "label": section_label(letter), "organisations": count}
        for letter, count in sorted(sections.items(), key=lambda item: (item[0] == "", -item[1], item[0]))
    ]
    in_village = set().union(*(b["companies"] for b in buildings.values()))
    return {
        "organisations": len(counted),
        "organisations_with_premises": len(in_village),
        "buildings": by_building,
        "area_in_use": sum((b["area_in_use"] for b in by_building), Decimal(0)),
        "area_total": sum((b["area_total"] for b in by_building), Decimal(0)),
        "industries": by_industry,
        "customer_years": [{"label": label, "organisations": years[key, label]} for key, label in sorted(years)],
    }


def _group(tally) -> dict:
    """A response-rate row; the figures of a group smaller than MIN_GROUP are left out altogether."""
    if tally.invited < MIN_GROUP:
        return {"label": tally.label, "suppressed": True, "invited": None, "submitted": None, "rate": None}
    return {
        "label": tally.label,
        "suppressed": False,
        "invited": tally.invited,
        "submitted": tally.submitted,
        "rate": tally.rate,
    }


def _question(result) -> dict:
    question = result.question
    row = {
        "code": question.code,
        "text": _tr(question, "text"),
        "type": question.type,
        "kind": result.kind,
        "multiple": question.type == Question.Type.MULTIPLE_CHOICE,
        "answered": result.answered,
        "suppressed": result.answered < MIN_GROUP,
    }
    if row["suppressed"]:
        return row
    texts = [answer.text for answer in result.texts]
    row.update(
        {
            "counts": [{"label": c.label, "count": c.count, "share": c.share} for c in result.counts],
            "mean": result.mean,
            "numbers": asdict(result.numbers) if result.numbers else None,
            "first_date": result.first_date,
            "last_date": result.last_date,
            "texts": texts[:MAX_QUOTES],
            "more_texts": max(len(texts) - MAX_QUOTES, 0),
            "other_texts": [answer.text for answer in result.other_texts][:MAX_QUOTES],
        }
    )
    return row


def _survey(survey: Survey) -> dict:
    """Response rates and each question's results, from surveys.results; six queries."""
    progress = survey_progress(survey=survey)
    results = survey_results(survey=survey, with_names=False)
    sections: list[dict[str, Any]] = []
    for result in results.questions:
        if not sections or sections[-1]["id"] != result.question.section_id:
            section = result.question.section
            sections.append({"id": section.pk, "title": _tr(section, "title"), "questions": []})
        sections[-1]["questions"].append(_question(result))
    overall = progress.overall
    return {
        "title": _tr(survey, "title"),
        "opens_at": timezone.localdate(survey.opens_at),
        "closes_at": timezone.localdate(survey.closes_at),
        "invited": overall.invited,
        "submitted": overall.submitted,
        "drafts": overall.drafts,
        "rate": overall.rate,
        "responses": results.responses,
        "by_building": [_group(tally) for tally in progress.by_building],
        "by_industry": [_group(tally) for tally in progress.by_section],
        "sections": sections,
    }


def _importance_label(importance: int) -> str:
    return {3: _("High importance"), 2: _("Medium importance"), 1: _("Low importance")}.get(importance, str(importance))


def _findings() -> list[dict]:
    """Every finding, numbered F1… by importance; two queries."""
    rows = Finding.objects.prefetch_related("themes").order_by("-importance", "created_at", "pk")
    return [
        {
            "id": finding.pk,
            "number": number,
            "text": _tr(finding, "text"),
            "short": _like(Truncator(finding.text).words(SHORT_WORDS, truncate="…"), _tr(finding, "text")),
            "kind": finding.kind,
            "kind_label": finding.get_kind_display(),
            "importance": finding.importance,
            "importance_label": _importance_label(finding.importance),
            "themes": [theme.pk for theme in finding.themes.all()],
        }
        for number, finding in enumerate(rows, start=1)
    ]


def _by_importance(findings: list[dict]) -> list[dict]:
    groups = defaultdict(list)
    for finding in findings:
        groups[finding["importance"]].append(finding)
    return [
        {"importance": level, "label": _importance_label(level), "findings": groups[level]}
        for level in sorted(groups, reverse=True)
    ]


def _heard(findings: list[dict]) -> dict:
    """Interviews, workshops, findings by theme and importance, and the SWOT; eight queries."""
    interviews = (
        Interview.objects.annotate(
            people=Count("contacts", distinct=True), organisations=Count("companies", distinct=True)
        )
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order", "name")))
        .order_by("held_at", "pk")
    )
    workshops = (
        Workshop.objects.annotate(
            attendees=Count("participations", filter=Q(participations__attended=True), distinct=True),
            invited=Count("participations", distinct=True),
        )
        .prefetch_related(Prefetch("themes", queryset=Theme.objects.order_by("order", "name")))
        .order_by("held_at", "pk")
    )
    interview_rows = [
        {
            "date": timezone.localdate(i.held_at),
            "organisations": i.organisations,
            "people": i.people,
            "themes": [_tr(t, "name") for t in i.themes.all()],
        }
        for i in interviews
    ]
    workshop_rows = [
        {
            "date": timezone.localdate(w.held_at),
            "title": w.title,
            "invited": w.invited,
            "attendees": w.attendees,
            "themes": [_tr(t, "name") for t in w.themes.all()],
        }
        for w in workshops
    ]
    themes = []
    for theme in Theme.objects.order_by("order", "name"):
        under = [f for f in findings if theme.pk in f["themes"]]
        if theme.active or under:
            themes.append({"name": _tr(theme, "name"), "count": len(under), "groups": _by_importance(under)})
    without = [f for f in findings if not f["themes"]]
    if without:
        themes.append({"name": _("No theme"), "count": len(without), "groups": _by_importance(without)})
    swot = {key: [f for f in findings if f["kind"] == kind] for kind, key in SWOT_KINDS.items()}
    # Distinct over all interviews: an organisation met twice is one organisation heard.
    return {
        "interviews": interview_rows,
        "workshops": workshop_rows,
        "interview_organisations": Interview.companies.through.objects.values("company_id").distinct().count(),
        "interview_people": Interview.contacts.through.objects.values("contact_id").distinct().count(),
        "workshop_attendees": sum(row["attendees"] for row in workshop_rows),
        "findings": len(findings),
        "themes": themes,
        "swot": swot,
    }


def _workforce() -> dict:
    """Labour demand and supply per skill area, all time windows together, without names; three queries."""
    from workforce.matching import matching_table

    table = matching_table()
    areas: dict[int, dict] = {}
    for row in table.rows:
        area = areas.setdefault(
            row.skill_area.pk,
            {"label": _tr(row.skill_area, "name"), "needed": 0, "graduates": row.graduates, "organisations": set()},
        )
        area["needed"] += row.needed
        area["organisations"].update(company.company_id for company in row.companies)
    rows = [
        {
            "label": area["label"],
            "needed": area["needed"],
            "graduates": area["graduates"],
            "gap": area["needed"] - area["graduates"],
            "organisations": len(area["organisations"]),
        }
        for area in areas.values()
    ]
    rows.sort(key=lambda row: (-row["gap"], row["label"]))
    no_demand = sorted(
        ({"label": _tr(row.skill_area, "name"), "graduates": row.graduates} for row in table.no_demand),
        key=lambda row: str(row["label"]),
    )
    return {"rows": rows, "no_demand": no_demand}


def _workforce_chart(workforce: dict) -> dict | None:
    shortages = [row for row in workforce["rows"] if row["gap"] > 0]
    if not shortages:
        return None
    return _chart(
        charts.horizontal_bars(
            [row["label"] for row in shortages],
            [row["gap"] for row in shortages],
            axis_label=_("People needed beyond the graduates of a year"),
        ),
        _alt(
            _("Skill areas where the village's companies will lack people"), [(r["label"], r["gap"]) for r in shortages]
        ),
    )


def _quarter(value: str) -> int | None:
    """A quarter "2026-Q3" as a running number (year × 4 + quarter − 1); None when it is not one."""
    match = QUARTER.match(value or "")
    return int(match[1]) * 4 + int(match[2]) - 1 if match else None


def _quarter_label(index: int) -> str:
    return f"{index // 4}-Q{index % 4 + 1}"


def _measure(measure: Measure, findings: dict[int, dict]) -> dict:
    start, end = _quarter(measure.start_quarter), _quarter(measure.end_quarter)
    if start is None or end is None or end < start:
        start = end = None  # untimed: a quarter missing, or the end before the start
    return {
        "id": measure.pk,
        "title": _tr(measure, "title"),
        "description_html": _written(_tr(measure, "description"), under=3),
        "responsible": measure.responsible_label,
        "partners": [partner.name for partner in measure.partners.all()],
        "start": None if start is None else _quarter_label(start),
        "end": None if end is None else _quarter_label(end),
        "start_index": start,
        "end_index": end,
        "cost": measure.estimated_cost,
        "funding": _tr(measure, "funding_source"),
        "status": measure.status,
        "status_label": measure.get_status_display(),
        "indicator": _tr(measure, "indicator"),
        "baseline": measure.indicator_baseline,
        "target": measure.indicator_target,
        "themes": [_tr(theme, "name") for theme in measure.themes.all()],
        "findings": sorted(
            ({"number": findings[f.pk]["number"], "short": findings[f.pk]["short"]} for f in measure.findings.all()),
            key=lambda f: f["number"],
        ),
    }


def _goals_and_measures(plan: DevelopmentPlan, findings: dict[int, dict]) -> tuple[list[dict], list[dict]]:
    """The plan's goals, each with its measures, and the measures tied to no goal; five queries."""
    goals = list(plan.goals.order_by("order", "pk"))
    # Measures tied to a goal of another edition of the plan belong to that edition.
    measures = (
        Measure.objects.filter(Q(goal__isnull=True) | Q(goal__plan=plan))
        .select_related("responsible_user", "responsible_organisation")
        .prefetch_related(
            Prefetch("partners", queryset=Company.objects.order_by("name")),
            Prefetch("themes", queryset=Theme.objects.order_by("order", "name")),
            Prefetch("findings", queryset=Finding.objects.only("pk")),
        )
        .order_by("start_quarter", "title", "pk")
    )
    under_goal = defaultdict(list)
    other = []
    for measure in measures:
        if measure.goal_id is None:
            other.append(_measure(measure, findings))
        else:
            under_goal[measure.goal_id].append(_measure(measure, findings))
    goal_rows: list[dict[str, Any]] = [
        {
            "id": goal.pk,
            "number": number,
            "title": _tr(goal, "title"),
            "description_html": _written(_tr(goal, "description"), under=2),
            "measures": under_goal[goal.pk],
        }
        for number, goal in enumerate(goals, start=1)
    ]
    for number, measure in enumerate([m for goal in goal_rows for m in goal["measures"]] + other, start=1):
        measure["number"] = number
    return goal_rows, other


def _timeline(measures: list[dict]) -> dict:
    """The quarters the timed measures span, and each measure's first and last quarter as indexes into them."""
    timed = [m for m in measures if m["start_index"] is not None]
    if not timed:
        return {"quarters": [], "rows": [], "untimed": len(measures)}
    first = min(m["start_index"] for m in timed)
    last = max(m["end_index"] for m in timed)
    return {
        "quarters": [_quarter_label(index) for index in range(first, last + 1)],
        "rows": [
            {
                "label": f"{m['number']}. {m['title']}",
                "first": m["start_index"] - first,
                "last": m["end_index"] - first,
                "status": m["status"],
            }
            for m in timed
        ],
        "untimed": len(measures) - len(timed),
    }


# Rendering ----------------------------------------------------------------------------------------------------------


def _alt(title: str, pairs) -> str:
    """Alt text of a chart: its title and every value it shows."""
    values = "; ".join(f"{label} {value}" for label, value in pairs)
    return f"{title}: {values}" if values else title


def _chart(image: str | bytes, alt: str) -> dict:
    if isinstance(image, bytes):  # drawn inside charts.as_png(): the Word edition's picture
        return {"png": image, "alt": alt}
    # matplotlib escapes every text it writes, and with_title escapes the alt text.
    return {"svg": mark_safe(charts.with_title(image, alt)), "alt": alt}  # noqa: S308


def _area(value) -> str:
    return f"{charts.format_number(value)} m²"


def _percent(value) -> str:
    return f"{charts.format_number(value)} %" if value is not None else "–"


def _registry_charts(registry: dict) -> dict:
    buildings = registry["buildings"]
    names = [b["name"] for b in buildings]
    by_building = [b["organisations"] for b in buildings]
    industries = registry["industries"]
    years = registry["customer_years"]
    in_use = [float(b["area_in_use"]) for b in buildings]
    vacant = [max(float(b["area_total"] - b["area_in_use"]), 0.0) for b in buildings]
    return {
        "by_building": _chart(
            charts.horizontal_bars(names, by_building, axis_label=_("Organisations")),
            _alt(_("Organisations by building"), zip(names, by_building, strict=True)),
        ),
        "by_industry": _chart(
            charts.horizontal_bars(
                [i["label"] for i in industries],
                [i["organisations"] for i in industries],
                axis_label=_("Organisations"),
            ),
            _alt(_("Organisations by industry"), [(i["label"], i["organisations"]) for i in industries]),
        ),
        "premises": _chart(
            charts.stacked_bars(names, [(_("In use"), in_use), (_("Vacant"), vacant)], axis_label="m²"),
            _alt(
                _("Premises in use by building, m²"),
                [(b["name"], f"{_area(b['area_in_use'])} / {_area(b['area_total'])}") for b in buildings],
            ),
        ),
        "customer_years": _chart(
            charts.horizontal_bars(
                [y["label"] for y in years], [y["organisations"] for y in years], axis_label=_("Organisations")
            ),
            _alt(_("Length of customer relationships"), [(y["label"], y["organisations"]) for y in years]),
        ),
    }


def _rate_chart(rows: list[dict], title: str) -> dict | None:
    shown = [row for row in rows if not row["suppressed"]]
    if not shown:
        return None
    return _chart(
        charts.horizontal_bars(
            [row["label"] for row in shown],
            [row["rate"] for row in shown],
            percent=True,
            counts=[row["submitted"] for row in shown],
            axis_label=_("Submitted, % of invited"),
        ),
        _alt(title, [(row["label"], _percent(row["rate"])) for row in shown]),
    )


def _question_chart(question: dict) -> dict | None:
    if question["suppressed"] or question["kind"] not in ("counts", "scale"):
        return None
    labels = [c["label"] for c in question["counts"]]
    counts = [c["count"] for c in question["counts"]]
    alt = _alt(question["text"], [(c["label"], f"{c['count']} ({_percent(c['share'])})") for c in question["counts"]])
    if question["kind"] == "scale":
        return _chart(charts.distribution(labels, counts, axis_label=_("Answers")), alt)
    return _chart(
        charts.horizontal_bars(
            labels,
            [c["share"] for c in question["counts"]],
            percent=True,
            counts=counts,
            axis_label=_("% of those who answered"),
        ),
        alt,
    )


def _timeline_chart(timeline: dict) -> dict | None:
    if not timeline["rows"]:
        return None
    quarters = timeline["quarters"]
    rows = timeline["rows"]
    return _chart(
        charts.timeline(
            [(r["label"], r["first"], r["last"], r["status"]) for r in rows],
            quarters,
            statuses=list(Measure.Status.choices),
        ),
        _alt(
            _("Timeline of the measures"),
            [(r["label"], f"{quarters[r['first']]} – {quarters[r['last']]}") for r in rows],
        ),
    )


def _css_string(text: str) -> str:
    """Text as a CSS string literal, safe inside a <style> element."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ").replace("\n", " ")
    return f'"{escaped}"'


def _page_footer_css() -> str:
    """The CSS `content` of the "page N / M" footer, in the active language and word order."""
    marker = "\x00"
    text = _("Page %(page)s / %(pages)s") % {"page": f"{marker}page{marker}", "pages": f"{marker}pages{marker}"}
    parts = []
    for index, part in enumerate(text.split(marker)):
        if index % 2:
            parts.append(f"counter({part})")
        elif part:
            parts.append(_css_string(part))
    return " ".join(parts)


def _stylesheet_path() -> Path:
    found = finders.find(STYLESHEET)
    if not isinstance(found, str):
        raise ImproperlyConfigured(f"The report's stylesheet {STYLESHEET} is not among the static files.")
    return Path(found)


def report_charts(data: dict) -> tuple[dict, list[dict]]:
    """The report's charts by name, and the survey's sections with each question's chart (SVG, or PNG in as_png)."""
    survey = data["survey"]
    survey_sections = []
    if survey is not None:
        survey_sections = [
            {**section, "questions": [{**q, "chart": _question_chart(q)} for q in section["questions"]]}
            for section in survey["sections"]
        ]
    chart = {
        **_registry_charts(data["registry"]),
        "timeline": _timeline_chart(data["timeline"]),
        "workforce_gaps": _workforce_chart(data["workforce"]),
    }
    if survey is not None:
        chart["rate_by_building"] = _rate_chart(survey["by_building"], _("Response rate by building"))
        chart["rate_by_industry"] = _rate_chart(survey["by_industry"], _("Response rate by industry"))
    return chart, survey_sections


def _context(data: dict, *, for_pdf: bool) -> dict:
    chart, survey_sections = report_charts(data)
    return {
        **data,
        "charts": chart,
        "survey_sections": survey_sections,
        "min_group": MIN_GROUP,
        "project_name": PROJECT_NAME,
        "publisher": PUBLISHER,
        "generated_on": timezone.localdate(),
        "for_pdf": for_pdf,
        # WeasyPrint reads the stylesheet from the disk; a browser gets it from the static files.
        "stylesheet_href": STYLESHEET if for_pdf else static(STYLESHEET),
        "page_footer_css": mark_safe(_page_footer_css()),  # noqa: S308 - built by _css_string
    }


def _render(data: dict, *, for_pdf: bool) -> str:
    with translation.override(data["language"]):
        return render_to_string(TEMPLATE, _context(data, for_pdf=for_pdf))


def report_render_html(*, plan: DevelopmentPlan, survey: Survey | None, language: str, for_pdf: bool = False) -> str:
    """The report as one HTML document in `language`: the staff preview, or (for_pdf) the source of the PDF."""
    return _render(report_data(plan=plan, survey=survey, language=language), for_pdf=for_pdf)


class _StylesheetOnlyFetcher(URLFetcher):
    """Lets WeasyPrint read the report's own stylesheet and nothing else: no network, no other file."""

    def __init__(self, allowed: Path):
        super().__init__(allowed_protocols={"file"})
        self._allowed = allowed.resolve().as_uri()

    def fetch(self, url, headers=None):
        if url.split("?")[0] != self._allowed:
            raise ValueError(f"The report may not load {url}")
        return super().fetch(url, headers)


def report_render_pdf(*, plan: DevelopmentPlan, survey: Survey | None, language: str) -> RenderedReport:
    """The report as a tagged PDF (PDF/UA-1) in `language`, its page count and the checksum of its data."""
    return pdf_from_data(report_data(plan=plan, survey=survey, language=language))


def pdf_from_data(data: dict) -> RenderedReport:
    """The tagged PDF of the report's gathered data (`report_data`)."""
    html = _render(data, for_pdf=True)
    stylesheet = _stylesheet_path()
    base_url = stylesheet.parent.parent.resolve().as_uri() + "/"
    document = HTML(string=html, base_url=base_url, url_fetcher=_StylesheetOnlyFetcher(stylesheet)).render(
        pdf_variant=PDF_VARIANT
    )
    pdf = document.write_pdf(pdf_variant=PDF_VARIANT)
    return RenderedReport(pdf=pdf, page_count=len(document.pages), checksum=data_checksum(data))
