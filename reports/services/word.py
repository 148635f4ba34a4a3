"""The development plan as a Word document (python-docx), from the same gathered data and in the same order as the PDF.

Headings use Word's own Heading 1–4 styles (the navigation pane and Word's table of contents read them), charts
are PNG pictures at print resolution with their alternative text, tables are Word tables whose header row repeats
on every page, and every paragraph carries its language (w:lang), Finnish where a text fell back to Finnish.
"""

import io
import re
from collections.abc import Set as AbstractSet
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from teknokyla.core import charts

if TYPE_CHECKING:
    from docx.text.paragraph import Paragraph

from .report import MIN_GROUP, PROJECT_NAME, PUBLISHER, report_charts

# The language tags Word and LibreOffice know: Swedish as written in Finland, British English.
LANGUAGE_TAGS = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}
FALLBACK_LANGUAGE = "fi"
TEXT_WIDTH = Cm(16)  # the text width of an A4 page with 2.5 cm margins
PICTURE_WIDTH = TEXT_WIDTH
NUMBER_COLUMN = Cm(2.2)
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MUTED = RGBColor(0x4A, 0x4A, 0x4A)
WHITE_SPACE = re.compile(r"\s+")


def language_of(text) -> str | None:
    """The language a gathered text is really in when it differs from the report's (a fallback), else None."""
    return getattr(text, "lang", None)


