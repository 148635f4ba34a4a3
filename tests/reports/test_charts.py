"""The report's charts: inline SVG with text kept as text, wrapped labels, no leaked figures or settings."""

import gc
import re
from html import unescape

import matplotlib
import pytest
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext_lazy
from matplotlib.figure import Figure

from teknokyla.core import charts

QUARTERS = [f"{year}-Q{q}" for year in (2025, 2026) for q in (1, 2, 3, 4)]
STATUSES = [("proposed", "proposed"), ("in_progress", "in progress"), ("done", "done")]


def texts(svg: str) -> list[str]:
    """The text of every <text> element, as a reader of the PDF would select it."""
    return [
        unescape(re.sub(r"<[^>]+>", "", body)).strip() for body in re.findall(r"<text\b[^>]*>(.*?)</text>", svg, re.S)
    ]


def every_chart() -> dict[str, str]:
    return {
        "bars": charts.horizontal_bars(["Kosmos", "Åbo Öljy ja Ääni"], [3, 12], axis_label="Organisaatiot"),
        "percent": charts.horizontal_bars(["Kyllä", "Ei"], [62.5, 37.5], percent=True, counts=[5, 3]),
        "stacked": charts.stacked_bars(["Louhi", "Sampo"], [("Käytössä", [120, 300]), ("Vapaana", [80, 0])]),
        "scale": charts.distribution(["1 – Erittäin huonosti", "2", "3", "4", "5 – Erittäin hyvin"], [0, 1, 4, 2, 1]),
        "timeline": charts.timeline(
            [("Yhteislaboratorio", 0, 3, "in_progress"), ("Työpaja", 4, 7, "done")], QUARTERS, STATUSES
        ),
    }


@pytest.mark.parametrize("name", ["bars", "percent", "stacked", "scale", "timeline"])
def test_every_chart_is_inline_svg_with_its_words_as_text(name):
    svg = every_chart()[name]
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg and "<metadata>" not in svg
    # svg.fonttype "none": words are <text> in DejaVu Sans, not outlines of glyphs.
    assert "DejaVu Sans" in svg
    assert "glyph" not in svg.lower() and "DejaVuSans-" not in svg
    assert texts(svg)


def test_nordic_letters_and_values_are_written_as_text():
    chart_texts = {name: texts(svg) for name, svg in every_chart().items()}
    assert "Åbo Öljy ja Ääni" in chart_texts["bars"]
    assert "Organisaatiot" in chart_texts["bars"]
    assert {"12", "3"} <= set(chart_texts["bars"])
    assert {"Käytössä", "Vapaana", "Louhi"} <= set(chart_texts["stacked"])
    assert "Yhteislaboratorio" in chart_texts["timeline"]
    assert {"In progress", "Done"} <= set(chart_texts["timeline"])  # the legend names only the statuses used
    assert "Proposed" not in chart_texts["timeline"]


def test_numbers_follow_the_language_and_round_like_the_tables():
    with translation.override("fi"):
        finnish = texts(charts.horizontal_bars(["Kyllä", "Ei"], [62.5, 5.5]))
        shares = texts(charts.horizontal_bars(["Kyllä", "Ei"], [62.5, 37.5], percent=True, counts=[5, 3]))
    with translation.override("en"):
        english = texts(charts.horizontal_bars(["Yes", "No"], [62.5, 5.5]))
    assert "5,5" in finnish and "5.5" in english
    assert "63 % (5)" in shares and "38 % (3)" in shares  # half up, as floatformat rounds the table beside it


def test_long_labels_wrap_to_three_lines_and_end_in_an_ellipsis():
    label = "Tukku- ja vähittäiskauppa; moottoriajoneuvojen ja moottoripyörien korjaus " * 3
    wrapped = charts.wrap_label(label)
    lines = wrapped.split("\n")
    assert len(lines) == 3
    assert all(len(line) <= charts.LABEL_WIDTH for line in lines)
    assert lines[-1].endswith("…")
    assert charts.wrap_label("Kosmos") == "Kosmos"
    word = "Å" * 100  # no spaces at all: still broken into lines
    assert all(len(line) <= charts.LABEL_WIDTH for line in charts.wrap_label(word).split("\n"))

    svg = charts.horizontal_bars([label, "Lyhyt"], [1, 2])
    drawn = texts(svg)
    assert "Lyhyt" in drawn
    assert any(text.startswith("Tukku- ja vähittäiskauppa;") for text in drawn)
    assert not any(len(text) > charts.LABEL_WIDTH * 3 for text in drawn)


