"""Charts of the portal (the plan report, the dashboard, the workforce and findings pages): matplotlib (Agg, no GUI)
drawn to SVG with the text kept as text. They live in core so that every app may draw one; they know no app.

Inside `as_png()` the same functions give PNG bytes at print resolution instead (the Word edition's images);
inside `for_screen()` they are sized for a web page.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime
import functools
import hashlib
import io
import json
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from html import escape
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.typing import RcKeyType

# Okabe–Ito: told apart by readers with any common colour-vision deficiency, and dark enough on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#999999"]
PRIMARY = PALETTE[0]
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d0d0d0"

# Applied to every chart with rc_context, so nothing leaks into other users of matplotlib in the process.
STYLE: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",  # text stays <text>: selectable, searchable, å/ä/ö drawn by the PDF's own font
    "svg.hashsalt": "teknokyla-report",  # stable ids, so the same data gives the same SVG
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": GRID_COLOUR,
    "axes.labelcolor": TEXT_COLOUR,
    "axes.titlesize": 10,
    "text.color": TEXT_COLOUR,
    "xtick.color": TEXT_COLOUR,
    "ytick.color": TEXT_COLOUR,
    "axes.spines.top": False,
    "axes.spines.right": False,
    # No tick marks: the grid carries the scale, and every mark is one more SVG node for the PDF to draw.
    "xtick.major.size": 0,
    "ytick.major.size": 0,
    "xtick.minor.size": 0,
    "ytick.minor.size": 0,
}

WIDTH_IN = 6.3  # the text width of an A4 page with the report's margins
SCREEN_WIDTH_IN = 4.6  # a web page's chart: narrower, so its text stays readable when a phone scales it down
_width = contextvars.ContextVar("chart_width", default=WIDTH_IN)
LABEL_WIDTH = 34  # characters per line of a wrapped label
LABEL_LINES = 3
CHAR_IN = 0.066  # the average width of a character of a 9 pt DejaVu Sans label, in inches
ROW_IN = 0.3  # the plot height of one bar
LINE_IN = 0.15  # the height of each further line of a wrapped label
BAR_IN = 0.2
PNG_DPI = 300  # print resolution: a chart 6.3 in wide is about 1,900 pixels
SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
SVG_ID = re.compile(r'\bid="([^"]+)"')
SVG_ID_OR_REFERENCE = re.compile(r'(\bid="|#)([A-Za-z_][\w.\-]*)')


@contextlib.contextmanager
def _figure(**options) -> Iterator[Figure]:
    """A new figure drawn in the portal's style.

    matplotlib (with numpy, about 40 MB) is imported on the first chart a process draws, not when the portal
    starts: a web worker serves the kept drawings (below) and may never draw one.
    """
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.use("Agg")  # no GUI backend, ever: charts are drawn on a worker with no display
    with matplotlib.rc_context(STYLE):
        yield Figure(**options)


# A drawn chart is kept in the cache under the hash of everything that shapes it: the function and its arguments,
# the width, the language (numbers are formatted in it) and this module's own source with matplotlib's version, so a
# deploy that changes how charts are drawn never shows an old drawing. Drawing one costs 30–60 ms of CPU; the
# dashboards draw several on every view, and their data changes far less often than they are looked at.
CACHE_SECONDS = 24 * 60 * 60
_DRAWING_VERSION = hashlib.sha256(Path(__file__).read_bytes() + version("matplotlib").encode()).hexdigest()[:16]


def _kept(draw: Callable[..., str]) -> Callable[..., str]:
    """Keep the SVG that `draw` returns in the cache, keyed by its inputs; PNG (as_png()) is always drawn anew."""

    @functools.wraps(draw)
    def kept(*args, **kwargs) -> str:
        if _PNG.get():
            return draw(*args, **kwargs)
        inputs = json.dumps(
            [draw.__name__, args, kwargs, _width.get(), get_language(), _DRAWING_VERSION],
            default=str,  # lazy texts in the active language, dates, decimals
            ensure_ascii=False,
            sort_keys=True,
        )
        key = "chart:" + hashlib.sha256(inputs.encode()).hexdigest()
        svg = cache.get(key)
        if svg is None:
            svg = draw(*args, **kwargs)
            cache.set(key, svg, CACHE_SECONDS)
        return svg

    return kept


def wrap_label(text: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """A label wrapped to a few short lines; what does not fit ends in an ellipsis."""
    wrapped = textwrap.wrap(str(text), width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _longest_line(labels: Sequence[str]) -> int:
    return max((len(line) for label in labels for line in label.split("\n")), default=0)


def _lines(label: str) -> int:
    return label.count("\n") + 1


def _axes(figure: Figure, plot_height: float, *, left: float, bottom: float, top: float = 0.12, right: float = 0.3):
    """Axes placed by hand, in inches: cheaper than a layout engine, which draws every chart twice."""
    height = plot_height + bottom + top
    width = _width.get()
    figure.set_size_inches(width, height)
    left = min(left, width * 0.55)
    return figure.add_axes((left / width, bottom / height, (width - left - right) / width, plot_height / height))


@contextlib.contextmanager
def for_screen():
    """Charts drawn inside are sized for a web page rather than the report's A4 page."""
    token = _width.set(SCREEN_WIDTH_IN)
    try:
        yield
    finally:
        _width.reset(token)


