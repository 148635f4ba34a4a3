"""Charts of the development plan report: matplotlib (Agg, no GUI) drawn to SVG with the text kept as text."""

import hashlib
import io
import re
import textwrap
from collections.abc import Sequence

import matplotlib
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from matplotlib.figure import Figure
from matplotlib.patches import Patch

# No GUI backend, ever: charts are drawn on a worker with no display.
matplotlib.use("Agg")

# Okabe–Ito: told apart by readers with any common colour-vision deficiency, and dark enough on white.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#999999"]
PRIMARY = PALETTE[0]
TEXT_COLOUR = "#1a1a1a"
GRID_COLOUR = "#d0d0d0"

# Applied to every chart with rc_context, so nothing leaks into other users of matplotlib in the process.
STYLE = {
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
}

WIDTH_IN = 6.3  # the text width of an A4 page with the report's margins
LABEL_WIDTH = 34  # characters per line of a wrapped label
LABEL_LINES = 3
SVG_START = re.compile(r"^.*?(?=<svg\b)", re.S)
METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
SVG_ID = re.compile(r'\bid="([^"]+)"')
SVG_ID_OR_REFERENCE = re.compile(r'(\bid="|#)([A-Za-z_][\w.\-]*)')


def wrap_label(text: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """A label wrapped to a few short lines; what does not fit ends in an ellipsis."""
    wrapped = textwrap.wrap(str(text), width, break_long_words=True) or [""]
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        wrapped[-1] = wrapped[-1][: width - 1].rstrip() + "…"
    return "\n".join(wrapped)


def _figure(height_in: float) -> Figure:
    # A bare Figure is not registered with pyplot, so it is freed as soon as it is dropped.
    return Figure(figsize=(WIDTH_IN, max(height_in, 1.2)), layout="constrained")


def _to_svg(figure: Figure) -> str:
    """The figure as inline SVG: no XML prolog, no metadata, ids made unique to this chart."""
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


def _empty(figure: Figure) -> None:
    axes = figure.subplots()
    axes.set_axis_off()
    axes.text(0.5, 0.5, _("No data"), ha="center", va="center", transform=axes.transAxes)


def _number(value: float, decimals: int = 0) -> str:
    return number_format(value, decimals, force_grouping=True)


def horizontal_bars(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    axis_label: str = "",
    percent: bool = False,
    counts: Sequence[int] | None = None,
    colour: str = PRIMARY,
) -> str:
    """One bar per label, longest labels wrapped; each bar carries its value (and count, when given)."""
    labels = [wrap_label(label) for label in labels]
    lines = sum(label.count("\n") + 1 for label in labels)
    with matplotlib.rc_context(STYLE):
        figure = _figure(0.45 + 0.2 * lines + 0.12 * len(labels))
        if not labels:
            _empty(figure)
            return _to_svg(figure)
        axes = figure.subplots()
        positions = list(range(len(labels)))
        axes.barh(positions, values, color=colour, height=0.65)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.tick_params(axis="y", length=0)
        top = max(values, default=0) or 1
        axes.set_xlim(0, (100 if percent else top) * 1.18)
        for position, value in enumerate(values):
            text = f"{_number(value)} %" if percent else _number(value, 0 if float(value).is_integer() else 1)
            if counts is not None:
                text += f" ({counts[position]})"
            axes.text(value + top * 0.01, position, text, va="center", fontsize=8)
        axes.xaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_xlabel(axis_label)
        return _to_svg(figure)


def stacked_bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, axis_label: str = "") -> str:
    """Horizontal bars split into parts (e.g. m² in use and vacant), with a legend of the parts."""
    labels = [wrap_label(label) for label in labels]
    with matplotlib.rc_context(STYLE):
        figure = _figure(0.9 + 0.32 * len(labels))
        if not labels:
            _empty(figure)
            return _to_svg(figure)
        axes = figure.subplots()
        positions = list(range(len(labels)))
        left = [0.0] * len(labels)
        for index, (name, values) in enumerate(series):
            values = [float(v) for v in values]
            axes.barh(positions, values, left=left, color=PALETTE[index % len(PALETTE)], height=0.65, label=name)
            left = [a + b for a, b in zip(left, values, strict=True)]
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.tick_params(axis="y", length=0)
        axes.xaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_xlabel(axis_label)
        figure.legend(loc="outside lower center", ncols=len(series), frameon=False)
        return _to_svg(figure)


