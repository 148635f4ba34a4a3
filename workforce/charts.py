"""The matching page's chart: the gap between demand and supply per skill area, drawn by the report's chart code."""

from django.utils.translation import gettext as _

from teknokyla.core import charts

from .matching import MatchingTable


def gap_chart(table: MatchingTable) -> charts.WebChart:
    """One bar per skill area: its largest gap over the time windows shown (people needed − graduates a year);
    shortages right of zero, oversupply left, largest shortage first. An area with no local demand gaps by its
    whole supply."""
    largest: dict[str, int] = {}
    for row in table.rows:  # already sorted by gap, largest first: an area's first row is its largest gap
        largest.setdefault(row.skill_area.name, row.gap)
    for no_demand in table.no_demand:
        largest.setdefault(no_demand.skill_area.name, -no_demand.graduates)
    ordered = sorted(largest.items(), key=lambda item: -item[1])
    labels, gaps = [name for name, _gap in ordered], [gap for _name, gap in ordered]
    title = _("Gap between demand and supply by skill area")
    with charts.for_screen():
        svg = charts.diverging_bars(
            labels,
            gaps,
            positive_label=_("Shortage: more people needed than graduate a year"),
            negative_label=_("Oversupply: more graduates than needed"),
            axis_label=_("People needed − graduates a year"),
        )
    shortages = len([gap for gap in gaps if gap > 0])
    oversupply = len([gap for gap in gaps if gap < 0])
    summary = _("%(shortages)s with a shortage, %(oversupply)s with more graduates than needed.") % {
        "shortages": shortages,
        "oversupply": oversupply,
    }
    if shortages:
        widest = max(range(len(gaps)), key=gaps.__getitem__)
        summary += " " + _("The largest shortage: %(label)s, %(gap)s people.") % {
            "label": labels[widest],
            "gap": gaps[widest],
        }
    return charts.web_chart(svg, title, summary)