LEGEND_ENTRY_IN = 0.6  # a legend entry's colour patch, the gap after it and the space before the next column
LEGEND_ROW_IN = 0.22


def _legend_columns(labels: Sequence[str], most: int, width: float) -> int:
    """The most columns, up to `most`, whose entries fit the figure's width (matplotlib fills column by column)."""
    for columns in range(max(min(most, len(labels)), 1), 1, -1):
        # As matplotlib splits them: the first `longer` columns hold one entry more than the rest.
        rows, longer = divmod(len(labels), columns)
        sizes = [rows + 1] * longer + [rows] * (columns - longer)
        starts = [sum(sizes[:index]) for index in range(columns)]
        needed = sum(
            LEGEND_ENTRY_IN + CHAR_IN * max(len(label) for label in labels[start : start + size])
            for start, size in zip(starts, sizes, strict=True)
        )
        if needed <= width * 0.95:
            return columns
    return 1


def _legend(figure: Figure, *, ncols: int, handles=None) -> None:
    """A legend under the chart, in as many rows as its labels need to fit the width (Swedish labels are longer);
    the figure grows by the extra rows and the axes keep their size."""
    if handles is None:
        handles, labels = figure.axes[0].get_legend_handles_labels()
    else:
        labels = [handle.get_label() for handle in handles]
    width, height = figure.get_size_inches()
    columns = _legend_columns([str(label) for label in labels], ncols, width)
    extra = (-(-len(labels) // columns) - 1) * LEGEND_ROW_IN
    if extra:
        for axes in figure.axes:
            left, bottom, axes_width, axes_height = axes.get_position().bounds
            grown = height + extra
            axes.set_position((left, (bottom * height + extra) / grown, axes_width, axes_height * height / grown))
        figure.set_size_inches(width, height + extra)
    figure.legend(handles, labels, loc="lower center", bbox_to_anchor=(0.5, 0.0), frameon=False, ncols=columns)


_PNG = contextvars.ContextVar("charts_as_png", default=False)


@contextlib.contextmanager
def as_png() -> Iterator[None]:
    """Within this block every chart function returns PNG bytes at PNG_DPI instead of SVG text."""
    token = _PNG.set(True)
    try:
        yield
    finally:
        _PNG.reset(token)


def _to_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", dpi=PNG_DPI, facecolor="white", metadata={"Software": None})
    finally:
        figure.clear()
    return buffer.getvalue()


def _to_svg(figure: Figure) -> str:
    """The figure as inline SVG: no XML prolog, no metadata, ids made unique to this chart (PNG in as_png())."""
    if _PNG.get():
        # Inside as_png() every chart function gives PNG bytes; its callers there (the Word edition) expect them.
        return _to_png(figure)  # type: ignore[return-value]
    buffer = io.StringIO()
    try:
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    finally:
        figure.clear()
    svg = METADATA.sub("", SVG_START.sub("", buffer.getvalue(), count=1))
    # Several charts live in one HTML document: their clip-path ids must not collide.
    prefix = "c" + hashlib.sha1(svg.encode(), usedforsecurity=False).hexdigest()[:8] + "-"
    ids = set(SVG_ID.findall(svg))

    def prefixed(match: re.Match) -> str:
        name = match.group(2)
        return match.group(1) + (prefix + name if name in ids else name)

    return SVG_ID_OR_REFERENCE.sub(prefixed, svg).strip()


def with_title(svg: str, title: str) -> str:
    """The chart with its alt text as the SVG's <title>: a tagged PDF gives it to the chart's Figure as /Alt."""
    opening = svg.index(">") + 1
    return f"{svg[:opening]}<title>{escape(title)}</title>{svg[opening:]}"


def _empty() -> str:
    with _figure(figsize=(_width.get(), 0.6)) as figure:
        figure.text(0.5, 0.5, _("No data"), ha="center", va="center")
        return _to_svg(figure)


def format_number(value: float, decimals: int = 0) -> str:
    """A number in the active language's format, rounded half up like the floatformat filter of the tables."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    return number_format(rounded, decimals, force_grouping=True)


def _label_width(labels: Sequence[str]) -> float:
    """Inches needed left of the axes for the labels."""
    return 0.2 + CHAR_IN * _longest_line(labels)


def _rows(axes, labels: Sequence[str]) -> list[float]:
    """The centre of each label's row, top down, in inches: a label of several lines gets a taller row."""
    centres, top = [], 0.0
    for label in labels:
        height = ROW_IN + LINE_IN * (_lines(label) - 1)
        centres.append(top + height / 2)
        top += height
    axes.set_yticks(centres, labels)
    axes.set_ylim(top, 0)
    return centres


def _rows_height(labels: Sequence[str]) -> float:
    return sum(ROW_IN + LINE_IN * (_lines(label) - 1) for label in labels)


@_kept
def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    axis_label: str = "",
    percent: bool = False,
    counts: Sequence[int] | None = None,
    colour: str = PRIMARY,
) -> str:
    """One bar per label, long labels wrapped; each bar carries its value (and count, when given)."""
    if not labels:
        return _empty()
    labels = [wrap_label(label) for label in labels]
    values = [float(value) for value in values]
    with _figure() as figure:
        axes = _axes(figure, _rows_height(labels), left=_label_width(labels), bottom=0.5 if axis_label else 0.3)
        positions = _rows(axes, labels)
        axes.barh(positions, values, color=colour, height=BAR_IN)
        if percent:
            axes.set_xticks(range(0, 101, 20))
        else:
            axes.xaxis.get_major_locator().set_params(integer=True)
        top = max(values, default=0) or 1
        axes.set_xlim(0, (100 if percent else top) * 1.2)
        for position, value in enumerate(values):
            text = f"{format_number(value)} %" if percent else format_number(value, 0 if value.is_integer() else 1)
            if counts is not None:
                text += f" ({format_number(counts[position])})"
            axes.text(value + top * 0.01, positions[position], text, va="center", fontsize=8)
        axes.xaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_xlabel(axis_label)
        return _to_svg(figure)


@_kept
def stacked_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, axis_label: str = "") -> str:
    """Horizontal bars split into parts (e.g. m² in use and vacant), with a legend of the parts."""
    if not labels:
        return _empty()
    labels = [wrap_label(label) for label in labels]
    with _figure() as figure:
        axes = _axes(figure, _rows_height(labels), left=_label_width(labels), bottom=0.8 if axis_label else 0.6)
        positions = _rows(axes, labels)
        left = [0.0] * len(labels)
        for index, (name, values) in enumerate(series):
            values = [float(v) for v in values]
            axes.barh(positions, values, left=left, color=PALETTE[index % len(PALETTE)], height=BAR_IN, label=name)
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.xaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_xlabel(axis_label)
        _legend(figure, ncols=max(len(series), 1))
        return _to_svg(figure)