def test_taller_charts_for_more_rows():
    def height(svg: str) -> float:
        return float(re.search(r'height="([\d.]+)pt"', svg)[1])

    few = charts.horizontal_bars(["a", "b"], [1, 2])
    many = charts.horizontal_bars([str(n) for n in range(20)], list(range(20)))
    assert height(many) > 3 * height(few)


def test_no_data_still_draws_a_chart_that_says_so():
    with translation.override("en"):
        empty = [
            charts.horizontal_bars([], []),
            charts.stacked_bars([], []),
            charts.distribution([], []),
            charts.timeline([], []),
        ]
    for svg in empty:
        assert svg.startswith("<svg")
        assert texts(svg) == ["No data"]


def test_text_from_the_data_is_escaped():
    svg = charts.horizontal_bars(['<script>alert("x")</script> & Co'], [1])
    assert "<script>" not in svg
    assert '<script>alert("x")</script> & Co' in texts(svg)


def test_ids_are_unique_to_each_chart_and_references_follow_them():
    first, second = charts.horizontal_bars(["a"], [1]), charts.horizontal_bars(["b"], [2])
    first_ids = set(re.findall(r'\bid="([^"]+)"', first))
    second_ids = set(re.findall(r'\bid="([^"]+)"', second))
    assert first_ids and not first_ids & second_ids
    for svg, ids in ((first, first_ids), (second, second_ids)):
        references = set(re.findall(r"url\(#([^)]+)\)", svg)) | set(re.findall(r'href="#([^"]+)"', svg))
        assert references and references <= ids
    # Colours are not ids: "#0072b2" stays a colour.
    assert "#0072b2" in first.lower()


def test_a_title_gives_the_chart_its_alt_text():
    svg = charts.with_title(charts.horizontal_bars(["a"], [1]), 'Yritykset <"rakennuksittain"> & muut')
    assert re.match(r"<svg\b[^>]*><title>Yritykset &lt;&quot;rakennuksittain&quot;&gt; &amp; muut</title>", svg)


def test_the_same_data_gives_the_same_svg():
    assert charts.horizontal_bars(["a", "b"], [1, 2]) == charts.horizontal_bars(["a", "b"], [1, 2])


def test_the_timeline_labels_quarters_and_only_years_over_a_long_plan():
    short = texts(charts.timeline([("A", 0, 1, "proposed")], QUARTERS[:4], STATUSES))
    assert {"2025 Q1", "2025 Q2", "2025 Q3", "2025 Q4"} <= set(short)
    quarters = [f"{year}-Q{q}" for year in range(2024, 2030) for q in (1, 2, 3, 4)]
    long = texts(charts.timeline([("A", 0, 23, "done")], quarters, STATUSES))
    assert "2027 Q1" in long and "2027 Q2" not in long


def test_charts_leave_no_figure_or_setting_behind():
    before = dict(matplotlib.rcParams)
    gc.collect()
    figures_before = sum(isinstance(o, Figure) for o in gc.get_objects())
    for _ in range(10):
        every_chart()
    gc.collect()
    assert sum(isinstance(o, Figure) for o in gc.get_objects()) == figures_before
    import matplotlib.pyplot as plt  # only to check that nothing was opened through it

    assert plt.get_fignums() == []
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.get_backend().lower() == "agg"


def test_a_drawn_chart_is_kept_until_its_data_width_or_language_changes():
    """Drawing costs tens of milliseconds: the same inputs are read from the cache, any change draws anew."""

    def kept() -> int:
        return len(cache.keys("chart:*"))

    first = charts.horizontal_bars(["Kosmos", "Sampo"], [3, 12], axis_label=gettext_lazy("Submitted"))
    assert kept() == 1
    assert charts.horizontal_bars(["Kosmos", "Sampo"], [3, 12], axis_label=gettext_lazy("Submitted")) == first
    assert kept() == 1
    changed = charts.horizontal_bars(["Kosmos", "Sampo"], [3, 13], axis_label=gettext_lazy("Submitted"))
    assert "13" in texts(changed) and "13" not in texts(first)
    with charts.for_screen():
        narrow = charts.horizontal_bars(["Kosmos", "Sampo"], [3, 12], axis_label=gettext_lazy("Submitted"))
    assert narrow != first
    with translation.override("sv"):
        swedish = charts.horizontal_bars(["Kosmos", "Sampo"], [3, 12], axis_label=gettext_lazy("Submitted"))
    assert "Inskickade" in texts(swedish) and "Inskickade" not in texts(first)
    assert kept() == 4
    with charts.as_png():
        png = charts.horizontal_bars(["Kosmos", "Sampo"], [3, 12], axis_label=gettext_lazy("Submitted"))
    assert png.startswith(b"\x89PNG")  # type: ignore[attr-defined]
    assert kept() == 4  # print-size images for Word are drawn when asked, not kept