class _Writer:
    """Appends the report's parts to one python-docx Document, tagging every paragraph with its language."""

    def __init__(self, language: str):
        self.language = language
        self.document = Document()
        self._set_up_page()
        self._set_up_styles()

    # Plumbing -----------------------------------------------------------------------------------------------------

    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Cm(2.5)
        section.top_margin = section.bottom_margin = Cm(2.2)

    def _set_up_styles(self) -> None:
        styles = self.document.styles
        normal = styles["Normal"]
        normal.font.name = "DejaVu Sans"
        normal.font.size = Pt(10)
        # The document's default language: Word's spelling and a screen reader's voice follow it.
        _set_run_language(normal.element.get_or_add_rPr(), LANGUAGE_TAGS[self.language])
        for name, size in (("Heading 1", 18), ("Heading 2", 13), ("Heading 3", 11), ("Heading 4", 10)):
            styles[name].font.size = Pt(size)
            styles[name].font.name = "DejaVu Sans"
        # Word's TOC field finds the headings by these styles; nothing else is needed for its own contents.

    def add_text(self, paragraph, text, *, language: str | None = None) -> list:
        """Append `text` (a string, or a tuple of parts such as a number and a title) as runs, each part in its
        own language: a part that fell back to Finnish is Finnish, the rest the report's (or `language`)."""
        parts = [part for part in (text if isinstance(text, tuple) else (text,)) if part != ""]
        runs = []
        for part in parts:
            run = paragraph.add_run(str(part))
            tag = LANGUAGE_TAGS[language or language_of(part) or self.language]
            _set_run_language(run._r.get_or_add_rPr(), tag)
            runs.append(run)
        # The paragraph's own language: Finnish when all of it is, else the report's.
        languages = {language or language_of(part) for part in parts}
        self.tag(paragraph, languages.pop() if len(languages) == 1 else None, runs=False)
        return runs

    def tag(self, paragraph, language: str | None = None, *, runs: bool = True) -> None:
        """Give the paragraph (its mark, and every run unless told not to) a language: `language`, or the report's."""
        tag = LANGUAGE_TAGS[language or self.language]
        p_pr = paragraph._p.get_or_add_pPr()
        r_pr = p_pr.find(qn("w:rPr"))
        if r_pr is None:
            r_pr = OxmlElement("w:rPr")
            p_pr.append(r_pr)
        _set_run_language(r_pr, tag)
        if runs:
            for run in paragraph.runs:
                _set_run_language(run._r.get_or_add_rPr(), tag)

    def heading(self, text, level: int):
        paragraph = self.document.add_heading("", level=level)
        self.add_text(paragraph, text)
        return paragraph

    def paragraph(self, text="", *, style: str | None = None, language: str | None = None, muted=False):
        paragraph = self.document.add_paragraph(style=style)
        for run in self.add_text(paragraph, text, language=language):
            if muted:
                run.italic = True
                run.font.color.rgb = MUTED
        return paragraph

    def no_data(self, text: str) -> None:
        self.paragraph(text, muted=True)

    def note(self, text: str) -> None:
        paragraph = self.paragraph(text)
        for run in paragraph.runs:
            run.font.size = Pt(8.5)
            run.font.color.rgb = MUTED

    def written(self, html: str) -> None:
        """Sanitised Markdown HTML (the plan's own words) as Word paragraphs; its hN (already ranked for the
        report, see report._written) becomes Heading N."""
        parser = _HtmlToWord(self, language=language_of(html))
        parser.feed(str(html))
        parser.close()

    def figure(self, chart: dict | None, caption: str) -> None:
        if not chart:
            return
        paragraph = self.document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.keep_with_next = True
        shape = paragraph.add_run().add_picture(io.BytesIO(chart["png"]), width=PICTURE_WIDTH)
        # The alternative text Word shows under "Alt Text" and a screen reader reads: the chart's every value.
        shape._inline.docPr.set("descr", chart["alt"])
        shape._inline.docPr.set("title", caption)
        self.tag(paragraph)
        self.paragraph(caption, style="Caption")

    def table(
        self, caption: str, header: list[str], rows: list[list], *, numeric: AbstractSet[int] = frozenset()
    ) -> None:
        """A Word table under its caption; the header row repeats on every page the table runs over."""
        if caption:
            self.paragraph(caption, style="Caption").paragraph_format.keep_with_next = True
        table = self.document.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        if caption:
            _table_caption(table, caption)
        head = table.rows[0]
        _repeat_header(head)
        # Figures get narrow columns, the words share the rest of the text width.
        narrow = NUMBER_COLUMN if len(numeric) < len(header) else TEXT_WIDTH / len(header)
        wide = (TEXT_WIDTH - narrow * len(numeric)) / max(len(header) - len(numeric), 1)
        widths = [narrow if index in numeric else wide for index in range(len(header))]
        for index, (cell, label) in enumerate(zip(head.cells, header, strict=True)):
            self._cell(cell, label, bold=True, right=index in numeric)
        for values in rows:
            row = table.add_row()
            _keep_row_together(row)
            _set_widths(table, row, widths)
            if len(values) < len(header):  # one text across the whole row ("no data")
                merged = row.cells[0].merge(row.cells[-1])
                self._cell(merged, values[0], italic=True)
                continue
            for index, (cell, value) in enumerate(zip(row.cells, values, strict=True)):
                self._cell(cell, value, right=index in numeric, bold=index == 0 and bool(numeric))
        _set_widths(table, head, widths)
        self.document.add_paragraph()

    def facts(self, caption: str, rows: list[tuple[str, object]]) -> None:
        """A two-column table of a thing's facts: labels on the left, no header row."""
        table = self.document.add_table(rows=0, cols=2)
        table.style = "Table Grid"
        _table_caption(table, caption)
        for label, value in rows:
            row = table.add_row()
            _keep_row_together(row)
            _set_widths(table, row, [Cm(4.5), TEXT_WIDTH - Cm(4.5)])
            self._cell(row.cells[0], label, bold=True)
            self._cell(row.cells[1], value)
        self.document.add_paragraph()

    def _cell(self, cell, value, *, bold=False, italic=False, right=False) -> None:
        lines = value if isinstance(value, list) else [value]
        paragraph = cell.paragraphs[0]
        for index, line in enumerate(lines):
            if index:
                paragraph = cell.add_paragraph()
            for run in self.add_text(paragraph, line):
                run.bold = bold or None
                run.italic = italic or None
            if right:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def page_break(self) -> None:
        self.document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def contents(self, entries: list[tuple[int, str | tuple[str, ...]]]) -> None:
        """Word's own table of contents (a TOC field over Heading 1–3), its first result written in already.

        Word fills in the page numbers when the document is opened (updateFields) or on F9; until then, and in
        readers that never update fields, the entries show without numbers.
        """
        self.heading(_("Contents"), 1)
        begin = self.document.add_paragraph()
        _field_char(begin.add_run(), "begin")
        instruction = begin.add_run()
        text = OxmlElement("w:instrText")
        text.set(qn("xml:space"), "preserve")
        text.text = ' TOC \\o "1-3" \\h \\z \\u '
        instruction._r.append(text)
        _field_char(begin.add_run(), "separate")
        self.tag(begin)
        last = begin
        for level, title in entries:
            last = self.paragraph(
                title, style=f"toc {level}" if f"toc {level}" in _style_names(self.document) else None
            )
            last.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        _field_char(last.add_run(), "end")
        settings = self.document.settings.element
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        settings.append(update)

    def running_header(self, text: str) -> None:
        section = self.document.sections[0]
        section.different_first_page_header_footer = True
        header = section.header.paragraphs[0]
        header.text = text
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        for run in header.runs:
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED
        self.tag(header)
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _page_field(footer)
        self.tag(footer)

    def save(self) -> bytes:
        buffer = io.BytesIO()
        self.document.save(buffer)
        return buffer.getvalue()


