"""The findings board's chart: findings per theme by kind, drawn by the report's chart code."""

from dataclasses import dataclass

from django.utils.text import capfirst
from django.utils.translation import gettext as _

from teknokyla.core import charts

from .models import Finding


@dataclass(frozen=True)
class ThemeCounts:
    """One theme's findings by kind (in Finding.Kind's order) and how many no measure answers yet."""

    label: str
    by_kind: list[int]
    total: int
    unanswered: int


def theme_counts(groups) -> list[ThemeCounts]:
    """The board's groups counted by kind, from the findings already read (no query)."""
    kinds = list(Finding.Kind.values)
    rows = []
    for group in groups:
        by_kind = [0] * len(kinds)
        for finding in group.findings:
            by_kind[kinds.index(finding.kind)] += 1
        label = group.theme.name if group.theme else _("Other")
        rows.append(ThemeCounts(label, by_kind, len(group.findings), group.unanswered_count))
    return rows


def findings_chart(rows: list[ThemeCounts]) -> charts.WebChart:
    """One bar per theme, split by kind (SWOT, need, wish)."""
    title = _("Findings per theme by kind")
    kinds = [capfirst(str(label)) for label in Finding.Kind.labels]
    series = [(kind, [row.by_kind[index] for row in rows]) for index, kind in enumerate(kinds)]
    with charts.for_screen():
        svg = charts.stacked_bars([row.label for row in rows], series, axis_label=_("Findings"))
    unanswered = sum(row.unanswered for row in rows)
    total = sum(row.total for row in rows)
    summary = _("%(total)s findings in %(themes)s themes; %(unanswered)s have no measure yet.") % {
        "total": total,
        "themes": len(rows),
        "unanswered": unanswered,
    }
    if rows:
        most = max(rows, key=lambda row: row.total)
        summary += " " + _("Most findings: %(theme)s (%(count)s).") % {"theme": most.label, "count": most.total}
    return charts.web_chart(svg, title, summary)
