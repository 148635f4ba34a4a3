"""What a hostile or careless person types: Hypothesis strategies, and the forms of a page as a browser sends them.

The strategies aim at the classes of issue 14: control characters (NUL first), lone surrogates, very long texts,
years out of range and malformed dates, numbers no column holds, digits that are not ASCII, emoji, right-to-left text.
"""

import contextlib
import datetime
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlencode

from django.db import transaction
from hypothesis import strategies as st

CONTROL = "".join(chr(code) for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, 0x85, 0x9F])
SURROGATES = "\ud800\udfff\udbff"
EMOJI = "🙂👩‍💻🏳️‍🌈"
RTL = "\u202eשלום عربي\u202c"
NON_ASCII_DIGITS = "²³¹٣۴५௬१०"

# Small texts from every kind of character that breaks something, mixed with ordinary letters.
ORDINARY = "åäöÅÄÖ abc=+-@'\"<>&;\t\r\n"
hostile_characters = st.sampled_from(CONTROL + SURROGATES + EMOJI + RTL + NON_ASCII_DIGITS + ORDINARY)
short_hostile_text = st.text(hostile_characters, min_size=1, max_size=12)
# Longer than any field of the portal holds (the longest text fields take a few thousand characters).
very_long_text = st.builds(lambda piece, times: (piece * times)[:times], st.sampled_from(["a", "ä", "🙂", "x\x00"]),
                           st.integers(min_value=5_001, max_value=70_000))  # fmt: skip
malformed_dates = st.sampled_from(
    [
        "0001-01-01", "0001-01-01T00:00", "0001-01-01 00:00", "9999-12-31", "9999-12-31T23:59", "10000-01-01",
        "1899-12-31", "2101-01-01", "0000-00-00", "2024-02-30", "-0001-01-01", "1.1.1", "31.12.9999", "٢٠٢٤-٠١-٠١",
        "2024-01-01T25:61", "2024-W01", "infinity", "-infinity", "epoch", "now", "1e999999", "2024-01-01\x00",
    ]
)  # fmt: skip
malformed_numbers = st.sampled_from(
    [
        "9" * 30, "-" + "9" * 30, "1e999999", "-1e999999", "NaN", "Infinity", "-0", "0x10", "1_000", "1,5,5",
        "²", "٣", "١٢", "½", "1e-999999", "2147483648", "9223372036854775808", "32768", "-32769", " 1 ", "\x001",
    ]
)  # fmt: skip
hostile_values = st.one_of(
    short_hostile_text,
    very_long_text,
    malformed_dates,
    malformed_numbers,
    st.sampled_from(["\x00", "a\x00b", "\x1b[31m", EMOJI, RTL, "\ud800", "=1+1", "\x01=1+1", "@SUM(A1)"]),
    st.dates(min_value=datetime.date(1, 1, 1)).map(lambda day: day.isoformat()),
)

DATE_KINDS = {"date", "datetime-local", "datetime", "time", "month"}
DATE_HINTS = ("date", "_at", "_on", "_from", "_to", "day", "founded")

# One value of each class, tried on every field or parameter before the generated ones: the default run is short,
# and a class must not hide behind the luck of the draw.
CLASS_PROBES = {
    "nul": "a\x00b",
    "control": "\x01=1+1",
    "surrogate": "\ud800",
    "long": "ä" * 70_000,
    "date": "0001-01-01T00:00",
    "number": "1e999999",
    "digit": "²",
    "emoji and rtl": EMOJI + RTL,
}


def probes_for(kind: str, name: str) -> list[str]:
    """The class probes that fit a field: every class for a text, its own malformed kind for dates and numbers."""
    if kind in DATE_KINDS or any(hint in name for hint in DATE_HINTS):
        return ["0001-01-01T00:00", "0001-01-01", "a\x00b"]
    if kind == "number" or name.endswith(("count", "year", "since", "employees", "revenue", "graduates", "order")):
        return ["1e999999", "²", "9" * 30, "a\x00b"]
    return [CLASS_PROBES[name] for name in ("nul", "control", "surrogate", "long", "digit")]


def value_for(kind: str, name: str):
    """Hostile values for one field: every class for any field, and malformed ones of its own kind more often."""
    if kind in DATE_KINDS or any(hint in name for hint in DATE_HINTS):
        return st.one_of(malformed_dates, hostile_values)
    if kind == "number" or name.endswith(("count", "year", "since", "employees", "revenue", "graduates", "order")):
        return st.one_of(malformed_numbers, hostile_values)
    return hostile_values


def values_for(fields: dict[str, str]):
    """One hostile value for each field of a form: {name: value}."""
    return st.fixed_dictionaries({name: value_for(kind, name) for name, kind in sorted(fields.items())})


def examples(share: float) -> int:
    """A share of the profile's number of examples, for a property whose every example posts many requests."""
    from hypothesis import settings

    return max(1, round(settings.default.max_examples * share))


def as_received(value: str) -> str:
    """The text the server reads back from what was sent: lone surrogates arrive as U+FFFD, one per byte."""
    return value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def form_body(data: dict[str, list[str]]) -> str:
    """A urlencoded form body that carries lone surrogates as the bytes a broken client would send."""
    return urlencode(data, doseq=True, encoding="utf-8", errors="surrogatepass")


def post_form(client, url: str, data: dict[str, list[str]]):
    return client.post(url, form_body(data), content_type="application/x-www-form-urlencoded")


@contextlib.contextmanager
def rolled_back():
    """One generated example's writes, undone after it: every example starts from the same database."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


# The forms of a page, as a browser would send them --------------------------------------------------------------


@dataclass
class HtmlForm:
    method: str
    action: str
    multipart: bool
    data: dict[str, list[str]] = field(default_factory=dict)
    # name -> "text" (typed freely), "textarea", "choice" (select, radio, checkbox), "hidden", "date", "number"…
    kinds: dict[str, str] = field(default_factory=dict)

    def typed_fields(self) -> list[str]:
        """The fields a person types into: where a hostile value goes."""
        return sorted(name for name, kind in self.kinds.items() if kind not in ("hidden", "choice", "file"))


class _FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    @property
    def _form(self) -> HtmlForm | None:
        return self.forms[-1] if self.forms else None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                HtmlForm(
                    method=(attrs.get("method") or "get").lower(),
                    action=attrs.get("action") or "",
                    multipart="multipart" in (attrs.get("enctype") or ""),
                )
            )
            return
        form, name = self._form, attrs.get("name")
        if form is None:
            return
        if tag == "input" and name and "disabled" not in attrs:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "reset", "image"):
                return
            if kind in ("checkbox", "radio"):
                form.kinds.setdefault(name, "choice")
                if "checked" in attrs:
                    form.data.setdefault(name, []).append(attrs.get("value", "on"))
                return
            form.kinds[name] = kind
            form.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in attrs), []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        form = self._form
        if tag == "textarea" and self._textarea is not None and form is not None:
            text = "".join(self._text)
            # The HTML parser keeps the newline that browsers drop right after <textarea>.
            form.data[self._textarea] = [text[1:] if text.startswith("\n") else text]
            form.kinds[self._textarea] = "textarea"
            self._textarea = None
        elif tag == "select" and self._select and form is not None:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            form.data[name] = chosen
            form.kinds[name] = "choice"
            self._select = None


def page_forms(html: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def main_post_form(html: str) -> HtmlForm:
    """The page's form that posts the record (the one with most fields; the header's logout form has one)."""
    forms = [form for form in page_forms(html) if form.method == "post"]
    return max(forms, key=lambda form: len(form.kinds))