@_kept
def distribution(labels: Sequence[str], counts: Sequence[int], *, axis_label: str = "") -> str:
    """A scale's answers as upright bars, one per point, each with its count."""
    if not labels:
        return _empty()
    labels = [wrap_label(label, width=16, lines=3) for label in labels]
    with _figure() as figure:
        bottom = 0.15 + LINE_IN * max(_lines(label) for label in labels)
        axes = _axes(figure, 1.5, left=0.6, bottom=bottom)
        positions = list(range(len(labels)))
        axes.bar(positions, counts, color=PRIMARY, width=0.6)
        axes.set_xticks(positions, labels)
        top = max(counts, default=0) or 1
        axes.set_ylim(0, top * 1.2)
        for position, count in enumerate(counts):
            axes.text(position, count + top * 0.02, format_number(count), ha="center", va="bottom", fontsize=8)
        axes.yaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_ylabel(axis_label)
        return _to_svg(figure)


@_kept
def timeline(
    rows: Sequence[tuple[str, int, int, str]],
    quarters: Sequence[str],
    statuses: Sequence[tuple[str, str | Promise]] = (),
) -> str:
    """Measures as horizontal bars from their first to their last quarter.

    rows: (label, index of the first quarter, index of the last quarter, status) with indexes into `quarters`;
    statuses: (status, its label) in the order the legend lists them.
    """
    if not rows or not quarters:
        return _empty()
    labels = [wrap_label(label, width=30, lines=2) for label, *_rest in rows]
    colours = {status: PALETTE[index % len(PALETTE)] for index, (status, _label) in enumerate(statuses)}
    # Every quarter is labelled when they fit; over a long plan only the first quarter of each year.
    every_quarter = len(quarters) <= 12
    slanted = every_quarter and len(quarters) > 6
    with _figure() as figure:
        bottom = (0.6 if slanted else 0.35) + 0.3
        axes = _axes(figure, _rows_height(labels), left=_label_width(labels), bottom=bottom)
        positions = _rows(axes, labels)
        for position, (_label, first, last, status) in zip(positions, rows, strict=True):
            axes.barh(position, last - first + 1, left=first, color=colours.get(status, PRIMARY), height=BAR_IN)
        axes.set_xlim(0, len(quarters))
        ticks = [i for i, q in enumerate(quarters) if every_quarter or q.endswith("Q1") or i == 0]
        axes.set_xticks([i + 0.5 for i in ticks], [quarters[i].replace("-", " ") for i in ticks])
        axes.tick_params(axis="x", labelsize=7.5)
        if slanted:
            for tick in axes.get_xticklabels():
                tick.set_rotation(45)
                tick.set_horizontalalignment("right")
                tick.set_rotation_mode("anchor")
        axes.set_xticks(range(len(quarters) + 1), minor=True)
        axes.xaxis.grid(True, which="minor", color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        from matplotlib.patches import Patch

        used = {status for *_rest, status in rows}
        handles = [Patch(color=colours[s], label=capfirst(str(label))) for s, label in statuses if s in used]
        if handles:
            _legend(figure, handles=handles, ncols=min(len(handles), 5))
        return _to_svg(figure)


@_kept
def diverging_bars(
    labels: Sequence[str], values: Sequence[float], *, negative_label: str, positive_label: str, axis_label: str = ""
) -> str:
    """Bars either side of zero, one per label: positive values (e.g. shortages) right, negative ones left."""
    if not labels:
        return _empty()
    labels = [wrap_label(label) for label in labels]
    values = [float(value) for value in values]
    positive, negative = PALETTE[3], PALETTE[0]
    with _figure() as figure:
        axes = _axes(figure, _rows_height(labels), left=_label_width(labels), bottom=0.85 if axis_label else 0.6)
        positions = _rows(axes, labels)
        axes.barh(positions, values, color=[positive if v > 0 else negative for v in values], height=BAR_IN)
        low, high = min(min(values), 0), max(max(values), 0)
        reach = (high - low) or 1
        axes.set_xlim(low - reach * 0.15, high + reach * 0.15)
        axes.axvline(0, color=TEXT_COLOUR, linewidth=0.8)
        for position, value in zip(positions, values, strict=True):
            text = format_number(value, 0 if value.is_integer() else 1)
            offset = reach * 0.02 * (1 if value >= 0 else -1)
            axes.text(value + offset, position, text, va="center", ha="left" if value >= 0 else "right", fontsize=8)
        axes.xaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_xlabel(axis_label)
        from matplotlib.patches import Patch

        handles = [Patch(color=positive, label=positive_label), Patch(color=negative, label=negative_label)]
        _legend(figure, handles=handles, ncols=2)
        return _to_svg(figure)


@_kept
def cumulative_line(
    points: Sequence[tuple[datetime.date, int]],
    *,
    start: datetime.date,
    end: datetime.date,
    marks: Sequence[tuple[datetime.date, str]] = (),
    top: int = 0,
    axis_label: str = "",
) -> str:
    """A running total over days, as steps from `start` to the last point, with dated vertical marks (today, a
    deadline) across a time axis from `start` to `end`; `top` is where the total would be complete."""
    days = [start] + [day for day, _total in points]
    totals = [0] + [total for _day, total in points]
    with _figure() as figure:
        axes = _axes(figure, 1.8, left=0.6, bottom=0.5, top=0.3)
        axes.step(days, totals, where="post", color=PRIMARY, linewidth=2)
        axes.set_xlim(start, max(end, days[-1], start + datetime.timedelta(days=7)))
        axes.set_ylim(0, max(top, totals[-1], 1) * 1.1)
        if top:
            axes.axhline(top, color=GRID_COLOUR, linewidth=1, linestyle=":")
        for index, (day, label) in enumerate(marks):
            colour = PALETTE[3] if index else TEXT_COLOUR
            axes.axvline(day, color=colour, linewidth=1, linestyle="--")
            axes.annotate(
                label,
                (day, 1.0),
                xycoords=("data", "axes fraction"),
                xytext=(3, 2),
                textcoords="offset points",
                fontsize=8,
                color=colour,
                va="bottom",
                ha="left" if index == 0 else "right",
            )
        from matplotlib.dates import AutoDateLocator, DateFormatter

        locator = AutoDateLocator(maxticks=6)
        axes.xaxis.set_major_locator(locator)
        axes.xaxis.set_major_formatter(DateFormatter("%-d.%-m.%Y"))
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.yaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_ylabel(axis_label)
        return _to_svg(figure)


@dataclass(frozen=True)
class WebChart:
    """A chart for a web page: its title, a short summary that a screen reader reads, and the image's address."""

    title: str
    summary: str
    image: str


def web_chart(svg: str, title: str, summary: str) -> WebChart:
    """The chart as an image of its own (a data: address), so the page's CSP needs no inline style for it."""
    image = "data:image/svg+xml;base64," + base64.b64encode(with_title(svg, title).encode()).decode("ascii")
    return WebChart(title, f"{title}. {summary}", image)
