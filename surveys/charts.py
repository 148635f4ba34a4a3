"""The survey dashboard's charts, drawn by the report's chart code and shown as images with a summary in words."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from teknokyla.core import charts

from .crosstab import CrossTable
from .models import Question, Survey
from .results import Tally


def response_rate_chart(tallies: list[Tally], title: str) -> charts.WebChart:
    """The response rate of each group (a building, an industry), in the order of the table beside it."""
    rated = [(tally, tally.rate) for tally in tallies if tally.rate is not None]
    with charts.for_screen():
        svg = charts.horizontal_bars(
            [tally.label for tally, _rate in rated],
            [rate for _tally, rate in rated],
            percent=True,
            counts=[tally.submitted for tally, _rate in rated],
            axis_label=_("Response rate (%), submitted in brackets"),
        )
    if rated:
        best, best_rate = max(rated, key=lambda pair: pair[1])
        worst, worst_rate = min(rated, key=lambda pair: pair[1])
        summary = _("Highest: %(best)s, %(best_rate)s %%. Lowest: %(worst)s, %(worst_rate)s %%.") % {
            "best": best.label,
            "best_rate": charts.format_number(best_rate),
            "worst": worst.label,
            "worst_rate": charts.format_number(worst_rate),
        }
    else:
        summary = _("Nobody has been invited yet.")
    return charts.web_chart(svg, title, summary)


def submissions_chart(survey: Survey, points: list[tuple[datetime.date, int]], invited: int) -> charts.WebChart:
    """Submitted responses, added up day by day from the opening, with today and the deadline marked."""
    title = _("Submissions over time")
    today = timezone.localdate()
    opens, closes = timezone.localdate(survey.opens_at), timezone.localdate(survey.closes_at)
    start = min([opens] + [day for day, _total in points])
    marks = [(today, _("Today"))] if start <= today <= closes else []
    marks.append((closes, _("Deadline")))
    with charts.for_screen():
        svg = charts.cumulative_line(
            points, start=start, end=closes, marks=marks, top=invited, axis_label=_("Submitted")
        )
    submitted = points[-1][1] if points else 0
    summary = _("%(submitted)s of %(invited)s invited organisations have submitted; the deadline is %(deadline)s.") % {
        "submitted": submitted,
        "invited": invited,
        "deadline": closes.strftime("%-d.%-m.%Y"),
    }
    return charts.web_chart(svg, title, summary)


def cross_table_chart(table: CrossTable) -> charts.WebChart | None:
    """The rows of a cross-table as bars split by the columns' options, in percent of each row.

    Drawn only when the columns' question is a single choice (each row's parts then add up to 100 %) and a row
    has figures to show; the table beside it holds every count.
    """
    shown = [row for row in table.rows if not row.hidden and row.total]
    if table.columns_question.type != Question.Type.SINGLE_CHOICE or not shown:
        return None
    series = [(label, [row.cells[index].share for row in shown]) for index, label in enumerate(table.columns)]
    with charts.for_screen():
        svg = charts.stacked_bars(
            [row.label for row in shown], series, axis_label=_("Share of the row's organisations (%)")
        )
    title = _("%(rows)s by %(columns)s") % {"rows": table.rows_question.code, "columns": table.columns_question.code}
    largest = [
        f"{row.label}: {max(zip(row.cells, table.columns, strict=True), key=lambda pair: pair[0].count)[1]}"
        for row in shown
    ]
    summary = _("The most common answer in each row: %(answers)s.") % {"answers": "; ".join(largest)}
    return charts.web_chart(svg, title, summary)