def _set_run_language(r_pr, tag: str) -> None:
    language = r_pr.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        r_pr.append(language)
    language.set(qn("w:val"), tag)


def _set_widths(table, row, widths) -> None:
    """Fixed column widths: Word honours the cells' widths, LibreOffice the grid's; both are set."""
    table.autofit = False
    for cell, width in zip(row.cells, widths, strict=False):
        cell.width = int(width)
    for column, width in zip(table.columns, widths, strict=False):
        column.width = int(width)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _keep_row_together(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement("w:cantSplit"))


def _table_caption(table, caption: str) -> None:
    """The table's title for assistive technology (Word's "Alt Text" of a table)."""
    tbl_pr = table._tbl.tblPr
    element = OxmlElement("w:tblCaption")
    element.set(qn("w:val"), caption[:250])
    tbl_pr.append(element)


def _field_char(run, kind: str) -> None:
    element = OxmlElement("w:fldChar")
    element.set(qn("w:fldCharType"), kind)
    run._r.append(element)


def _page_field(paragraph) -> None:
    _field_char(paragraph.add_run(), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = " PAGE "
    paragraph.add_run()._r.append(instruction)
    _field_char(paragraph.add_run(), "separate")
    paragraph.add_run("1")
    _field_char(paragraph.add_run(), "end")


def _style_names(document) -> set[str]:
    return {style.name for style in document.styles}


class _HtmlToWord(HTMLParser):
    """The small HTML subset render_markdown allows, as Word paragraphs, lists, quotes and tables."""

    BLOCKS = {"p", "li", "blockquote", "pre", "h2", "h3", "h4", "h5", "h6", "td", "th"}

    def __init__(self, writer: _Writer, *, language: str | None):
        super().__init__(convert_charrefs=True)
        self.writer = writer
        self.language = language
        self.paragraph: Paragraph | None = None
        self.lists: list[str] = []
        self.bold = self.italic = self.code = self.pre = 0
        self.quote = 0
        self.link: str | None = None
        self.row: list[str] | None = None
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None

    def _start(self, style: str | None = None):
        self.paragraph = self.writer.document.add_paragraph(style=style)
        return self.paragraph

    def _end(self) -> None:
        if self.paragraph is not None:
            self.writer.tag(self.paragraph, self.language)
        self.paragraph = None

    def handle_starttag(self, tag, attrs):
        if tag in ("h2", "h3", "h4", "h5", "h6"):
            self._start(f"Heading {tag[1]}")
        elif tag == "p" and self.cell is None:
            if self.paragraph is None:  # a <p> inside an <li> continues the item's paragraph
                self._start("Quote" if self.quote else None)
        elif tag in ("ul", "ol"):
            self._end()
            self.lists.append(tag)
        elif tag == "li":
            kind = self.lists[-1] if self.lists else "ul"
            depth = min(len(self.lists), 3)
            base = "List Number" if kind == "ol" else "List Bullet"
            self._start(base if depth == 1 else f"{base} {depth}")
        elif tag == "blockquote":
            self.quote += 1
        elif tag == "pre":
            self._start()
            self.code += 1
            self.pre += 1
        elif tag in ("strong", "b"):
            self.bold += 1
        elif tag in ("em", "i"):
            self.italic += 1
        elif tag == "code":
            self.code += 1
        elif tag == "a":
            self.link = dict(attrs).get("href")
        elif tag == "br" and self.paragraph is not None:
            self.paragraph.add_run().add_break()
        elif tag == "hr":
            self._end()
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("h2", "h3", "h4", "h5", "h6", "p", "li", "pre") and self.cell is None:
            if tag == "pre":
                self.code -= 1
                self.pre -= 1
            self._end()
        elif tag in ("ul", "ol"):
            self._end()
            if self.lists:
                self.lists.pop()
        elif tag == "blockquote":
            self.quote -= 1
        elif tag in ("strong", "b"):
            self.bold -= 1
        elif tag in ("em", "i"):
            self.italic -= 1
        elif tag == "code":
            self.code -= 1
        elif tag == "a":
            self.link = None
        elif tag in ("td", "th") and self.row is not None:
            self.row.append(" ".join("".join(self.cell or []).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "table" and self.rows:
            header, *body = self.rows
            width = len(header)
            self.writer.table("", header, [(r + [""] * width)[:width] for r in body])
            self.rows = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
            return
        if not self.pre:
            data = WHITE_SPACE.sub(" ", data)  # as a browser shows it: a line break in the source is a space
        if not data.strip() and self.paragraph is None:
            return
        if self.paragraph is None:
            self._start("Quote" if self.quote else None)
        run = self.paragraph.add_run(data)
        run.bold = bool(self.bold) or None
        run.italic = bool(self.italic) or None
        if self.code:
            run.font.name = "DejaVu Sans Mono"
        if self.link and self.link != data and data.strip() == data and data:
            run.underline = True
            self.paragraph.add_run(f" ({self.link})")

    def close(self):
        super().close()
        self._end()


# The report's parts, in the plan's order ------------------------------------------------------------------------


def _goal_heading(goal: dict) -> tuple[str, ...]:
    """ "Goal 1: <title>" as parts, so a title that fell back to Finnish keeps its language."""
    marker = "\x00"
    text = _("Goal %(number)s: %(title)s") % {"number": goal["number"], "title": marker}
    before, _marker, after = text.partition(marker)
    return (before, goal["title"], after)


def _date(value) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT") if value else "–"


def _number(value, decimals: int = 0) -> str:
    return charts.format_number(float(value), decimals) if value is not None else "–"


def _cover(w: _Writer, data: dict) -> None:
    plan = data["plan"]
    w.paragraph(PROJECT_NAME, muted=True)
    w.paragraph(plan["title"], style="Title")
    w.paragraph(_("Development plan of the Kemi Technology Village"), style="Subtitle")
    status = capfirst(plan["status_label"])
    if plan["approved_on"]:
        status += ", " + _("approved on %(date)s") % {"date": _date(plan["approved_on"])}
    w.facts(
        _("Plan period"),
        [
            (_("Plan period"), f"{_date(plan['period_start'])} – {_date(plan['period_end'])}"),
            (_("Date"), formats.date_format(data["generated_on"], "DATE_FORMAT")),
            (_("Status"), status),
            (_("Publisher"), PUBLISHER),
        ],
    )
    w.paragraph(_("The project Teknologiakylä 3.0 is funded by the Regional Council of Lapland."), muted=True)


def _summary(w: _Writer, data: dict) -> None:
    w.heading(_("Summary"), 1)
    if data["plan"]["summary_html"]:
        w.written(data["plan"]["summary_html"])
    else:
        w.no_data(_("Not written yet."))


def _vision(w: _Writer, data: dict) -> None:
    w.heading(_("Vision and goals"), 1)
    w.heading(_("Vision"), 2)
    if data["plan"]["vision_html"]:
        w.written(data["plan"]["vision_html"])
    else:
        w.no_data(_("Not written yet."))
    w.heading(_("Goals"), 2)
    if not data["goals"]:
        w.no_data(_("No goals have been written yet."))
    for goal in data["goals"]:
        paragraph = w.paragraph((f"{goal['number']}. ", goal["title"]))
        for run in paragraph.runs:
            run.bold = True
        if goal["description_html"]:
            w.written(goal["description_html"])


def _measure(w: _Writer, measure: dict) -> None:
    w.heading((f"{measure['number']}. ", measure["title"]), 3).paragraph_format.keep_with_next = True
    if measure["description_html"]:
        w.written(measure["description_html"])
    cost = f"{_number(measure['cost'])} €" if measure["cost"] is not None else "–"
    timing = f"{measure['start']} – {measure['end']}" if measure["start"] else _("No timing set")
    findings: list[str | tuple[str, str]] = [(f"F{f['number']} ", f["short"]) for f in measure["findings"]] or ["–"]
    w.facts(
        _("Facts of measure %(number)s") % {"number": measure["number"]},
        [
            (_("Responsible"), measure["responsible"] or "–"),
            (_("Partners"), ", ".join(measure["partners"]) or "–"),
            (_("Timing"), timing),
            (_("Estimated cost"), cost),
            (_("Funding"), measure["funding"] or "–"),
            (_("Indicator"), measure["indicator"] or "–"),
            (_("Status"), capfirst(measure["status_label"])),
            (_("Findings answered"), findings),
        ],
    )


def _measures(w: _Writer, data: dict, chart: dict) -> None:
    w.heading(_("Measures"), 1)
    if not data["measures"]:
        w.no_data(_("No measures have been proposed yet."))
    for goal in data["goals"]:
        w.heading(_goal_heading(goal), 2)
        for measure in goal["measures"]:
            _measure(w, measure)
        if not goal["measures"]:
            w.no_data(_("No measures under this goal yet."))
    if data["other_measures"]:
        w.heading(_("Other measures"), 2)
        if data["goals"]:
            w.note(_("Measures not tied to a goal of the plan."))
        for measure in data["other_measures"]:
            _measure(w, measure)
    w.heading(_("Timeline of the measures"), 2)
    if chart.get("timeline"):
        w.figure(chart["timeline"], _("Each measure from its first to its last quarter, coloured by its status."))
    else:
        w.no_data(_("No measure has a timing yet."))
    untimed = data["timeline"]["untimed"]
    if untimed and data["timeline"]["rows"]:
        w.note(
            ngettext(
                "%(counter)s measure has no timing and is not shown.",
                "%(counter)s measures have no timing and are not shown.",
                untimed,
            )
            % {"counter": untimed}
        )


def _starting_point(w: _Writer, data: dict, chart: dict) -> None:
    registry = data["registry"]
    w.heading(_("Starting point"), 1)
    if data["plan"]["starting_point_html"]:
        w.written(data["plan"]["starting_point_html"])
    else:
        w.no_data(_("Not written yet."))
    w.heading(_("The village today"), 2)
    w.paragraph(
        ngettext(
            "The registry of the village holds %(counter)s active organisation.",
            "The registry of the village holds %(counter)s active organisations.",
            registry["organisations"],
        )
        % {"counter": registry["organisations"]}
        + " "
        + ngettext(
            "%(counter)s of them has premises in the village today.",
            "%(counter)s of them have premises in the village today.",
            registry["organisations_with_premises"],
        )
        % {"counter": registry["organisations_with_premises"]}
    )
    parts = [
        (
            _("Organisations by building"),
            "by_building",
            _("Organisations with premises in each building. An organisation in several buildings is counted in each."),
            registry["buildings"],
        ),
        (
            _("Organisations by industry"),
            "by_industry",
            _("Active organisations by industry section (TOL 2008)."),
            registry["industries"],
        ),
        (_("Premises in use"), "premises", _("Premises in use and vacant by building, m²."), registry["buildings"]),
        (
            _("Length of customer relationships"),
            "customer_years",
            _("Years as a customer of the village, counted from the year the relationship began."),
            registry["customer_years"],
        ),
    ]
    for title, key, caption, present in parts:
        w.heading(title, 3)
        if not present:
            w.no_data(_("No organisations are in the registry yet."))
            continue
        if key == "premises":
            w.paragraph(
                _("%(used)s m² of the %(total)s m² of premises in the registry are in use.")
                % {"used": _number(registry["area_in_use"]), "total": _number(registry["area_total"])}
            )
        w.figure(chart.get(key), caption)


def _question(w: _Writer, q: dict) -> None:
    w.heading(q["text"], 4)
    answered = ngettext("%(counter)s answer", "%(counter)s answers", q["answered"]) % {"counter": q["answered"]}
    if q["multiple"]:
        answered += " · " + _("Several options could be chosen.")
    w.note(answered)
    if q["suppressed"]:
        w.no_data(
            _("Fewer than %(n)s answers: not shown, so that no organisation can be singled out.") % {"n": MIN_GROUP}
        )
    elif q["kind"] in ("counts", "scale"):
        if q["kind"] == "scale":
            w.figure(q["chart"], _("Answers on the scale from 1 to 5."))
            mean = _("Mean")
            w.paragraph(f"{mean}: {_number(q['mean'], 2)}")
        else:
            w.figure(q["chart"], _("Share of those who answered, in per cent (number of answers in brackets)."))
        if q["other_texts"]:
            w.paragraph(_("“Other” in their own words:"))
            for text in q["other_texts"]:
                w.paragraph(text, style="List Bullet")
    elif q["kind"] == "numbers":
        n = q["numbers"]
        w.table(
            _("The answers in figures"),
            [_("Answers"), _("Mean"), _("Median"), _("Smallest"), _("Largest")],
            [[str(n["count"])] + [_number(n[key], 2) for key in ("mean", "median", "minimum", "maximum")]],
            numeric={0, 1, 2, 3, 4},
        )
    elif q["kind"] == "dates":
        w.paragraph(_("From %(first)s to %(last)s.") % {"first": _date(q["first_date"]), "last": _date(q["last_date"])})
    else:
        for text in q["texts"]:
            w.paragraph(text, style="Quote")
        if q["more_texts"]:
            w.note(
                ngettext(
                    "%(counter)s more answer is in the survey's export.",
                    "%(counter)s more answers are in the survey's export.",
                    q["more_texts"],
                )
                % {"counter": q["more_texts"]}
            )


def _survey(w: _Writer, data: dict, chart: dict, sections: list[dict]) -> None:
    survey = data["survey"]
    w.heading(_("The survey"), 2)
    if survey is None:
        w.no_data(_("No survey was chosen for this report."))
        return
    w.paragraph(
        _("The survey “%(title)s” was open to the organisations of the village from %(opens)s to %(closes)s.")
        % {"title": survey["title"], "opens": _date(survey["opens_at"]), "closes": _date(survey["closes_at"])}
    )
    w.heading(_("Response rate"), 3)
    if survey["invited"]:
        text = _("%(submitted)s of the %(invited)s invited organisations submitted their answers (%(rate)s %%).") % {
            "submitted": survey["submitted"],
            "invited": survey["invited"],
            "rate": _number(survey["rate"]),
        }
        if survey["drafts"]:
            text += " " + ngettext(
                "%(counter)s more has started but not submitted.",
                "%(counter)s more have started but not submitted.",
                survey["drafts"],
            ) % {"counter": survey["drafts"]}
        w.paragraph(text)
        w.note(
            _(
                "Groups with fewer than %(n)s invited organisations are not broken down, "
                "so that no organisation can be singled out."
            )
            % {"n": MIN_GROUP}
        )
        w.figure(
            chart.get("rate_by_building"),
            _(
                "Submitted responses as a share of the invited organisations, by building "
                "(number submitted in brackets)."
            ),
        )
        w.figure(
            chart.get("rate_by_industry"),
            _(
                "Submitted responses as a share of the invited organisations, by industry "
                "(number submitted in brackets)."
            ),
        )
        w.note(_("The response rates are tabulated by building and by industry in the appendix."))
    else:
        w.no_data(_("No organisations have been invited to the survey yet."))
    if not survey["responses"]:
        w.no_data(_("The survey has no answers yet."))
        return
    w.paragraph(
        ngettext(
            "The results below are based on %(counter)s submitted response.",
            "The results below are based on %(counter)s submitted responses.",
            survey["responses"],
        )
        % {"counter": survey["responses"]}
        + " "
        + _("Free-text answers are quoted without the names of the organisations.")
    )
    for section in sections:
        w.heading(section["title"], 3)
        for q in section["questions"]:
            _question(w, q)


def _heard(w: _Writer, data: dict, chart: dict, sections: list[dict]) -> None:
    heard = data["heard"]
    w.heading(_("What was heard"), 1)
    _survey(w, data, chart, sections)
    w.heading(_("Interviews and workshops"), 2)
    if heard["interviews"]:
        w.table(
            _("Interviews"),
            [_("Date"), _("Organisations"), _("People"), _("Themes")],
            [
                [_date(r["date"]), str(r["organisations"]), str(r["people"]), ", ".join(r["themes"]) or "–"]
                for r in heard["interviews"]
            ],
            numeric={1, 2},
        )
    if heard["workshops"]:
        w.table(
            _("Workshops"),
            [_("Date"), _("Workshop"), _("Invited"), _("Attended"), _("Themes")],
            [
                [_date(r["date"]), r["title"], str(r["invited"]), str(r["attendees"]), ", ".join(r["themes"]) or "–"]
                for r in heard["workshops"]
            ],
            numeric={2, 3},
        )
    w.heading(_("Findings by theme"), 2)
    if not heard["findings"]:
        w.no_data(_("No findings have been recorded yet."))
    for theme in heard["themes"]:
        w.heading(theme["name"], 3)
        if not theme["groups"]:
            w.no_data(_("No findings under this theme yet."))
        for group in theme["groups"]:
            w.heading(group["label"], 4)
            for finding in group["findings"]:
                text = (f"F{finding['number']} ", finding["text"], f" ({finding['kind_label']})")
                w.paragraph(text, style="List Bullet")
    w.heading(_("SWOT analysis"), 2)
    cells: dict[str, list[str | tuple[str, str]]] = {}
    for key in ("strengths", "weaknesses", "opportunities", "threats"):
        cells[key] = [(f"F{f['number']} ", f["short"]) for f in heard["swot"][key]] or ["–"]
    w.table(
        _("Strengths, weaknesses, opportunities and threats, from the findings' kinds"),
        ["", _("Helpful"), _("Harmful")],
        [
            [_("Internal"), [_("Strengths"), *cells["strengths"]], [_("Weaknesses"), *cells["weaknesses"]]],
            [_("External"), [_("Opportunities"), *cells["opportunities"]], [_("Threats"), *cells["threats"]]],
        ],
    )


def _workforce(w: _Writer, data: dict, chart: dict) -> None:
    workforce = data["workforce"]
    w.heading(_("Demand and supply of labour"), 1)
    w.paragraph(
        _(
            "The workforce needs the village's organisations have reported, over the next three years, beside the "
            "yearly graduates of the programmes of Lapin AMK and Lappia in the same skill areas. A positive gap means "
            "more people are needed than the schools train in a year; organisations are not named."
        )
    )
    w.figure(chart.get("workforce_gaps"), _("Skill areas where the village's companies will lack people"))
    rows = [
        [
            r["label"],
            str(r["needed"]),
            str(r["organisations"]),
            str(r["graduates"]),
            f"+{r['gap']}" if r["gap"] > 0 else str(r["gap"]),
        ]
        for r in workforce["rows"]
    ] or [[_("No workforce needs have been recorded yet.")]]
    w.table(
        _("Workforce needs and graduates by skill area"),
        [_("Skill area"), _("People needed"), _("Organisations"), _("Graduates a year"), _("Gap")],
        rows,
        numeric={1, 2, 3, 4},
    )
    if workforce["no_demand"]:
        w.heading(_("Programmes with no local demand"), 2)
        for row in workforce["no_demand"]:
            w.paragraph(
                _("%(label)s: %(graduates)s graduates a year") % {"label": row["label"], "graduates": row["graduates"]},
                style="List Bullet",
            )


def _monitoring(w: _Writer, data: dict) -> None:
    w.heading(_("Monitoring"), 1)
    w.paragraph(_("Each measure's indicator, from its baseline to its target, for the board to follow up."))
    rows = [
        [
            (f"{m['number']}. ", m["title"]),
            m["indicator"] or "–",
            _number(m["baseline"], 2) if m["baseline"] is not None else "–",
            f"→ {_number(m['target'], 2)}" if m["target"] is not None else "–",
            capfirst(m["status_label"]),
        ]
        for m in data["measures"]
    ] or [[_("No measures have been proposed yet.")]]
    w.table(
        _("Indicators of the measures"),
        [_("Measure"), _("Indicator"), _("Baseline"), _("Target"), _("Status")],
        rows,
        numeric={2, 3},
    )


def _rates_rows(rows: list[dict]) -> list[list]:
    fewer = _("fewer than %(n)s") % {"n": MIN_GROUP}
    return [
        [r["label"], fewer, "", ""]
        if r["suppressed"]
        else [r["label"], str(r["invited"]), str(r["submitted"]), f"{_number(r['rate'])} %"]
        for r in rows
    ]


def _appendix(w: _Writer, data: dict, sections: list[dict]) -> None:
    registry = data["registry"]
    survey = data["survey"]
    w.heading(_("Appendix: the data behind the charts"), 1)
    no_data = [[_("No data")]]
    w.table(
        _("Organisations and premises by building"),
        [_("Building"), _("Organisations"), _("In use, m²"), _("All premises, m²"), _("In use, %%") % {}],
        [
            [
                b["name"],
                str(b["organisations"]),
                _number(b["area_in_use"]),
                _number(b["area_total"]),
                "–" if b["use_rate"] is None else f"{_number(b['use_rate'])} %",
            ]
            for b in registry["buildings"]
        ]
        or no_data,
        numeric={1, 2, 3, 4},
    )
    w.table(
        _("Organisations by industry"),
        [_("Industry"), _("Organisations")],
        [[i["label"], str(i["organisations"])] for i in registry["industries"]] or no_data,
        numeric={1},
    )
    w.table(
        _("Length of customer relationships"),
        [_("Customer for"), _("Organisations")],
        [[b["label"], str(b["organisations"])] for b in registry["customer_years"]] or no_data,
        numeric={1},
    )
    if survey is not None and survey["invited"]:
        header = [_("Invited"), _("Submitted"), _("Response rate")]
        w.table(
            _("Response rate by building"),
            [_("Building"), *header],
            _rates_rows(survey["by_building"]),
            numeric={1, 2, 3},
        )
        w.table(
            _("Response rate by industry"),
            [_("Industry"), *header],
            _rates_rows(survey["by_industry"]),
            numeric={1, 2, 3},
        )
    if survey is not None and survey["responses"]:
        rows = []
        for section in sections:
            for q in section["questions"]:
                if not q.get("chart"):
                    continue
                for index, option in enumerate(q["counts"]):
                    rows.append(
                        [
                            q["text"] if index == 0 else "",
                            option["label"],
                            str(option["count"]),
                            f"{_number(option['share'])} %",
                        ]
                    )
        w.table(
            _("Answers to the survey's choice and scale questions"),
            [_("Question"), _("Answer"), _("Count"), _("Share")],
            rows or no_data,
            numeric={2, 3},
        )
    w.table(
        _("Timing of the measures"),
        [_("Measure"), _("First quarter"), _("Last quarter"), _("Status")],
        [
            [(f"{m['number']}. ", m["title"]), m["start"] or "–", m["end"] or "–", capfirst(m["status_label"])]
            for m in data["measures"]
        ]
        or [[_("No measures have been proposed yet.")]],
    )


def contents_entries(data: dict, sections: list[dict]) -> list[tuple[int, str | tuple[str, ...]]]:
    """The headings of levels 1–2 in the order the document has them (the written text's own headings aside)."""
    entries: list[tuple[int, str | tuple[str, ...]]] = [
        (1, _("Summary")),
        (1, _("Vision and goals")),
        (2, _("Vision")),
        (2, _("Goals")),
        (1, _("Measures")),
    ]
    entries += [(2, _goal_heading(g)) for g in data["goals"]]
    if data["other_measures"]:
        entries.append((2, _("Other measures")))
    entries += [(2, _("Timeline of the measures")), (1, _("Starting point")), (2, _("The village today"))]
    entries += [(1, _("What was heard")), (2, _("The survey"))]
    entries += [(2, _("Interviews and workshops")), (2, _("Findings by theme")), (2, _("SWOT analysis"))]
    entries += [
        (1, _("Demand and supply of labour")),
        (1, _("Monitoring")),
        (1, _("Appendix: the data behind the charts")),
    ]
    return entries


def report_docx(data: dict, *, generated_on) -> bytes:
    """The gathered report data as a .docx file, in the active language (the caller overrides it)."""
    data = {**data, "generated_on": generated_on}
    with charts.as_png():
        chart, sections = report_charts(data)
    w = _Writer(data["language"])
    properties = w.document.core_properties
    properties.title = str(data["plan"]["title"])
    properties.author = PUBLISHER
    properties.subject = _("Development plan of the Kemi Technology Village")
    keyword = _("development plan")
    properties.keywords = f"{PROJECT_NAME}, {keyword}"
    properties.language = LANGUAGE_TAGS[data["language"]]
    properties.comments = ""
    w.running_header(f"{PROJECT_NAME} · {data['plan']['title']}")
    _cover(w, data)
    w.page_break()
    w.contents(contents_entries(data, sections))
    w.page_break()
    _summary(w, data)
    _vision(w, data)
    _measures(w, data, chart)
    _starting_point(w, data, chart)
    _heard(w, data, chart, sections)
    _workforce(w, data, chart)
    _monitoring(w, data)
    _appendix(w, data, sections)
    return w.save()