def distribution(labels: Sequence[str], counts: Sequence[int], *, axis_label: str = "") -> str:
    """A scale's answers as upright bars, one per point, each with its count."""
    labels = [wrap_label(label, width=16, lines=3) for label in labels]
    with matplotlib.rc_context(STYLE):
        figure = _figure(2.4)
        if not labels:
            _empty(figure)
            return _to_svg(figure)
        axes = figure.subplots()
        positions = list(range(len(labels)))
        axes.bar(positions, counts, color=PRIMARY, width=0.6)
        axes.set_xticks(positions, labels)
        axes.tick_params(axis="x", length=0)
        top = max(counts, default=0) or 1
        axes.set_ylim(0, top * 1.2)
        for position, count in enumerate(counts):
            axes.text(position, count + top * 0.02, _number(count), ha="center", va="bottom", fontsize=8)
        axes.yaxis.grid(True, color=GRID_COLOUR, linewidth=0.5)
        axes.yaxis.get_major_locator().set_params(integer=True)
        axes.set_axisbelow(True)
        if axis_label:
            axes.set_ylabel(axis_label)
        return _to_svg(figure)


def timeline(
    rows: Sequence[tuple[str, int, int, str]],
    quarters: Sequence[str],
    statuses: Sequence[tuple[str, str]] = (),
) -> str:
    """Measures as horizontal bars from their first to their last quarter.

    rows: (label, index of the first quarter, index of the last quarter, status) with indexes into `quarters`;
    statuses: (status, its label) in the order the legend lists them.
    """
    labels = [wrap_label(label, width=30, lines=2) for label, *_rest in rows]
    lines = sum(label.count("\n") + 1 for label in labels)
    colours = {status: PALETTE[index % len(PALETTE)] for index, (status, _label) in enumerate(statuses)}
    with matplotlib.rc_context(STYLE):
        figure = _figure(1.1 + 0.2 * lines + 0.14 * len(labels))
        if not rows or not quarters:
            _empty(figure)
            return _to_svg(figure)
        axes = figure.subplots()
        for position, (_label, first, last, status) in enumerate(rows):
            axes.barh(position, last - first + 1, left=first, color=colours.get(status, PRIMARY), height=0.6)
        axes.set_yticks(range(len(labels)), labels)
        axes.invert_yaxis()
        axes.tick_params(axis="y", length=0)
        axes.set_xlim(0, len(quarters))
        # Every quarter is labelled when they fit; over a long plan only the first quarter of each year.
        step_all = len(quarters) <= 12
        ticks = [i for i, q in enumerate(quarters) if step_all or q.endswith("Q1") or i == 0]
        axes.set_xticks([i + 0.5 for i in ticks], [quarters[i].replace("-", " ") for i in ticks])
        axes.tick_params(axis="x", length=0, labelsize=7.5)
        if step_all and len(quarters) > 6:
            for tick in axes.get_xticklabels():
                tick.set_rotation(45)
                tick.set_horizontalalignment("right")
        axes.set_xticks(range(len(quarters) + 1), minor=True)
        axes.xaxis.grid(True, which="minor", color=GRID_COLOUR, linewidth=0.5)
        axes.set_axisbelow(True)
        used = {status for *_rest, status in rows}
        handles = [Patch(color=colours[s], label=label) for s, label in statuses if s in used]
        if handles:
            figure.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5), frameon=False)
        return _to_svg(figure)
